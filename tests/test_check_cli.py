"""`provenance check`: exit codes, the retrieval section, the seed summary on a
machine without internet."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from conftest import SEED_SUMMARY
from retrieve_helpers import HTML, _server, base_url, page, serve_original, web  # noqa: F401

from provenance.cli import main
from provenance.errors import ExitCode

NYT = "https://www.nytimes.com/2026/01/01/world/americas/venezuela-prisoner-release.html"


def _run(args, tmp_path, web=None, input=None):
    extra = ["--encoder", "hashing", "--no-checker", "--cache", str(tmp_path / "cache.sqlite3"), "--timeout", "3"]
    env = {"PROVENANCE_ARCHIVE_BASE": base_url(web)} if web is not None else {}
    # args last: a repeated option's last value wins, so a test can override the defaults
    return CliRunner().invoke(main, ["check", *extra, *args], input=input, env=env, catch_exceptions=False)


@pytest.fixture
def local_archive(web, monkeypatch):
    """The archive is the local server (PROVENANCE_ARCHIVE_BASE, set in _run), answering
    'no copy'; no pause between its requests."""
    from provenance.retrieve.archive import RATE_LIMIT

    monkeypatch.setattr(RATE_LIMIT, "wait", lambda interval: None)
    web.expect_request("/wayback/available").respond_with_json({"archived_snapshots": {}})
    web.expect_request("/cdx/search/cdx").respond_with_json([])
    return web


def _summary(tmp_path, url):
    p = tmp_path / "summary.txt"
    p.write_text(page("summary.txt", ORIGINAL_URL=url))
    return str(p)


def test_ok_exit_0_and_retrieval_section(web, local_archive, tmp_path):
    url = serve_original(web)
    out = tmp_path / "r.json"
    res = _run([_summary(tmp_path, url), "--allow-private", "--format", "json", "-o", str(out)], tmp_path, web)
    assert res.exit_code == ExitCode.OK, res.output
    r = json.loads(out.read_text())["retrieval"]
    assert r["status"] == "ok" and r["requested_url"] == url and r["final_url"] == url
    assert r["from_cache"] is False and r["found_by"] == "read_full_line" and r["http_status"] == 200
    assert r["title"].startswith("Harbor City approves") and r["author"] == "Dana Whitfield"
    assert r["date"] == "2025-03-14"
    report = json.loads(out.read_text())
    assert report["counts"]["unverifiable"] == 0 and report["counts"]["supported"] >= 1


def test_without_allow_private_the_local_source_is_refused_exit_3(web, tmp_path):
    url = serve_original(web)
    res = _run([_summary(tmp_path, url), "--no-archive", "--format", "json"], tmp_path)
    assert res.exit_code == ExitCode.SOURCE_UNAVAILABLE
    report = json.loads(res.stdout)
    assert report["retrieval"]["status"] == "refused_private_address"
    assert {s["label"] for s in report["statements"]} == {"unverifiable"}
    assert web.log == []


def test_404_without_archive_copy_exit_3_one_line_reason(web, local_archive, tmp_path):
    web.expect_request("/gone").respond_with_data("no", status=404)
    res = _run([_summary(tmp_path, web.url_for("/gone")), "--allow-private", "--format", "json"], tmp_path, web)
    assert res.exit_code == ExitCode.SOURCE_UNAVAILABLE
    report = json.loads(res.stdout)
    msg = report["retrieval"]["message"]
    assert report["retrieval"]["status"] == "not_found" and "\n" not in msg and "no archived copy" in msg
    assert {s["label"] for s in report["statements"]} == {"unverifiable"}
    assert all(s["reasons"] == [f"source unavailable: {msg}"] for s in report["statements"])


def test_fail_on_unverifiable_gives_1(web, tmp_path):
    web.expect_request("/gone").respond_with_data("no", status=410)
    res = _run([_summary(tmp_path, web.url_for("/gone")), "--allow-private", "--no-archive",
                "--fail-on", "unverifiable", "--format", "json"], tmp_path)
    assert res.exit_code == ExitCode.FINDINGS


def test_source_flag_overrides_the_citation(web, tmp_path):
    url = serve_original(web, "/the-real-one")
    res = _run([_summary(tmp_path, "https://cited.example/elsewhere"), "--source", url, "--allow-private",
                "--no-archive", "--format", "json"], tmp_path)
    assert res.exit_code == ExitCode.OK, res.output
    r = json.loads(res.stdout)["retrieval"]
    assert r["requested_url"] == url and r["found_by"] == "--source"
    assert r["candidates"] == ["https://cited.example/elsewhere"]


def test_summary_from_stdin_and_offline_reuse(web, tmp_path):
    url = serve_original(web)
    text = page("summary.txt", ORIGINAL_URL=url)
    assert _run(["-", "--allow-private", "--no-archive", "--format", "json"], tmp_path, input=text).exit_code == 0
    web.clear()
    res = _run(["-", "--offline", "--format", "json"], tmp_path, input=text)
    assert res.exit_code == ExitCode.OK and json.loads(res.stdout)["retrieval"]["from_cache"] is True


def test_terminal_report_shows_the_retrieval_line(web, tmp_path):
    web.expect_request("/gone").respond_with_data("no", status=410)
    res = _run([_summary(tmp_path, web.url_for("/gone")), "--allow-private", "--no-archive"], tmp_path)
    assert res.exit_code == ExitCode.SOURCE_UNAVAILABLE
    assert "gone" in res.stdout and web.url_for("/gone") in res.stdout


@pytest.mark.parametrize("args", [["--offline", "--refresh"], ["--timeout", "0"]])
def test_usage_errors_exit_2(tmp_path, args):
    p = tmp_path / "s.txt"
    p.write_text("A claim.\nSource: https://example.com/a\n")
    res = _run([str(p), *args], tmp_path)
    assert res.exit_code == ExitCode.USAGE


def test_missing_summary_file_exit_2(tmp_path):
    res = _run([str(tmp_path / "nope.txt")], tmp_path)
    assert res.exit_code == ExitCode.USAGE and "not found" in res.output


def test_seed_summary_without_internet(local_archive, tmp_path):
    """The issue's acceptance case.  No internet here: the NYT host does not resolve
    (or times out within --timeout 3); the archive is the local server, so nothing
    reaches a real host either way."""
    if not SEED_SUMMARY.exists():
        pytest.skip(f"the seed summary is not at {SEED_SUMMARY} (it lives in ../shared beside the checkout)")
    t0 = time.monotonic()
    # --allow-private only so the local archive can be reached; the NYT fetch fails either way
    res = _run([str(SEED_SUMMARY), "--allow-private", "--format", "json"], tmp_path, local_archive)
    assert time.monotonic() - t0 < 30  # bounded by --timeout, never a hang
    assert res.exit_code == ExitCode.SOURCE_UNAVAILABLE
    report = json.loads(res.stdout)
    r = report["retrieval"]
    assert r["requested_url"] == NYT and r["found_by"] == "read_full_line"
    assert r["status"] in ("unreachable", "timeout")
    assert r["message"] and "\n" not in r["message"]
    labels = [s["label"] for s in report["statements"]]
    assert labels and "supported" not in labels and "invented" not in labels
    assert "self_declared_hypothetical" in {n["code"] for n in report["notices"]}
    # the archive was asked (locally) and had nothing
    assert "no archived copy" in r["message"]
    assert any(req.path == "/wayback/available" for req, _ in local_archive.log)
