"""Run the benchmarks: every bench/<name>.py that defines ``run(args) -> dict``.

    .venv/bin/python bench/run.py                      # all of them (what `make bench` runs)
    .venv/bin/python bench/run.py --list
    .venv/bin/python bench/run.py --only pgsearch --sizes 10000 --runs 20

Each benchmark writes its figures to bench/results/<name>.json and the runner prints the
tables it returns. A benchmark module may also define ``add_arguments(parser)`` for its own
options and calls :func:`load_ckan` to get a configured CKAN in this process. When several
benchmarks are selected, each runs in its own child process so that each gets a fresh CKAN.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_INI = REPO_DIR / "test.ini"
NOT_BENCHMARKS = {"run"}

# Benchmarks import this module as ``run``; make that the running script, not a second copy.
sys.modules.setdefault("run", sys.modules[__name__])


def discover() -> dict[str, ModuleType]:
    """Every bench/<name>.py with a ``run`` function, by name."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    found: dict[str, ModuleType] = {}
    for path in sorted(BENCH_DIR.glob("*.py")):
        name = path.stem
        if name in NOT_BENCHMARKS or name.startswith("_"):
            continue
        module = importlib.import_module(name)
        if callable(getattr(module, "run", None)):
            found[name] = module
    return found


def say(message: str) -> None:
    """Progress on stderr, so that stdout keeps the tables."""
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)


_loaded: dict[str, Any] = {}  # what load_ckan() loaded in this process
_settings: dict[str, Any] = {"ini": DEFAULT_INI}  # runner options (--ini)


def load_ckan(plugins: list[str], options: dict[str, Any] | None = None,
              ini: str | os.PathLike[str] | None = None) -> Any:
    """Load CKAN in this process as CKAN's pytest plugin does, and migrate the database.

    The configuration is ``test.ini`` (or ``--ini``) with ``ckan.plugins`` replaced by
    ``plugins`` and then ``options`` applied; ``CKAN_SQLALCHEMY_URL`` chooses the database, as
    usual. The core tables and the migrations of every enabled plugin that has some are
    applied. A test request context stays pushed, so actions and helpers work. Returns the
    Flask app. One configuration per process: a second call with other plugins fails.
    """
    if _loaded:
        if _loaded["plugins"] != plugins:
            raise RuntimeError("CKAN is already loaded with other plugins in this process")
        return _loaded["app"]
    from ckan.cli import load_config
    from ckan.cli.db import _resolve_alembic_config, _run_migrations
    from ckan.common import config
    from ckan.config.middleware import make_app

    conf = load_config(str(ini or _settings["ini"]))
    conf["ckan.plugins"] = " ".join(plugins)
    conf.update(options or {})
    app = make_app(conf)
    flask_app = getattr(app, "_wsgi_app", app)
    context = flask_app.test_request_context()
    context.push()

    import ckan.model as model

    model.repo.init_db()
    enabled = config.get("ckan.plugins")
    for plugin in enabled.split() if isinstance(enabled, str) else enabled:
        if os.path.exists(_resolve_alembic_config(plugin)):
            _run_migrations(plugin)
    _loaded.update(plugins=plugins, app=app, context=context)
    return app


def machine_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        import ckan

        facts["ckan"] = ckan.__version__
    except ImportError:
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            facts["mem_total"] = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return facts


def format_table(table: dict[str, Any]) -> str:
    columns = [str(c) for c in table["columns"]]
    rows = [["" if v is None else str(v) for v in row] for row in table["rows"]]
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c)
              for i, c in enumerate(columns)]
    numeric = [all(_is_number(r[i]) for r in rows if r[i]) for i in range(len(columns))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    out = []
    if table.get("title"):
        out.append(str(table["title"]))
    out.append(line(columns))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(r) for r in rows)
    return "\n".join(out)


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%"))
    except ValueError:
        return False
    return True


def print_tables(name: str, result: dict[str, Any]) -> None:
    print(f"\n=== {name} ===")
    for table in result.get("tables", []):
        print(format_table(table))
        print()
    if "pass" in result:
        print(f"{name}: targets {'met' if result['pass'] else 'NOT met'}")
    if result.get("not_measured"):
        print(f"{name}: not measured: {', '.join(result['not_measured'])}")


def run_one(name: str, module: ModuleType, args: argparse.Namespace) -> dict[str, Any]:
    say(f"{name}: starting")
    load_before = os.getloadavg()
    started = time.monotonic()
    result: dict[str, Any] = module.run(args)
    result.setdefault("benchmark", name)
    result.setdefault("machine", machine_facts())
    # The machine is shared: the load around the run says how far to trust the figures.
    result["machine"]["loadavg_before"] = [round(x, 2) for x in load_before]
    result["machine"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.monotonic() - started, 1)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    say(f"{name}: done in {result['seconds']} s, figures in {path.relative_to(REPO_DIR)}")
    return result


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Run the ckanext-opengov benchmarks (figures in bench/results/).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only these benchmarks (repeat, or separate with commas)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--ini", default=str(DEFAULT_INI),
                        help="CKAN config file the benchmarks start from")
    for name, module in modules.items():
        add_arguments: Callable[[Any], None] | None = getattr(module, "add_arguments", None)
        if add_arguments:
            add_arguments(parser.add_argument_group(name))
    return parser


def main(argv: list[str] | None = None) -> int:
    modules = discover()
    parser = build_parser(modules)
    args = parser.parse_args(argv)
    _settings["ini"] = args.ini
    if args.list:
        for name, module in modules.items():
            doc = (module.__doc__ or "").strip().splitlines()
            print(f"{name:12} {doc[0] if doc else ''}")
        return 0
    selected = [n for item in args.only for n in item.split(",") if n] or list(modules)
    unknown = [n for n in selected if n not in modules]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; "
                     f"known: {', '.join(modules)}")

    if len(selected) == 1:
        name = selected[0]
        result = run_one(name, modules[name], args)
        print_tables(name, result)
        return 0

    # Several: one child process each, so that each benchmark loads its own CKAN.
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = _without_only(argv)
    failed = []
    for name in selected:
        code = subprocess.call([sys.executable, __file__, "--only", name, *passthrough])
        if code:
            failed.append(name)
            say(f"{name}: failed with exit code {code}")
    if failed:
        say(f"failed: {', '.join(failed)}")
        return 1
    return 0


def _without_only(argv: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--only":
            skip = True
            continue
        if arg.startswith("--only="):
            continue
        out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
