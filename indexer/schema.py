"""The Whoosh schema, and how an `Offer` becomes a stored document.

Every text field takes its analyzer from `indexer.analysis`; query parsing,
highlighting and suggestions reach that analyzer only through this schema.
"""

from __future__ import annotations

import json
import re

from whoosh import fields
from whoosh.analysis import KeywordAnalyzer

from indexer import facetvalues
from indexer.analysis import french_analyzer
from indexer.offer import Offer
from indexer.parsing.references import split_reference

# Facet fields: exact values, stored, kept as columns for fast counting. The local filters
# (zone, contract, category, residence, ROME family) and the corps hold the words the
# filters show (`indexer.facetvalues`), not the offer's own sentence.
FACET_FIELDS = ("employer", "commune", "province", "respnc", "corps", "direction",
                "zone", "contract", "category", "residence", "rome")

# Weight of the title over the body in BM25F.
TITLE_BOOST = 3.0

# What free text searches, with each field's weight: every field a job seeker names (the
# job, its employer and direction, where, its family and ROME label, its corps). A field's
# BM25 score is multiplied by its weight at query time (an index-time boost only scales term
# frequencies, which BM25 saturates); the title also keeps its index-time TITLE_BOOST.
# Weights measured with bench/ndcg.py on judged queries (BENCHMARKS.md).
FREE_TEXT_WEIGHTS = {
    "title": 1.0,
    "employer_text": 2.0,
    "direction_text": 1.5,
    "place_text": 2.0,
    "family_text": 2.0,
    "corps_text": 1.0,
    "body": 1.0,
}
FREE_TEXT_FIELDS = tuple(FREE_TEXT_WEIGHTS)

_REF_SPLIT = re.compile(r"[/\s]+")


def make_schema() -> fields.Schema:
    analyzer = french_analyzer()
    facet = dict(stored=True, sortable=True)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        slug=fields.ID(stored=True),
        source=fields.ID(stored=True),
        digest=fields.STORED(),
        refs=fields.KEYWORD(analyzer=KeywordAnalyzer(lowercase=True), scorable=False),
        title=fields.TEXT(analyzer=analyzer, stored=True, chars=True, field_boost=TITLE_BOOST),
        # Not stored: the text is in the stored offer (body_text); offsets point into it.
        body=fields.TEXT(analyzer=analyzer, chars=True),
        # Searchable forms of the facet values, for free text and the French field prefixes.
        **{name: fields.TEXT(analyzer=analyzer) for name in FREE_TEXT_FIELDS
           if name not in ("title", "body")},
        posted=fields.NUMERIC(int, stored=True, sortable=True, signed=False),
        deadline=fields.NUMERIC(int, stored=True, sortable=True, signed=False),
        offer=fields.STORED(),
        **{name: fields.ID(**facet) for name in FACET_FIELDS},
    )


def slugify_reference(reference: str) -> str:
    """'3134-25-0977/SR' -> '3134-25-0977-SR' (what the offer page URL uses)."""
    slug = re.sub(r"[^0-9A-Za-z]+", "-", reference).strip("-")
    return slug or "offre"


def reference_keys(reference: str | None) -> list[str]:
    """Every form under which a reference is found exactly.

    '3134-25-0977/SR' -> ['3134-25-0977/sr', '3134-25-0977-sr', '3134-25-0977', '25-0977', '0977']
    """
    if not reference:
        return []
    # Typed or linked in another of its real spellings ("3134-25-0977 SR", "…_SR"), a
    # reference still names the same offer.
    ref = (split_reference(reference)[0] or reference).strip().lower()
    keys = [ref, slugify_reference(ref).lower()]
    number = _REF_SPLIT.split(ref)[0]
    keys.append(number)
    parts = number.split("-")
    for start in range(1, len(parts)):
        keys.append("-".join(parts[start:]))
    return list(dict.fromkeys(k for k in keys if k))


def date_ordinal(value) -> int:
    """Dates are stored as ordinals (0 = unknown) so they sort and filter as integers."""
    return value.toordinal() if value else 0


def body_text(offer: Offer) -> str:
    """The text indexed as the body; highlight offsets point into exactly this string."""
    return offer.text or "\n\n".join(text for _, text in offer.sections)


def stored_offer(stored: dict) -> Offer:
    """The `Offer` of a stored document (the inverse of the "offer" field below)."""
    return Offer.from_dict(json.loads(stored["offer"]))


def facet_values(offer: Offer) -> dict[str, str | None]:
    """The value of each facet field for one offer."""
    values = {name: getattr(offer, name, None) for name in FACET_FIELDS}
    values.update(
        corps=facetvalues.corps_short(offer.corps),
        zone=facetvalues.zone_of(offer.commune, offer.location, offer.province),
        contract=facetvalues.contract_of(offer.contract),
        category=facetvalues.category_of(offer.category),
        residence=facetvalues.residence_label(offer.residence),
        rome=facetvalues.rome_family(offer.rome_code),
    )
    return values


# json.dumps(..., ensure_ascii=False) with its encoder built once, not at every offer.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def offer_to_document(offer: Offer, doc_id: str, digest: str) -> dict:
    """The document the writer receives for one offer."""
    body = body_text(offer)
    place = " ".join(p for p in (offer.location, offer.commune, offer.province) if p)
    doc = {
        "id": doc_id,
        "slug": slugify_reference(offer.reference) if offer.reference else doc_id,
        "source": offer.source,
        "digest": digest,
        "refs": " ".join(reference_keys(offer.reference)) or doc_id,
        "title": offer.title or "",
        "body": body,
        "employer_text": offer.employer or "",
        "direction_text": offer.direction or "",
        "place_text": place,
        "family_text": " ".join(p for p in (offer.respnc, offer.rome_label) if p),
        "corps_text": offer.corps or "",
        "posted": date_ordinal(offer.posted),
        "deadline": date_ordinal(offer.deadline),
        "offer": _to_json(offer.to_dict()),
    }
    for name, value in facet_values(offer).items():
        # Always give a value: Whoosh 2.7.4 writes a short column for a segment whose last
        # documents lack the field, and reading it then raises IndexError.
        doc[name] = value or ""
    return doc
