"""Resuming: a real `python -m provenance audit` process killed with SIGKILL in the
middle of a run; the rerun finishes the rest, and every item is in the store and
in results.jsonl exactly once, none of them redone."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from retrieve_helpers import HTML, _server, page, web  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
N = 30


def _serve(web, delay: dict):
    from werkzeug import Response

    local = web.url_for("/").rstrip("/").replace("127.0.0.1", "localhost")

    def summary(request):
        n = request.path.rsplit("/", 1)[1].removesuffix(".html")
        body = page("summary.html", ORIGINAL_URL=f"{local}/news/{n}.html", SUMMARY_URL=request.url)
        # a different first sentence per item: distinct summaries, distinct reports
        body = body.replace("7 to 2 on Thursday night", f"7 to 2 on Thursday night (item {n})")
        return Response(body, content_type=HTML)

    def original(request):
        time.sleep(delay["s"])  # slow originals: the kill lands while items are in flight
        return Response(page("original.html"), content_type=HTML)

    import re

    web.expect_request(re.compile(r"^/digest/\d+\.html$")).respond_with_handler(summary)
    web.expect_request(re.compile(r"^/news/\d+\.html$")).respond_with_handler(original)


def _audit(tmp_path, *extra):
    cmd = [sys.executable, "-m", "provenance", "audit", str(tmp_path / "urls.txt"), "-o", str(tmp_path / "out"),
           "--encoder", "hashing", "--no-checker", "--allow-private", "--no-archive",
           "--cache", str(tmp_path / "pages.sqlite3"), "--concurrency", "2", "--per-host", "2", "--chunk", "2",
           *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not there yet
        return 0


def test_sigkill_mid_run_then_rerun_completes_each_item_once(web, tmp_path):
    delay = {"s": 0.3}
    _serve(web, delay)
    (tmp_path / "urls.txt").write_text("".join(web.url_for(f"/digest/{i}.html") + "\n" for i in range(N)))
    db = tmp_path / "out" / "audit.sqlite3"

    proc = _audit(tmp_path, "-q")
    deadline = time.monotonic() + 120
    try:
        while _stored(db) < 4:
            assert proc.poll() is None, f"the audit ended before it could be killed: {proc.communicate()}"
            assert time.monotonic() < deadline, "the audit made no progress"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    finished_before = _stored(db)
    assert 4 <= finished_before < N, "the kill should land mid-run"
    assert not (tmp_path / "out" / "results.jsonl").exists()  # exports are made at the end, from the store

    delay["s"] = 0.0
    rerun = _audit(tmp_path, "--format", "json")
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    agg = json.loads(out)
    assert agg["items"] == N and agg["done"] == N and agg["failed"] == 0
    assert agg["run"]["skipped"] == finished_before and agg["run"]["done"] == N - finished_before

    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT id, attempts, status FROM items").fetchall()
    assert len(rows) == N == len({r[0] for r in rows})
    assert all(attempts == 1 for _, attempts, _ in rows), "a finished item was redone"
    assert {status for *_, status in rows} == {"done"}
    lines = [json.loads(x) for x in (tmp_path / "out" / "results.jsonl").read_text().splitlines()]
    assert len(lines) == N == len({x["id"] for x in lines})
    assert sorted(x["summary"] for x in lines) == sorted(web.url_for(f"/digest/{i}.html") for i in range(N))
