"""JSON-LD JobPosting: with or without @type, and what a job seeker needs to apply."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from indexer.errors import OfferFileError
from indexer.parsing import parse_text

POSTING = {
    "identifier": "3134-26-0939/SR",
    "title": "Technicien support",
    "name": "Technicien support - CPSM",
    "datePosted": "2026-06-19",
    "validThrough": "2026-07-10",
    "hiringOrganization": {"@type": "Organization", "name": "Office des Postes et des Télécommunications"},
    "applicationContact": {"@type": "ContactPoint", "telephone": "+687 26 74 82", "email": "DRH@example.nc"},
    "jobLocation": {"@type": "Place", "address": {"addressLocality": "Nouméa"},
                    "geo": {"latitude": "-22.27", "longitude": "166.44"}},
    "relevantOccupation": {"occupationalCategory": {"codeValue": "I1304", "name": "Support informatique"}},
    "url": "https://example.nc/offres/3134-26-0939_SR/",
}


@pytest.mark.parametrize("typed", [True, False], ids=["with-type", "without-type"])
def test_posting_fields(typed: bool) -> None:
    data = {"@context": "https://schema.org", "@type": "JobPosting", **POSTING} if typed else POSTING
    offer = parse_text(json.dumps(data), source="offre.json")
    assert {
        name: getattr(offer, name)
        for name in ("reference", "title", "employer", "posted", "deadline", "contact_email", "contact_phone",
                     "url", "rome_code", "rome_label", "latitude", "longitude", "commune")
    } == {
        "reference": "3134-26-0939/SR", "title": "Technicien support",
        "employer": "Office des Postes et des Télécommunications",
        "posted": dt.date(2026, 6, 19), "deadline": dt.date(2026, 7, 10),
        "contact_email": "DRH@example.nc", "contact_phone": "+687 26 74 82",
        "url": "https://example.nc/offres/3134-26-0939_SR/", "rome_code": "I1304",
        "rome_label": "Support informatique", "latitude": -22.27, "longitude": 166.44, "commune": "Nouméa",
    }
    # how to apply is searchable, as every field the body does not state
    assert "Courriel de candidature : DRH@example.nc\nTéléphone : +687 26 74 82" in offer.text


@pytest.mark.parametrize(
    "document",
    [
        {"name": "Offres", "url": "https://example.nc"},  # a web page: no posting property
        {"title": "Agent", "validThrough": "2026-07-10"},  # one property is not enough
        {"@type": "Organization", "hiringOrganization": "x", "validThrough": "y"},  # typed otherwise
    ],
)
def test_not_a_posting(document: dict) -> None:
    with pytest.raises(OfferFileError) as caught:
        parse_text(json.dumps(document), fmt="jsonld")
    assert caught.value.reason == "aucune offre d’emploi (JobPosting) dans le JSON-LD"
