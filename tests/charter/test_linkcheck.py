"""Link checking against real loopback HTTP servers: HEAD/GET, redirects, login walls, hostile
servers (slow, redirect loops, redirects to private addresses, huge bodies).

The servers are the federation tests' loopback portals (tests/federation/conftest.py).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from federation.conftest import Portal, Reply, Request

from ckanext.opengov.charter import linkcheck
from ckanext.opengov.http import HttpSettings


@pytest.fixture
def server() -> Iterator[Portal]:
    with Portal() as portal:
        yield portal


def make_client(**overrides: Any) -> linkcheck.LinkClient:
    settings: dict[str, Any] = {
        "allowed_hosts": ["127.0.0.1"], "backoff_base": 0.01, "rate_limit": 0,
        "connect_timeout": 1, "read_timeout": 1, "max_retries": 0, "max_total_wait": 1,
        "max_redirects": 3,
    }
    settings.update(overrides)
    return linkcheck.LinkClient(HttpSettings.defaults(**settings), None)


@pytest.fixture
def client() -> Iterator[linkcheck.LinkClient]:
    c = make_client()
    yield c
    c.close()


def test_working_link(server: Portal, client: linkcheck.LinkClient) -> None:
    server.route("/data.csv", Reply(200, "a,b\n1,2\n", {"Content-Type": "text/csv"}))
    result = linkcheck.check_url(server.url + "/data.csv", client)
    assert result["status"] == 200 and result["error"] is None and not result["login"]
    assert result["method"] == "HEAD"
    assert [r.method for r in server.hits("/data.csv")] == ["HEAD"]
    assert result["checked"].tzinfo is not None


def test_head_refused_falls_back_to_get(server: Portal, client: linkcheck.LinkClient) -> None:
    def no_head(request: Request) -> Reply:
        return Reply(405) if request.method == "HEAD" else Reply(200, "ok")

    server.route("/nohead", no_head)
    result = linkcheck.check_url(server.url + "/nohead", client)
    assert result["status"] == 200 and result["method"] == "GET"
    assert [r.method for r in server.hits("/nohead")] == ["HEAD", "GET"]


def test_broken_link(server: Portal, client: linkcheck.LinkClient) -> None:
    result = linkcheck.check_url(server.url + "/gone", client)
    assert result["status"] == 404 and not result["login"]


@pytest.mark.parametrize("status", [401, 403])
def test_login_status_is_a_login_wall(server: Portal, client: linkcheck.LinkClient,
                                      status: int) -> None:
    server.route("/private", Reply(status))
    result = linkcheck.check_url(server.url + "/private", client)
    assert result["status"] == status and result["login"] is True


def test_redirect_to_login_page_is_a_login_wall(server: Portal,
                                                client: linkcheck.LinkClient) -> None:
    server.route("/file.csv", Reply(302, headers={"Location": "/account/login?next=/file.csv"}))
    server.route("/account/login", Reply(200, "<form>password</form>"))
    result = linkcheck.check_url(server.url + "/file.csv", client)
    assert result["status"] == 200 and result["login"] is True
    assert result["final_url"].startswith(server.url + "/account/login")


def test_ordinary_redirect_is_followed(server: Portal, client: linkcheck.LinkClient) -> None:
    server.route("/old", Reply(301, headers={"Location": "/authors/new.csv"}))
    server.route("/authors/new.csv", Reply(200, "x"))
    result = linkcheck.check_url(server.url + "/old", client)
    assert result["status"] == 200 and not result["login"]


def test_redirect_loop_ends(server: Portal, client: linkcheck.LinkClient) -> None:
    server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    started = time.monotonic()
    result = linkcheck.check_url(server.url + "/loop", client)
    assert result["error"] == "redirects" and result["status"] is None
    assert len(server.hits("/loop")) == 4  # the first request and max_redirects=3 more
    assert time.monotonic() - started < 5


def test_redirect_to_private_address_is_refused(server: Portal,
                                                client: linkcheck.LinkClient) -> None:
    server.route("/meta", Reply(302, headers={
        "Location": "http://169.254.169.254/latest/meta-data/"}))
    result = linkcheck.check_url(server.url + "/meta", client)
    assert result["error"] == "refused" and result["status"] is None


def test_loopback_refused_unless_configured(server: Portal) -> None:
    server.route("/x", Reply(200, "x"))
    strict = make_client(allowed_hosts=[])
    try:
        result = linkcheck.check_url(server.url + "/x", strict)
    finally:
        strict.close()
    assert result["error"] == "refused"
    assert server.hits("/x") == []


def test_slow_server_times_out(server: Portal, client: linkcheck.LinkClient) -> None:
    server.route("/slow", Reply(200, "late", delay=3))
    started = time.monotonic()
    result = linkcheck.check_url(server.url + "/slow", client)
    assert result["error"] == "timeout" and result["status"] is None
    assert time.monotonic() - started < 3


def test_huge_body_is_never_downloaded(server: Portal, client: linkcheck.LinkClient) -> None:
    big = b"x" * (20 * 1024 * 1024)

    def get_only(request: Request) -> Reply:
        return Reply(405) if request.method == "HEAD" else Reply(200, big)

    server.route("/huge.bin", get_only)
    started = time.monotonic()
    result = linkcheck.check_url(server.url + "/huge.bin", client)
    assert result["status"] == 200 and result["error"] is None
    assert time.monotonic() - started < 2


def test_nonsense_urls_give_results_not_errors(client: linkcheck.LinkClient) -> None:
    for url in ("ftp://example.ca/x", "http://", "http://exa mple.ca/x", "http://[::1"):
        result = linkcheck.check_url(url, client)
        assert result["error"] in ("refused", "invalid", "connection"), (url, result)


def test_login_url_recognition() -> None:
    assert linkcheck.is_login_url("https://x.ca/user/login?came_from=/a")
    assert linkcheck.is_login_url("https://sso.x.ca/cas/login?service=https://a")
    assert linkcheck.is_login_url("https://x.ca/Shibboleth.sso/SAML2/POST")
    assert not linkcheck.is_login_url("https://x.ca/authors/catalogue.csv")
    assert not linkcheck.is_login_url("https://x.ca/data/blogin.csv")
