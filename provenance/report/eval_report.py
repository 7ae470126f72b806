"""Terminal rendering of an evaluation run (``provenance eval``): metrics,
confusion matrix, throughput and the worst mistakes with their evidence."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..evaluate import EvalRun, summary_label


@contextmanager
def progress(console: Console, quiet: bool, label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), disable=quiet) as bar:
        task = bar.add_task(label, total=None)
        yield lambda n: bar.update(task, advance=n)


def render(run: EvalRun, console: Console, n_mistakes: int = 3) -> None:
    m = run.metrics
    console.rule(f"[bold]{run.path}[/] — {len(run.items)} pairs")
    table = Table(show_header=True)
    for col in ("metric", "value"):
        table.add_column(col)
    table.add_row("balanced accuracy", f"{m['all']['bacc']:.3f}  (TPR {m['all']['tpr']:.3f}, TNR {m['all']['tnr']:.3f})")
    if "macro_f1" in m:
        f1 = m["f1"]
        table.add_row("3-way macro-F1", f"{m['macro_f1']:.3f}  (" + ", ".join(f"{k} {v:.3f}" for k, v in f1.items()) + ")")
    for ds, r in m.get("by_dataset", {}).items():
        table.add_row(f"  balanced accuracy [{ds}]", f"{r['bacc']:.3f}  (n={r['n']})")
    table.add_row("coverage", f"{m['coverage']:.3f}")
    t = m["throughput"]
    table.add_row("throughput", f"{t['pairs_per_s']:.2f} pairs/s, {t['statements']} statements, {t['seconds']:.1f} s")
    console.print(table)

    conf = m["confusion"]
    preds = sorted({p for row in conf.values() for p in row})
    ct = Table(title="confusion (rows gold, columns predicted)")
    ct.add_column("gold")
    for p in preds:
        ct.add_column(p, justify="right")
    for gold, row in conf.items():
        ct.add_row(gold, *(str(row.get(p, 0)) for p in preds))
    console.print(ct)

    for item, report, kind in run.mistakes(n_mistakes):
        console.print(Text(f"{kind}: {item.id} gold={item.label or ('supported' if item.faithful else 'unfaithful')} "
                           f"predicted={summary_label(report)}", style="bold"))
        for v in report.verdicts:
            console.print(Text(f"  [{v.label.value} {v.confidence:.2f}] {v.statement.text[:200]}"))
            if v.evidence:
                console.print(Text(f"    source [{v.evidence[0].score:.2f}]: {v.evidence[0].text[:200]}", style="dim"))
            for r in v.reasons[1:4]:
                console.print(Text(f"    - {r}", style="dim"))
