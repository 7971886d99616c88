"""Groups of copies of one dataset across portals: kept at index time, folded at search time.

Index time (``before_dataset_index``): the keys of a dataset (:func:`dedup.package_keys`)
go into one table, ``opengov_federation_dedup``. Datasets of different origins (harvest
sources, or this portal) that share a key are copies of one dataset; copies of copies too.
Every search document gets two fields that depend on its group:

* ``federation_dup_group``: the group's key, the same on every copy (the id of a dataset
  that has no copy), so an engine can filter or collapse on it (Solr:
  ``fq={!collapse field=federation_dup_group}``);
* ``federation_dup_primary``: ``true`` on the preferred copy (:func:`dedup.package_rank`,
  public copies first), ``false`` on the others.

When a dataset joins, leaves or changes its group, the copies whose fields change are
indexed again, so the index never disagrees with the table for long.

Search time (:func:`collapse_filter`): one record per group among the datasets that match
the query: the preferred copy, or, when the query or a filter leaves it out, the best copy
that matches. It is a filter query, so counts, facets and paging are those of the groups.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from . import dedup

log = logging.getLogger(__name__)

TABLE = "opengov_federation_dedup"
GROUP_FIELD = "federation_dup_group"
PRIMARY_FIELD = "federation_dup_primary"
#: Most copies in one group: beyond it, a key shared so widely is not an identity.
MAX_GROUP = 50
#: A key carried by more datasets than this (a shared licence page, a portal-wide API
#: endpoint) is ignored: it says nothing about which dataset it is.
MAX_KEY_USES = 10
#: Matching non-preferred copies examined per search (to find groups whose preferred copy
#: the query leaves out); beyond it such a group shows no record.
MAX_ORPHAN_SCAN = 2000
# pg_advisory_xact_lock key: one regrouping at a time, so concurrent imports of two copies
# see each other.
_LOCK = 0x6F67_6665_6464  # "ogfedd"

_DDL = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        package_id text PRIMARY KEY,
        origin text NOT NULL,
        keys text[] NOT NULL,
        rank text NOT NULL,
        public boolean NOT NULL,
        group_key text NOT NULL,
        is_primary boolean NOT NULL)""",
    # fastupdate off: every import searches this index, and GIN's default pending list,
    # scanned whole by each search until a vacuum, made imports slower as a harvest went on.
    f"CREATE INDEX IF NOT EXISTS {TABLE}_keys ON {TABLE} USING gin (keys) "
    f"WITH (fastupdate = off)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_group ON {TABLE} (group_key)",
)

_state = threading.local()


@dataclasses.dataclass
class Member:
    package_id: str
    origin: str
    keys: list[str]
    rank: str
    public: bool
    group_key: str
    is_primary: bool


def _session() -> Any:
    return model.Session


def _execute(sql: str, **params: Any) -> Any:
    return _session().execute(sa.text(sql), params)


def ensure_table() -> None:
    if _execute("SELECT to_regclass(:t)", t=TABLE).scalar() is None:
        for statement in _DDL:
            _execute(statement)


def _jurisdiction(pkg: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Level of government and names of the organization that holds the dataset here."""
    org: dict[str, Any] = (pkg["organization"] if isinstance(pkg.get("organization"), dict)
                           else {})
    names = [str(v) for v in (org.get("title"), org.get("name")) if v]
    extras: dict[str, Any] = {}
    org_id = pkg.get("owner_org") or org.get("id")
    group = model.Group.get(org_id) if org_id else None
    if group is not None:
        extras = dict(group.extras or {})
        titles = extras.get("title_translated")
        if isinstance(titles, str):
            try:
                titles = json.loads(titles)
            except ValueError:
                titles = None
        if isinstance(titles, dict):
            names += [str(v) for v in titles.values() if v]
    level = pkg.get("jurisdiction") or extras.get("level_of_government")
    return (str(level) if level else None), names


@functools.cache
def _registry_names() -> tuple[tuple[str, ...], ...]:
    from .registry import registry

    return tuple((j.id, *j.title.values()) for j in registry())


def member_of(pkg: dict[str, Any]) -> Member:
    """The table row of a dataset dict (package_show's shape)."""
    level, names = _jurisdiction(pkg)
    return Member(
        package_id=str(pkg["id"]), origin=dedup.origin(pkg),
        keys=sorted(dedup.package_keys(pkg)),
        rank=dedup.package_rank(pkg, level, names, _registry_names()),
        public=not pkg.get("private") and pkg.get("state", "active") == "active",
        group_key=str(pkg["id"]), is_primary=True)


def _load(ids: list[str]) -> dict[str, Member]:
    if not ids:
        return {}
    rows = _execute(f"SELECT package_id, origin, keys, rank, public, group_key, is_primary "
                    f"FROM {TABLE} WHERE package_id = ANY(CAST(:ids AS text[]))", ids=ids)
    # row._mapping["keys"]: on SQLAlchemy 1.4 (CKAN 2.11) row.keys is Row.keys(), a method
    return {row.package_id: Member(row.package_id, row.origin, list(row._mapping["keys"]),
                                   row.rank, row.public, row.group_key, row.is_primary)
            for row in rows}


def _usable_keys(keys: list[str]) -> list[str]:
    if not keys:
        return []
    # Counting stops past MAX_KEY_USES: a key on every dataset of a portal costs no more
    # than a key on a few.
    rows = _execute(f"SELECT k FROM unnest(CAST(:keys AS text[])) k WHERE (SELECT count(*) "
                    f"FROM (SELECT 1 FROM {TABLE} d WHERE d.keys @> ARRAY[k] LIMIT :cap) s) "
                    f"> :most", keys=keys, cap=MAX_KEY_USES + 1, most=MAX_KEY_USES)
    crowded = {row.k for row in rows}
    return [k for k in keys if k not in crowded]


def _neighbours(member: Member) -> list[str]:
    keys = _usable_keys(member.keys)
    if not keys:
        return []
    rows = _execute(f"SELECT d.package_id FROM {TABLE} d JOIN package p ON p.id = d.package_id "
                    f"WHERE d.keys && CAST(:keys AS text[]) AND d.origin <> :origin "
                    f"AND d.package_id <> :id AND p.state = 'active' LIMIT :limit",
                    keys=keys, origin=member.origin, id=member.package_id, limit=MAX_GROUP)
    return [row.package_id for row in rows]


def _component(start: Member) -> dict[str, Member]:
    """The copies reachable from ``start`` through shared keys (at most MAX_GROUP)."""
    found = {start.package_id: start}
    frontier = [start]
    while frontier and len(found) < MAX_GROUP:
        current = frontier.pop()
        new = [pid for pid in _neighbours(current) if pid not in found]
        for pid, member in _load(new[:MAX_GROUP - len(found)]).items():
            found[pid] = member
            frontier.append(member)
    return found


def _elect(members: dict[str, Member]) -> str:
    return min(members.values(),
               key=lambda m: (not m.public, m.rank, m.package_id)).package_id


def _regroup(seeds: list[Member], fresh: str | None = None) -> dict[str, tuple[str, bool]]:
    """New (group key, preferred) of every member of the components of ``seeds``.

    ``fresh``: a dataset seen for the first time, whose key does not count when a group
    keeps the key most of its copies have (so the copies already indexed keep theirs).
    """
    components: list[dict[str, Member]] = []
    placed: set[str] = set()
    for seed in seeds:
        if seed.package_id in placed:
            continue
        component = _component(seed)
        placed |= set(component)
        components.append(component)
    assigned: dict[str, tuple[str, bool]] = {}
    claimed: set[str] = set()
    # The largest group keeps its key; a dataset alone is its own group.
    for component in sorted(components, key=len, reverse=True):
        if len(component) == 1:
            key = next(iter(component))
        else:
            counts = Counter(m.group_key for m in component.values()
                             if m.group_key not in claimed and m.package_id != fresh)
            key = (min(counts, key=lambda k: (-counts[k], k)) if counts
                   else min(component))
        claimed.add(key)
        winner = _elect(component)
        for pid in component:
            assigned[pid] = (key, pid == winner)
    return assigned


def _save(member: Member) -> Member | None:
    """Insert or update a dataset's row; returns the row as it was."""
    before = _load([member.package_id]).get(member.package_id)
    if before is not None:
        member.group_key, member.is_primary = before.group_key, before.is_primary
    _execute(f"INSERT INTO {TABLE} (package_id, origin, keys, rank, public, group_key, "
             f"is_primary) VALUES (:id, :origin, CAST(:keys AS text[]), :rank, :public, "
             f":group_key, :is_primary) ON CONFLICT (package_id) DO UPDATE SET "
             f"origin = EXCLUDED.origin, keys = EXCLUDED.keys, rank = EXCLUDED.rank, "
             f"public = EXCLUDED.public",
             id=member.package_id, origin=member.origin, keys=member.keys, rank=member.rank,
             public=member.public, group_key=member.group_key, is_primary=member.is_primary)
    return before


def _group_members(group_key: str, exclude: str) -> list[Member]:
    rows = _execute(f"SELECT package_id FROM {TABLE} WHERE group_key = :g AND package_id <> :x",
                    g=group_key, x=exclude)
    return list(_load([row.package_id for row in rows]).values())


def _apply(assigned: dict[str, tuple[str, bool]], skip: str | None) -> list[str]:
    """Store the assignment; the ids (other than ``skip``) whose search fields changed."""
    current = _load(list(assigned))
    changed = []
    for pid, (key, primary) in assigned.items():
        row = current.get(pid)
        if row is None or (row.group_key, row.is_primary) == (key, primary):
            continue
        _execute(f"UPDATE {TABLE} SET group_key = :g, is_primary = :p WHERE package_id = :id",
                 g=key, p=primary, id=pid)
        if pid != skip:
            changed.append(pid)
    return changed


@contextmanager
def _guarded(what: str, package_id: str) -> Iterator[None]:
    """A savepoint: a failure here costs the grouping, never the dataset's own write.

    A plain SQL SAVEPOINT, not Session.begin_nested(): on SQLAlchemy 1.4 (CKAN 2.11) the
    commit of a nested session transaction fires before_commit, where CKAN 2.11 indexes
    the changed datasets again, which comes back here: endless recursion.
    """
    _session().flush()  # pending ORM changes stay outside the savepoint
    _execute("SAVEPOINT opengov_dedup")
    try:
        _execute("SELECT pg_advisory_xact_lock(:k)", k=_LOCK)
        ensure_table()
        yield
        _execute("RELEASE SAVEPOINT opengov_dedup")
    except Exception:
        _execute("ROLLBACK TO SAVEPOINT opengov_dedup")
        log.exception("De-duplication: cannot %s dataset %s", what, package_id)
        raise


def _reindex(ids: list[str]) -> None:
    """Index again the copies whose group fields changed; they read the table as it is."""
    if not ids:
        return
    from ckan import logic
    from ckan.lib.search import index_for

    _state.cascading = True
    try:
        for pid in ids:
            try:
                if hasattr(logic, "index_update_package"):  # CKAN 2.12
                    logic.index_update_package({"ignore_auth": True}, pid)
                else:  # CKAN 2.11: the index reads package_show's unvalidated dict
                    # (the context of ckan.lib.search.notify: validated, scheming's
                    # multilingual fields are dicts, which no search index takes)
                    index_for("package").update_dict(tk.get_action("package_show")(
                        {"ignore_auth": True, "validate": False, "use_cache": False},
                        {"id": pid}))
            except Exception:
                log.exception("De-duplication: cannot index again dataset %s", pid)
    finally:
        _state.cascading = False


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """before_dataset_index: the dataset's group key and whether it is the preferred copy."""
    data: dict[str, Any] = {}
    # The dataset as package_show gives it (schema fields at the top, not in extras).
    for stored in ("validated_data_dict", "data_dict"):
        try:
            data = json.loads(pkg_dict.get(stored) or "{}") or {}
        except ValueError:
            continue
        if data.get("id"):
            break
    if not data.get("id"):
        data = {**pkg_dict}
    pid = str(data.get("id") or pkg_dict.get("id"))
    pkg_dict[GROUP_FIELD], pkg_dict[PRIMARY_FIELD] = pid, "true"
    if getattr(_state, "cascading", False):
        row = _load([pid]).get(pid)
        if row is not None:
            pkg_dict[GROUP_FIELD] = row.group_key
            pkg_dict[PRIMARY_FIELD] = "true" if row.is_primary else "false"
            return pkg_dict
    changed: list[str] = []
    try:
        with _guarded("group", pid):
            me = member_of(data)
            before = _save(me)
            seeds = [me]
            if before is not None:
                seeds += _group_members(before.group_key, pid)
            assigned = _regroup(seeds, fresh=pid if before is None else None)
            changed = _apply(assigned, skip=None)
            key, primary = assigned[pid]
            changed = [c for c in changed if c != pid]
    except Exception:
        return pkg_dict
    pkg_dict[GROUP_FIELD], pkg_dict[PRIMARY_FIELD] = key, "true" if primary else "false"
    _reindex(changed)
    return pkg_dict


def forget(package_id: str) -> None:
    """A dataset was deleted: it leaves its group, whose other copies are regrouped."""
    if getattr(_state, "cascading", False):
        return
    changed: list[str] = []
    try:
        with _guarded("forget", package_id):
            before = _load([package_id]).get(package_id)
            if before is None:
                return
            _execute(f"DELETE FROM {TABLE} WHERE package_id = :id", id=package_id)
            rest = _group_members(before.group_key, package_id)
            changed = _apply(_regroup(rest), skip=None) if rest else []
    except Exception:
        return
    _reindex(changed)


def copies_of(package_ids: list[str]) -> dict[str, list[str]]:
    """For each dataset, the other members of its group, preferred first."""
    members = _load(package_ids)
    groups = {m.group_key for m in members.values()}
    if not groups:
        return {}
    rows = _execute(f"SELECT package_id, group_key FROM {TABLE} WHERE group_key = "
                    f"ANY(CAST(:g AS text[])) ORDER BY is_primary DESC, rank, package_id",
                    g=sorted(groups))
    by_group: dict[str, list[str]] = {}
    for row in rows:
        by_group.setdefault(row.group_key, []).append(row.package_id)
    return {pid: [c for c in by_group.get(m.group_key, []) if c != pid]
            for pid, m in members.items()}


def _quoted(values: list[str]) -> str:
    return " OR ".join('"{}"'.format(v.replace("\\", "\\\\").replace('"', '\\"'))
                       for v in values)


NOT_SECONDARY = f"(*:* -{PRIMARY_FIELD}:false)"

SearchIds = Callable[[list[str], int], list[str]]


def collapse_filter(search_ids: SearchIds, narrowed: bool) -> str:
    """A filter query that keeps one record per group among what the query matches.

    ``search_ids(extra_fq, rows)`` runs the caller's query (words and filters) with extra
    filter queries and returns the ids found. ``narrowed``: whether words or filters
    narrow the query; without them every public preferred copy matches, so no group can
    lose its preferred copy and nothing needs to be looked up.
    """
    if not narrowed:
        return NOT_SECONDARY
    secondaries = search_ids([f"{PRIMARY_FIELD}:false"], MAX_ORPHAN_SCAN)
    if not secondaries:
        return NOT_SECONDARY
    if len(secondaries) >= MAX_ORPHAN_SCAN:
        log.warning("De-duplication: more than %d matching copies; some groups whose "
                    "preferred copy does not match may show no record", MAX_ORPHAN_SCAN)
    members = _load(secondaries)
    groups = sorted({m.group_key for m in members.values()})
    if not groups:
        return NOT_SECONDARY
    matched_primaries = search_ids([f"{PRIMARY_FIELD}:true",
                                    f"{GROUP_FIELD}:({_quoted(groups)})"], len(groups))
    covered = {m.group_key for m in _load(matched_primaries).values()}
    best: dict[str, Member] = {}
    for member in members.values():
        if member.group_key in covered:
            continue
        held = best.get(member.group_key)
        if held is None or (member.rank, member.package_id) < (held.rank, held.package_id):
            best[member.group_key] = member
    if not best:
        return NOT_SECONDARY
    return f"{NOT_SECONDARY} OR id:({_quoted(sorted(m.package_id for m in best.values()))})"
