"""Browser fixtures: a real CKAN server on 127.0.0.1 and headless Chromium driving it.

``ckan_server`` starts ``ckan run`` in a subprocess, on a free port, with a config derived
from the test config (test.ini plus CKAN_* environment overrides) and its own database,
``<test database>_browser``, dropped and re-created for every server so each starts
clean. Any plugin list and extra options can be passed, and CLI commands (for example
``opengov demo load``) run against the server's config before it starts serving::

    @pytest.fixture(scope="module")
    def server(ckan_server):
        return ckan_server("opengov_pgsearch opengov_schemas scheming_datasets",
                           config={"scheming.dataset_schemas": "..."},
                           commands=[["opengov", "demo", "load"]])

``driver`` is a headless Chromium (selenium) with a fresh profile; tests are skipped
with the reason when chromium or chromedriver is missing. ``screenshot(driver, name)``
saves tests/screenshots/<name>.png (gitignored) for people to look at.
"""
from __future__ import annotations

import configparser
import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ckan.common import config as ckan_config_object
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "screenshots"
CKAN_BIN = Path(sys.executable).with_name("ckan")

CHROMIUM = os.environ.get("OPENGOV_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = (
    os.environ.get("OPENGOV_CHROMEDRIVER") or shutil.which("chromedriver")
    or "/usr/bin/chromedriver"
)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    # Bootstrap scrolls smoothly otherwise, and clicks below the fold land mid-scroll.
    "--force-prefers-reduced-motion",
    "--window-size=1280,900",
    "--lang=en-CA",
)

SERVER_START_TIMEOUT = 120.0
CLI_TIMEOUT = 600.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclasses.dataclass
class CkanServer:
    """A running ``ckan run`` subprocess and how to reach it."""

    url: str
    ini: Path
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def api(self, action: str, **params: Any) -> Any:
        """GET /api/3/action/<action> as an anonymous visitor; returns ``result``."""
        query = urllib.parse.urlencode(
            {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()}
        )
        with urllib.request.urlopen(f"{self.url}/api/3/action/{action}?{query}", timeout=30) as r:
            body = json.load(r)
        assert body["success"], body
        return body["result"]

    def ckan(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Runs ``ckan -c <server ini> <args>``; fails the test with its output on error."""
        done = subprocess.run(
            [str(CKAN_BIN), "-c", str(self.ini), *args], env=self.env, cwd=REPO,
            capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False,
        )
        if done.returncode:
            pytest.fail(
                f"`ckan {' '.join(args)}` exited {done.returncode}:\n"
                f"{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
            )
        return done

    def start(self) -> None:
        host_port = urllib.parse.urlsplit(self.url)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(CKAN_BIN), "-c", str(self.ini), "run", "-H", str(host_port.hostname),
                 "-p", str(host_port.port), "--disable-reloader", "--threaded"],
                env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"ckan run exited {self.process.returncode}:\n{_tail(self.log)}")
            try:
                self.api("status_show")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.5)
        self.stop()
        pytest.fail(
            f"ckan run did not answer within {SERVER_START_TIMEOUT:.0f}s:\n{_tail(self.log)}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def _recreate_database(base_url: str, name: str) -> str:
    """Drops and creates database ``name`` next to ``base_url``'s; returns its URL."""
    url = make_url(base_url)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(
                f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"
            ))
    except sa.exc.DBAPIError as e:
        pytest.fail(
            f"Cannot create the browser-test database {name} as {url.username}: {e.orig}\n"
            "The role needs CREATEDB (scripts/bootstrap.sh creates it so)."
        )
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _write_ini(path: Path, options: Mapping[str, str]) -> None:
    """test.ini with ``options`` set in [app:main] (logging sections kept as they are)."""
    source = Path(ckan_config_object["__file__"])
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep key case
    parser.read(source, encoding="utf-8")
    for key, value in options.items():
        parser.set("app:main", key, value)
    with path.open("w", encoding="utf-8") as f:
        parser.write(f)


@pytest.fixture(scope="session")
def ckan_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., CkanServer]]:
    """Factory: ``ckan_server(plugins, config=None, commands=())`` -> a started CkanServer.

    Each call gets a fresh database, so only one server runs at a time: stop the previous
    one (``server.stop()``) before starting the next; all are stopped at session end.
    """
    started: list[CkanServer] = []
    base_url = ckan_config_object["sqlalchemy.url"]
    db_name = f"{make_url(base_url).database}_browser"[:63]

    def start(
        plugins: str,
        config: Mapping[str, str] | None = None,
        commands: Sequence[Sequence[str]] = (),
    ) -> CkanServer:
        for earlier in started:
            earlier.stop()
        workdir = tmp_path_factory.mktemp("ckan-server")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        db_url = _recreate_database(base_url, db_name)
        options = {
            "sqlalchemy.url": db_url,
            "ckan.site_url": url,
            "ckan.plugins": plugins,
            "ckan.storage_path": str(workdir / "storage"),
            "debug": "false",
            **(config or {}),
        }
        ini = workdir / "server.ini"
        _write_ini(ini, options)
        env = dict(os.environ)
        # CKAN lets these variables override the ini: make them agree with it.
        env.update(CKAN_SQLALCHEMY_URL=db_url, CKAN_SITE_URL=url, CKAN_INI=str(ini))
        env.pop("CKAN_STORAGE_PATH", None)
        server = CkanServer(url=url, ini=ini, env=env, log=workdir / "server.log")
        started.append(server)
        server.ckan("db", "upgrade")
        for command in commands:
            server.ckan(*command)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver); skips when either is missing."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not os.access(path, os.X_OK):
            pytest.skip(
                f"{path} not found: browser tests need Chromium and its driver "
                f"(Debian: apt-get install {package}, or set OPENGOV_CHROMIUM/OPENGOV_CHROMEDRIVER)"
            )
    pytest.importorskip("selenium", reason="browser tests need selenium (dev-requirements.txt)")
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="module")
def driver(
    chromium_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, quit when the module is done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = chromium_paths
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    service = Service(executable_path=chromedriver, log_output=subprocess.DEVNULL)
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def save_screenshot(browser: Any, name: str) -> Path:
    """Full-height screenshot of the current page as tests/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = browser.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    )
    size = browser.get_window_size()
    browser.set_window_size(size["width"], min(max(int(height) + 120, 800), 4000))
    try:
        browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(size["width"], size["height"])
    return path


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(driver, name)``: saves tests/screenshots/<name>.png."""
    return save_screenshot
