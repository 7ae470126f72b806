"""The audit's aggregate on a terminal, and its progress bar."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


@contextmanager
def progress(quiet: bool):
    """A rich progress bar on stderr: items done, failures, rate, ETA.  Yields
    (on_start, on_item) callbacks for the runner; with ``quiet`` nothing is drawn."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[failed]} failed"), TextColumn("{task.fields[rate]}"),
                   TimeRemainingColumn(), console=Console(stderr=True), disable=quiet)
    state = {"task": None, "failed": 0, "done": 0, "t0": None}

    def on_start(total: int, skipped: int) -> None:
        import time

        state["t0"] = time.perf_counter()
        state["task"] = bar.add_task("audit", total=total, completed=skipped, failed=0,
                                     rate=f"{skipped} already done" if skipped else "")

    def on_item(result) -> None:
        import time

        state["done"] += 1
        state["failed"] += result.status == "failed"
        rate = state["done"] / max(1e-9, time.perf_counter() - state["t0"])
        bar.update(state["task"], advance=1, failed=state["failed"], rate=f"{rate:.2f} items/s")

    with bar:
        yield on_start, on_item


def render(agg, console: Console, files=()) -> None:
    console.rule(f"[bold]audit[/] — {agg.items} items: {agg.done} done, {agg.failed} failed")
    t = Table(show_header=False, box=None)
    t.add_column()
    t.add_column()
    t.add_row("statements", ", ".join(f"{k} {v}" for k, v in agg.labels))
    t.add_row("verdicts", ", ".join(f"{k} {v}" for k, v in agg.verdicts))
    t.add_row("altered / invented", f"{_pct(agg.altered_rate)} / {_pct(agg.invented_rate)} of "
                                    f"{agg.checked} checked statements")
    t.add_row("retrieval", escape(", ".join(f"{k} {v}" for k, v in agg.retrieval))
              + f" (failure rate {_pct(agg.retrieval_failure_rate)})")
    if agg.run is not None:
        r = agg.run
        t.add_row("this run", f"{r.done + r.failed} items in {r.wall_s:.1f} s ({r.items_per_s:.2f} items/s, "
                              f"{r.sentences_per_s:.0f} sentences/s); {r.skipped} already done")
    console.print(t)

    d = Table(title="by source domain", show_lines=False)
    for col, just in (("domain", "left"), ("items", "right"), ("retrieval failures", "right"),
                      ("checked", "right"), ("altered", "right"), ("invented", "right")):
        d.add_column(col, justify=just)
    for s in agg.domains:
        d.add_row(escape(s.domain), str(s.items), f"{s.retrieval_failures} ({_pct(s.retrieval_failure_rate)})",
                  str(s.checked), f"{s.altered} ({_pct(s.altered_rate)})", f"{s.invented} ({_pct(s.invented_rate)})")
    console.print(d)

    if agg.worst:
        w = Table(title="worst items")
        for col in ("line", "id", "domain", "altered", "invented", "report"):
            w.add_column(col)
        for it in agg.worst:
            w.add_row(str(it.line), escape(it.id), escape(it.domain), f"{it.altered}/{it.checked}",
                      f"{it.invented}/{it.checked}", escape(it.html or "–"))
        console.print(w)
    if agg.failures:
        console.print(f"[bold]failed[/] ({agg.n_failures}; retry them with --retry-failed):")
        for f in agg.failures:
            console.print(f"  line {f.line}: {escape(f.summary[:80])} — {escape(f.reason)}", highlight=False)
    for kind, path in files:
        if kind != "report":
            console.print(f"{kind}: {escape(str(path))}", highlight=False)
