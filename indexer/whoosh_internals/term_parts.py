"""A term's postings as the build's segment writer holds them (one part per run, value
ends counting from each part's start), put together for the codec's writers."""

from __future__ import annotations

from array import array

from whoosh.codec import whoosh3
from whoosh.util.numeric import byte_to_length, length_to_byte


def joined(parts: list):
    """A term's parts (arrays, bytearrays or None) as one."""
    if parts[0] is None:
        return None
    whole = parts[0][:]
    for part in parts[1:]:
        whole += part
    return whole


def fixed_values(parts: list, size: int) -> bytes | None:
    """A term's value bytes as one string when each posting's value is ``size`` bytes
    (a fixed-size format's), else None."""
    if not size:
        return None
    for docs, _, ends, _ in parts:
        if ends != array("I", range(size, size * len(docs) + 1, size)):
            return None
    return b"".join(bytes(data) for *_, data in parts)


def add_through(fieldwriter, add, tbytes: bytes, parts: list, lengths: list[int]) -> None:
    """A term of value bytes, a posting at a time through the field writer."""
    fieldwriter.start_term(tbytes)
    for docs, weights, ends, data in parts:
        add_bytes(add, docs, weights, ends, data, lengths)
    fieldwriter.finish_term()


def add_bytes(add, docs, weights, ends, values, lengths: list[int]) -> None:
    """A term's postings with their value bytes, one ``add`` each."""
    values = bytes(values)
    start = 0
    for docnum, weight, end in zip(docs, weights, ends):
        add(docnum, weight, values[start:end], lengths[docnum] or None)
        start = end


def posting_adder(fieldwriter):
    """The field writer's ``add``, or straight its postings writer's ``add_posting`` when
    ``add`` is W3's, which only forwards to it (one call less per posting)."""
    postings = getattr(fieldwriter, "_postwriter", None)
    if type(fieldwriter).add is whoosh3.W3FieldWriter.add and postings is not None:
        return postings.add_posting
    return fieldwriter.add


def stored_lengths(lengths: array | None, count: int) -> list:
    """Each document's field length as Whoosh's writer reads it back from the segment's
    length column: rounded to its stored byte, None without it, 0 when there is no column."""
    if lengths is None:
        return [0] * count
    rounded = {length: byte_to_length(length_to_byte(length)) if length else None
               for length in set(lengths)}
    return [rounded[length] for length in lengths] + [None] * (count - len(lengths))
