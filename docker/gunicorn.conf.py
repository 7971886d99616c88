"""gunicorn settings of the `ckan` service (values overridable from docker/.env)."""

from __future__ import annotations

import multiprocessing
import os

bind = "0.0.0.0:5000"
# Synchronous workers: CKAN holds one SQLAlchemy session per request and is not written for
# threads. Scale with WEB_CONCURRENCY per container, then with more `ckan` containers.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 120)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: long-lived CKAN processes grow with cached templates and plugins.
max_requests = 2000
max_requests_jitter = 200
# Worker heartbeat files on tmpfs, not on the container's copy-on-write filesystem.
worker_tmp_dir = "/dev/shm"
accesslog = "-"
errorlog = "-"
# Port 5000 is not published: only the proxy reaches it, so its X-Forwarded-* headers are trusted.
forwarded_allow_ips = "*"
