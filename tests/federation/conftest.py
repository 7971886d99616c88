"""Real local HTTP servers (127.0.0.1, ephemeral port) standing in for remote portals."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ckanext.opengov.http import HttpSettings, PoliteClient

REALDATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata").resolve()


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclasses.dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    delay: float = 0.0
    # Announce more bytes than are sent, then close: a truncated response.
    truncate_to: int | None = None

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


Handler = Callable[[Request], Reply]


class Portal:
    """A loopback HTTP server whose answers are set per path by the test."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        portal = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command, path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers=dict(self.headers.items()),
                )
                portal.requests.append(request)
                handler = portal.routes.get(parts.path)
                reply = handler(request) if handler else Reply(404, {"error": "not found"})
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.payload()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                if reply.truncate_to is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    sent = body if reply.truncate_to is None else body[: reply.truncate_to]
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(sent)
                if reply.truncate_to is not None:
                    self.close_connection = True

            do_GET = _serve
            do_HEAD = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                # Clients hanging up early (size caps, timeouts) are expected here.
                pass

        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Portal:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def route(self, path: str, handler: Handler | Reply | Any) -> None:
        if callable(handler):
            self.routes[path] = handler
        elif isinstance(handler, Reply):
            self.routes[path] = lambda _r, reply=handler: reply
        else:
            self.routes[path] = lambda _r, body=handler: Reply(body=body)

    def sequence(self, path: str, *replies: Reply) -> None:
        """Answer successive requests with ``replies``; the last one repeats."""
        queue = list(replies)

        def handler(_request: Request) -> Reply:
            return queue.pop(0) if len(queue) > 1 else queue[0]

        self.routes[path] = handler

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def portal() -> Iterator[Portal]:
    with Portal() as server:
        yield server


def make_client(**overrides: Any) -> PoliteClient:
    """A client that may reach 127.0.0.1 (and only that private address), with short waits."""
    settings: dict[str, Any] = {
        "allowed_hosts": ["127.0.0.1"], "backoff_base": 0.01, "rate_limit": 0,
        "connect_timeout": 2, "read_timeout": 2, "max_retries": 3, "max_total_wait": 5,
    }
    settings.update(overrides)
    return PoliteClient(HttpSettings.defaults(**settings))


@pytest.fixture
def client() -> Iterator[PoliteClient]:
    with make_client() as c:
        yield c


requires_realdata = pytest.mark.skipif(not REALDATA.is_dir(),
                                       reason="shared/realdata not available")


@pytest.fixture
def fresh_licences(with_plugins: Any) -> Iterator[None]:
    """CKAN caches its licence register on the Package class on first use: drop it so the
    licence list of the plugins just loaded (opengov_schemas' bundled one) is read."""
    from ckan import model

    if "_license_register" in model.Package.__dict__:
        delattr(model.Package, "_license_register")
    yield
    if "_license_register" in model.Package.__dict__:
        delattr(model.Package, "_license_register")
