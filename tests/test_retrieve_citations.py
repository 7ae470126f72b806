"""Finding the cited original: every citation pattern, end to end through a summary
page on the local server, and the rule that picks one of several."""

from __future__ import annotations

import json

import pytest
from retrieve_helpers import HTML, _server, make_settings, page, serve_original, web  # noqa: F401

from provenance.clean import clean_summary
from provenance.records import Document
from provenance.retrieve.check import check
from provenance.retrieve.citations import find_source, html_candidates

BODY = ("<p>The Harbor City Council voted 7 to 2 on Thursday night to build a $42 million flood barrier along the "
        "eastern waterfront.</p><p>Construction is expected to begin in September and to take about three years.</p>")


def _summary_page(head: str = "", foot: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Digest: flood barrier</title>{head}</head>"
            f"<body><article><h1>Harbor City votes for a flood barrier</h1>{BODY}{foot}</article></body></html>")


def _jsonld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# Each case: (name, head, foot, expected found_by).  {U} is the original's URL.
PATTERNS = [
    ("read_full", "", "<p>Read the Full The Coastal Ledger Article at:<br>[ {U} ]</p>", "read_full_line"),
    ("read_full_link", "", '<p>Read the full article at <a href="{U}">The Coastal Ledger</a>.</p>', "read_full_line"),
    ("source", "", '<p>Source: <a href="{U}">{U}</a></p>', "source_line"),
    ("read_more", "", '<p>Read more at <a href="{U}">The Coastal Ledger</a></p>', "citation_line"),
    ("originally", "", '<p>Originally published at <a href="{U}">The Coastal Ledger</a>.</p>',
     "originally_published_line"),
    ("appeared_first", "", '<p>The post Flood barrier approved appeared first on <a href="{U}">The Coastal Ledger</a>.'
     "</p>", "originally_published_line"),
    ("via", "", '<p>via <a href="{U}">The Coastal Ledger</a></p>', "via_line"),
    ("jsonld_isBasedOn", _jsonld({"@context": "https://schema.org", "@type": "Article",
                                  "isBasedOn": {"@type": "NewsArticle", "url": "{U}"}}), "", "jsonld_isBasedOn"),
    ("jsonld_citation", _jsonld({"@context": "https://schema.org", "@graph": [{"@type": "Article",
                                                                             "citation": ["{U}"]}]}), "",
     "jsonld_citation"),
    ("meta_original_source", '<meta name="original-source" content="{U}">', "", "meta_original_source"),
    ("canonical_elsewhere", '<link rel="canonical" href="{U}">', "", "canonical_elsewhere"),
    ("og_url_elsewhere", '<meta property="og:url" content="{U}">', "", "canonical_elsewhere"),
]


@pytest.mark.parametrize("name,head,foot,found_by", PATTERNS, ids=[p[0] for p in PATTERNS])
def test_summary_page_citing_its_source(web, tmp_path, name, head, foot, found_by):
    original = serve_original(web)
    if found_by == "canonical_elsewhere":
        # "another site": the same server under another host name
        original = original.replace("127.0.0.1", "localhost")
    html = _summary_page(head.replace("{U}", original), foot.replace("{U}", original))
    web.expect_request(f"/digest/{name}.html").respond_with_data(html, content_type=HTML)
    report = check(web.url_for(f"/digest/{name}.html"), settings=make_settings(tmp_path, web, archive=False))
    r = report.retrieval
    assert (r.status, r.requested_url, r.found_by) == ("ok", original, found_by)
    assert report.source.title.startswith("Harbor City approves")
    assert report.counts["unverifiable"] == 0


def test_canonical_on_the_same_site_is_not_a_source(web, tmp_path):
    url = web.url_for("/digest/self.html")
    html = _summary_page(f'<link rel="canonical" href="{url}"><meta property="og:url" content="{url}">')
    assert html_candidates(html, url) == []
    web.expect_request("/digest/self.html").respond_with_data(html, content_type=HTML)
    report = check(url, settings=make_settings(tmp_path, web, archive=False))
    assert report.retrieval.status == "no_source" and report.retrieval.requested_url is None
    assert "--source" in report.retrieval.message
    assert {v.label.value for v in report.verdicts} == {"unverifiable"}


def test_the_rule_picks_the_most_explicit_claim_and_lists_the_others():
    a, b, c, d = ("https://aggregator.example/x", "https://ledger.example/based-on", "https://ledger.example/full",
                  "https://elsewhere.example/canonical")
    text = f"A statement about the barrier.\nvia {a}\nRead the full article at: {c}\n"
    html = (f"<html><head>{_jsonld({'@type': 'Article', 'isBasedOn': b})}<link rel='canonical' href='{d}'></head>"
            f"<body><p>A statement about the barrier.</p></body></html>")
    chosen, others = find_source(clean_summary(Document(text)), html, "https://digest.example/s")
    assert chosen.url == c and chosen.kind == "read_full_line"
    assert [o.url for o in others] == [b, a, d]


def test_same_url_twice_counts_once_at_its_best_rank():
    u = "https://ledger.example/story"
    text = f"A statement.\nvia {u}\nSource: {u}/\n"
    chosen, others = find_source(clean_summary(Document(text)))
    assert chosen.url == u + "/" and chosen.kind == "source_line" and others == []  # the winner's spelling


def test_summary_page_linking_to_itself_is_not_its_source():
    own = "https://digest.example/s"
    html = f"<html><body><p>Claim.</p><p>Source: <a href='{own}'>this page</a></p></body></html>"
    chosen, others = find_source(clean_summary(Document("Claim.")), html, own)
    assert chosen is None and others == []


def test_broken_jsonld_is_ignored_not_fatal():
    html = "<html><head><script type='application/ld+json'>{not json</script></head><body><p>x</p></body></html>"
    assert html_candidates(html, "https://digest.example/") == []


def test_summary_fixture_page(web, tmp_path):
    """The recorded summary page: a visible link and JSON-LD isBasedOn name the same original."""
    original = serve_original(web)
    summary_url = web.url_for("/digest/harbor.html")
    web.expect_request("/digest/harbor.html").respond_with_data(
        page("summary.html", ORIGINAL_URL=original, SUMMARY_URL=summary_url), content_type=HTML)
    report = check(summary_url, settings=make_settings(tmp_path, web, archive=False))
    assert report.retrieval.requested_url == original and report.retrieval.found_by == "read_full_line"
    assert report.retrieval.candidates == ()  # the JSON-LD points to the same URL
    assert report.summary.document.url == summary_url


def test_saved_summary_page_takes_its_canonical_as_its_own_address(tmp_path, web):
    """A summary saved to a file: its canonical/og:url name the summary's own site, not a source."""
    original = serve_original(web)
    html = _summary_page('<link rel="canonical" href="https://digest.example/harbor">'
                         '<meta property="og:url" content="https://www.digest.example/harbor">',
                         f'<p>Source: <a href="{original}">The Coastal Ledger</a></p>')
    chosen, others = find_source(clean_summary(Document("x")), html, None)
    assert chosen.url == original and chosen.kind == "source_line" and others == []
    saved = tmp_path / "summary.html"
    saved.write_text(html)
    report = check(str(saved), settings=make_settings(tmp_path, web, archive=False))
    assert report.retrieval.status == "ok" and report.retrieval.requested_url == original
    assert report.retrieval.candidates == ()
