"""Structural checks of the docker/ deployment (no Docker engine runs where these tests run).

The compose file, the CKAN config it mounts, the Dockerfile and the secrets policy are read and
checked against each other; the parts of docker/ that are programs (the Solr schema merge, the
scheduler, the health checks) are run on temporary files. No database is needed.
"""

from __future__ import annotations

import configparser
import datetime as dt
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
COMPOSE_FILE = DOCKER / "docker-compose.yml"
DOCKERFILE = DOCKER / "Dockerfile"
SCHEMA_ADDITIONS = ROOT / "ckanext" / "opengov" / "pgsearch" / "solr" / "schema-opengov.xml"
MERGE_SCRIPT = DOCKER / "solr" / "opengov-schema.sh"

REQUIRED_PLUGINS = (
    "activity",
    "scheming_datasets",
    "scheming_organizations",
    "dcat",
    "harvest",
    "opengov_schemas",
    "opengov_charter",
    "opengov_federation",
)
REQUIRED_SERVICES = {
    "ckan",
    "solr",
    "db",
    "redis",
    "harvester_gather",
    "harvester_fetch",
    "scheduler",
    "worker",
}
# Services that run the image built from docker/Dockerfile.
CKAN_SERVICES = ("ckan", "migrate", "worker", "harvester_gather", "harvester_fetch", "scheduler")
BACKENDS = ("db", "redis", "solr")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY$")
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}")


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def mounts(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(type, source, target) of every mount, short and long syntax alike."""
    result = []
    for entry in service.get("volumes", []):
        if isinstance(entry, str):
            source, target = entry.split(":")[:2]
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            result.append((kind, source, target))
        else:
            result.append((entry["type"], entry.get("source", ""), entry["target"]))
    return result


def host_path(source: str) -> Path:
    """A bind mount's source, relative to the compose file's folder as compose resolves it."""
    return (DOCKER / source).resolve()


def ckan_ini_parser() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DOCKER / "ckan.ini", encoding="utf-8")
    return parser


def env_example() -> dict[str, str]:
    values = {}
    for line in (DOCKER / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f".env.example: {line!r} is not KEY=VALUE"
            values[key.strip()] = value.strip()
    return values


def load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    # Registered before running: dataclasses look their module up in sys.modules.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scheduler() -> ModuleType:
    return load_module("opengov_docker_scheduler", DOCKER / "scheduler.py")


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    return load_module("opengov_docker_healthcheck", DOCKER / "healthcheck.py")


# --- compose file: services, images, health, volumes, ordering ------------------------------


def test_required_services_exist(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= REQUIRED_SERVICES, REQUIRED_SERVICES - set(services)


def test_every_service_has_an_image_or_a_build(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert service.get("image") or service.get("build"), name
    for name in CKAN_SERVICES:
        build = services[name]["build"]
        context = (DOCKER / build["context"]).resolve()
        assert context == ROOT, f"{name}: the build context must be the repository root"
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE, name
    assert services["solr"]["image"].startswith("ckan/ckan-solr:2.12-solr9")
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_long_running_services_have_health_checks(services: dict[str, dict[str, Any]]) -> None:
    long_running = [n for n, s in services.items() if s.get("restart", "no") != "no"]
    assert {"db", "redis", "solr", "ckan"} <= set(long_running)
    for name in long_running:
        check = services[name].get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no health check"
        test = check["test"]
        assert isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
    # One-shot services are exactly the migration step.
    assert [n for n in services if n not in long_running] == ["migrate"]
    assert services["migrate"]["command"] == ["ckan", "db", "upgrade"]


def test_ckan_health_check_calls_the_api(services: dict[str, dict[str, Any]]) -> None:
    test = services["ckan"]["healthcheck"]["test"]
    assert test[1:4] == ["python", "/srv/app/healthcheck.py", "http"]
    assert urlsplit(test[4]).path == "/api/action/status_show"
    assert "pg_isready" in services["db"]["healthcheck"]["test"]
    assert "/solr/ckan/" in " ".join(services["solr"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])


def test_named_volumes_are_declared_and_used(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose.get("volumes") or {})
    used = {
        source
        for service in services.values()
        for kind, source, _ in mounts(service)
        if kind == "volume"
    }
    assert used <= declared, f"used but not declared: {used - declared}"
    assert declared <= used, f"declared but never used: {declared - used}"

    def volume_at(service: str, target: str) -> str | None:
        found = [s for k, s, t in mounts(services[service]) if k == "volume" and t == target]
        return found[0] if found else None

    # Data that must outlive containers sits on named volumes, each at the path its image uses.
    assert volume_at("db", "/var/lib/postgresql/data")
    assert volume_at("solr", "/var/solr")
    assert volume_at("redis", "/data")
    storage = volume_at("ckan", "/var/lib/ckan")
    assert storage
    for name in CKAN_SERVICES:
        assert volume_at(name, "/var/lib/ckan") == storage, f"{name} must share CKAN's storage"


def test_bind_mounts_point_at_files_of_the_repository(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        for kind, source, target in mounts(service):
            if kind != "bind":
                continue
            path = host_path(source)
            assert ROOT in path.parents, f"{name}: {source} is outside the repository"
            if path == SCHEMA_ADDITIONS:
                # Written by opengov_pgsearch; test_real_schema_additions_merge checks it.
                assert target == "/opt/opengov/schema-opengov.xml"
                continue
            assert path.is_file(), f"{name}: bind source {source} does not exist"


def test_ckan_waits_for_healthy_backends(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for target in service.get("depends_on", {}):
            assert target in services, f"{name} depends on unknown service {target}"
    for name in CKAN_SERVICES:
        depends_on = services[name]["depends_on"]
        for backend in BACKENDS:
            assert depends_on[backend]["condition"] == "service_healthy", (name, backend)
        if name != "migrate":
            assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
    assert services["proxy"]["depends_on"]["ckan"]["condition"] == "service_healthy"


def test_fetch_consumer_can_be_scaled(services: dict[str, dict[str, Any]]) -> None:
    fetch = services["harvester_fetch"]
    assert fetch["command"] == ["ckan", "harvester", "fetch-consumer"]
    assert services["harvester_gather"]["command"] == ["ckan", "harvester", "gather-consumer"]
    # `--scale` needs replicas that do not collide: no fixed name, no fixed host port.
    for name in (*CKAN_SERVICES, "solr", "db", "redis"):
        assert "container_name" not in services[name], name
        assert not services[name].get("ports"), f"{name} must not publish a host port"
    published = [n for n, s in services.items() if s.get("ports")]
    assert published == ["proxy"]


def test_harvest_consumers_survive_an_idle_queue(services: dict[str, dict[str, Any]]) -> None:
    """ckanext-harvest's BLPOP has no timeout; redis-py 8 sockets time out after 5 s by default.

    Without a long socket timeout on their Redis URL the consumers crash whenever the queue stays
    empty for 5 s (ckan/ckanext-harvest#581); the web app and the job worker keep the default.
    """
    from urllib.parse import parse_qs

    for name in ("harvester_gather", "harvester_fetch"):
        url = urlsplit(INTERPOLATION.sub("pw", services[name]["environment"]["CKAN_REDIS_URL"]))
        assert (url.hostname, url.port) == ("redis", 6379)
        assert float(parse_qs(url.query)["socket_timeout"][0]) >= 86400, name
    for name in ("ckan", "worker", "scheduler", "migrate"):
        assert "socket_timeout" not in services[name]["environment"]["CKAN_REDIS_URL"], name


def test_worker_and_scheduler_commands(services: dict[str, dict[str, Any]]) -> None:
    assert services["worker"]["command"][:3] == ["ckan", "jobs", "worker"]
    assert services["ckan"]["command"][0] == "gunicorn"
    assert "wsgi:application" in services["ckan"]["command"]
    command = services["scheduler"]["command"]
    assert command[:2] == ["python", "/srv/app/scheduler.py"]
    crontabs = [s for k, s, t in mounts(services["scheduler"]) if t == command[2]]
    assert [host_path(s) for s in crontabs] == [DOCKER / "crontab"]


# --- the CKAN config the containers mount ---------------------------------------------------


def mounted_ckan_ini(service: dict[str, Any]) -> Path:
    config_path = service["environment"]["CKAN_INI"]
    sources = [s for k, s, t in mounts(service) if k == "bind" and t == config_path]
    assert len(sources) == 1, f"{config_path} is not mounted"
    return host_path(sources[0])


def test_every_ckan_container_mounts_the_repository_ckan_ini(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in CKAN_SERVICES:
        assert mounted_ckan_ini(services[name]) == DOCKER / "ckan.ini", name
    assert (DOCKER / "ckan.ini").is_file()


def test_ckan_ini_plugins_and_solr(services: dict[str, dict[str, Any]]) -> None:
    main = ckan_ini_parser()["app:main"]
    plugins = main["ckan.plugins"].split()
    for plugin in REQUIRED_PLUGINS:
        assert plugin in plugins, f"{plugin} missing from ckan.plugins"
    # The suite's templates and scheming defaults need opengov_schemas before scheming.
    assert plugins.index("opengov_schemas") < plugins.index("scheming_datasets")
    # This deployment searches with Solr; the comment above the line shows the pgsearch swap.
    assert "opengov_pgsearch" not in plugins
    assert "opengov_pgsearch" in (DOCKER / "ckan.ini").read_text(encoding="utf-8")

    solr = urlsplit(main["solr_url"])
    assert solr.hostname in services and solr.hostname == "solr"
    assert solr.port == 8983
    assert solr.path == "/solr/ckan"
    assert main["ckan.harvest.mq.type"] == "redis"
    assert main["ckan.storage_path"] == "/var/lib/ckan"


def test_ckan_ini_loads_with_ckans_config_loader(
    services: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ckan.cli import CKANConfigLoader

    environment = services["ckan"]["environment"]
    text = (DOCKER / "ckan.ini").read_text(encoding="utf-8")
    # Every value the file interpolates is given to the containers.
    for name in set(re.findall(r"%\((CKAN_[A-Z0-9_]+)\)s", text)):
        assert name in environment, f"ckan.ini uses %({name})s but compose does not set {name}"
    values = {
        "CKAN_SITE_URL": "https://data.example.org",
        "CKAN_SITE_ID": "default",
        "CKAN_SECRET_KEY": "0123abcd" * 8,
        "CKAN_SQLALCHEMY_URL": "postgresql://ckan:secret@db:5432/ckan",
        "CKAN_REDIS_URL": "redis://:secret@redis:6379/0",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    config = CKANConfigLoader(str(DOCKER / "ckan.ini")).get_config()
    assert config["SECRET_KEY"] == values["CKAN_SECRET_KEY"]
    assert config["sqlalchemy.url"] == values["CKAN_SQLALCHEMY_URL"]
    assert config["ckan.redis.url"] == values["CKAN_REDIS_URL"]
    assert config["ckan.site_url"] == values["CKAN_SITE_URL"]
    assert config["ckan.plugins"].split() == ckan_ini_parser()["app:main"]["ckan.plugins"].split()


# --- the image ------------------------------------------------------------------------------


def test_dockerfile_installs_ckan_the_requirements_and_the_repository() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_VERSION=3\.11$", text, re.M)
    assert "FROM python:${PYTHON_VERSION}-slim" in text
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    make_version = re.search(r"^CKAN_VERSION \?= (\S+)$", makefile, re.M)
    assert make_version, "Makefile pins no CKAN_VERSION"
    assert f"ARG CKAN_VERSION={make_version.group(1)}" in text
    assert '"ckan[requirements]==${CKAN_VERSION}"' in text
    assert "COPY requirements.txt /src/requirements.txt" in text
    assert "-r /src/requirements.txt" in text
    # The repository itself, as a regular install, after its source was copied in.
    assert "COPY . /src" in text
    assert re.search(r"pip install --no-deps [^\n]*/src\b", text)
    assert 'CMD ["gunicorn", "--config", "/srv/app/gunicorn.conf.py", "wsgi:application"]' in text


def test_files_the_image_copies_exist_and_are_in_the_build_context() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    copied = [
        source
        for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M)
        for source in line.split()[:-1]
        if source.startswith("docker/")
    ]
    for name in ("ckan.ini", "crontab", "wsgi.py", "gunicorn.conf.py", "healthcheck.py"):
        assert f"docker/{name}" in copied, f"the image does not get docker/{name}"
    patterns = [
        line.strip()
        for line in (DOCKER / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # An allowlist: everything is excluded, then what the build needs is let back in.
    assert patterns[0] == "*"
    allowed = {p[1:] for p in patterns if p.startswith("!")}
    for source in copied:
        assert (ROOT / source).is_file(), source
        assert source in allowed, f"{source} is copied but excluded from the build context"
    for needed in ("ckanext", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"):
        assert needed in allowed, needed
    assert not any(p in ("docker", "docker/*", "docker/.env", ".env", ".venv") for p in allowed)


# --- secrets ------------------------------------------------------------------------------


def test_only_the_example_env_file_is_committed_and_it_holds_no_secret(
    compose: dict[str, Any],
) -> None:
    example = env_example()
    for key, value in example.items():
        if SECRET_NAME.search(key):
            assert value == "", f".env.example must leave {key} empty"
    ignored = (DOCKER / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored
    # Every variable compose reads from docker/.env is documented in the example.
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    used = {m.group(1) for m in INTERPOLATION.finditer(text)}
    assert used <= set(example), f"not in .env.example: {used - set(example)}"
    # Required secrets stop compose when empty (":?"), never fall back to a default.
    for match in INTERPOLATION.finditer(text):
        name, operator = match.group(1), match.group(2)
        if name in ("CKAN_SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_PASSWORD"):
            assert operator == ":?", f"{name} must be required with :?"


def test_no_secret_value_is_written_in_compose_or_ckan_ini(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        environment = service.get("environment") or {}
        assert isinstance(environment, dict), f"{name}: use the mapping form of environment"
        for key, value in environment.items():
            if SECRET_NAME.search(key) or key.endswith("_URL"):
                literal = INTERPOLATION.sub("", str(value))
                assert not re.search(r"://[^/@]*:[^/@]+@", literal), f"{name}: {key} has a password"
                if SECRET_NAME.search(key):
                    assert INTERPOLATION.search(str(value)), f"{name}: {key} is not from .env"
    main = ckan_ini_parser()["app:main"]
    assert main["SECRET_KEY"] == "%(CKAN_SECRET_KEY)s"
    assert main["sqlalchemy.url"] == "%(CKAN_SQLALCHEMY_URL)s"
    assert main["ckan.redis.url"] == "%(CKAN_REDIS_URL)s"
    for key, value in main.items():
        if "secret" in key.lower() or "password" in key.lower():
            assert value.startswith(("%(", "file:")), f"ckan.ini writes {key} in clear"


# --- the scheduler ------------------------------------------------------------------------


def runs_per_day(entry: Any, day: dt.datetime) -> int:
    minutes = (day + dt.timedelta(minutes=m) for m in range(24 * 60))
    return sum(1 for minute in minutes if entry.due(minute))


def test_crontab_schedules_the_periodic_jobs(scheduler: ModuleType) -> None:
    entries = scheduler.parse_crontab((DOCKER / "crontab").read_text(encoding="utf-8"))
    by_command = {" ".join(e.command): e for e in entries}
    day = dt.datetime(2026, 3, 4, tzinfo=dt.timezone.utc)
    # ckanext-harvest's README asks for `harvester run` at least every 15 minutes.
    assert runs_per_day(by_command["ckan harvester run"], day) >= 96
    assert runs_per_day(by_command["ckan opengov charter snapshot"], day) == 1
    assert runs_per_day(by_command["ckan harvester clean-harvest-log"], day) == 1
    assert runs_per_day(by_command["ckan opengov charter recheck-links"], day) >= 1


def test_crontab_fields(scheduler: ModuleType) -> None:
    parse = scheduler.parse_field
    assert parse("*/15", 0, 59) == {0, 15, 30, 45}
    assert parse("1-5,30", 0, 59) == {1, 2, 3, 4, 5, 30}
    assert parse("10-20/5", 0, 59) == {10, 15, 20}
    assert parse("50/5", 0, 59) == {50, 55}
    assert parse("7", 0, 7) == {7}
    for bad in ("60", "*/0", "a", "5-1", ""):
        with pytest.raises(scheduler.CrontabError):
            parse(bad, 0, 59)
    with pytest.raises(scheduler.CrontabError, match="line 2"):
        scheduler.parse_crontab("# comment\n*/5 * * * \n")
    with pytest.raises(scheduler.CrontabError, match="hour"):
        scheduler.parse_crontab("0 24 * * * ckan harvester run")


def test_crontab_day_matching(scheduler: ModuleType) -> None:
    (sunday,) = scheduler.parse_crontab("0 6 * * 7 true")
    assert sunday.due(dt.datetime(2026, 3, 8, 6, 0))  # a Sunday
    assert not sunday.due(dt.datetime(2026, 3, 9, 6, 0))
    # Both day fields restricted: either one matching is enough, as in cron.
    (either,) = scheduler.parse_crontab("0 0 1 * 1 true")
    assert either.due(dt.datetime(2026, 3, 1))  # the 1st, a Sunday
    assert either.due(dt.datetime(2026, 3, 2))  # a Monday
    assert not either.due(dt.datetime(2026, 3, 3))
    (quoted,) = scheduler.parse_crontab("*/5 * * * * ckan search-index rebuild 'a b'")
    assert quoted.command == ("ckan", "search-index", "rebuild", "a b")


def test_scheduler_runs_due_commands_without_overlap(scheduler: ModuleType, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write = f"open({str(marker)!r}, 'a').write('x')"
    crontab = (
        f'*/5 * * * * {sys.executable} -c "{write}"\n'
        f"0 3 * * * {sys.executable} -c 'import time; time.sleep(30)'\n"
    )
    runner = scheduler.Scheduler(scheduler.parse_crontab(crontab), tmp_path / "beat")
    try:
        runner.start_due(dt.datetime(2026, 3, 4, 1, 7))  # neither is due
        assert not runner.running
        runner.start_due(dt.datetime(2026, 3, 4, 3, 0))  # both are due
        assert len(runner.running) == 2
        runner.start_due(dt.datetime(2026, 3, 4, 3, 0))  # the sleeper is still running: skipped
        assert len(runner.running) == 2
        deadline = time.monotonic() + 20
        while 1 in runner.running and time.monotonic() < deadline:
            runner.reap()
            time.sleep(0.05)
        assert marker.read_text() == "x"
        assert list(runner.running) == [2]
        runner.beat()
        assert (tmp_path / "beat").exists()
    finally:
        runner.terminate_children()
    assert not runner.running


# --- the Solr schema merge ----------------------------------------------------------------


def ckan_solr_schema() -> Path:
    import ckan

    return Path(ckan.__file__).parent / "config" / "solr" / "schema.xml"


@pytest.fixture
def solr_tree(tmp_path: Path) -> dict[str, Path]:
    """The layout of the ckan/ckan-solr image: CKAN's configset, plus Solr's own default schema."""
    if not shutil.which("bash") or not shutil.which("sed"):
        pytest.skip("bash and sed are needed to run docker/solr/opengov-schema.sh")
    base = tmp_path / "configsets" / "ckan"
    (base / "conf").mkdir(parents=True)
    shutil.copy(ckan_solr_schema(), base / "conf" / "managed-schema")
    (base / "conf" / "managed-schema.xml").write_text('<schema name="default-config"/>\n')
    (base / "conf" / "solrconfig.xml").write_text("<config/>\n")
    return {
        "base": base,
        "merged": tmp_path / "var" / "configsets" / "ckan-opengov",
        "core": tmp_path / "var" / "data" / "ckan",
        "additions": tmp_path / "schema-opengov.xml",
    }


def run_merge(tree: dict[str, Path], sourced: bool = False) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPENGOV_SOLR_BASE_CONFIGSET": str(tree["base"]),
        "OPENGOV_SOLR_CONFIGSET": str(tree["merged"]),
        "OPENGOV_SOLR_CORE_DIR": str(tree["core"]),
        "OPENGOV_SOLR_ADDITIONS": str(tree["additions"]),
    }
    # The Solr image sources initdb scripts from a `set -e` shell; do the same.
    script = f'set -e; . "{MERGE_SCRIPT}"; echo still-running' if sourced else None
    command = ["bash", "-c", script] if script else ["bash", str(MERGE_SCRIPT)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


# Where Solr's IndexSchema looks for each kind of definition, relative to the <schema> root.
SOLR_PATHS = {
    "fieldType": ("fieldType", "types/fieldType"),
    "field": ("field", "fields/field"),
    "dynamicField": ("dynamicField", "fields/dynamicField"),
    "copyField": ("copyField",),
}


def solr_sees(schema: ElementTree.Element, tag: str) -> list[ElementTree.Element]:
    return [e for path in SOLR_PATHS[tag] for e in schema.findall(path)]


def top_level(schema: ElementTree.Element, tag: str) -> dict[str, ElementTree.Element]:
    return {e.get("name", ""): e for e in solr_sees(schema, tag)}


def definitions(schema: ElementTree.Element, tag: str) -> list[tuple[str, ...]]:
    if tag == "copyField":
        return [(e.get("source", ""), e.get("dest", "")) for e in solr_sees(schema, tag)]
    return [(e.get("name", ""),) for e in solr_sees(schema, tag)]


def test_schema_merge_adds_the_suite_fields_to_ckans_schema(solr_tree: dict[str, Path]) -> None:
    from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS

    solr_tree["additions"].write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<!-- additions of a test -->\n"
        '<schema name="opengov-additions"\n        version="1.6">\n'
        '  <fieldType name="text_fr_test" class="solr.TextField">\n'
        '    <analyzer><tokenizer class="solr.StandardTokenizerFactory"/></analyzer>\n'
        "  </fieldType>\n"
        '  <field name="title_fr_test" type="text_fr_test" indexed="true" stored="false"/>\n'
        '  <copyField source="title" dest="title_fr_test"/>\n'
        "</schema>\n"
    )
    result = run_merge(solr_tree, sourced=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("still-running")  # sourcing did not end the shell

    merged_file = solr_tree["merged"] / "conf" / "managed-schema"
    merged = ElementTree.parse(merged_file).getroot()
    # CKAN's schema version check reads the root name: it must still be CKAN's.
    assert merged.get("name", "").startswith("ckan-")
    assert merged.get("name", "").split("-")[1] in SUPPORTED_SCHEMA_VERSIONS
    assert "title_fr_test" in top_level(merged, "field")
    assert "text_fr_test" in top_level(merged, "fieldType")
    assert any(c.get("dest") == "title_fr_test" for c in merged.findall("copyField"))
    assert merged.findtext("uniqueKey") == "index_id"
    assert len(merged.findall(".//schema")) == 0
    # Solr's own default schema is left alone, and so is everything else of the configset.
    assert (
        (solr_tree["merged"] / "conf" / "managed-schema.xml")
        .read_text()
        .startswith('<schema name="default-config"')
    )
    assert (solr_tree["merged"] / "conf" / "solrconfig.xml").is_file()
    assert not (solr_tree["core"]).exists()  # creating the core is solr-precreate's job


def test_schema_merge_refreshes_an_existing_core_once(solr_tree: dict[str, Path]) -> None:
    solr_tree["additions"].write_text(
        '<field name="notes_en_test" type="text" indexed="true" stored="false"/>\n'
    )
    core_conf = solr_tree["core"] / "conf"
    core_conf.mkdir(parents=True)
    (core_conf / "managed-schema").write_text('<schema name="ckan-2.10"/>\n')  # an older one
    for _ in range(2):
        result = run_merge(solr_tree)
        assert result.returncode == 0, result.stderr
    text = (core_conf / "managed-schema").read_text()
    assert text == (solr_tree["merged"] / "conf" / "managed-schema").read_text()
    assert text.count('name="notes_en_test"') == 1
    assert text.count("BEGIN ckanext-opengov schema additions") == 1
    # the installed CKAN's schema (ckan-2.12 or ckan-2.11), not the older one
    expected = ElementTree.parse(ckan_solr_schema()).getroot().get("name")
    assert ElementTree.fromstring(text).get("name") == expected != "ckan-2.10"


def test_schema_merge_fails_loudly(solr_tree: dict[str, Path]) -> None:
    solr_tree["additions"].write_text("<schema><nothing/></schema>\n")
    result = run_merge(solr_tree, sourced=True)
    assert result.returncode != 0
    assert "still-running" not in result.stdout
    assert "no <field>" in result.stderr


def test_schema_merge_without_additions_serves_ckans_schema(solr_tree: dict[str, Path]) -> None:
    result = run_merge(solr_tree)
    assert result.returncode == 0, result.stderr
    assert "no schema additions" in result.stdout
    merged = (solr_tree["merged"] / "conf" / "managed-schema").read_text()
    assert merged == ckan_solr_schema().read_text()


def dynamic_match(name: str, patterns: set[str]) -> bool:
    return any(
        (p.startswith("*") and name.endswith(p[1:]))
        or (p.endswith("*") and name.startswith(p[:-1]))
        for p in patterns
    )


def test_real_schema_additions_merge(solr_tree: dict[str, Path]) -> None:
    if not SCHEMA_ADDITIONS.is_file():
        pytest.skip(f"{SCHEMA_ADDITIONS.relative_to(ROOT)} is not written yet")
    shutil.copy(SCHEMA_ADDITIONS, solr_tree["additions"])
    result = run_merge(solr_tree, sourced=True)
    assert result.returncode == 0, result.stderr
    merged = ElementTree.parse(solr_tree["merged"] / "conf" / "managed-schema").getroot()
    assert merged.get("name", "").startswith("ckan-")
    assert not merged.findall(".//schema"), "the additions were nested, Solr would ignore them"

    additions = ElementTree.parse(SCHEMA_ADDITIONS).getroot()
    assert additions.tag == "schema", "schema-opengov.xml: expected a <schema> document"
    ckan_schema = ElementTree.parse(ckan_solr_schema()).getroot()
    # Solr sees exactly CKAN's definitions plus the suite's: nothing lost, nested or doubled.
    for tag in SOLR_PATHS:
        expected = definitions(ckan_schema, tag) + definitions(additions, tag)
        assert sorted(definitions(merged, tag)) == sorted(expected), tag
        assert sum(1 for _ in merged.iter(tag)) == len(expected), f"{tag} out of Solr's sight"
    for tag in ("field", "dynamicField", "fieldType"):
        names = [name for (name,) in definitions(merged, tag)]
        duplicates = {n for n in names if names.count(n) > 1}
        assert not duplicates, f"{tag} defined twice: {duplicates}"
    types = set(top_level(merged, "fieldType"))
    fields = set(top_level(merged, "field"))
    dynamic = set(top_level(merged, "dynamicField"))
    for element in (*solr_sees(merged, "field"), *solr_sees(merged, "dynamicField")):
        assert element.get("type") in types, f"{element.get('name')}: unknown type"
    for source, dest in definitions(merged, "copyField"):
        assert source in fields or dynamic_match(source, dynamic) or "*" in source, source
        assert dest in fields or dynamic_match(dest, dynamic), dest


# --- health checks and the proxy ----------------------------------------------------------


class StatusHandler(http.server.BaseHTTPRequestHandler):
    success = True

    def do_GET(self) -> None:
        body = json.dumps({"success": self.success}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (base signature)
        pass


@pytest.fixture
def status_server() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StatusHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_health_check_modes(
    healthcheck: ModuleType,
    tmp_path: Path,
    status_server: http.server.ThreadingHTTPServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{status_server.server_address[1]}/api/action/status_show"
    StatusHandler.success = True
    assert healthcheck.main(["http", url]) == 0
    StatusHandler.success = False
    assert healthcheck.main(["http", url]) == 1
    StatusHandler.success = True

    beat = tmp_path / "beat"
    beat.touch()
    assert healthcheck.main(["heartbeat", str(beat), "120"]) == 0
    old = time.time() - 600
    os.utime(beat, (old, old))
    assert healthcheck.main(["heartbeat", str(beat), "120"]) == 1
    assert healthcheck.main(["heartbeat", str(tmp_path / "missing"), "120"]) == 1
    assert healthcheck.main(["nonsense"]) == 2
    assert "unhealthy" in capsys.readouterr().err


def test_scheduler_health_check_matches_its_heartbeat(
    services: dict[str, dict[str, Any]], scheduler: ModuleType
) -> None:
    test = services["scheduler"]["healthcheck"]["test"]
    assert test[3] == "heartbeat"
    assert test[4] == scheduler.DEFAULT_HEARTBEAT
    # The scheduler beats at least every 20 s; the limit leaves room for a slow cycle.
    assert int(test[5]) >= 60


def test_proxy_reaches_every_ckan_replica(services: dict[str, dict[str, Any]]) -> None:
    conf = (DOCKER / "nginx.conf").read_text(encoding="utf-8")
    # A variable in proxy_pass plus Docker's resolver: nginx re-resolves `ckan` as it scales.
    assert "resolver 127.0.0.11" in conf
    assert re.search(r"set \$(\w+) http://ckan:5000;\s+proxy_pass \$\1;", conf)
    health_path = urlsplit(services["proxy"]["healthcheck"]["test"][-1]).path
    assert f"location = {health_path}" in conf
    body_limit = re.search(r"client_max_body_size (\d+)m;", conf)
    upload_limit = ckan_ini_parser()["app:main"]["ckan.max_resource_size"]
    assert body_limit and int(body_limit.group(1)) >= int(upload_limit)
