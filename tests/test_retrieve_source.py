"""Retrieval outcomes, each from a real local server: ok (with title/author/date),
404, 410, paywalled teaser, PDF, image, JS-only shell, oversized body (declared
and streamed), slow server, slow drip, mislabelled encoding, robots.txt."""

from __future__ import annotations

import time

import pytest
from retrieve_helpers import HTML, PAGES, _server, make_settings, page, serve_original, web  # noqa: F401
from werkzeug import Response

from provenance.retrieve.fetch import Fetcher, FetchError
from provenance.retrieve.source import retrieve_source


def _retrieve(web, tmp_path, url, **settings):
    return retrieve_source(url, Fetcher(make_settings(tmp_path, web, archive=False, **settings)))


def test_ok_extracts_text_title_author_date(web, tmp_path):
    url = serve_original(web)
    doc, r = _retrieve(web, tmp_path, url)
    assert r.status == "ok" and r.ok and r.http_status == 200 and r.final_url == url and not r.from_cache
    assert r.retrieved_at and r.retrieved_at.endswith("Z")
    assert doc.title.startswith("Harbor City approves $42 million flood barrier")
    assert doc.author == "Dana Whitfield"
    assert doc.date == "2025-03-14"
    assert "voted 7 to 2" in doc.text and "The Coastal Ledger</a>" not in doc.text
    assert doc.url == url


@pytest.mark.parametrize("status,expected", [(404, "not_found"), (410, "gone"), (500, "http_error"),
                                             (403, "http_error")])
def test_http_errors(web, tmp_path, status, expected):
    web.expect_request("/a").respond_with_data("<html><body>Nothing here</body></html>", status=status,
                                               content_type=HTML)
    doc, r = _retrieve(web, tmp_path, web.url_for("/a"))
    assert doc is None and r.status == expected and r.http_status == status and not r.ok
    assert str(status) in r.message and "\n" not in r.message


def test_paywalled_teaser(web, tmp_path):
    web.expect_request("/premium").respond_with_data(page("paywall.html"), content_type=HTML)
    doc, r = _retrieve(web, tmp_path, web.url_for("/premium"))
    assert doc is None and r.status == "paywalled"
    assert "teaser" in r.message


def test_paywall_signals_with_full_text_are_not_a_paywall(web, tmp_path):
    """A metered or leaky wall: the signals are there but so is the whole article."""
    html = page("original.html").replace("</article>", '<div class="paywall">Subscribe to continue reading</div>'
                                         "</article>")
    web.expect_request("/metered").respond_with_data(html, content_type=HTML)
    doc, r = _retrieve(web, tmp_path, web.url_for("/metered"))
    assert r.status == "ok" and doc is not None


def test_pdf_is_not_an_article(web, tmp_path):
    web.expect_request("/report.pdf").respond_with_data((PAGES / "tiny.pdf").read_bytes(),
                                                        content_type="application/pdf")
    doc, r = _retrieve(web, tmp_path, web.url_for("/report.pdf"))
    assert doc is None and r.status == "not_article" and "PDF" in r.message


def test_pdf_served_as_html_is_still_a_pdf(web, tmp_path):
    web.expect_request("/liar").respond_with_data((PAGES / "tiny.pdf").read_bytes(), content_type=HTML)
    _, r = _retrieve(web, tmp_path, web.url_for("/liar"))
    assert r.status == "not_article" and "PDF" in r.message


def test_image_is_not_an_article(web, tmp_path):
    web.expect_request("/photo.png").respond_with_data(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    _, r = _retrieve(web, tmp_path, web.url_for("/photo.png"))
    assert r.status == "not_article" and "image/png" in r.message


def test_javascript_shell_is_not_an_article(web, tmp_path):
    web.expect_request("/app").respond_with_data(page("js_shell.html"), content_type=HTML)
    _, r = _retrieve(web, tmp_path, web.url_for("/app"))
    assert r.status == "not_article" and "JavaScript" in r.message


def test_oversized_body_declared(web, tmp_path):
    web.expect_request("/big").respond_with_data(b"<html>" + b"x" * 50_000, content_type=HTML)
    _, r = _retrieve(web, tmp_path, web.url_for("/big"), max_fetch_bytes=10_000)
    assert r.status == "too_large"


def test_oversized_body_streamed_without_length(web, tmp_path):
    def handler(request):
        def body():
            yield b"<html><body>"
            for _ in range(100):
                yield b"<p>" + b"y" * 1000 + b"</p>"
        return Response(body(), content_type=HTML)  # chunked: no Content-Length to trust

    web.expect_request("/stream").respond_with_handler(handler)
    _, r = _retrieve(web, tmp_path, web.url_for("/stream"), max_fetch_bytes=20_000)
    assert r.status == "too_large"


def test_slow_server_times_out(web, tmp_path):
    def slow(request):
        time.sleep(3)
        return Response(page("original.html"), content_type=HTML)

    web.expect_request("/slow").respond_with_handler(slow)
    t0 = time.monotonic()
    doc, r = _retrieve(web, tmp_path, web.url_for("/slow"), timeout=1.0)
    assert time.monotonic() - t0 < 2.5
    assert doc is None and r.status == "timeout"


def test_slow_drip_hits_the_wall_clock_limit(web, tmp_path):
    """Each byte arrives within the read timeout, but the whole page takes too long."""
    def drip(request):
        def body():
            yield b"<html><body><p>"
            for _ in range(40):
                time.sleep(0.1)
                yield b"word "
        return Response(body(), content_type=HTML)

    web.expect_request("/drip").respond_with_handler(drip)
    t0 = time.monotonic()
    _, r = _retrieve(web, tmp_path, web.url_for("/drip"), timeout=1.0)
    assert r.status == "timeout" and time.monotonic() - t0 < 2.5


def test_mislabelled_encoding_is_decoded(web, tmp_path):
    """Declared UTF-8 (header and meta), actually Windows-1252: decoded correctly, not mojibake."""
    web.expect_request("/old-cms").respond_with_data((PAGES / "mislabelled_cp1252.html").read_bytes(),
                                                     content_type="text/html; charset=utf-8")
    doc, r = _retrieve(web, tmp_path, web.url_for("/old-cms"))
    assert r.status == "ok"
    assert "María Álvarez" in doc.text and "\ufffd" not in doc.text


def test_robots_txt_disallow_is_respected_and_can_be_overridden(web, tmp_path):
    web.expect_request("/robots.txt").respond_with_data("User-agent: provenance\nDisallow: /private/\n",
                                                        content_type="text/plain")
    url = serve_original(web, "/private/story.html")
    _, r = _retrieve(web, tmp_path, url, respect_robots=True)
    assert r.status == "blocked_by_robots" and "--ignore-robots" in r.message
    assert not any(req.path == "/private/story.html" for req, _ in web.log)

    doc, r = _retrieve(web, tmp_path, url, respect_robots=False)
    assert r.status == "ok" and doc is not None


def test_robots_txt_allows_other_paths_and_missing_robots_allows(web, tmp_path):
    web.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n",
                                                        content_type="text/plain")
    _, r = _retrieve(web, tmp_path, serve_original(web, "/news/story.html"), respect_robots=True)
    assert r.status == "ok"
    web.clear()
    web.expect_request("/robots.txt").respond_with_data("", status=404)
    _, r = _retrieve(web, tmp_path, serve_original(web, "/private/other.html"), respect_robots=True, refresh=True)
    assert r.status == "ok"


def test_fetch_error_carries_status(web, tmp_path):
    with pytest.raises(FetchError) as err:
        Fetcher(make_settings(tmp_path, web, offline=True)).get(web.url_for("/never-fetched"))
    assert err.value.status == "not_in_cache"
