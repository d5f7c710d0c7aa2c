"""Whole terms written in one call each: their posting blocks and their term-index entry.

Finishing a build's segment writes tens of thousands of terms, most of them a rare word's
one posting. Through Whoosh's field writer each term costs some twenty Python calls
(``start_term``, ``start_postings``, ``add_arrays``, ``add_block``, ``finish_postings``,
``to_bytes``, the hash file's ``add``, each ``write`` and ``tell``...). `TermLists` writes
the same bytes with one call per term: the blocks `ArrayPostingsWriter.add_arrays` writes
(`indexer.whoosh_internals.codec`), the ``W3TermInfo`` bytes Whoosh packs for them, and the
``OrderedHashWriter`` entry of the term index, keeping that writer's key positions and hash
buckets as its own ``add`` keeps them (it writes its tables when the segment closes).
A term it cannot write so (values that overflow the arrays, a list short enough to be
inlined) goes through the field writer as before. `usable` checks once that this Whoosh
has the internals used here.
"""

from __future__ import annotations

import struct
from array import array
from hashlib import md5
from itertools import accumulate
from operator import sub

from whoosh.codec import whoosh3
from whoosh.filedb import filetables
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.whoosh_internals.codec import (_MAGIC, BLOCK_HEAD, VALUES_CHARACTERS, VALUES_FIXED,
                                            VALUES_NONE, VALUES_POSITIONS, WEIGHTS_EACH,
                                            WEIGHTS_ONE, WEIGHTS_SAME, ArrayPostingsWriter,
                                            _position_kind)
from indexer.whoosh_internals.position_blocks import (PositionArrays, array_bytes,
                                                      encode_position_arrays, typecode_for)

# W3TermInfo.to_bytes of a list written to the postings file: flags, total weight, doc
# frequency, min and max length bytes, max weight, first and last id, offset, length.
_TERM_INFO = struct.Struct("!BfIBBfIIqi")
_KEY_VALUE = struct.Struct("!ii")  # filetables' lengths of a key and its value
_FIELD_ID = struct.Struct("!H")
_U16, _U32 = struct.Struct("<H"), struct.Struct("<I")  # typecodes H and I, little-endian
_ONE = bytes([WEIGHTS_ONE])
_SAME = bytes([WEIGHTS_SAME])
_EACH = bytes([WEIGHTS_EACH])
_ENCODED = {VALUES_POSITIONS, VALUES_CHARACTERS}


def usable(fieldwriter) -> bool:
    """Whether ``fieldwriter`` is W3's with the term index and postings writer used here."""
    tindex = getattr(fieldwriter, "_tindex", None)
    return (type(fieldwriter) is whoosh3.W3FieldWriter
            and type(tindex) is filetables.OrderedHashWriter
            and tindex.hashfn is filetables.md5_hash
            and type(whoosh3.W3TermInfo._struct) is struct.Struct
            and whoosh3.W3TermInfo._struct.format == "!BfIBBfII"
            and all(hasattr(tindex, name) for name in ("buckets", "index", "lastkey", "dbfile"))
            and all(hasattr(fieldwriter, name) for name in ("_postfile", "_fieldid", "_postwriter")))


# length_to_byte of the lengths a segment writer stores (already rounded to their byte).
_LENGTH_BYTES = {None: 0, **{byte_to_length(b): b for b in range(256)}}


def _length_byte(length: int | None) -> int:
    found = _LENGTH_BYTES.get(length)
    return length_to_byte(length) if found is None else found


class TermLists:
    """Writes terms as W3's field writer ``fieldwriter`` (`usable`) does, each with `add`,
    between its ``start_field`` (then `start_field` here) and ``finish_field``."""

    def __init__(self, fieldwriter) -> None:
        self._fieldwriter = fieldwriter
        tindex = fieldwriter._tindex
        self._tindex = tindex
        self._postfile = fieldwriter._postfile
        self._termfile = tindex.dbfile
        self._buckets = tindex.buckets
        self._postings = None

    def start_field(self, fieldobj) -> bool:
        """Take the field the field writer just started; False when its postings writer is
        not ours (its terms then go through the field writer)."""
        postings = self._fieldwriter._postwriter
        if type(postings) is not ArrayPostingsWriter:
            self._postings = None
            return False
        self._postings = postings
        self._format = fieldobj.format
        self._size = self._format.fixed_value_size() or 0
        self._encoding = _position_kind(self._format)
        self._limit = postings._blocklimit
        self._inline = postings._inlinelimit
        self._prefix = _FIELD_ID.pack(self._fieldwriter._fieldid)
        self._index = self._tindex.index.array
        # Positions kept here from now on: every write of the field's terms is ours.
        self._postpos = self._postfile.tell()
        self._termpos = self._termfile.tell()
        return True

    def add(self, tbytes: bytes, ids: array, weights: array, lengths: list[int],
            values: PositionArrays | bytes | None) -> None:
        """One term's postings, as `ArrayPostingsWriter.add_arrays` takes them."""
        count = len(ids)
        if count < self._inline:
            blocks = None
        elif count <= self._limit:
            blocks = self._block(ids, weights, lengths, values, True)
        else:
            blocks = self._blocks(ids, weights, lengths, values)
        if blocks is None:  # as the field writer writes it
            fieldwriter = self._fieldwriter
            fieldwriter.start_term(tbytes)
            self._postings.add_arrays(ids, weights, lengths, values)
            fieldwriter.finish_term()
            self._postpos = self._postfile.tell()
            self._termpos = self._termfile.tell()
            return
        data, total, maxweight, minlength, maxlength = blocks
        offset = self._postpos
        self._postfile.write(_MAGIC)
        self._postfile.write(data)
        size = len(data) + 4
        self._postpos = offset + size
        info = _TERM_INFO.pack(0, total, count, _length_byte(minlength), _length_byte(maxlength),
                               maxweight, ids[0], ids[-1], offset, size)
        key = self._prefix + tbytes
        position = self._termpos
        try:
            self._index.append(position)
        except OverflowError:  # GrowableArray retypes itself
            self._tindex.index.append(position)
            self._index = self._tindex.index.array
        entry = _KEY_VALUE.pack(len(key), len(info)) + key + info
        self._termfile.write(entry)
        self._termpos = position + len(entry)
        h = int.from_bytes(md5(key).digest()[12:], "big")  # filetables.md5_hash
        self._buckets[h & 255].append((h, position))
        self._tindex.lastkey = key

    def _blocks(self, ids, weights, lengths, values):
        """(the term's blocks, total weight, max weight, min and max
        field length), or None when a block's values overflow the arrays."""
        limit = self._limit
        count = len(ids)
        chars = isinstance(values, PositionArrays)
        if chars:
            width = 3 if values.chars else 1
            offsets = [0, *accumulate(values.counts)]
        size = self._size
        parts = []
        total = 0
        maxweight = 0
        minlength = None
        maxlength = 0
        for start in range(0, count, limit):
            end = min(start + limit, count)
            if chars:
                part = PositionArrays(values.counts[start:end], values.deltas[
                    offsets[start] * width:offsets[end] * width], values.chars)
            elif values is not None:
                part = values[start * size:end * size]
            else:
                part = None
            block = self._block(ids[start:end], weights[start:end], lengths[start:end], part,
                                end == count)
            if block is None:
                return None
            data, weight, blockmax, blockmin, blocklongest = block
            parts.append(data)
            total += weight
            maxweight = max(maxweight, blockmax)
            if minlength is None:
                minlength = blockmin
            elif blockmin is not None:
                minlength = min(minlength, blockmin)
            maxlength = max(maxlength, blocklongest)
        return b"".join(parts), total, maxweight, minlength, maxlength

    def _block(self, ids, weights, lengths, values, last: bool):
        """One block as `ArrayPostingsWriter._put_block` writes it, with its statistics
        (sum of its float32 weights, max weight, min and max field length)."""
        if values is None:
            encoding, encoded = VALUES_NONE, b""
        elif isinstance(values, PositionArrays):
            encoding = self._encoding
            try:
                encoded = encode_position_arrays(values)
            except OverflowError:
                return None
        else:
            encoding, encoded = VALUES_FIXED, values
        if len(ids) == 1:  # most terms: a rare word's one posting
            first = ids[0]
            head = (b"B" + bytes((first,)) if first < 1 << 8 else
                    b"H" + _U16.pack(first) if first < 1 << 16 else b"I" + _U32.pack(first))
            floats = array("f", weights)
            weight = floats[0] + 0  # as sum() of the block: -0.0 counts as 0.0
            maxweight = weights[0] if weights[0] > 0 else 0
            mark = _ONE if weight == 1.0 else _SAME + array_bytes(floats)
            length = lengths[0]
            minlength, maxlength = (length, length) if length else (None, 0)
        else:
            deltas = array("I", ids[:1])
            deltas += array("I", map(sub, ids[1:], ids))
            typecode = typecode_for(max(deltas))
            head = typecode.encode("ascii") + array_bytes(array(typecode, deltas))
            floats = array("f", weights)
            weight = sum(floats)
            maxweight = max(0, max(weights))
            count = len(floats)
            if floats.count(1.0) == count:
                mark = _ONE
            elif floats.count(floats[0]) == count:
                mark = _SAME + array_bytes(floats[:1])
            else:
                mark = _EACH + array_bytes(floats)
            present = [length for length in lengths if length]
            minlength = min(present) if present else None
            maxlength = max(present) if present else 0
        data = head + mark + encoded
        size = BLOCK_HEAD.size - 4 + len(data)
        return (BLOCK_HEAD.pack(-size if last else size, len(ids), ids[-1], maxweight, encoding,
                                _length_byte(minlength), _length_byte(maxlength)) + data,
                weight, maxweight, minlength, maxlength)
