"""The query cases of the search conformance suite, as data (see test_conformance.py).

Each case states what CKAN 2.12 + Solr 9 with CKAN's shipped schema answers for the corpus in
conformance_corpus.py. Where Solr's behaviour is surprising, the comment says why (analysis chain
of the field type, dismax ``mm``, CKAN's own query building); the sources are CKAN's
``ckan/lib/search/query.py`` and ``ckan/logic/action/get.py`` and Solr's ``DisMaxQParser`` /
``SolrPluginUtils`` / classic query parser.

Fields of a case:

- ``params``: the ``package_search`` data dict (or, for ``seam`` cases, the keyword arguments of
  ``conn.search`` on the connection CKAN's ``make_connection()`` returns).
- ``names``: expected dataset names; a ``list`` when order matters, a ``frozenset`` otherwise.
- ``count``: expected ``count`` (defaults to ``len(names)``).
- ``facets``: expected ``result["facets"][field]`` items, in Solr's order.
- ``user``: who searches (a key of ``SITE_USERS``, or ``anonymous``).
- ``error``: the exception ``package_search`` raises (``SearchError``, ``SearchQueryError``,
  ``ValidationError``), with ``message`` a substring of it.
- ``unsupported``: a query Solr answers but ``opengov_pgsearch`` refuses with a clear
  ``SearchError`` (never a different answer); against Solr, ``names`` applies.
- ``results``: the exact ``results`` list (``fl`` cases); ``keys_present``/``keys_absent`` check
  the keys of the first result.
"""
from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from conformance_corpus import visible_public_names

ALL_PUBLIC = frozenset(visible_public_names())


@dataclass(frozen=True)
class Case:
    id: str
    params: dict[str, Any]
    names: Sequence[str] | Set[str] | None = None
    count: int | None = None
    facets: dict[str, list[tuple[str, int]]] | None = None
    search_facets: dict[str, list[tuple[str, str, int]]] | None = None
    user: str = "anonymous"
    error: str | None = None
    message: str | None = None
    unsupported: bool = False
    results: list[dict[str, Any]] | None = None
    keys_present: frozenset[str] = field(default_factory=frozenset)
    keys_absent: frozenset[str] = field(default_factory=frozenset)
    seam: bool = False

    def expected_count(self) -> int | None:
        if self.count is not None:
            return self.count
        if self.names is not None:
            return len(self.names)
        return None


def S(*names: str) -> frozenset[str]:
    return frozenset(names)


MOBILITE = S(
    "bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts",
    "pistes-cyclables", "bus-routes", "parking-lots", "road-closures", "transit-ridership",
    "ferry-schedule", "bridge-inspections",
)
PARCS = S(
    "parks-inventory", "tree-canopy", "kayak-routes", "prairies-water", "energy-consumption",
    "lighthouse-locations", "coastal-survey",
)
NO_ORG = S(
    "wifi-hotspots", "geojson-boundaries", "school-enrolment", "library-loans",
    "zoo-attendance", "zoning-bylaw", "snow-removal", "carol-survey",
)
BICYCLE = S(
    # "bicycle"/"bicycles" in a title, notes or resource name (all stem to "bicycl")
    "bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts",
    "ferry-schedule", "kayak-routes",
)
ACCESS_PUBLIC = S("bridge-inspections", "carol-survey")
ACCESS_FQ = {"fq": "tags:access-test", "rows": 50}


CASES: list[Case] = [
    # ===== string fields: exact and case-sensitive ================================================
    Case("string_tag_exact", {"fq": "tags:cycling"},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    Case("string_tag_case_sensitive", {"fq": "tags:Cycling"}, S("bike-share-stations")),
    Case("string_tag_with_space_quoted", {"fq": 'tags:"Cycling Infrastructure"'},
         S("bicycle-lanes")),
    # a string field is one term: a word of a tag does not match it
    Case("string_tag_not_tokenized", {"fq": "tags:Infrastructure"}, S()),
    Case("string_res_format_exact", {"fq": "res_format:GeoJSON"},
         S("bicycle-lanes", "geojson-boundaries")),
    Case("string_res_format_case_sensitive", {"fq": "res_format:geojson"}, S()),
    Case("string_name_in_q", {"q": "name:bicycle-lanes"}, S("bicycle-lanes")),
    Case("string_organization", {"fq": "organization:parcs-verts", "rows": 50}, PARCS),
    Case("string_license_id", {"fq": "license_id:cc-zero"},
         S("air-quality", "covid-cases", "hospital-beds", "restaurant-inspections")),
    # the catch-all dynamic field "*" is a string: an unknown extra is also indexed under its
    # own name, exactly
    Case("dynamic_catchall_string_exact",
         {"fq": 'inspection_system:"Legacy GIS: v2"'}, S("restaurant-inspections")),
    Case("dynamic_catchall_string_no_analysis", {"fq": "inspection_system:legacy"}, S()),
    Case("dynamic_catchall_numeric_value", {"fq": "num_resources:2"},
         S("bicycle-lanes", "bike-share-stations", "road-closures", "parks-inventory",
           "air-quality", "geojson-boundaries")),
    # ===== text fields: analysed (English Snowball, word delimiter, ASCII folding) ================
    Case("text_stem_plural_query", {"q": "bicycles"}, BICYCLE),
    Case("text_stem_singular_query", {"q": "bicycle"}, BICYCLE),
    Case("text_stem_routes", {"q": "routes"}, S("bus-routes", "kayak-routes", "snow-removal")),
    Case("text_stem_route", {"q": "route"}, S("bus-routes", "kayak-routes", "snow-removal")),
    # Porter stems "parking" to "park"
    Case("text_stem_parks_finds_parking", {"q": "parks"}, S("parking-lots", "parks-inventory")),
    Case("text_fielded_stem", {"q": "title:routes"}, S("bus-routes", "kayak-routes")),
    Case("text_case_insensitive", {"q": "BICYCLE"}, BICYCLE),
    Case("text_upper_case_accented", {"q": "MONTRÉAL"}, S("transit-ridership")),
    Case("text_accent_folding_montreal", {"q": "montreal"}, S("transit-ridership")),
    Case("text_accent_folding_quebec", {"q": "Quebec"}, S("transit-ridership")),
    Case("text_accent_folding_donnees", {"q": "donnees"}, S("energy-consumption")),
    Case("text_accent_folding_energie", {"q": "energie"}, S("energy-consumption")),
    Case("text_accent_folding_riviere", {"q": "riviere"}, S("prairies-water")),
    Case("text_accent_folding_velo", {"q": "velo"}, S("pistes-cyclables")),
    Case("text_accent_folding_batiments", {"q": "batiments"}, S("energy-consumption")),
    Case("text_french_plural_accented", {"q": "écoles"}, S("school-enrolment")),
    # word delimiter: "Wi-Fi"/"WiFi" index "wi", "fi" and the catenation "wifi"
    Case("text_word_delimiter_catenate", {"q": "wifi"}, S("wifi-hotspots")),
    Case("text_word_delimiter_case_change", {"q": "json"}, S("geojson-boundaries")),
    Case("text_word_delimiter_underscore", {"q": "closures"}, S("road-closures")),
    Case("text_stem_hotspot", {"q": "hotspot"}, S("wifi-hotspots")),
    # text_general (res_name, author): word delimiter and lowercase, no stemming
    Case("text_general_exact_word", {"fq": "res_name:counts"}, S("cycling-counts")),
    Case("text_general_no_stemming", {"fq": "res_name:count"}, S()),
    Case("text_general_author_hyphen", {"fq": "author:pierre"}, S("bicycle-lanes")),
    # positionIncrementGap=100: a phrase never spans two values of a multivalued field
    Case("text_general_phrase_in_one_value", {"fq": 'res_name:"lane geometry"'},
         S("bicycle-lanes")),
    Case("text_general_phrase_across_values", {"fq": 'res_name:"segments lane"'}, S()),
    Case("text_general_slop_across_values", {"fq": 'res_name:"segments geometry"~3'}, S()),
    # CKAN's "text" stems before it folds: "hopital" stems to "hopit" while "hôpital" is
    # indexed as "hopital", so this unaccented query misses the accented word (French is
    # better served by text_fr, below)
    Case("text_stem_before_fold_miss", {"q": "hopital"}, S()),
    Case("text_stem_before_fold_hit", {"q": "hôpital"}, S("hospital-beds")),
    # ===== the suite's French and English fields (schema-opengov.xml: *_fr, text_fr, ...) =========
    # French Snowball then folding: "écoles", "école" and "ecole" all index as "ecol"
    Case("french_accent_folding_ecole", {"q": "text_fr:ecole"}, S("school-enrolment")),
    Case("french_plural_hopitaux", {"q": "text_fr:hopital"}, S("hospital-beds")),
    Case("french_feminine_plural", {"q": "text_fr:routier"}, S("road-closures")),
    Case("french_dynamic_field", {"q": "description_fr:qualite"}, S("prairies-water")),
    # elision drops "l'" before the word delimiter could catenate "l'eau" into "leau"
    Case("french_elision", {"q": "text_fr:leau"}, S()),
    Case("english_text_catenates_elision", {"q": "text:leau"}, S("prairies-water")),
    Case("english_dynamic_field", {"q": "text_en:hospital"}, S("hospital-beds")),
    # ===== copyFields into text ===================================================================
    Case("copyfield_organization", {"q": "urbaine", "rows": 50}, MOBILITE),
    Case("copyfield_vocab", {"q": "biodiversity"}, S("parks-inventory", "tree-canopy")),
    Case("copyfield_res_description", {"q": "hourly totals"}, S("cycling-counts")),
    Case("copyfield_maintainer", {"q": "team"}, S("cycling-counts")),
    Case("copyfield_extras", {"q": "irregular"}, S("bicycle-lanes-2019")),
    Case("copyfield_author", {"q": "dubois"}, S("restaurant-inspections")),
    Case("copyfield_groups", {"q": "mobility", "rows": 50},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "bus-routes",
           "cycling-counts", "ferry-schedule", "transit-ridership", "parking-lots",
           "pistes-cyclables")),
    Case("copyfield_text_fielded", {"q": "text:kayak"}, S("ferry-schedule", "kayak-routes")),
    # ===== dynamic fields =========================================================================
    Case("dynamic_extras_text_analysed", {"fq": "extras_frequency:monthly"},
         S("library-loans")),
    Case("dynamic_extras_string_twin", {"fq": "frequency:Monthly"}, S("library-loans")),
    Case("dynamic_extras_string_twin_case", {"fq": "frequency:monthly"}, S()),
    Case("dynamic_vocab_exact", {"fq": "vocab_themes:Urbanism"},
         S("bicycle-lanes", "parks-inventory")),
    Case("dynamic_vocab_case_sensitive", {"fq": "vocab_themes:urbanism"}, S()),
    Case("dynamic_res_extras", {"fq": "res_extras_lang_code:fr"},
         S("bike-share-stations", "pistes-cyclables", "transit-ridership", "prairies-water",
           "energy-consumption", "school-enrolment")),
    Case("dynamic_field_exists_text", {"q": "extras_frequency:*"},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "pistes-cyclables",
           "library-loans")),
    # pysolr drops empty values, so an empty author is no author
    Case("field_exists_text_general", {"q": "author:*"},
         S("bicycle-lanes", "restaurant-inspections")),
    Case("field_exists_res_extras", {"q": "res_extras_lang_code:*"},
         S("bicycle-lanes", "bike-share-stations", "pistes-cyclables", "transit-ridership",
           "prairies-water", "energy-consumption", "air-quality", "school-enrolment")),
    Case("field_exists_string", {"q": "organization:*", "rows": 50}, MOBILITE | PARCS | S(
        "air-quality", "covid-cases", "hospital-beds", "restaurant-inspections")),
    Case("field_missing_string", {"fq": "-organization:*"}, NO_ORG),
    Case("ngram_title", {"q": "title_ngram:cycl"},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts", "pistes-cyclables")),
    # ===== dates ==================================================================================
    Case("date_range_inclusive",
         {"fq": "metadata_modified:[2021-01-01T00:00:00Z TO 2021-12-31T23:59:59Z]"},
         S("bicycle-lanes", "ferry-schedule", "kayak-routes", "hospital-beds")),
    Case("date_range_exclusive",
         {"fq": "metadata_modified:{2021-03-04T10:00:00Z TO 2021-12-01T00:00:00Z}"},
         S("ferry-schedule", "kayak-routes")),
    Case("date_range_inclusive_endpoints",
         {"fq": "metadata_modified:[2021-03-04T10:00:00Z TO 2021-12-01T00:00:00Z]"},
         S("bicycle-lanes", "ferry-schedule", "kayak-routes", "hospital-beds")),
    Case("date_range_mixed_brackets",
         {"fq": "metadata_modified:[2021-03-04T10:00:00Z TO 2021-12-01T00:00:00Z}"},
         S("bicycle-lanes", "ferry-schedule", "kayak-routes")),
    Case("date_range_open_start", {"fq": "metadata_modified:[* TO 2018-01-01T00:00:00Z]"},
         S("zoo-attendance", "zoning-bylaw")),
    Case("date_range_open_end", {"fq": "metadata_modified:[2023-01-01T00:00:00Z TO *]"},
         S("prairies-water", "bridge-inspections", "wifi-hotspots", "bike-share-stations",
           "carol-survey", "snow-removal", "parking-lots", "pistes-cyclables", "road-closures")),
    Case("date_math_last_year", {"fq": "metadata_modified:[NOW-1YEAR/DAY TO NOW]"},
         S("road-closures", "pistes-cyclables", "parking-lots")),
    Case("date_math_between", {"fq": "metadata_modified:[NOW-2YEARS TO NOW-1YEAR]"},
         S("snow-removal")),
    Case("date_math_open_start_exclusive", {"fq": "metadata_modified:{* TO NOW-1YEAR/DAY}",
                                            "rows": 50},
         ALL_PUBLIC - S("road-closures", "pistes-cyclables", "parking-lots")),
    Case("date_math_day_rounding", {"fq": "metadata_modified:[NOW/DAY-15DAYS TO NOW/DAY+1DAY]"},
         S("road-closures")),
    Case("date_in_q",
         {"q": "metadata_modified:[2022-01-01T00:00:00Z TO 2022-12-31T23:59:59Z]"},
         S("transit-ridership", "restaurant-inspections", "cycling-counts", "energy-consumption",
           "air-quality")),
    Case("date_exact_quoted", {"fq": 'metadata_modified:"2021-03-04T10:00:00Z"'},
         S("bicycle-lanes")),
    Case("date_metadata_created", {"fq": "metadata_created:[* TO 2017-01-01T00:00:00Z]"},
         S("zoning-bylaw")),
    Case("date_dynamic_field_range",
         {"fq": "release_date:[2020-01-01T00:00:00Z TO 2020-12-31T23:59:59Z]"},
         S("library-loans", "zoning-bylaw")),
    Case("date_dynamic_field_exists", {"fq": "release_date:[* TO *]"},
         S("road-closures", "library-loans", "zoo-attendance", "zoning-bylaw")),
    # ===== ints: numeric, not string, order =======================================================
    Case("int_range_numeric", {"fq": "views_total:[10 TO 200]"},
         S("bicycle-lanes", "ferry-schedule")),
    Case("int_range_exclusive", {"fq": "views_total:{9 TO 1000}"},
         S("bicycle-lanes", "ferry-schedule")),
    Case("int_range_open", {"fq": "views_total:[* TO 10]"}, S("covid-cases", "cycling-counts")),
    Case("int_exact", {"fq": "views_total:42"}, S("bicycle-lanes")),
    Case("int_sort_numeric", {"fq": "views_total:[* TO *]", "sort": "views_total asc"},
         ["covid-cases", "cycling-counts", "bicycle-lanes", "ferry-schedule",
          "bike-share-stations"]),
    # ===== multivalued ============================================================================
    Case("multi_tags_both", {"fq": "tags:health tags:air"}, S("air-quality")),
    Case("multi_groups", {"fq": "groups:environment"},
         S("air-quality", "energy-consumption", "kayak-routes", "parks-inventory",
           "prairies-water", "tree-canopy")),
    Case("multi_groups_and", {"fq": "groups:health AND groups:environment"}, S("air-quality")),
    Case("multi_res_format_and", {"fq": "res_format:CSV AND res_format:JSON"},
         S("air-quality", "bike-share-stations")),
    # ===== Lucene syntax (q with a colon, and fq) =================================================
    Case("lucene_fielded_text", {"q": "title:bicycle"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("lucene_phrase", {"q": 'title:"bicycle lanes"'},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("lucene_phrase_not_adjacent", {"q": 'notes:"kayak bicycle"'}, S()),
    Case("lucene_phrase_adjacent", {"q": 'notes:"kayak and bicycle"'}, S("ferry-schedule")),
    Case("lucene_proximity", {"q": 'notes:"kayak bicycle"~1'}, S("ferry-schedule")),
    Case("lucene_or", {"q": "tags:kayak OR tags:ferry"}, S("ferry-schedule", "kayak-routes")),
    Case("lucene_or_symbol", {"q": "tags:kayak || tags:ferry"},
         S("ferry-schedule", "kayak-routes")),
    Case("lucene_and", {"q": "tags:transport AND tags:ferry"}, S("ferry-schedule")),
    Case("lucene_and_symbol", {"q": "tags:transport && tags:ferry"}, S("ferry-schedule")),
    Case("lucene_not", {"q": "tags:transport NOT tags:ferry"},
         S("bus-routes", "transit-ridership")),
    Case("lucene_plus_minus", {"q": "+tags:transport -tags:bus"},
         S("ferry-schedule", "transit-ridership")),
    Case("lucene_grouping", {"q": "(tags:kayak OR tags:ferry) AND organization:parcs-verts"},
         S("kayak-routes")),
    Case("lucene_and_not_group", {"q": "tags:transport AND NOT (tags:bus OR tags:ferry)"},
         S("transit-ridership")),
    Case("lucene_field_grouping", {"q": "title:(bicycle OR kayak)"},
         S("bicycle-lanes", "bicycle-lanes-2019", "kayak-routes")),
    # CKAN sends q.op=AND with the standard parser: bare clauses are all required
    Case("lucene_default_op_and", {"q": "title:bicycle title:stations"}, S()),
    Case("lucene_default_op_and_match", {"q": "title:bike title:stations"},
         S("bike-share-stations")),
    # ... and df=text for unfielded terms next to fielded ones
    Case("lucene_default_field_text", {"q": "tags:transport bicycle"}, S("ferry-schedule")),
    Case("lucene_default_field_wildcard", {"q": "bicyc* AND tags:cycling"},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    Case("lucene_match_all_minus", {"q": "*:* -tags:cycling", "rows": 50},
         ALL_PUBLIC - S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    Case("lucene_pure_negative_q", {"q": "-tags:cycling", "fq": "organization:mobilite-urbaine",
                                    "rows": 50},
         MOBILITE - S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    Case("lucene_not_first", {"q": "NOT tags:transport", "fq": "groups:mobility"},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts",
           "parking-lots", "pistes-cyclables")),
    Case("lucene_boost_keeps_matches", {"q": "title:bicycle^2 OR tags:ferry"},
         S("bicycle-lanes", "bicycle-lanes-2019", "ferry-schedule")),
    Case("lucene_string_range", {"q": "name:[a TO c}"},
         S("air-quality", "bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations",
           "bridge-inspections", "bus-routes")),
    Case("lucene_match_all", {"q": "*:*", "rows": 0}, names=None, count=len(ALL_PUBLIC)),
    Case("lucene_match_all_default", {"rows": 50}, ALL_PUBLIC),
    # CKAN turns an empty quoted q into *:*
    Case("lucene_match_all_empty_quotes", {"q": '""', "rows": 0}, [], count=len(ALL_PUBLIC)),
    # wildcards: string fields as is (case-sensitive); text fields lowercased and folded, not
    # stemmed (Solr's multiterm analysis), matched against the stemmed index terms
    Case("wildcard_string_prefix", {"q": "name:bicycle*"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("wildcard_string_single_char", {"q": "tags:cycl?ng"},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    Case("wildcard_string_case_sensitive", {"q": "tags:Cycl*"},
         S("bicycle-lanes", "bike-share-stations")),
    Case("wildcard_text_prefix", {"q": "title:bicyc*"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("wildcard_text_lowercased", {"q": "title:Bicyc*"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("wildcard_text_not_stemmed", {"q": "title:bicycles*"}, S()),
    Case("wildcard_text_single_char", {"q": "notes:cyclis?"}, S("cycling-counts")),
    Case("wildcard_text_folded", {"q": "title:écol*"}, S("school-enrolment")),
    # escaping
    Case("escape_hyphen", {"fq": r"tags:covid\-19"}, S("covid-cases")),
    Case("escape_quoted", {"fq": 'tags:"covid-19"'}, S("covid-cases")),
    Case("escape_space", {"fq": r"tags:open\ data"}, S("hospital-beds")),
    Case("escape_colon_and_space", {"fq": r"inspection_system:Legacy\ GIS\:\ v2"},
         S("restaurant-inspections")),
    Case("escape_text_term", {"q": r"title:COVID\-19"}, S("covid-cases")),
    # fq and fq_list
    Case("fq_list", {"fq_list": ["tags:transport", "-tags:bus"]},
         S("ferry-schedule", "transit-ridership")),
    Case("fq_and_fq_list", {"fq": "organization:mobilite-urbaine", "fq_list": ["tags:cycling"]},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts")),
    # package_search glues the caller's fq between "+capacity:public" and "+state:(active)":
    # a top-level OR there makes both of its clauses optional, so it filters nothing
    Case("fq_top_level_or_filters_nothing", {"fq": "tags:kayak OR tags:ferry", "rows": 50},
         ALL_PUBLIC),
    Case("fq_grouped_or", {"fq": "(tags:kayak OR tags:ferry)"},
         S("ferry-schedule", "kayak-routes")),
    Case("fq_required_group",
         {"fq": "+tags:transport +(organization:mobilite-urbaine OR organization:parcs-verts)"},
         S("bus-routes", "transit-ridership", "ferry-schedule")),
    # ===== dismax (colon-less q): qf name^4 title^4 tags^2 groups^2 text, mm 2<-1 5<80% ===========
    Case("dismax_two_words_all_required", {"q": "bicycle kayak"},
         S("ferry-schedule", "kayak-routes")),
    Case("dismax_three_words_one_optional", {"q": "bicycle kayak ferry"},
         S("ferry-schedule", "kayak-routes")),
    # six clauses: 80% of 6 rounds down to 4 (ferry-schedule has 4 of them, kayak-routes 3)
    Case("dismax_six_words_eighty_percent",
         {"q": "river kayak ferry bicycle bridge schedule"}, S("ferry-schedule")),
    # dismax parses with the classic grammar after escaping everything but + - " : upper-case
    # AND / OR / NOT stay operators; with two optional clauses mm requires both, so OR does not
    # widen the search
    Case("dismax_upper_and_is_operator", {"q": "bicycle AND kayak"},
         S("ferry-schedule", "kayak-routes")),
    Case("dismax_upper_or_with_mm", {"q": "bicycle OR kayak"},
         S("ferry-schedule", "kayak-routes")),
    Case("dismax_upper_not_is_operator", {"q": "bicycle NOT kayak"},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts")),
    # lower-case "and" is a word: three clauses, any two
    Case("dismax_lower_and_is_a_word", {"q": "bicycle and kayak"},
         S("bicycle-lanes", "ferry-schedule", "kayak-routes")),
    Case("dismax_plus_minus", {"q": "+bicycle -kayak"},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts")),
    Case("dismax_minus_only", {"q": "bicycle -ferry"}, BICYCLE - S("ferry-schedule")),
    Case("dismax_phrase", {"q": '"bicycle lanes"'}, S("bicycle-lanes", "bicycle-lanes-2019")),
    # wildcards and brackets are escaped: "lan*" is the word "lan"
    Case("dismax_wildcard_is_literal", {"q": "lan*"}, S()),
    Case("dismax_special_chars_escaped", {"q": "bicycle (lanes"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("dismax_tag_exact_or_text", {"q": "Cycling"},
         S("bicycle-lanes", "bicycle-lanes-2019", "bike-share-stations", "cycling-counts")),
    Case("dismax_mm_override_any", {"q": "lighthouse kayak zoo", "mm": "1"},
         S("lighthouse-locations", "coastal-survey", "kayak-routes", "ferry-schedule",
           "zoo-attendance")),
    Case("dismax_mm_override_all", {"q": "bicycle kayak ferry", "mm": "100%"},
         S("ferry-schedule")),
    Case("dismax_qf_override", {"q": "bicycle", "qf": "title"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    # ===== edismax via defType ====================================================================
    Case("edismax_fielded", {"q": "title:bicycle", "defType": "edismax"},
         S("bicycle-lanes", "bicycle-lanes-2019")),
    Case("edismax_and", {"q": "kayak AND bicycle", "defType": "edismax"},
         S("ferry-schedule", "kayak-routes")),
    Case("edismax_wildcard", {"q": "bicyc*", "defType": "edismax"}, BICYCLE),
    Case("edismax_minus", {"q": "bicycle -ferry", "defType": "edismax"},
         BICYCLE - S("ferry-schedule")),
    # ===== score: only clear-cut orders ===========================================================
    Case("score_title_before_notes", {"q": "lighthouse", "sort": "score desc"},
         ["lighthouse-locations", "coastal-survey"]),
    Case("score_title_tag_before_notes", {"q": "kayak", "sort": "score desc"},
         ["kayak-routes", "ferry-schedule"]),
    # *:* scores every document alike: the next sort key decides
    Case("score_match_all_ties", {"q": "*:*", "sort": "score desc, name asc", "rows": 5},
         sorted(ALL_PUBLIC)[:5], count=len(ALL_PUBLIC)),
    # ===== sorting ================================================================================
    Case("sort_title_string_code_points",
         {"fq": "name:(bicycle-lanes OR bicycle-lanes-2019 OR zoning-bylaw OR zoo-attendance "
                "OR school-enrolment)", "sort": "title_string asc"},
         ["bicycle-lanes", "bicycle-lanes-2019", "zoning-bylaw", "zoo-attendance",
          "school-enrolment"]),
    Case("sort_title_string_desc",
         {"fq": "name:(bicycle-lanes OR bicycle-lanes-2019 OR zoning-bylaw OR zoo-attendance "
                "OR school-enrolment)", "sort": "title_string desc"},
         ["school-enrolment", "zoo-attendance", "zoning-bylaw", "bicycle-lanes-2019",
          "bicycle-lanes"]),
    Case("sort_metadata_modified_desc", {"sort": "metadata_modified desc", "rows": 5},
         ["road-closures", "pistes-cyclables", "parking-lots", "snow-removal", "carol-survey"],
         count=len(ALL_PUBLIC)),
    Case("sort_metadata_modified_asc_with_text", {"q": "bicycle", "sort": "metadata_modified asc"},
         ["bicycle-lanes-2019", "bicycle-lanes", "ferry-schedule", "kayak-routes",
          "cycling-counts", "bike-share-stations"]),
    Case("sort_two_fields", {"fq": "groups:environment", "sort": "organization asc, name desc"},
         ["tree-canopy", "prairies-water", "parks-inventory", "kayak-routes", "energy-consumption",
          "air-quality"]),
    # string fields sort missing values last, in both directions
    Case("sort_missing_last_asc",
         {"fq": "name:(bicycle-lanes OR wifi-hotspots OR air-quality OR kayak-routes)",
          "sort": "organization asc"},
         ["bicycle-lanes", "kayak-routes", "air-quality", "wifi-hotspots"]),
    Case("sort_missing_last_desc",
         {"fq": "name:(bicycle-lanes OR wifi-hotspots OR air-quality OR kayak-routes)",
          "sort": "organization desc"},
         ["air-quality", "kayak-routes", "bicycle-lanes", "wifi-hotspots"]),
    Case("sort_dynamic_string_then_name", {"fq": "groups:culture",
                                           "sort": "frequency asc, name asc"},
         ["library-loans", "school-enrolment", "wifi-hotspots", "zoo-attendance"]),
    Case("sort_dynamic_date", {"fq": "release_date:[* TO *]", "sort": "release_date desc"},
         ["road-closures", "zoning-bylaw", "library-loans", "zoo-attendance"]),
    # ===== paging =================================================================================
    Case("page_first", {"sort": "name asc", "rows": 5},
         sorted(ALL_PUBLIC)[:5], count=len(ALL_PUBLIC)),
    Case("page_second", {"sort": "name asc", "rows": 5, "start": 5},
         sorted(ALL_PUBLIC)[5:10], count=len(ALL_PUBLIC)),
    Case("page_last_partial", {"sort": "name asc", "rows": 7, "start": 28},
         sorted(ALL_PUBLIC)[28:35], count=len(ALL_PUBLIC)),
    Case("page_past_end", {"sort": "name asc", "rows": 5, "start": 100}, [],
         count=len(ALL_PUBLIC)),
    Case("rows_zero_count_and_facets", {"fq": "organization:sante-publique", "rows": 0,
                                        "facet.field": ["res_format"]},
         [], count=4, facets={"res_format": [("CSV", 4), ("JSON", 1)]}),
    # ===== fl =====================================================================================
    Case("fl_two_fields", {"fq": "name:bicycle-lanes", "fl": "name title"},
         results=[{"name": "bicycle-lanes", "title": "Bicycle Lanes"}]),
    Case("fl_one_field", {"fq": "name:(bicycle-lanes OR bus-routes)", "fl": "name",
                          "sort": "name asc"},
         results=[{"name": "bicycle-lanes"}, {"name": "bus-routes"}]),
    Case("fl_date_format", {"fq": "name:bicycle-lanes", "fl": "name metadata_modified"},
         results=[{"name": "bicycle-lanes", "metadata_modified": "2021-03-04T10:00:00Z"}]),
    # views_total is indexed but not stored
    Case("fl_unstored_field", {"fq": "name:bicycle-lanes", "fl": "name views_total"},
         results=[{"name": "bicycle-lanes"}]),
    Case("fl_multivalued", {"fq": "name:bicycle-lanes", "fl": "name tags res_format"},
         results=[{"name": "bicycle-lanes", "tags": ["Cycling Infrastructure", "cycling"],
                   "res_format": ["CSV", "GeoJSON"]}]),
    # extras_* come back without their prefix (CKAN moves them), unstored fields never do
    Case("fl_star", {"fq": "name:bicycle-lanes", "fl": "*"},
         names=["bicycle-lanes"],
         keys_present=frozenset({
             "id", "name", "title", "notes", "tags", "groups", "organization", "capacity",
             "res_format", "res_name", "metadata_modified", "metadata_created", "data_dict",
             "validated_data_dict", "site_id", "index_id", "entity_type", "dataset_type",
             "state", "license_id", "vocab_themes", "frequency", "author",
         }),
         keys_absent=frozenset({
             "text", "title_string", "permission_labels", "urls", "private",
             "owner_org", "num_resources", "extras_frequency",
         })),
    # ===== facets =================================================================================
    Case("facet_several_fields",
         {"fq": "organization:sante-publique",
          "facet.field": ["groups", "tags", "license_id", "res_format"]},
         S("air-quality", "covid-cases", "hospital-beds", "restaurant-inspections"),
         facets={
             "groups": [("health", 4), ("environment", 1)],
             "tags": [("health", 3), ("air", 1), ("covid-19", 1), ("food safety", 1),
                      ("open data", 1)],
             "license_id": [("cc-zero", 4)],
             "res_format": [("CSV", 4), ("JSON", 1)],
         }),
    # ties on count are broken by value in byte (code point) order: upper case first
    Case("facet_ties_by_value", {"fq": "organization:mobilite-urbaine", "rows": 0,
                                 "facet.field": ["tags"], "facet.limit": 5},
         [], count=11,
         facets={"tags": [("cycling", 3), ("transport", 3), ("Cycling", 1),
                          ("Cycling Infrastructure", 1), ("access-test", 1)]}),
    Case("facet_limit_small", {"rows": 0, "facet.field": ["tags"], "facet.limit": 5},
         [], count=len(ALL_PUBLIC),
         facets={"tags": [("cycling", 3), ("health", 3), ("transport", 3), ("access-test", 2),
                          ("Cycling", 1)]}),
    # without a positive facet.limit, Solr's default facet.sort is "index", not "count"
    Case("facet_limit_unlimited_index_order", {"rows": 0, "facet.field": ["res_format"],
                                               "facet.limit": -1},
         [], count=len(ALL_PUBLIC),
         facets={"res_format": [("CSV", 22), ("GPX", 1), ("GeoJSON", 2), ("JSON", 2),
                                ("KML", 1), ("PDF", 1), ("SHP", 3), ("TIFF", 1), ("XLSX", 2),
                                ("ZIP", 1)]}),
    Case("facet_mincount", {"rows": 0, "facet.field": ["res_format", "organization"],
                            "facet.mincount": 3},
         [], count=len(ALL_PUBLIC),
         facets={"res_format": [("CSV", 22), ("SHP", 3)],
                 "organization": [("mobilite-urbaine", 11), ("parcs-verts", 7),
                                  ("sante-publique", 4)]}),
    Case("facet_six_fields_match_all",
         {"rows": 0, "facet.field": ["organization", "groups", "tags", "res_format",
                                     "license_id", "vocab_themes"], "facet.limit": 3},
         [], count=len(ALL_PUBLIC),
         facets={
             "organization": [("mobilite-urbaine", 11), ("parcs-verts", 7),
                              ("sante-publique", 4)],
             "groups": [("mobility", 9), ("environment", 6), ("culture", 4)],
             "tags": [("cycling", 3), ("health", 3), ("transport", 3)],
             "res_format": [("CSV", 22), ("SHP", 3), ("GeoJSON", 2)],
             "license_id": [("cc-by", 11), ("other-open", 8), ("odc-by", 7)],
             "vocab_themes": [("Biodiversity", 2), ("Urbanism", 2)],
         }),
    Case("facet_follows_query", {"q": "bicycle", "facet.field": ["organization", "groups"]},
         BICYCLE,
         facets={"organization": [("mobilite-urbaine", 5), ("parcs-verts", 1)],
                 "groups": [("mobility", 5), ("environment", 1)]}),
    Case("facet_no_match", {"q": "tags:nothing-has-this", "facet.field": ["tags"]},
         S(), facets={"tags": []}),
    # Solr: "when limit=0 and missing=false then return empty list"
    Case("facet_limit_zero", {"rows": 0, "facet.field": ["tags"], "facet.limit": 0},
         [], count=len(ALL_PUBLIC), facets={"tags": []}),
    # CKAN's search_facets: display names from the organization titles, sorted by CKAN
    Case("facet_display_names", {"rows": 0, "facet.field": ["organization"]},
         [], count=len(ALL_PUBLIC),
         search_facets={"organization": [("sante-publique", "Santé publique", 4),
                                          ("parcs-verts", "Parcs verts", 7),
                                          ("mobilite-urbaine", "Mobilité urbaine", 11)]}),
    # ===== private datasets, drafts, permission labels ============================================
    Case("access_anonymous", ACCESS_FQ, ACCESS_PUBLIC),
    Case("access_anonymous_private_drafts",
         {**ACCESS_FQ, "include_private": True, "include_drafts": True}, ACCESS_PUBLIC),
    Case("access_member_default", ACCESS_FQ, ACCESS_PUBLIC, user="alice"),
    Case("access_member_private", {**ACCESS_FQ, "include_private": True},
         ACCESS_PUBLIC | S("transit-incidents"), user="alice"),
    Case("access_member_drafts", {**ACCESS_FQ, "include_drafts": True},
         ACCESS_PUBLIC | S("pedestrian-counts"), user="alice"),
    Case("access_member_private_drafts",
         {**ACCESS_FQ, "include_private": True, "include_drafts": True},
         ACCESS_PUBLIC | S("transit-incidents", "pedestrian-counts"), user="alice"),
    Case("access_editor_private", {**ACCESS_FQ, "include_private": True},
         ACCESS_PUBLIC | S("transit-incidents"), user="edgar"),
    Case("access_admin_private_drafts",
         {**ACCESS_FQ, "include_private": True, "include_drafts": True},
         ACCESS_PUBLIC | S("transit-incidents", "pedestrian-counts"), user="adam"),
    Case("access_other_org_private",
         {**ACCESS_FQ, "include_private": True, "facet.field": ["organization"]},
         ACCESS_PUBLIC | S("clinic-wait-times"), user="bob",
         facets={"organization": [("mobilite-urbaine", 1), ("sante-publique", 1)]}),
    Case("access_other_org_private_drafts",
         {**ACCESS_FQ, "include_private": True, "include_drafts": True},
         ACCESS_PUBLIC | S("clinic-wait-times", "lab-results"), user="bob"),
    # a private draft needs include_private too
    Case("access_other_org_drafts_only", {**ACCESS_FQ, "include_drafts": True},
         ACCESS_PUBLIC, user="bob"),
    Case("access_creator_own_draft", {**ACCESS_FQ, "include_drafts": True},
         ACCESS_PUBLIC | S("carol-draft"), user="carol"),
    Case("access_creator_private", {**ACCESS_FQ, "include_private": True}, ACCESS_PUBLIC,
         user="carol"),
    Case("access_sysadmin_default", ACCESS_FQ, ACCESS_PUBLIC, user="sysadmin"),
    Case("access_sysadmin_private", {**ACCESS_FQ, "include_private": True},
         ACCESS_PUBLIC | S("transit-incidents", "clinic-wait-times"), user="sysadmin"),
    Case("access_sysadmin_everything",
         {**ACCESS_FQ, "include_private": True, "include_drafts": True},
         ACCESS_PUBLIC | S("transit-incidents", "clinic-wait-times", "pedestrian-counts",
                           "lab-results", "carol-draft"), user="sysadmin"),
    # a deleted dataset leaves the index (ckan.search.remove_deleted_packages)
    Case("access_deleted_never_found",
         {"q": "name:retired-dataset", "include_private": True, "include_drafts": True,
          "include_deleted": True}, S(), user="sysadmin"),
    # ===== errors =================================================================================
    Case("error_syntax", {"q": "title:(bicycle"}, error="SearchError"),
    Case("error_sort_direction", {"sort": "title_string sideways"}, error="SearchQueryError",
         message='Invalid "sort" parameter'),
    Case("error_sort_multivalued", {"sort": "tags asc"}, error="SearchError"),
    Case("error_local_params", {"q": "{!lucene}title:bicycle"}, error="SearchError",
         message="Local parameters are not supported"),
    Case("error_unknown_parameter", {"q": "bicycle", "facet.sort": "index"},
         error="SearchQueryError", message="Invalid search parameters"),
    Case("error_negative_rows", {"rows": -1}, error="ValidationError"),
    Case("error_facet_limit_not_a_number", {"facet.field": ["tags"], "facet.limit": "many"},
         error="ValidationError"),
    # ===== queries Solr answers and opengov_pgsearch refuses with a clear error ===================
    Case("unsupported_leading_wildcard_text", {"q": "title:*cycl"},
         S("bicycle-lanes", "bicycle-lanes-2019"), unsupported=True),
    # fuzzy and range terms on text fields go through Solr's multiterm analysis (lower case,
    # folding, no stemming) and meet the stemmed index term "bicycl"
    Case("unsupported_fuzzy_text", {"q": "title:bicycle~1"},
         S("bicycle-lanes", "bicycle-lanes-2019"), unsupported=True),
    Case("unsupported_range_on_text", {"q": "title:[bicycl TO bicycl]"},
         S("bicycle-lanes", "bicycle-lanes-2019"), unsupported=True),
    Case("unsupported_regex", {"q": "name:/bicycle-lanes.*/"},
         S("bicycle-lanes", "bicycle-lanes-2019"), unsupported=True),
    # boost functions change scores, never matches
    Case("unsupported_boost_function", {"q": "bicycle", "bf": "views_total"}, BICYCLE,
         unsupported=True),
    # n-gram terms are every 2-10 character piece of the lower-cased title
    Case("unsupported_ngram_wildcard", {"q": "title_ngram:cycl*"},
         S("bicycle-lanes", "bicycle-lanes-2019", "cycling-counts", "pistes-cyclables"),
         unsupported=True),
    Case("unsupported_sort_function", {"fq": "views_total:[* TO *]",
                                       "sort": "div(views_total,2) desc"},
         ["bike-share-stations", "ferry-schedule", "bicycle-lanes", "cycling-counts",
          "covid-cases"], unsupported=True),
    # ===== at the connection seam (what an extension calling make_connection() gets) ==============
    # package_search never sends facet.sort or q.op (CKAN refuses the first, fixes the second),
    # so these go straight to conn.search, with the filters package_search would add.
    Case("seam_facet_sort_index",
         {"q": "*:*", "fq": ["+organization:sante-publique"], "rows": 0, "facet": "true",
          "facet.field": ["tags"], "facet.sort": "index", "facet.mincount": 1},
         [], count=4,
         facets={"tags": [("air", 1), ("covid-19", 1), ("food safety", 1), ("health", 3),
                          ("open data", 1)]}, seam=True),
    Case("seam_facet_sort_count",
         {"q": "*:*", "fq": ["+organization:sante-publique"], "rows": 0, "facet": "true",
          "facet.field": ["tags"], "facet.sort": "count", "facet.mincount": 1},
         [], count=4,
         facets={"tags": [("health", 3), ("air", 1), ("covid-19", 1), ("food safety", 1),
                          ("open data", 1)]}, seam=True),
    Case("seam_q_op_or", {"q": "title:lighthouse title:kayak", "q.op": "OR", "rows": 10},
         S("lighthouse-locations", "kayak-routes"), seam=True),
    Case("seam_q_op_and", {"q": "title:lighthouse title:kayak", "q.op": "AND", "rows": 10},
         S(), seam=True),
]
