"""package_search, the web pages and the API through opengov_pgsearch, end to end."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "opengov_pgsearch"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _search(context: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    return helpers.call_action("package_search", context=context or {}, **kwargs)


def _names(result: dict[str, Any]) -> list[str]:
    return [d["name"] for d in result["results"]]


def test_search_facets_sorting_and_paging() -> None:
    org = factories.Organization(name="city")
    factories.Dataset(name="bikes", title="Bicycle lanes", owner_org=org["id"],
                      tags=[{"name": "transport"}], notes="Where to ride")
    factories.Dataset(name="roads", title="Road network", owner_org=org["id"],
                      tags=[{"name": "transport"}, {"name": "roads"}])
    factories.Dataset(name="trees", title="Street trees", notes="Une école, the ecole")

    result = _search(q="bicycles", **{"facet.field": ["tags", "organization"]})
    assert _names(result) == ["bikes"] and result["count"] == 1

    everything = _search(**{"facet.field": ["tags", "organization"]})
    assert everything["count"] == 3
    assert everything["facets"]["tags"] == {"transport": 2, "roads": 1}
    assert everything["facets"]["organization"] == {"city": 2}
    assert everything["search_facets"]["organization"]["items"][0]["name"] == "city"

    assert _names(_search(q="tags:roads")) == ["roads"]
    assert _names(_search(q="routes OR bicycles")) == []  # dismax: mm makes both required
    assert _names(_search(sort="title_string asc")) == ["bikes", "roads", "trees"]
    assert _names(_search(sort="title_string desc", rows=1, start=1)) == ["roads"]
    assert _search(rows=2)["count"] == 3 and len(_search(rows=2)["results"]) == 2


def test_results_are_the_validated_dataset_dicts() -> None:
    dataset = factories.Dataset(name="bikes", title="Bicycle lanes",
                                extras=[{"key": "frequency", "value": "annual"}])
    [found] = _search(q="name:bikes")["results"]
    assert found["id"] == dataset["id"]
    assert found["extras"] == [{"key": "frequency", "value": "annual"}]
    assert found["metadata_modified"] == dataset["metadata_modified"]
    fl = _search(q="name:bikes", fl=["name", "extras_frequency"])["results"]
    assert fl == [{"name": "bikes", "frequency": "annual"}]


def test_package_show_reads_the_index_cache() -> None:
    dataset = factories.Dataset(name="bikes", title="Bicycle lanes")
    shown = helpers.call_action("package_show", id="bikes")
    assert shown["title"] == dataset["title"]


def test_update_and_delete_reach_the_index() -> None:
    dataset = factories.Dataset(name="bikes", title="Bicycle lanes")
    helpers.call_action("package_patch", id=dataset["id"], title="Kayak routes")
    assert _names(_search(q="kayak")) == ["bikes"]
    assert _names(_search(q="bicycle")) == []
    helpers.call_action("package_delete", id=dataset["id"])
    assert _search()["count"] == 0


def test_private_datasets_drafts_and_permission_labels() -> None:
    editor_a, member_b, creator, outsider = (factories.User() for _ in range(4))
    sysadmin = factories.Sysadmin()
    org_a = factories.Organization(users=[{"name": editor_a["name"], "capacity": "editor"},
                                          {"name": creator["name"], "capacity": "editor"}])
    org_b = factories.Organization(users=[{"name": member_b["name"], "capacity": "member"}])
    factories.Dataset(name="public-a", owner_org=org_a["id"])
    factories.Dataset(name="private-a", owner_org=org_a["id"], private=True)
    factories.Dataset(name="private-b", owner_org=org_b["id"], private=True)
    helpers.call_action("package_create", context={"user": creator["name"]},
                        name="draft-a", owner_org=org_a["id"], state="draft")

    def visible(user: dict[str, Any] | None, **kw: Any) -> set[str]:
        context = {"user": user["name"] if user else "", "ignore_auth": False}
        return set(_names(_search(context, rows=100, **kw)))

    assert visible(None) == {"public-a"}
    assert visible(None, include_private=True) == {"public-a"}
    assert visible(outsider, include_private=True) == {"public-a"}
    assert visible(editor_a, include_private=True) == {"public-a", "private-a"}
    assert visible(member_b, include_private=True) == {"public-a", "private-b"}
    assert visible(member_b) == {"public-a"}
    assert visible(sysadmin, include_private=True) == {"public-a", "private-a", "private-b"}
    assert visible(creator, include_drafts=True) == {"public-a", "draft-a"}
    # a draft of an organization carries that organization's label, as with Solr
    assert visible(editor_a, include_drafts=True, include_private=True) == {
        "public-a", "private-a", "draft-a"}
    assert visible(outsider, include_drafts=True) == {"public-a"}
    assert visible(member_b, include_drafts=True, include_private=True) == {
        "public-a", "private-b"}
    assert visible(sysadmin, include_drafts=True) == {"public-a", "draft-a"}


def test_web_search_pages_in_english_and_french(app: Any) -> None:
    org = factories.Organization(name="city", title="City of Example")
    for i in range(23):
        factories.Dataset(name=f"bikes-{i:02d}", title=f"Bicycle lanes {i:02d}",
                          owner_org=org["id"], tags=[{"name": "transport"}])
    factories.Dataset(name="trees", title="Street trees")

    page = app.get("/dataset/", query_string={"q": "bicycles", "sort": "title_string asc"})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "23 datasets found" in body
    assert "Bicycle lanes 00" in body and "Street trees" not in body
    assert "transport" in body and "City of Example" in body  # facets
    page2 = app.get("/dataset/", query_string={"q": "bicycles", "sort": "title_string asc",
                                               "page": 2}).get_data(as_text=True)
    assert "Bicycle lanes 20" in page2 and "Bicycle lanes 00" not in page2

    french = app.get("/fr/dataset/", query_string={"q": "bicycles"})
    assert french.status_code == 200
    assert "jeux de données trouvés" in french.get_data(as_text=True)
    assert "Bicycle lanes 2" in french.get_data(as_text=True)

    org_page = app.get("/organization/city", query_string={"q": "lanes 05"})
    assert org_page.status_code == 200 and "Bicycle lanes 05" in org_page.get_data(as_text=True)
    fr_tag = app.get("/fr/dataset/", query_string={"tags": "transport"})
    assert "Bicycle lanes" in fr_tag.get_data(as_text=True)


def test_unsupported_query_is_409_with_a_message(app: Any) -> None:
    factories.Dataset(name="bikes", title="Bicycle lanes")
    response = app.get("/api/3/action/package_search", query_string={"q": "title:*cycle"})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["__type"] == "Search Error"
    assert "Leading wildcards" in error["message"] and "not supported" in error["message"]

    syntax = app.get("/api/3/action/package_search", query_string={"q": "title:(bicycle"})
    assert syntax.status_code == 409

    page = app.get("/dataset/", query_string={"q": "title:*cycle"})
    assert page.status_code == 200
    assert 'id="search-error"' in page.get_data(as_text=True)


def test_relevance_phrases_dates_and_french() -> None:
    factories.Dataset(name="in-title", title="Bicycle counts",
                      notes="Counts at intersections")
    factories.Dataset(name="in-notes", title="Traffic counts",
                      notes="Cars, trucks and the odd bicycle")
    factories.Dataset(name="ecoles", title="Schools",
                      extras=[{"key": "title_fr", "value": "L'école des données"}])

    ranked = _search(q="bicycle")
    assert _names(ranked) == ["in-title", "in-notes"]  # a title match ranks first
    assert _names(_search(q='"odd bicycle"')) == ["in-notes"]
    assert _names(_search(q='"bicycle odd"')) == []
    assert _names(_search(q="text:counts", sort="name asc")) == ["in-notes", "in-title"]
    assert _names(_search(fq="metadata_modified:[NOW-1DAY TO NOW+1DAY]", rows=10,
                          sort="name asc")) == ["ecoles", "in-notes", "in-title"]
    assert _search(fq="metadata_modified:[* TO NOW-1YEAR]")["count"] == 0
    # French analysis (elision, stemming, folding) on the *_fr fields
    for q in ("text_fr:ecoles", "title_fr:école", "text_fr:données"):
        assert _names(_search(q=q)) == ["ecoles"], q
    french = _search(q="ecole", defType="edismax", qf="text_fr title^4", mm="1")
    assert _names(french) == ["ecoles"]
