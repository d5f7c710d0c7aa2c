"""schema.org ``JobPosting`` in JSON-LD (a file, or scripts inside HTML) → :class:`Document`."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from indexer.errors import OfferFileError
from indexer.parsing.document import Block, Document, heading
from indexer.parsing.html import html_blocks
from indexer.parsing.text import plain_blocks

_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# Long-text properties shown as sections after the description, with a French heading.
_SECTIONS = (
    ("responsibilities", "Responsabilités"),
    ("qualifications", "Qualifications"),
    ("skills", "Compétences"),
    ("experienceRequirements", "Expérience"),
    ("educationRequirements", "Formation"),
)


# Properties only a JobPosting has: a node without "@type" that states two of them is one
# (exports from some job boards drop the type but keep the vocabulary).
_POSTING_ONLY = frozenset((
    "hiringOrganization", "validThrough", "datePosted", "employmentType", "jobLocation",
    "applicationContact", "baseSalary", "jobBenefits", "employmentUnit", "directApply",
))


def _is_posting(node: dict[str, Any]) -> bool:
    types = node.get("@type", ())
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if not types:
        return len(_POSTING_ONLY.intersection(node)) >= 2
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for t in types)


def find_job_posting(data: Any) -> dict[str, Any] | None:
    """The first JobPosting in JSON-LD data, searching lists and @graph: [{"@type": "JobPosting"}] → that dict."""
    if isinstance(data, list):
        for item in data:
            found = find_job_posting(item)
            if found is not None:
                return found
    elif isinstance(data, dict):
        if _is_posting(data):
            return data
        if "@graph" in data:
            return find_job_posting(data["@graph"])
    return None


def _value(node: Any, *keys: str) -> str:
    """A string from a literal, a typed object (name / value / @value) or the first of a list."""
    if isinstance(node, list):
        return next((v for v in (_value(n, *keys) for n in node) if v), "")
    if isinstance(node, dict):
        for key in keys or ("name", "value", "@value"):
            if key in node:
                found = _value(node[key])
                if found:
                    return found
        return ""
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        return " ".join(str(node).split())
    return ""


def _raw(node: Any) -> str:
    """Long text with its line breaks kept (descriptions), or "" if not a string."""
    if isinstance(node, list):
        return "\n".join(_raw(n) for n in node)
    return node if isinstance(node, str) else ""


def _place(node: Any) -> tuple[str, str]:
    """(locality, region) of a jobLocation: {"address": {"addressLocality": "Koné"}} → ("Koné", "")."""
    if isinstance(node, list):
        return next((p for p in map(_place, node) if p[0]), ("", ""))
    if isinstance(node, str):
        return " ".join(node.split()), ""
    if not isinstance(node, dict):
        return "", ""
    address = node.get("address")
    if isinstance(address, dict):
        locality = _value(address.get("addressLocality")) or _value(address.get("streetAddress"))
        return locality or _value(node.get("name")), _value(address.get("addressRegion"))
    return _value(address) or _value(node.get("name")), ""


def _geo(node: Any) -> tuple[str, str]:
    """(latitude, longitude) of a jobLocation's geo: {"geo": {"latitude": -22.27, "longitude": 166.44}}."""
    if isinstance(node, list):
        return next((g for g in map(_geo, node) if g[0]), ("", ""))
    geo = node.get("geo") if isinstance(node, dict) else None
    if not isinstance(geo, dict):
        return "", ""
    return _value(geo.get("latitude")), _value(geo.get("longitude"))


def _rome(occupation: Any) -> tuple[str, str]:
    """(code, label) of a relevantOccupation's ROME category: {"occupationalCategory": {"codeValue": "M1607", "name": "Secrétariat"}}."""
    if isinstance(occupation, list):
        return next((r for r in map(_rome, occupation) if r[0]), ("", ""))
    category = occupation.get("occupationalCategory") if isinstance(occupation, dict) else None
    if not isinstance(category, dict):
        return "", ""
    return _value(category.get("codeValue")), _value(category.get("name"))


def _long_text(value: str) -> list[Block]:
    return html_blocks(value) if _HTML_TAG.search(value) else plain_blocks(value)


def posting_document(posting: dict[str, Any]) -> Document:
    """A JobPosting as a Document: {"title": "Infirmier", "validThrough": "2025-09-01"} → meta title + deadline."""
    location, region = _place(posting.get("jobLocation"))
    employment = posting.get("employmentType")
    contract = ", ".join(_value(e) for e in employment) if isinstance(employment, list) else _value(employment)
    rome_code, rome_label = _rome(posting.get("relevantOccupation"))
    latitude, longitude = _geo(posting.get("jobLocation"))
    meta = [
        ("reference", _value(posting.get("identifier"), "value", "@value", "name")),
        ("title", _value(posting.get("title")) or _value(posting.get("name"))),
        ("posted", _value(posting.get("datePosted"))),
        ("deadline", _value(posting.get("validThrough"))),
        ("employer", _value(posting.get("hiringOrganization"))),
        ("location", location),
        ("region", region),
        ("start", _value(posting.get("jobStartDate"))),
        ("contract", contract),
        ("email", _value(posting.get("applicationContact"), "email")),
        ("phone", _value(posting.get("applicationContact"), "telephone")),
        ("url", _value(posting.get("url")) or _value(posting.get("mainEntityOfPage"), "@id", "url")),
        ("rome_code", rome_code),
        ("rome_label", rome_label),
        ("latitude", latitude),
        ("longitude", longitude),
    ]
    blocks = _long_text(_raw(posting.get("description")))
    for key, name in _SECTIONS:
        text = _raw(posting.get(key))
        if text:
            blocks += [heading(name), *_long_text(text)]
    category = _value(posting.get("occupationalCategory"))
    return Document(
        blocks=tuple(blocks),
        meta=tuple((k, v) for k, v in meta if v),
        # A RESPNC label in the description is more precise than the category.
        defaults=(("respnc", category),) if category else (),
        posting=True,
    )


def parse_jsonld(text: str, source: str = "") -> Document:
    """A JSON-LD file → Document, or OfferFileError: '{"@type": "JobPosting", "title": "Infirmier"}' → meta title."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OfferFileError(source, f"JSON invalide (ligne {exc.lineno}, colonne {exc.colno})") from None
    posting = find_job_posting(data)
    if posting is None:
        raise OfferFileError(source, "aucune offre d’emploi (JobPosting) dans le JSON-LD")
    return posting_document(posting)


def merge_embedded(page: Document) -> Document:
    """An HTML page's Document enriched by its first JobPosting script; the page body is kept if it has one."""
    warnings = list(page.warnings)
    for script in page.scripts:
        try:
            posting = find_job_posting(json.loads(script))
        except json.JSONDecodeError:
            warnings.append("bloc JSON-LD illisible ignoré")
            continue
        if posting is None:
            continue
        embedded = posting_document(posting)
        return dataclasses.replace(
            page,
            blocks=page.blocks or embedded.blocks,
            meta=embedded.meta + page.meta,
            defaults=embedded.defaults + page.defaults,
            warnings=tuple(warnings),
            posting=True,
        )
    return dataclasses.replace(page, warnings=tuple(warnings))
