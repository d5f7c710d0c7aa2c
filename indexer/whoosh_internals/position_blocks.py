"""A posting block's positions and characters as typed arrays: Whoosh's deltas in, and
Whoosh's value bytes back out when a posting's value is asked for (`ArrayCodec`'s format,
described in `indexer.whoosh_internals.codec`)."""

from __future__ import annotations

import pickle
import struct
import sys
import zlib
from array import array
from functools import lru_cache
from itertools import accumulate, chain
from typing import NamedTuple

_SWAP = sys.byteorder != "little"
# Below this many bytes, zlib saves little and costs a call on every read: most blocks are
# a rare word's one or two postings.
_WORTH_COMPRESSING = 64


def typecode_for(largest: int, smallest: int = 0) -> str:
    if smallest < 0:
        bound = max(largest, -smallest - 1)
        return "b" if bound < 1 << 7 else "h" if bound < 1 << 15 else "i"
    return "B" if largest < 1 << 8 else "H" if largest < 1 << 16 else "I"


def typed(numbers) -> bytes:
    """A typecode and the numbers in the smallest type that holds them."""
    try:  # most often bytes (and what typecode_for picks for them)
        return b"B" + array("B", numbers).tobytes()
    except OverflowError:
        pass
    typecode = typecode_for(max(numbers), min(numbers))
    return typecode.encode("ascii") + array_bytes(array(typecode, numbers))


def array_bytes(numbers: array) -> bytes:
    if _SWAP:
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def read_array(typecode: str, data: bytes, start: int, count: int) -> tuple[array, int]:
    """``count`` numbers of ``typecode`` at ``data[start:]`` and the offset after them."""
    numbers = array(typecode)
    end = start + count * numbers.itemsize
    numbers.frombytes(data[start:end])
    if _SWAP:
        numbers.byteswap()
    return numbers, end


class Codes(list):
    """One posting's deltas as Whoosh's format pickles them (`encode_positions` takes them as they are)."""


def whoosh_bytes(codes) -> bytes:
    """``Positions.encode`` / ``Characters.encode``'s bytes from their deltas."""
    return struct.pack(">I", len(codes)) + pickle.dumps(list(codes), 2)


_SAMPLES = {False: ([1, 3], [1, 2]), True: ([(1, 0, 3), (3, 4, 9)], [(1, 0, 3), (2, 1, 5)])}


@lru_cache(maxsize=8)
def pickles_deltas(fmt_type, chars: bool) -> bool:
    """Whether ``fmt_type().encode`` is Whoosh 2.7's: a count and the pickled deltas, what
    this module stores and gives back (another Whoosh may encode otherwise)."""
    poslist, deltas = _SAMPLES[chars]
    try:
        return fmt_type().encode(poslist) == whoosh_bytes(deltas)
    except (TypeError, ValueError, AttributeError):
        return False


def encode_positions(chars: bool, values: list) -> bytes | None:
    """A block's position values as arrays (the format in `indexer.whoosh_internals.codec`),
    or None when one of them is not Whoosh's encoding of positions (the block then keeps
    Whoosh's bytes)."""
    try:
        codes = [v if type(v) is Codes else pickle.loads(v[4:]) for v in values]
        counts = [len(c) for c in codes]
        # Each value's count prefix is its number of positions (Whoosh's encoding).
        prefixes = array("I", [n for v, n in zip(values, counts) if type(v) is not Codes])
        if sys.byteorder == "little":
            prefixes.byteswap()
        if prefixes.tobytes() != b"".join([v[:4] for v in values if type(v) is not Codes]):
            return None
        parts = [typed(counts)]
        if chars:
            triples = list(chain.from_iterable(codes))
            if triples and (set(map(type, triples)) != {tuple} or set(map(len, triples)) != {3}):
                return None
            flat = list(chain.from_iterable(triples))
            parts += [typed(flat[0::3]), typed(flat[1::3]), typed(flat[2::3])]
        else:
            parts.append(typed(list(chain.from_iterable(codes))))
    except (pickle.UnpicklingError, TypeError, ValueError, OverflowError, EOFError,
            IndexError, KeyError, AttributeError):
        return None
    return _flagged(b"".join(parts))


class PositionArrays(NamedTuple):
    """Postings' occurrences as Whoosh's format encodes them: the count of each posting,
    and, posting after posting, each position's delta from the previous one of its posting
    (the first from 0), with ``chars`` followed each time by the start's delta from the
    previous end and the length (`indexer.analysis.memo.index_occurrences` per posting)."""

    counts: array
    deltas: array
    chars: bool


def encode_position_arrays(block: PositionArrays) -> bytes:
    """`encode_positions` of a block given as `PositionArrays`: the same bytes (or
    OverflowError where that one returns None)."""
    deltas = block.deltas
    if block.chars:
        parts = [typed(block.counts), typed(deltas[0::3]), typed(deltas[1::3]),
                 typed(deltas[2::3])]
    else:
        parts = [typed(block.counts), typed(deltas)]
    return _flagged(b"".join(parts))


def codes_of(block: PositionArrays) -> list[Codes]:
    """Each posting's deltas as `Codes` (what `encode_positions` and `whoosh_bytes` take)."""
    deltas = block.deltas.tolist()
    if block.chars:
        deltas = list(zip(deltas[0::3], deltas[1::3], deltas[2::3]))
    ends = list(accumulate(block.counts))
    return [Codes(deltas[a:b]) for a, b in zip([0, *ends], ends)]


def absolute(deltas: list[int], chars: bool) -> list:
    """A posting's occurrences from its flat deltas: positions, or (position, start, end)."""
    if not chars:
        return list(accumulate(deltas))
    found, pos, char = [], 0, 0
    for i in range(0, len(deltas), 3):
        pos += deltas[i]
        start = char + deltas[i + 1]
        char = start + deltas[i + 2]
        found.append((pos, start, char))
    return found


def deltas_of(occurrences, chars: bool) -> list[int]:
    """`absolute`'s inverse: positions, or (position, start, end), as flat deltas."""
    deltas, pos, char = [], 0, 0
    for occurrence in occurrences:
        if chars:
            p, start, end = occurrence
            deltas += (p - pos, start - char, end - start)
            pos, char = p, end
        else:
            deltas.append(occurrence - pos)
            pos = occurrence
    return deltas


def _flagged(data: bytes) -> bytes:
    """The flag byte and ``data``, zlib-compressed where that pays."""
    if len(data) >= _WORTH_COMPRESSING:
        packed = zlib.compress(data, 3)
        if len(packed) * 4 <= len(data) * 3:  # compression only where it pays
            return b"\x01" + packed
    return b"\x00" + data


class WhooshValues:
    """A block's position postings as Whoosh's value bytes, each encoded when read (for
    Whoosh's own matcher API: ``value()``)."""

    __slots__ = ("_arrays", "_starts", "_encoded")

    def __init__(self, arrays: tuple) -> None:
        self._arrays = arrays
        self._starts = [0, *accumulate(arrays[0])]
        self._encoded: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._arrays[0])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        found = self._encoded.get(i)
        if found is None:
            a, b = self._starts[i], self._starts[i + 1]
            _, positions, starts, lengths = self._arrays
            if starts is None:
                codes = positions[a:b].tolist()
            else:
                codes = list(zip(positions[a:b], starts[a:b], lengths[a:b]))
            found = self._encoded[i] = whoosh_bytes(codes)
        return found

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def read_positions(data: bytes, start: int, count: int, chars: bool) -> tuple:
    """`encode_positions`' arrays at ``data[start:]`` for ``count`` postings: (counts,
    position deltas, start deltas, lengths), the last two None without ``chars``."""
    payload = data[start + 1:]
    if data[start] == 1:
        payload = zlib.decompress(payload)
    counts, end = read_array(chr(payload[0]), payload, 1, count)
    total = sum(counts)
    arrays = []
    for _ in range(3 if chars else 1):
        numbers, end = read_array(chr(payload[end]), payload, end + 1, total)
        arrays.append(numbers)
    if not chars:
        arrays += [None, None]
    return (counts, *arrays)
