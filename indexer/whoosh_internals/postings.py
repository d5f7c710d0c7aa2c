"""Reading a term's postings straight from Whoosh's block matchers (private attributes).

Whoosh's public matcher API steps one posting per Python call; the evaluator
(`indexer.searching.scoring`) and the highlighter need whole blocks of doc numbers, weights
and values at once. Every private attribute used here is checked first (`_has_block_api`),
and any matcher without them is read through the public API instead, with the same result.
"""

from __future__ import annotations

import bisect
import pickle
from functools import partial
from itertools import accumulate, chain
from operator import add, sub
from typing import NamedTuple

import numpy as np
from whoosh import formats
from whoosh.matching import WrappingMatcher

_BLOCK_READER = ("_read_ids", "_read_values", "_next_block", "_goto", "_i", "_ids", "_values",
                 "_maxid", "_baseoffset", "_nextoffset", "_lastblock")


def field_b(weighting, field: str) -> float:
    """BM25F's B for ``field`` (Whoosh keeps per-field values in a private dict)."""
    return getattr(weighting, "_field_B", {}).get(field, weighting.B)


class TermPositions(NamedTuple):
    """A term's positions in some documents, one entry per occurrence, by document then
    position: numpy int64 arrays of equal length (``starts``/``ends``, the characters,
    None when the field does not store them)."""

    docs: np.ndarray
    positions: np.ndarray
    starts: np.ndarray | None
    ends: np.ndarray | None


class PositionBlock:
    """One posting block's positions, decoded: doc numbers in the segment, where each
    posting's occurrences begin in the flat arrays, and the flat arrays."""

    __slots__ = ("ids", "offsets", "positions", "starts", "ends")

    def __init__(self, ids, offsets, positions, starts, ends) -> None:
        self.ids, self.offsets, self.positions = ids, offsets, positions
        self.starts, self.ends = starts, ends

    def __len__(self) -> int:  # its weight in `TermScores`' cache budget
        return len(self.ids) + len(self.positions)


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
            block = _decoded_block(fmt, list(raw), list(raw.values()))
            parts.append(_select(block, local, offset, None))
            continue
        term = (segment, field, btext)
        blocks = (_blocks(_raw_matcher(leaf, field, btext)) if cache is None
                  else cache(("blocks", *term), lambda: _blocks(_raw_matcher(leaf, field, btext))))
        if local is not None and len(local) <= _FEW_DOCUMENTS:
            few = _few_documents(matcher, term, blocks, local.tolist(), offset, cache,
                                 fmt.supports("characters"))
            if few is not None:
                parts.append(few)
                continue
        deleted = leaf.is_deleted if local is None and leaf.has_deletions() else None
        block_of = None
        if local is not None:  # the block that may hold each wanted document (sorted)
            last_ids = np.array([last for last, _ in blocks], dtype=np.int64)
            block_of = np.searchsorted(last_ids, local)
            numbers = _distinct(block_of[block_of < len(blocks)]).tolist()
        if local is None or len(numbers) * 2 >= len(blocks):
            # Half the term's blocks or more: decoded as one (a few numpy calls for all).
            def read_all():
                return _term_block(matcher, [position for _, position in blocks], fmt)
            block = read_all() if cache is None else cache(("term positions", *term), read_all)
            parts.append(_select(block, local, offset, deleted))
            continue
        for number in numbers:
            def read(number=number):
                return _term_block(matcher, [blocks[number][1]], fmt)
            block = read() if cache is None else cache(("positions", *term, number), read)
            lo, hi = np.searchsorted(block_of, [number, number + 1])
            parts.append(_select(block, local[lo:hi], offset, None))
    return _concatenate(parts, fmt.supports("characters"))


# Up to this many documents (a page of results), their postings are read one by one from
# the stored arrays: fewer numpy calls than decoding whole blocks.
_FEW_DOCUMENTS = 32


class _StoredBlock:
    """A block's doc numbers and stored position arrays, as `ArrayCodec` keeps them."""

    __slots__ = ("ids", "offsets", "arrays")

    def __init__(self, ids: tuple, arrays: tuple) -> None:
        self.ids, self.arrays = ids, arrays
        self.offsets = [0, *accumulate(arrays[0])]

    def __len__(self) -> int:  # its weight in `TermScores`' cache budget
        return len(self.ids) + self.offsets[-1]


def _few_documents(matcher, term: tuple, blocks, local: list[int], offset: int,
                   cache, chars: bool) -> tuple | None:
    """The occurrences in a few documents, read posting by posting from the blocks' stored
    arrays; None when the blocks do not store positions as arrays."""
    if not hasattr(matcher, "position_arrays"):
        return None
    last_ids = [last for last, _ in blocks]
    docs: list[int] = []
    positions: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    number, top, stored = -1, -1, None
    for d in local:  # sorted: each block is looked up once for all its documents
        if d > top:
            number = bisect.bisect_left(last_ids, d, number + 1)
            if number == len(blocks):
                break
            top = last_ids[number]

            def read(number=number):
                matcher._goto(blocks[number][1])
                arrays = matcher.position_arrays()
                if arrays is None:
                    return None
                matcher._read_ids()
                return _StoredBlock(tuple(matcher._ids), arrays)
            stored = read() if cache is None else cache(("stored positions", *term, number), read)
            if stored is None:
                return None
        i = bisect.bisect_left(stored.ids, d)
        if i == len(stored.ids) or stored.ids[i] != d:
            continue
        a, b = stored.offsets[i], stored.offsets[i + 1]
        _, deltas, start_deltas, lengths = stored.arrays
        positions += accumulate(deltas[a:b])
        docs += [d + offset] * (b - a)
        if start_deltas is not None:  # start = previous end + start delta
            these = accumulate(map(add, start_deltas[a:b], lengths[a:b]))
            first = len(ends)
            ends += these
            starts += map(sub, ends[first:], lengths[a:b])
    as_array = partial(np.array, dtype=np.int64)
    if chars:
        return as_array(docs), as_array(positions), as_array(starts), as_array(ends)
    return as_array(docs), as_array(positions), None, None


def _term_block(matcher, where: list[int], fmt) -> PositionBlock:
    """The blocks at ``where`` decoded as one: from `ArrayCodec`'s arrays, else from the
    value bytes of Whoosh's format."""
    id_parts, stored = [], []
    for position in where:
        matcher._goto(position)
        arrays = matcher.position_arrays() if hasattr(matcher, "position_arrays") else None
        if arrays is None:
            return _decoded_blocks(matcher, where, fmt)
        id_parts.append(matcher.id_deltas())
        stored.append(arrays)
    sizes = np.array([len(ids) for ids in id_parts], dtype=np.int64)
    block_offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=block_offsets[1:])
    ids = _restarting_sum(_joined(id_parts), block_offsets, sizes)
    counts, deltas, start_deltas, lengths = (None if column[0] is None else _joined(column)
                                             for column in zip(*stored))
    return _from_deltas(ids, counts, deltas, start_deltas, lengths)


def _from_deltas(ids, counts, deltas, start_deltas, lengths) -> PositionBlock:
    """A `PositionBlock` from the deltas Whoosh's formats encode (numpy int64 arrays)."""
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    ends = starts = None
    positions = _restarting_sum(deltas, offsets, counts)
    if start_deltas is not None:  # start = previous end + start delta, end = start + length
        ends = _restarting_sum(start_deltas + lengths, offsets, counts)
        starts = ends - lengths
    return PositionBlock(ids, offsets, positions, starts, ends)


def _joined(arrays: list) -> np.ndarray:
    if len(arrays) == 1:
        return np.asarray(arrays[0], dtype=np.int64)
    return np.concatenate([np.asarray(a) for a in arrays]).astype(np.int64, copy=False)


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array."""
    if not len(ordered):
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _restarting_sum(deltas: np.ndarray, offsets: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The running sum of ``deltas``, starting again at each posting."""
    sums = np.cumsum(deltas)
    before = np.concatenate(([0], sums))[offsets[:-1]]
    return sums - np.repeat(before, counts)


def _decoded_blocks(matcher, where: list[int], fmt) -> PositionBlock:
    """The blocks at ``where`` from their value bytes (indexes of another codec)."""
    ids, values = [], []
    for position in where:
        matcher._goto(position)
        matcher._read_ids()
        matcher._read_values()
        ids.extend(matcher._ids)
        values.extend(matcher._values)
    return _decoded_block(fmt, ids, values)


def _decoded_block(fmt, ids, values) -> PositionBlock:
    """A `PositionBlock` from Whoosh's value bytes (indexes of another codec)."""
    ids = np.array(ids, dtype=np.int64)
    chars = fmt.supports("characters")
    if type(fmt) in (formats.Positions, formats.Characters):
        # Their pickled deltas, unpickled in C (decode_as sums them in Python).
        codes = [pickle.loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in values]
        counts = np.array([len(c) for c in codes], dtype=np.int64)
        if not chars:
            return _from_deltas(ids, counts, np.array(list(chain.from_iterable(codes)),
                                                      dtype=np.int64), None, None)
        table = np.array(list(chain.from_iterable(codes)), dtype=np.int64).reshape(-1, 3)
        return _from_deltas(ids, counts, table[:, 0], table[:, 1], table[:, 2])
    occurrences = [fmt.decode_as("characters" if chars else "positions", v) for v in values]
    offsets = np.zeros(len(occurrences) + 1, dtype=np.int64)
    np.cumsum([len(o) for o in occurrences], out=offsets[1:])
    flat = [x for o in occurrences for x in o]
    if chars:
        table = np.array(flat, dtype=np.int64).reshape(-1, 3)
        return PositionBlock(ids, offsets, table[:, 0], table[:, 1], table[:, 2])
    return PositionBlock(ids, offsets, np.array(flat, dtype=np.int64), None, None)


def _select(block: PositionBlock, local, offset: int, deleted) -> tuple:
    """The occurrences of ``block`` in the documents ``local`` (all of them if None, less
    the ``deleted``), doc numbers moved by ``offset``."""
    ids = block.ids
    if local is None:
        chosen = np.arange(len(ids))
        if deleted is not None:
            chosen = chosen[[not deleted(d) for d in ids.tolist()]]
    else:
        chosen = np.searchsorted(ids, local)
        inside = chosen < len(ids)
        chosen = chosen[inside]
        chosen = chosen[ids[chosen] == local[inside]]
    counts = block.offsets[chosen + 1] - block.offsets[chosen]
    before = np.cumsum(counts) - counts
    flat = np.repeat(block.offsets[chosen] - before, counts) + np.arange(counts.sum())
    docs = np.repeat(ids[chosen] + offset, counts)
    if block.starts is None:
        return docs, block.positions[flat], None, None
    return docs, block.positions[flat], block.starts[flat], block.ends[flat]


def _concatenate(parts: list[tuple], chars: bool) -> TermPositions:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return TermPositions(empty, empty, empty if chars else None, empty if chars else None)
    columns = list(zip(*parts))
    return TermPositions(*(np.concatenate(c) if c[0] is not None else None for c in columns))


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
            number, top, ids, values = -1, -1, (), ()
            for d in local:  # sorted: each block is looked up once for all its documents
                if d > top:
                    number = bisect.bisect_left(last_ids, d, number + 1)
                    if number == len(blocks):
                        break
                    top = last_ids[number]
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
