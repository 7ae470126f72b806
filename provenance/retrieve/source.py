"""Get the original: fetch, judge what came back, fall back to the archive,
extract.  Returns the source Document (or None) and a Retrieval record that says
what happened in one line.

Statuses (README, "Retrieving the original"): ok, archived, not_found (404),
gone (410), http_error (other 4xx/5xx), paywalled, not_article, too_large,
timeout, unreachable, refused_private_address, too_many_redirects,
blocked_by_robots, unsafe_url, not_in_cache (--offline), no_source (nothing cited).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from ..errors import InputError
from ..records import Document, Retrieval
from .archive import Archive, ArchiveUnavailable, Snapshot, to_timestamp
from .fetch import Fetcher, FetchError, Page

# What makes us ask the archive: the page is missing, withheld or we cannot reach it.
# Not for not_article/too_large (an archive copy is the same file), robots (the site
# asked us not to), or a refused address (there is no public page to archive).
ARCHIVE_ON = frozenset({"not_found", "gone", "unreachable", "paywalled", "timeout", "http_error"})

_HTML_TYPES = ("text/html", "application/xhtml+xml", "")  # "" : no Content-Type, sniff
_TEXT_TYPES = ("text/plain",)

_PAYWALL_PHRASES = re.compile(
    r"subscribe\s+(?:now\s+)?to\s+(?:continue|keep)\s+reading|subscribe\s+to\s+read|"
    r"(?:this\s+(?:article|story|content)\s+is\s+(?:only\s+)?(?:available\s+)?(?:for|to)\s+(?:paying\s+)?"
    r"subscribers)|already\s+a\s+subscriber|subscribers?\s+only|to\s+continue\s+reading,?\s+"
    r"(?:please\s+)?(?:subscribe|log\s*in|sign\s+in)|create\s+a\s+free\s+account\s+to\s+(?:continue|read)",
    re.I,
)
_PAYWALL_MARKUP = re.compile(
    r"""["']isAccessibleForFree["']\s*:\s*(?:false|["']false["'])|class\s*=\s*["'][^"']*\b(?:paywall|tp-modal|"""
    r"""tp-backdrop|piano-offer|meteredContent)\b""",
    re.I,
)
# A teaser behind a paywall is one to three paragraphs (60-250 words on the pages
# we recorded); full news articles are rarely under 300 words.  Paywall signals
# with more text than this mean the article is there (a leaky or metered wall).
PAYWALL_MAX_WORDS = 300
# A page whose extracted text is this short and that asks for JavaScript is an
# app shell, not an article.
_JS_SHELL_MAX_WORDS = 40
_JS_SHELL = re.compile(r"enable\s+javascript|javascript\s+(?:is\s+)?(?:required|disabled)|<noscript|"
                       r"id=[\"'](?:root|app|__next)[\"']\s*>\s*</div>", re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[^\d])")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    message: str
    document: Document | None = None


def _describe(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "…"


def judge_page(page: Page, url: str) -> Outcome:
    """A completed HTTP response -> an article Document, or why not."""
    # The report shows the requested URL beside the message; name the final one only after redirects.
    where = "" if page.final_url == url else f" (at {_describe(page.final_url)})"
    if page.http_status == 404:
        return Outcome("not_found", f"not found (HTTP 404){where}")
    if page.http_status == 410:
        return Outcome("gone", f"gone: removed by the publisher (HTTP 410){where}")
    if not 200 <= page.http_status < 300:
        return Outcome("http_error", f"the server answered HTTP {page.http_status}{where}")
    ctype = page.content_type
    if page.body.lstrip()[:5] == b"%PDF-" or ctype == "application/pdf":
        return Outcome("not_article", f"the original is a PDF, not a web page (PDF is not supported yet){where}")
    if ctype not in _HTML_TYPES and ctype not in _TEXT_TYPES:
        return Outcome("not_article", f"not a web page ({ctype}){where}")
    if not page.body.strip():
        return Outcome("not_article", f"the page is empty{where}")
    html = page.text()
    if ctype in _TEXT_TYPES:
        text = html.replace("\r\n", "\n").replace("\r", "\n")
        return Outcome("ok", "", Document(text, origin=page.final_url, kind="text", url=page.final_url))
    try:
        from .extract import extract_html

        doc = extract_html(html, origin=page.final_url, url=page.final_url)
    except InputError:
        doc = None
    words = len(doc.text.split()) if doc is not None else 0
    if (_PAYWALL_PHRASES.search(html) or _PAYWALL_MARKUP.search(html)) and words < PAYWALL_MAX_WORDS:
        return Outcome("paywalled", f"paywalled: only a {words}-word teaser is free{where}")
    if doc is None or (words < _JS_SHELL_MAX_WORDS and _JS_SHELL.search(html)):
        why = "it needs JavaScript to show its text" if _JS_SHELL.search(html) else "no article text in it"
        return Outcome("not_article", f"not an article page ({why}){where}")
    # Keep the URL we were sent to (the original), not whatever canonical the page claims.
    return Outcome("ok", "", Document(doc.text, origin=page.final_url, kind="html", title=doc.title,
                                      author=doc.author, date=doc.date, url=page.final_url))


def date_near(summary_date: str | None, source_url: str) -> str | None:
    """The date to look for archive copies near: the summary's own date when known,
    else a date in the original's URL (news URLs often carry /2026/01/01/)."""
    ts = to_timestamp(summary_date)
    if ts:
        return ts
    m = _URL_DATE.search(urlsplit(source_url).path)
    return "".join(m.groups()) if m else None


def retrieve_source(url: str, fetcher: Fetcher, *, summary_date: str | None = None, found_by: str | None = None,
                    candidates: tuple[str, ...] = ()) -> tuple[Document | None, Retrieval]:
    s = fetcher.settings
    base = dict(requested_url=url, candidates=candidates, found_by=found_by)
    page: Page | None = None
    try:
        page = fetcher.get(url)
        outcome = judge_page(page, url)
    except FetchError as exc:
        outcome = Outcome(exc.status, exc.message)
    common = dict(base, final_url=page.final_url if page else None, http_status=page.http_status if page else None,
                  from_cache=page.from_cache if page else False, retrieved_at=page.retrieved_at if page else _now())
    if outcome.document is not None:
        return outcome.document, Retrieval(status="ok", message="", **common)

    message = outcome.message
    if outcome.status in ARCHIVE_ON and s.archive:
        snap: Snapshot | None = None
        try:
            archive = Archive(fetcher)
            snap = archive.find(url, date_near(summary_date, url))
            apage = archive.fetch(snap)
            aout = judge_page(apage, url)
            if aout.document is not None:
                d = aout.document
                doc = Document(d.text, origin=snap.view_url, kind=d.kind, title=d.title, author=d.author,
                               date=d.date, url=url)
                return doc, Retrieval(
                    status="archived", archive_url=snap.view_url, archive_timestamp=snap.timestamp,
                    message=f"original {outcome.status.replace('_', ' ')}; using the Internet Archive copy of "
                            f"{snap.date}",
                    original_status=outcome.status,
                    **dict(common, from_cache=apage.from_cache, retrieved_at=apage.retrieved_at))
            message += f"; the archived copy of {snap.date} is unusable too ({aout.status.replace('_', ' ')})"
        except ArchiveUnavailable as exc:
            message += f"; no archived copy: {exc}"
    elif outcome.status in ARCHIVE_ON and not s.archive:
        message += " (archive fallback off)"
    return None, Retrieval(status=outcome.status, message=message, **common)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
