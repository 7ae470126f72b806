"""Which original does a summary claim to summarize?

Candidates come from the visible citation lines (found by clean.py in the text,
and here in the HTML around links), JSON-LD ``isBasedOn``/``citation``,
``<meta name="original-source">``/``syndication-source``, and a canonical or
og:url that points to another site.

The rule when there are several (README, "Retrieving the original"): the most
explicit claim of derivation wins, then the first in the page.  Ranked:

 1. "Read the full/original … at URL"
 2. "Originally published at/on URL", "The post … appeared first on URL"
 3. JSON-LD isBasedOn
 4. <meta name="original-source">
 5. "Source: URL"
 6. JSON-LD citation
 7. <meta name="syndication-source">
 8. "Read more at URL", "Article link: URL" and other citation lines
 9. "via URL"
10. rel=canonical / og:url on another site

Why this order: "read the full article" and "originally published" name the
one text that was summarized; isBasedOn is the machine-readable form of the
same claim.  "Source:" sometimes credits data or a photo, citation lists works
referred to, "read more" often points to a related story and "via" to an
aggregator; a canonical URL on another site is a syndication hint, not a claim.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..records import Summary

_KINDS = {  # kind -> rank (lower wins)
    "read_full_line": 1,
    "originally_published_line": 2,
    "jsonld_isBasedOn": 3,
    "meta_original_source": 4,
    "source_line": 5,
    "jsonld_citation": 6,
    "meta_syndication_source": 7,
    "citation_line": 8,
    "via_line": 9,
    "canonical_elsewhere": 10,
}

_LINE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("read_full_line", re.compile(r"^\W*read\s+(?:the\s+)?(?:full|original|complete|entire|whole)\b", re.I)),
    ("originally_published_line", re.compile(
        r"^\W*(?:originally\s+(?:published|appeared|posted)|(?:first\s+)?published\s+(?:at|on|by)\b)"
        r"|\bappeared\s+first\s+on\b", re.I)),
    ("source_line", re.compile(r"^\W*(?:original\s+)?sources?\s*:", re.I)),
    ("via_line", re.compile(r"^\W*via\b", re.I)),
    ("citation_line", re.compile(
        r"^\W*(?:read\s+(?:more|it|this|the\s+(?:article|story|report))\b|(?:article|story)\s+(?:link|url)\s*:)",
        re.I)),
)
_URL_RE = re.compile(r"https?://[^\s\]\)>\"'<]+", re.I)
# A block of HTML around a link counts as a citation line only when it is short:
# the longest real citation lines we have seen are ~200 characters.
_MAX_CITATION_BLOCK = 300


@dataclass(frozen=True, slots=True)
class Candidate:
    url: str
    kind: str  # a key of _KINDS
    position: int  # order of discovery within its kind source (lower: earlier in the page)

    @property
    def rank(self) -> int:
        return _KINDS[self.kind]


def line_kind(line: str) -> str:
    for kind, pattern in _LINE_KINDS:
        if pattern.search(line):
            return kind
    return "citation_line"


def normalize_url(url: str) -> str:
    """For comparing, not fetching: lower-case scheme and host, no fragment, no trailing slash."""
    p = urlsplit(url.strip())
    path = p.path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), path, p.query, ""))


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _http(url: str | None, base: str | None) -> str | None:
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if base:
        url = urljoin(base, url)
    return url if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).hostname else None


def _jsonld_values(node, key: str):
    """Every value of ``key`` anywhere in a JSON-LD tree (@graph, lists, nesting)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            else:
                yield from _jsonld_values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _jsonld_values(item, key)


def _jsonld_urls(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        for k in ("url", "@id", "sameAs"):
            if isinstance(value.get(k), str):
                return [value[k]]
        return []
    if isinstance(value, list):
        return [u for v in value for u in _jsonld_urls(v)]
    return []


def html_candidates(html: str, page_url: str | None) -> list[Candidate]:
    """Candidates only HTML shows: JSON-LD, meta, canonical/og:url, and citation lines around links."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = page_url
    for href in tree.xpath("//base/@href"):
        base = urljoin(page_url or "", href)
        break
    out: list[Candidate] = []

    def add(url: str | None, kind: str) -> None:
        url = _http(url, base)
        if url:
            out.append(Candidate(url, kind, len(out)))

    for script in tree.xpath('//script[contains(translate(@type, "JSONLD", "jsonld"), "ld+json")]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; it just says nothing
        for key, kind in (("isBasedOn", "jsonld_isBasedOn"), ("isBasedOnUrl", "jsonld_isBasedOn"),
                          ("citation", "jsonld_citation")):
            for value in _jsonld_values(data, key):
                for url in _jsonld_urls(value):
                    add(url, kind)
    for meta in tree.xpath("//meta[@content]"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name == "original-source":
            add(meta.get("content"), "meta_original_source")
        elif name == "syndication-source":
            add(meta.get("content"), "meta_syndication_source")
        elif name == "og:url":
            add(meta.get("content"), "canonical_elsewhere")
    for link in tree.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            add(link.get("href"), "canonical_elsewhere")
    # Visible citation lines whose URL is only in the href ("Read the full article at <a>Example News</a>").
    for a in tree.xpath("//body//a[@href]"):
        block = a
        for anc in a.iterancestors():
            if anc.tag in ("p", "li", "div", "footer", "section", "blockquote", "td", "dd", "aside", "figcaption"):
                block = anc
                break
        text = " ".join(block.text_content().split())
        if not text or len(text) > _MAX_CITATION_BLOCK:
            continue
        for kind, pattern in _LINE_KINDS:
            if pattern.search(text):
                add(a.get("href"), kind)
                break
    if page_url is None:
        # A saved page (a file, stdin) does not know its address; its canonical URL is
        # then the best guess of it (that is what canonical means), so it is not a source.
        page_url = next((c.url for c in out if c.kind == "canonical_elsewhere"), None)
    if page_url:  # a canonical URL counts only when it leaves the summary's own site
        out = [c for c in out if c.kind != "canonical_elsewhere" or _host(c.url) != _host(page_url)]
    return out


def text_candidates(summary: Summary) -> list[Candidate]:
    """The citation lines clean.py found in the summary's text."""
    out: list[Candidate] = []
    for f in summary.furniture:
        if f.kind == "citation":
            urls = [f.url] if f.url else []
            urls += [u.rstrip(".,;") for u in _URL_RE.findall(f.text) if u.rstrip(".,;") not in urls]
            for url in urls:
                if _http(url, None):
                    out.append(Candidate(url, line_kind(f.text), len(out)))
    return out


def choose(candidates: list[Candidate], page_url: str | None = None) -> tuple[Candidate | None, list[Candidate]]:
    """The chosen candidate and the others (deduplicated), by the rule above.
    A candidate that is the summary page itself is never chosen."""
    own = normalize_url(page_url) if page_url else None
    best: dict[str, Candidate] = {}
    order: list[str] = []
    for c in candidates:
        key = normalize_url(c.url)
        if key == own:
            continue
        if key not in best:
            order.append(key)
            best[key] = c
        elif (c.rank, c.position) < (best[key].rank, best[key].position):
            best[key] = c
    ranked = sorted((best[k] for k in order), key=lambda c: (c.rank, c.position))
    if not ranked:
        return None, []
    return ranked[0], ranked[1:]


def find_source(summary: Summary, html: str | None = None, page_url: str | None = None
                ) -> tuple[Candidate | None, list[Candidate]]:
    """Text citation lines come before HTML ones of the same rank (they are what a reader sees)."""
    candidates = text_candidates(summary)
    if html:
        n = len(candidates)
        candidates += [Candidate(c.url, c.kind, c.position + n) for c in html_candidates(html, page_url)]
    return choose(candidates, page_url)
