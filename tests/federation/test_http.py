"""The polite client against a real loopback server: retries, pacing, caps, SSRF guard, XML."""
from __future__ import annotations

import time

import pytest

from ckanext.opengov import http
from ckanext.opengov.http import HttpSettings, PoliteClient

from .conftest import Portal, Reply, make_client


def test_user_agent_and_json(portal: Portal, client: PoliteClient) -> None:
    portal.route("/a", {"ok": True})
    response = client.get(portal.url + "/a", params={"q": "x y"})
    assert response.json() == {"ok": True}
    request = portal.hits("/a")[0]
    assert request.query == {"q": "x y"}
    assert "ckanext-opengov" in request.headers["User-Agent"]
    assert "http" in request.headers["User-Agent"]  # a contact URL


def test_user_agent_from_settings(portal: Portal) -> None:
    portal.route("/a", {})
    with make_client(user_agent="Test portal (+https://example.ca/contact)") as c:
        c.get(portal.url + "/a")
    assert portal.requests[0].headers["User-Agent"] == "Test portal (+https://example.ca/contact)"


def test_retries_5xx_with_backoff(portal: Portal) -> None:
    portal.sequence("/a", Reply(500), Reply(503), Reply(body={"n": 1}))
    with make_client() as c:
        slept: list[float] = []
        c.sleep = slept.append
        assert c.get(portal.url + "/a").json() == {"n": 1}
    assert len(portal.hits("/a")) == 3
    assert slept == [0.01, 0.02]  # exponential


def test_5xx_gives_up_after_max_retries(portal: Portal) -> None:
    portal.route("/a", Reply(502))
    with make_client(max_retries=2) as c, pytest.raises(http.RemoteError) as e:
        c.get(portal.url + "/a")
    assert e.value.status == 502
    assert e.value.url == portal.url + "/a"
    assert len(portal.hits("/a")) == 3


def test_429_honours_retry_after(portal: Portal) -> None:
    portal.sequence("/a", Reply(429, headers={"Retry-After": "1"}), Reply(body=[1]))
    with make_client() as c:
        start = time.monotonic()
        assert c.get(portal.url + "/a").json() == [1]
        assert time.monotonic() - start >= 1.0


def test_retry_after_beyond_total_wait_is_an_error(portal: Portal) -> None:
    portal.route("/a", Reply(429, headers={"Retry-After": "3600"}))
    with make_client(max_total_wait=10) as c, pytest.raises(http.RemoteError) as e:
        c.get(portal.url + "/a")
    assert e.value.status == 429
    assert "total wait" in str(e.value)
    assert len(portal.hits("/a")) == 1


def test_retry_after_http_date() -> None:
    assert http._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert http._retry_after("7") == 7.0
    assert http._retry_after("soon") is None


def test_4xx_is_not_retried(portal: Portal, client: PoliteClient) -> None:
    portal.route("/a", Reply(404))
    with pytest.raises(http.RemoteError) as e:
        client.get(portal.url + "/a")
    assert e.value.status == 404
    assert len(portal.hits("/a")) == 1


def test_read_timeout(portal: Portal) -> None:
    portal.route("/slow", Reply(body={}, delay=1.0))
    with make_client(read_timeout=0.2, max_retries=1) as c, pytest.raises(http.RequestTimeout):
        c.get(portal.url + "/slow")
    assert len(portal.hits("/slow")) == 2


def test_connection_refused() -> None:
    with make_client(max_retries=0) as c, pytest.raises(http.ConnectionFailed):
        c.get("http://127.0.0.1:1/")


def test_rate_limit_per_host(portal: Portal, client: PoliteClient) -> None:
    portal.route("/a", {})
    start = time.monotonic()
    for _ in range(4):
        client.get(portal.url + "/a", rate_limit=10)
    # Four requests at 10/s: at least three intervals of 0.1 s.
    assert time.monotonic() - start >= 0.29


def test_oversized_response_declared(portal: Portal) -> None:
    portal.route("/big", Reply(body=b"x" * 5000))
    with make_client(max_response_size=1000) as c, pytest.raises(http.ResponseTooLarge):
        c.get(portal.url + "/big")


def test_oversized_response_streamed(portal: Portal) -> None:
    # No Content-Length check possible when chunked: the stream is cut at the cap.
    def chunked(_request: object) -> Reply:
        return Reply(body=b"y" * 50_000)

    portal.route("/big", chunked)
    with make_client() as c, pytest.raises(http.ResponseTooLarge):
        c.get(portal.url + "/big", max_size=10_000)


def test_truncated_body(portal: Portal) -> None:
    portal.route("/cut", Reply(body=b'{"results": [1, 2, 3]}', truncate_to=8))
    with make_client(max_retries=0) as c, pytest.raises(http.ConnectionFailed):
        c.get(portal.url + "/cut")


def test_malformed_json(portal: Portal, client: PoliteClient) -> None:
    portal.route("/bad", Reply(body=b'{"results": [1, 2'))
    with pytest.raises(http.PayloadError) as e:
        client.get(portal.url + "/bad").json()
    assert e.value.url == portal.url + "/bad"


def test_conditional_get(portal: Portal, client: PoliteClient) -> None:
    def handler(request: object) -> Reply:
        assert hasattr(request, "headers")
        if request.headers.get("If-None-Match") == '"v1"':  # type: ignore[attr-defined]
            return Reply(304)
        return Reply(body={"dataset": []},
                     headers={"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"})

    portal.route("/data.json", handler)
    first = client.get(portal.url + "/data.json")
    assert first.etag == '"v1"' and not first.not_modified
    second = client.get(portal.url + "/data.json", etag=first.etag,
                        last_modified=first.last_modified)
    assert second.not_modified
    assert portal.hits("/data.json")[1].headers["If-Modified-Since"] == first.last_modified


def test_redirects_followed_and_bounded(portal: Portal) -> None:
    portal.route("/r1", Reply(302, headers={"Location": "/r2"}))
    portal.route("/r2", Reply(301, headers={"Location": portal.url + "/final"}))
    portal.route("/final", {"here": 1})
    portal.route("/loop", Reply(302, headers={"Location": "/loop"}))
    with make_client(max_redirects=3) as c:
        response = c.get(portal.url + "/r1")
        assert response.json() == {"here": 1}
        assert response.url == portal.url + "/final"
        with pytest.raises(http.TooManyRedirects):
            c.get(portal.url + "/loop")
    assert len(portal.hits("/loop")) == 4


@pytest.mark.parametrize("target", [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata, link-local
    "http://10.1.2.3/",
    "http://192.168.0.1/",
    "http://[::1]:8080/",
    "http://224.0.0.1/",
    "http://0.0.0.0/",
])
def test_redirect_to_private_address_is_refused(portal: Portal, client: PoliteClient,
                                                target: str) -> None:
    portal.route("/go", Reply(302, headers={"Location": target}))
    with pytest.raises(http.UrlRefused) as e:
        client.get(portal.url + "/go")
    assert e.value.url == target


def test_loopback_refused_unless_allowed(portal: Portal) -> None:
    portal.route("/a", {})
    with PoliteClient(HttpSettings.defaults(rate_limit=0)) as c, pytest.raises(http.UrlRefused):
        c.get(portal.url + "/a")
    with PoliteClient(HttpSettings.defaults(rate_limit=0, allow_private=True)) as c:
        assert c.get(portal.url + "/a").status == 200
    assert len(portal.requests) == 1


def test_hostname_resolving_to_loopback_is_refused() -> None:
    with PoliteClient(HttpSettings.defaults()) as c, pytest.raises(http.UrlRefused):
        c.get("http://localhost:9/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://x/"])
def test_only_http_schemes(client: PoliteClient, url: str) -> None:
    with pytest.raises(http.UrlRefused):
        client.get(url)


def test_connected_address_is_checked_again() -> None:
    # The connection-level guard refuses a peer even when the URL check was passed.
    policy = http.TargetPolicy(["127.0.0.1"])
    assert policy.address_allowed("127.0.0.1", "127.0.0.1")
    assert not policy.address_allowed("evil.example", "10.0.0.1")
    assert not policy.address_allowed("evil.example", "::ffff:127.0.0.2")
    assert policy.address_allowed("example.org", "93.184.215.14")
    assert http.TargetPolicy(["intranet.example"]).address_allowed("intranet.example", "10.0.0.1")


def test_private_redirect_drops_nothing_upstream(portal: Portal, client: PoliteClient) -> None:
    """Headers meant for one host are not sent to another one after a redirect."""
    other = Portal()
    other.thread.start()
    try:
        other.route("/b", {})
        portal.route("/a", Reply(302, headers={"Location": other.url.replace("127.0.0.1",
                                                                             "127.0.0.1") + "/b"}))
        client.get(portal.url + "/a", headers={"X-App-Token": "secret"})
        assert portal.hits("/a")[0].headers.get("X-App-Token") == "secret"
        assert "X-App-Token" not in other.hits("/b")[0].headers
    finally:
        other.server.shutdown()
        other.server.server_close()


def test_xml_entity_expansion_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><root>&lol2;</root>')
    with pytest.raises(http.UnsafeXml):
        http.parse_xml(bomb, "http://x/")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<r>&x;</r>')
    with pytest.raises(http.UnsafeXml):
        http.parse_xml(xxe, "http://x/")
    assert http.parse_xml(b"<r><a>1</a></r>").findtext("a") == "1"


def test_truncated_xml() -> None:
    with pytest.raises(http.PayloadError) as e:
        http.parse_xml(b"<rdf:RDF><a>", "http://x/feed")
    assert e.value.url == "http://x/feed"


def test_settings_defaults_come_from_declaration() -> None:
    settings = HttpSettings.defaults()
    assert settings.connect_timeout > 0 and settings.read_timeout > 0
    assert settings.allowed_hosts == () and settings.allow_private is False
    assert settings.max_redirects == 5


@pytest.mark.ckan_config("ckanext.opengov.http.user_agent", "Configured UA (+https://x.ca)")
@pytest.mark.ckan_config("ckanext.opengov.http.allowed_hosts", "127.0.0.1 10.0.0.0/8")
def test_settings_from_config() -> None:
    settings = HttpSettings.from_config()
    assert settings.user_agent == "Configured UA (+https://x.ca)"
    assert settings.allowed_hosts == ("127.0.0.1", "10.0.0.0/8")


def test_connection_level_guard_catches_rebinding(portal: Portal,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolved to a public address at check time, then to loopback, is refused."""
    portal.route("/a", {})
    with PoliteClient(HttpSettings.defaults(rate_limit=0, max_retries=0)) as c:
        # Simulates the DNS answer changing between the URL check and the connection.
        monkeypatch.setattr(c.policy, "check_url", lambda url: None)
        with pytest.raises(http.UrlRefused) as e:
            c.get(portal.url + "/a")
    assert e.value.url == portal.url + "/a"
    assert portal.requests == []
