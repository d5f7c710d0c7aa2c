"""Whole columns read at once: facet values and field lengths for every document.

Whoosh's column readers hand out one value per Python call (a file read, an unpack and a
translation each): 100,000 offers × 8 columns took seconds before the first search could
answer. Here each segment's column is read as one block of bytes and split in C where the
column type allows it (fixed-size numbers, variable-size bytes), and translated once per
distinct value. Any other column type is read value by value, as Whoosh does.
"""

from __future__ import annotations

import sys
from array import array

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.util.numeric import byte_to_length


def read_column(reader, name: str) -> list:
    """doc number -> the value of column ``name``, as ``reader.column_reader(name)`` gives it."""
    values: list = []
    for leaf, _ in reader.leaf_readers():
        column = leaf.column_reader(name)
        raw = column.raw_column() if hasattr(column, "raw_column") else column
        translate = getattr(column, "_translate", None) if raw is not column else None
        count = leaf.doc_count_all()
        found = _raw_values(raw, count)
        if found is None:
            values.extend(list(column)[:count])
            continue
        if translate is None:
            values.extend(found)
        else:
            memo: dict = {}
            values.extend([memo[v] if v in memo else memo.setdefault(v, translate(v))
                           for v in found])
    return values


def _raw_values(raw, count: int) -> list | None:
    """The raw values of one segment's column in one read, or None for other column types."""
    try:
        if type(raw) is VarBytesColumn.Reader:
            offsets, lengths = raw._offsets, raw._lengths
            if len(offsets) != count or len(lengths) != count:
                return None
            size = (offsets[-1] + lengths[-1]) if count else 0
            data = bytes(raw._dbfile.get(raw._basepos, size)) if size else b""
            return [data[o:o + n] for o, n in zip(offsets, lengths)]
        if type(raw) is NumericColumn.Reader:
            numbers = array(raw._typecode)
            if numbers.itemsize != raw._fixedlen:
                return None
            stored = min(raw._count, count)
            if stored:
                numbers.frombytes(bytes(raw._dbfile.get(raw._basepos, stored * raw._fixedlen)))
                if sys.byteorder == "little":  # stored big-endian ("!")
                    numbers.byteswap()
            return numbers.tolist() + [raw._default] * (count - stored)
    except AttributeError:  # another Whoosh version's internals
        return None
    return None


_LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]


def read_field_lengths(reader, field: str) -> list:
    """doc number -> ``reader.doc_field_length(docnum, field, 1)`` for every document."""
    lengths: list = []
    for leaf, _ in reader.leaf_readers():
        count = leaf.doc_count_all()
        found = _segment_lengths(leaf, field, count)
        if found is None:
            found = [leaf.doc_field_length(d, field, 1) for d in range(count)]
        lengths.extend(found)
    return lengths


def _segment_lengths(leaf, field: str, count: int) -> list | None:
    """One segment's length column in one read (one byte per document), or None."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return [1] * count
        if type(column) is not NumericColumn.Reader or column._fixedlen != 1:
            return None
        stored = min(column._count, count)
        data = bytes(column._dbfile.get(column._basepos, stored)) if stored else b""
        return [_LENGTHS[b] for b in data] + [None] * (count - stored)
    except (AttributeError, ImportError):
        return None
