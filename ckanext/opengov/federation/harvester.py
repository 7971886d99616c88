"""The one harvester of the federation: sync logic over ckanext-harvest's jobs and queues.

Gather pages through the remote portal with a platform adapter and decides, per record,
from the content hash of its normalized form: new, changed, unchanged (skipped without
touching the dataset) or, for records that disappeared, withdrawn. Fetch has nothing to
do (the record travels in the harvest object). Import maps the record into the bilingual
dataset dict and creates, updates, hides or, after the grace period, deletes the dataset.

Withdrawals are guarded: only after a complete gather without gather errors, where every
failed record could still be identified, and never when the gather found far fewer
records than the source had (``withdraw_min_ratio``). A partial or interrupted run
therefore only adds and updates.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckan.plugins import plugin_loaded

from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestObjectExtra,
)
from ckanext.opengov.http import HttpError, HttpSettings, PoliteClient
from ckanext.opengov.metadata import vocab

from .adapters import ADAPTERS, Adapter, FeedState, Source
from .adapters.dcat_rdf import known_profiles, profile_names
from .detect import detect_platform
from .mapping import MappingContext, map_record, mapping_version
from .records import RecordError, RemoteRecord

log = logging.getLogger(__name__)

HARVESTER_NAME = "opengov_federation"
WITHDRAWN_KEY = "federation_withdrawn_at"
_BATCH = 200
# Source settings that change how records are mapped (paging settings do not).
_MAPPING_SETTINGS = ("content_language", "source_name", "jurisdiction", "licence_map",
                     "default_licence")


@dataclasses.dataclass
class SourceConfig:
    """The JSON configuration of a federation harvest source (all keys optional)."""

    platform: str = "auto"
    content_language: str = "en"
    rate_limit: float | None = None
    page_size: int = 100
    max_records: int | None = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    source_name: str | None = None
    jurisdiction: str | None = None
    licence_map: dict[str, str] = dataclasses.field(default_factory=dict)
    # Licence of records that state none the mapping recognizes (the portal's own licence).
    default_licence: str | None = None
    withdraw_min_ratio: float | None = None
    grace_days: int | None = None
    force_all: bool = False
    # DCAT-AP RDF sources: the ckanext-dcat profiles that read the catalogue (space-separated
    # names or a list); none: the suite's opengov_dcat_ap_3.
    profiles: str | list[str] | None = None

    @classmethod
    def parse(cls, text: str | None) -> SourceConfig:
        data = json.loads(text) if text and text.strip() else {}
        if not isinstance(data, dict):
            raise ValueError(tk._("The configuration must be a JSON object"))
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(tk._("Unknown configuration keys: %s") % ", ".join(unknown))
        config = cls(**data)
        config.check()
        return config

    def check(self) -> None:
        if self.platform != "auto" and self.platform not in ADAPTERS:
            raise ValueError(tk._("Unknown platform %s") % self.platform)
        langs = self.content_language.split()
        if not langs or not set(langs) <= {"en", "fr"}:
            raise ValueError(tk._('content_language must be "en", "fr" or "en fr"'))
        if self.rate_limit is not None and not 0 < float(self.rate_limit) <= 10:
            raise ValueError(tk._("rate_limit must be between 0 and 10 requests per second"))
        if not isinstance(self.options, dict) or not isinstance(self.licence_map, dict):
            raise ValueError(tk._("options and licence_map must be JSON objects"))
        if int(self.page_size) < 1 or (self.max_records is not None and int(self.max_records) < 1):
            raise ValueError(tk._("page_size and max_records must be positive"))
        if self.withdraw_min_ratio is not None and not 0 <= float(self.withdraw_min_ratio) <= 1:
            raise ValueError(tk._("withdraw_min_ratio must be between 0 and 1"))
        if self.grace_days is not None and int(self.grace_days) < 0:
            raise ValueError(tk._("grace_days must not be negative"))
        if self.jurisdiction and not vocab.is_valid("jurisdiction", self.jurisdiction):
            raise ValueError(tk._("Unknown level of government %s") % self.jurisdiction)
        if self.profiles is not None:
            try:
                names = profile_names(self.profiles)
            except TypeError:
                raise ValueError(tk._("profiles must be a space-separated string or a list of "
                                      "profile names")) from None
            known = known_profiles()
            unknown = sorted(set(names) - set(known))
            if unknown or not names:
                raise ValueError(tk._("Unknown RDF profiles: %(unknown)s (installed: %(known)s)")
                                 % {"unknown": ", ".join(unknown) or '""',
                                    "known": ", ".join(known)})


@dataclasses.dataclass
class Previous:
    """What the last current harvest object of a record says about it."""

    package_id: str | None
    content_hash: str | None
    status: str | None


def _extras(obj: HarvestObject) -> dict[str, str]:
    return {e.key: e.value for e in obj.extras}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _feed_key(source_id: str) -> str:
    return f"{tk.config.get('ckan.site_id')}:opengov:federation:feed:{source_id}"


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class FederationHarvester(HarvesterBase):
    """IHarvester implementation, called by the opengov_federation plugin."""

    def info(self) -> dict[str, str]:
        return {
            "name": HARVESTER_NAME,
            "title": tk._("Open data portal (CKAN, Socrata, ArcGIS Hub, OpenDataSoft, DCAT)"),
            "description": tk._(
                "Harvests a provincial, territorial or municipal open data portal into "
                "bilingual datasets; the platform is detected from the portal address."),
        }

    def validate_config(self, config: str | None) -> str:
        try:
            parsed = SourceConfig.parse(config)
        except (TypeError, ValueError) as e:
            raise ValueError(str(e)) from e
        return json.dumps(dataclasses.asdict(parsed), ensure_ascii=False)

    def get_original_url(self, harvest_object_id: str) -> str | None:
        obj = HarvestObject.get(harvest_object_id)
        return _extras(obj).get("remote_url") if obj else None

    # ------------------------------------------------------------------ helpers

    def _client(self) -> PoliteClient:
        return PoliteClient(HttpSettings.from_config())

    @staticmethod
    def _previous(source_id: str) -> dict[str, Previous]:
        rows = (model.Session.query(HarvestObject.id, HarvestObject.guid,
                                    HarvestObject.package_id, model.Package.state)
                .outerjoin(model.Package, model.Package.id == HarvestObject.package_id)
                .filter(HarvestObject.harvest_source_id == source_id)
                .filter(HarvestObject.current == True)  # noqa: E712
                .all())
        by_id = {row.id: row for row in rows}
        extras: dict[str, dict[str, str]] = {}
        for i in range(0, len(rows), 1000):
            chunk = [row.id for row in rows[i:i + 1000]]
            for extra in (model.Session.query(HarvestObjectExtra)
                          .filter(HarvestObjectExtra.harvest_object_id.in_(chunk))
                          .filter(HarvestObjectExtra.key.in_(["content_hash", "status"]))):
                extras.setdefault(extra.harvest_object_id, {})[extra.key] = extra.value
        previous = {}
        for oid, row in by_id.items():
            status = extras.get(oid, {}).get("status")
            digest = extras.get(oid, {}).get("content_hash")
            if row.state != "active" and status != "withdraw":
                # Deleted here by hand: imported again rather than skipped as unchanged.
                digest = None
            previous[row.guid] = Previous(row.package_id, digest, status)
        return previous

    @staticmethod
    def _new_object(job: HarvestJob, guid: str, **extras: str | None) -> HarvestObject:
        obj = HarvestObject(id=model.types.make_uuid(), guid=guid, job=job,
                            harvest_source_id=job.source.id)
        obj.extras = [HarvestObjectExtra(key=k, value=v) for k, v in extras.items()
                      if v is not None]
        model.Session.add(obj)
        return obj

    def _adapter(self, job: HarvestJob, config: SourceConfig,
                 client: PoliteClient) -> Adapter | None:
        platform = config.platform
        url = job.source.url
        if platform == "auto":
            detection = detect_platform(url, client)
            if detection is None:
                HarvestGatherError.create(
                    tk._("No known platform answers at %s (tried CKAN, Socrata, OpenDataSoft, "
                         "ArcGIS Hub, data.json and DCAT RDF)") % url, job)
                return None
            platform, url = detection.platform, detection.url
        cap = int(tk.config.get("ckanext.opengov.federation.max_records") or 0) or None
        limit = min(filter(None, (config.max_records, cap)), default=None)
        source = Source(url=url, content_language=config.content_language,
                        rate_limit=config.rate_limit, page_size=int(config.page_size),
                        max_records=limit, options=dict(config.options),
                        profiles=config.profiles)
        return ADAPTERS[platform](source, client)

    # ------------------------------------------------------------------ gather

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        job = harvest_job
        try:
            config = SourceConfig.parse(job.source.config)
        except (TypeError, ValueError) as e:
            HarvestGatherError.create(tk._("Invalid source configuration: %s") % e, job)
            return []
        previous = self._previous(job.source.id)
        queued: list[str] = []
        with self._client() as client:
            try:
                adapter = self._adapter(job, config, client)
            except HttpError as e:
                HarvestGatherError.create(str(e), job)
                return []
            if adapter is None:
                return []
            fingerprint = mapping_version() + json.dumps(
                {k: getattr(config, k) for k in _MAPPING_SETTINGS}, sort_keys=True)
            stored = self._load_feed_state(job.source.id) if previous else None
            # Only a run that fetches every record applies a new mapping table or source
            # setting to the records that did not change upstream.
            full = (config.force_all or stored is None
                    or stored.get("fingerprint") != _digest(fingerprint))
            since = None
            if adapter.incremental and previous and not full:
                last = self.last_error_free_job(job)
                if last is not None and last.gather_started is not None:
                    # An hour of overlap covers clock skew between the two servers.
                    since = (last.gather_started - timedelta(hours=1)).replace(
                        tzinfo=timezone.utc)
            feed_state = None if full or stored is None else FeedState(
                stored.get("etag"), stored.get("last_modified"))
            seen: set[str] = set()
            unidentified = 0
            gather_failed = False
            pending = 0
            try:
                for item in adapter.records(since=since, feed_state=feed_state):
                    if isinstance(item, RecordError):
                        obj = self._new_object(job, item.remote_id or item.remote_url,
                                               status="error", remote_url=item.remote_url)
                        obj.state = "ERROR"
                        obj.report_status = "errored"
                        model.Session.add(HarvestObjectError(
                            object=obj, stage="Gather",
                            message=f"{item.message} ({item.remote_url})"))
                        if item.remote_id:
                            seen.add(item.remote_id)
                        else:
                            unidentified += 1
                    else:
                        oid = self._gathered(job, item, previous.get(item.remote_id),
                                             fingerprint)
                        seen.add(item.remote_id)
                        if oid:
                            queued.append(oid)
                    pending += 1
                    if pending >= _BATCH:
                        model.Session.commit()
                        pending = 0
            except HttpError as e:
                gather_failed = True
                HarvestGatherError.create(str(e), job)
            model.Session.commit()
            if adapter.not_modified:
                log.info("Source %s: catalogue not modified since the last run", job.source.id)
                return queued
            listed = seen
            if since is not None and not gather_failed:
                # Incremental runs cannot see deletions: list every id to find them.
                try:
                    listed = adapter.list_remote_ids()  # type: ignore[attr-defined]
                except HttpError as e:
                    gather_failed = True
                    HarvestGatherError.create(str(e), job)
            if adapter.complete and not gather_failed:
                self._save_feed_state(job.source.id, adapter.feed_state or FeedState(),
                                      _digest(fingerprint))
            queued += self._withdrawals(job, config, previous, listed,
                                        complete=adapter.complete and not gather_failed
                                        and unidentified == 0)
        model.Session.commit()
        return queued

    def _gathered(self, job: HarvestJob, record: RemoteRecord, prev: Previous | None,
                  fingerprint: str) -> str | None:
        # The record, and how it is mapped: a new mapping table or source setting re-maps.
        digest = hashlib.sha256((record.content_hash() + fingerprint).encode()).hexdigest()
        if prev is not None and prev.content_hash == digest and prev.status != "withdraw":
            # Unchanged: recorded for the job's counts, never queued, dataset untouched.
            obj = self._new_object(job, record.remote_id, status="unchanged",
                                   content_hash=digest, remote_url=record.remote_url)
            obj.package_id = prev.package_id
            obj.state = "COMPLETE"
            obj.report_status = "not modified"
            return None
        status = "new" if prev is None else "change"
        obj = self._new_object(job, record.remote_id, status=status, content_hash=digest,
                               remote_url=record.remote_url)
        obj.content = record.to_json()
        if prev is not None:
            obj.package_id = prev.package_id
        return str(obj.id)

    def _withdrawals(self, job: HarvestJob, config: SourceConfig,
                     previous: dict[str, Previous], listed: set[str], *,
                     complete: bool) -> list[str]:
        gone = sorted(guid for guid, prev in previous.items()
                      if guid not in listed and prev.package_id)
        if not gone:
            return []
        if not complete:
            log.info("Source %s: %d records missing, not withdrawn: the gather was incomplete",
                     job.source.id, len(gone))
            return []
        ratio = (config.withdraw_min_ratio if config.withdraw_min_ratio is not None
                 else float(tk.config.get("ckanext.opengov.federation.withdraw_min_ratio")
                            or 0.5))
        active = sum(1 for prev in previous.values() if prev.status != "withdraw")
        if active and len(listed) < ratio * active:
            HarvestGatherError.create(
                tk._("The source lists %(now)d records, far fewer than the %(before)d it had: "
                     "nothing was withdrawn. Check the source, then run it again.")
                % {"now": len(listed), "before": active}, job)
            return []
        ids = []
        for guid in gone:
            prev = previous[guid]
            obj = self._new_object(job, guid, status="withdraw", content_hash=prev.content_hash)
            obj.package_id = prev.package_id
            ids.append(str(obj.id))
        return ids

    def _load_feed_state(self, source_id: str) -> dict[str, Any] | None:
        """The last complete run's feed validators and mapping digest."""
        try:
            raw = connect_to_redis().get(_feed_key(source_id))
        except Exception:  # a missing cache only costs a full download
            log.warning("Cannot read the feed state of source %s", source_id, exc_info=True)
            return None
        return json.loads(raw) if raw else None

    def _save_feed_state(self, source_id: str, state: FeedState, fingerprint: str) -> None:
        try:
            connect_to_redis().set(_feed_key(source_id), json.dumps(
                {**dataclasses.asdict(state), "fingerprint": fingerprint}))
        except Exception:
            log.warning("Cannot store the feed state of source %s", source_id, exc_info=True)

    # ------------------------------------------------------------------ fetch

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        # The record was read during the gather; nothing left to download.
        return True

    # ------------------------------------------------------------------ import

    def _context(self) -> dict[str, Any]:
        # opengov_federated: tells the suite's validators the record comes from another
        # portal (what it lacks, such as a second language, cannot be asked of anyone here).
        return {"model": model, "session": model.Session, "user": self._get_user_name(),
                "ignore_auth": True, "opengov_federated": True}

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        obj = harvest_object
        status = _extras(obj).get("status")
        try:
            config = SourceConfig.parse(obj.source.config)
        except (TypeError, ValueError) as e:
            HarvestObjectError.create(str(e), obj, "Import")
            return False
        if status == "withdraw":
            return self._withdraw(obj, config)
        if not obj.content:
            HarvestObjectError.create(tk._("The harvest object has no content"), obj, "Import")
            return False
        record = RemoteRecord.from_json(obj.content)
        # Light column queries, not Package.get: that loads whole objects and, on a miss,
        # queries twice (by id, then by name); this runs once per imported record.
        source_pkg = (model.Session.query(model.Package.name, model.Package.owner_org)
                      .filter(model.Package.id == obj.harvest_source_id).first())
        context = MappingContext(
            source_id=obj.source.id,
            source_name=config.source_name or (source_pkg.name if source_pkg else "source"),
            jurisdiction=config.jurisdiction,
            owner_org=source_pkg.owner_org if source_pkg else None,
            licence_map=config.licence_map,
            default_licence=config.default_licence,
        )
        dataset = map_record(record, context)
        matches = (model.Session.query(model.Package.id, model.Package.name)
                   .filter((model.Package.id == dataset["id"])
                           | (model.Package.name == dataset["name"])).all())
        existing = next((m for m in matches if m.id == dataset["id"]), None)
        if existing is not None:
            # The name is given once, at creation: local links stay valid across renames.
            dataset["name"] = existing.name
            dataset["state"] = "active"
        elif matches:
            # Two sources sharing a source_name: the local id tells them apart.
            dataset["name"] = f"{dataset['name'][:91]}-{dataset['id'][:8]}"
        dataset["private"] = False
        dataset = self._store_provenance(dataset)
        action = "package_update" if existing is not None else "package_create"
        try:
            result = tk.get_action(action)(self._context(), dataset)
        except tk.ValidationError as e:
            HarvestObjectError.create(
                tk._("The record does not fit the dataset schema: %s (%s)")
                % (json.dumps(e.error_dict, ensure_ascii=False, default=str)[:2000],
                   record.remote_url), obj, "Import")
            return False
        self._make_current(obj, result["id"])
        return True

    @staticmethod
    def _schema_fields() -> set[str]:
        # Scheming's helpers answer from its last loaded instance even once it is disabled.
        if not plugin_loaded("scheming_datasets"):
            return set()
        from ckanext.scheming.helpers import scheming_get_dataset_schema

        schema = scheming_get_dataset_schema("dataset") or {}
        return {f["field_name"] for f in schema.get("dataset_fields", [])}

    def _store_provenance(self, dataset: dict[str, Any]) -> dict[str, Any]:
        """Provenance fields the site schema does not declare travel as extras."""
        declared = self._schema_fields()
        extras = []
        for key in [k for k in dataset if k.startswith("federation_") and k not in declared]:
            value = dataset.pop(key)
            if value is None:
                continue
            extras.append({"key": key, "value": value if isinstance(value, str)
                           else json.dumps(value, ensure_ascii=False)})
        dataset["extras"] = extras
        return dataset

    @staticmethod
    def _make_current(obj: HarvestObject, package_id: str | None, current: bool = True) -> None:
        (model.Session.query(HarvestObject)
         .filter(HarvestObject.harvest_source_id == obj.harvest_source_id)
         .filter(HarvestObject.guid == obj.guid)
         .filter(HarvestObject.id != obj.id)
         .filter(HarvestObject.current == True)  # noqa: E712
         .update({"current": False}, synchronize_session=False))
        obj.package_id = package_id
        obj.current = current
        obj.save()

    def _withdraw(self, obj: HarvestObject, config: SourceConfig) -> bool | str:
        package = model.Package.get(obj.package_id) if obj.package_id else None
        if package is None or package.state == "deleted":
            self._make_current(obj, obj.package_id, current=False)
            return True
        dataset = tk.get_action("package_show")(self._context(), {"id": package.id})
        extras = {e["key"]: e["value"] for e in dataset.get("extras") or []}
        marked = extras.get(WITHDRAWN_KEY) or dataset.get(WITHDRAWN_KEY)
        grace = (config.grace_days if config.grace_days is not None
                 else int(tk.config.get("ckanext.opengov.federation.withdraw_grace_days") or 7))
        now = _utcnow()
        if not marked:
            if WITHDRAWN_KEY in self._schema_fields():
                dataset[WITHDRAWN_KEY] = now.isoformat()
            else:
                dataset["extras"] = [e for e in dataset.get("extras") or []
                                     if e["key"] != WITHDRAWN_KEY]
                dataset["extras"].append({"key": WITHDRAWN_KEY, "value": now.isoformat()})
            # Hidden, not deleted: it comes back untouched if it reappears upstream.
            dataset["private"] = True
            tk.get_action("package_update")(self._context(), dataset)
            self._make_current(obj, package.id)
            return True
        if now - datetime.fromisoformat(marked) >= timedelta(days=grace):
            tk.get_action("package_delete")(self._context(), {"id": package.id})
            self._make_current(obj, package.id, current=False)
            return True
        return "unchanged"


def job_counts(job_id: str) -> dict[str, int]:
    """Records of a job by outcome: added, updated, unchanged, withdrawn, deleted, errored."""
    counts = dict.fromkeys(("added", "updated", "unchanged", "withdrawn", "deleted", "errored"),
                           0)
    rows = (model.Session.query(HarvestObject.report_status, HarvestObjectExtra.value)
            .outerjoin(HarvestObjectExtra, (HarvestObjectExtra.harvest_object_id
                                            == HarvestObject.id)
                       & (HarvestObjectExtra.key == "status"))
            .filter(HarvestObject.harvest_job_id == job_id))
    for report_status, status in rows:
        if report_status == "errored" or status == "error":
            counts["errored"] += 1
        elif status == "withdraw":
            if report_status == "deleted":
                counts["deleted"] += 1
            elif report_status != "not modified":
                counts["withdrawn"] += 1
        elif report_status == "not modified":
            counts["unchanged"] += 1
        elif report_status in ("added", "updated"):
            counts[report_status] += 1
    return counts
