"""A term's positions and characters decoded from its posting blocks into numpy arrays:
whole blocks at once from `ArrayCodec`'s stored arrays, a few documents posting by posting,
or from Whoosh's value bytes for indexes of another codec (`indexer.whoosh_internals.
postings.term_positions` chooses)."""

from __future__ import annotations

import bisect
import pickle
import zlib
from functools import partial
from itertools import accumulate, chain
from operator import add, sub
from typing import NamedTuple

import numpy as np
from whoosh import formats

from indexer.whoosh_internals.codec import (BLOCK_HEAD, VALUES_CHARACTERS, VALUES_POSITIONS,
                                            WEIGHTS_EACH, WEIGHTS_SAME, ArrayLeafMatcher)
from indexer.whoosh_internals.position_blocks import pickles_deltas

# `ArrayCodec`'s block layout (`indexer.whoosh_internals.codec`'s docstring): the header,
# the ids' typecode and deltas, the weights' kind and float32s, then for positions a flag
# byte (1: zlib) and typed arrays (counts, then each column of deltas).
_TYPES = {ord(code): np.dtype(code).newbyteorder("<") for code in "BHIbhi"}


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


# Up to this many documents (a page of results), their postings are read one by one from
# the stored arrays: fewer numpy calls than decoding whole blocks.
FEW_DOCUMENTS = 32


def docs_by_block(local: list[int], last_ids: list[int]):
    """``(document, block number)`` for each of ``local`` (sorted) that a block can hold,
    ``last_ids`` being each block's last document: every block is looked up once for all
    its documents, and the documents past the last block are left out."""
    number, top = -1, -1
    for d in local:
        if d > top:
            number = bisect.bisect_left(last_ids, d, number + 1)
            if number == len(last_ids):
                return
            top = last_ids[number]
        yield d, number


class _StoredBlock:
    """A block's doc numbers and stored position arrays, as `ArrayCodec` keeps them."""

    __slots__ = ("ids", "offsets", "arrays")

    def __init__(self, ids: tuple, arrays: tuple | None) -> None:
        self.ids, self.arrays = ids, arrays  # None: the block keeps Whoosh's value bytes
        self.offsets = [0, *accumulate(arrays[0])] if arrays is not None else [0]

    def __len__(self) -> int:  # its weight in `TermScores`' cache budget
        return len(self.ids) + self.offsets[-1]


def few_documents(matcher, term: tuple, blocks, local: list[int], offset: int,
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
    current, stored = -1, None
    for d, number in docs_by_block(local, last_ids):
        if number != current:
            current = number

            def read(number=number):
                matcher._goto(blocks[number][1])
                arrays = matcher.position_arrays()
                matcher._read_ids()
                return _StoredBlock(tuple(matcher._ids), arrays)
            stored = read() if cache is None else cache(("stored positions", *term, number), read)
            if stored.arrays is None:
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


def term_block(matcher, where: list[int], fmt) -> PositionBlock:
    """The blocks at ``where`` decoded as one: from `ArrayCodec`'s arrays, else from the
    value bytes of Whoosh's format."""
    if type(matcher) is ArrayLeafMatcher:
        found = _array_term_block(matcher, where)
        if found is not None:
            return found
    return stepped_term_block(matcher, where, fmt)


def _array_term_block(matcher, where: list[int]) -> PositionBlock | None:
    """`stepped_term_block` read straight from the blocks' bytes, numpy views over each
    block's arrays and one conversion for all (a few calls per block instead of the
    matcher's dozen); None when a block does not store its positions as arrays."""
    # The file's buffer read in place when it has one (Whoosh's BufferFile and
    # `indexer.whoosh_internals.buffers` keep it in ``_buf``): no copy of each block.
    buf = getattr(matcher._postfile, "_buf", None)
    view = memoryview(buf) if buf is not None else None
    get = matcher._postfile.get
    id_parts, count_parts, columns = [], [], None
    for position in where:
        if view is not None:
            length, count, _, _, encoding, _, _ = BLOCK_HEAD.unpack_from(view, position)
        else:
            length, count, _, _, encoding, _, _ = BLOCK_HEAD.unpack(get(position, BLOCK_HEAD.size))
        if encoding not in (VALUES_POSITIONS, VALUES_CHARACTERS):
            return None
        width = 3 if encoding == VALUES_CHARACTERS else 1
        if columns is None:
            columns = [[] for _ in range(width)]
        elif len(columns) != width:
            return None
        start = position + BLOCK_HEAD.size
        end = position + 4 + abs(length)
        data = view[start:end] if view is not None else get(start, end - start)
        dtype = _TYPES[data[0]]
        id_parts.append(np.frombuffer(data, dtype, count, 1))
        end = 1 + count * dtype.itemsize
        kind = data[end]
        end += 1 + (4 * count if kind == WEIGHTS_EACH else 4 if kind == WEIGHTS_SAME else 0)
        payload = data[end + 1:]
        if data[end] == 1:
            payload = zlib.decompress(payload)
        dtype = _TYPES[payload[0]]
        counts = np.frombuffer(payload, dtype, count, 1)
        count_parts.append(counts)
        total = int(counts.sum())
        end = 1 + count * dtype.itemsize
        for column in columns:
            dtype = _TYPES[payload[end]]
            column.append(np.frombuffer(payload, dtype, total, end + 1))
            end += 1 + total * dtype.itemsize
    if columns is None:
        return None
    sizes = np.array([len(ids) for ids in id_parts], dtype=np.int64)
    block_offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=block_offsets[1:])
    ids = _restarting_sum(_int64(id_parts), block_offsets, sizes)
    if len(columns) == 3:
        return _from_deltas(ids, _int64(count_parts), *map(_int64, columns))
    return _from_deltas(ids, _int64(count_parts), _int64(columns[0]), None, None)


def _int64(parts: list) -> np.ndarray:
    return np.concatenate(parts, dtype=np.int64) if len(parts) > 1 else parts[0].astype(np.int64)


def stepped_term_block(matcher, where: list[int], fmt) -> PositionBlock:
    """`term_block` through the matcher's block API, one block after another (the reference
    the byte reader is tested against)."""
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


def distinct(ordered: np.ndarray) -> np.ndarray:
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
    return decoded_block(fmt, ids, values)


def decoded_block(fmt, ids, values) -> PositionBlock:
    """A `PositionBlock` from Whoosh's value bytes (indexes of another codec)."""
    ids = np.array(ids, dtype=np.int64)
    chars = fmt.supports("characters")
    if type(fmt) in (formats.Positions, formats.Characters) and pickles_deltas(type(fmt), chars):
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


def select(block: PositionBlock, local, offset: int, deleted) -> tuple:
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


def concatenate(parts: list[tuple], chars: bool) -> TermPositions:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return TermPositions(empty, empty, empty if chars else None, empty if chars else None)
    columns = list(zip(*parts))
    return TermPositions(*(np.concatenate(c) if c[0] is not None else None for c in columns))
