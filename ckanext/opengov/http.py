"""A polite, guarded HTTP client shared by the harvesters and the link checker.

Remote portals are run by other governments: we identify ourselves, pace our requests per
host, back off when they are busy, and never hang on them. Source URLs are typed in by
administrators, so every target (including each redirect) is checked against server-side
request forgery before a connection is made, and again once the socket is connected
(so a DNS answer that changes between the check and the connection cannot slip through).

Usage::

    client = PoliteClient(HttpSettings.from_config())
    response = client.get("https://data.example.ca/api/3/action/package_search",
                          params={"rows": 100}, rate_limit=2)
    payload = response.json()
"""
from __future__ import annotations

import dataclasses
import email.utils
import ipaddress
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import yaml
from lxml import etree
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

log = logging.getLogger(__name__)

CONFIG_DECLARATION = os.path.join(os.path.dirname(__file__), "http_config_declaration.yaml")
_PREFIX = "ckanext.opengov.http."
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --------------------------------------------------------------------------- errors


class HttpError(Exception):
    """Base class: something went wrong fetching ``url``."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.message = message


class UrlRefused(HttpError):
    """The URL is not fetched: bad scheme, or a private/loopback/reserved target."""


class TooManyRedirects(HttpError):
    """More redirects than ``max_redirects``."""


class ResponseTooLarge(HttpError):
    """The body is bigger than the allowed size; the download was aborted."""


class RequestTimeout(HttpError):
    """Connect or read timeout, after the allowed retries."""


class ConnectionFailed(HttpError):
    """DNS failure, refused connection, TLS error..., after the allowed retries."""


class RemoteError(HttpError):
    """The remote answered with an error status (after retries for 5xx and 429)."""

    def __init__(self, url: str, message: str, status: int) -> None:
        super().__init__(url, message)
        self.status = status


class PayloadError(HttpError):
    """The body could not be parsed (malformed or truncated JSON or XML)."""


class UnsafeXml(PayloadError):
    """The XML declares entities or a DTD that would be expanded: refused."""


# --------------------------------------------------------------------------- settings


def _declared_defaults() -> dict[str, Any]:
    with open(CONFIG_DECLARATION, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return {
        option["key"][len(_PREFIX):]: option.get("default")
        for group in data["groups"] for option in group["options"]
    }


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


@dataclasses.dataclass(frozen=True)
class HttpSettings:
    """Client settings; the defaults are the ones declared in http_config_declaration.yaml."""

    user_agent: str
    connect_timeout: float
    read_timeout: float
    max_retries: int
    backoff_base: float
    max_total_wait: float
    rate_limit: float
    max_response_size: int
    max_redirects: int
    allowed_hosts: tuple[str, ...] = ()
    allow_private: bool = False

    @classmethod
    def defaults(cls, **overrides: Any) -> HttpSettings:
        """The declared defaults, with ``overrides`` (used by tests and scripts)."""
        return cls._build(_declared_defaults(), overrides)

    @classmethod
    def from_config(cls, **overrides: Any) -> HttpSettings:
        """Settings from the CKAN config, falling back to the declared defaults.

        The fallback matters when the plugin that declares the options is not loaded
        (a CLI script, another plugin reusing this module).
        """
        import ckan.plugins.toolkit as tk

        values = _declared_defaults()
        for name in values:
            configured = tk.config.get(_PREFIX + name)
            if configured is not None:
                values[name] = configured
        return cls._build(values, overrides)

    @classmethod
    def _build(cls, values: dict[str, Any], overrides: Mapping[str, Any]) -> HttpSettings:
        values = {**values, **overrides}
        return cls(
            user_agent=str(values["user_agent"]),
            connect_timeout=float(values["connect_timeout"]),
            read_timeout=float(values["read_timeout"]),
            max_retries=int(values["max_retries"]),
            backoff_base=float(values["backoff_base"]),
            max_total_wait=float(values["max_total_wait"]),
            rate_limit=float(values["rate_limit"]),
            max_response_size=int(values["max_response_size"]),
            max_redirects=int(values["max_redirects"]),
            allowed_hosts=tuple(_as_list(values["allowed_hosts"])),
            allow_private=_as_bool(values["allow_private"]),
        )


def declare_config(declaration: Any, key: Any) -> None:
    """Declare the ``ckanext.opengov.http.*`` options once, whichever plugin comes first.

    Call it from ``IConfigDeclaration.declare_config_options`` of every plugin that uses
    this module: CKAN refuses an option declared twice.
    """
    if key.ckanext.opengov.http.user_agent in declaration:
        return
    from .config import load_declaration  # imports CKAN, which the client itself does not need

    with open(CONFIG_DECLARATION, encoding="utf-8") as f:
        load_declaration(declaration, yaml.safe_load(f))


# --------------------------------------------------------------------------- SSRF guard


class TargetPolicy:
    """Which hosts and addresses may be contacted."""

    def __init__(self, allowed: Iterable[str] = (), allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self.hosts: set[str] = set()
        self.networks: list[IpNetwork] = []
        for item in allowed:
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.hosts.add(item.lower().rstrip("."))

    def host_allowed(self, host: str) -> bool:
        return self.allow_private or host.lower().rstrip(".") in self.hosts

    def address_allowed(self, host: str, address: str) -> bool:
        if self.host_allowed(host):
            return True
        ip: IpAddress = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in net for net in self.networks):
            return True
        # is_global is False for private, loopback, link-local, shared and reserved ranges.
        return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)

    def check_url(self, url: str) -> None:
        """Refuse non-http(s) URLs and hosts that resolve to a forbidden address."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UrlRefused(url, f"only http and https URLs are fetched, not {parts.scheme!r}")
        host = parts.hostname
        if not host:
            raise UrlRefused(url, "the URL has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as e:
            raise UrlRefused(url, "the URL has an invalid port") from e
        if self.host_allowed(host):
            return
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise ConnectionFailed(url, f"the host {host} cannot be resolved: {e}") from e
        for info in infos:
            address = str(info[4][0])
            if not self.address_allowed(host, address):
                raise UrlRefused(
                    url, f"{host} resolves to {address}, a private, loopback, link-local, "
                    "multicast or reserved address",
                )


class _GuardedConnectionMixin:
    """Checks the address actually connected to (defeats DNS rebinding between checks)."""

    policy: TargetPolicy
    host: str

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = sock.getpeername()[0]
        if not self.policy.address_allowed(self.host, peer):
            sock.close()
            raise UrlRefused(self.host, f"connected address {peer} is not allowed")
        return sock


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, policy: TargetPolicy) -> None:
        conn = type("Conn", (_GuardedConnectionMixin, HTTPConnection), {"policy": policy})
        sconn = type("SConn", (_GuardedConnectionMixin, HTTPSConnection), {"policy": policy})
        self._pools = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": conn}),
            "https": type("SPool", (HTTPSConnectionPool,), {"ConnectionCls": sconn}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools  # type: ignore[assignment]


# --------------------------------------------------------------------------- rate limit


class _HostThrottle:
    """Process-wide pacing of requests per host, shared by every client and thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, rate: float) -> None:
        if rate <= 0:
            return
        interval = 1.0 / rate
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            time.sleep(slot - now)


THROTTLE = _HostThrottle()


# --------------------------------------------------------------------------- responses


@dataclasses.dataclass
class HttpResponse:
    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError) as e:
            raise PayloadError(self.url, f"malformed or truncated JSON: {e}") from e

    def xml(self) -> etree._Element:
        return parse_xml(self.content, self.url)


def parse_xml(content: bytes, url: str = "") -> etree._Element:
    """Parse XML without entity expansion, DTD loading or network access.

    Documents that declare entities are refused outright (defusedxml's policy), so a
    "billion laughs" or external-entity payload never reaches a less careful parser.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as e:
        raise PayloadError(url, f"malformed or truncated XML: {e}") from e
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and (any(True for _ in dtd.iterentities()) or dtd.system_url):
        raise UnsafeXml(url, "XML with entity or external DTD declarations is refused")
    return root


# --------------------------------------------------------------------------- client


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _noted(error: HttpError, note: str) -> HttpError:
    error.message = f"{error.message}; {note}"
    error.args = (f"{error.message} ({error.url})",)
    return error


class PoliteClient:
    """GET (and HEAD) with timeouts, retries, per-host pacing, size caps and an SSRF guard."""

    def __init__(self, settings: HttpSettings | None = None) -> None:
        self.settings = settings or HttpSettings.from_config()
        self.policy = TargetPolicy(self.settings.allowed_hosts, self.settings.allow_private)
        self._sessions: dict[str, requests.Session] = {}
        self._lock = threading.Lock()
        # Injected by tests to avoid real sleeping; the default really waits.
        self.sleep = time.sleep

    def close(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.close()
            self._sessions.clear()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _session(self, origin: str) -> requests.Session:
        with self._lock:
            session = self._sessions.get(origin)
            if session is None:
                session = requests.Session()
                # No proxies or .netrc from the environment: the guard checks what we connect to.
                session.trust_env = False
                session.headers["User-Agent"] = self.settings.user_agent
                adapter = _GuardedAdapter(self.policy)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                self._sessions[origin] = session
            return session

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        rate_limit: float | None = None,
        max_size: int | None = None,
        method: str = "GET",
    ) -> HttpResponse:
        """Fetch ``url``; a 304 comes back as a response with ``not_modified`` set.

        :param etag: / :param last_modified: validators of a previous response, sent as
            ``If-None-Match`` / ``If-Modified-Since`` (conditional GET).
        :param rate_limit: requests per second to this host (default from settings).
        :param max_size: body size cap in bytes (default from settings).
        :raises HttpError: one of its subclasses, always carrying the URL.
        """
        if params:
            url = requests.Request("GET", url, params=params).prepare().url or url
        extra = dict(headers or {})
        if etag:
            extra["If-None-Match"] = etag
        if last_modified:
            extra["If-Modified-Since"] = last_modified
        origin_host = urlsplit(url).netloc.lower()
        for _hop in range(self.settings.max_redirects + 1):
            self.policy.check_url(url)
            if urlsplit(url).netloc.lower() != origin_host:
                # Credentials or tokens meant for one portal are not handed to another host.
                extra = {k: v for k, v in extra.items() if k.startswith("If-")}
            response = self._with_retries(url, extra, rate_limit, max_size, method)
            if response.status in _REDIRECT_CODES and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                if response.status == 303:
                    method = "GET"
                continue
            if response.status >= 400:
                raise RemoteError(url, f"HTTP {response.status}", response.status)
            return response
        raise TooManyRedirects(url, f"more than {self.settings.max_redirects} redirects")

    def head(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.get(url, method="HEAD", **kwargs)

    def _with_retries(
        self, url: str, headers: Mapping[str, str], rate_limit: float | None,
        max_size: int | None, method: str,
    ) -> HttpResponse:
        s = self.settings
        waited = 0.0
        attempt = 0
        while True:
            delay: float | None = s.backoff_base * (2 ** attempt)
            failure: HttpError
            try:
                response = self._once(url, headers, rate_limit, max_size, method)
            except requests.Timeout as e:
                failure = RequestTimeout(url, f"timed out: {e.__class__.__name__}")
            except requests.ConnectionError as e:
                failure = ConnectionFailed(url, f"connection failed: {e}")
            else:
                if response.status != 429 and response.status < 500:
                    return response
                failure = RemoteError(url, f"HTTP {response.status}", response.status)
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = retry_after
            if attempt >= s.max_retries:
                raise failure
            assert delay is not None
            if waited + delay > s.max_total_wait:
                raise _noted(failure, f"retrying would exceed the total wait of "
                                      f"{s.max_total_wait:g}s")
            log.info("Retrying %s in %.1fs after %s", url, delay, failure.message)
            self.sleep(delay)
            waited += delay
            attempt += 1

    def _once(
        self, url: str, headers: Mapping[str, str], rate_limit: float | None,
        max_size: int | None, method: str,
    ) -> HttpResponse:
        s = self.settings
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        THROTTLE.wait(origin, s.rate_limit if rate_limit is None else rate_limit)
        cap = s.max_response_size if max_size is None else max_size
        try:
            r = self._session(origin).request(
                method, url, headers=dict(headers), stream=True, allow_redirects=False,
                timeout=(s.connect_timeout, s.read_timeout),
            )
        except UrlRefused as e:
            raise UrlRefused(url, e.message) from e
        with r:
            declared = r.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise ResponseTooLarge(url, f"response of {declared} bytes exceeds {cap}")
            body = bytearray()
            if method != "HEAD" and r.status_code not in _REDIRECT_CODES:
                try:
                    for chunk in r.iter_content(_CHUNK):
                        body += chunk
                        if len(body) > cap:
                            raise ResponseTooLarge(url, f"response exceeds {cap} bytes")
                except requests.exceptions.ChunkedEncodingError as e:
                    raise requests.ConnectionError(f"truncated body: {e}") from e
            return HttpResponse(url=url, status=r.status_code,
                                headers=CaseInsensitiveDict(r.headers), content=bytes(body))
