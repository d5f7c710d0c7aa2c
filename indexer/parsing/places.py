"""New Caledonia's communes, provinces and employer names, matched tolerantly."""

from __future__ import annotations

import re

from unidecode import unidecode

from indexer.analysis.folding import fold_key

PROVINCE_SUD = "Province Sud"
PROVINCE_NORD = "Province Nord"
PROVINCE_ILES = "Province des Îles Loyauté"
PROVINCES: tuple[str, ...] = (PROVINCE_SUD, PROVINCE_NORD, PROVINCE_ILES)

# The 33 communes, each with its province (Poya straddles the Nord/Sud border; it
# belongs administratively to the Province Nord).
COMMUNES: dict[str, str] = {
    **dict.fromkeys(
        (
            "Nouméa", "Dumbéa", "Mont-Dore", "Païta", "Boulouparis", "La Foa", "Sarraméa",
            "Farino", "Moindou", "Bourail", "Thio", "Yaté", "Île des Pins",
        ),
        PROVINCE_SUD,
    ),
    **dict.fromkeys(
        (
            "Koumac", "Kaala-Gomen", "Voh", "Koné", "Pouembout", "Poya", "Ouégoa", "Pouébo",
            "Hienghène", "Touho", "Poindimié", "Ponérihouen", "Houaïlou", "Kouaoua", "Canala",
            "Belep", "Poum",
        ),
        PROVINCE_NORD,
    ),
    **dict.fromkeys(("Lifou", "Maré", "Ouvéa"), PROVINCE_ILES),
}


_COMMUNE_KEYS: dict[str, str] = {fold_key(name): name for name in COMMUNES}
_COMMUNE_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_COMMUNE_KEYS, key=len, reverse=True)) + r")\b"
)
# "Grand Nouméa" is the agglomeration (Nouméa, Dumbéa, Mont-Dore, Païta), not a commune:
# naming Nouméa for it would be a wrong guess, so the phrase is removed before matching.
_AGGLOMERATION_RE = re.compile(r"\bgrand noumea\b")


def find_commune(location: str) -> str | None:
    """The commune named in a place, as whole words: "CMS de Houaïlou" → "Houaïlou", "Grand Nouméa" → None."""
    key = _AGGLOMERATION_RE.sub(" ", fold_key(location))
    m = _COMMUNE_RE.search(key)
    return _COMMUNE_KEYS[m.group(1)] if m else None


def province_of(commune: str | None) -> str | None:
    """The province of a commune, by any spelling: "KONE" → "Province Nord", "Paris" → None."""
    if not commune:
        return None
    name = _COMMUNE_KEYS.get(fold_key(commune))
    return COMMUNES[name] if name else None


_PROVINCE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"province (?:du )?sud"), PROVINCE_SUD),
    (re.compile(r"province (?:du )?nord"), PROVINCE_NORD),
    (re.compile(r"province (?:des )?(?:iles(?: loyaute)?|loyaute)"), PROVINCE_ILES),
)
_GOUVERNEMENT = "Gouvernement de la Nouvelle-Calédonie"
_GOUVERNEMENT_RE = re.compile(r"gouvernement (?:de la )?nouvelle caledonie")

# Lower-case in titles, except as the first word.
_SMALL_WORDS = frozenset(
    "à au aux d de des du en et l la le les par pour sur sous".split()
)
_ACRONYMS = frozenset(
    "CAFAT CCI CHS CHT CMS DASS DASSPS DPASS DEL DRHFPNC OPT NC IRD IFAP UNC ONF SAS SPE".split()
)


def province_name(s: str) -> str | None:
    """The canonical province named by the whole string, or None: "PROVINCE-NORD" → "Province Nord"."""
    key = fold_key(s)
    for pattern, name in _PROVINCE_RES:
        if pattern.fullmatch(key):
            return name
    return None


def _title_word(word: str, first: bool) -> str:
    """One word recased: "D'ACTION" → "d'Action", "CHS" → "CHS", "SANITAIRE" → "Sanitaire"."""
    parts = re.split(r"([-'’])", word)
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 1:
            out.append(part)  # the separator itself
        elif part.upper() in _ACRONYMS or (
            part.isupper() and len(part) > 1 and not re.search(r"[AEIOUY]", unidecode(part))
        ):
            out.append(part.upper())
        elif part.lower() in _SMALL_WORDS and not (first and i == 0):
            out.append(part.lower())
        else:
            out.append(part[:1].upper() + part[1:].lower())
    return "".join(out)


def normalise_employer(s: str) -> str:
    """A canonical employer name: "Province-Nord" → "Province Nord", "MAIRIE DE KONE" → "Mairie de Kone"."""
    text = " ".join(s.split())
    province = province_name(text)
    if province:
        return province
    if _GOUVERNEMENT_RE.fullmatch(fold_key(text)):
        return _GOUVERNEMENT
    letters = [c for c in text if c.isalpha()]
    # Only shouting or all-lower names are recased; mixed case is the author's choice.
    if not letters or not (text.isupper() or text.islower()):
        return text
    words = text.split(" ")
    if len(words) == 1 and text.isupper():
        return text  # a lone acronym: "DASSPS"
    out: list[str] = []
    for i, word in enumerate(words):
        inner = word.strip("()")
        if word.startswith("(") and inner.isupper():
            out.append(word)  # "(DASSPS)"
        else:
            out.append(_title_word(word, first=i == 0))
    return " ".join(out)
