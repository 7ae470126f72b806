"""HTML -> Document with trafilatura (text, title, author, date, canonical URL)."""

from __future__ import annotations

from ..errors import InputError
from ..records import Document


def extract_html(html: str, origin: str, url: str | None = None) -> Document:
    import trafilatura

    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError(f"{origin}: no article text could be extracted from this HTML")
    return Document(
        text=text,
        origin=origin,
        kind="html",
        title=getattr(result, "title", None),
        author=getattr(result, "author", None),
        date=getattr(result, "date", None),
        url=getattr(result, "url", None) or url,
    )
