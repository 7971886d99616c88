"""Check that a URL answers: HEAD, falling back to GET, through the suite's polite client.

:class:`LinkClient` is :class:`ckanext.opengov.http.PoliteClient` (SSRF guard on every hop,
bounded redirects, timeouts, retries with backoff) with two changes for link checking: the body
is never read (a 2 GB file or a server trickling bytes costs one response header), and the
per-host pacing is shared through Redis by every worker process, since CKAN's worker forks a
new process per job and an in-process throttle would forget its hosts between jobs.

:func:`check_url` never raises: it returns the result to store, with ``status`` (the final HTTP
status, None when no answer came), ``error`` (a short code: ``timeout``, ``connection``,
``refused``, ``redirects``, ``too_large``, ``invalid``), ``login`` (a login wall: 401, 403, 407
or a redirect to a sign-in page) and ``final_url``.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from ckanext.opengov import http
from ckanext.opengov.charter.results import now

log = logging.getLogger(__name__)

_PREFIX = "ckanext.opengov.charter.linkcheck."
LOGIN_STATUSES = frozenset({401, 403, 407})
# a HEAD refused in one of these ways is tried again as GET (servers that do not do HEAD)
_GET_FALLBACK = frozenset({400, 403, 404, 405, 406, 409, 500, 501, 502, 503})
_LOGIN_PATH = re.compile(
    r"(^|[/_.-])(login|log-in|logon|signin|sign-in|sign_in|sso|cas|saml2?|oauth2?|openid|"
    r"authenticate|authorize|idp|connexion|identification)([/_.-]|$)", re.IGNORECASE)
_THROTTLE_KEY = "opengov:charter:linkcheck:host:"


class RedisThrottle:
    """At most ``rate`` requests per second to one host, across every worker process."""

    def __init__(self, redis: Any, max_wait: float = 300.0) -> None:
        self.redis = redis
        self.max_wait = max_wait

    def wait(self, origin: str, rate: float) -> None:
        if rate <= 0:
            return
        interval_ms = max(1, int(1000 / rate))
        key = _THROTTLE_KEY + origin
        deadline = time.monotonic() + self.max_wait
        while True:
            try:
                if self.redis.set(key, "1", nx=True, px=interval_ms):
                    return
                left = self.redis.pttl(key)
            except Exception:  # Redis gone: fall back to this process's own pacing
                log.warning("link check throttle: Redis unavailable", exc_info=True)
                http.THROTTLE.wait(origin, rate)
                return
            if time.monotonic() >= deadline:
                return
            time.sleep(max(int(left) if left and left > 0 else interval_ms, 5) / 1000)


class LinkClient(http.PoliteClient):
    """The polite client, reading status and headers only, paced through Redis."""

    def __init__(self, settings: http.HttpSettings, throttle: RedisThrottle | None) -> None:
        super().__init__(settings)
        self.throttle = throttle

    def _once(self, url: str, headers: Mapping[str, str], rate_limit: float | None,
              max_size: int | None, method: str) -> http.HttpResponse:
        s = self.settings
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        rate = s.rate_limit if rate_limit is None else rate_limit
        if self.throttle is not None:
            self.throttle.wait(origin, rate)
        else:
            http.THROTTLE.wait(origin, rate)
        try:
            r = self._session(origin).request(
                method, url, headers=dict(headers), stream=True, allow_redirects=False,
                timeout=(s.connect_timeout, s.read_timeout))
        except http.UrlRefused as e:
            raise http.UrlRefused(url, e.message) from e
        with r:
            # closing without reading drops the connection: the body is never downloaded
            return http.HttpResponse(url=url, status=r.status_code,
                                     headers=CaseInsensitiveDict(r.headers), content=b"")


def settings_from_config(**overrides: Any) -> http.HttpSettings:
    """The shared HTTP settings with the link checker's own timeouts, retries and targets."""
    import ckan.plugins.toolkit as tk

    values: dict[str, Any] = {}
    for name in ("connect_timeout", "read_timeout", "max_retries", "max_redirects",
                 "rate_limit", "max_total_wait"):
        configured = tk.config.get(_PREFIX + name)
        if configured is not None:
            values[name] = configured
    allowed = tk.config.get(_PREFIX + "allowed_hosts")
    if allowed:
        extra = allowed.split() if isinstance(allowed, str) else [str(a) for a in allowed]
        values["allowed_hosts"] = [*http.HttpSettings.from_config().allowed_hosts, *extra]
    values.update(overrides)
    return http.HttpSettings.from_config(**values)


def is_login_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_PATH.search(parts.path or "")) or bool(
        re.search(r"(^|&)(returnurl|return_to|redirect_uri|service|goto)=", parts.query or "",
                  re.IGNORECASE) and _LOGIN_PATH.search(parts.netloc or ""))


def _error_code(error: http.HttpError) -> str:
    if isinstance(error, http.UrlRefused):
        return "refused"
    if isinstance(error, http.TooManyRedirects):
        return "redirects"
    if isinstance(error, http.RequestTimeout):
        return "timeout"
    if isinstance(error, http.ResponseTooLarge):
        return "too_large"
    return "connection"


def _attempt(client: LinkClient, url: str, method: str) -> tuple[int | None, str, str | None,
                                                               str | None]:
    """(status, final URL, error code, detail) of one HEAD or GET with its redirects."""
    try:
        response = client.get(url, method=method)
    except http.RemoteError as e:
        return e.status, e.url, None, e.message
    except http.HttpError as e:
        return None, e.url, _error_code(e), e.message
    except (requests.RequestException, ValueError, UnicodeError) as e:
        return None, url, "invalid", str(e)[:300]
    return response.status, response.url, None, None


def check_url(url: str, client: LinkClient) -> dict[str, Any]:
    """Check one URL; the result is what :func:`results.save_link` stores. Never raises."""
    started = time.monotonic()
    result: dict[str, Any] = {"url": url, "status": None, "final_url": None, "login": False,
                              "error": None, "detail": None, "method": "HEAD"}
    try:
        status, final, error, detail = _attempt(client, url, "HEAD")
        if error is None and status is not None and status in _GET_FALLBACK:
            result["method"] = "GET"
            status, final, error, detail = _attempt(client, url, "GET")
        result.update(status=status, final_url=final, error=error, detail=detail)
        result["login"] = status in LOGIN_STATUSES or (
            final is not None and final != url and is_login_url(final))
    except Exception as e:  # a link check must end with a result, whatever the server did
        log.exception("link check of %s failed", url)
        result.update(error="invalid", detail=str(e)[:300])
    result["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    result["checked"] = now()
    return result
