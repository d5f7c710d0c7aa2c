"""What an offer's stated values mean for the local filters, in the words the filters show.

    >>> zone_of("Dumbéa", None, "Province Sud")
    'Grand Nouméa'
    >>> residence_label("au moins égale à 5 ans")
    'au moins 5 ans'
    >>> rome_family("M1302")
    'Support à l’entreprise'
    >>> corps_short("Assistant socio-éducatif - spécialité conseiller en économie sociale")
    'Assistant socio-éducatif'
"""

from __future__ import annotations

import re

from indexer.analysis import fold_key

ZONE_GRAND_NOUMEA, ZONE_BROUSSE, ZONE_ILES = "Grand Nouméa", "Brousse", "Îles"
ZONES = (ZONE_GRAND_NOUMEA, ZONE_BROUSSE, ZONE_ILES)
# Folded commune names; every other commune of the Grande Terre is "la Brousse".
_GRAND_NOUMEA = {"noumea", "dumbea", "mont dore", "le mont dore", "paita"}
_ILES = {"lifou", "mare", "ouvea", "ile des pins", "l ile des pins"}

# The fourteen "grands domaines" of France Travail's ROME, by the code's first letter.
ROME_DOMAINS = {
    "A": "Agriculture, pêche, espaces naturels et soins aux animaux",
    "B": "Arts et façonnage d’ouvrages d’art",
    "C": "Banque, assurance et immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie, restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l’entreprise",
    "N": "Transport et logistique",
}

CONTRACTS = ("titulaire", "contractuel")
CATEGORIES = ("A", "B", "C", "D")

_YEARS = re.compile(r"(\d{1,2})\s*ans?\b")
_NONE_REQUIRED = re.compile(r"\b(aucune|sans objet|neant|pas de duree)\b")
_ROME_CODE = re.compile(r"\s*([A-N])\s*\d{4}\s*")
# Where a corps name stops and its details (specialty, alternatives) start.
_CORPS_DETAILS = re.compile(r"\s+[-–—]\s+|\s*[,;(:/]\s*|\s+(?:spécialité|specialite|option|ou)\s+",
                            re.IGNORECASE)
CORPS_MAX_CHARS = 40


def zone_of(commune: str | None, location: str | None, province: str | None) -> str | None:
    """'Grand Nouméa', 'Brousse' or 'Îles' from the commune (or a stated 'Grand Nouméa')."""
    if commune:
        key = fold_key(commune)
        if key in _GRAND_NOUMEA:
            return ZONE_GRAND_NOUMEA
        return ZONE_ILES if key in _ILES else ZONE_BROUSSE
    place = fold_key(location or "")
    if "grand noumea" in place:
        return ZONE_GRAND_NOUMEA
    if province and "iles" in fold_key(province):
        return ZONE_ILES
    return None


def residence_label(residence: str | None) -> str | None:
    """'au moins égale à 5 ans' -> 'au moins 5 ans'; 'aucune' -> 'aucune'; unknown -> None."""
    if not residence:
        return None
    folded = fold_key(residence)
    years = _YEARS.search(folded)
    if years:
        n = int(years.group(1))
        return f"au moins {n} an" + ("s" if n > 1 else "")
    return "aucune" if _NONE_REQUIRED.search(folded) else None


def residence_years(label: str) -> int:
    """'au moins 5 ans' -> 5, 'aucune' -> 0 (the order of the filter's values)."""
    found = re.search(r"\d+", label)
    return int(found.group()) if found else 0


def rome_family(code: str | None) -> str | None:
    """'M1302' -> 'Support à l’entreprise' (the ROME's grand domaine)."""
    found = _ROME_CODE.fullmatch(code or "")
    return ROME_DOMAINS[found.group(1)] if found else None


def contract_of(contract: str | None) -> str | None:
    """'Titulaire' -> 'titulaire'; anything but the two kinds -> None."""
    value = fold_key(contract or "")
    return value if value in CONTRACTS else None


def category_of(category: str | None) -> str | None:
    """'b' / 'Catégorie B' -> 'B'."""
    value = re.sub(r"(?i)^cat[ée]gorie\s+", "", (category or "").strip()).upper()
    return value if value in CATEGORIES else None


def corps_short(corps: str | None) -> str | None:
    """A corps by its name, without its specialty or alternatives (at most 40 characters).

    'Assistant socio-éducatif, spécialité Direction des affaires…' -> 'Assistant socio-éducatif'
    """
    if not corps:
        return None
    name = _CORPS_DETAILS.split(corps.strip().strip('"'), maxsplit=1)[0].strip()
    if len(name) > CORPS_MAX_CHARS:
        name = name[:CORPS_MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return name or None
