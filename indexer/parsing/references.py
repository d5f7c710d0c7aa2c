"""Offer references in their real spellings → one key, and the "du <date>" they may carry.

The same OPT / DRHFPNC offer is written "3134-26-0677/SR", "3134-26-0677 SR",
"3134-26-0677_SR" or "3134-26-0677-SR", often followed by "du 8 mai 2026" (the date of
that publication). All of them are one key, "3134-26-0677/SR", so that deduplication and
``reference:`` searches meet. Other references ("26-1246", "26-65092/MPRH") are kept as
written.
"""

from __future__ import annotations

import datetime as dt
import re

from indexer.parsing.dates import find_french_date, parse_french_date

# "3134-26-0677", a separator or none, "SR" (any case): the suffix names the recruiting service.
_SERVICE_REFERENCE = re.compile(r"(?<!\d)(\d{3,5}-\d{2}-\d{3,5})\s*(?:[/_\- ]\s*)?(SR)(?![a-z])", re.I)
_PREFIX = re.compile(r"^(?:r[ée]f(?:[ée]rence)?\.?\s*:?\s*)?(?:n[°o]\.?\s*)?", re.I)
_SUFFIX_DATE = re.compile(r"[\s_,;]+du[\s_]+(.+)$", re.I)
_ANY_REFERENCE = re.compile(r"(\S+?)[,;.]?")


def split_reference(raw: str) -> tuple[str | None, dt.date | None]:
    """(key, date of the "du" suffix): "3134-26-0677 SR du 8 mai 2026" → ("3134-26-0677/SR", date(2026, 5, 8))."""
    text = _PREFIX.sub("", " ".join(raw.split()))
    found = _SUFFIX_DATE.search(text)
    dated = None
    if found:
        # "du 8_mai_2026" in file-name spellings: underscores are spaces.
        dated = parse_french_date(found.group(1).replace("_", " ")) or find_french_date(found.group(1))
        text = text[: found.start()]
    service = _SERVICE_REFERENCE.fullmatch(text.strip(" ,;."))
    if service:
        return f"{service.group(1)}/{service.group(2).upper()}", dated
    plain = _ANY_REFERENCE.fullmatch(text.strip())
    return (plain.group(1) if plain else None), dated


def find_reference(text: str) -> str | None:
    """The first OPT / DRHFPNC-style reference inside a text: "Offre 3134-26-0677_SR" → "3134-26-0677/SR"."""
    found = _SERVICE_REFERENCE.search(text)
    return f"{found.group(1)}/{found.group(2).upper()}" if found else None
