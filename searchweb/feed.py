"""An Atom 1.0 feed of the newest offers matching a search, built with ElementTree (escaped)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable
from xml.etree import ElementTree as ET

from indexer.results import Hit, SearchPage
from indexer.clock import NOUMEA
from searchweb import frdates

ATOM_NS = "http://www.w3.org/2005/Atom"

# XML 1.0 cannot carry most control characters, even escaped; an offer file could.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def _timestamp(iso_day: str | None, fallback: dt.datetime) -> str:
    day = frdates.as_date(iso_day)
    if day is None:
        return fallback.isoformat(timespec="seconds")
    return dt.datetime.combine(day, dt.time(0, 0), NOUMEA).isoformat(timespec="seconds")


def _summary(hit: Hit) -> str:
    parts = [hit.employer, hit.commune or hit.location]
    if hit.deadline:
        parts.append(f"date limite de candidature : {frdates.long_date(hit.deadline)}")
    return " — ".join(p for p in parts if p)


def atom_feed(page: SearchPage, *, title: str, self_url: str, html_url: str,
              offer_url: Callable[[str], str], now: dt.datetime) -> bytes:
    """The feed document; entry ids are the offers' absolute URLs (stable per reference)."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent, tag, text=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = _clean(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    sub(feed, "title", _clean(title))
    sub(feed, "id", self_url)
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    newest = max((h.posted for h in page.hits if h.posted), default=None)
    sub(feed, "updated", _timestamp(newest, now))
    author = sub(feed, "author")
    sub(author, "name", "Offres d’emploi du secteur public de Nouvelle-Calédonie")
    sub(feed, "generator", "offres")
    for hit in page.hits:
        url = offer_url(hit.slug)
        entry = sub(feed, "entry")
        sub(entry, "title", hit.title or hit.reference)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        stamp = _timestamp(hit.posted, now)
        sub(entry, "updated", stamp)
        sub(entry, "published", stamp)
        if hit.employer:
            sub(sub(entry, "author"), "name", hit.employer)
        sub(entry, "summary", _summary(hit), type="text")
        for term in (hit.commune, hit.respnc):
            if term:
                sub(entry, "category", term=_clean(term))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
