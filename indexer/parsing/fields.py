"""Format-independent field extraction: decoded blocks (+ metadata) → :class:`Offer`.

Every format parser (text, Markdown, HTML, JSON-LD) reduces a file to a :class:`Document`:
an ordered list of headings, lines and (label, value) pairs, plus authoritative metadata
(front matter, JSON-LD). This module alone knows which labels mean which fields.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Literal

from unidecode import unidecode

from indexer.parsing.dates import find_french_date, looks_like_date, parse_french_date
from indexer.offer import Offer
from indexer.parsing.places import PROVINCES, find_commune, normalise_employer, province_name, province_of


@dataclass(frozen=True)
class Block:
    """One unit of a decoded document: a heading, a line of text, or a (label, value) pair."""

    kind: Literal["heading", "line", "pair"]
    text: str
    value: str = ""


def heading(text: str) -> Block:
    return Block("heading", text)


def line(text: str) -> Block:
    return Block("line", text)


def pair(label: str, value: str) -> Block:
    return Block("pair", label, value)


@dataclass(frozen=True)
class Document:
    """A file reduced to blocks; ``meta`` pairs (front matter, JSON-LD) win over the body."""

    blocks: tuple[Block, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    title_hint: str | None = None  # the heading the format calls the title (HTML h1)
    page_title: str | None = None  # last resort, e.g. an HTML <title> without the site name
    defaults: tuple[tuple[str, str], ...] = ()  # used only where the body says nothing
    warnings: tuple[str, ...] = ()


# Latin letters and typographic marks folded by one C-level str.translate; unidecode (pure
# Python, per character) only sees what is left, which in French text is almost nothing.
_FAST_FOLD = {cp: unidecode(chr(cp)) for cp in (*range(0xA0, 0x250), *range(0x2000, 0x2070))}


_FOOTNOTE = re.compile(r"\(\s*\d+\s*\)|\[\s*\d+\s*\]|[¹²³⁴⁵*]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ`´", "'"))


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lower-case ASCII words for comparisons: "Corps ou Cadre d’emploi /Domaine :" → "corps ou cadre d emploi domaine"."""
    s = _FOOTNOTE.sub(" ", s)  # footnote marks: "(1)", "[2]", "*"
    s = s.translate(_APOSTROPHES)
    if not s.isascii():
        s = s.translate(_FAST_FOLD)
        if not s.isascii():
            s = unidecode(s)
    s = _NOT_WORD.sub(" ", s.lower())
    return " ".join(s.split())


# Canonical field → folded labels that name it (full match). "contract" and "region" are
# not Offer fields: the first is only shown in the text, the second hints at the province.
_LABELS: dict[str, str] = {
    "reference": r"reference|ref|numero|num|n|no|numero de l offre|reference de l offre|identifiant|identifier",
    "title": r"titre|title|intitule|intitule du poste|intitule de l offre",
    "employer": r"employeur|employer|organisme|organisme employeur|collectivite|hiring organization",
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
}
_LABEL_RES = {field: re.compile(pattern) for field, pattern in _LABELS.items()}

# How metadata fields are shown in the text when the body does not already say it.
_DISPLAY = {
    "reference": "Référence", "employer": "Employeur", "corps": "Corps", "direction": "Direction",
    "location": "Lieu de travail", "residence": "Durée de résidence exigée", "posted": "Date de dépôt de l’offre",
    "deadline": "Date limite de candidature", "start": "Poste à pourvoir", "respnc": "Emploi RESPNC",
    "contract": "Type de contrat",
}

_LABEL_LINE = re.compile(r"^\s*([^:]{1,120}?)\s*:\s*(.*?)\s*$")
# A later notice that names the NEW closing date ("reportée au 12/09", "nouvelle date le
# ..."); "initialement prévue le 18/07" names the old one and is ignored.
_NEW_DATE = re.compile(
    r"(?:nouvelle date(?: de cloture| limite)?|reportee?s?|repoussee?s?|prolongee?s?|prorogee?s?|decalee?s?)"
    r"\s*(?:jusqu'?\s*(?:au|a)|au|a|le|:)?\s*(.*)"
)
_REFERENCE = re.compile(r"(?:n[°o]\.?\s*)?(\S+?)[,;.]?(?:\s+du\s+(.+))?")


def field_of_label(label: str) -> str | None:
    """The canonical field a label names: "Lieu d’affectation :" → "location", "Missions" → None."""
    folded = fold(label)
    if folded in _LABEL_RES:
        return folded  # a canonical name, as JSON-LD metadata uses
    for field, pattern in _LABEL_RES.items():
        if pattern.fullmatch(folded):
            return field
    return None


def split_label(text: str) -> tuple[str, str, str] | None:
    """(field, label, value) for a "Label : value" line: "Employeur: Province Sud" → ("employer", "Employeur", "Province Sud")."""
    m = _LABEL_LINE.match(text)
    if not m:
        return None
    field = field_of_label(m.group(1))
    return (field, m.group(1).strip(), m.group(2)) if field else None


def clean_heading(text: str) -> str:
    """A heading without Markdown marks or trailing colon: "# Missions :" → "Missions"."""
    return " ".join(text.strip().lstrip("#").strip().rstrip(":").split())


def _clean(value: str) -> str:
    return " ".join(value.split()).strip(" ;,")


def _is_province_line(text: str) -> bool:
    return province_name(text) is not None


def _is_direction_line(text: str) -> bool:
    folded = fold(text)
    return folded.startswith("direction ") and len(text) < 150 and not text.rstrip().endswith(".")


def _is_note(text: str) -> bool:
    folded = fold(text)
    return "cloture" in folded or "date limite" in folded


def _new_deadline(note: str) -> dt.date | None:
    """The new closing date a notice announces: "reportée au 12/09/2025" → 2025-09-12, "initialement prévue le 18/07/2025" → None."""
    folded = " ".join(unidecode(note).lower().split())
    m = _NEW_DATE.search(folded)
    return find_french_date(m.group(1)) if m else None


def _title(doc: Document, blocks: list[Block], labels: list[tuple[str, str, str] | None],
           fields: dict[str, str]) -> tuple[str, set[int]]:
    """The title and the indexes of the blocks it was read from."""
    def eligible(i: int) -> bool:
        b = blocks[i]
        return (
            b.kind != "pair" and labels[i] is None and bool(clean_heading(b.text))
            and not _is_province_line(b.text) and not _is_direction_line(b.text)
        )

    def matching(text: str) -> int | None:
        key = fold(text)
        return next((i for i, b in enumerate(blocks) if b.kind != "pair" and fold(b.text) == key), None)

    if "title" in fields:
        found = matching(fields["title"])
        return _clean(fields["title"]), ({found} if found is not None else set())
    if doc.page_title and not doc.title_hint:
        # A page without headings: its <title> beats a guess among paragraphs.
        found = matching(doc.page_title)
        return _clean(doc.page_title), ({found} if found is not None else set())
    start = matching(doc.title_hint) if doc.title_hint else None
    if start is None or not eligible(start):
        start = next((i for i in range(len(blocks)) if eligible(i)), None)
    if start is None:
        return (_clean(doc.page_title) if doc.page_title else ""), set()
    used, parts = {start}, [clean_heading(blocks[start].text)]
    # A title split over two headings: "# Travailleur social ..." + "# (Bureau AED et Prévention)".
    for j in range(start + 1, len(blocks)):
        nxt = blocks[j]
        text = clean_heading(nxt.text)
        if nxt.kind != blocks[start].kind or not eligible(j) or not (text[:1] == "(" or text[:1].islower()):
            break
        used.add(j)
        parts.append(text)
    return " ".join(parts), used


def _label_lines(blocks: list[Block]) -> list[tuple[str, str, str] | None]:
    out: list[tuple[str, str, str] | None] = []
    for b in blocks:
        if b.kind == "pair":
            field = field_of_label(b.text)
            out.append((field, b.text.strip().rstrip(":").strip(), b.value) if field else None)
        else:
            found = split_label(clean_heading(b.text) + (" :" if b.text.rstrip().endswith(":") else ""))
            out.append(found)
    return out


def extract_offer(doc: Document, source: str = "") -> Offer:
    """The Offer read from a document: blocks [line("Travailleur social"), line("Référence : 26-1246")] → Offer(title=..., reference="26-1246")."""
    blocks = list(doc.blocks)
    labels = _label_lines(blocks)
    fields: dict[str, str] = {}
    for label, value in doc.meta:
        field = field_of_label(label)
        if field and _clean(value) and field not in fields:
            fields[field] = _clean(value)
    # Body labels, first occurrence wins (metadata wins over all); an empty value takes the next line.
    consumed: set[int] = set()
    values: dict[int, str] = {}
    for i, found in enumerate(labels):
        if found is None or i in consumed:
            continue
        value = found[2]
        if not value.strip() and i + 1 < len(blocks) and blocks[i + 1].kind == "line" and labels[i + 1] is None:
            value = blocks[i + 1].text
            consumed.add(i + 1)
        values[i] = value
    for label, value in doc.defaults:
        field = field_of_label(label)
        if field and _clean(value) and field not in fields and not any(
            found is not None and found[0] == field and _clean(values.get(i, "")) for i, found in enumerate(labels)
        ):
            fields[field] = _clean(value)
    title, title_blocks = _title(doc, blocks, labels, {**fields, **_body_title(labels, values)})

    taken: set[str] = set(fields)
    labelled = {found[0] for found in labels if found is not None}
    employer_line = direction_line = None
    notes: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    out: list[str] = [title] if title else []
    for i, b in enumerate(blocks):
        if i in title_blocks or i in consumed:
            continue
        if labels[i] is not None:
            field, label, _ = labels[i]
            value = _clean(values[i])
            if field not in taken and value:
                fields[field] = value
                taken.add(field)
            elif sections and field != "modification":
                sections[-1][1].append(f"{label} : {value}")  # a repeated label is just text
            if field in ("deadline", "modification"):
                notes.append(f"{label} {value}")
            out.append(f"{label} : {value}" if value else label)
            continue
        text = " ".join(b.text.split())
        if b.kind == "pair":
            text = f"{_clean(b.text).rstrip(':').strip()} : {_clean(b.value)}"
        if _is_note(text):
            notes.append(text)
        if b.kind == "heading":
            name = clean_heading(text)
            if _is_province_line(name):
                employer_line = employer_line or name
            elif _is_direction_line(name) and not sections:
                direction_line = direction_line or name
            else:
                sections.append((name, []))
                out.extend(["", name])
                continue
            out.append(name)
            continue
        if sections:
            sections[-1][1].append(text)
        elif _is_province_line(text):
            employer_line = employer_line or text
        elif _is_direction_line(text):
            direction_line = direction_line or text
        out.append(text)

    # Metadata the body does not state is shown too, so that it can be searched.
    shown = [
        f"{_DISPLAY[f]} : {fields[f]}"
        for f in _DISPLAY
        if f in fields and f not in labelled
    ]
    if shown:
        out[1:1] = shown if title else []
        if not title:
            out[0:0] = shown
    return _build(fields, title, employer_line, direction_line, notes, sections, out, doc, source)


def _body_title(labels: list[tuple[str, str, str] | None], values: dict[int, str]) -> dict[str, str]:
    for i, found in enumerate(labels):
        if found is not None and found[0] == "title" and _clean(values.get(i, "")):
            return {"title": values[i]}
    return {}


def _build(fields: dict[str, str], title: str, employer_line: str | None, direction_line: str | None,
           notes: list[str], sections: list[tuple[str, list[str]]], out: list[str], doc: Document,
           source: str) -> Offer:
    warnings = list(doc.warnings)

    reference = posted_fallback = None
    if "reference" in fields:
        m = _REFERENCE.fullmatch(fields["reference"])
        if m:
            reference, posted_fallback = m.group(1), m.group(2)
    if not reference:
        warnings.append("référence introuvable")
    if not title:
        warnings.append("titre introuvable")

    def date_field(name: str, what: str) -> dt.date | None:
        raw = fields.get(name)
        if raw is None:
            return None
        found = parse_french_date(raw)
        if found is None:
            warnings.append(f"{what} illisible : « {raw} »")
        return found

    posted = date_field("posted", "date de dépôt")
    if posted is None and "posted" not in fields and posted_fallback:
        posted = parse_french_date(posted_fallback)

    deadline = None
    raw_deadline = fields.get("deadline")
    if raw_deadline is not None:
        deadline = parse_french_date(raw_deadline)
    postponed = [d for d in (_new_deadline(n) for n in notes) if d is not None]
    if postponed:
        deadline = postponed[-1]  # the latest notice is the one in force
    elif raw_deadline is not None and deadline is None:
        warnings.append(f"date limite illisible : « {raw_deadline} »")
    elif raw_deadline is None:
        warnings.append("date limite introuvable")

    start = fields.get("start")
    if start is not None:
        start_date = parse_french_date(start)
        if start_date is not None:
            start = start_date.isoformat()
        elif looks_like_date(start):
            warnings.append(f"date de prise de poste illisible : « {start} »")
            start = None

    employer_raw = fields.get("employer") or employer_line
    employer = normalise_employer(employer_raw) if employer_raw else None
    location = fields.get("location")
    commune = find_commune(location) if location else None
    region = province_name(fields["region"]) if "region" in fields else None
    province = province_of(commune) or region or (employer if employer in PROVINCES else None)

    text = "\n".join(out).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return Offer(
        reference=reference,
        title=title,
        employer=employer,
        corps=fields.get("corps"),
        direction=fields.get("direction") or direction_line,
        location=location,
        commune=commune,
        province=province,
        residence=fields.get("residence"),
        posted=posted,
        deadline=deadline,
        start=start,
        respnc=fields.get("respnc"),
        sections=tuple((name, "\n".join(lines).strip()) for name, lines in sections),
        text=text,
        source=source,
        warnings=tuple(dict.fromkeys(warnings)),
    )
