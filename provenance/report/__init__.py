"""Renderers: one Report, many formats.  Renderers never compute labels or
scores; they only lay out what the pipeline decided.

``write(report_text, path)`` is the one output helper: '-' means stdout, and a
file is written atomically (temp file + rename), so a failure never leaves a
half-written output behind.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORMATS = ("terminal", "json", "markdown", "html")


@contextmanager
def atomic_file(path: str | Path, newline: str | None = None) -> Iterator:
    """Open ``path`` for writing through a temporary file beside it, renamed into
    place only when the block ends without an error: readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_atomic(text: str, path: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    with atomic_file(path) as fh:
        fh.write(text)
