"""Per-source-domain statistics, computed from the results store.

Everything the aggregate renderers show is decided here (rates included), so
they only lay it out.  Rates of altered and invented statements are over the
statements that could be checked (not unverifiable): a domain whose pages are
paywalled should show as a retrieval problem, not as a faithful source.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .runner import AuditStats
from .store import ResultStore, now

NO_SOURCE = "(no cited source)"  # the summary names no original
NO_SUMMARY = "(summary unavailable)"  # the summary itself could not be had, so neither could its citation
RETRIEVED = frozenset({"ok", "archived", "local"})


@dataclass(frozen=True, slots=True)
class DomainStats:
    domain: str
    items: int
    retrieved: int  # items whose original was had (from the site or the archive)
    archived: int  # of those, from the archive
    retrieval_failures: int  # items whose original could not be had
    failed: int  # items with status failed (retried with --retry-failed)
    statements: int
    checked: int  # statements not unverifiable
    supported: int
    altered: int
    invented: int
    unverifiable: int
    altered_rate: float | None  # altered / checked; None when nothing was checked
    invented_rate: float | None
    retrieval_failure_rate: float  # retrieval_failures / items


@dataclass(frozen=True, slots=True)
class WorstItem:
    id: str
    line: int
    summary: str
    source_url: str | None
    domain: str
    verdict: str
    altered: int
    invented: int
    checked: int
    share: float  # (altered + invented) / checked
    html: str | None  # link to its HTML report, relative to the aggregate's HTML; None when not written


@dataclass(frozen=True, slots=True)
class FailedItem:
    id: str
    line: int
    summary: str
    reason: str


@dataclass(frozen=True, slots=True)
class AuditAggregate:
    generated_at: str
    items: int
    done: int
    failed: int
    labels: tuple[tuple[str, int], ...]  # statement label -> count, all items
    verdicts: tuple[tuple[str, int], ...]  # item verdict -> count
    retrieval: tuple[tuple[str, int], ...]  # retrieval status -> items, most common first
    retrieval_failure_rate: float
    checked: int  # statements not unverifiable, all items
    altered_rate: float | None
    invented_rate: float | None
    domains: tuple[DomainStats, ...]  # most items first
    worst: tuple[WorstItem, ...]
    failures: tuple[FailedItem, ...]  # the first ones, in input order
    n_failures: int
    run: AuditStats | None = None  # the last run's timings, when there was one


def _rate(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def worst_items(store: ResultStore, n: int) -> list[WorstItem]:
    """Items with the largest share of altered + invented statements (then the most
    invented, then the most such statements); items without any are never "worst"."""
    ranked = []
    for r in store.rows(with_report=False):
        checked = r.supported + r.altered + r.invented
        if r.verdict is None or not checked or not (r.altered + r.invented):
            continue
        share = (r.altered + r.invented) / checked
        ranked.append((-share, -r.invented, -(r.altered + r.invented), r.line,
                       WorstItem(r.id, r.line, r.summary, r.source_url, r.domain or NO_SOURCE, r.verdict or "",
                                 r.altered, r.invented, checked, round(share, 4), None)))
    ranked.sort(key=lambda t: t[:4])
    return [t[-1] for t in ranked[:n]]


def aggregate(store: ResultStore, *, worst: list[WorstItem] | None = None, n_worst: int = 10,
              n_failures: int = 20, run: AuditStats | None = None) -> AuditAggregate:
    labels: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    retrieval: Counter[str] = Counter()
    per: dict[str, Counter[str]] = {}
    failures: list[FailedItem] = []
    items = done = failed = 0
    for r in store.rows(with_report=False):
        items += 1
        done += r.status == "done"
        failed += r.status == "failed"
        if r.retrieval_status is None:
            key, rstatus = r.domain or NO_SUMMARY, "summary_unavailable"
        else:
            key, rstatus = r.domain or NO_SOURCE, r.retrieval_status
        retrieval[rstatus] += 1
        if r.verdict:
            verdicts[r.verdict] += 1
        c = per.setdefault(key, Counter())
        c["items"] += 1
        c["retrieved"] += rstatus in RETRIEVED
        c["archived"] += rstatus == "archived"
        c["retrieval_failures"] += rstatus not in RETRIEVED
        c["failed"] += r.status == "failed"
        for label in ("supported", "altered", "invented", "unverifiable"):
            n = getattr(r, label)
            c[label] += n
            labels[label] += n
        if r.status == "failed" and len(failures) < n_failures:
            failures.append(FailedItem(r.id, r.line, r.summary, r.error or rstatus))
    domains = []
    for key, c in per.items():
        checked = c["supported"] + c["altered"] + c["invented"]
        domains.append(DomainStats(
            domain=key, items=c["items"], retrieved=c["retrieved"], archived=c["archived"],
            retrieval_failures=c["retrieval_failures"], failed=c["failed"],
            statements=checked + c["unverifiable"], checked=checked, supported=c["supported"],
            altered=c["altered"], invented=c["invented"], unverifiable=c["unverifiable"],
            altered_rate=_rate(c["altered"], checked), invented_rate=_rate(c["invented"], checked),
            retrieval_failure_rate=_rate(c["retrieval_failures"], c["items"]) or 0.0))
    domains.sort(key=lambda d: (-d.items, d.domain))
    checked_all = labels["supported"] + labels["altered"] + labels["invented"]
    n_retrieval_failures = sum(n for s, n in retrieval.items() if s not in RETRIEVED)
    return AuditAggregate(
        generated_at=now(), items=items, done=done, failed=failed,
        labels=tuple((k, labels[k]) for k in ("supported", "altered", "invented", "unverifiable")),
        verdicts=tuple((k, verdicts[k]) for k in ("supported", "altered", "invented", "unverifiable")),
        retrieval=tuple(sorted(retrieval.items(), key=lambda kv: (-kv[1], kv[0]))),
        retrieval_failure_rate=_rate(n_retrieval_failures, items) or 0.0,
        checked=checked_all, altered_rate=_rate(labels["altered"], checked_all),
        invented_rate=_rate(labels["invented"], checked_all),
        domains=tuple(domains), worst=tuple(worst if worst is not None else worst_items(store, n_worst)),
        failures=tuple(failures), n_failures=failed, run=run)
