"""Labels and keys that name an offer's fields, in every spelling files use: "Lieu d’affectation :" → "location"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from indexer.analysis.folding import fold_key, short_text_cache


_FOOTNOTE = re.compile(r"\(\s*\d+\s*\)|\[\s*\d+\s*\]|[¹²³⁴⁵*]+")


@short_text_cache(maxsize=8192)
def fold(s: str) -> str:
    """Lower-case ASCII words for comparisons: "Corps ou Cadre d’emploi /Domaine :" → "corps ou cadre d emploi domaine"."""
    return fold_key(_FOOTNOTE.sub(" ", s))  # footnote marks: "(1)", "[2]", "*"


# Canonical field → folded labels that name it (full match). "region" is not an Offer
# field: it hints at the province.
_LABELS: dict[str, str] = {
    "reference": r"reference|ref|numero|num|n|no|numero de l offre|reference de l offre|identifiant|identifier",
    "title": r"titre|title|intitule|intitule du poste|intitule de l offre",
    "employer": r"employeur|employer|organisme|organisme employeur|collectivite|hiring organization"
    r"|structure d embauche|structure employeur|organisme recruteur",
    "corps": r"corps|corps domaine|corps ou cadre d emploi|corps ou cadre d emploi domaine"
    r"|cadre d emploi|cadre d emploi domaine|corps grade|corps ou grade|grade|domaine",
    "direction": r"direction|direction service|direction ou service",
    "location": r"lieu de travail|lieu d affectation|lieu travail|lieu affectation|lieu|ville|commune"
    r"|localisation|job location",
    "residence": r"duree de residence.*",
    "posted": r"date de depot de l offre|date de depot|date depot|date de publication|date publication"
    r"|date de parution|publie le|date posted",
    "deadline": r"date limite|date limite de (?:candidature|depot|depot des candidatures|reception des candidatures)"
    r"|date de cloture|date cloture|cloture des candidatures|valid through",
    "start": r"poste a pourvoir|poste a pourvoir le|poste a pourvoir a compter du|disponibilite"
    r"|date de prise de poste|prise de poste",
    "respnc": r"emploi respnc|respnc|emploi",
    "contract": r"type de contrat|contrat|employment type",
    "region": r"province|region",
    "modification": r"modification de la date de cloture.*",
    "email": r"(?:par |adresse )?(?:e ?mail|courriel|mel)(?: de candidature)?|adresse electronique",
    "phone": r"(?:par |numero de )?(?:telephone|tel)|contact telephonique",
    "rome_code": r"code rome|rome",
    "rome_label": r"libelle rome|metier rome|intitule rome",
    "category": r"categorie(?: de l emploi| du poste)?",
}
# Keys that only metadata (front matter) uses: in a body, "Organisation" or "Lien" heads a
# paragraph about something else.
_META_LABELS: dict[str, str] = {
    "employer": r"organisation|organization|etablissement",
    "direction": r"direction interne",
    "latitude": r"latitude|lat",
    "longitude": r"longitude|lng|lon|long",
    "pdf_url": r"url pdf|pdf|lien pdf|fichier pdf",
    "url": r"job url|url|url offre|resource|permalink|lien",
}
# Canonical names, as the JSON-LD reader states its metadata.
CANONICAL = frozenset((*_LABELS, *_META_LABELS))
# One pattern for all fields, one group per field in the order of _LABELS: a full match
# takes the first alternative that matches the whole label, so `lastgroup` names the
# first field whose own pattern would match.
_LABEL_RE = re.compile("|".join(f"(?P<{field}>{pattern})" for field, pattern in _LABELS.items()))
_META_RES = {field: re.compile(pattern) for field, pattern in _META_LABELS.items()}

_LABEL_LINE = re.compile(r"^\s*([^:]{1,120}?)\s*:\s*(.*?)\s*$")


@lru_cache(maxsize=65536)
def field_of_label(label: str) -> str | None:
    """The canonical field a label names: "Lieu d’affectation :" → "location", "Missions" → None."""
    if label in CANONICAL:
        return label  # a canonical name, as JSON-LD metadata uses
    found = _LABEL_RE.fullmatch(fold(label))
    return found.lastgroup if found else None


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def field_of_key(key: str) -> str | None:
    """The field a metadata key names, body labels included: "Organisation" → "employer", "url_pdf" → "pdf_url",
    "validThrough" → "deadline"."""
    found = field_of_label(key) or field_of_label(_CAMEL.sub(" ", key))
    if found is not None:
        return found
    folded = fold(_CAMEL.sub(" ", key))
    return next((field for field, pattern in _META_RES.items() if pattern.fullmatch(folded)), None)


def split_label(text: str) -> tuple[str, str, str] | None:
    """(field, label, value) for a "Label : value" line: "Employeur: Province Sud" → ("employer", "Employeur", "Province Sud")."""
    if ":" not in text:  # most lines: no label, and no regex to run
        return None
    m = _LABEL_LINE.match(text)
    if not m:
        return None
    field = field_of_label(m.group(1))
    return (field, m.group(1).strip(), m.group(2)) if field else None


def _is_ornament(char: str) -> bool:
    # Emoji and pictographs (symbols "So"), their variation selectors and joiners.
    return unicodedata.category(char) in ("So", "Mn", "Cf") or char == "#"


def clean_heading(text: str) -> str:
    """A heading without Markdown marks, leading emoji or trailing colon: "## 🎯 Missions :" → "Missions"."""
    text = text.strip()
    start = 0
    if not (text[:1].isascii() and text[:1].isalnum()):  # a letter or digit first: nothing to skip
        while start < len(text) and (_is_ornament(text[start]) or text[start].isspace()):
            start += 1
    return " ".join(text[start:].rstrip(":").split())


