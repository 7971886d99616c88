"""The Charter dashboard and a jurisdiction's Charter page in headless Chromium, in English
and French, on the demo catalogue with two recorded snapshots (so the trend lines show)."""
from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

# the demo catalogue uses the whole suite (HVD dataset types, jurisdiction schema)
PLUGINS = ("activity opengov_pgsearch opengov_schemas scheming_datasets scheming_organizations "
           "dcat harvest opengov_federation opengov_charter")


@pytest.fixture(scope="module")
def portal(chromium_paths: Any, ckan_server: Any) -> Any:
    server = ckan_server(PLUGINS, commands=[
        ["opengov", "demo", "load"],
        ["opengov", "charter", "snapshot", "--date", "2026-10-01"],
        ["opengov", "charter", "snapshot"],
    ])
    yield server
    server.stop()


@pytest.mark.parametrize(("prefix", "heading", "principle"), [
    ("", "Open Data Charter dashboard", "Open by Default"),
    ("/fr", "Open Data Charter", "Ouvertes par défaut"),
])
def test_dashboard(portal: Any, driver: Any, screenshot: Any, prefix: str, heading: str,
                   principle: str) -> None:
    summary = portal.api("opengov_charter_site_summary_show")
    driver.get(f"{portal.url}{prefix}/charter")
    assert heading in driver.find_element(By.TAG_NAME, "h1").text or \
        "Charte" in driver.find_element(By.TAG_NAME, "h1").text
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.opengov-chart")
    assert len(charts) >= 6
    for chart in charts:
        assert chart.size["width"] > 100 and chart.size["height"] > 50
        assert chart.find_element(By.TAG_NAME, "title").get_attribute("textContent")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.opengov-chart polyline")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert principle in body
    assert str(summary["site"]["datasets"]) in body
    assert driver.find_element(By.CSS_SELECTOR, "html").get_attribute("lang").startswith(
        prefix.strip("/") or "en")
    screenshot(driver, f"charter-dashboard{prefix.replace('/', '-') or '-en'}")

    link = driver.find_element(By.CSS_SELECTOR, "#charter-site-jurisdictions a")
    link.click()
    assert "/charter" in driver.current_url and "/organization/" in driver.current_url
    assert driver.find_elements(By.CSS_SELECTOR, "svg.opengov-chart")
    screenshot(driver, f"charter-jurisdiction{prefix.replace('/', '-') or '-en'}")
