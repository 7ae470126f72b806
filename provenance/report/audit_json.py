"""The audit's aggregate as JSON (aggregate.json, and `audit --format json`)."""

from __future__ import annotations

import json
from dataclasses import asdict

from .. import __version__

FORMAT_VERSION = "1.0"


def to_dict(agg) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "tool": {"name": "provenance", "version": __version__},
        "generated_at": agg.generated_at,
        "items": agg.items,
        "done": agg.done,
        "failed": agg.failed,
        "labels": dict(agg.labels),
        "verdicts": dict(agg.verdicts),
        "retrieval": dict(agg.retrieval),
        "retrieval_failure_rate": agg.retrieval_failure_rate,
        "altered_rate": agg.altered_rate,
        "invented_rate": agg.invented_rate,
        "domains": [asdict(d) for d in agg.domains],
        "worst": [asdict(w) for w in agg.worst],
        "failures": [asdict(f) for f in agg.failures],
        "run": asdict(agg.run) if agg.run is not None else None,
    }


def render(agg) -> str:
    return json.dumps(to_dict(agg), ensure_ascii=False, indent=2) + "\n"
