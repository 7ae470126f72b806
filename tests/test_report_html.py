"""The HTML report without a browser: a golden *structural* check (labels,
counts, offsets, links; not bytes), offset round trips on both sides, the CSP,
and hostile content that must come out inert.

Regenerate the structural goldens on purpose with PROVENANCE_REGEN_GOLDEN=1."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lhtml

from provenance.records import Label
from provenance.report import html

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
ROOT = HERE.parent
REGEN = os.environ.get("PROVENANCE_REGEN_GOLDEN") == "1"

from conftest import report_fixtures as fixtures  # noqa: E402

CASES = fixtures.cases()
VOLATILE_FACTS = {"Checked", "Retrieved"}


def parse(text: str):
    return lhtml.document_fromstring(text)


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def structure(doc) -> dict:
    """What a reader relies on, independent of markup details and styling."""
    summary = doc.get_element_by_id("summary-text")
    source = doc.get_element_by_id("source-text", None)
    return {
        "verdict": doc.get_element_by_id("verdict").get("data-verdict"),
        "counts": {li.get("data-label", "total"): int(li.get("data-count")) for li in doc.cssselect(".counts li")},
        "facts": [[f.cssselect("dt")[0].text_content(),
                   "<scrubbed>" if f.cssselect("dt")[0].text_content() in VOLATILE_FACTS
                   else f.cssselect("dd")[0].text_content(),
                   (f.cssselect("dd a") or [None])[0] is not None and f.cssselect("dd a")[0].get("href")]
                  for f in doc.cssselect(".facts .fact")],
        "notices": [li.get("data-code") for li in doc.cssselect(".notices li")],
        "statements": [[el.get("id"), el.get("data-label"), int(el.get("data-start")), int(el.get("data-end")),
                        [c.get("data-kind") for c in _changes_after(el)]]
                       for el in summary.cssselect(".stmt")],
        "furniture": [[el.get("data-kind"), int(el.get("data-start")), int(el.get("data-end"))]
                      for el in summary.cssselect(".furniture")],
        "changed_in_summary": [[int(p.get("data-start")), int(p.get("data-end"))] for p in summary.cssselect(".chg")],
        "source_pieces": None if source is None else [
            [int(p.get("data-start")), int(p.get("data-end")),
             sorted(c for c in classes(p) if c != "piece" and not c.startswith("evs-"))]
            for p in source.cssselect(".piece")],
        "unused_marks": len(doc.cssselect("#source-text .omit-tag")),
    }


def _changes_after(stmt):
    nxt = stmt.getnext()
    return nxt.cssselect(".change") if nxt is not None and "changes" in classes(nxt) else []


def _dump(d: dict) -> str:
    """One line per list item, so a golden diff points at the piece that moved."""
    out = ["{"]
    for i, (k, v) in enumerate(d.items()):
        comma = "," if i < len(d) - 1 else ""
        if isinstance(v, list) and v:
            items = ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in v)
            out.append(f"{json.dumps(k)}: [\n{items}\n]{comma}")
        else:
            out.append(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
    return "\n".join(out) + "\n}\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_html_structure_golden(name):
    got = structure(parse(html.render(CASES[name]())))
    path = GOLDEN / f"{name}.html.json"
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(_dump(got), encoding="utf-8")
    assert path.exists(), f"no golden {path.name}: run with PROVENANCE_REGEN_GOLDEN=1"
    assert got == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_labels_and_counts_come_from_the_report(name):
    report = CASES[name]()
    doc = parse(html.render(report))
    s = structure(doc)
    assert s["verdict"] == report.verdict.value
    assert s["counts"] == {**report.counts, "total": len(report.verdicts)}
    assert [st[1] for st in s["statements"]] == [v.label.value for v in report.verdicts]
    assert [(st[2], st[3]) for st in s["statements"]] == [(v.statement.start, v.statement.end)
                                                          for v in report.verdicts]
    # Colour is never the only cue: every statement carries its icon and word.
    for el, v in zip(doc.cssselect("#summary-text .stmt"), report.verdicts):
        badge = el.cssselect(".badge")[0].text_content()
        assert badge == f"{html.ICON[v.label]} {v.label.value}"
    legend = doc.cssselect(".legend")[0].text_content()
    for label in Label:
        assert f"{html.ICON[label]} {label.value}" in legend
    assert "not used" in legend and "not judged" in legend


def _round_trip(container, text: str) -> None:
    pieces = container.cssselect(".piece")
    pos = 0
    for p in pieces:
        a, b = int(p.get("data-start")), int(p.get("data-end"))
        assert a == pos, "pieces must tile the text with no gap or overlap"
        assert p.text_content() == text[a:b]
        pos = b
    assert pos == len(text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_both_texts_round_trip_through_the_pieces(name):
    report = CASES[name]()
    doc = parse(html.render(report))
    _round_trip(doc.get_element_by_id("summary-text"), report.summary.document.text)
    if report.source is not None:
        _round_trip(doc.get_element_by_id("source-text"), report.source.text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_evidence_is_highlighted_exactly_at_its_offsets(name):
    report = CASES[name]()
    doc = parse(html.render(report))
    if report.source is None:  # nothing to highlight: the source side says why instead
        assert doc.get_element_by_id("source-text", None) is None and doc.cssselect(".unavailable")
        return
    for vi, v in enumerate(report.verdicts):
        best = [p for p in doc.cssselect("#source-text .piece") if f"evb-{vi}" in classes(p)]
        if not v.evidence:
            assert not best
            continue
        e = v.evidence[0]
        assert best[0].get("data-start") == str(e.start) and best[-1].get("data-end") == str(e.end)
        assert "".join(p.text_content() for p in best) == report.source.text[e.start:e.end]
        for c in v.changes:
            if c.source_start is not None:
                marked = doc.get_element_by_id(f"sc-{vi}-{v.changes.index(c)}").getnext()
                while "anchor" in classes(marked):  # several anchors may precede one piece
                    marked = marked.getnext()
                assert "src-chg" in classes(marked)
                assert int(marked.get("data-start")) == c.source_start


def test_altered_changes_inline_with_both_wordings():
    doc = parse(html.render(fixtures.altered_report()))
    notes = [" ".join(c.text_content().split()) for c in doc.cssselect("#summary-text .change")]
    assert "number: summary says “6-3” vs source “7-2” see source" in notes
    assert ("hedge: summary says “will close every weekend” vs source “may close on some weekends” see source"
            in notes)
    assert "quote “a tragedy for readers” not found in the source" in notes
    chg = [p.text_content() for p in doc.cssselect("#summary-text .chg")]
    assert "6-3" in chg and "will close every weekend" in chg
    src_chg = [p.text_content() for p in doc.cssselect("#source-text .src-chg")]
    assert "7-2" in src_chg and "may close on some weekends" in src_chg


def test_omissions_and_furniture_are_marked():
    report = fixtures.altered_report()
    doc = parse(html.render(report))
    unused = "".join(p.text_content() for p in doc.cssselect("#source-text .unused"))
    assert "Residents can comment on the spending plan" in unused
    assert "fire station" in unused  # only an invented statement's nearest passage: not used
    assert "vote of 7-2" not in unused
    furniture = doc.cssselect("#summary-text .furniture")
    assert [f.get("data-kind") for f in furniture] == ["title", "citation"]
    assert all("not judged" in f.cssselect(".badge")[0].text_content() for f in furniture)
    assert not doc.cssselect("#summary-text .furniture a"), "furniture text is never a link"


def test_unavailable_source_header():
    doc = parse(html.render(fixtures.unavailable_report()))
    facts = {f.cssselect("dt")[0].text_content(): f.cssselect("dd")[0] for f in doc.cssselect(".facts .fact")}
    assert facts["Retrieval"].text_content() == "not_found (HTTP 404): 404 Not Found"
    archive = facts["Archive snapshot"].cssselect("a")[0]
    assert archive.get("href") == "https://archive.example/web/20260301/https://news.example/mayor"
    assert archive.get("rel") == "noopener noreferrer"
    assert facts["Checked"].text_content() == "2026-03-20T12:00:00Z"
    assert doc.get_element_by_id("source-text", None) is None
    assert "could not be retrieved" in doc.cssselect(".unavailable")[0].text_content()
    assert [li.get("data-code") for li in doc.cssselect(".notices li")] == ["machine_written"]


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_is_strict_and_allows_exactly_our_style_and_script():
    text = html.render(fixtures.altered_report())
    doc = parse(text)
    head = doc.find("head")
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    meta = head[1]
    assert meta.get("http-equiv") == "Content-Security-Policy"
    csp = {d.split()[0]: d.split()[1:] for d in meta.get("content").split("; ")}
    assert csp["default-src"] == ["'none'"]
    assert "unsafe" not in meta.get("content")
    styles, scripts = doc.findall(".//style"), doc.findall(".//script")
    assert len(styles) == 1 and len(scripts) == 1
    # Hash the raw text between the tags, as the browser does.
    style_text = re.search(r"<style>(.*?)</style>", text, re.S).group(1)
    script_text = re.search(r"<script>(.*?)</script>", text, re.S).group(1)
    assert csp["style-src"] == [_sha(style_text)]
    assert csp["script-src"] == [_sha(script_text)]
    # Self-contained: nothing to fetch.
    assert not doc.xpath("//*[@src]") and not doc.xpath("//link")
    assert "url(" not in style_text and "@import" not in style_text and "@font-face" not in style_text


def test_hostile_content_is_inert():
    report = fixtures.hostile_report()
    text = html.render(report)
    doc = parse(text)
    assert len(doc.findall(".//script")) == 1
    for tag in ("img", "svg", "iframe", "object", "embed", "textarea", "form", "base", "link"):
        assert not doc.findall(f".//{tag}"), tag
    assert len(doc.findall(".//style")) == 1 and len(doc.findall(".//title")) == 1
    for el in doc.iter():
        if isinstance(el.tag, str):
            assert not [k for k in el.attrib if k.lower().startswith("on")], (el.tag, el.attrib)
    for a in doc.iter("a"):
        href = a.get("href")
        assert href.startswith("#") or re.match(r"https?://", href), href
        if not href.startswith("#"):
            assert a.get("rel") == "noopener noreferrer"
    assert doc.get_element_by_id("evil", None) is None
    # The payloads are shown as text where they belong.
    _round_trip(doc.get_element_by_id("summary-text"), report.summary.document.text)
    _round_trip(doc.get_element_by_id("source-text"), report.source.text)
    facts = {f.cssselect("dt")[0].text_content(): f.cssselect("dd")[0] for f in doc.cssselect(".facts .fact")}
    assert facts["Source URL"].text_content() == "javascript:alert('PWNED-source-url')"
    assert not facts["Source URL"].cssselect("a")
    assert doc.find(".//title").text_content().startswith("provenance: invented — <img src=x onerror")


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a?b=1#c", True), ("http://example.org", True), ("HTTPS://EXAMPLE.ORG/", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), (" javascript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("data:text/html,x", False), ("//example.org/x", False), ("/relative", False),
    ("https://", False), ("vbscript:x", False), ("https://exa mple.org", False), ("", False), (None, False),
])
def test_only_http_urls_become_links(url, ok):
    assert (html.safe_url(url) is not None) is ok
    if ok:
        assert html.safe_url(url) == url


def test_cli_compare_writes_html(tmp_path):
    from provenance.cli import main

    sample = ROOT / "samples" / "council-budget"
    if not sample.exists():
        pytest.skip("samples/council-budget is not in this checkout")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["compare", str(sample / "summary.txt"), str(sample / "source.txt"),
                                       "--format", "html", "-o", str(out), "--encoder", "hashing", "--no-checker"])
    assert result.exit_code == 0, result.output
    doc = parse(out.read_text(encoding="utf-8"))
    assert len(doc.cssselect("#summary-text .stmt")) == 8
    _round_trip(doc.get_element_by_id("source-text"), (sample / "source.txt").read_text(encoding="utf-8"))
