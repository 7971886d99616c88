"""A steward fills the bilingual dataset form on /fr/ in headless Chromium.

The English title is left empty: the form comes back with a field error naming the
missing language (in French when the catalogue has the message), nothing is saved, an
injected script does not run; once fixed, the dataset reads correctly on / and /fr/.
Screenshots: tests/screenshots/schemas-*.png.
"""
from __future__ import annotations

import os
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

PLUGINS = "opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations"
WAIT = 30
STEWARD = ("steward", "steward-password-1234")
I18N = os.path.join(os.path.dirname(__file__), "..", "..", "ckanext", "opengov", "i18n")


def french(msgid: str) -> str:
    """The French the server will show for ``msgid`` (the msgid itself until translated)."""
    from babel.support import Translations

    return Translations.load(I18N, ["fr"], domain="ckanext-opengov").gettext(msgid)


@pytest.fixture(scope="module")
def server(chromium_paths: Any, ckan_server: Any) -> Any:
    try:
        srv = ckan_server(PLUGINS, commands=[
            ["user", "add", STEWARD[0], f"password={STEWARD[1]}", "email=steward@example.ca"],
            ["sysadmin", "add", STEWARD[0]],
        ])
    except pytest.fail.Exception as e:
        # the form needs a search engine to save into; its start-up is the engine's test
        if "db upgrade" not in str(e):
            raise
        pytest.skip(f"the CKAN server with opengov_pgsearch did not start: {str(e)[-300:]}")
    yield srv
    srv.stop()


def wait_for(driver: Any, css: str) -> Any:
    return WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def fill(driver: Any, name: str, text: str) -> None:
    element = driver.find_element(By.NAME, name)
    element.clear()
    element.send_keys(text)


def set_value(driver: Any, name: str, value: str) -> None:
    """Selects and date inputs: set through the DOM (typing dates depends on the locale)."""
    driver.execute_script(
        "document.getElementsByName(arguments[0])[0].value = arguments[1];", name, value)


def click(driver: Any, css: str) -> None:
    """Scroll to and click (a plain click can land on a sticky element over the button)."""
    element = driver.find_element(By.CSS_SELECTOR, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    driver.execute_script("arguments[0].click();", element)


def login(driver: Any, server: Any) -> None:
    driver.get(f"{server.url}/fr/user/login")
    fill(driver, "login", STEWARD[0])
    fill(driver, "password", STEWARD[1])
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit].btn-primary").click()
    wait_for(driver, "body")


def test_steward_creates_bilingual_dataset(driver: Any, server: Any, screenshot: Any) -> None:
    login(driver, server)
    driver.get(f"{server.url}/fr/dataset/new")
    wait_for(driver, "#field-title_translated-fr")
    screenshot(driver, "schemas-form-fr-empty")
    # both languages side by side, and the per-language completeness block
    assert driver.find_element(By.ID, "field-title_translated-en").get_attribute("lang") == "en"
    assert driver.find_elements(By.CSS_SELECTOR, ".opengov-completeness li[data-lang=fr]")

    fill(driver, "title_translated-fr", "Toilettes publiques")
    fill(driver, "notes_translated-en", "Public washrooms in parks.")
    fill(driver, "notes_translated-fr",
         'Toilettes dans les parcs. <img src=x onerror="window.__pwned = 1">')
    fill(driver, "keywords-en", "washrooms, parks")
    fill(driver, "keywords-fr", "toilettes, parcs")
    fill(driver, "maintainer_email", "opendata@example.ca")
    set_value(driver, "jurisdiction", "municipal")
    set_value(driver, "frequency", "P1M")
    set_value(driver, "date_published", "2024-05-01")
    set_value(driver, "license_id", "ogl-ottawa")
    set_value(driver, "restrictions", "unrestricted")
    click(driver, "input[name=subject][value=health_and_safety]")
    click(driver, "button[name=save]")

    summary = wait_for(driver, ".error-explanation")
    screenshot(driver, "schemas-form-fr-errors")
    missing_en = summary.find_element(By.CSS_SELECTOR, "li[data-field-label='title_translated-en']")
    expected = french("the English version is required")
    assert missing_en.text.startswith("Titre")  # the schema's French label
    assert expected in missing_en.text
    field_error = driver.find_element(
        By.XPATH, "//input[@id='field-title_translated-en']/following-sibling::span")
    assert expected in field_error.text
    # the script was refused and shown back as text, never run
    assert driver.execute_script("return window.__pwned === undefined")
    notes_fr = driver.find_element(By.NAME, "notes_translated-fr").get_attribute("value")
    assert "onerror" in notes_fr
    assert not server.api("package_search", q="Toilettes")["count"]  # nothing saved

    fill(driver, "title_translated-en", "Public washrooms")
    fill(driver, "notes_translated-fr", "Toilettes dans les parcs.")
    click(driver, "button[name=save]")

    wait_for(driver, "#field-name_translated-fr")  # the resource step
    click(driver, "#resource-link-button")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.ID, "field-resource-url").is_displayed())
    fill(driver, "url", "https://example.ca/washrooms.csv")
    fill(driver, "name_translated-en", "Washrooms")
    fill(driver, "name_translated-fr", "Toilettes")
    set_value(driver, "resource_type", "dataset")
    set_value(driver, "format", "CSV")
    click(driver, "input[name=language][value=fr]")
    screenshot(driver, "schemas-resource-fr")
    invalid = driver.execute_script(
        "return [...document.querySelectorAll('form :invalid')].map(e => e.name || e.id)")
    assert not invalid, invalid
    click(driver, "button[name=save][value=go-metadata]")
    WebDriverWait(driver, WAIT).until(lambda d: "/resource/new" not in d.current_url
                                      or d.find_elements(By.CSS_SELECTOR, ".error-explanation"))
    screenshot(driver, "schemas-after-publish")
    assert not driver.find_elements(By.CSS_SELECTOR, ".error-explanation")

    dataset = server.api("package_show", id="public-washrooms")
    assert dataset["title_translated"] == {"en": "Public washrooms", "fr": "Toilettes publiques"}
    assert dataset["state"] == "active"

    driver.get(f"{server.url}/dataset/public-washrooms")
    heading = wait_for(driver, "h1 [lang]")
    assert heading.get_attribute("lang") == "en" and heading.text == "Public washrooms"
    screenshot(driver, "schemas-read-en")
    driver.get(f"{server.url}/fr/dataset/public-washrooms")
    heading = wait_for(driver, "h1 [lang]")
    assert heading.get_attribute("lang") == "fr" and heading.text == "Toilettes publiques"
    assert "Toilettes dans les parcs." in driver.find_element(By.CSS_SELECTOR, ".notes").text
    screenshot(driver, "schemas-read-fr")

    driver.get(f"{server.url}/fr/dataset/")
    item = wait_for(driver, ".dataset-heading a[lang]")
    assert item.get_attribute("lang") == "fr" and item.text == "Toilettes publiques"
    facets = driver.find_element(By.TAG_NAME, "body").text
    assert "Municipal" in facets  # facet value labelled from the vocabulary
    screenshot(driver, "schemas-search-fr")
