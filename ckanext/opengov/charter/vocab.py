"""Reference lists the charter checks compare metadata against: formats, licences, frequencies.

Formats follow the EU file-type vocabulary codes and the spirit of data.europa.eu's
machine-readable and non-proprietary lists; licences add the Canadian open government licences
(federal, provincial, municipal) that the EU licence vocabulary lacks. Values are normalized
before lookup (case, dots, URIs of the EU vocabularies, media types).
"""
from __future__ import annotations

import re

EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"

MACHINE_READABLE = frozenset({
    "CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "XLSX", "XLS", "ODS", "RDF", "RDF_XML",
    "RDF_TURTLE", "N3", "RDF_N_TRIPLES", "RDF_N_QUADS", "KML", "KMZ", "GML", "GPKG", "SHP", "GTFS",
    "API", "WMS_SRVC", "WFS_SRVC", "WCS_SRVC", "WMTS_SRVC", "REST", "ESRI_REST", "OGC_API",
    "SPARQLQ", "PARQUET", "AVRO", "NETCDF", "HDF5", "GRIB", "DBF", "SQL", "YAML", "ATOM", "RSS",
    "GEOTIFF", "MDB", "GDB", "DXF", "ODATA", "OCDS", "XSD", "TOPOJSON", "NDJSON",
})

NON_PROPRIETARY = frozenset({
    "CSV", "TSV", "JSON", "JSON_LD", "GEOJSON", "XML", "ODS", "ODT", "RDF", "RDF_XML", "RDF_TURTLE",
    "N3", "RDF_N_TRIPLES", "RDF_N_QUADS", "KML", "GML", "GPKG", "TXT", "HTML", "GTFS", "API",
    "WMS_SRVC", "WFS_SRVC", "WCS_SRVC", "WMTS_SRVC", "OGC_API", "SPARQLQ", "PARQUET", "AVRO",
    "NETCDF", "HDF5", "GRIB", "YAML", "ATOM", "RSS", "GEOTIFF", "PNG", "SVG", "ODATA", "OCDS",
    "XSD", "TOPOJSON", "NDJSON", "REST", "SQL",
})

# Codes of the EU file-type vocabulary (and the service types the suite also accepts).
FILE_TYPES = MACHINE_READABLE | NON_PROPRIETARY | frozenset({
    "PDF", "DOC", "DOCX", "PPT", "PPTX", "ZIP", "TAR", "GZIP", "7Z", "JPEG", "TIFF", "GIF", "DWG",
    "ECW", "RTF", "EPUB", "MP3", "MP4", "BIN", "EXE", "MAP_PRVW", "WEB_PAGE",
})

API_FORMATS = frozenset({"API", "WMS_SRVC", "WFS_SRVC", "WCS_SRVC", "WMTS_SRVC", "REST",
                         "ESRI_REST", "OGC_API", "SPARQLQ", "ODATA"})

_FORMAT_ALIASES = {
    "TEXT/CSV": "CSV", "APPLICATION/CSV": "CSV", "TAB": "TSV", "TEXT/TAB-SEPARATED-VALUES": "TSV",
    "APPLICATION/JSON": "JSON", "GEO JSON": "GEOJSON", "GEO_JSON": "GEOJSON",
    "APPLICATION/GEO+JSON": "GEOJSON", "JSON-LD": "JSON_LD", "JSONLD": "JSON_LD",
    "APPLICATION/LD+JSON": "JSON_LD", "APPLICATION/XML": "XML", "TEXT/XML": "XML",
    "EXCEL": "XLS", "MS EXCEL": "XLS", "APPLICATION/VND.MS-EXCEL": "XLS",
    "APPLICATION/VND.OPENXMLFORMATS-OFFICEDOCUMENT.SPREADSHEETML.SHEET": "XLSX",
    "APPLICATION/VND.OASIS.OPENDOCUMENT.SPREADSHEET": "ODS",
    "RDF/XML": "RDF_XML", "APPLICATION/RDF+XML": "RDF_XML", "TTL": "RDF_TURTLE",
    "TURTLE": "RDF_TURTLE", "TEXT/TURTLE": "RDF_TURTLE", "NT": "RDF_N_TRIPLES", "NQ": "RDF_N_QUADS",
    "SHAPEFILE": "SHP", "ESRI SHAPEFILE": "SHP", "ZIP (SHP)": "SHP", "SHP (ZIP)": "SHP",
    "FGDB": "GDB", "FILE GEODATABASE": "GDB", "ESRI FILE GEODATABASE": "GDB",
    "GEOPACKAGE": "GPKG", "TEXT": "TXT", "TEXT/PLAIN": "TXT", "TEXT/HTML": "HTML", "HTM": "HTML",
    "WEB PAGE": "HTML", "APPLICATION/PDF": "PDF", "JPG": "JPEG", "TIF": "TIFF",
    "WMS": "WMS_SRVC", "WFS": "WFS_SRVC", "WCS": "WCS_SRVC", "WMTS": "WMTS_SRVC",
    "OGC:WMS": "WMS_SRVC", "OGC:WFS": "WFS_SRVC", "ESRI REST": "ESRI_REST",
    "ARCGIS GEOSERVICES REST API": "ESRI_REST", "ARCGIS REST": "ESRI_REST",
    "ARCGIS REST SERVICES": "ESRI_REST", "ESRI_REST_API": "ESRI_REST", "REST API": "REST",
    "OGC API": "OGC_API", "OGC API FEATURES": "OGC_API", "SPARQL": "SPARQLQ", "NETCDF4": "NETCDF",
    "HDF": "HDF5", "YML": "YAML", "GEOTIF": "GEOTIFF", "GZ": "GZIP", "APPLICATION/ZIP": "ZIP",
    "NEWLINE-DELIMITED JSON": "NDJSON", "JSONL": "NDJSON", "DOCX": "DOCX", "MSWORD": "DOC",
    "APPLICATION/MSWORD": "DOC", "RDF_XML": "RDF_XML",
}

_MEDIA_TYPE_RE = re.compile(
    r"^(application|text|image|audio|video|model|multipart|font|message)/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def normalize_format(value: object) -> str:
    """A format code (``CSV``, ``GEOJSON``, ``WMS_SRVC``...) from what a publisher typed."""
    if not isinstance(value, str):
        return ""
    raw = value.strip()
    for prefix in (EU_FILE_TYPE, "https://www.iana.org/assignments/media-types/",
                   "http://www.iana.org/assignments/media-types/"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    code = raw.upper().lstrip(".").strip()
    if code in _FORMAT_ALIASES:
        return _FORMAT_ALIASES[code]
    if ";" in code:
        code = code.split(";", 1)[0].strip()
        return _FORMAT_ALIASES.get(code, code)
    return code.replace(" ", "_").replace("-", "_")


def is_media_type(value: object) -> bool:
    if not isinstance(value, str):
        return False
    raw = value.strip().lower()
    for prefix in ("https://www.iana.org/assignments/media-types/",
                   "http://www.iana.org/assignments/media-types/"):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    return bool(_MEDIA_TYPE_RE.match(raw.split(";", 1)[0].strip()))


# Licences ------------------------------------------------------------------------------------

#: (canonical id, aliases (ids seen in CKAN portals), URL fragments) of licences known to be open
OPEN_LICENCES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("OGL-Canada-2.0",
     ("ca-ogl-lgo", "ogl-canada", "ogl-canada-2.0", "open-government-licence-canada", "24"),
     ("open.canada.ca/en/open-government-licence-canada",
      "ouvert.canada.ca/fr/licence-du-gouvernement-ouvert-canada")),
    ("OGL-Alberta-2.0", ("ab-ogla", "ogl-alberta", "ogl-alberta-2.0"),
     ("open.alberta.ca/licence",)),
    ("OGL-BC-2.0", ("bc-oglbc", "ogl-bc", "ogl-bc-2.0", "2"),
     ("open-government-licence-bc", "id=a519a56bc2bf44e4a008b33fcf527f61")),
    ("OGL-NL", ("nl-oglnl", "ogl-nl", "ogl-newfoundland-labrador"),
     ("opendata.gov.nl.ca/public/opendata/page/?page-id=licence",)),
    ("OGL-NS", ("ns-oglns", "ogl-ns", "ogl-nova-scotia"), ("novascotia.ca/opendata/licence",)),
    ("OGL-Ontario-1.0", ("on-oglo", "ogl-ontario", "ogl-ontario-1.0"),
     ("open-government-licence-ontario",)),
    ("OGL-PEI", ("pei-oglpei", "ogl-pei"), ("open-government-licence-prince-edward-island",)),
    ("OGL-NB", ("nb-oglnb", "ogl-nb", "ogl-new-brunswick"),
     ("snb.ca/e/2000/data-e.html", "gnb.ca/content/gnb/en/departments/finance/open-data/licence")),
    ("OGL-Yukon", ("yk-oglyk", "ogl-yukon"), ("open.yukon.ca/open-government-licence-yukon",)),
    ("OGL-NWT", ("nwt-tno", "ogl-nwt"), ("open-government-licence-northwest-territories",)),
    ("OGL-Saskatchewan", ("sk-suudl", "ogl-saskatchewan"),
     ("gos_standard_unrestricted_use_data_licence",)),
    ("OpenMB", ("mb-omb", "ogl-manitoba"), ("openmb-information-data-use-licence",)),
    ("OGL-Toronto", ("ogl-toronto", "open-government-licence-toronto"),
     ("open.toronto.ca/open-data-license",)),
    ("OGL-Vancouver", ("ogl-vancouver", "open-government-licence-vancouver"),
     ("opendata.vancouver.ca/pages/licence",)),
    ("OGL-Ottawa", ("ogl-ottawa", "open-government-licence-ottawa"),
     ("ottawa.ca/en/city-hall/open-transparent-and-accountable-government/open-data",
      "ottawa.ca/en/city-hall/get-know-your-city/open-data")),
    ("StatCan-Open-Licence", ("statcan-open-licence", "21"),
     ("statcan.gc.ca/eng/reference/licence",)),
    ("CC-BY-4.0",
     ("cc-by", "cc-by-4.0", "cc-by-3.0", "cc-by-2.5", "qc-cc-by", "creative-commons-attribution",
      "cc-by-4.0-quebec", "cc-by-4.0-montreal"),
     ("creativecommons.org/licenses/by/", "donneesquebec.ca/fr/licence", "donneesquebec.ca/licence",
      "donnees.montreal.ca/pages/licence")),
    ("CC-BY-SA-4.0", ("cc-by-sa", "cc-by-sa-4.0", "cc-by-sa-3.0"),
     ("creativecommons.org/licenses/by-sa/",)),
    ("CC0-1.0", ("cc-zero", "cc0", "cc0-1.0", "cc-0"), ("creativecommons.org/publicdomain/zero/",)),
    ("PDDL-1.0", ("odc-pddl", "pddl", "45"), ("opendatacommons.org/licenses/pddl",)),
    ("ODC-BY-1.0", ("odc-by", "odc-by-1.0"), ("opendatacommons.org/licenses/by",)),
    ("ODbL-1.0", ("odc-odbl", "odbl", "odbl-1.0"), ("opendatacommons.org/licenses/odbl",)),
    ("OGL-UK-3.0", ("uk-ogl", "ogl-uk-3.0"),
     ("nationalarchives.gov.uk/doc/open-government-licence",)),
    ("Etalab-2.0", ("lov2", "fr-lo", "etalab-2.0", "licence-ouverte"),
     ("etalab.gouv.fr/licence-ouverte",)),
    ("other-pd", ("other-pd",), ()),
    ("other-open", ("other-open", "other-at"), ()),
)

#: licences known not to be open (no reuse, non-commercial, access only)
CLOSED_LICENCES = frozenset({"other-closed", "other-nc", "cc-nc", "cc-by-nc", "cc-by-nc-4.0",
                             "cc-by-nd", "cc-by-nc-nd", "notspecified", "22", "ab-qptu",
                             "ca-rflo-drlf", "25"})

#: closed licences that are nonetheless named entries of CKAN's licence register
REGISTERED_CLOSED = frozenset({"cc-nc", "cc-by-nc", "cc-by-nc-4.0", "cc-by-nd", "cc-by-nc-nd",
                               "ab-qptu", "ca-rflo-drlf"})

#: register entries that say only "closed" or "non-commercial", not which licence
GENERIC_CLOSED = frozenset({"other-closed", "other-nc"})

#: generic entries that are open but do not say which licence
GENERIC_LICENCES = frozenset({"other-open", "other-pd"})

_OPEN_BY_ID = {alias.lower(): canon for canon, aliases, _ in OPEN_LICENCES
               for alias in (canon, *aliases)}
_OPEN_NAME_RE = re.compile(
    r"open government licen[cs]e|licence du gouvernement ouvert|licence ouverte|"
    r"creative commons attribution(?! ?-? ?non)|cc[- ]by(?![- ]?n[cd])|\bcc0\b|public domain|"
    r"open data commons|domaine public", re.IGNORECASE)


def licence_by_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return _OPEN_BY_ID.get(value.strip().lower())


def licence_by_url(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    url = value.strip().lower()
    for canon, _, fragments in OPEN_LICENCES:
        if any(f.lower() in url for f in fragments):
            return canon
    return None


def open_by_name(value: object) -> bool:
    return isinstance(value, str) and bool(_OPEN_NAME_RE.search(value)) \
        and not re.search(r"non[- ]?commercial|no deriv|pas d'utilisation commerciale", value,
                          re.IGNORECASE)


# Frequencies ---------------------------------------------------------------------------------

#: special frequencies: no regular period to measure freshness against
IRREGULAR = "irregular"
NEVER = "never"

_FREQUENCY_DAYS = {
    "1MIN": 1 / 1440, "5MIN": 5 / 1440, "10MIN": 10 / 1440, "15MIN": 15 / 1440, "30MIN": 30 / 1440,
    "HOURLY": 1 / 24, "BIHOURLY": 2 / 24, "TRIHOURLY": 3 / 24, "12HRS": 0.5,
    "CONT": 1, "UPDATE_CONT": 1, "CONTINUAL": 1, "CONTINUOUS": 1, "REALTIME": 1, "REAL_TIME": 1,
    "DAILY": 1, "DAILY_2": 0.5, "WEEKLY": 7, "WEEKLY_2": 3.5, "WEEKLY_3": 7 / 3,
    "BIWEEKLY": 14, "FORTNIGHTLY": 14, "MONTHLY": 30.4, "MONTHLY_2": 15.2, "MONTHLY_3": 10.1,
    "SEMIMONTHLY": 15.2, "BIMONTHLY": 61, "QUARTERLY": 91.3, "ANNUAL_3": 121.7, "ANNUAL_2": 182.6,
    "SEMIANNUAL": 182.6, "ANNUAL": 365.25, "ANNUALLY": 365.25, "YEARLY": 365.25, "BIENNIAL": 730.5,
    "TRIENNIAL": 1095.75, "QUADRENNIAL": 1461, "QUINQUENNIAL": 1826.25, "DECENNIAL": 3652.5,
}
_FREQUENCY_SPECIAL = {
    "IRREG": IRREGULAR, "IRREGULAR": IRREGULAR, "AS_NEEDED": IRREGULAR, "ASNEEDED": IRREGULAR,
    "OTHER": IRREGULAR, "UNKNOWN": IRREGULAR, "OP_DATPRO": IRREGULAR, "PROVISIONAL": IRREGULAR,
    "NEVER": NEVER, "NOT_PLANNED": NEVER, "NOTPLANNED": NEVER, "NONE": NEVER, "HISTORICAL": NEVER,
}
_ISO_DURATION_RE = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def frequency_period(value: object) -> float | str | None:
    """Period in days of a declared frequency, ``IRREGULAR``/``NEVER``, or None when unknown.

    Accepts EU frequency codes and URIs, ISO 8601 durations (``P1M``, ``P0.5W``: GC's values)
    and common English words.
    """
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if raw.startswith(EU_FREQUENCY):
        raw = raw[len(EU_FREQUENCY):]
    code = raw.upper().replace("-", "_").replace(" ", "_")
    if code in _FREQUENCY_SPECIAL:
        return _FREQUENCY_SPECIAL[code]
    if code in _FREQUENCY_DAYS:
        return _FREQUENCY_DAYS[code]
    match = _ISO_DURATION_RE.match(raw.upper())
    if match and any(match.groups()):
        y, mo, w, d, h, mi, s = (float(g) if g else 0.0 for g in match.groups())
        days = y * 365.25 + mo * 30.44 + w * 7 + d + h / 24 + mi / 1440 + s / 86400
        return days if days > 0 else None
    return None


# Access rights -------------------------------------------------------------------------------

ACCESS_PUBLIC = frozenset({"PUBLIC", "UNRESTRICTED", "OPEN"})
# The suite's `restrictions` vocabulary maps `unrestricted` to the EU PUBLIC concept.
ACCESS_VOCABULARY = frozenset({"PUBLIC", "RESTRICTED", "NON_PUBLIC", "CONFIDENTIAL", "SENSITIVE",
                               "UNRESTRICTED"})


def access_right_code(value: object) -> str:
    if not isinstance(value, str):
        return ""
    raw = value.strip()
    if raw.startswith(EU_ACCESS_RIGHT):
        raw = raw[len(EU_ACCESS_RIGHT):]
    return raw.upper().replace("-", "_").replace(" ", "_")
