"""`provenance audit`: recorded pages on a local server (ok, 404, paywall, no cited
source, a summary page that is gone, a failing server), per-item statuses,
per-domain aggregates, the output files, resuming and --retry-failed."""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner
from retrieve_helpers import HTML, _server, base_url, make_settings, page, web  # noqa: F401

from provenance.audit import audit
from provenance.audit.store import ResultStore
from provenance.cli import main
from provenance.errors import ExitCode

ALTERED = """Harbor City Votes for Flood Barrier
The Harbor City Council voted 6 to 3 on Thursday night to build a $42 million flood barrier along the eastern waterfront.
Construction is expected to begin in September and to take about three years.
The city also bought 14 penguins from a zoo in Oslo for $9 million.
Read the Full The Coastal Ledger Article at:
[ {url} ]
"""

NO_CITATION = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Opinion | Digest</title></head><body>
<article><h1>Why the barrier matters</h1>
<p>The Harbor City Council voted to build a flood barrier along the eastern waterfront after a decade of debate.</p>
<p>Supporters say it will protect the Marsh End neighborhood from storm surges for generations.</p>
</article></body></html>"""


def _site(web):
    """Summaries on 127.0.0.1; originals on localhost (the same server under another
    host name, so the aggregate has two source domains)."""
    local = base_url(web).replace("127.0.0.1", "localhost")
    web.expect_request("/ledger/barrier.html").respond_with_data(page("original.html"), content_type=HTML)
    web.expect_request("/meridian/fleet.html").respond_with_data(page("paywall.html"), content_type=HTML)
    web.expect_request("/ledger/missing.html").respond_with_data("no such page", status=404)
    web.expect_request("/broken/story.html").respond_with_data("oops", status=503)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {}})
    web.expect_request("/cdx/search/cdx").respond_with_json([])

    def summary(path, original):
        web.expect_request(path).respond_with_data(
            page("summary.html", ORIGINAL_URL=original, SUMMARY_URL=web.url_for(path)), content_type=HTML)
        return web.url_for(path)

    urls = {
        "ok": summary("/digest/ok.html", f"{local}/ledger/barrier.html"),
        "gone": summary("/digest/gone.html", web.url_for("/ledger/missing.html")),
        "paywall": summary("/digest/paywall.html", f"{local}/meridian/fleet.html"),
        "broken": summary("/digest/broken.html", f"{local}/broken/story.html"),
    }
    web.expect_request("/digest/nocite.html").respond_with_data(NO_CITATION, content_type=HTML)
    urls["nocite"] = web.url_for("/digest/nocite.html")
    web.expect_request("/digest/deleted.html").respond_with_data("deleted", status=404)
    urls["deleted"] = web.url_for("/digest/deleted.html")
    return local, urls


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _settings(tmp_path, web):
    return make_settings(tmp_path, web, cache_path=str(tmp_path / "pages.sqlite3"))


def test_statuses_and_aggregate_over_recorded_pages(web, tmp_path):
    local, urls = _site(web)
    inp = tmp_path / "items.jsonl"
    lines = [
        {"id": "ok", "summary_url": urls["ok"]},
        {"id": "gone", "summary_url": urls["gone"]},
        {"id": "paywall", "summary_url": urls["paywall"]},
        {"id": "nocite", "summary_url": urls["nocite"]},
        {"id": "deleted", "summary_url": urls["deleted"]},
        {"id": "broken", "summary_url": urls["broken"]},
        # a summary given as text, with its original in the source column
        {"id": "mixed", "summary": ALTERED.format(url="(see source)"), "source_url": f"{local}/ledger/barrier.html"},
    ]
    inp.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = tmp_path / "results"
    outcome = audit(str(inp), out, _settings(tmp_path, web), concurrency=4, per_host=2)

    store = ResultStore(out / "audit.sqlite3")
    rows = {r.id: r for r in store.rows()}
    store.close()
    assert {k: (r.status, r.retrieval_status) for k, r in rows.items()} == {
        "ok": ("done", "ok"),
        "mixed": ("done", "ok"),
        "gone": ("done", "not_found"),
        "paywall": ("done", "paywalled"),
        "nocite": ("done", "no_source"),
        "deleted": ("failed", None),  # the summary page itself is gone: no report
        "broken": ("failed", "http_error"),  # a 503 may pass: retried on request
    }
    assert "summary page" in rows["deleted"].error and "404" in rows["deleted"].error
    # Unavailable originals: every statement unverifiable, never invented for lack of a source.
    for k in ("gone", "paywall", "nocite", "broken"):
        assert rows[k].unverifiable > 0 and rows[k].supported == rows[k].altered == rows[k].invented == 0, k
    assert rows["ok"].unverifiable == 0 and rows["ok"].supported >= 2
    # The audit judges exactly as `check` does, item for item.
    import provenance

    alone = provenance.check(urls["ok"], settings=_settings(tmp_path, web))
    assert alone.counts == {k: getattr(rows["ok"], k) for k in alone.counts}
    assert rows["mixed"].invented >= 1 and rows["mixed"].verdict == "invented"

    agg = outcome.aggregate
    assert (agg.items, agg.done, agg.failed) == (7, 5, 2)
    assert dict(agg.retrieval) == {"ok": 2, "not_found": 1, "paywalled": 1, "no_source": 1,
                                   "summary_unavailable": 1, "http_error": 1}
    by = {d.domain: d for d in agg.domains}
    assert set(by) == {"localhost", "127.0.0.1", "(no cited source)", "(summary unavailable)"}
    lh = by["localhost"]  # ok + mixed + paywall + broken
    assert (lh.items, lh.retrieved, lh.retrieval_failures, lh.failed) == (4, 2, 2, 1)
    assert lh.retrieval_failure_rate == 0.5
    assert lh.altered == rows["ok"].altered + rows["mixed"].altered
    assert lh.invented == rows["ok"].invented + rows["mixed"].invented
    assert lh.checked == sum(rows[k].supported + rows[k].altered + rows[k].invented for k in ("ok", "mixed"))
    assert lh.altered_rate == round(lh.altered / lh.checked, 4)
    assert (by["127.0.0.1"].items, by["127.0.0.1"].retrieval_failures) == (1, 1)  # the 404
    assert agg.retrieval_failure_rate == round(5 / 7, 4)
    assert dict(agg.labels) == {k: sum(getattr(r, k) for r in rows.values())
                                for k in ("supported", "altered", "invented", "unverifiable")}
    # The worst item is the one with an invented statement, and its HTML report was written and linked.
    assert agg.worst and agg.worst[0].id == "mixed"
    report_html = out / agg.worst[0].html
    assert report_html.is_file() and "<html" in report_html.read_text()

    # Outputs: one JSONL line and one CSV row per item, reports that match the store.
    results = _jsonl(out / "results.jsonl")
    assert sorted(r["id"] for r in results) == sorted(rows)
    by_id = {r["id"]: r for r in results}
    assert by_id["deleted"]["report"] is None and by_id["deleted"]["status"] == "failed"
    assert by_id["ok"]["report"]["retrieval"]["status"] == "ok"
    assert by_id["ok"]["report"]["counts"]["supported"] == rows["ok"].supported
    with open(out / "summary.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert [r["id"] for r in table] == ["ok", "gone", "paywall", "nocite", "deleted", "broken", "mixed"]
    assert table[6]["summary_url"] == "(text)" and table[6]["invented"] == str(rows["mixed"].invented)
    assert json.loads((out / "aggregate.json").read_text())["retrieval"]["paywalled"] == 1
    html = (out / "aggregate.html").read_text()
    from html import unescape

    assert "Content-Security-Policy" in html and "default-src 'none'" in unescape(html) and "<script" not in html
    assert f'href="{agg.worst[0].html}"' in html


def test_rerun_redoes_nothing_and_retry_failed_redoes_only_failures(web, tmp_path):
    _, urls = _site(web)
    inp = tmp_path / "urls.txt"
    inp.write_text("\n".join([urls["ok"], urls["broken"], urls["deleted"]]) + "\n")
    out = tmp_path / "results"
    first = audit(str(inp), out, _settings(tmp_path, web))
    assert (first.stats.done, first.stats.failed) == (1, 2)
    n_requests = len(web.log)

    again = audit(str(inp), out, _settings(tmp_path, web))
    assert (again.stats.skipped, again.stats.done, again.stats.failed) == (3, 0, 0)
    assert len(web.log) == n_requests  # nothing fetched again

    # The broken server is fixed; --retry-failed redoes the two failures only.
    web.clear()
    web.expect_request("/broken/story.html").respond_with_data(page("original.html"), content_type=HTML)
    _site(web)  # registered after: the first matching handler answers
    third = audit(str(inp), out, _settings(tmp_path, web), retry_failed=True)
    assert (third.stats.skipped, third.stats.done, third.stats.failed) == (1, 1, 1)
    store = ResultStore(out / "audit.sqlite3")
    rows = {r.summary: r for r in store.rows()}
    store.close()
    assert rows[urls["broken"]].status == "done" and rows[urls["broken"]].attempts == 2
    assert rows[urls["ok"]].attempts == 1
    assert len(_jsonl(out / "results.jsonl")) == 3


def test_malformed_lines_are_reported_with_line_numbers_and_skipped(web, tmp_path):
    _, urls = _site(web)
    inp = tmp_path / "items.jsonl"
    inp.write_text("\n".join([
        json.dumps({"summary_url": urls["ok"]}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"source_url": urls["ok"]}),
        "",
        json.dumps({"summary": "Some text.", "source_url": "ftp://example.com/x"}),
        json.dumps({"summary_url": urls["ok"]}),
    ]) + "\n")
    res = CliRunner().invoke(main, ["audit", str(inp), "-o", str(tmp_path / "r"), "--encoder", "hashing",
                                    "--no-checker", "--allow-private", "--cache", str(tmp_path / "c.sqlite3"),
                                    "--no-archive", "-q"], catch_exceptions=False)
    assert res.exit_code == ExitCode.OK, res.output
    err = res.stderr
    assert "line 2: not valid JSON" in err
    assert "line 3: expected a JSON object" in err
    assert "line 4: no summary" in err
    assert "line 6: 'source_url' is not an http(s) URL" in err
    assert "line 7: duplicate of line 1" in err
    assert len(_jsonl(tmp_path / "r" / "results.jsonl")) == 1
    assert res.stdout == ""  # quiet: nothing on stdout for cron


@pytest.mark.parametrize("name,content,expected", [
    ("urls.txt", "# summaries\n{ok}\nnot a url\n\n{nocite}\n", ["line 3: not an http(s) URL: not a url"]),
    ("items.csv", 'id,summary_url,source_url\na,{ok},\nb,{nocite},ftp://x\nc,"{nocite}",\nd,e\n',
     ["line 3: 'source_url' is not an http(s) URL: ftp://x", "line 5: 2 fields where the header has 3"]),
    ("feed.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>\n<item><link>{ok}</link></item>\n'
                 '<item><title>no link</title></item>\n<item><link>{nocite}</link></item>\n</channel></rss>\n',
     ["line 4: no link"]),
    ("sitemap.xml", '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                    '<url><loc>{ok}</loc></url>\n<url><loc>{nocite}</loc></url>\n</urlset>\n', []),
    ("atom.xml", '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><link rel="alternate" href="{ok}"/></entry>\n'
                 '<entry><link href="{nocite}"/></entry>\n</feed>\n', []),
])
def test_input_formats(web, tmp_path, name, content, expected):
    from provenance.audit.inputs import read_items

    _, urls = _site(web)
    p = tmp_path / name
    p.write_text(content.format(**urls))
    problems: list[str] = []
    items = read_items(str(p), problems)
    assert problems == expected
    assert [it.summary for it in items] == [urls["ok"], urls["nocite"]]
    # ids are derived from the content: the same on every run
    assert [it.id for it in read_items(str(p), [])] == [it.id for it in items]


@pytest.mark.parametrize("content,message", [
    (None, "audit input not found"),
    (b"\x00\x01binary", "looks like a binary file"),
    (b"\xff\xfe not utf8 \xff", "not valid UTF-8"),
    (b"<urlset><url><loc>http://x</loc></url>", "not well-formed XML"),
    (b"", "has no items"),
    (b'<sitemapindex><sitemap><loc>http://x/s.xml</loc></sitemap></sitemapindex>', "sitemap index"),
])
def test_unreadable_input_is_a_clear_error_exit_2(tmp_path, content, message):
    p = tmp_path / "input.txt"
    if content is not None:
        p.write_bytes(content)
    res = CliRunner().invoke(main, ["audit", str(p), "-o", str(tmp_path / "r"), "--encoder", "hashing",
                                    "--no-checker", "-q"])
    assert res.exit_code == ExitCode.USAGE
    assert res.stderr.startswith("provenance: error: ") and message in res.stderr
    assert res.stderr.count("\n") == 1


def test_cli_aggregate_json_and_fail_on(web, tmp_path):
    local, urls = _site(web)
    inp = tmp_path / "items.csv"
    inp.write_text("summary,link\n" + '"' + ALTERED.format(url="x").replace('"', '""') + '",'
                   + f"{local}/ledger/barrier.html\n")
    args = ["audit", str(inp), "-o", str(tmp_path / "r"), "--encoder", "hashing", "--no-checker",
            "--allow-private", "--cache", str(tmp_path / "c.sqlite3"), "--source-column", "link", "--format", "json"]
    env = {"PROVENANCE_ARCHIVE_BASE": base_url(web)}
    res = CliRunner().invoke(main, [*args, "--fail-on", "invented"], env=env, catch_exceptions=False)
    assert res.exit_code == ExitCode.FINDINGS, res.output
    agg = json.loads(res.stdout)
    assert agg["items"] == 1 and agg["domains"][0]["domain"] == "localhost"
    assert agg["labels"]["invented"] >= 1 and agg["run"]["done"] == 1
    res = CliRunner().invoke(main, [*args, "--fail-on", "unverifiable"], env=env, catch_exceptions=False)
    assert res.exit_code == ExitCode.OK and json.loads(res.stdout)["run"]["skipped"] == 1


def test_per_host_limit_holds(web, tmp_path):
    """No more than --per-host requests in flight to one host at any moment."""
    import threading
    import time

    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(request):
        from werkzeug import Response

        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.15)
        with lock:
            state["now"] -= 1
        return Response("no", status=404)

    web.expect_request(re.compile(r"^/s/\d+$")).respond_with_handler(slow)
    inp = tmp_path / "urls.txt"
    inp.write_text("".join(web.url_for(f"/s/{i}") + "\n" for i in range(8)))
    outcome = audit(str(inp), tmp_path / "r", _settings(tmp_path, web), concurrency=8, per_host=2)
    assert outcome.stats.failed == 8 and state["max"] == 2


def test_html_aggregate_escapes_hostile_input(tmp_path):
    from provenance.audit.aggregate import AuditAggregate, DomainStats, FailedItem, WorstItem
    from provenance.report import audit_html

    evil = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
    agg = AuditAggregate(
        generated_at="2026-01-01T00:00:00Z", items=2, done=1, failed=1, labels=(("supported", 1), ("altered", 1),
                                                                                ("invented", 0), ("unverifiable", 0)),
        verdicts=(("altered", 1),), retrieval=((evil, 1),), retrieval_failure_rate=0.5, checked=2,
        altered_rate=0.5, invented_rate=0.0,
        domains=(DomainStats(evil, 1, 1, 0, 0, 0, 2, 2, 1, 1, 0, 0, 0.5, 0.0, 0.0),),
        worst=(WorstItem(evil, 1, "javascript:alert(3)", "javascript:alert(4)", evil, "altered", 1, 0, 2, 0.5,
                         "javascript:alert(5)"),),
        failures=(FailedItem(evil, 2, evil, evil),), n_failures=1)
    html = audit_html.render(agg)
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and "javascript:alert(3)" in html  # shown as text, never a link
    assert "&lt;script&gt;" in html
