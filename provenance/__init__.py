"""provenance: check a summary against the original it claims to summarize.

    >>> import provenance
    >>> report = provenance.compare(summary_text, source_text)
    >>> report.verdict, report.counts

Importing this package is light: models load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["compare", "check", "Report", "Settings", "Label", "__version__"]

from .records import Label, Report  # noqa: E402
from .settings import Settings  # noqa: E402


def compare(summary, source, settings: "Settings | None" = None) -> "Report":
    """Compare a summary (text or Document) with its source; returns a Report."""
    from .pipeline import compare as _compare

    return _compare(summary, source, settings)


def check(summary, source_url: "str | None" = None, settings: "Settings | None" = None) -> "Report":
    """Check a summary (a path, '-', a URL or a Document) against the original it
    cites (or ``source_url``): retrieved safely, with archive fallback and a cache.
    ``report.retrieval`` says how the original was obtained, or why not."""
    from .retrieve.check import check as _check

    return _check(summary, source_url, settings)
