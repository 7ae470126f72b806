"""Read a summary or source from a file or stdin: plain text, Markdown or HTML.

Every failure is an InputError with a one-line message; nothing here prints.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..errors import InputError
from ..records import Document

_HTML_SNIFF = re.compile(rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<article\b)", re.I)
_MD_EXT = {".md", ".markdown", ".mdown"}
_HTML_EXT = {".html", ".htm", ".xhtml"}


def _decode(data: bytes, origin: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{origin}: looks like a binary file, not text")
    for encoding in ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    if _HTML_SNIFF.match(data[:2048]):
        m = re.search(rb"charset=[\"']?([\w-]+)", data[:4096], re.I)
        if m:
            try:
                return data.decode(m.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
    raise InputError(f"{origin}: not valid UTF-8 text (convert it, e.g. with iconv, and try again)")


def markdown_to_text(md: str) -> str:
    """Plain text of a Markdown document: markup removed, link targets kept in
    brackets so citation lines still show their URL."""
    text = re.sub(r"```.*?```", "", md, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images -> alt text
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)[^)]*\)", r"\1 [ \2 ]", text)  # links
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)  # headings
    text = re.sub(r"^\s{0,3}>\s?", "", text, flags=re.M)  # block quotes
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = re.sub(r"^\s*[-*_]{3,}\s*$", "", text, flags=re.M)  # rules
    return text


def html_to_document(html: str, origin: str, url: str | None = None) -> Document:
    from ..retrieve.extract import extract_html

    return extract_html(html, origin=origin, url=url)


def read_document(path: str, max_bytes: int, role: str = "input") -> Document:
    """Read ``path`` ('-' is stdin) as a Document; raises InputError."""
    return read_input(path, max_bytes, role)[0]


def read_input(path: str, max_bytes: int, role: str = "input") -> tuple[Document, str | None]:
    """Like read_document, also returning the raw HTML when the input is HTML
    (`check` looks there for JSON-LD and meta citations)."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        origin, suffix = "<stdin>", ""
    else:
        p = Path(path)
        origin, suffix = path, p.suffix.lower()
        if not p.exists():
            raise InputError(f"{role} file not found: {path}")
        if p.is_dir():
            raise InputError(f"{role} is a directory, not a file: {path}")
        try:
            size = p.stat().st_size
            if size > max_bytes:
                raise InputError(f"{role} file is too large: {size / 1e6:.1f} MB (limit {max_bytes / 1e6:.0f} MB): {path}")
            with open(p, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except PermissionError:
            raise InputError(f"cannot read {role} file (permission denied): {path}") from None
        except OSError as exc:
            raise InputError(f"cannot read {role} file: {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(f"{role} is too large (over {max_bytes / 1e6:.0f} MB): {origin}")
    text = _decode(data, origin)
    html = None
    if suffix in _HTML_EXT or (suffix not in _MD_EXT and _HTML_SNIFF.match(data[:2048])):
        doc = html_to_document(text, origin=origin)
        html = text
    elif suffix in _MD_EXT:
        doc = Document(markdown_to_text(text), origin=origin, kind="markdown")
    else:
        doc = Document(text.replace("\r\n", "\n").replace("\r", "\n"), origin=origin, kind="text")
    if not doc.text.strip():
        raise InputError(f"{role} is empty (no text found): {origin}")
    return doc, html
