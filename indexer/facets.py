"""Facet counting over byte-coded columns, so counting runs in C rather than per document.

A facet column (doc number -> value) is coded as ``bytes``: byte d is the code of document
d's value, 0 when it has none. A set of documents becomes a mask, a byte string with 0xFF at
its documents, held as an ``int``. Counting a facet over a set is then one ``&`` of two
integers and one ``bytes.count`` per value; restricting to a filter is a ``bytes.translate``.
Columns with more than 255 distinct values are not coded (callers count them directly).
"""

from __future__ import annotations

import re
from collections import deque
from itertools import repeat

_SELECTED = re.compile(b"\xff")


class CodedColumn:
    """One facet column coded as bytes (at most 255 distinct values)."""

    def __init__(self, codes: bytes, values: list) -> None:
        self.codes = codes
        self.values = values  # code -> value; values[0] is None (no value)
        self.as_int = int.from_bytes(codes, "little")
        self.code_of = {value: code for code, value in enumerate(values) if code}

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
        chosen = (mask & self.as_int).to_bytes(len(self.codes), "little")
        counts = {}
        for code in range(1, len(self.values)):
            n = chosen.count(code)
            if n:
                counts[self.values[code]] = n
        return counts

    def mask_for(self, values) -> int:
        """The mask of the documents whose value is one of ``values``."""
        table = bytearray(256)
        for value in values:
            code = self.code_of.get(value)
            if code:
                table[code] = 0xFF
        return int.from_bytes(self.codes.translate(table), "little")


def doc_mask(docs, size: int) -> int:
    """The mask of a collection of document numbers (all below ``size``)."""
    flags = bytearray(size)
    deque(map(flags.__setitem__, docs, repeat(0xFF)), maxlen=0)  # the loop runs in C
    return int.from_bytes(flags, "little")


def mask_docs(mask: int, size: int) -> set[int]:
    """The document numbers of a mask."""
    return {m.start() for m in _SELECTED.finditer(mask.to_bytes(size, "little"))}
