"""Facet counting with bitsets held as Python integers, so counting runs in C.

A set of documents is an ``int`` whose bit d is set for document d (numpy packs arrays of
flags into one). Each value of a facet column has such a bitset (computed once per index
generation, or per day, from the column coded as bytes), so the count of a value among
matching documents is one ``&`` and one ``int.bit_count()`` on integers of N/8 bytes, and
a filter is the ``|`` of its values' sets.
Columns with more than 255 distinct values are not coded (callers count them directly).
"""

from __future__ import annotations

import numpy as np


class CodedColumn:
    """One facet column: its distinct values (at most 255) and each value's bitset."""

    def __init__(self, codes: bytes, values: list) -> None:
        self.values = values  # code -> value; values[0] is None (no value)
        self.code_of = {value: code for code, value in enumerate(values) if code}
        flags = np.frombuffer(codes, dtype=np.uint8)
        self.sets = [0] + [_packed(flags == code) for code in range(1, len(values))]

    @classmethod
    def of(cls, column: list) -> "CodedColumn | None":
        distinct = sorted({v for v in column if v}, key=str)
        if len(distinct) > 255:
            return None
        values = [None, *distinct]
        code_of = {value: code for code, value in enumerate(values) if code}
        code_of.update({None: 0, "": 0})
        return cls(bytes(map(code_of.__getitem__, column)), values)

    def counts(self, mask: int) -> dict:
        """value -> how many documents of ``mask`` have it (values with none left out)."""
        counts = {}
        for code in range(1, len(self.values)):
            n = (mask & self.sets[code]).bit_count()
            if n:
                counts[self.values[code]] = n
        return counts

    def mask_for(self, values) -> int:
        """The set of the documents whose value is one of ``values``."""
        mask = 0
        for value in values:
            code = self.code_of.get(value)
            if code:
                mask |= self.sets[code]
        return mask


def _packed(flags: np.ndarray) -> int:
    """Booleans, flag d for document d -> the integer with bit d set."""
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def doc_mask(docs, size: int) -> int:
    """The set of a collection of document numbers (all below ``size``)."""
    if not isinstance(docs, np.ndarray):
        docs = np.fromiter(docs, dtype=np.int64)
    return array_mask(docs, size)


def mask_docs(mask: int) -> set[int]:
    """The document numbers of a set."""
    return set(mask_array(mask, mask.bit_length()).tolist())


def array_mask(docs: np.ndarray, size: int) -> int:
    """The set of an array of document numbers (all below ``size``): flags packed eight to a
    byte, bit d of the integer for document d."""
    if not len(docs):
        return 0
    flags = np.zeros(size, dtype=bool)
    flags[docs] = True
    return _packed(flags)


def mask_array(mask: int, size: int) -> np.ndarray:
    """The document numbers of a set, ascending, as an int64 array (all below ``size``)."""
    if not mask:
        return np.empty(0, dtype=np.int64)
    packed = np.frombuffer(mask.to_bytes((size + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(packed, bitorder="little")[:size]).astype(np.int64)
