"""The command line: flags -> Settings -> one library call -> renderer -> exit code.

Only this module turns library errors into one-line messages and exit codes.
Heavy modules (torch, the models, trafilatura) are imported inside commands so
that ``provenance --help`` stays fast.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable

import click

from . import __version__
from .errors import ExitCode, InputError, ProvenanceError
from .settings import Settings

FAIL_ON = ("altered", "invented", "unverifiable")


def _fail(message: str, code: ExitCode) -> None:
    click.echo(f"provenance: error: {message}", err=True)
    sys.exit(int(code))


def handle_errors(fn: Callable) -> Callable:
    """Library errors -> one line on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ProvenanceError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", ExitCode.INTERRUPTED)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(int(ExitCode.OK))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks for users
            if os.environ.get("PROVENANCE_DEBUG"):
                raise
            _fail(f"internal error: {type(exc).__name__}: {exc} (set PROVENANCE_DEBUG=1 for details)",
                  ExitCode.INTERNAL)

    return wrapper


def build_settings(*, encoder: str = "minilm", checker: bool = True, top_k: int = 3, **retrieval) -> Settings:
    """The one place flags become Settings.  ``retrieval`` takes the `check` flags:
    source_archive, allow_private, offline, refresh, ignore_robots, cache, timeout."""
    settings = Settings(encoder=encoder, use_checker=checker, top_k=top_k)
    if retrieval:
        changes: dict = {
            "archive": retrieval.get("source_archive", True),
            "allow_private": retrieval.get("allow_private", False),
            "offline": retrieval.get("offline", False),
            "refresh": retrieval.get("refresh", False),
            "respect_robots": not retrieval.get("ignore_robots", False),
        }
        if retrieval.get("offline") and retrieval.get("refresh"):
            raise click.UsageError("--offline and --refresh contradict each other")
        if retrieval.get("cache"):
            changes["cache_path"] = retrieval["cache"]
        if os.environ.get("PROVENANCE_ARCHIVE_BASE"):  # a Wayback mirror, or the tests' local server
            changes["archive_base"] = os.environ["PROVENANCE_ARCHIVE_BASE"]
        if retrieval.get("timeout") is not None:
            if retrieval["timeout"] <= 0:
                raise click.BadParameter("must be more than 0 seconds", param_hint="--timeout")
            changes["timeout"] = float(retrieval["timeout"])
        settings = settings.with_(**changes)
    return settings


def _parse_fail_on(values: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for v in values:
        for part in v.split(","):
            part = part.strip().lower()
            if part:
                if part not in FAIL_ON:
                    raise click.BadParameter(f"{part!r} is not one of {', '.join(FAIL_ON)}", param_hint="--fail-on")
                out.add(part)
    return frozenset(out)


def _exit_for(reports, fail_on: frozenset[str]) -> int:
    if not fail_on:
        return int(ExitCode.OK)
    for r in reports:
        if any(v.label.value in fail_on for v in r.verdicts):
            return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)


def render_report(report, fmt: str, output: str) -> None:
    """Pick the renderer; write atomically (or to stdout for '-')."""
    from .report import write_atomic

    if fmt == "terminal":
        from rich.console import Console

        from .report import terminal

        if output == "-":
            terminal.render(report, Console(stderr=False, highlight=False))
            return
        import io

        buf = io.StringIO()
        terminal.render(report, Console(file=buf, width=100, highlight=False, color_system=None))
        write_atomic(buf.getvalue(), output)
        return
    if fmt == "json":
        from .report import json as json_report

        write_atomic(json_report.render(report), output)
        return
    if fmt == "markdown":
        from .report import markdown

        write_atomic(markdown.render(report), output)
        return
    if fmt == "html":
        from .report import html

        write_atomic(html.render(report), output)
        return
    raise InputError(f"unknown format {fmt!r}")


_common = [
    click.option("--format", "fmt", type=click.Choice(["terminal", "json", "markdown", "html"]), default="terminal",
                 show_default=True, help="Report format."),
    click.option("-o", "--output", default="-", show_default=True, metavar="PATH",
                 help="Write the report here ('-' is stdout). Written atomically."),
    click.option("--fail-on", multiple=True, metavar="LABELS",
                 help="Exit 1 if any statement has one of these labels (altered,invented,unverifiable)."),
    click.option("--no-checker", is_flag=True, help="Do not use the trained consistency checker."),
    click.option("--encoder", type=click.Choice(["minilm", "onnx", "hashing"]), default="minilm", hidden=True,
                 help="Sentence encoder (hashing: a tiny deterministic one, for tests)."),
]


_retrieval = [
    click.option("--no-archive", is_flag=True, help="Do not fall back to an Internet Archive copy."),
    click.option("--allow-private", is_flag=True,
                 help="Allow fetching from loopback, private and link-local addresses (refused by default)."),
    click.option("--offline", is_flag=True, help="Use only the page cache; never the network."),
    click.option("--refresh", is_flag=True, help="Refetch pages even when they are in the cache."),
    click.option("--ignore-robots", is_flag=True, help="Fetch even where robots.txt disallows it."),
    click.option("--cache", "cache", metavar="PATH", default=None,
                 help="Page cache file (default: $PROVENANCE_CACHE or ~/.cache/provenance/pages.sqlite3)."),
    click.option("--timeout", type=float, default=None, metavar="SECONDS",
                 help="Wall-clock limit per fetch, redirects included (default 20)."),
]


def retrieval_options(fn: Callable) -> Callable:
    """The fetching flags `check` and `audit` share."""
    for option in reversed(_retrieval):
        fn = option(fn)
    return fn


def common_options(fn: Callable) -> Callable:
    for option in reversed(_common):
        fn = option(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provenance")
def main() -> None:
    """Check a summary against the original it claims to summarize.

    Each statement of the summary is labelled supported, altered (a detail
    changed: we show which), invented (nothing in the source backs it) or
    unverifiable (the source could not be obtained).

    Exit codes: 0 done; 1 --fail-on matched; 2 usage or input error;
    3 the source could not be retrieved; 70 internal error; 130 interrupted.
    """


@main.command()
@click.argument("summary", metavar="SUMMARY")
@click.argument("source", metavar="SOURCE")
@common_options
@handle_errors
def compare(summary: str, source: str, fmt: str, output: str, fail_on: tuple[str, ...], no_checker: bool,
            encoder: str) -> None:
    """Compare SUMMARY with SOURCE (files: text, Markdown or HTML; '-' is stdin)."""
    failing = _parse_fail_on(fail_on)
    if summary == "-" and source == "-":
        raise InputError("only one of SUMMARY and SOURCE can be '-' (stdin)")
    settings = build_settings(encoder=encoder, checker=not no_checker)
    from .retrieve.local import read_document

    summary_doc = read_document(summary, settings.max_input_bytes, role="summary")
    source_doc = read_document(source, settings.max_input_bytes, role="source")
    from .pipeline import get_engine

    report = get_engine(settings).compare(summary_doc, source_doc)
    render_report(report, fmt, output)
    sys.exit(_exit_for([report], failing))


@main.command()
@click.argument("pairs", metavar="PAIRS.jsonl")
@click.option("-o", "--output", required=True, metavar="RESULTS.jsonl", help="Where to write one JSON report per line.")
@click.option("--fail-on", multiple=True, metavar="LABELS", help="Exit 1 if any statement has one of these labels.")
@click.option("--no-checker", is_flag=True, help="Do not use the trained consistency checker.")
@click.option("--chunk", default=32, show_default=True, help="Pairs per encoder batch.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--encoder", type=click.Choice(["minilm", "onnx", "hashing"]), default="minilm", hidden=True)
@handle_errors
def batch(pairs: str, output: str, fail_on: tuple[str, ...], no_checker: bool, chunk: int, quiet: bool,
          encoder: str) -> None:
    """Compare many text pairs: each line of PAIRS.jsonl is {"id", "summary", "source"}.

    Each output line is {"id", ...} with the same fields as `compare --format json`.
    Malformed lines are reported on stderr with their line number and skipped.
    """
    failing = _parse_fail_on(fail_on)
    settings = build_settings(encoder=encoder, checker=not no_checker)
    from .batch import run_batch

    reports_flagged = run_batch(pairs, output, settings, chunk=chunk, quiet=quiet, fail_on=failing)
    sys.exit(int(ExitCode.FINDINGS) if reports_flagged else int(ExitCode.OK))


@main.command(name="eval")
@click.argument("data", nargs=-1, required=True, metavar="DATA.jsonl...")
@click.option("--limit", type=int, default=None, help="Only the first N rows of each file.")
@click.option("--mistakes", type=int, default=3, show_default=True, help="Worst mistakes to show per kind.")
@click.option("--json", "json_out", default=None, metavar="PATH", help="Also write the metrics as JSON.")
@click.option("--no-checker", is_flag=True, help="Do not use the trained consistency checker.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--encoder", type=click.Choice(["minilm", "onnx", "hashing"]), default="minilm", hidden=True)
@handle_errors
def eval_(data: tuple[str, ...], limit: int | None, mistakes: int, json_out: str | None, no_checker: bool,
         quiet: bool, encoder: str) -> None:
    """Measure accuracy on labelled data (the format of ../shared/eval): balanced accuracy,
    3-way macro-F1, confusion matrix, throughput and the worst mistakes with their evidence."""
    settings = build_settings(encoder=encoder, checker=not no_checker)
    from rich.console import Console

    from . import evaluate
    from .pipeline import get_engine
    from .report import eval_report, write_atomic

    console = Console()
    engine = get_engine(settings)
    results = {}
    for path in data:
        with eval_report.progress(console, quiet, path) as advance:
            run = evaluate.run(path, engine, limit=limit, progress=advance)
        eval_report.render(run, console, mistakes)
        results[path] = run.metrics
    if json_out:
        import json

        write_atomic(json.dumps(results, indent=2) + "\n", json_out)


@main.command()
@click.argument("summary", metavar="SUMMARY")
@click.option("--source", "source_url", metavar="URL",
              help="The original's URL (default: the one the summary cites).")
@retrieval_options
@common_options
@handle_errors
def check(summary: str, source_url: str | None, no_archive: bool, allow_private: bool, offline: bool,
          refresh: bool, ignore_robots: bool, cache: str | None, timeout: float | None, fmt: str, output: str,
          fail_on: tuple[str, ...], no_checker: bool, encoder: str) -> None:
    """Check SUMMARY (a file, '-' or a URL) against the original it cites.

    The original is found in the summary's citation lines ("Read the full
    article at", "Source:", "Originally published at" ...) or its page's
    JSON-LD/meta tags, or given with --source; it is fetched safely, from the
    Internet Archive when the site no longer has it, and cached.  Exits 3 when
    the original could not be retrieved (all statements are then unverifiable).
    """
    failing = _parse_fail_on(fail_on)
    settings = build_settings(encoder=encoder, checker=not no_checker, source_archive=not no_archive,
                              allow_private=allow_private, offline=offline, refresh=refresh,
                              ignore_robots=ignore_robots, cache=cache, timeout=timeout)
    from .retrieve.check import check as run_check

    report = run_check(summary, source_url, settings)
    render_report(report, fmt, output)
    code = _exit_for([report], failing)
    if code == ExitCode.OK and report.retrieval is not None and not report.retrieval.ok:
        code = int(ExitCode.SOURCE_UNAVAILABLE)
    sys.exit(code)


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        k, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise click.BadParameter("expected K/N, e.g. 0/4", param_hint="--shard") from None
    if n < 1 or not 0 <= k < n:
        raise click.BadParameter("expected 0 <= K < N", param_hint="--shard")
    return k, n


@main.command()
@click.argument("input_", metavar="INPUT")
@click.option("-o", "--output", required=True, metavar="RESULTS",
              help="Directory for the store (audit.sqlite3), results.jsonl, summary.csv, aggregate.json/.html "
                   "and reports/. Re-running with the same RESULTS resumes.")
@click.option("--source-column", default=None, metavar="NAME",
              help="JSONL key or CSV column with the original's URL (default: source_url, else source).")
@click.option("--summary-column", default=None, metavar="NAME",
              help="JSONL key or CSV column with the summary's URL or text (default: summary_url, summary, url).")
@click.option("--concurrency", default=8, show_default=True, help="Pages fetched at once.")
@click.option("--per-host", default=2, show_default=True, help="At most this many requests at once to one host.")
@click.option("--delay", type=float, default=0.0, show_default=True, metavar="SECONDS",
              help="Least time between two requests to the same host.")
@click.option("--chunk", default=32, show_default=True, help="Most items per encoder batch.")
@click.option("--retry-failed", is_flag=True, help="Redo items that failed in an earlier run.")
@click.option("--html-dir", default=None, metavar="DIR", help="Where the worst items' HTML reports go "
              "(default RESULTS/reports).")
@click.option("--worst", "n_worst", default=10, show_default=True, help="How many worst items to report.")
@click.option("--limit", type=int, default=None, help="Only the first N items.")
@click.option("--shard", default=None, metavar="K/N", help="Only shard K of N (by a hash of the item id).")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True,
              help="How the aggregate is printed on stdout (files are always written).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no aggregate on stdout (for cron).")
@click.option("--fail-on", multiple=True, metavar="LABELS",
              help="Exit 1 if any statement of the audit has one of these labels.")
@click.option("--no-checker", is_flag=True, help="Do not use the trained consistency checker.")
@retrieval_options
@click.option("--encoder", type=click.Choice(["minilm", "onnx", "hashing"]), default="minilm", hidden=True)
@handle_errors
def audit(input_: str, output: str, source_column: str | None, summary_column: str | None, concurrency: int,
          per_host: int, delay: float, chunk: int, retry_failed: bool, html_dir: str | None, n_worst: int,
          limit: int | None, shard: str | None, fmt: str, quiet: bool, fail_on: tuple[str, ...], no_checker: bool,
          no_archive: bool, allow_private: bool, offline: bool, refresh: bool, ignore_robots: bool,
          cache: str | None, timeout: float | None, encoder: str) -> None:
    """Check many summaries against their originals, resumably.

    INPUT is a file (or the URL of a sitemap or feed): summary URLs one per line,
    JSONL or CSV of pairs (summary URL or text, optional source URL), or a sitemap,
    RSS or Atom feed of summary pages.  Each item goes through `check`; results
    are stored as each finishes, so an interrupted audit resumes where it stopped.
    Malformed lines are reported with their line numbers and skipped.
    """
    failing = _parse_fail_on(fail_on)
    for name, value in (("--concurrency", concurrency), ("--per-host", per_host), ("--chunk", chunk)):
        if value < 1:
            raise click.BadParameter("must be at least 1", param_hint=name)
    if delay < 0:
        raise click.BadParameter("must not be negative", param_hint="--delay")
    if limit is not None and limit < 1:
        raise click.BadParameter("must be at least 1", param_hint="--limit")
    settings = build_settings(encoder=encoder, checker=not no_checker, source_archive=not no_archive,
                              allow_private=allow_private, offline=offline, refresh=refresh,
                              ignore_robots=ignore_robots, cache=cache, timeout=timeout)
    from rich.console import Console

    from .audit import audit as run
    from .report import audit_json, audit_terminal

    err = Console(stderr=True, highlight=False)
    with audit_terminal.progress(quiet) as (on_start, on_item):
        outcome = run(input_, output, settings, source_column=source_column, summary_column=summary_column,
                      concurrency=concurrency, per_host=per_host, delay=delay, chunk=chunk,
                      retry_failed=retry_failed, html_dir=html_dir, n_worst=n_worst, limit=limit,
                      shard=_parse_shard(shard),
                      on_problem=lambda p: err.print(f"provenance: skipped {p}", markup=False),
                      on_start=on_start, on_item=on_item)
    if not quiet:
        if fmt == "json":
            click.echo(audit_json.render(outcome.aggregate), nl=False)
        else:
            audit_terminal.render(outcome.aggregate, Console(highlight=False), outcome.outputs)
    labels = dict(outcome.aggregate.labels)
    sys.exit(int(ExitCode.FINDINGS) if any(labels.get(f, 0) for f in failing) else int(ExitCode.OK))


if __name__ == "__main__":  # pragma: no cover
    main()
