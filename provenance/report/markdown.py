"""The Markdown report, for pasting into tickets and CMS notes: the verdict,
the counts, the header facts and warnings, then one line per statement with
its label and, for altered (or any changed) statements, both wordings.

Page text is untrusted here too: Markdown and inline HTML in it are escaped so
that a pasted report cannot turn a summary's text into links, images or
markup; only http(s) URLs become autolinks.
"""

from __future__ import annotations

import re

from ..records import Change, Label, Report
from .html import ICON, change_wordings, header_facts, safe_url

# Characters that start Markdown constructs anywhere in a line: emphasis,
# links and images (no "[" means no "](" or "!["), code, inline HTML and
# autolinks, entities, GFM tables and strikethrough.  Our own prefix starts
# every line, so line-start constructs (#, -, +, 1.) cannot come from page text.
_SPECIAL = re.compile(r"([\\`*\[\]<>|~&])")
# "_" is escaped only where it could open or close emphasis, so that
# snake_case words and statuses such as not_found stay readable when pasted.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: str) -> str:
    """One line of literal text: whitespace collapsed, Markdown escaped."""
    return _UNDERSCORE.sub(r"\\_", _SPECIAL.sub(r"\\\1", " ".join(text.split())))


def code(text: str) -> str:
    """An inline code span that holds any text, backticks included
    (CommonMark: fence with a longer backtick run than the text has)."""
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _link(text: str, url: str | None) -> str:
    """An autolink for a safe URL at the start of the text, the rest escaped."""
    href = safe_url(url)
    if href and text.startswith(href) and "<" not in href and ">" not in href:
        rest = text[len(href):]
        return f"<{href}>" + (" " + escape(rest) if rest.strip() else "")
    return escape(text)


def _change(c: Change) -> str:
    summary_text, source_text = change_wordings(c)
    if source_text is None:
        missing = "not found in the source" if c.kind == "quote" else "not in the source"
        return f"{escape(c.kind)} {code(summary_text)} {missing}"
    return f"{escape(c.kind)}: {code(summary_text)} vs source {code(source_text)}"


def render(report: Report) -> str:
    verdict = report.verdict
    counts = report.counts
    lines = [f"## provenance: {ICON[verdict]} {verdict.value}", ""]
    lines.append(" · ".join(f"{ICON[label]} {counts[label.value]} {label.value}" for label in Label)
                 + f" ({len(report.verdicts)} statements)")
    lines.append("")
    for fact in header_facts(report):
        lines.append(f"- **{fact.label}:** {_link(fact.text, fact.url)}")
    if report.notices:
        lines.append("")
        for n in report.notices:
            lines.append(f"> ⚠ {escape(n.message)}")
    lines.append("")
    if not report.verdicts:
        lines.append("_No statements to check._")
    for i, v in enumerate(report.verdicts, start=1):
        line = f"{i}. {ICON[v.label]} **{v.label.value}**: {escape(v.statement.text)}"
        if v.changes:
            line += " — " + "; ".join(_change(c) for c in v.changes)
        lines.append(line)
    if report.summary.furniture:
        kinds: dict[str, int] = {}
        for f in report.summary.furniture:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        lines.append("")
        lines.append("_Not judged: " + ", ".join(f"{escape(k)} ×{n}" for k, n in kinds.items()) + "_")
    return "\n".join(lines) + "\n"
