#!/usr/bin/env bash
# Prepares everything `make demo` and `make test` need on a Debian machine:
# the virtualenv with the pinned dependencies, PostgreSQL and Redis (installed with
# apt-get when missing, run on loopback with their data outside the work tree so any
# clone on this machine can share them), the CKAN role and the databases.
#
# Usage: scripts/bootstrap.sh VENV CKAN_VERSION DB_NAME [DB_NAME ...]
set -euo pipefail

VENV=${1:?venv path}
CKAN_VERSION=${2:?CKAN version}
shift 2
DATABASES=("$@")

PG_PORT=${OPENGOV_PG_PORT:-54329}
REDIS_PORT=${OPENGOV_REDIS_PORT:-56379}
STATE_DIR=${OPENGOV_STATE_DIR:-/var/tmp/ckanext-opengov}
PYTHON=${PYTHON:-python3}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# --- Python --------------------------------------------------------------------------
command -v "$PYTHON" >/dev/null || die "$PYTHON not found: install Python 3.10 or newer (Debian 12: apt-get install python3 python3-venv)."
"$PYTHON" - <<'PY' || die "Python 3.10 or newer is needed (CKAN 2.11/2.12 support 3.10+)."
import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)
PY

# --- System packages -----------------------------------------------------------------
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
need_apt=()
[ -n "$(pg_bindir)" ] || need_apt+=(postgresql postgresql-contrib)
command -v redis-server >/dev/null || need_apt+=(redis-server)
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
ldconfig -p 2>/dev/null | grep -q libmagic.so || need_apt+=(libmagic1)
if [ "${OPENGOV_WITH_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
  command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing system packages: ${need_apt[*]}. Run as root, or install them with: sudo apt-get install ${need_apt[*]}"
  command -v apt-get >/dev/null || die "missing system packages (${need_apt[*]}) and no apt-get: install them with your package manager."
  say "Installing ${need_apt[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed: check the network or your Debian mirror."
  apt-get install -y -q --no-install-recommends "${need_apt[@]}" || die "apt-get install ${need_apt[*]} failed."
  # Debian starts the packaged services; ours run on their own ports, so theirs are not needed.
fi
PG_BIN=$(pg_bindir)
[ -n "$PG_BIN" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql."

# --- Virtualenv ----------------------------------------------------------------------
stamp="$VENV/.opengov-installed"
reqs=(-r requirements.txt -r dev-requirements.txt)
[ "${OPENGOV_LINT_TOOLS:-0}" = 1 ] && reqs+=(-r lint-requirements.txt)
want="ckan==$CKAN_VERSION ${reqs[*]} $(cat requirements.txt dev-requirements.txt lint-requirements.txt setup.py pyproject.toml setup.cfg 2>/dev/null | sha1sum | cut -c1-12)"
if [ ! -x "$VENV/bin/python" ]; then
  say "Creating virtualenv $VENV"
  "$PYTHON" -m venv "$VENV" || die "could not create a virtualenv (Debian: apt-get install python3-venv)."
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing CKAN $CKAN_VERSION and the pinned dependencies into $VENV"
  "$VENV/bin/pip" install -q --upgrade pip wheel "setuptools<81" || die "pip could not upgrade itself: is PyPI reachable?"
  "$VENV/bin/pip" install -q "ckan[requirements]==$CKAN_VERSION" "${reqs[@]}" \
    || die "pip install failed (see above)."
  "$VENV/bin/pip" install -q --no-deps -e . || die "pip install -e . failed."
  echo "$want" > "$stamp"
else
  say "Virtualenv $VENV is up to date (CKAN $CKAN_VERSION)"
fi

# --- PostgreSQL on loopback ----------------------------------------------------------
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGDATA="$STATE_DIR/pg"
mkdir -p "$STATE_DIR"
if [ "$(id -u)" = 0 ]; then chmod 755 "$STATE_DIR"; fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  say "Initialising a PostgreSQL cluster in $PGDATA"
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null \
    || die "initdb failed for $PGDATA."
fi
if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null \
    || die "PostgreSQL did not start; see $PGDATA/server.log (is port $PG_PORT taken? set OPENGOV_PG_PORT)."
fi
psql_pg() { as_pg psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_pg -c "select 1 from pg_roles where rolname='ckan'")" != 1 ]; then
  psql_pg -c "create role ckan login password 'ckan' createdb" || die "could not create the ckan role."
fi
for db in "${DATABASES[@]}"; do
  if [ "$(psql_pg -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
    say "Creating database $db"
    psql_pg -c "create database $db owner ckan encoding 'UTF8' template template0" || die "could not create database $db."
  fi
done

# --- Redis on loopback ---------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  say "Starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$STATE_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STATE_DIR/redis" --daemonize yes \
    --logfile "$STATE_DIR/redis/redis.log" --save "" --appendonly no >/dev/null \
    || die "Redis did not start; see $STATE_DIR/redis/redis.log (is port $REDIS_PORT taken? set OPENGOV_REDIS_PORT)."
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
say "PostgreSQL 127.0.0.1:$PG_PORT and Redis 127.0.0.1:$REDIS_PORT are up"
