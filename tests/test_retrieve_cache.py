"""The page cache: hits, --offline, --refresh, archive copies cached, the default
location, and surviving a crash mid-write."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from retrieve_helpers import HTML, _server, make_settings, page, serve_original, web  # noqa: F401

from provenance.retrieve.cache import PageCache, default_cache_path
from provenance.retrieve.check import check
from provenance.retrieve.fetch import Fetcher, Page

SUMMARY = ("The Harbor City Council voted 7 to 2 on Thursday night to build a $42 million flood barrier along the "
           "eastern waterfront.\nRead the full article at: {U}\n")


def _hits(web, path):
    return sum(1 for req, _ in web.log if req.path == path)


def _summary_file(tmp_path, url):
    p = tmp_path / "summary.txt"
    p.write_text(SUMMARY.replace("{U}", url))
    return str(p)


def test_second_run_uses_the_cache(web, tmp_path):
    url = serve_original(web)
    summary = _summary_file(tmp_path, url)
    first = check(summary, settings=make_settings(tmp_path, web))
    second = check(summary, settings=make_settings(tmp_path, web))
    assert _hits(web, "/ledger/2025/03/14/flood-barrier.html") == 1
    assert not first.retrieval.from_cache and second.retrieval.from_cache
    assert second.retrieval.retrieved_at == first.retrieval.retrieved_at  # when it was really fetched
    assert second.source.text == first.source.text
    assert [v.label for v in second.verdicts] == [v.label for v in first.verdicts]


def test_offline_uses_only_the_cache(web, tmp_path):
    url = serve_original(web)
    summary = _summary_file(tmp_path, url)
    check(summary, settings=make_settings(tmp_path, web))
    web.clear()  # the server now answers nothing useful: a network fetch would fail
    report = check(summary, settings=make_settings(tmp_path, web, offline=True))
    assert report.retrieval.status == "ok" and report.retrieval.from_cache
    assert web.log == []


def test_offline_without_a_cached_copy_is_unverifiable(web, tmp_path):
    url = serve_original(web)
    report = check(_summary_file(tmp_path, url), settings=make_settings(tmp_path, web, offline=True))
    assert report.retrieval.status == "not_in_cache" and "--offline" in report.retrieval.message
    assert {v.label.value for v in report.verdicts} == {"unverifiable"}
    assert web.log == []


def test_refresh_refetches_and_replaces(web, tmp_path):
    url = serve_original(web)
    summary = _summary_file(tmp_path, url)
    check(summary, settings=make_settings(tmp_path, web))
    report = check(summary, settings=make_settings(tmp_path, web, refresh=True))
    assert _hits(web, "/ledger/2025/03/14/flood-barrier.html") == 2 and not report.retrieval.from_cache


def test_archive_copies_are_cached_too(web, tmp_path):
    path = "/ledger/2025/03/14/gone.html"
    web.expect_request(path).respond_with_data("gone", status=404)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {"closest": {
        "available": True, "status": "200", "timestamp": "20250315000000", "url": "x"}}})
    snap_path = f"/web/20250315000000id_/{web.url_for(path)}"
    web.expect_request(snap_path).respond_with_data(page("original.html"), content_type=HTML)
    summary = _summary_file(tmp_path, web.url_for(path))
    first = check(summary, settings=make_settings(tmp_path, web))
    assert first.retrieval.status == "archived" and not first.retrieval.from_cache
    web.clear()
    again = check(summary, settings=make_settings(tmp_path, web, offline=True))
    assert again.retrieval.status == "archived" and again.retrieval.from_cache
    assert again.retrieval.archive_timestamp == "20250315000000"
    assert web.log == []


def test_transient_errors_are_not_cached(web, tmp_path):
    web.expect_request("/flaky").respond_with_data("busy", status=503)
    cache = PageCache(tmp_path / "c.sqlite3")
    Fetcher(make_settings(tmp_path, web), cache).get(web.url_for("/flaky"))
    assert cache.get(web.url_for("/flaky")) is None


def test_cache_keeps_url_final_url_status_headers_and_time(web, tmp_path):
    final = serve_original(web, "/final")
    web.expect_request("/start").respond_with_data("", status=301, headers={"Location": "/final"})
    cache = PageCache(tmp_path / "c.sqlite3")
    Fetcher(make_settings(tmp_path, web), cache).get(web.url_for("/start"))
    got = cache.get(web.url_for("/start"))
    assert got.final_url == final and got.http_status == 200 and got.from_cache
    assert got.header("Content-Type") == HTML and got.retrieved_at.endswith("Z")
    assert got.body == page("original.html").encode()


def test_default_location_honours_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PROVENANCE_CACHE", str(tmp_path / "mine.sqlite3"))
    assert default_cache_path() == tmp_path / "mine.sqlite3"
    monkeypatch.delenv("PROVENANCE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_path() == tmp_path / "xdg" / "provenance" / "pages.sqlite3"


def test_survives_a_crash_mid_write(tmp_path):
    """A process killed in the middle of writing a page leaves the cache readable,
    with the earlier page intact and no half-written new one."""
    path = tmp_path / "c.sqlite3"
    cache = PageCache(path)
    cache.put(Page("https://a.example/", "https://a.example/", 200, (("Content-Type", "text/html"),), b"<p>old</p>",
                   "2025-01-01T00:00:00Z"))
    cache.close()
    crash = textwrap.dedent(f"""
        import os
        from provenance.retrieve.cache import PageCache
        c = PageCache({str(path)!r})
        c._db.execute("BEGIN")
        c._db.execute("INSERT OR REPLACE INTO pages (url, final_url, http_status, headers, body, retrieved_at) "
                      "VALUES ('https://a.example/', 'x', 200, '[]', zeroblob(1000000), 'now')")
        c._db.execute("INSERT INTO pages (url, final_url, http_status, headers, body, retrieved_at) "
                      "VALUES ('https://b.example/', 'x', 200, '[]', zeroblob(1000000), 'now')")
        os._exit(9)  # no commit, no cleanup: as if killed
    """)
    proc = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    cache = PageCache(path)
    assert cache.get("https://a.example/").body == b"<p>old</p>"
    assert cache.get("https://b.example/") is None and len(cache) == 1


def test_unusable_cache_path_is_a_clear_error(tmp_path):
    from provenance.errors import InputError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(InputError, match="cannot open the page cache"):
        PageCache(blocker / "sub" / "c.sqlite3")
