"""Many text pairs in, one JSON report per line out (``provenance batch``).

The model loads once; pairs go through the engine in chunks so the encoder
sees many sentences per call.  The output file is written to a temporary file
beside the target and renamed at the end (report.atomic_file): an interrupted
run leaves no half-written results.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .pipeline import Pair, get_engine
from .records import Document
from .report import atomic_file
from .settings import Settings


def json_objects(lines: Iterable[str], problems: list[str],
                 max_bytes: int | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each JSON-object line; blank lines are skipped and
    bad ones described in ``problems`` (shared by `batch` and `audit`)."""
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if max_bytes is not None and len(line) > max_bytes:
            problems.append(f"line {lineno}: too large ({len(line) / 1e6:.1f} MB)")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {lineno}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"line {lineno}: expected a JSON object")
            continue
        yield lineno, obj


def _check_input(path: str) -> None:
    if path != "-":
        p = Path(path)
        if not p.exists():
            raise InputError(f"pairs file not found: {path}")
        if p.is_dir():
            raise InputError(f"pairs file is a directory: {path}")


def read_pairs(path: str, max_bytes: int, problems: list[str]) -> Iterator[Pair]:
    """Valid pairs of a JSONL file; malformed lines are described in ``problems``."""
    _check_input(path)
    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read pairs file: {path}: {exc.strerror or exc}") from None
    seen: set[str] = set()
    with fh:
        try:
            for lineno, obj in json_objects(fh, problems, max_bytes):
                missing = [k for k in ("summary", "source") if not isinstance(obj.get(k), str) or not obj[k].strip()]
                if missing:
                    problems.append(f"line {lineno}: missing or empty {', '.join(missing)}")
                    continue
                pid = str(obj.get("id", lineno))
                if pid in seen:
                    problems.append(f"line {lineno}: duplicate id {pid!r}")
                    continue
                seen.add(pid)
                yield Pair(Document(obj["summary"], origin=f"{path}:{lineno}"),
                           Document(obj["source"], origin=f"{path}:{lineno}"), id=pid)
        except UnicodeDecodeError:
            raise InputError(f"pairs file is not valid UTF-8: {path}") from None


def _count_lines(path: str) -> int | None:
    if path == "-":
        return None
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def run_batch(path: str, output: str, settings: Settings, chunk: int = 32, quiet: bool = False,
              fail_on: frozenset[str] = frozenset()) -> bool:
    """Returns True when a statement has a label in ``fail_on``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .report.json import render_line

    _check_input(path)
    engine = get_engine(settings)
    problems: list[str] = []
    total = _count_lines(path)
    flagged = False
    directory = Path(output).parent
    if not directory.is_dir():
        raise InputError(f"output directory does not exist: {directory}")
    console = Console(stderr=True)
    with atomic_file(output) as out, Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=console, disable=quiet,
    ) as progress:
        task = progress.add_task("comparing", total=total, rate="")
        done = 0
        t0 = time.perf_counter()

        def advance(n: int) -> None:
            nonlocal done
            done += n
            rate = done / max(1e-9, time.perf_counter() - t0)
            progress.update(task, advance=n, rate=f"{rate:.1f} pairs/s")

        for report in engine.stream(read_pairs(path, settings.max_input_bytes, problems), chunk, advance):
            out.write(render_line(report) + "\n")
            if fail_on and any(v.label.value in fail_on for v in report.verdicts):
                flagged = True
    for problem in problems:
        console.print(f"provenance: skipped {problem}", highlight=False, markup=False)
    return flagged
