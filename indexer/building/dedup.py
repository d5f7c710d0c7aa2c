"""Deduplication: one offer per reference among the corpus files that state it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable, NamedTuple

from indexer.building.corpus import ReadOffer, stable_id
from indexer.offer import Offer


class Entry(NamedTuple):
    """One usable corpus file: what deduplication needs, and the offer once it is parsed
    (an unchanged file of an incremental build is not parsed again). A named tuple: an
    incremental build makes one per file of the corpus, three times faster than a frozen
    dataclass."""

    source: str
    digest: str
    doc_id: str
    rank: tuple  # higher wins among files of the same reference (see `rank`)
    offer: Offer | None = None
    stat: tuple[int, int] = (-1, -1)  # size and mtime (ns) when the digest was taken

    @classmethod
    def of(cls, read: ReadOffer, corpus: Path) -> "Entry":
        offer = read.offer
        return cls(offer.source, read.digest, stable_id(offer, corpus), rank(offer), offer,
                   read.stat)


def _completeness(offer: Offer) -> int:
    filled = (offer.title, offer.employer, offer.corps, offer.direction, offer.location,
              offer.residence, offer.posted, offer.deadline, offer.start, offer.respnc)
    return sum(1 for value in filled if value) + len(offer.sections)


def rank(offer: Offer) -> tuple[int, int, int, int]:
    """The most recent (deposit date, then deadline), then most complete version wins."""
    return (
        offer.posted.toordinal() if offer.posted else 0,
        offer.deadline.toordinal() if offer.deadline else 0,
        _completeness(offer),
        len(offer.text),
    )


def deduplicate(entries: Iterable[Entry]) -> tuple[dict[str, Entry], list[str]]:
    """One offer per id: the most recent, then most complete version wins."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.doc_id].append(entry)
    winners: dict[str, Entry] = {}
    messages: list[str] = []
    for doc_id, items in sorted(groups.items()):
        if len(items) > 1:
            items.sort(key=lambda e: (e.rank, e.source), reverse=True)
        winners[doc_id] = items[0]
        if len(items) > 1:
            losers = ", ".join(i.source for i in items[1:])
            messages.append(
                f"référence {doc_id} en double : {items[0].source} retenu, {losers} écarté"
            )
    return winners, messages
