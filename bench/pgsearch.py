"""opengov_pgsearch: package_search latency at 10k/100k datasets and the rebuild share.

Two parts, in one CKAN process with ``ckan.plugins = opengov_pgsearch``:

1. Rebuild share. ``--rebuild-datasets`` real datasets are created with ``package_create``;
   ``search.rebuild()`` is then timed with the real backend and with the connection's ``add``
   stubbed to a no-op, alternately (``--rebuild-rounds`` each, best kept).
   share = (real - stubbed) / real: the part of a rebuild spent in the search backend.
2. Query latency. Synthetic bilingual datasets (deterministic: word lists, 8 organizations,
   ~200 Zipf-distributed tags, 1-4 resources, licences, groups, dates over five years) go
   through CKAN's own ``PackageSearchIndex.index_package`` and into the index with the
   connection's bulk ``add``; at each of ``--sizes`` a fixed mix of queries runs through
   ``package_search`` (so CKAN's query building is measured too), ``--runs`` times each,
   anonymously, with the terms varied from run to run.

Targets (issue 2): p95 <= 200 ms for every query kind at 100k datasets; share <= 25%.
"""
from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

from run import load_ckan, machine_facts, say

P95_TARGET_MS = 200.0
P95_TARGET_SIZE = 100_000
SHARE_TARGET = 0.25
SEED = 20_26
BATCH = 1000
ROWS = 20  # ckan.datasets_per_page of a portal
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "frequency"]

# --- word lists ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


EN_WORDS = _words("""
transit bus route schedule bicycle lane parking traffic collision road bridge snow removal park
tree canopy water quality river flood zone zoning permit building construction property
assessment tax budget expenditure revenue contract procurement election ward boundary census
population household income employment business licence restaurant inspection health hospital
clinic vaccination air emission energy consumption waste recycling collection library school
enrolment student crime police fire emergency call service request complaint noise event
festival culture heritage museum tourism visitor housing shelter rent address street sidewalk
lighting signal camera sensor station stop ridership fare ferry airport port cargo farm
agriculture forest wildlife species habitat weather temperature precipitation climate
greenhouse gas solar wind electricity grid outage pipeline well mineral mining fishing vessel
coastal erosion shoreline map survey imagery elevation parcel land use plan development annual
monthly daily report statistics index indicator dashboard open municipal provincial federal
public historical inventory locations counts results points network
""")

FR_WORDS = _words("""
transport autobus trajet horaire vélo piste stationnement circulation collision route pont
neige déneigement parc arbre canopée eau qualité rivière inondation zone zonage permis bâtiment
construction propriété évaluation taxe budget dépenses revenus contrat approvisionnement
élection district limite recensement population ménage revenu emploi entreprise licence
restaurant inspection santé hôpital clinique vaccination air émissions énergie consommation
déchets recyclage collecte bibliothèque école inscription élève crime police incendie urgence
appel service requête plainte bruit événement festival culture patrimoine musée tourisme
visiteur logement refuge loyer adresse rue trottoir éclairage feu caméra capteur station arrêt
achalandage tarif traversier aéroport port cargaison ferme agriculture forêt faune espèce
habitat météo température précipitations climat serre gaz solaire vent électricité réseau
panne pipeline puits minéral exploitation pêche navire côtier érosion littoral carte relevé
imagerie altitude lot terrain utilisation plan aménagement annuel mensuel quotidien rapport
statistiques indice indicateur tableau ouvert données municipal provincial fédéral public
historique inventaire emplacements comptages résultats points
""")

EN_GLUE = _words("of the and for by in with per")
FR_GLUE = _words("de la le des et pour par dans avec du")

ORGANIZATIONS = [
    ("ville-de-montreal", "Ville de Montréal"),
    ("city-of-toronto", "City of Toronto"),
    ("gouvernement-du-quebec", "Gouvernement du Québec"),
    ("city-of-vancouver", "City of Vancouver"),
    ("ville-de-gatineau", "Ville de Gatineau"),
    ("province-of-nova-scotia", "Nova Scotia"),
    ("city-of-ottawa", "City of Ottawa / Ville d'Ottawa"),
    ("statistics-canada", "Statistics Canada"),
]
GROUPS = ["transport", "environment", "health", "economy", "culture", "justice", "housing",
          "education", "energy", "agriculture"]
FORMATS = [("CSV", 40), ("JSON", 15), ("XLSX", 10), ("GeoJSON", 8), ("PDF", 8), ("SHP", 6),
           ("XML", 5), ("KML", 3), ("ZIP", 3), ("API", 2)]
LICENSES = [("cc-by", 40), ("OGL-Canada-2.0", 25), ("odc-by", 10), ("cc-zero", 10),
            ("other-open", 10), ("notspecified", 5)]
FREQUENCIES = ["annual", "quarterly", "monthly", "weekly", "daily", "irregular"]
YEARS = 5

# Tags: the first 100 English and 100 French words, drawn with Zipf-like weights.
TAGS = [w for pair in zip(EN_WORDS[:100], FR_WORDS[:100], strict=True) for w in pair]
TAG_WEIGHTS = [1.0 / (rank + 1) ** 1.05 for rank in range(len(TAGS))]


def _weighted(rng: random.Random, items: list[tuple[str, int]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class Corpus:
    """Deterministic synthetic datasets: dataset ``i`` depends only on ``i`` and the seed."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def _rng(self, i: int) -> random.Random:
        return random.Random(SEED * 1_000_003 + i)

    def language(self, i: int) -> str:
        r = self._rng(i).random()
        return "en" if r < 0.45 else "fr" if r < 0.80 else "both"

    def _title(self, rng: random.Random, lang: str) -> str:
        words = EN_WORDS if lang == "en" else FR_WORDS
        picked = rng.sample(words, rng.randint(2, 4))
        if lang == "fr" and len(picked) > 2:
            picked.insert(1, rng.choice(["de", "des", "du"]))
        title = " ".join(picked)
        if rng.random() < 0.3:
            title += f" {self.now.year - rng.randint(0, YEARS)}"
        return title[0].upper() + title[1:]

    def _notes(self, rng: random.Random, lang: str) -> str:
        words, glue = (EN_WORDS, EN_GLUE) if lang == "en" else (FR_WORDS, FR_GLUE)
        out = [rng.choice(glue) if rng.random() < 0.3 else rng.choice(words)
               for _ in range(rng.randint(12, 40))]
        return " ".join(out).capitalize() + "."

    def package(self, i: int) -> dict[str, Any]:
        rng = self._rng(i)
        lang = self.language(i)
        rng.random()  # the draw language() made
        if lang == "both":
            title = f"{self._title(rng, 'en')} / {self._title(rng, 'fr')}"
            notes = f"{self._notes(rng, 'en')} {self._notes(rng, 'fr')}"
        else:
            title = self._title(rng, lang)
            notes = self._notes(rng, lang)
        org_name, org_title = ORGANIZATIONS[min(int(rng.paretovariate(1.2)) - 1, 7)]
        tags = sorted(set(rng.choices(TAGS, weights=TAG_WEIGHTS, k=rng.randint(2, 6))))
        groups = sorted(set(rng.sample(GROUPS, rng.randint(0, 2))))
        created = self.now - datetime.timedelta(seconds=rng.randint(0, YEARS * 365 * 86400))
        modified = created + datetime.timedelta(
            seconds=rng.randint(0, int((self.now - created).total_seconds())))
        pkg_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"opengov-bench-{i}"))
        name = f"bench-{i:06d}"
        resources = []
        for n in range(rng.randint(1, 4)):
            fmt = _weighted(rng, FORMATS)
            resources.append({
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"opengov-bench-{i}-{n}")),
                "package_id": pkg_id,
                "name": f"{rng.choice(EN_WORDS if lang == 'en' else FR_WORDS)} {fmt}",
                "description": self._notes(rng, "fr" if lang == "fr" else "en")[:120],
                "format": fmt,
                "url": f"https://data.example.test/{name}/{n}.{fmt.lower()}",
                "resource_type": None,
                "position": n,
                "state": "active",
            })
        license_id = _weighted(rng, LICENSES)
        return {
            "id": pkg_id,
            "name": name,
            "title": title,
            "notes": notes,
            "type": "dataset",
            "state": "active",
            "private": False,
            "owner_org": str(uuid.uuid5(uuid.NAMESPACE_URL, org_name)),
            "organization": {"name": org_name, "title": org_title, "is_organization": True},
            "tags": [{"name": t, "display_name": t, "state": "active"} for t in tags],
            "groups": [{"name": g, "title": g.capitalize()} for g in groups],
            "resources": resources,
            "num_resources": len(resources),
            "num_tags": len(tags),
            "extras": [{"key": "frequency", "value": rng.choice(FREQUENCIES)},
                       {"key": "language", "value": lang}],
            "license_id": license_id,
            "license_title": license_id,
            "author": None,
            "maintainer": None,
            "url": None,
            "version": None,
            "isopen": license_id != "notspecified",
            "creator_user_id": None,
            "metadata_created": created.isoformat(),
            "metadata_modified": modified.isoformat(),
            "relationships_as_subject": [],
            "relationships_as_object": [],
        }

    def title_words(self, i: int) -> list[str]:
        return [w for w in self.package(i)["title"].replace("/", " ").lower().split()
                if w.isalpha() and w not in EN_GLUE and w not in FR_GLUE]


# --- loading ---------------------------------------------------------------------------------


class _Collector:
    """Stands in for the connection inside index_package: keeps the documents it is given."""

    def __init__(self) -> None:
        self.docs: list[dict[str, Any]] = []

    def add(self, docs: list[dict[str, Any]], commit: bool | None = None, **kw: Any) -> None:
        self.docs.extend(docs)


def index_documents(corpus: Corpus, start: int, stop: int) -> Iterator[list[dict[str, Any]]]:
    """Solr documents for datasets start..stop-1, exactly as CKAN's index_package builds them."""
    import ckan.model as model
    from ckan.lib.search import index as search_index

    package_index = search_index.PackageSearchIndex()
    for batch_start in range(start, stop, BATCH):
        collector = _Collector()
        # The synthetic datasets have no database row: skip index_package's two lookups of
        # one (for permission labels, set below) instead of paying for them 100k times.
        with mock.patch.object(search_index, "make_connection", lambda *a, c=collector, **k: c), \
                mock.patch.object(model.Package, "get", lambda *a, **k: None):
            for i in range(batch_start, min(batch_start + BATCH, stop)):
                pkg = corpus.package(i)
                package_index.index_package(dict(pkg, with_custom_schema=pkg), True)
        for doc in collector.docs:
            # What DefaultPermissionLabels gives a public active dataset (the synthetic ones
            # have no database row for index_package to ask).
            doc["permission_labels"] = ["public"]
        yield collector.docs


def load(corpus: Corpus, start: int, stop: int) -> dict[str, Any]:
    from ckan.lib.search.common import make_connection

    conn = make_connection()
    build_s = add_s = 0.0
    done = start
    started = time.perf_counter()
    t0 = time.perf_counter()
    for docs in index_documents(corpus, start, stop):
        t1 = time.perf_counter()
        build_s += t1 - t0
        conn.add(docs=docs, commit=False)
        t0 = time.perf_counter()
        add_s += t0 - t1
        done += len(docs)
        if (done - start) % (10 * BATCH) == 0 or done == stop:
            rate = (done - start) / (time.perf_counter() - started)
            say(f"pgsearch: indexed {done}/{stop} ({rate:.0f} docs/s)")
    conn.commit()
    return {"docs": stop - start, "build_seconds": round(build_s, 1),
            "add_seconds": round(add_s, 1),
            "add_docs_per_second": round((stop - start) / add_s, 1) if add_s else None}


# --- queries ---------------------------------------------------------------------------------

QueryMaker = Callable[[random.Random, int], dict[str, Any]]


def _query_kinds(corpus: Corpus) -> dict[str, QueryMaker]:
    def words_of(rng: random.Random, size: int, lang: str | None = None) -> list[str]:
        while True:
            i = rng.randrange(size)
            if lang and corpus.language(i) != lang:
                continue
            words = corpus.title_words(i)
            if len(words) >= 2:
                return words

    def match_all(rng: random.Random, size: int) -> dict[str, Any]:
        return {"q": "", "facet.field": FACETS, "start": rng.randrange(0, 10) * ROWS}

    def two_words(rng: random.Random, size: int) -> dict[str, Any]:
        words = words_of(rng, size, "en")
        return {"q": " ".join(rng.sample(words, 2)), "facet.field": FACETS}

    def text_and_org(rng: random.Random, size: int) -> dict[str, Any]:
        word = rng.choice(words_of(rng, size))
        org = rng.choice(ORGANIZATIONS)[0]
        return {"q": word, "fq": f"organization:{org}", "facet.field": FACETS}

    def phrase(rng: random.Random, size: int) -> dict[str, Any]:
        words = words_of(rng, size, "en")
        k = rng.randrange(len(words) - 1)
        return {"q": f'"{words[k]} {words[k + 1]}"', "facet.field": FACETS}

    def date_range(rng: random.Random, size: int) -> dict[str, Any]:
        days = rng.randint(30, 365)
        end = rng.randint(0, YEARS * 365 - days)
        fq = f"metadata_modified:[NOW-{end + days}DAYS/DAY TO NOW-{end}DAYS/DAY]"
        return {"q": "", "fq": fq, "facet.field": FACETS}

    def sort_title(rng: random.Random, size: int) -> dict[str, Any]:
        return {"q": "", "sort": "title_string asc", "start": rng.randrange(0, 10) * ROWS,
                "facet.field": FACETS}

    def french(rng: random.Random, size: int) -> dict[str, Any]:
        words = rng.sample(words_of(rng, size, "fr"), rng.choice([1, 2]))
        q = " ".join(words)
        return {"q": q if rng.random() < 0.5 else _fold(q), "facet.field": FACETS}

    return {
        "match_all_6_facets": match_all,
        "two_word_text": two_words,
        "text_org_filter": text_and_org,
        "phrase": phrase,
        "date_range": date_range,
        "sort_title": sort_title,
        "french_query": french,
    }


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure_queries(corpus: Corpus, size: int, runs: int) -> dict[str, dict[str, Any]]:
    from ckan.logic import get_action

    package_search = get_action("package_search")
    kinds = _query_kinds(corpus)
    rng = random.Random(SEED + size)
    times: dict[str, list[float]] = {k: [] for k in kinds}
    hits: dict[str, list[int]] = {k: [] for k in kinds}
    previous: dict[str, dict[str, Any]] = {}
    warmup = 3
    for n in range(warmup + runs):
        # Round robin, so that every kind sees the same cache conditions.
        for kind, make in kinds.items():
            params = make(rng, size)
            while params == previous.get(kind):
                params = make(rng, size)
            previous[kind] = params
            data = dict(params, rows=ROWS)
            started = time.perf_counter()
            result = package_search({"user": "", "ignore_auth": False}, data)
            elapsed = (time.perf_counter() - started) * 1000
            if n >= warmup:
                times[kind].append(elapsed)
                hits[kind].append(result["count"])
    out = {}
    for kind in kinds:
        out[kind] = {
            "p50_ms": round(_percentile(times[kind], 50), 1),
            "p95_ms": round(_percentile(times[kind], 95), 1),
            "max_ms": round(max(times[kind]), 1),
            "mean_hits": round(statistics.mean(hits[kind]), 1),
            "runs": len(times[kind]),
        }
    return out


# --- rebuild share ---------------------------------------------------------------------------


def create_datasets(count: int) -> None:
    from ckan.lib.search.common import make_connection
    from ckan.tests import factories, helpers

    sysadmin = factories.Sysadmin()
    ctx = {"user": sysadmin["name"], "ignore_auth": True}
    for name, title in ORGANIZATIONS:
        helpers.call_action("organization_create", context=dict(ctx), name=name, title=title)
    for name in GROUPS:
        helpers.call_action("group_create", context=dict(ctx), name=name)
    corpus = Corpus(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))
    conn_class = type(make_connection())
    # Creating is not what is measured: skip its indexing, the rebuild does it.
    with mock.patch.object(conn_class, "add", lambda self, *a, **k: None):
        for i in range(count):
            pkg = corpus.package(i)
            helpers.call_action(
                "package_create", context=dict(ctx),
                name=f"rebuild-{i:05d}", title=pkg["title"], notes=pkg["notes"],
                owner_org=pkg["organization"]["name"], license_id=pkg["license_id"],
                tags=[{"name": t["name"]} for t in pkg["tags"]],
                groups=[{"name": g["name"]} for g in pkg["groups"]],
                extras=pkg["extras"],
                resources=[{k: r[k] for k in ("name", "description", "format", "url")}
                           for r in pkg["resources"]],
            )
            if (i + 1) % 200 == 0:
                say(f"pgsearch: created {i + 1}/{count} datasets")


def measure_rebuild(rounds: int) -> dict[str, Any]:
    """The backend's share of ``search.rebuild()``, three ways (see bench/README.md)."""
    import ckan.lib.search as search
    import ckan.model as model
    from ckan.lib.search.common import make_connection

    conn_class = type(make_connection())
    real_add = conn_class.add
    in_add = [0.0]

    def timed_add(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_add(self, *args, **kwargs)
        finally:
            in_add[0] += time.perf_counter() - started

    def stub_add(self: Any, *args: Any, **kwargs: Any) -> None:
        return None

    def timed(stub: bool, package_id: str | None = None) -> float:
        in_add[0] = 0.0
        started = time.perf_counter()
        with mock.patch.object(conn_class, "add", stub_add if stub else timed_add):
            search.rebuild(package_id=package_id, quiet=True)
            search.commit()
        return time.perf_counter() - started

    # 1. Whole rebuilds, alternately stubbed and real.
    real: list[float] = []
    stubbed: list[float] = []
    add_share: list[float] = []
    for n in range(rounds):
        stubbed.append(timed(True))
        real.append(timed(False))
        add_share.append(in_add[0] / real[-1])
        say(f"pgsearch: rebuild round {n + 1}: real {real[-1]:.1f} s "
            f"({in_add[0]:.1f} s inside add), stubbed {stubbed[-1]:.1f} s")

    # 2. The same rebuild one dataset at a time, each dataset stubbed and real back to back
    # (in alternating order): a burst of load on the shared machine then hits both alike.
    ids = [row[0] for row in model.Session.query(model.Package.id)
           .filter(model.Package.state != "deleted").all()]
    paired_real = paired_stub = 0.0
    for n, package_id in enumerate(ids):
        if n % 2:
            paired_real += timed(False, package_id)
            paired_stub += timed(True, package_id)
        else:
            paired_stub += timed(True, package_id)
            paired_real += timed(False, package_id)
    say(f"pgsearch: rebuild dataset by dataset: real {paired_real:.1f} s, "
        f"stubbed {paired_stub:.1f} s")

    best_real, best_stubbed = min(real), min(stubbed)
    shares = {
        "whole_rebuilds": (best_real - best_stubbed) / best_real,
        # the backend's time measured in pairs, over the time of a whole (real) rebuild: one
        # dataset at a time carries per-call overhead that a whole rebuild does not
        "paired": (paired_real - paired_stub) / best_real,
        "inside_add": statistics.median(add_share),
    }
    return {"real_seconds": [round(t, 2) for t in real],
            "stubbed_seconds": [round(t, 2) for t in stubbed],
            "best_real_seconds": round(best_real, 2),
            "best_stubbed_seconds": round(best_stubbed, 2),
            "paired_real_seconds": round(paired_real, 2),
            "paired_stubbed_seconds": round(paired_stub, 2),
            "shares": {k: round(v, 3) for k, v in shares.items()},
            # the target is checked against the least favourable of the three
            "share": round(max(shares.values()), 3)}


# --- entry point -----------------------------------------------------------------------------


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--sizes", default="10000,100000",
                       help="pgsearch: index sizes to measure queries at, ascending")
    group.add_argument("--runs", type=int, default=50,
                       help="pgsearch: measured runs of each query kind per size")
    group.add_argument("--rebuild-datasets", type=int, default=1000,
                       help="pgsearch: real datasets for the rebuild share (0: skip)")
    group.add_argument("--rebuild-rounds", type=int, default=2,
                       help="pgsearch: rebuilds of each kind (real, stubbed); best kept")
    group.add_argument("--keep-index", action="store_true",
                       help="pgsearch: leave the synthetic documents in the index")


def _reset_database() -> None:
    import ckan.lib.search as search
    import ckan.model as model

    model.repo.delete_all()
    search.clear_all()


def run(args: argparse.Namespace) -> dict[str, Any]:
    import ckan.lib.search as search

    sizes = sorted(int(s) for s in str(args.sizes).split(",") if s.strip())
    load_ckan(["opengov_pgsearch"], ini=args.ini)
    result: dict[str, Any] = {"machine": machine_facts(), "sizes": {}, "targets": {}}

    tables = []
    if args.rebuild_datasets:
        _reset_database()
        say(f"pgsearch: creating {args.rebuild_datasets} datasets for the rebuild share")
        create_datasets(args.rebuild_datasets)
        rebuild = measure_rebuild(args.rebuild_rounds)
        rebuild["datasets"] = args.rebuild_datasets
        result["rebuild"] = rebuild
        result["targets"]["rebuild_share"] = {
            "target": f"<= {SHARE_TARGET:.0%}", "value": rebuild["share"],
            "pass": rebuild["share"] <= SHARE_TARGET,
        }
        tables.append({
            "title": f"search-index rebuild of {args.rebuild_datasets} datasets",
            "columns": ["measure", "real s", "stubbed add s", "backend share"],
            "rows": [
                [f"whole rebuilds, best of {args.rebuild_rounds}",
                 rebuild["best_real_seconds"], rebuild["best_stubbed_seconds"],
                 f"{rebuild['shares']['whole_rebuilds']:.1%}"],
                ["dataset by dataset, paired", rebuild["paired_real_seconds"],
                 rebuild["paired_stubbed_seconds"], f"{rebuild['shares']['paired']:.1%}"],
                ["wall time inside add()", None, None,
                 f"{rebuild['shares']['inside_add']:.1%}"],
                [f"checked: the highest (target <= {SHARE_TARGET:.0%})", None, None,
                 f"{rebuild['share']:.1%} {'ok' if rebuild['share'] <= SHARE_TARGET else 'NO'}"],
            ],
        })

    _reset_database()
    corpus = Corpus(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None))
    loaded = 0
    rows = []
    try:
        for size in sizes:
            say(f"pgsearch: loading documents {loaded}..{size}")
            load_stats = load(corpus, loaded, size)
            loaded = size
            say(f"pgsearch: {size} documents; measuring {args.runs} runs of each query kind")
            queries = measure_queries(corpus, size, args.runs)
            result["sizes"][str(size)] = {"load": load_stats, "queries": queries}
            for kind, q in queries.items():
                ok = q["p95_ms"] <= P95_TARGET_MS
                rows.append([size, kind, q["p50_ms"], q["p95_ms"], q["max_ms"], q["mean_hits"],
                             "yes" if ok else "NO"])
                if size == P95_TARGET_SIZE:
                    result["targets"][f"p95_{kind}"] = {
                        "target": f"<= {P95_TARGET_MS:.0f} ms at {P95_TARGET_SIZE}",
                        "value": q["p95_ms"], "pass": ok,
                    }
    finally:
        if not args.keep_index:
            search.clear_all()
    tables.append({
        "title": f"package_search latency, {args.runs} runs per kind (rows={ROWS}, anonymous)",
        "columns": ["datasets", "query", "p50 ms", "p95 ms", "max ms", "mean hits",
                    f"p95<={P95_TARGET_MS:.0f}"],
        "rows": rows,
    })
    tables.append({
        "title": "loading (index_package + bulk add)",
        "columns": ["up to", "docs", "build s", "add s", "add docs/s"],
        "rows": [[size, s["load"]["docs"], s["load"]["build_seconds"], s["load"]["add_seconds"],
                  s["load"]["add_docs_per_second"]] for size, s in result["sizes"].items()],
    })
    checked = [t["pass"] for t in result["targets"].values()]
    missing = []
    if P95_TARGET_SIZE not in sizes:
        missing.append(f"p95 at {P95_TARGET_SIZE} datasets")
    if not args.rebuild_datasets:
        missing.append("rebuild share")
    # A target that was not measured is not met.
    result["pass"] = not missing and all(checked)
    if missing:
        result["not_measured"] = missing
    result["tables"] = tables
    return result
