"""A term's postings in one segment as numpy arrays (doc numbers, weights), read straight
from `indexer.whoosh_internals.codec.ArrayCodec`'s blocks.

`ArrayCodec` writes each block's doc ids and weights as little-endian typed arrays (see
its module docstring): here they are read with ``numpy.frombuffer`` over the term's bytes,
the per-block delta decoding done with one cumulative sum for the whole term. Any other
matcher (a plain ``W3Codec`` index, a term inlined in the term index) is read through
`indexer.whoosh_internals.postings.live_postings`. `reads_array_blocks` checks once that a
posting list written by the codec reads back the same both ways; otherwise every term
takes the fallback.
"""

from __future__ import annotations

import struct
from functools import lru_cache

import numpy as np
from whoosh.matching import WrappingMatcher

from indexer.whoosh_internals.codec import (BLOCK_HEAD, READABLE_MAGICS, WEIGHTS_EACH, WEIGHTS_SAME,
                                            ArrayCodec, ArrayLeafMatcher, posting_list)
from indexer.whoosh_internals.postings import live_postings

# The block layout of `ArrayCodec` (its docstring): magic, then blocks of
# header <iIIfBBB | ids typecode + deltas | weights kind [+ float32s] | values.
_ID_TYPES = {ord("B"): np.dtype("u1"), ord("H"): np.dtype("<u2"), ord("I"): np.dtype("<u4")}
_FLOAT32 = np.dtype("<f4")
_EMPTY_IDS = np.empty(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.empty(0, dtype=np.float64)


def segment_postings(leaf, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, bool]:
    """One segment's postings of a term: (doc numbers in the segment as int64, ascending;
    weights as float64, the float32 values stored; whether deleted documents were already
    left out). The block path leaves them in: the caller removes them with a live mask."""
    matcher = leaf.postings(field, btext)
    if isinstance(matcher, WrappingMatcher):  # FilterMatcher over the deleted documents
        matcher = matcher.child
    if type(matcher) is ArrayLeafMatcher and reads_array_blocks():
        data = _posting_bytes(matcher)
        if bytes(data[:4]) in READABLE_MAGICS:
            ids, weights = block_arrays(data)
            return ids, weights, False
    ids, weights = live_postings(leaf, field, btext, "weights")
    return (np.array(ids, dtype=np.int64),
            np.array(weights, dtype=np.float32).astype(np.float64), True)


def live_mask(reader) -> np.ndarray:
    """doc number -> whether the document is live, for the whole reader (its segments' deleted
    documents read as sets, not one call per document)."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    for leaf, offset in reader.leaf_readers():
        if not leaf.has_deletions():
            continue
        segment = getattr(leaf, "segment", None)
        deleted = getattr(segment(), "deleted_docs", None) if segment else None
        if deleted is not None:
            gone = np.fromiter(deleted(), dtype=np.int64)
        else:
            gone = np.array([d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)],
                            dtype=np.int64)
        live[gone + offset] = False
    return live


def _posting_bytes(matcher):
    """The term's posting list, in place when the file is a buffer (Whoosh's BufferFile and
    `indexer.whoosh_internals.buffers` keep one in ``_buf``), else copied."""
    start, length = matcher._startoffset, matcher._length
    if isinstance(length, tuple):  # W3TermInfo keeps the length as read by struct
        length = length[0]
    buf = getattr(matcher._postfile, "_buf", None)
    if buf is not None:
        return memoryview(buf)[start:start + length]
    return matcher._postfile.get(start, length)


def block_arrays(data) -> tuple[np.ndarray, np.ndarray]:
    """The doc ids and weights of a posting list of `ArrayCodec` blocks (``data``, bytes or
    a memoryview, starts with the magic)."""
    deltas, weights, counts = [], [], []
    position = 4
    size = len(data)
    while position < size:
        length, count, _, _, _, _, _ = BLOCK_HEAD.unpack_from(data, position)
        start = position + BLOCK_HEAD.size
        dtype = _ID_TYPES[data[start]]
        deltas.append(np.frombuffer(data, dtype, count, start + 1))
        end = start + 1 + count * dtype.itemsize
        kind = data[end]
        if kind == WEIGHTS_EACH:
            weights.append(np.frombuffer(data, _FLOAT32, count, end + 1))
        elif kind == WEIGHTS_SAME:
            weights.append(np.repeat(np.frombuffer(data, _FLOAT32, 1, end + 1), count))
        else:
            weights.append(np.ones(count, dtype=_FLOAT32))
        counts.append(count)
        if length < 0:  # the last block
            break
        position += 4 + length
    if not counts:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    running = np.cumsum(np.concatenate(deltas, dtype=np.int64))
    # Each block's first delta is its first id itself: take off the sum of the blocks before.
    ends = np.cumsum(counts)
    before = np.concatenate(([0], running[ends[:-1] - 1]))
    ids = running - np.repeat(before, counts)
    return ids, np.concatenate(weights).astype(np.float64)


@lru_cache(maxsize=1)
def reads_array_blocks() -> bool:
    """Whether a posting list written by this `ArrayCodec` reads back through
    `block_arrays` as through its own matcher (checked once per process)."""
    from whoosh.formats import Positions

    try:
        fmt = Positions()
        postings = [(d * 3 + d // 200 * 400, float(d % 5 + 1) if d < 250 else 2.0,
                     fmt.encode([1, 4])) for d in range(420)]
        data, terminfo, matcher = posting_list(ArrayCodec(), fmt, postings, 2)
        expected = []
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
        offset, length = terminfo.extent()
        ids, weights = block_arrays(data[offset:offset + length])
        return (type(matcher) is ArrayLeafMatcher
                and list(zip(ids.tolist(), weights.tolist())) == expected
                and expected == [(d, w) for d, w, _ in postings])
    except (AttributeError, KeyError, TypeError, ValueError, IndexError, struct.error):
        return False
