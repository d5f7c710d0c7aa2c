"""Reading a term's postings straight from Whoosh's block matchers (private attributes).

Whoosh's public matcher API steps one posting per Python call; the evaluator
(`indexer.searching.scoring`) and the highlighter need whole blocks of doc numbers, weights
and values at once. Every private attribute used here is checked first (`_has_block_api`),
and any matcher without them is read through the public API instead, with the same result.
"""

from __future__ import annotations

import bisect

import numpy as np
from whoosh.matching import WrappingMatcher

from indexer.whoosh_internals.occurrences import (FEW_DOCUMENTS, TermPositions,
                                                   concatenate, decoded_block, distinct, docs_by_block,
                                                   few_documents, select, term_block)

_BLOCK_READER = ("_read_ids", "_read_values", "_next_block", "_goto", "_i", "_ids", "_values",
                 "_maxid", "_baseoffset", "_nextoffset", "_lastblock")


def field_b(weighting, field: str) -> float:
    """BM25F's B for ``field`` (Whoosh keeps per-field values in a private dict)."""
    return getattr(weighting, "_field_B", {}).get(field, weighting.B)


def positions(searcher, field: str, text: str, docnums: list[int] | None = None,
              cache=None) -> dict[int, frozenset]:
    """The positions of ``field:text`` in each live document holding it, or only in those
    of ``docnums`` (sorted, live), read from the posting blocks that hold them (``cache``
    as for `term_values`)."""
    btext = searcher.schema[field].to_bytes(text)
    found = term_positions(searcher.reader(), field, btext, docnums, cache)
    docs, firsts = np.unique(found.docs, return_index=True)
    groups = np.split(found.positions, firsts[1:]) if len(docs) else []
    return {d: frozenset(group.tolist()) for d, group in zip(docs.tolist(), groups)}


def term_positions(reader, field: str, btext: bytes, docnums=None,
                   cache=None) -> TermPositions:
    """Every occurrence of ``field:btext`` in ``docnums`` (sorted ints, a list or a numpy
    array; None: every live document), read from the posting blocks that hold them,
    decoded as whole arrays (``cache`` as for `term_values`: blocks decoded once serve
    the next queries)."""
    fmt = reader.schema[field].format
    wanted = None if docnums is None else np.asarray(docnums, dtype=np.int64)
    parts: list[tuple] = []
    for segment, (leaf, offset) in enumerate(reader.leaf_readers()):
        if (field, btext) not in leaf:
            continue
        if wanted is None:
            local = None
        else:
            lo, hi = np.searchsorted(wanted, [offset, offset + leaf.doc_count_all()])
            local = wanted[lo:hi] - offset
            if not len(local):
                continue
        matcher = _raw_matcher(leaf, field, btext)
        if not all(hasattr(matcher, name) for name in _BLOCK_READER):
            if local is None:
                ids, values = live_postings(leaf, field, btext, "values")
                raw = dict(zip(ids, values))
            else:
                raw = {}
                _values_by_skipping(matcher, local.tolist(), 0, raw)
            block = decoded_block(fmt, list(raw), list(raw.values()))
            parts.append(select(block, local, offset, None))
            continue
        term = (segment, field, btext)
        blocks = (_blocks(_raw_matcher(leaf, field, btext)) if cache is None
                  else cache(("blocks", *term), lambda: _blocks(_raw_matcher(leaf, field, btext))))
        if local is not None and len(local) <= FEW_DOCUMENTS:
            # A phrase of this query may have decoded the whole term already.
            whole = _kept(cache, ("term positions", *term))
            if whole is not None:
                parts.append(select(whole, local, offset, None))
                continue
            few = few_documents(matcher, term, blocks, local.tolist(), offset, cache,
                                fmt.supports("characters"))
            if few is not None:
                parts.append(few)
                continue
        deleted = leaf.is_deleted if local is None and leaf.has_deletions() else None
        block_of = None
        if local is not None:  # the block that may hold each wanted document (sorted)
            last_ids = np.array([last for last, _ in blocks], dtype=np.int64)
            block_of = np.searchsorted(last_ids, local)
            numbers = distinct(block_of[block_of < len(blocks)]).tolist()
        if local is None or len(numbers) * 2 >= len(blocks):
            # Half the term's blocks or more: decoded as one (a few numpy calls for all).
            def read_all():
                return term_block(matcher, [position for _, position in blocks], fmt)
            block = read_all() if cache is None else cache(("term positions", *term), read_all)
            parts.append(select(block, local, offset, deleted))
            continue
        whole = _kept(cache, ("term positions", *term))
        if whole is not None:  # decoded whole by an earlier search: its blocks are there
            parts.append(select(whole, local, offset, None))
            continue
        for number in numbers:
            def read(number=number):
                return term_block(matcher, [blocks[number][1]], fmt)
            block = read() if cache is None else cache(("positions", *term, number), read)
            lo, hi = np.searchsorted(block_of, [number, number + 1])
            parts.append(select(block, local[lo:hi], offset, None))
    return concatenate(parts, fmt.supports("characters"))


class _NotKept(Exception):
    """Raised by `_kept`'s build: the entry is not in the cache, and stays out of it."""


def _absent():
    raise _NotKept


def _kept(cache, entry: tuple):
    """What ``cache`` holds for ``entry``, without computing it (None when absent)."""
    if cache is None:
        return None
    try:
        return cache(entry, _absent)
    except _NotKept:
        return None


def term_values(reader, field: str, btext: bytes, docnums: list[int],
                cache=None) -> dict[int, bytes]:
    """The raw posting values of ``field:btext`` in each of ``docnums`` (sorted, live) that
    holds the term, reading only the posting blocks that can hold them.

    ``cache(entry, build)``, when given (`indexer.searching.scoring.TermScores.cache_for`), keeps each segment's list
    of the term's blocks ``[(last doc, block position)]`` and the blocks decoded: the blocks
    needed are then reached directly. Without it, blocks are skipped by walking their
    headers.
    """
    found: dict[int, bytes] = {}
    for segment, (leaf, offset) in enumerate(reader.leaf_readers()):
        if (field, btext) not in leaf:
            continue
        local = [d - offset for d in docnums[bisect.bisect_left(docnums, offset):
                                             bisect.bisect_left(docnums, offset + leaf.doc_count_all())]]
        if not local:
            continue
        matcher = _raw_matcher(leaf, field, btext)
        if not all(hasattr(matcher, name) for name in _BLOCK_READER):
            _values_by_skipping(matcher, local, offset, found)
            continue
        if cache is not None:
            term = (segment, field, btext)
            blocks = cache(("blocks", *term), lambda: _blocks(_raw_matcher(leaf, field, btext)))
            last_ids = [last for last, _ in blocks]
            current, ids, values = -1, (), ()
            for d, number in docs_by_block(local, last_ids):
                if number != current:
                    current = number
                    ids, values = cache(("block", *term, number),
                                        lambda: _block_data(matcher, blocks[number][1]))
                i = bisect.bisect_left(ids, d)
                if i < len(ids) and ids[i] == d:
                    found[d + offset] = values[i]
            continue
        wanted = set(local)
        position = 0  # index in ``local`` of the next wanted document
        while matcher.is_active() and position < len(local):
            if matcher._maxid < local[position]:
                matcher._next_block()
                continue
            _take(matcher, wanted, offset, found)
            while position < len(local) and local[position] <= matcher._maxid:
                position += 1
            if matcher._maxid >= local[-1]:
                break
            matcher._next_block()
    return found


def _raw_matcher(leaf, field: str, btext: bytes):
    matcher = leaf.postings(field, btext)
    if isinstance(matcher, WrappingMatcher):  # FilterMatcher: deleted documents are never wanted
        matcher = matcher.child
    return matcher


def _blocks(matcher) -> list[tuple[int, int]]:
    """[(last doc number, block position)] of a term's posting blocks, from their headers."""
    blocks = []
    position = matcher._baseoffset
    while True:
        blocks.append((matcher._maxid, position))
        if matcher._lastblock:
            return blocks
        position = matcher._nextoffset
        matcher._next_block()


def _block_data(matcher, position: int) -> tuple[tuple, tuple]:
    """The doc numbers and values of the block at ``position``."""
    matcher._goto(position)
    matcher._read_ids()
    matcher._read_values()
    # ``_values`` as the matcher has it: `ArrayCodec`'s encodes a value when it is read.
    return tuple(matcher._ids), matcher._values


def _take(matcher, wanted: set[int], offset: int, found: dict[int, bytes]) -> None:
    """The values of the current block's postings whose document is wanted."""
    if matcher._ids is None:
        matcher._read_ids()
    ids = matcher._ids
    hits = [i for i in range(len(ids)) if ids[i] in wanted]
    if hits:
        if matcher._values is None:
            matcher._read_values()
        for i in hits:
            found[ids[i] + offset] = matcher._values[i]


def _values_by_skipping(matcher, local: list[int], offset: int, found: dict[int, bytes]) -> None:
    for d in local:
        if not matcher.is_active():
            break
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                break
        if matcher.id() == d:
            found[d + offset] = matcher.value()


def live_postings(leaf, field: str, btext: bytes, part: str) -> tuple[list[int], list]:
    """One segment's postings of a term, deleted documents left out: (doc numbers in the
    segment, their "weights" or "values"). Whole blocks at a time when the matcher is
    Whoosh's block matcher, one posting at a time otherwise."""
    matcher = leaf.postings(field, btext)
    deleted = None
    if isinstance(matcher, WrappingMatcher):  # FilterMatcher over the deleted documents
        deleted = leaf.is_deleted
        matcher = matcher.child
    ids: list[int] = []
    items: list = []
    attribute, read = "_" + part, "_read_" + part
    if all(hasattr(matcher, name) for name in
           ("_read_ids", read, "_next_block", "_i", "_ids", attribute)):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if getattr(matcher, attribute) is None:
                getattr(matcher, read)()
            i = matcher._i
            ids.extend(matcher._ids[i:])
            items.extend(getattr(matcher, attribute)[i:])
            matcher._next_block()
    else:
        one = matcher.weight if part == "weights" else matcher.value
        while matcher.is_active():
            ids.append(matcher.id())
            items.append(one())
            matcher.next()
    if deleted is not None:
        kept = [i for i, d in enumerate(ids) if not deleted(d)]
        ids, items = [ids[i] for i in kept], [items[i] for i in kept]
    return ids, items
