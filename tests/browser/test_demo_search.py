"""The demo portal in headless Chromium, under / and /fr/: search (a French query included),
facets, paging, a high-value dataset with its data-standard check, and its Charter tab.

A real `ckan run` with the plugins line of `make demo` serves a fresh database loaded with
`ckan opengov demo load`; every count the page shows is checked against the same server's
package_search API.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from ckanext.opengov.demo import loader

pytestmark = pytest.mark.browser

# The plugins line of `make demo` (scripts/demo-config.sh); scheming is configured by
# opengov_schemas itself, as in the demo.
PLUGINS = ("activity opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations "
           "dcat harvest opengov_federation opengov_charter")  # scripts/demo-config.sh
CONFIG = {"ckan.harvest.mq.type": "redis", "ckan.views.default_views": ""}
WAIT = 30
# Selectors that hold on CKAN 2.11 and 2.12: 2.12 wraps the results and the facets in
# #search-results / #search-facets (htmx swap targets), 2.11 has neither.
RESULT_LINKS = ".dataset-list .dataset-heading a"
FACETS = ".filters"
PAGINATION = ".pagination"


@dataclasses.dataclass(frozen=True)
class Lang:
    code: str
    prefix: str
    ui_strings: tuple[str, ...]
    organization: str
    res_format: str


LANGS = {
    "en": Lang("en", "", ("Datasets", "datasets found", "Organizations", "Groups", "Tags",
                          "Formats", "Licenses", "Order by"),
               organization="toronto", res_format="GeoJSON"),
    "fr": Lang("fr", "/fr", ("Jeux de données", "jeux de données trouvés", "Organisations",
                             "Groupes", "Mots-clés", "Formats", "Trier par"),
               organization="montreal", res_format="CSV"),
}

# (language, query typed in the search box, dataset that must be found)
TEXT_SEARCHES = [
    ("en", "transit schedules", "to-ttc-routes-schedules"),
    ("en", "bicycles", "to-cycling-network"),
    ("fr", "permis de construction", "mtl-permis-construction"),
    ("fr", "vélo", "mtl-comptage-velos"),
    ("fr", "toilettes publiques", "mtl-toilettes-publiques"),
]


@pytest.fixture(scope="module")
def portal(chromium_paths: Any, ckan_server: Any) -> Any:
    server = ckan_server(PLUGINS, config=CONFIG, commands=[["opengov", "demo", "load"]])
    yield server
    server.stop()


def open_search(driver: Any, portal: Any, lang: Lang) -> None:
    driver.get(f"{portal.url}{lang.prefix}/dataset/")
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#dataset-search-form h1"))
    )


def follow(driver: Any, action: Any, url_part: str) -> None:
    """Runs ``action`` (a click, a submit) and waits for the new results at a URL with ``url_part``.

    CKAN 2.12 boosts these links and the search form with htmx (the results section, the
    search form included, is swapped, not the page); CKAN 2.11 loads a new page. Either way
    the old search form goes stale, so wait for that, not for a page load.
    """
    form = driver.find_element(By.ID, "dataset-search-form")
    action()
    WebDriverWait(driver, WAIT).until(
        lambda d: url_part in d.current_url and ec.staleness_of(form)(d)
    )
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#dataset-search-form h1"))
    )


def shown_count(driver: Any) -> int:
    text = driver.find_element(By.CSS_SELECTOR, "#dataset-search-form h1").text
    match = re.search(r"\d[\d\s,.\u202f\u00a0]*", text)
    return int(re.sub(r"\D", "", match.group())) if match else 0


def shown_names(driver: Any) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, RESULT_LINKS)
    return [link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for link in links]


def facet_link(driver: Any, param: str, value: str) -> Any:
    return driver.find_element(
        By.CSS_SELECTOR, f'{FACETS} a[href*="{param}={value}"]'
    )


def search(portal: Any, **params: Any) -> dict[str, Any]:
    return portal.api("package_search", **params)


@pytest.mark.parametrize("code", LANGS)
def test_listing_shows_count_and_interface_language(
    driver: Any, portal: Any, screenshot: Any, code: str,
) -> None:
    lang = LANGS[code]
    open_search(driver, portal, lang)
    screenshot(driver, f"demo-{code}-dataset-list")

    total = search(portal, rows=0)["count"]
    assert total == len(loader.read_catalogue()["datasets"])
    assert shown_count(driver) == total
    assert len(shown_names(driver)) == 20
    body = driver.find_element(By.TAG_NAME, "body").text
    for text in lang.ui_strings:
        assert text in body, f"{text!r} missing on {driver.current_url}"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(code)


@pytest.mark.parametrize(("code", "query", "expected"), TEXT_SEARCHES)
def test_text_search_finds_dataset(
    driver: Any, portal: Any, screenshot: Any, code: str, query: str, expected: str,
) -> None:
    lang = LANGS[code]
    open_search(driver, portal, lang)
    box = driver.find_element(By.ID, "field-giant-search")
    box.clear()
    box.send_keys(query)
    follow(driver, lambda: box.send_keys(Keys.ENTER), "q=")
    slug = re.sub(r"\W+", "-", query.lower()).strip("-")
    screenshot(driver, f"demo-{code}-search-{slug}")

    api = search(portal, q=query, rows=50)
    assert expected in shown_names(driver)
    assert expected in [d["name"] for d in api["results"]]
    assert shown_count(driver) == api["count"]
    assert 0 < api["count"] < search(portal, rows=0)["count"]


@pytest.mark.parametrize("code", LANGS)
def test_facets_narrow_results(driver: Any, portal: Any, screenshot: Any, code: str) -> None:
    lang = LANGS[code]
    open_search(driver, portal, lang)
    total = shown_count(driver)

    follow(driver, facet_link(driver, "organization", lang.organization).click,
           f"organization={lang.organization}")
    by_org = search(portal, fq=f'organization:"{lang.organization}"', rows=50)
    assert 0 < shown_count(driver) == by_org["count"] < total
    assert set(shown_names(driver)) == {d["name"] for d in by_org["results"]}

    follow(driver, facet_link(driver, "res_format", lang.res_format).click,
           f"res_format={lang.res_format}")
    screenshot(driver, f"demo-{code}-facets-{lang.organization}-{lang.res_format.lower()}")
    both = search(
        portal, fq=f'organization:"{lang.organization}" res_format:"{lang.res_format}"', rows=50,
    )
    assert 0 < shown_count(driver) == both["count"] < by_org["count"]
    assert set(shown_names(driver)) == {d["name"] for d in both["results"]}
    # The active filters are shown and can be removed.
    pills = driver.find_elements(By.CSS_SELECTOR, "#dataset-search-form .filtered.pill")
    assert len(pills) == 2


@pytest.mark.parametrize("code", LANGS)
def test_second_page(driver: Any, portal: Any, screenshot: Any, code: str) -> None:
    lang = LANGS[code]
    open_search(driver, portal, lang)
    first = shown_names(driver)

    link = driver.find_element(By.CSS_SELECTOR, f'{PAGINATION} a[href*="page=2"]')
    follow(driver, link.click, "page=2")
    screenshot(driver, f"demo-{code}-dataset-list-page-2")

    second = shown_names(driver)
    api = search(portal, rows=20, start=20)
    assert second == [d["name"] for d in api["results"]]
    assert len(second) == min(20, api["count"] - 20) > 0
    assert not set(first) & set(second)
    active = driver.find_element(By.CSS_SELECTOR, f"{PAGINATION} .active")
    assert active.text.strip() == "2"


# (language, HVD dataset with an uploaded file, status its check shows, words on the page)
HVD_PAGES = [
    ("en", "to-washroom-facilities", "pass", ("Public washrooms", "Data standard")),
    ("fr", "to-washroom-facilities", "pass", ("Toilettes publiques", "Norme de données")),
    ("fr", "van-public-washrooms", "fail", ("Toilettes publiques", "Norme de données")),
]


@pytest.mark.parametrize(("code", "name", "status", "words"), HVD_PAGES)
def test_hvd_dataset_and_resource_pages(
    driver: Any, portal: Any, screenshot: Any, code: str, name: str, status: str,
    words: tuple[str, ...],
) -> None:
    dataset = portal.api("package_show", id=name)
    prefix = LANGS[code].prefix
    driver.get(f"{portal.url}{prefix}/dataset/{name}")
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".resource-list"))
    )
    screenshot(driver, f"demo-{code}-dataset-{name}")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert dataset["title_translated"][code] in body
    for word in words:
        assert word in body, f"{word!r} missing on {driver.current_url}"
    items = driver.find_elements(By.CSS_SELECTOR, ".resource-list .resource-item")
    assert len(items) == len(dataset["resources"])

    upload = dataset["resources"][0]
    assert upload["url_type"] == "upload"
    driver.get(f"{portal.url}{prefix}/dataset/{name}/resource/{upload['id']}")
    section = WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.ID, "standard-check"))
    )
    screenshot(driver, f"demo-{code}-resource-{name}")
    badge = section.find_element(By.CSS_SELECTOR, ".badge")
    expected = {"pass": "bg-success", "fail": "bg-danger"}[status]
    assert expected in badge.get_attribute("class")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(code)


@pytest.mark.parametrize(("code", "name", "heading"), [
    ("en", "to-building-permits-active", "Open Data Charter"),
    ("fr", "ns-road-closures", "Charte"),
])
def test_charter_tab(
    driver: Any, portal: Any, screenshot: Any, code: str, name: str, heading: str,
) -> None:
    assessment = portal.api("opengov_charter_dataset_show", id=name)
    driver.get(f"{portal.url}{LANGS[code].prefix}/dataset/{name}/charter")
    score = WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, ".opengov-charter-score"))
    )
    screenshot(driver, f"demo-{code}-charter-{name}")
    assert score.text.strip() == f"{assessment['score']}/100"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert heading in body
    principles = driver.find_elements(By.CSS_SELECTOR, ".opengov-charter-principle")
    assert len(principles) == 6
