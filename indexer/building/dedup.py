"""Deduplication: one offer per reference among the corpus files that state it, merged from all of them."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Iterable, NamedTuple

from indexer.building.corpus import ReadOffer, read_offer, stable_id
from indexer.building.merge import merge_offers
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


def _group_digest(items: list[Entry]) -> str:
    """The digest of a group of files: it changes when any of them does, or is renamed (the
    merged offer names its winning file, and its warnings every file)."""
    files = sorted(f"{e.digest} {e.source}" for e in items)
    return hashlib.sha256("\n".join(files).encode("utf-8", "surrogateescape")).hexdigest()


class Merged(NamedTuple):
    """What merging the files of each reference gave (see `merge_groups`)."""

    winners: dict[str, Entry]  # id -> its winning file's Entry, with the offer merged from all its files
    rewritten: set[str]  # ids whose merged offer differs from the winning file's: a document of their own
    groups: dict[str, str]  # id -> digest of its files, for the next incremental build
    warnings: list[str]


def merge_groups(entries: Iterable[Entry], winners: dict[str, Entry], max_bytes: int,
                 previous: dict[str, str] | None = None) -> Merged:
    """Merge the files of each id several files state (`merge.merge_offers`).

    Files are read again for this (duplicates are few), except for an id whose files have
    not changed since the last build (``previous``: id -> digest of its files), which is
    left out: it stands as it is.
    """
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.doc_id].append(entry)
    result = Merged({}, set(), {}, [])
    for doc_id, items in sorted(groups.items()):
        if len(items) < 2:
            continue
        items.sort(key=lambda e: (e.rank, e.source), reverse=True)  # deduplicate's order
        digest = result.groups[doc_id] = _group_digest(items)
        if previous is not None and previous.get(doc_id) == digest:
            continue
        winner = winners[doc_id]
        if all(e.offer is not None for e in items):
            offers = [e.offer for e in items]
        else:
            offers = [read.offer for read in (read_offer(e.source, max_bytes) for e in items)
                      if isinstance(read, ReadOffer)]
        if not offers or offers[0].source != winner.source:
            continue  # the winning file changed or vanished while building: it stands alone
        offer, notes = merge_offers(offers)
        result.warnings.extend(notes)
        result.winners[doc_id] = Entry(winner.source, winner.digest, doc_id, winner.rank, offer, winner.stat)
        if offer is not offers[0]:
            result.rewritten.add(doc_id)
    return result
