"""The fixed corpus of the search conformance suite (see test_conformance.py).

About forty small, bilingual-ish datasets written for the suite. Every word in them was chosen
with the query cases in conformance_cases.py in mind: when editing a dataset, re-check the cases
that query its words (names, organization and group names, tags, resource names and URLs,
extras and authors are all copied into the catch-all ``text`` field by CKAN's Solr schema).

Extras named ``*_fr`` / ``*_en`` land in the suite's French and English fields
(``ckanext/opengov/pgsearch/solr/schema-opengov.xml``, merged into CKAN's schema by docker/).

Dates: ``modified`` is either a fixed UTC timestamp or ``-<N>d`` (N days before the moment the
corpus is built, at noon UTC), so that date-math cases such as ``NOW-1YEAR/DAY`` stay true
whatever the day the suite runs.
"""
from __future__ import annotations

from typing import Any

SITE_USERS: dict[str, str] = {
    # key used by the cases -> user name in CKAN
    "sysadmin": "conf-sysadmin",
    "alice": "conf-alice",  # member of mobilite-urbaine
    "edgar": "conf-edgar",  # editor of mobilite-urbaine
    "adam": "conf-adam",  # admin of mobilite-urbaine
    "bob": "conf-bob",  # member of sante-publique
    "carol": "conf-carol",  # in no organization; owns an unowned draft
}

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": "mobilite-urbaine",
        "title": "Mobilité urbaine",
        "members": [("alice", "member"), ("edgar", "editor"), ("adam", "admin")],
    },
    {"name": "parcs-verts", "title": "Parcs verts", "members": []},
    {"name": "sante-publique", "title": "Santé publique", "members": [("bob", "member")]},
]

GROUPS: list[dict[str, str]] = [
    {"name": "mobility", "title": "Mobility"},
    {"name": "environment", "title": "Environment"},
    {"name": "health", "title": "Health"},
    {"name": "culture", "title": "Culture"},
]

VOCABULARY: dict[str, Any] = {"name": "themes", "tags": ["Urbanism", "Biodiversity"]}

# Resource fields are CKAN's; ``lang_code`` is a resource extra that the suite declares in
# ``ckan.extra_resource_fields`` while indexing, so it reaches the index as res_extras_lang_code.
R = dict

DATASETS: list[dict[str, Any]] = [
    # --- mobilite-urbaine -------------------------------------------------------------------
    {
        "name": "bicycle-lanes",
        "title": "Bicycle Lanes",
        "notes": "Network of painted lanes and separated tracks on municipal roads.",
        "tags": ["cycling", "Cycling Infrastructure", "themes:Urbanism"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [
            R(name="Lane segments", description="One row per segment", format="CSV",
              lang_code="en"),
            R(name="Lane geometry", description="Centre lines", format="GeoJSON",
              lang_code="en"),
        ],
        "extras": {"frequency": "Annual", "views_total": "42"},
        "license_id": "cc-by",
        "author": "Jean-Pierre Tremblay",
        "modified": "2021-03-04T10:00:00",
    },
    {
        "name": "bicycle-lanes-2019",
        "title": "Bicycle lanes",
        "notes": "Older inventory of the lanes, kept for history.",
        "tags": ["cycling"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [R(name="Inventory 2019", format="CSV")],
        "extras": {"frequency": "Irregular"},
        "license_id": "cc-by",
        "modified": "2019-06-01T08:30:00",
    },
    {
        "name": "bike-share-stations",
        "title": "Bike Share Stations",
        "notes": "Docking stations of the bicycles sharing service, or kiosks.",
        "tags": ["Cycling", "bike share"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [
            R(name="Station status", format="JSON", lang_code="en"),
            R(name="Stations", format="CSV", lang_code="fr"),
        ],
        "extras": {"frequency": "Daily", "views_total": "1000"},
        "license_id": "cc-by",
        "modified": "2023-11-20T15:00:00",
    },
    {
        "name": "cycling-counts",
        "title": "Cycling Counts",
        "notes": "Automated counters of cyclists on bridges.",
        "tags": ["cycling", "counts"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [
            R(name="Bicycle counts 2022", description="Hourly totals per counter", format="CSV"),
        ],
        "extras": {"views_total": "9"},
        "license_id": "cc-by",
        "maintainer": "Open Data Team",
        "modified": "2022-08-15T12:00:00",
    },
    {
        "name": "pistes-cyclables",
        "title": "Pistes cyclables",
        "notes": "Réseau des pistes cyclables et des vélos en libre-service.",
        "tags": ["vélo", "cyclisme"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [R(name="Pistes", format="CSV", lang_code="fr")],
        "extras": {"frequency": "Mensuel"},
        "license_id": "cc-by",
        "modified": "-30d",
    },
    {
        "name": "bus-routes",
        "title": "Bus Routes",
        "notes": "Route shapes and stops of the bus network.",
        "tags": ["transport", "bus"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [
            R(name="GTFS feed", description="General Transit Feed Specification", format="ZIP"),
        ],
        "license_id": "cc-by",
        "modified": "2020-01-10T09:00:00",
    },
    {
        "name": "parking-lots",
        "title": "Parking Lots",
        "notes": "Municipal lots with hourly rates.",
        "tags": ["parking"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [R(name="Lots", format="CSV")],
        "license_id": "cc-by",
        "modified": "-200d",
    },
    {
        "name": "road-closures",
        "title": "Road Closures",
        "notes": "Planned road_closures with detours.",
        "tags": ["roads"],
        "groups": [],
        "org": "mobilite-urbaine",
        "resources": [R(name="Closures", format="CSV"), R(name="Detours", format="XLSX")],
        "extras": {"release_date": "2022-07-15",
                   "description_fr": "Fermetures routières planifiées."},
        "license_id": "cc-by",
        "modified": "-10d",
    },
    {
        "name": "transit-ridership",
        "title": "Montréal transit ridership",
        "notes": "Ridership by station for Montréal and Québec.",
        "tags": ["transport"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [R(name="Ridership", format="CSV", lang_code="fr")],
        "license_id": "cc-by",
        "modified": "2022-02-01T00:00:00",
    },
    {
        "name": "ferry-schedule",
        "title": "Ferry Schedule",
        "notes": "Crossings with kayak and bicycle racks on board.",
        "tags": ["ferry", "transport"],
        "groups": ["mobility"],
        "org": "mobilite-urbaine",
        "resources": [R(name="Timetable", format="PDF")],
        "extras": {"views_total": "100"},
        "license_id": "cc-by",
        "modified": "2021-07-01T07:00:00",
    },
    # --- parcs-verts ------------------------------------------------------------------------
    {
        "name": "parks-inventory",
        "title": "Parks Inventory",
        "notes": "Every park with its area and amenities.",
        "tags": ["parks", "themes:Biodiversity", "themes:Urbanism"],
        "groups": ["environment"],
        "org": "parcs-verts",
        "resources": [R(name="Parks", format="CSV"), R(name="Park polygons", format="SHP")],
        "license_id": "odc-by",
        "modified": "2020-05-20T10:00:00",
    },
    {
        "name": "tree-canopy",
        "title": "Tree Canopy",
        "notes": "Urban forest canopy cover measured from aerial imagery.",
        "tags": ["trees", "forêt", "themes:Biodiversity"],
        "groups": ["environment"],
        "org": "parcs-verts",
        "resources": [R(name="Canopy raster", format="TIFF")],
        "license_id": "odc-by",
        "modified": "2018-09-09T09:09:09",
    },
    {
        "name": "kayak-routes",
        "title": "Kayak Routes",
        "notes": "Paddling route along the river, with bicycle racks near each launch.",
        "tags": ["kayak", "river"],
        "groups": ["environment"],
        "org": "parcs-verts",
        "resources": [R(name="Routes", format="GPX")],
        "license_id": "odc-by",
        "modified": "2021-09-30T18:00:00",
    },
    {
        "name": "prairies-water",
        "title": "Qualité de l'eau de la rivière",
        "notes": "Mesures prises dans la Rivière des Prairies.",
        "tags": ["eau", "rivière"],
        "groups": ["environment"],
        "org": "parcs-verts",
        "resources": [R(name="Mesures", format="CSV", lang_code="fr")],
        "extras": {"description_fr": "Qualité de l'eau mesurée chaque semaine."},
        "license_id": "odc-by",
        "modified": "2023-03-03T03:03:03",
    },
    {
        "name": "energy-consumption",
        "title": "Données ouvertes sur l'énergie",
        "notes": "Consommation d'énergie des bâtiments municipaux.",
        "tags": ["énergie", "bâtiments"],
        "groups": ["environment"],
        "org": "parcs-verts",
        "resources": [R(name="Consommation", format="XLSX", lang_code="fr")],
        "license_id": "odc-by",
        "modified": "2022-10-10T10:10:10",
    },
    {
        "name": "lighthouse-locations",
        "title": "Lighthouse Locations",
        "notes": "Coastal lighthouse positions.",
        "tags": ["lighthouse"],
        "groups": [],
        "org": "parcs-verts",
        "resources": [R(name="Positions", format="CSV")],
        "license_id": "odc-by",
        "modified": "2020-11-11T11:11:11",
    },
    {
        "name": "coastal-survey",
        "title": "Coastal Survey",
        "notes": (
            "Shoreline erosion survey covering dunes, cliffs, marshes, beaches, harbours, "
            "jetties, piers, inlets, lagoons, estuaries, sandbars, spits, coves, bays, reefs "
            "and one old lighthouse near the northern point."
        ),
        "tags": ["coast"],
        "groups": [],
        "org": "parcs-verts",
        "resources": [R(name="Transects", format="CSV")],
        "license_id": "odc-by",
        "modified": "2019-04-04T04:04:04",
    },
    # --- sante-publique ---------------------------------------------------------------------
    {
        "name": "air-quality",
        "title": "Air Quality Monitoring",
        "notes": "Hourly readings of fine particulate matter.",
        "tags": ["air", "health"],
        "groups": ["health", "environment"],
        "org": "sante-publique",
        "resources": [
            R(name="Readings", format="CSV", lang_code="en"),
            R(name="Readings API", format="JSON", lang_code="en"),
        ],
        "license_id": "cc-zero",
        "modified": "2022-11-11T11:00:00",
    },
    {
        "name": "covid-cases",
        "title": "COVID-19 Cases",
        "notes": "Daily case counts by region.",
        "tags": ["covid-19", "health"],
        "groups": ["health"],
        "org": "sante-publique",
        "resources": [R(name="Daily cases", format="CSV")],
        "extras": {"views_total": "5"},
        "license_id": "cc-zero",
        "modified": "2020-04-01T00:00:00",
    },
    {
        "name": "hospital-beds",
        "title": "Hospital Beds",
        "notes": "Bed occupancy in each hôpital.",
        "tags": ["open data", "health"],
        "groups": ["health"],
        "org": "sante-publique",
        "resources": [R(name="Occupancy", format="CSV")],
        "extras": {"description_fr": "Lits occupés dans les hôpitaux.",
                   "description_en": "Occupied beds in hospitals."},
        "license_id": "cc-zero",
        "modified": "2021-12-01T00:00:00",
    },
    {
        "name": "restaurant-inspections",
        "title": "Restaurant Inspections",
        "notes": "Inspection results for food premises.",
        "tags": ["food safety"],
        "groups": ["health"],
        "org": "sante-publique",
        "resources": [R(name="Results", format="CSV")],
        "extras": {"inspection_system": "Legacy GIS: v2"},
        "license_id": "cc-zero",
        "author": "Marie Dubois",
        "modified": "2022-05-05T05:05:05",
    },
    # --- no organization --------------------------------------------------------------------
    {
        "name": "wifi-hotspots",
        "title": "Wi-Fi Hotspots",
        "notes": "Public WiFi access points in libraries.",
        "tags": ["internet"],
        "groups": ["culture"],
        "org": None,
        "resources": [R(name="Hotspots", format="CSV")],
        "license_id": "other-open",
        "modified": "2023-07-07T07:07:07",
    },
    {
        "name": "geojson-boundaries",
        "title": "GeoJSON Ward Boundaries",
        "notes": "Electoral ward boundaries.",
        "tags": ["elections"],
        "groups": [],
        "org": None,
        "resources": [R(name="Wards", format="GeoJSON"), R(name="Wards shapefile", format="SHP")],
        "license_id": "other-open",
        "modified": "2019-10-10T10:10:10",
    },
    {
        "name": "school-enrolment",
        "title": "École: inscriptions",
        "notes": "Inscriptions dans les écoles primaires.",
        "tags": ["éducation"],
        "groups": ["culture"],
        "org": None,
        "resources": [R(name="Inscriptions", format="CSV", lang_code="fr")],
        "extras": {"description_fr": "Inscriptions dans les écoles primaires."},
        "license_id": "other-open",
        "modified": "2018-01-15T00:00:00",
    },
    {
        "name": "library-loans",
        "title": "Library Loans",
        "notes": "Books borrowed per branch.",
        "tags": ["books"],
        "groups": ["culture"],
        "org": None,
        "resources": [R(name="Loans", format="CSV")],
        "extras": {"frequency": "Monthly", "release_date": "2020-02-29"},
        "license_id": "other-open",
        "modified": "2020-03-01T00:00:00",
    },
    {
        "name": "zoo-attendance",
        "title": "zoo attendance",
        "notes": "Visitors per month.",
        "tags": ["zoo"],
        "groups": ["culture"],
        "org": None,
        "resources": [R(name="Visitors", format="CSV")],
        "extras": {"release_date": "2018-05-01"},
        "license_id": "other-open",
        "modified": "2017-12-31T23:00:00",
    },
    {
        "name": "zoning-bylaw",
        "title": "Zoning By-law",
        "notes": "Zones with permitted uses.",
        "tags": ["planning"],
        "groups": [],
        "org": None,
        "resources": [R(name="Zones", format="SHP")],
        "extras": {"release_date": "2020-12-31"},
        "license_id": "other-open",
        "modified": "2016-02-02T02:02:02",
    },
    {
        "name": "snow-removal",
        "title": "Snow Removal",
        "notes": "Opérations de déneigement: snow plough routes by sector.",
        "tags": ["winter"],
        "groups": [],
        "org": None,
        "resources": [R(name="Sectors", format="KML")],
        "license_id": "other-open",
        "modified": "-400d",
    },
    # --- access control: private datasets, drafts, a deleted dataset ------------------------
    {
        "name": "bridge-inspections",
        "title": "Bridge Inspections",
        "notes": "Condition ratings.",
        "tags": ["access-test"],
        "groups": [],
        "org": "mobilite-urbaine",
        "resources": [R(name="Ratings", format="CSV")],
        "license_id": "cc-by",
        "modified": "2023-05-05T05:05:05",
    },
    {
        "name": "transit-incidents",
        "title": "Transit Incidents",
        "notes": "Internal incident log.",
        "tags": ["access-test"],
        "groups": [],
        "org": "mobilite-urbaine",
        "private": True,
        "resources": [R(name="Incidents", format="CSV")],
        "license_id": "cc-by",
        "modified": "2024-01-15T00:00:00",
    },
    {
        "name": "pedestrian-counts",
        "title": "Pedestrian Counts",
        "notes": "Counts not yet validated.",
        "tags": ["access-test"],
        "groups": [],
        "org": "mobilite-urbaine",
        "state": "draft",
        "resources": [R(name="Counts", format="CSV")],
        "license_id": "cc-by",
        "modified": "2024-02-01T00:00:00",
    },
    {
        "name": "retired-dataset",
        "title": "Retired Dataset",
        "notes": "Withdrawn.",
        "tags": ["access-test"],
        "groups": [],
        "org": "mobilite-urbaine",
        "deleted": True,
        "resources": [],
        "license_id": "cc-by",
        "modified": "2015-01-01T00:00:00",
    },
    {
        "name": "clinic-wait-times",
        "title": "Clinic Wait Times",
        "notes": "Waiting times per clinic.",
        "tags": ["access-test"],
        "groups": [],
        "org": "sante-publique",
        "private": True,
        "resources": [R(name="Wait times", format="CSV")],
        "license_id": "cc-zero",
        "modified": "2024-03-03T00:00:00",
    },
    {
        "name": "lab-results",
        "title": "Lab Results",
        "notes": "Unpublished laboratory results.",
        "tags": ["access-test"],
        "groups": [],
        "org": "sante-publique",
        "private": True,
        "state": "draft",
        "resources": [R(name="Results", format="CSV")],
        "license_id": "cc-zero",
        "modified": "2024-04-04T00:00:00",
    },
    {
        "name": "carol-survey",
        "title": "Carol's Survey",
        "notes": "A survey by a citizen.",
        "tags": ["access-test"],
        "groups": [],
        "org": None,
        "creator": "carol",
        "resources": [R(name="Answers", format="CSV")],
        "license_id": "other-open",
        "modified": "2024-05-05T00:00:00",
    },
    {
        "name": "carol-draft",
        "title": "Carol's Draft",
        "notes": "Not finished.",
        "tags": ["access-test"],
        "groups": [],
        "org": None,
        "creator": "carol",
        "state": "draft",
        "resources": [R(name="Notes", format="TXT")],
        "license_id": "other-open",
        "modified": "2024-06-06T00:00:00",
    },
]


def resource_url(dataset: str, index: int) -> str:
    # Neutral URLs: their words (https, files, example, test, ...) are never queried.
    return f"https://files.example.test/{dataset}/{index}"


def visible_public_names() -> list[str]:
    """Datasets an anonymous user sees with a plain search (public, active, not deleted)."""
    return sorted(
        d["name"]
        for d in DATASETS
        if not d.get("private") and d.get("state", "active") == "active" and not d.get("deleted")
    )
