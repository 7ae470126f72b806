"""Safe fetching: schemes, credentials, the connected-address check on every
redirect hop, redirect caps.  Real HTTP on 127.0.0.1; no internet."""

from __future__ import annotations

import socket

import pytest
from pytest_httpserver import HTTPServer
from retrieve_helpers import HTML, _server, make_settings, page, serve_original, web  # noqa: F401

from provenance.retrieve import safety
from provenance.retrieve.fetch import Fetcher, FetchError


@pytest.mark.parametrize("address,forbidden", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("10.0.0.5", True), ("172.16.3.4", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("0.0.0.0", True), ("100.64.0.1", True), ("224.0.0.1", True),
    ("::1", True), ("::", True), ("fe80::1", True), ("fc00::1", True),
    ("::ffff:127.0.0.1", True), ("::ffff:10.1.2.3", True), ("64:ff9b::7f00:1", True),
    ("8.8.8.8", False), ("151.101.1.164", False), ("2606:4700::1111", False), ("::ffff:8.8.8.8", False),
])
def test_forbidden_addresses(address, forbidden):
    assert safety.is_forbidden_address(address) is forbidden


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a", "gopher://x", "javascript:alert(1)",
                                 "http://user:pw@example.com/", "http:///nohost", "http://example.com:99999/"])
def test_refused_urls(url, tmp_path):
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path)).get(url)
    assert err.value.status == "unsafe_url"


def test_loopback_refused_without_allow_private(web, tmp_path):
    url = serve_original(web)
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path, web, allow_private=False)).get(url)
    assert err.value.status == "refused_private_address"
    assert "127.0.0.1" in err.value.message and "--allow-private" in err.value.message
    assert web.log == []  # refused after connect, before a single byte of the request


def test_name_resolving_to_loopback_refused(web, tmp_path):
    """The check is on the connected address, so a DNS name is no way around it."""
    url = serve_original(web).replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path, web, allow_private=False)).get(url)
    assert err.value.status == "refused_private_address"


@pytest.fixture
def internal_server():
    """A second server on another loopback address, standing in for a private host."""
    try:
        server = HTTPServer(host="127.0.0.2", port=0)
        server.start()
    except OSError as exc:  # pragma: no cover - only where 127.0.0.2 is not routed to lo
        pytest.skip(f"cannot bind 127.0.0.2 here: {exc}")
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def public_127_0_0_1(monkeypatch):
    """Pretend 127.0.0.1 is a public address (the 'site' a summary cites) while every
    other loopback/private address stays forbidden."""
    real = safety.is_forbidden_address
    monkeypatch.setattr(safety, "is_forbidden_address", lambda a: False if a == "127.0.0.1" else real(a))


def test_redirect_into_private_address_refused(web, internal_server, public_127_0_0_1, tmp_path):
    internal_server.expect_request("/latest/meta-data/").respond_with_data("secret-token", content_type="text/plain")
    target = internal_server.url_for("/latest/meta-data/")
    web.expect_request("/story").respond_with_data("", status=302, headers={"Location": target})
    fetcher = Fetcher(make_settings(tmp_path, web, allow_private=False))
    with pytest.raises(FetchError) as err:
        fetcher.get(web.url_for("/story"))
    assert err.value.status == "refused_private_address"
    assert "127.0.0.2" in err.value.message
    assert len(web.log) == 1  # the public hop was made ...
    assert internal_server.log == []  # ... the private one never received a request


def test_redirect_into_private_address_followed_with_allow_private(web, internal_server, tmp_path):
    internal_server.expect_request("/article").respond_with_data(page("original.html"), content_type=HTML)
    web.expect_request("/story").respond_with_data("", status=301,
                                                   headers={"Location": internal_server.url_for("/article")})
    got = Fetcher(make_settings(tmp_path, web, allow_private=True)).get(web.url_for("/story"))
    assert got.http_status == 200
    assert got.final_url == internal_server.url_for("/article")
    assert got.redirects == (internal_server.url_for("/article"),)


def test_redirect_to_file_scheme_refused(web, tmp_path):
    web.expect_request("/story").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path, web)).get(web.url_for("/story"))
    assert err.value.status == "unsafe_url"


def test_redirect_chain_within_cap_and_loop_beyond(web, tmp_path):
    final = serve_original(web, "/final")
    web.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=308, headers={"Location": final})
    got = Fetcher(make_settings(tmp_path, web)).get(web.url_for("/a"))
    assert got.final_url == final and got.http_status == 200

    web.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path, web, max_redirects=3)).get(web.url_for("/loop"))
    assert err.value.status == "too_many_redirects"
    assert len([r for r in web.log if r[0].path == "/loop"]) == 4  # the first request and 3 redirects


def test_user_agent_names_the_tool(web, tmp_path):
    serve_original(web, "/ua")
    Fetcher(make_settings(tmp_path, web)).get(web.url_for("/ua"))
    assert web.log[-1][0].headers["User-Agent"].startswith("provenance/")


def test_unreachable_port(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path)).get(f"http://127.0.0.1:{port}/x")
    assert err.value.status == "unreachable"
