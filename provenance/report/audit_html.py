"""The audit's aggregate as one self-contained HTML page (aggregate.html).

Same rules as the per-item report (html.py): Jinja2 escapes every value (URLs,
ids and error messages come from other people's pages and input files); the
only style is a static file allowed by its hash in a ``default-src 'none'``
Content-Security-Policy; there is no script.  Only http(s) URLs become links,
and the worst items' reports are linked by the relative paths the audit wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import __version__
from .html import TEMPLATES, _csp_hash, safe_url

# The audit writes report links itself (exports.report_file_name): plain relative
# paths.  Anything else is not linked.
_RELATIVE = re.compile(r"^(?:\.\./|[A-Za-z0-9._~%-]+/)*[A-Za-z0-9][A-Za-z0-9._-]*\.html$")


@dataclass(frozen=True, slots=True)
class _WorstView:
    item: object
    summary_href: str | None
    source_href: str | None
    report_href: str | None


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    css = (TEMPLATES / "audit.css").read_text(encoding="utf-8")
    csp = "; ".join(["default-src 'none'", f"style-src {_csp_hash(css)}", "img-src 'none'", "script-src 'none'",
                     "base-uri 'none'", "form-action 'none'"])
    return css, csp


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def render(agg) -> str:
    from markupsafe import Markup

    css, csp = _assets()
    worst = [_WorstView(w, safe_url(w.summary), safe_url(w.source_url),
                        w.html if w.html and _RELATIVE.match(w.html) else None) for w in agg.worst]
    return _environment().get_template("audit.html.j2").render(
        agg=agg, worst=worst, pct=_pct, version=__version__, csp=csp,
        css=Markup(css),  # our own static file; its exact text is what the CSP hash allows
    )
