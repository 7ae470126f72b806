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
from pathlib import Path

FORMATS = ("terminal", "json", "markdown", "html")


def write_atomic(text: str, path: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
