"""Shared by the retrieval tests: a real HTTP server on 127.0.0.1 serving the
recorded pages in fixtures/pages/, and Settings that point everything at it
(the archive included), so no test can reach the internet."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from provenance.settings import Settings

PAGES = Path(__file__).parent / "fixtures" / "pages"
HTML = "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def _server():
    # threaded: a deliberately slow handler must not hold up the next request
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def web(_server):
    from provenance.retrieve.archive import RATE_LIMIT

    RATE_LIMIT.blocked = False
    _server.clear()
    yield _server
    _server.clear()
    RATE_LIMIT.blocked = False


def base_url(server: HTTPServer) -> str:
    return server.url_for("/").rstrip("/")


def make_settings(tmp_path: Path, server: HTTPServer | None = None, **changes) -> Settings:
    s = Settings(encoder="hashing", use_checker=False, use_ner=False, allow_private=True, respect_robots=False,
                 archive_base=base_url(server) if server else "http://127.0.0.1:9",  # port 9: discard, never a host
                 archive_interval=0.0, cache_path=str(tmp_path / "cache.sqlite3"), timeout=5.0)
    return s.with_(**changes)


def page(name: str, **subs: str) -> str:
    text = (PAGES / name).read_text(encoding="utf-8")
    for key, value in subs.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def serve_original(server: HTTPServer, path: str = "/ledger/2025/03/14/flood-barrier.html") -> str:
    server.expect_request(path).respond_with_data(page("original.html"), content_type=HTML)
    return server.url_for(path)
