"""Charter scores in the search document, and facet labels on the way back.

``before_index`` assesses the validated dataset (the one ``package_show`` returns) and adds:

=========================  =======================  ==========================================
field                      type (Solr schema)       value
=========================  =======================  ==========================================
``charter_score``          int                      total score 0-100 (absent: nothing assessed)
``charter_band``           string                   band id (excellent, good, sufficient, bad)
``charter_failing``        string, multivalued      ids of indicators with points to gain
``charter_p_<principle>``  int (dynamic field)      score 0-100 per principle
``charter_coverage``       int                      % of the weight that could be assessed
``charter_version``        string                   methodology version
``mqa_score``              int                      MQA v1 equivalent, 0-405
``mqa_band``               string                   MQA band id
``charter_facets``         string, multivalued      all of the above as ``key:value`` tokens
=========================  =======================  ==========================================

``charter_facets`` lets a summary count everything with a single facet field (``score:64``,
``band:good``, ``failing:open_licence``, ``open_by_default:100``, ``mqa:245``,
``mqa_band:good``): search engines pay per facet field, far less per value. Each token is
repeated scoped to the dataset's organization (``o:<owner_org>:score:64``), so one match-all
facet query gives every jurisdiction's figures too.

Jurisdiction and site aggregates are facets and counts over these fields (DESIGN decision 3).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from ckanext.opengov.charter.engine import Context, assess, make_context
from ckanext.opengov.charter.methodology import Methodology

log = logging.getLogger(__name__)

FACET_FIELDS = ("charter_band", "mqa_band", "charter_failing")
PRINCIPLE_PREFIX = "charter_p_"
FACETS_FIELD = "charter_facets"
# prefix of the jurisdiction-scoped tokens: ``o:<owner_org id>:score:64``
ORG_TOKEN = "o:"


def validated_dataset(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """The dataset as package_show gives it, from the index document CKAN is building."""
    for key in ("validated_data_dict", "data_dict"):
        raw = pkg_dict.get(key)
        if isinstance(raw, str):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    return pkg_dict


def index_fields(dataset: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """The search-document fields of one dataset's assessment."""
    result = assess(dataset, ctx)
    fields: dict[str, Any] = {
        "charter_failing": result.failing,
        "charter_coverage": round(result.coverage * 100),
        "charter_version": result.methodology_version,
        "mqa_score": result.mqa_score,
    }
    if result.score is not None:
        fields["charter_score"] = result.score
    if result.band is not None:
        fields["charter_band"] = result.band.id
    if result.mqa_band is not None:
        fields["mqa_band"] = result.mqa_band.id
    tokens = [f"failing:{i}" for i in result.failing] + [f"mqa:{result.mqa_score}"]
    if result.score is not None:
        tokens.append(f"score:{result.score}")
    if result.band is not None:
        tokens.append(f"band:{result.band.id}")
    if result.mqa_band is not None:
        tokens.append(f"mqa_band:{result.mqa_band.id}")
    for principle in result.principles.values():
        if principle.score is not None:
            fields[PRINCIPLE_PREFIX + principle.id] = principle.score
            tokens.append(f"{principle.id}:{principle.score}")
    org = dataset.get("owner_org")
    if isinstance(org, str) and org and ":" not in org:
        # the same tokens scoped to the jurisdiction: the site dashboard and the jurisdiction
        # pages then read every jurisdiction from one match-all facet query, which the search
        # engine answers from its counts instead of reading each jurisdiction's documents
        tokens += [f"{ORG_TOKEN}{org}:{token}" for token in tokens]
    fields[FACETS_FIELD] = tokens
    return fields


def before_index(pkg_dict: dict[str, Any], methodology: Methodology,
                 context_factory: Callable[..., Context] = make_context) -> dict[str, Any]:
    """Add the assessment to an index document; indexing goes on whatever happens here."""
    try:
        pkg_dict.update(index_fields(validated_dataset(pkg_dict), context_factory(methodology)))
    except Exception:  # a scoring bug must never stop a dataset from being indexed
        log.exception("charter assessment failed for dataset %s", pkg_dict.get("id"))
    return pkg_dict


def label_facets(search_results: dict[str, Any], methodology: Methodology,
                 lang: str) -> dict[str, Any]:
    """Show band and indicator names, in the reader's language, instead of their ids."""
    facets = search_results.get("search_facets")
    if not isinstance(facets, dict):
        return search_results
    labels: dict[str, dict[str, dict[str, str]]] = {
        "charter_band": {b.id: b.label for b in methodology.bands},
        "mqa_band": {b.id: b.label for b in methodology.mqa_bands},
        "charter_failing": {i.id: i.name for i in methodology.indicators},
    }
    for field, names in labels.items():
        facet = facets.get(field)
        if not isinstance(facet, dict):
            continue
        for item in facet.get("items") or []:
            label = names.get(item.get("name"))
            if label:
                item["display_name"] = label.get(lang) or label.get("en") or item["name"]
    return search_results
