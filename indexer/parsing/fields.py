"""Format-independent field extraction: decoded blocks (+ metadata) → :class:`Offer`.

Every format parser (text, Markdown, HTML, JSON-LD) reduces a file to a :class:`Document`:
an ordered list of headings, lines and (label, value) pairs, plus authoritative metadata
(JSON-LD first, then front matter). Fields are taken in that order of trust, then from the
body's labelled lines (:mod:`indexer.parsing.labels` says which label names which field),
then from unlabelled lines ("PROVINCE SUD", "Direction ..."). A file that is no offer at all
is refused here (:mod:`indexer.parsing.kind`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache

from indexer.analysis.folding import fold as fold_word
from indexer.analysis.folding import fold_words
from indexer.errors import OfferFileError
from indexer.offer import Offer
from indexer.parsing.dates import find_french_date, looks_like_date, parse_french_date
from indexer.parsing.document import Block, Document
from indexer.parsing.kind import NOT_AN_OFFER, is_offer
from indexer.parsing.labels import clean_heading, field_of_key, field_of_label, fold, split_label
from indexer.parsing.places import PROVINCES, find_commune, normalise_employer, province_name, province_of
from indexer.parsing.references import find_reference, split_reference
from indexer.parsing.values import (
    category_letter, contract_kind, coordinate, email_in, phone_in, rome_code, url_in,
)

__all__ = ["extract_offer", "field_of_label", "split_label"]



# How metadata fields are shown in the text when the body does not already say it.
_DISPLAY = {
    "reference": "Référence", "employer": "Employeur", "corps": "Corps", "direction": "Direction",
    "location": "Lieu de travail", "residence": "Durée de résidence exigée", "posted": "Date de dépôt de l’offre",
    "deadline": "Date limite de candidature", "start": "Poste à pourvoir", "respnc": "Emploi RESPNC",
    "contract": "Type de contrat", "email": "Courriel de candidature", "phone": "Téléphone",
}

# Fields whose labelled line also stays in its section: how to apply is read where the
# offer says it, not only in the header.
_SECTION_FIELDS = frozenset({"email", "phone"})

# A later notice that names the NEW closing date ("reportée au 12/09", "nouvelle date le
# ..."); "initialement prévue le 18/07" names the old one and is ignored.
_NEW_DATE = re.compile(
    r"(?:nouvelle date(?: de cloture| limite)?|reportee?s?|repoussee?s?|prolongee?s?|prorogee?s?|decalee?s?)"
    r"\s*(?:jusqu'?\s*(?:au|a)|au|a|le|:)?\s*(.*)"
)
# How a direction names itself; a "direction" value that instead names an organisation
# ("Office des postes et télécommunications") is the employer's name put in the wrong field.
_DIRECTION_WORDS = re.compile(
    r"(?:direction|service|pole|departement|secretariat|cabinet|bureau|division|mission|cellule|section|unite"
    r"|de la|de l|du|des|d)\b"
)
_ORGANISATION_WORDS = re.compile(
    r"(?:office|mairie|commune|province|gouvernement|etablissement|centre hospitalier|caisse|chambre|institut"
    r"|universite|syndicat|societe|regie|congres|senat|haut commissariat|assemblee)\b"
)


_BLANK_LINES = re.compile(r"\n{3,}")


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


# Characters whose folding holds no digit. A note matters only for the new date it
# announces (`_new_deadline`), and a date needs a digit in the folded note; folding goes
# character by character, so a line without a digit and without any other character
# (a rare symbol, another script) cannot announce one and is not folded at all.
_NO_DIGIT = "".join(
    c for c in map(chr, (*range(0x80, 0x250), *range(0x2000, 0x2070), 0x20AC))
    if not any(ch.isdigit() for ch in fold_word(c))
)
_MAY_DATE = re.compile(f"[0-9]|[^\x00-\x7f{re.escape(_NO_DIGIT)}]")


def _is_dated_note(text: str) -> bool:
    """Whether a line is a note that may announce a new closing date: "Date de clôture
    reportée au 12/09/2025" → True, "Date de clôture : voir ci-dessous" → False (no date)."""
    return _MAY_DATE.search(text) is not None and _is_note(text)


def _new_deadline(note: str) -> dt.date | None:
    """The new closing date a notice announces: "reportée au 12/09/2025" → 2025-09-12, "initialement prévue le 18/07/2025" → None."""
    folded = fold_words(note)
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


@lru_cache(maxsize=4096)
def _line_label(text: str) -> tuple[str, str, str] | None:
    """(field, label, value) of a heading or line: "## Employeur : Province Sud" → ("employer", "Employeur", "Province Sud").

    Cached: offers of one site repeat their labelled lines ("Lieu de travail : Nouméa"). Most
    labelled lines are one offer's own ("Référence : 26-1246"): a small cache keeps the
    repeated ones (least recently used go first) without holding every line of the build.
    """
    if ":" not in text:  # no colon, no label: most lines
        return None
    return split_label(clean_heading(text) + (" :" if text.rstrip().endswith(":") else ""))


@lru_cache(maxsize=4096)
def _heading(text: str) -> tuple[str, bool, bool]:
    """A heading's name, and whether it names a province or a direction (then no section).
    Cached: headings are few ("Missions", "Profil"...) and every offer repeats them."""
    name = clean_heading(text)
    return name, _is_province_line(name), _is_direction_line(name)


def _label_lines(blocks: list[Block]) -> list[tuple[str, str, str] | None]:
    out: list[tuple[str, str, str] | None] = []
    for b in blocks:
        if b.kind == "pair":
            field = field_of_label(b.text)
            out.append((field, b.text.strip().rstrip(":").strip(), b.value) if field else None)
        else:
            # Most lines hold no colon, hence no label: they stay out of the cache.
            out.append(_line_label(b.text) if ":" in b.text else None)
    return out


def extract_offer(doc: Document, source: str = "") -> Offer:
    """The Offer read from a document: blocks [line("Travailleur social"), line("Référence : 26-1246")] → Offer(title=..., reference="26-1246")."""
    blocks = list(doc.blocks)
    labels = _label_lines(blocks)
    fields: dict[str, str] = {}
    directions: list[str] = []  # every direction stated, in order of trust
    for label, value in doc.meta:
        field = field_of_key(label)
        if field == "direction" and _clean(value):
            directions.append(_clean(value))
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
            if field == "direction" and value:
                directions.append(value)
            first = field not in taken and bool(value)
            if first:
                fields[field] = value
                taken.add(field)
            if sections and field != "modification" and (not first or field in _SECTION_FIELDS):
                sections[-1][1].append(f"{label} : {value}")  # a repeated label is just text
            if field in ("deadline", "modification"):
                notes.append(f"{label} {value}")
            out.append(f"{label} : {value}" if value else label)
            continue
        text = " ".join(b.text.split())
        if b.kind == "pair":
            text = f"{_clean(b.text).rstrip(':').strip()} : {_clean(b.value)}"
        if _is_dated_note(text):
            notes.append(text)
        if b.kind == "heading":
            name, province, direction = _heading(text)
            if province:
                employer_line = employer_line or name
            elif direction and not sections:
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
    if direction_line:
        directions.append(direction_line)
    body_blocks = len(blocks) - len(title_blocks)
    return _build(fields, title, employer_line, directions, notes, sections, out, doc, source, body_blocks)


def _body_title(labels: list[tuple[str, str, str] | None], values: dict[int, str]) -> dict[str, str]:
    for i, found in enumerate(labels):
        if found is not None and found[0] == "title" and _clean(values.get(i, "")):
            return {"title": values[i]}
    return {}


def _employer_and_direction(fields: dict[str, str], employer_line: str | None,
                            directions: list[str]) -> tuple[str | None, str | None]:
    """The employer (stated, else a direction value that names an organisation) and the first real direction."""
    employer = fields.get("employer") or employer_line
    direction = None
    for value in directions:
        folded = fold(value)
        if not _DIRECTION_WORDS.match(folded) and (
            _ORGANISATION_WORDS.match(folded) or (employer is not None and folded == fold(employer))
        ):
            employer = employer or value
        elif direction is None:
            direction = value
    return employer, direction


def _build(fields: dict[str, str], title: str, employer_line: str | None, directions: list[str],
           notes: list[str], sections: list[tuple[str, list[str]]], out: list[str], doc: Document,
           source: str, body_blocks: int) -> Offer:
    warnings = list(doc.warnings)

    reference, dated = split_reference(fields["reference"]) if "reference" in fields else (None, None)
    if not is_offer(doc, reference, fields, [name for name, _ in sections], body_blocks):
        raise OfferFileError(source, NOT_AN_OFFER)
    if not reference:
        # A job site names its offer files after their reference ("…__3134-26-0677_SR.md").
        reference = find_reference(os.path.basename(source))
        warnings.append("référence lue dans le nom du fichier" if reference else "référence introuvable")
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
    republished = None
    if posted is None and "posted" not in fields:
        posted = dated  # "26-1246 du 02/03/2026": the reference is dated by its deposit
    elif posted is not None and dated is not None and dated > posted:
        republished = dated  # a later date than the deposit: this publication is a new one

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

    employer_raw, direction = _employer_and_direction(fields, employer_line, directions)
    employer = normalise_employer(employer_raw) if employer_raw else None
    location = fields.get("location")
    commune = find_commune(location) if location else None
    region = province_name(fields["region"]) if "region" in fields else None
    province = province_of(commune) or region or (employer if employer in PROVINCES else None)

    text = "\n".join(out).strip()
    if "\n\n\n" in text:  # rare: the search for runs costs more than this test
        text = _BLANK_LINES.sub("\n\n", text)
    return Offer(
        reference=reference,
        title=title,
        employer=employer,
        corps=fields.get("corps"),
        direction=direction,
        location=location,
        commune=commune,
        province=province,
        residence=fields.get("residence"),
        posted=posted,
        deadline=deadline,
        start=start,
        respnc=fields.get("respnc"),
        contact_email=email_in(fields.get("email"), every=True) or email_in(text),
        contact_phone=phone_in(fields.get("phone"), labelled=True) or phone_in(text),
        url=url_in(fields.get("url")),
        pdf_url=url_in(fields.get("pdf_url")),
        rome_code=rome_code(fields.get("rome_code")),
        rome_label=fields.get("rome_label"),
        contract=contract_kind(fields.get("contract")),
        category=category_letter(fields.get("category")),
        latitude=coordinate(fields.get("latitude"), 90),
        longitude=coordinate(fields.get("longitude"), 180),
        republished=republished,
        sections=tuple((name, "\n".join(lines).strip()) for name, lines in sections),
        text=text,
        source=source,
        warnings=tuple(dict.fromkeys(warnings)),
    )
