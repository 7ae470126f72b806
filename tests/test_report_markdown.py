"""The Markdown report: goldens for the samples, one line per statement, and
escaping that keeps hostile page text literal when the report is pasted.

Regenerate the goldens on purpose with PROVENANCE_REGEN_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance.records import Label
from provenance.report import markdown

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
ROOT = HERE.parent
REGEN = os.environ.get("PROVENANCE_REGEN_GOLDEN") == "1"

from conftest import report_fixtures as fixtures  # noqa: E402

CASES = fixtures.cases()

# Dates and versions change from run to run; goldens keep a placeholder.
_VOLATILE = re.compile(r"^(- \*\*(?:Checked|Retrieved):\*\* ).*$", re.M)


def scrub(text: str) -> str:
    return _VOLATILE.sub(r"\1<scrubbed>", text)


def test_frozen_samples_exist():
    # The goldens below are only as good as the samples they cover.
    assert len(fixtures.sample_names()) >= 3


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_golden(name):
    got = scrub(markdown.render(CASES[name]()))
    path = GOLDEN / f"{name}.md"
    if REGEN:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden {path.name}: run with PROVENANCE_REGEN_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")


def test_scrub_hides_the_date_checked():
    text = markdown.render(fixtures.altered_report())
    assert "2026-03-20T12:00:00Z" in text
    assert "2026-03-20T12:00:00Z" not in scrub(text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict_counts_and_one_line_per_statement(name):
    report = CASES[name]()
    text = markdown.render(report)
    lines = text.splitlines()
    assert lines[0] == f"## provenance: {markdown.ICON[report.verdict]} {report.verdict.value}"
    counts = report.counts
    for label in Label:
        assert f"{markdown.ICON[label]} {counts[label.value]} {label.value}" in lines[2]
    items = [ln for ln in lines if re.match(r"^\d+\. ", ln)]
    assert len(items) == len(report.verdicts)
    for i, (line, v) in enumerate(zip(items, report.verdicts), start=1):
        assert line.startswith(f"{i}. {markdown.ICON[v.label]} **{v.label.value}**: ")


def test_altered_lines_show_both_wordings():
    text = markdown.render(fixtures.altered_report())
    assert "number: `6-3` vs source `7-2`" in text
    assert "hedge: `will close every weekend` vs source `may close on some weekends`" in text
    assert "quote `a tragedy for readers` not found in the source" in text
    # A statement with no change gets no trailing note.
    assert re.search(r"^8\. ✔ \*\*supported\*\*: Property taxes will stay at their current level\.$", text, re.M)


def test_unavailable_source_shows_retrieval_and_archive():
    text = markdown.render(fixtures.unavailable_report())
    assert "- **Source:** not available" in text
    assert "- **Retrieval:** not_found (HTTP 404): 404 Not Found" in text
    assert "<https://archive.example/web/20260301/https://news.example/mayor> (2026-03-01T08:00:00Z)" in text
    assert "> ⚠ The summary says it was written by an AI system." in text


@pytest.mark.parametrize("raw", ["6-3", "a `tick`", "``double``", "`edge", "multi\nline   text", "<b>&amp;</b>"])
def test_code_span_holds_any_text(raw):
    got = markdown.code(raw)
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").renderInline(got)
    inner = re.fullmatch(r"<code>(.*)</code>", html, re.S)
    assert inner, html
    assert inner.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == " ".join(raw.split())


def test_hostile_text_stays_literal_when_rendered_as_markdown():
    """Paste the report into a Markdown renderer (CommonMark with GFM tables,
    strikethrough and linkify): no tag, image or script link comes out."""
    from lxml import html as lhtml
    from markdown_it import MarkdownIt

    text = markdown.render(fixtures.hostile_report())
    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
    out = md.render(text)
    tree = lhtml.fragment_fromstring(out, create_parent="div")
    allowed = {"div", "h2", "p", "ul", "ol", "li", "strong", "em", "code", "blockquote", "a"}
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert tags <= allowed, tags - allowed
    for a in tree.iter("a"):
        assert re.match(r"https?://", a.get("href", "")), a.get("href")
    for el in tree.iter():
        assert not any(k.lower().startswith("on") for k in el.attrib), el.attrib
    # ... and the payloads are still there to read, as text.
    body = tree.text_content()
    assert "<script>window.__pwned=1;console.log('PWNED-script')</script>" in body
    assert "javascript:alert('PWNED-source-url')" in body


def test_cli_compare_writes_markdown(tmp_path):
    from provenance.cli import main

    sample = ROOT / "samples" / "council-budget"
    if not sample.exists():
        pytest.skip("samples/council-budget is not in this checkout")
    out = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["compare", str(sample / "summary.txt"), str(sample / "source.txt"),
                                       "--format", "markdown", "-o", str(out), "--encoder", "hashing",
                                       "--no-checker"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("## provenance: ")
    assert len([ln for ln in text.splitlines() if re.match(r"^\d+\. ", ln)]) == 8
