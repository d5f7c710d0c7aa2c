"""Merging the files of one reference field by field: what the sources state, not one whole file.

The files are given best first (the order deduplication ranks them in). The best file's
values stand, except where it says nothing (another file's value fills the gap), where its
title is a placeholder ("Poste sans titre": any real title beats it), and where one of its
dates disagrees by years with the dates other sources agree on (theirs wins, and the build
report says so; with two sources that disagree, the one years away from the offer's other
dates loses). Files of one reference published on different dates keep the first as the
deposit date and the last as the republication date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from indexer.analysis.folding import synonym_key
from indexer.offer import Offer

_PLACEHOLDER = re.compile(
    r"(?:(?:poste|offre|emploi|intitule)s?(?: du poste)?\s*)?(?:sans titre|sans intitule|non renseigne|a definir"
    r"|a venir|untitled|no title)|titre|intitule|poste|offre|untitled|tbd|n a|[-?.]*"
)
AGREE_DAYS = 180  # two dates this close are the same publication's, give or take a notice
DISAGREE_DAYS = 365  # a date this far from the one the other sources agree on is a mistake
# Fields filled from the next source when the best one says nothing; a place and its
# coordinates come together from one source.
_FILLED = ("employer", "corps", "direction", "residence", "start", "respnc", "contact_email", "contact_phone",
           "url", "pdf_url", "rome_code", "rome_label", "contract", "category", "republished")
_TOGETHER = (("location", "commune", "province"), ("latitude", "longitude"))
_DATE_NAMES = {"posted": "date de dépôt", "deadline": "date limite"}


def is_placeholder_title(title: str) -> bool:
    """Whether a title says nothing: "Poste sans titre" → True, "Secrétaire" → False."""
    return _PLACEHOLDER.fullmatch(synonym_key(title)) is not None


def _agreed(dates: list[tuple[dt.date, str]]) -> dt.date:
    """The date most sources agree with (within AGREE_DAYS); on a tie, the best source's."""
    def support(day: dt.date) -> int:
        return sum(abs((day - other).days) <= AGREE_DAYS for other, _ in dates)
    return max(dates, key=lambda pair: (support(pair[0]), -dates.index(pair)))[0]


def _date(offers: list[Offer], name: str, reference: str, warnings: list[str],
          anchors: list[dt.date]) -> list[dt.date]:
    """The dates of field ``name`` that agree with the sources, best source first; each
    outlier is warned about. Where no two sources agree, the dates of the offer's other
    field (``anchors``: deposit dates for a deadline) say which one is years off."""
    stated = [(getattr(o, name), o.source) for o in offers if getattr(o, name) is not None]
    if not stated:
        return []
    agreed = _agreed(stated)
    if sum(abs((agreed - day).days) <= AGREE_DAYS for day, _ in stated) >= 2:
        def plausible(day: dt.date) -> bool:
            return abs((day - agreed).days) < DISAGREE_DAYS
        said = agreed.isoformat()
    else:
        near = [day for day, _ in stated if any(abs((day - a).days) < DISAGREE_DAYS for a in anchors)]
        if not near or len(near) == len(stated):
            return [day for day, _ in stated]  # nothing says which one is off
        agreed = near[0]

        def plausible(day: dt.date) -> bool:
            return day in near
        said = ", ".join(dict.fromkeys(d.isoformat() for d in near))
    kept = []
    for day, source in stated:
        if plausible(day):
            kept.append(day)
        else:
            warnings.append(f"{source}: {_DATE_NAMES[name]} du {day.isoformat()} écartée pour la référence "
                            f"{reference} : les autres sources disent {said}")
    return kept


def merge_offers(offers: list[Offer]) -> tuple[Offer, list[str]]:
    """One offer from the files of one reference, best first, and the build report's warnings.

    [Offer(title="Poste sans titre", deadline=2029-05-29), Offer(title="Agent", deadline=2026-05-29),
    Offer(deadline=2026-05-29)] → Offer(title="Agent", deadline=2026-05-29) and one warning.
    """
    best = offers[0]
    reference = best.reference or ""
    warnings: list[str] = []
    changes: dict[str, object] = {}
    for name in _FILLED:
        if not getattr(best, name):
            found = next((getattr(o, name) for o in offers[1:] if getattr(o, name)), None)
            if found:
                changes[name] = found
    for group in _TOGETHER:
        if getattr(best, group[0]) is None:
            source = next((o for o in offers[1:] if getattr(o, group[0]) is not None), None)
            if source is not None:
                changes.update({name: getattr(source, name) for name in group})
    if not best.title or is_placeholder_title(best.title):
        title = next((o.title for o in offers[1:] if o.title and not is_placeholder_title(o.title)), None)
        if title:
            changes["title"] = title
            text = best.text.removeprefix(best.title).lstrip("\n") if best.title else best.text
            changes["text"] = f"{title}\n{text}" if text else title
    # The same publication in another format (no deposit date or deadline of its own that
    # differs) gives the body when it states more of it: a JSON-LD summary must not hide
    # the skills and tools its Markdown page lists. Another version keeps its own body.
    same = [o for o in offers if all(getattr(o, n) in (None, getattr(best, n))
                                     for n in ("posted", "deadline"))]
    body = max(same, key=lambda o: len(o.text))
    if len(body.text) > len(best.text):
        title = changes.get("title", best.title)
        text = body.text.removeprefix(body.title).lstrip("\n") if body.title else body.text
        changes["sections"] = body.sections
        changes["text"] = f"{title}\n{text}" if text and title else (text or title)
    stated_posted = [o.posted for o in offers if o.posted is not None]
    stated_deadlines = [o.deadline for o in offers if o.deadline is not None]
    deadlines = _date(offers, "deadline", reference, warnings, stated_posted)
    if deadlines:
        changes["deadline"] = deadlines[0]
    posted = sorted(_date(offers, "posted", reference, warnings, stated_deadlines))
    if posted:
        # Publications of one reference on several dates: the first is the deposit, the
        # last a republication.
        changes["posted"] = posted[0]
        latest = max(posted[-1], max(republished)) if (republished := [
            o.republished for o in offers if o.republished is not None]) else posted[-1]
        if latest > posted[0]:
            changes["republished"] = latest
    changed = {k: v for k, v in changes.items() if getattr(best, k) != v}
    return (dataclasses.replace(best, **changed) if changed else best), warnings
