"""The offer page's first screen and its « Postuler » block, from an `Offer`.

What a job seeker needs first (who, where, until when), how to apply (contact links with
safe schemes only, documents to send, the original offer), the map point, and the notice
of a moved deadline. Templates only display what is built here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from indexer.analysis import fold_key
from indexer.offer import Offer
from searchweb import frdates

# New Caledonia's calling code: local numbers have six digits.
NC_CALLING_CODE = "+687"

# Section headings (folded) that say how to apply; those sections move into « Postuler ».
APPLY_HEADINGS = ("pieces a fournir", "candidature", "comment postuler", "pour postuler",
                  "contact")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE_SPLIT = re.compile(r"\s+(?:ou|et)\s+|[,;/]", re.IGNORECASE)
_NUMERIC_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")
_RESCHEDULED = re.compile(r"initialement\s+prévue", re.IGNORECASE)


@dataclass(frozen=True)
class ContactLink:
    label: str  # as the offer states it
    href: str | None  # mailto:/tel:, None when the text is not a usable address or number


@dataclass(frozen=True)
class ApplyBlock:
    deadline: str  # "lundi 18 août 2025" or ""
    deadline_iso: str | None
    status: frdates.DeadlineStatus
    emails: list[ContactLink]
    phones: list[ContactLink]
    original_url: str | None  # the original offer's page (http or https only)
    pdf_url: str | None  # its PDF (http or https only)
    employer: str | None

    @property
    def has_contact(self) -> bool:
        return bool(self.emails or self.phones or self.original_url or self.pdf_url)


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    osm_url: str  # the same point on openstreetmap.org, for a plain link


def place_of(location: str | None, commune: str | None, province: str | None) -> str | None:
    """The place once: 'Nouméa' + 'Nouméa' + 'Province Sud' -> 'Nouméa (Province Sud)'.

    The commune is added when the stated place of work does not name it; the province when
    neither does.
    """
    place = location or commune
    if not place:
        return province
    folded = fold_key(place)
    if commune and fold_key(commune) not in folded:
        place = f"{place}, {commune}"
        folded = fold_key(place)
    if province and fold_key(province) not in folded:
        place = f"{place} ({province})"
    return place


def is_apply_heading(heading: str) -> bool:
    """'📬 Contact & Modalités de candidature' -> True; 'Missions' -> False."""
    folded = fold_key(heading)
    return any(words in folded for words in APPLY_HEADINGS)


def safe_url(value: str | None) -> str | None:
    """An absolute http(s) URL as stated, anything else (javascript:, relative...) None."""
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            c.isspace() or c in "<>\"'" for c in value):
        return None
    return value


def email_links(value: str | None, subject: str) -> list[ContactLink]:
    """Every address in the stated contact, each a mailto: link with the offer as subject."""
    if not value:
        return []
    found = _EMAIL.findall(value)
    if not found:
        return [ContactLink(value.strip(), None)]
    query = "?subject=" + quote(subject, safe="") if subject else ""
    return [ContactLink(email, f"mailto:{quote(email, safe='@.+-_')}{query}") for email in found]


def phone_links(value: str | None) -> list[ContactLink]:
    """'26.82.82 ou 77.35.00' -> two tel: links (+687268282, +687773500)."""
    if not value:
        return []
    links = []
    for part in _PHONE_SPLIT.split(value):
        part = part.strip(" .")
        if not part:
            continue
        digits = re.sub(r"\D", "", part)
        if part.startswith("+") and 8 <= len(digits) <= 15:
            links.append(ContactLink(part, f"tel:+{digits}"))
        elif len(digits) == 6:
            links.append(ContactLink(part, f"tel:{NC_CALLING_CODE}{digits}"))
        elif len(digits) == 9 and digits.startswith("687"):
            links.append(ContactLink(part, f"tel:+{digits}"))
        else:
            links.append(ContactLink(part, None))
    return links


def apply_block(offer: Offer, today: dt.date) -> ApplyBlock:
    subject = " — ".join(p for p in ("Candidature", offer.reference, offer.title) if p)
    return ApplyBlock(
        deadline=frdates.long_date(offer.deadline),
        deadline_iso=offer.deadline.isoformat() if offer.deadline else None,
        status=frdates.deadline_status(offer.deadline, today),
        emails=email_links(offer.contact_email, subject),
        phones=phone_links(offer.contact_phone),
        original_url=safe_url(offer.url),
        pdf_url=safe_url(offer.pdf_url),
        employer=offer.employer,
    )


def map_point(offer: Offer) -> MapPoint | None:
    """Where the offer says the job is, when it gives usable coordinates."""
    lat, lon = offer.latitude, offer.longitude
    if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    label = place_of(offer.location, offer.commune, offer.province) or offer.title
    return MapPoint(lat, lon, label,
                    f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=16/"
                    f"{lat:.6f}/{lon:.6f}")


def rescheduled_notice(text: str) -> str | None:
    """The offer's line about a moved deadline, its date in French words.

    'Modification de la date de clôture initialement prévue le : 18/07/2025'
    -> 'Modification de la date de clôture initialement prévue le vendredi 18 juillet 2025'
    """
    for line in (text or "").splitlines():
        if _RESCHEDULED.search(line):
            line = " ".join(line.replace("|", " ").split())
            line = re.sub(r"\ble\s*:\s*", "le ", line)
            return _NUMERIC_DAY.sub(_french_day, line).rstrip(" :")
    return None


def key_facts(offer: Offer) -> list[tuple[str, str]]:
    """The first screen: who hires, where, until when, from when (absent values left out)."""
    rows = [
        ("Employeur", offer.employer),
        ("Lieu de travail", place_of(offer.location, offer.commune, _province(offer))),
        ("Date limite de candidature", frdates.long_date(offer.deadline)),
        ("Poste à pourvoir", frdates.day_or_text(offer.start)),
    ]
    return [(label, value) for label, value in rows if value]


def other_facts(offer: Offer) -> list[tuple[str, str]]:
    """The rest of the header, for those who check eligibility."""
    rows = [
        ("Corps ou cadre d’emploi", offer.corps),
        ("Direction", offer.direction),
        ("Emploi RESPNC", offer.respnc),
        ("Durée de résidence exigée", offer.residence),
        ("Date de dépôt", frdates.long_date(offer.posted)),
        ("Référence", offer.reference),
    ]
    # A value with no letter or digit ("/", "-") is a blank cell of the source's table.
    return [(label, value) for label, value in rows if value and any(c.isalnum() for c in value)]


def _province(offer: Offer) -> str | None:
    """The province, unless it is the employer just above (Province Sud hiring in Nouméa)."""
    if offer.province and offer.employer and fold_key(offer.province) == fold_key(offer.employer):
        return None
    return offer.province


def _french_day(match: re.Match) -> str:
    day, month, year = (int(g) for g in match.groups())
    if year < 100:
        year += 2000
    try:
        return frdates.long_date(dt.date(year, month, day))
    except ValueError:
        return match.group(0)
