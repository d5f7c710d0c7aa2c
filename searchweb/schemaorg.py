"""schema.org `JobPosting` data for an offer, serialised so it is safe inside <script>."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from indexer.clock import NOUMEA_OFFSET
from indexer.offer import Offer
from searchweb.safejson import script_safe

def script_json(data: Any) -> Markup:
    """JSON for a <script type="application/ld+json"> block: '</script>' -> '\\u003c/script\\u003e'."""
    return Markup(script_safe(json.dumps(data, ensure_ascii=False, indent=1)))


def employment_type(offer: Offer) -> str | None:
    """'FULL_TIME' / 'PART_TIME' when the offer states it; None otherwise (most offers)."""
    text = " ".join((offer.text or "").lower().split())
    if "temps partiel" in text:
        return "PART_TIME"
    if "temps complet" in text or "temps plein" in text:
        return "FULL_TIME"
    return None


def job_posting(offer: Offer, url: str) -> dict[str, Any]:
    """The JobPosting for one offer (only stated facts; absent fields are left out)."""
    description = offer.text or "\n\n".join(f"{h}\n{t}" for h, t in offer.sections)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": offer.title,
        "description": description,
        "url": url,
    }
    if offer.reference:
        data["identifier"] = {"@type": "PropertyValue", "name": offer.employer or "Référence",
                              "value": offer.reference}
    if offer.posted:
        data["datePosted"] = offer.posted.isoformat()
    if offer.deadline:
        data["validThrough"] = f"{offer.deadline.isoformat()}T23:59:59{NOUMEA_OFFSET}"
    if offer.employer:
        data["hiringOrganization"] = {"@type": "Organization", "name": offer.employer}
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "NC"}
    if offer.commune or offer.location:
        address["addressLocality"] = offer.commune or offer.location
    if offer.province:
        address["addressRegion"] = offer.province
    data["jobLocation"] = {"@type": "Place", "address": address}
    kind = employment_type(offer)
    if kind:
        data["employmentType"] = kind
    return data
