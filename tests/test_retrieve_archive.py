"""Internet Archive fallback, with the local server acting as the archive
(availability API, CDX, raw ``id_`` snapshots)."""

from __future__ import annotations

import json
import re
import time

from retrieve_helpers import HTML, _server, make_settings, page, serve_original, web  # noqa: F401
from werkzeug import Response

from provenance.retrieve.archive import RATE_LIMIT, to_timestamp
from provenance.retrieve.fetch import Fetcher
from provenance.retrieve.source import retrieve_source

GONE_PATH = "/ledger/2025/03/14/flood-barrier.html"


def _archive_requests(web):
    return [req for req, _ in web.log if req.path.startswith(("/wayback/", "/cdx/", "/web/"))]


def _serve_snapshots(web, timestamps: set[str], body: str | None = None):
    """Raw captures at /web/<ts>id_/<url>; other timestamps are 404s."""
    def handler(request):
        m = re.match(r"^/web/(\d{14})id_/(.+)$", request.full_path.rstrip("?"))
        if not m or m.group(1) not in timestamps:
            return Response("no such capture", status=404)
        return Response(body or page("original.html"), content_type=HTML)

    web.expect_request(re.compile(r"^/web/.*")).respond_with_handler(handler)


def test_404_falls_back_to_the_closest_snapshot(web, tmp_path):
    web.expect_request(GONE_PATH).respond_with_data("gone", status=404)
    original = web.url_for(GONE_PATH)
    asked = []

    def available(request):
        asked.append(dict(request.args))
        return Response(json.dumps({"archived_snapshots": {"closest": {
            "available": True, "status": "200", "timestamp": "20250315101500",
            "url": f"http://archive.example/web/20250315101500/{original}"}}}), content_type="application/json")

    web.expect_request("/wayback/available").respond_with_handler(available)
    _serve_snapshots(web, {"20250315101500"})
    doc, r = retrieve_source(original, Fetcher(make_settings(tmp_path, web)), summary_date="2025-03-15")
    assert r.status == "archived" and r.ok and r.original_status == "not_found"
    assert r.archive_timestamp == "20250315101500"
    assert r.archive_url.endswith(f"/web/20250315101500/{original}")
    assert "2025-03-15" in r.message and "\n" not in r.message
    assert asked == [{"url": original, "timestamp": "20250315"}]  # near the summary's date
    assert doc.url == original and doc.title.startswith("Harbor City approves") and "voted 7 to 2" in doc.text


def test_cdx_when_availability_has_nothing_picks_the_capture_closest_to_the_date(web, tmp_path):
    web.expect_request(GONE_PATH).respond_with_data("gone", status=410)
    original = web.url_for(GONE_PATH)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {}})
    rows = [["timestamp", "original", "statuscode"], ["20240101000000", original, "200"],
            ["20250316120000", original, "200"], ["20260101000000", original, "200"]]
    web.expect_request("/cdx/search/cdx").respond_with_json(rows)
    _serve_snapshots(web, {"20250316120000"})
    # no summary date: the date in the original's URL (/2025/03/14/) is used
    doc, r = retrieve_source(original, Fetcher(make_settings(tmp_path, web)))
    assert r.status == "archived" and r.original_status == "gone"
    assert r.archive_timestamp == "20250316120000"
    cdx = [req for req in _archive_requests(web) if req.path.startswith("/cdx/")][0]
    assert cdx.args["filter"] == "statuscode:200" and cdx.args["output"] == "json"


def test_paywalled_original_uses_the_archive_copy(web, tmp_path):
    web.expect_request("/premium").respond_with_data(page("paywall.html"), content_type=HTML)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {"closest": {
        "available": True, "status": "200", "timestamp": "20250101000000", "url": "x"}}})
    _serve_snapshots(web, {"20250101000000"})
    doc, r = retrieve_source(web.url_for("/premium"), Fetcher(make_settings(tmp_path, web)))
    assert r.status == "archived" and r.original_status == "paywalled" and doc is not None


def test_no_archived_copy_says_so(web, tmp_path):
    web.expect_request(GONE_PATH).respond_with_data("gone", status=404)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {}})
    web.expect_request("/cdx/search/cdx").respond_with_json([])
    doc, r = retrieve_source(web.url_for(GONE_PATH), Fetcher(make_settings(tmp_path, web)))
    assert doc is None and r.status == "not_found"
    assert r.message.startswith("not found (HTTP 404)") and "no archived copy" in r.message


def test_429_stops_the_fallback_for_the_rest_of_the_run(web, tmp_path):
    web.expect_request(GONE_PATH).respond_with_data("gone", status=404)
    web.expect_request("/wayback/available").respond_with_data("slow down", status=429)
    fetcher = Fetcher(make_settings(tmp_path, web))
    doc, r = retrieve_source(web.url_for(GONE_PATH), fetcher)
    assert doc is None and r.status == "not_found" and "429" in r.message
    assert len(_archive_requests(web)) == 1  # no CDX after the 429
    assert RATE_LIMIT.blocked
    _, r2 = retrieve_source(web.url_for(GONE_PATH), Fetcher(make_settings(tmp_path, web, refresh=True)))
    assert "429" in r2.message and len(_archive_requests(web)) == 1  # not asked again


def test_no_archive_setting_turns_the_fallback_off(web, tmp_path):
    web.expect_request(GONE_PATH).respond_with_data("gone", status=404)
    doc, r = retrieve_source(web.url_for(GONE_PATH), Fetcher(make_settings(tmp_path, web, archive=False)))
    assert doc is None and r.status == "not_found" and "archive fallback off" in r.message
    assert _archive_requests(web) == []


def test_no_fallback_for_a_pdf(web, tmp_path):
    web.expect_request("/r.pdf").respond_with_data(b"%PDF-1.4 ...", content_type="application/pdf")
    _, r = retrieve_source(web.url_for("/r.pdf"), Fetcher(make_settings(tmp_path, web)))
    assert r.status == "not_article" and _archive_requests(web) == []


def test_archive_requests_are_spaced_by_the_shared_rate_limit():
    RATE_LIMIT.wait(0)
    t0 = time.monotonic()
    RATE_LIMIT.wait(0.3)
    assert time.monotonic() - t0 >= 0.29


def test_to_timestamp():
    assert to_timestamp("2025-03-15T08:00:00Z") == "20250315080000"
    assert to_timestamp("2025-03-15") == "20250315"
    assert to_timestamp("March 2025") is None and to_timestamp("2025-13-45") is None and to_timestamp(None) is None
