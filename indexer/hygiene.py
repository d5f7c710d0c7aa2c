"""Text hygiene, written once for offers and queries: NFC, invisible characters removed,
bidi controls removed from fields and queries, short fields capped.

    >>> clean_text("e\\u0301du\\u200bcatrice ac\\u00adcom\\u00adpa\\u00adgne\\u00adment")
    'éducatrice accompagnement'
    >>> clean_field("\\u202eProvince Sud\\u202c")
    'Province Sud'

An invisible character inside a word splits it for the tokenizer (`Édu\\u200bcatrice` would
be two words that match nothing), and an NFD `é` is two characters that never equal the
indexed NFC one; both are removed from the text before anything reads it. Bidi controls
can make a field display as something it is not (a spoofed « Province Sud » facet value), so
fields and queries drop them; they are kept in running text, where they only matter to
right-to-left scripts. Pure functions over strings: this module imports nothing of the
project.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

# Zero-width space, non-joiner, joiner, word joiner, soft hyphen, byte order mark (also the
# zero-width no-break space).
INVISIBLE = "\u200b\u200c\u200d\u2060\u00ad\ufeff"
# Arabic letter mark, LRM, RLM, embeddings and overrides (LRE RLE PDF LRO RLO), isolates
# (LRI RLI FSI PDI).
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_FIELD_RE = re.compile(f"[{INVISIBLE}{BIDI}]")

# A title, an employer or a facet value is a few words; longer is pasted text, which would
# make every result list that shows it megabytes long.
FIELD_CHARS = 300
FIELD_LABELS = {
    "reference": "référence", "title": "titre", "employer": "employeur", "location": "lieu",
    "residence": "résidence", "start": "prise de poste", "contract": "contrat",
    "category": "catégorie", "rome_label": "métier ROME", "contact_email": "courriel",
    "contact_phone": "téléphone", "url": "lien de l’offre", "pdf_url": "lien du PDF",
}


def clean_text(text: str) -> str:
    """Invisible characters removed, then NFC: "e\\u0301du\\u200bcatrice" → "éducatrice".

    Removed first, so that a mark separated from its letter by one still composes with it.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))
    return text


def clean_field(value: str) -> str:
    """A field or a query: `clean_text` and no bidi controls: "\\u202eSud" → "Sud"."""
    if not value.isascii():
        value = unicodedata.normalize("NFC", _FIELD_RE.sub("", value))
    return value


def cap(value: str, limit: int = FIELD_CHARS) -> str:
    """``value`` cut to at most ``limit`` characters, at a space when one is near, with "…":
    cap("Agent " * 100, 20) → "Agent Agent Agent…"."""
    if len(value) <= limit:
        return value
    cut = value[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def tidy_fields(values: Mapping[str, str | None],
                limit: int = FIELD_CHARS) -> tuple[dict[str, str | None], list[str]]:
    """Each field cleaned (`clean_field`) and capped, with a French warning per cut field:
    {"title": "x" * 400} → ({"title": "x" * 299 + "…"}, ["champ « titre » tronqué à 300
    caractères (400 dans le fichier)"]). Only the fields that changed are returned."""
    changed: dict[str, str | None] = {}
    warnings: list[str] = []
    for name, value in values.items():
        if not value:
            continue
        tidy = clean_field(value)
        if len(tidy) > limit:
            label = FIELD_LABELS.get(name, name)
            size = f"{len(tidy):,}".replace(",", "\u202f")
            warnings.append(f"champ « {label} » tronqué à {limit} caractères ({size} dans le fichier)")
            tidy = cap(tidy, limit)
        if tidy != value:
            changed[name] = tidy
    return changed, warnings
