"""Container health checks for the CKAN-based services (standard library + what CKAN installs).

    python healthcheck.py http URL               the web app answers URL with {"success": true}
    python healthcheck.py backends               Redis answers PING and PostgreSQL answers SELECT 1
                                                 (queue consumers and the job worker: they have no
                                                 port, so "healthy" means "can reach their queue
                                                 and database"; a dead consumer ends its container)
    python healthcheck.py heartbeat PATH SECONDS  PATH was touched less than SECONDS ago (scheduler)

Exit status 0 when healthy, 1 otherwise, with the reason on stderr (shown by `docker inspect`).
Nothing here imports CKAN: a check must stay cheap, it runs every 30 s in every container.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request


def check_http(url: str) -> str | None:
    with urllib.request.urlopen(url, timeout=8) as response:  # noqa: S310 (fixed local URL)
        if response.status != 200:
            return f"{url}: HTTP {response.status}"
        body = response.read(1_000_000)
    if url.rstrip("/").endswith("status_show"):
        try:
            if json.loads(body).get("success") is not True:
                return f"{url}: success is not true"
        except ValueError:
            return f"{url}: not JSON"
    return None


def check_backends() -> str | None:
    import psycopg2
    import redis

    redis_url = os.environ.get("CKAN_REDIS_URL")
    db_url = os.environ.get("CKAN_SQLALCHEMY_URL")
    if not redis_url or not db_url:
        return "CKAN_REDIS_URL and CKAN_SQLALCHEMY_URL must be set"
    # Without the URL's query: the harvest consumers' long socket_timeout would override ours.
    client = redis.Redis.from_url(
        redis_url.split("?", 1)[0], socket_timeout=5, socket_connect_timeout=5
    )
    if not client.ping():
        return "Redis did not answer PING"
    # psycopg2 takes libpq URLs; SQLAlchemy's "postgresql+psycopg2://" dialect prefix is not one.
    dsn = db_url.replace("postgresql+psycopg2://", "postgresql://", 1)
    connection = psycopg2.connect(dsn, connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()
    return None


def check_heartbeat(path: str, max_age: str) -> str | None:
    age = time.time() - os.stat(path).st_mtime
    if age > float(max_age):
        return f"{path} is {age:.0f} s old (limit {max_age} s)"
    return None


CHECKS = {"http": check_http, "backends": check_backends, "heartbeat": check_heartbeat}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        problem = CHECKS[argv[0]](*argv[1:])
    except Exception as error:  # any failure to check is "unhealthy", with its reason
        problem = f"{type(error).__name__}: {error}"
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
