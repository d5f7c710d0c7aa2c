"""What a job seeker needs to apply and what classifies an offer, as typed values: contacts, links, ROME, coordinates, contract, category."""

from __future__ import annotations

import re
from collections.abc import Iterator

from indexer.parsing.labels import fold

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# New Caledonia numbers have six digits, written "26.79.38", "26 82 65", "267770", "+687 20 64 60".
# One separator throughout, so that a date ("2026-05-29") is not read as one.
_PHONE = re.compile(r"(?<![\d/.\-])(?:\+\s?687[\s.\-]?)?\d{2}([\s.\-]?)\d{2}\1\d{2}(?![\d/]|[.\-]\d)")
_PHONE_CONTEXT = re.compile(r"\b(?:tel|telephone|tel\s*fixe|portable|mobile|appeler|joindre)\b")
_ROME = re.compile(r"\b([A-N]\d{4})\b")
_URL = re.compile(r"https?://\S+")
_CATEGORY = re.compile(r"(?:categorie\s+)?([abcd])")


def email_in(text: str | None, *, every: bool = False) -> str | None:
    """The first e-mail address in a text, or ``every`` one: "Par email : DRH-candidature@opt.nc" → "DRH-candidature@opt.nc"."""
    if not text or "@" not in text:  # most texts: no address, no slow scan of every word
        return None
    found = list(dict.fromkeys(m.group(0).rstrip(".") for m in _EMAIL.finditer(text)))
    if not found:
        return None
    return ", ".join(found) if every else found[0]


# What every number `_PHONE` matches holds, on one line: a fast scan that finds the few
# lines worth the full pattern (whose look-behind is tried at every character). Written
# "\d\d", not "\d{2}": the scan then skips ahead to the next digit.
_SIX_DIGITS = re.compile(r"\d\d(?:[^\S\n]|[.\-])?\d\d(?:[^\S\n]|[.\-])?\d\d")


def _lines_with_digits(text: str) -> Iterator[str]:
    """The lines of ``text`` (as ``text.split("\\n")`` gives them) where `_SIX_DIGITS` matches, in order."""
    line_start = -1
    for m in _SIX_DIGITS.finditer(text):  # a match never spans two lines
        start = text.rfind("\n", 0, m.start()) + 1
        if start != line_start:
            line_start = start
            end = text.find("\n", m.end())
            yield text[start:] if end < 0 else text[start:end]


def phone_in(text: str | None, *, labelled: bool = False) -> str | None:
    """The telephone a labelled value states, as written ("27.11.22 ou 77.88.99"), or the
    numbers of the first line that says it gives one: "Contact : M. X - Tél : 26.79.38" → "26.79.38"."""
    for line in _lines_with_digits(text or ""):
        found = [m.group(0).strip() for m in _PHONE.finditer(line)]
        if found and labelled:
            return " ".join(line.split()).strip(" .;,")
        if found and _PHONE_CONTEXT.search(fold(line)):
            return " ou ".join(found)
    return None


def url_in(text: str | None) -> str | None:
    """A web address stated as a value: "https://x.nc/offre.pdf" → itself, "" or "voir le site" → None."""
    found = _URL.search(text or "")
    return found.group(0) if found else None


def rome_code(text: str | None) -> str | None:
    """A ROME code (a letter, four digits): "m1607" → "M1607", "Secrétariat" → None."""
    found = _ROME.search((text or "").upper())
    return found.group(1) if found else None


def coordinate(text: str | None, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees: "-22.2796701" → -22.2796701."""
    try:
        value = float((text or "").replace(",", ".").strip())
    except ValueError:
        return None
    return value if -limit <= value <= limit else None


def contract_kind(text: str | None) -> str | None:
    """"titulaire" or "contractuel" when a contract field says which: "Contractuel (CDD 1 an)" → "contractuel", "FULL_TIME" → None."""
    folded = fold(text or "")
    if "titulaire" in folded or "fonctionnaire" in folded:
        return "titulaire"
    if re.search(r"\b(?:contractuel\w*|cdd|cdi|contrat a duree)", folded):
        return "contractuel"
    return None


def category_letter(text: str | None) -> str | None:
    """The civil-service category A to D: "Catégorie B" → "B", "B+" → "B", "Cadre" → None."""
    found = _CATEGORY.fullmatch(fold(text or ""))
    return found.group(1).upper() if found else None
