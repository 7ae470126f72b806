"""A readable terminal report (rich): colour per label, evidence under each
statement, changes as ``summary wording -> source wording``, counts, verdict."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from ..records import Label, Report

STYLE = {
    Label.SUPPORTED: "green",
    Label.ALTERED: "yellow",
    Label.INVENTED: "red",
    Label.UNVERIFIABLE: "bright_black",
}
ICON = {Label.SUPPORTED: "✔", Label.ALTERED: "≠", Label.INVENTED: "✘", Label.UNVERIFIABLE: "?"}


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(report: Report) -> Group:
    parts = []
    verdict = report.verdict
    title = Text.assemble(("Verdict: ", "bold"), (f"{ICON[verdict]} {verdict.value.upper()}", f"bold {STYLE[verdict]}"))
    parts.append(title)
    counts = report.counts
    parts.append(Text("  ".join(f"{k}: {counts[k]}" for k in counts)))
    summ = report.summary.document
    parts.append(Text(f"Summary: {summ.title or summ.origin}"))
    if report.source is not None:
        src = report.source
        parts.append(Text(f"Source:  {src.title or src.url or src.origin}"))
    if report.retrieval is not None:
        r = report.retrieval
        line = f"Retrieval: {r.status}"
        if r.requested_url:
            line += f" — {r.requested_url}"
        if r.archive_url:
            line += f" (archived copy {r.archive_timestamp}: {r.archive_url})"
        if r.message:
            line += f" — {r.message}"
        if r.from_cache:
            line += f" (from the cache, fetched {r.retrieved_at})"
        parts.append(Text(line))
        if r.candidates:
            parts.append(Text("Also cited (not used): " + ", ".join(r.candidates)))
    if report.summary.cited_urls and report.retrieval is None:
        parts.append(Text("Cited source: " + ", ".join(report.summary.cited_urls)))
    for n in report.notices:
        parts.append(Text(f"⚠ {n.message}", style="bold magenta"))
    return Group(*parts)


def render(report: Report, console: Console) -> None:
    console.print(Panel(_header(report), title="provenance", expand=True))
    for v in report.verdicts:
        style = STYLE[v.label]
        head = Text.assemble((f"{ICON[v.label]} {v.label.value.upper():<12}", f"bold {style}"),
                             (f" {v.confidence:.2f}  ", "dim"), (_clip(v.statement.text, 400), ""))
        console.print(head)
        for c in v.changes:
            if c.source_text is not None:
                console.print(Text.assemble(("    changed ", "yellow"), (f"{c.kind}: ", "bold"),
                                            (f"{c.summary_text}", "red"), (" -> ", ""), (f"{c.source_text}", "green")))
            else:
                console.print(Text.assemble(("    not in source ", "red"), (f"{c.kind}: ", "bold"),
                                            (c.summary_text, "red")))
        if v.evidence:
            e = v.evidence[0]
            # For an invented statement the best passage does not back it: say "closest".
            lead = "    closest in source " if v.label is Label.INVENTED else "    source "
            console.print(Text.assemble((lead, "dim"), (f"[{e.score:.2f}] ", "dim"), (_clip(e.text), "italic")))
        elif v.reasons:
            console.print(Text("    " + escape(v.reasons[0]), style="dim"))
    if report.summary.furniture:
        kinds: dict[str, int] = {}
        for f in report.summary.furniture:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        console.print(Text("Not judged (furniture): " + ", ".join(f"{k} {n}" for k, n in kinds.items()), style="dim"))
