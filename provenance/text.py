"""Small text helpers shared by alignment and judging: normalisation that undoes
the tokenised style of research summaries ("kilmarnock 's", "£2, 000",
``...''), content words and a light stemmer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'"})

STOPWORDS = frozenset(
    """a an the and or but if then than so of to in on at by for with from into onto over under about after
    before between through during as is are was were be been being has have had do does did will would
    shall should can could may might must it its it's this that these those there here he she they we
    you i me him her them us our your their his hers my mine who whom whose which what when where why how
    not no nor also just only very more most much many some any all each every both either neither one
    said says say told tell according up down out off again further once said s t 's n't
    mr mrs ms dr new year years time week weeks day days""".split()
)


def normalize(text: str) -> str:
    """Lower-case, ASCII-fold and detokenise for matching (not for display)."""
    text = text.translate(_QUOTES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("''", '"').lower()
    text = re.sub(r"\s+'\s*(s|re|ve|ll|d|m|t)\b", r"'\1", text)  # kilmarnock 's -> kilmarnock's
    text = re.sub(r"\s+n't\b", "n't", text)
    text = re.sub(r"(\d),\s+(\d{3})\b", r"\1,\2", text)  # £2, 000 -> £2,000
    text = re.sub(r"\s+([,.;:!?%])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match "prisoners"/"prisoner",
    "released"/"releases", "Venezuelan"/"Venezuela" prefixes are handled by callers."""
    w = word.lower().replace("'", "")
    for suffix in ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly"):
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if suffix in ("ied", "ies"):
                w += "y"
            break
    return w
