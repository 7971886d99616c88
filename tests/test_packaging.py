"""A wheel built from the repo, installed into a clean virtualenv, carries every package file."""
from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ckanext" / "opengov"


def _tracked_package_data() -> set[str]:
    """Every non-Python file git tracks inside the package, relative to the repo root."""
    out = subprocess.run(
        ["git", "ls-files", "ckanext/opengov"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    return {path for path in out if not path.endswith(".py") and not path.endswith(".keep")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation",
         "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )
    (built,) = dist.glob("ckanext_opengov-*.whl")
    return built


def test_top_level_entry_points_lead_into_the_package():
    assert (ROOT / "schemas").resolve() == PACKAGE / "schemas"
    assert (ROOT / "i18n").resolve() == PACKAGE / "i18n"


def test_wheel_contains_every_package_file(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_tracked_package_data() - names)
    assert not missing, f"files missing from the wheel: {missing}"
    assert "ckanext/opengov/i18n/fr/LC_MESSAGES/ckanext-opengov.mo" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    for plugin in ("opengov_pgsearch", "opengov_schemas", "opengov_charter", "opengov_federation"):
        assert f"{plugin} = ckanext.opengov.plugins." in text


def test_wheel_installs_complete_into_a_clean_virtualenv(wheel: Path, tmp_path: Path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    subprocess.run(
        [str(env / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True,
    )
    site = next((env / "lib").glob("python3*/site-packages"))
    missing = sorted(p for p in _tracked_package_data() if not (site / p).is_file())
    assert not missing, f"files missing after installing the wheel: {missing}"


def test_editable_install_serves_files_from_the_work_tree():
    import ckanext.opengov

    (location,) = ckanext.opengov.__path__
    assert Path(location).resolve() == PACKAGE
