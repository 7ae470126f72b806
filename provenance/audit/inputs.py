"""INPUT -> AuditItem records, each with the line it came from.

Accepted (detected by extension, else by the first non-blank character):

- a list of summary URLs, one per line (blank lines and ``#`` comments skipped);
- JSONL: objects with the summary (``summary_url``, ``summary`` or ``url``: a URL
  or the summary's text) and optionally the original's URL (``source_url`` or
  ``source``, or the key named by ``--source-column``), and optionally an ``id``;
- CSV/TSV with a header row, the same column names;
- a sitemap (``<urlset><url><loc>``), an RSS feed (``<item><link>``) or an Atom
  feed (``<entry><link href>``) of summary pages.

A malformed line is described in ``problems`` ("line 7: ...") and skipped; an
input that cannot be read at all raises InputError.  Item ids are the input's
``id`` when it has one, else derived from the content, so that the same item
gets the same id on every run (resuming) and on every machine (sharding).
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

SUMMARY_KEYS = ("summary_url", "summary", "url")
SOURCE_KEYS = ("source_url", "source")
# An audit input is a list of items, not a document: far larger than one article
# is still normal (a 100k-item sitemap is ~10 MB), but a runaway file is refused.
MAX_INPUT_BYTES = 500_000_000
_MAX_FIELD = 5_000_000  # one summary's text: the same cap as `compare`'s inputs


@dataclass(frozen=True, slots=True)
class AuditItem:
    id: str
    line: int  # where it came from in INPUT (1-based)
    summary: str  # a URL, or the summary's text
    source_url: str | None = None  # None: the one the summary cites

    @property
    def summary_is_url(self) -> bool:
        return is_url(self.summary)


def is_url(s: str) -> bool:
    s = s.strip()
    return s.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in s)


def item_id(summary: str, source_url: str | None) -> str:
    """A stable id from the content: the same pair is the same item on every run."""
    h = hashlib.sha256(summary.strip().encode("utf-8") + b"\x00" + (source_url or "").strip().encode("utf-8"))
    return h.hexdigest()[:16]


def read_items(path: str, problems: list[str], *, source_column: str | None = None,
               summary_column: str | None = None, data: bytes | None = None) -> list[AuditItem]:
    """All valid items of INPUT (``data`` instead of reading ``path``: a fetched feed).
    Duplicate ids are reported and skipped: an item is audited once."""
    if data is None:
        data = _read(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"audit input is not valid UTF-8: {path}") from None
    kind = _kind(path, text)
    if kind == "xml":
        raw = _xml_items(text, path, problems)
    elif kind == "jsonl":
        raw = _jsonl_items(text, problems, source_column, summary_column)
    elif kind == "csv":
        raw = _csv_items(text, path, problems, source_column, summary_column)
    else:
        raw = _url_items(text, problems)
    items: list[AuditItem] = []
    seen: dict[str, int] = {}
    for item in raw:
        if item.id in seen:
            problems.append(f"line {item.line}: duplicate of line {seen[item.id]} (id {item.id!r})")
            continue
        seen[item.id] = item.line
        items.append(item)
    if not items and not problems:
        raise InputError(f"audit input has no items: {path}")
    return items


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError(f"audit input not found: {path}")
    if p.is_dir():
        raise InputError(f"audit input is a directory, not a file: {path}")
    try:
        if p.stat().st_size > MAX_INPUT_BYTES:
            raise InputError(f"audit input is over {MAX_INPUT_BYTES / 1e6:.0f} MB: {path} (split it)")
        data = p.read_bytes()
    except PermissionError:
        raise InputError(f"cannot read audit input (permission denied): {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read audit input: {path}: {exc.strerror or exc}") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"audit input looks like a binary file: {path}")
    return data


def _kind(path: str, text: str) -> str:
    suffix = Path(path.split("?", 1)[0]).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".xml", ".rss", ".atom"):
        return "xml"
    head = text.lstrip()[:1]
    if head == "<":
        return "xml"
    if head == "{":
        return "jsonl"
    return "urls"


def _url_items(text: str, problems: list[str]) -> list[AuditItem]:
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not is_url(url):
            problems.append(f"line {lineno}: not an http(s) URL: {_show(url)}")
            continue
        out.append(AuditItem(item_id(url, None), lineno, url))
    return out


def _pick(row: dict, lineno: int, problems: list[str], source_column: str | None,
          summary_column: str | None) -> AuditItem | None:
    """One JSONL object or CSV row -> an item, or a problem."""
    skeys = (summary_column,) if summary_column else SUMMARY_KEYS
    summary = next((row[k] for k in skeys if isinstance(row.get(k), str) and row[k].strip()), None)
    if summary is None:
        problems.append(f"line {lineno}: no summary (expected a non-empty {' or '.join(repr(k) for k in skeys)})")
        return None
    if len(summary) > _MAX_FIELD:
        problems.append(f"line {lineno}: the summary is over {_MAX_FIELD / 1e6:.0f} MB")
        return None
    source = None
    for k in ((source_column,) if source_column else SOURCE_KEYS):
        v = row.get(k)
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if not isinstance(v, str) or not is_url(v):
            problems.append(f"line {lineno}: {k!r} is not an http(s) URL: {_show(str(v))}")
            return None
        source = v.strip()
        break
    summary = summary.strip() if is_url(summary) else summary
    rid = row.get("id")
    if rid is not None and not isinstance(rid, (str, int)):
        problems.append(f"line {lineno}: 'id' must be a string or a number")
        return None
    iid = str(rid).strip() if rid is not None and str(rid).strip() else item_id(summary, source)
    return AuditItem(iid, lineno, summary, source)


def _jsonl_items(text: str, problems: list[str], source_column: str | None,
                 summary_column: str | None) -> list[AuditItem]:
    from ..batch import json_objects

    out = []
    for lineno, obj in json_objects(text.splitlines(), problems):
        item = _pick(obj, lineno, problems, source_column, summary_column)
        if item is not None:
            out.append(item)
    return out


def _csv_items(text: str, path: str, problems: list[str], source_column: str | None,
               summary_column: str | None) -> list[AuditItem]:
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    csv.field_size_limit(_MAX_FIELD + 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(f"audit input is empty: {path}") from None
    except csv.Error as exc:
        raise InputError(f"cannot read the CSV header of {path}: {exc}") from None
    wanted = [summary_column] if summary_column else list(SUMMARY_KEYS)
    if not any(k in header for k in wanted):
        raise InputError(f"the CSV header of {path} has no summary column (expected one of: {', '.join(wanted)})")
    if source_column and source_column not in header:
        raise InputError(f"the CSV header of {path} has no column {source_column!r} (--source-column)")
    out = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {start}: unreadable CSV ({exc})")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {start}: {len(cells)} fields where the header has {len(header)}")
            continue
        item = _pick(dict(zip(header, cells)), start, problems, source_column, summary_column)
        if item is not None:
            out.append(item)
    return out


def _xml_items(text: str, path: str, problems: list[str]) -> list[AuditItem]:
    from lxml import etree

    # Feeds come from other people's servers: no entities, no DTDs, no network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"audit input is not well-formed XML: {path}: {exc}") from None
    if root is None:
        raise InputError(f"audit input is empty: {path}")
    tag = etree.QName(root).localname.lower()
    out = []

    def add(url: str | None, line: int) -> None:
        url = (url or "").strip()
        if not url:
            problems.append(f"line {line}: no link")
        elif not is_url(url):
            problems.append(f"line {line}: not an http(s) URL: {_show(url)}")
        else:
            out.append(AuditItem(item_id(url, None), line, url))

    def children(el, name: str):
        return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname.lower() == name]

    if tag == "sitemapindex":
        raise InputError(f"{path} is a sitemap index: audit one of the sitemaps it lists")
    if tag == "urlset":
        for el in children(root, "url"):
            locs = children(el, "loc")
            add(locs[0].text if locs else None, el.sourceline or 0)
    elif tag == "rss" or tag == "rdf":
        channels = children(root, "channel")
        entries = [i for ch in channels for i in children(ch, "item")] + children(root, "item")
        for el in entries:
            links = children(el, "link")
            add(links[0].text if links else None, el.sourceline or 0)
    elif tag == "feed":
        for el in children(root, "entry"):
            links = children(el, "link")
            best = next((ln.get("href") for ln in links if ln.get("rel", "alternate") == "alternate"), None)
            add(best, el.sourceline or 0)
    else:
        raise InputError(f"{path}: XML, but not a sitemap, RSS or Atom feed (root element <{tag}>)")
    return out


def _show(s: str) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= 80 else s[:77] + "..."
