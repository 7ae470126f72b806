"""`check`: read the summary (file, stdin or URL), find the original it cites,
retrieve it safely (archive fallback, cache) and compare.

When the original cannot be had, the report still comes back: every statement
is unverifiable with the one-line reason, never "invented" for lack of a source.
"""

from __future__ import annotations

from ..errors import InputError
from ..records import Document, Report, Retrieval
from ..settings import Settings
from .citations import find_source, normalize_url
from .fetch import Fetcher, FetchError
from .source import judge_page, retrieve_source


def _is_url(s: str) -> bool:
    return s.lower().startswith(("http://", "https://"))


def load_summary(summary: str | Document, fetcher: Fetcher, settings: Settings) -> tuple[Document, str | None]:
    """The summary as a Document, and its raw HTML when it has one."""
    if isinstance(summary, Document):
        return summary, None
    if _is_url(summary):
        try:
            page = fetcher.get(summary)
        except FetchError as exc:
            raise InputError(f"cannot retrieve the summary: {exc.message}") from None
        outcome = judge_page(page, summary)
        if outcome.document is None:
            raise InputError(f"cannot use the summary page: {outcome.message}")
        d = outcome.document
        doc = Document(d.text, origin=summary, kind=d.kind, title=d.title, author=d.author, date=d.date,
                       url=page.final_url)
        html = page.text() if d.kind == "html" else None
        return doc, html
    from .local import read_input

    return read_input(summary, settings.max_input_bytes, role="summary")


def check(summary: str | Document, source_url: str | None = None, settings: Settings | None = None) -> Report:
    """Check ``summary`` (a path, '-', a URL or a Document) against the original it
    cites, or against ``source_url`` when given.  Returns a Report whose
    ``retrieval`` says how the original was obtained, or why it was not."""
    from ..pipeline import get_engine
    from .cache import PageCache

    settings = settings or Settings()
    cache = PageCache(settings.cache_path) if settings.use_cache else None
    if settings.offline and cache is None:
        raise InputError("--offline needs the page cache (it is turned off)")
    fetcher = Fetcher(settings, cache)
    try:
        summary_doc, html = load_summary(summary, fetcher, settings)
        url, found_by, candidates = choose_source(summary_doc, html, source_url)
        if url is None:
            retrieval = Retrieval(requested_url=None, status="no_source",
                                  message="the summary does not say which original it summarizes; "
                                          "give it with --source URL")
            source_doc = None
        else:
            source_doc, retrieval = retrieve_source(url, fetcher, summary_date=summary_doc.date, found_by=found_by,
                                                    candidates=candidates)
    finally:
        fetcher.close()
        if cache is not None:
            cache.close()
    return get_engine(engine_settings(settings)).compare(summary_doc, source_doc, retrieval=retrieval)


def choose_source(summary_doc: Document, html: str | None,
                  given_url: str | None = None) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Which original to retrieve: (url, found_by, other candidates).  A URL the
    user gave wins, and the summary's own citations are listed beside it;
    otherwise the best citation by find_source's documented rule."""
    from ..clean import clean_summary

    chosen, others = find_source(clean_summary(summary_doc), html, summary_doc.url)
    if given_url:
        url = given_url.strip()
        cited = ([chosen] if chosen else []) + others
        return url, "--source", tuple(c.url for c in cited if normalize_url(c.url) != normalize_url(url))
    if chosen is not None:
        return chosen.url, chosen.kind, tuple(c.url for c in others)
    return None, None, ()


def engine_settings(settings: Settings) -> Settings:
    """The engine is cached per Settings: retrieval-only fields must not make a new
    one (and reload models) for every --timeout or --cache value."""
    defaults = Settings()
    return settings.with_(**{f: getattr(defaults, f) for f in _RETRIEVAL_FIELDS})


_RETRIEVAL_FIELDS = ("timeout", "max_redirects", "max_fetch_bytes", "allow_private", "respect_robots", "archive",
                     "archive_base", "archive_interval", "use_cache", "cache_path", "offline", "refresh")
