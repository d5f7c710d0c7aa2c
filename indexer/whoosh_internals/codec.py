"""A Whoosh codec whose posting blocks are typed arrays: Whoosh 3's layout without pickle.

Whoosh's ``W3Codec`` writes each block of up to 128 postings as a pickled header and a
zlib-compressed pickle of (doc ids, weights, values): reading a broad word's postings the
first time was mostly unpickling and inflating (half of a cold search at 100,000 offers).
`ArrayCodec` keeps everything else of ``W3Codec`` (term index, columns, stored fields, the
block structure and its statistics) and writes a block as

    header  <iIIfBBB   block length (negative for the last block), postings, last doc id,
                       max weight, value encoding, min and max field-length bytes
    ids     typecode + delta-encoded doc ids, the smallest of B / H / I that holds them
    weights kind + nothing (all 1.0) | one float32 (all equal) | float32 per posting
    values  nothing (fixed size 0) | fixed-size bytes | lengths array + bytes, the bytes
            zlib-compressed only when that saves a quarter of them | for ``Positions``
            and ``Characters`` postings, typed arrays (see below)

little-endian, read back with ``array.frombytes`` and ``itertools.accumulate`` (C loops).

Positions and characters (phrases and highlights read them for every candidate) are not
kept as Whoosh's per-posting pickles but as the block's arrays of Whoosh's own deltas
(`indexer.whoosh_internals.position_blocks`): a flag byte (1 when the rest is
zlib-compressed: blocks of 64 bytes or more, when that saves a quarter), then the count of
each posting, every position's delta from the previous one of its posting, and for
``Characters`` each start's delta from the previous end and each token's length; each array
is a typecode (``B/H/I``, ``b/h/i`` when negative) and its numbers. Only exactly
``Positions`` and ``Characters`` whose ``encode`` is Whoosh 2.7's (checked once) are stored
so; a block holding any value of another shape keeps Whoosh's bytes.
`ArrayLeafMatcher.position_arrays` and ``id_deltas`` hand the arrays out as stored
(`indexer.whoosh_internals.occurrences` turns them into numpy arrays); ``value()``, for
Whoosh's own searcher, re-encodes a posting's Whoosh bytes only when asked for it.

Writing: ``add_posting`` takes Whoosh's value bytes (Whoosh's segment writer and merges
feed it so), decoded once, one ``pickle.loads`` each; `ArrayPostingsWriter.add_arrays`
takes a whole term's postings as arrays, positions as their deltas (the build's segment
writer), and writes the same blocks, pickling nothing. Posting files start with ``OfA2``;
``OfA1`` files (positions as Whoosh's bytes, the only difference) are still read. Weights
are float32 like W3's: scores are the same to the bit. Whoosh's own searcher reads these
indexes (the codec, with its block size, is pickled in each segment); vector postings keep
W3's format.
"""

from __future__ import annotations

import struct
import zlib
from array import array
from functools import lru_cache
from io import BytesIO
from itertools import accumulate
from operator import sub

from whoosh import formats
from whoosh.codec import whoosh3

from indexer.whoosh_internals.position_blocks import (Codes, PositionArrays, WhooshValues,
                                                      array_bytes, codes_of,
                                                      encode_position_arrays, encode_positions,
                                                      pickles_deltas, read_array,
                                                      read_positions, typecode_for,
                                                      whoosh_bytes)

_MAGIC = b"OfA2"
# OfA1 blocks (positions kept as Whoosh's pickles) are OfA2 blocks without array positions.
READABLE_MAGICS = (_MAGIC, b"OfA1")
BLOCK_HEAD = struct.Struct("<iIIfBBB")
VALUES_NONE, VALUES_FIXED, VALUES_VARIABLE, VALUES_ZLIB, VALUES_POSITIONS, VALUES_CHARACTERS = range(6)
WEIGHTS_ONE, WEIGHTS_SAME, WEIGHTS_EACH = range(3)
# Formats whose values are stored as arrays, exactly these classes: a subclass may encode
# its values otherwise.
_POSITION_KINDS = {formats.Positions: VALUES_POSITIONS, formats.Characters: VALUES_CHARACTERS}


def array_kind(fmt) -> str | None:
    """How `ArrayPostingsWriter.add_arrays` takes ``fmt``'s values: "none" (the format
    stores none), "fixed" (fixed-size bytes), "positions" / "characters"
    (`PositionArrays`), or None when it does not (they are written a posting at a time)."""
    size = fmt.fixed_value_size()
    if size is not None and size >= 0:
        return "fixed" if size else "none"
    kind = _position_kind(fmt)
    return None if kind is None else "characters" if kind == VALUES_CHARACTERS else "positions"


def _position_kind(fmt) -> int | None:
    """The array encoding of ``fmt``'s values, None when they are kept as bytes."""
    kind = _POSITION_KINDS.get(type(fmt))
    if kind is None or not pickles_deltas(type(fmt), kind == VALUES_CHARACTERS):
        return None
    return kind


class ArrayPostingsWriter(whoosh3.W3PostingsWriter):
    """W3's postings writer, blocks written as typed arrays (see the module)."""

    def add_posting(self, id_, weight, vbytes, length=None):
        # W3's add_posting less its per-posting type assertions (the values are ours).
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes or type(vbytes) is Codes:  # a posting without positions has its codes
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        self._put_block(*self._encode_values(), last)

    def _put_block(self, encoding: int, values: bytes, last: bool) -> None:
        """Write the buffered block's ids and weights, ``values`` encoded as ``encoding``."""
        if not self._blockcount:
            self._postfile.write(_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        if len(ids) > 1:
            deltas = array("I", [ids[0]]) + array("I", map(sub, ids[1:], ids))
        else:
            deltas = array("I", ids)
        typecode = typecode_for(max(deltas))
        parts = [typecode.encode("ascii"), array_bytes(array(typecode, deltas))]
        weights = self._weights
        if weights.count(1.0) == len(weights):
            parts.append(bytes([WEIGHTS_ONE]))
        elif weights.count(weights[0]) == len(weights):
            parts += [bytes([WEIGHTS_SAME]), array_bytes(weights[:1])]
        else:
            parts += [bytes([WEIGHTS_EACH]), array_bytes(weights)]
        parts.append(values)
        data = b"".join(parts)
        length = BLOCK_HEAD.size - 4 + len(data)
        self._postfile.write(BLOCK_HEAD.pack(
            -length if last else length, len(ids), ids[-1], self._maxweight, encoding,
            whoosh3.length_to_byte(self._minlength), whoosh3.length_to_byte(self._maxlength)))
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def add_arrays(self, ids: array, weights: array, lengths: list[int],
                   values: PositionArrays | bytes | None = None) -> None:
        """A whole term's postings, written as `add_posting` one at a time writes them:
        ``ids`` (ascending, ``array("I")``), ``weights`` (``array("d")``) and ``lengths``
        (each posting's field length, 0 for none) one item per posting; ``values`` None
        when the format stores none, the postings' fixed-size values as one bytes string,
        or for ``Positions`` and ``Characters`` stored as arrays (`array_kind`) their
        `PositionArrays`. Called right after ``start_postings``."""
        count = len(ids)
        if self._ids or count < self._inlinelimit:  # inlined: Whoosh's tuples
            self._add_each(ids, weights, lengths, values)
            return
        limit = self._blocklimit
        if isinstance(values, PositionArrays):
            width = 3 if values.chars else 1
            offsets = [0, *accumulate(values.counts)]
        size = self._format.fixed_value_size() or 0
        for start in range(0, count, limit):
            end = min(start + limit, count)
            block = values
            if count <= limit:
                self._write_arrays(ids, weights, lengths, block, last=True)
                return
            if isinstance(values, PositionArrays):
                block = PositionArrays(values.counts[start:end], values.deltas[
                    offsets[start] * width:offsets[end] * width], values.chars)
            elif values is not None:
                block = values[start * size:end * size]
            self._write_arrays(ids[start:end], weights[start:end], lengths[start:end], block,
                               last=end == count)

    def _write_arrays(self, ids: array, weights: array, lengths, values, last: bool) -> None:
        # The block `add_posting` would have buffered, as `_write_block` writes it.
        self._ids = ids
        self._weights = array("f", weights)
        self._maxweight = max(0, max(weights))
        present = [length for length in lengths if length]
        self._minlength = min(present) if present else None
        self._maxlength = max(present) if present else 0
        if values is None:
            encoding, data = VALUES_NONE, b""
        elif isinstance(values, PositionArrays):
            encoding = _position_kind(self._format)
            try:
                data = encode_position_arrays(values)
            except OverflowError:
                self._values = codes_of(values)
                encoding, data = self._encode_values()
        else:
            encoding, data = VALUES_FIXED, values
        self._put_block(encoding, data, last)

    def _add_each(self, ids, weights, lengths, values) -> None:
        size = self._format.fixed_value_size() or 1
        each = (codes_of(values) if isinstance(values, PositionArrays) else [b""] * len(ids)
                if values is None else [values[i:i + size] for i in range(0, len(values), size)])
        for posting in zip(ids, weights, each, lengths):
            self.add_posting(*posting)

    def finish_postings(self):
        if not self.written() and len(self) < self._inlinelimit:  # inlined: W3's bytes
            self._values = [whoosh_bytes(v) if type(v) is Codes else v for v in self._values]
        return super().finish_postings()

    def _encode_values(self) -> tuple[int, bytes]:
        fixedsize = self._format.fixed_value_size()
        values = self._values
        if fixedsize == 0 or not values:
            return VALUES_NONE, b""
        if fixedsize is not None and fixedsize > 0:
            return VALUES_FIXED, b"".join(values)
        kind = _position_kind(self._format)
        if kind is not None and len(values) == len(self._ids):
            arrays = encode_positions(kind == VALUES_CHARACTERS, values)
            if arrays is not None:
                return kind, arrays
        values = [whoosh_bytes(v) if type(v) is Codes else v for v in values]
        lengths = array("I", map(len, values))
        typecode = typecode_for(max(lengths))
        blob = b"".join(values)
        head = typecode.encode("ascii") + array_bytes(array(typecode, lengths))
        packed = zlib.compress(blob, 3)
        if len(packed) * 4 <= len(blob) * 3:  # compression only where it pays
            return VALUES_ZLIB, head + packed
        return VALUES_VARIABLE, head + blob


class ArrayLeafMatcher(whoosh3.W3LeafMatcher):
    """W3's block matcher reading `ArrayPostingsWriter`'s blocks (same attributes and
    block statistics, so Whoosh's searcher and `indexer.whoosh_internals.postings` use it
    as they use W3's)."""

    def _read_header(self):
        if self._postfile.get(self._startoffset, 4) not in READABLE_MAGICS:
            raise ValueError(f"not an offres posting list at {self._startoffset}")
        self._baseoffset = self._startoffset + 4

    def _goto(self, position):
        self._data = None
        self._positions = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        (length, self._blocklength, self._maxid, self._maxweight, self._compression,
         minlength, maxlength) = BLOCK_HEAD.unpack(self._postfile.get(position, BLOCK_HEAD.size))
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        self._dataoffset = position + BLOCK_HEAD.size
        self._minlength = whoosh3.byte_to_length(minlength)
        self._maxlength = whoosh3.byte_to_length(maxlength)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        count = self._blocklength
        deltas, end = read_array(chr(data[0]), data, 1, count)
        kind = data[end]
        if kind == WEIGHTS_EACH:
            weights, end = read_array("f", data, end + 1, count)
        elif kind == WEIGHTS_SAME:
            one, end = read_array("f", data, end + 1, 1)
            weights = one * count
        else:
            weights, end = array("f", [1.0]) * count, end + 1
        self._data = (deltas, weights, data, end)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = tuple(accumulate(self._data[0]))

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = self._data[1]

    def _read_values(self):
        if self._data is None:
            self._read_data()
        _, _, data, start = self._data
        count = self._blocklength
        encoding = self._compression
        if encoding == VALUES_NONE:
            fixedsize = self._fixedsize
            self._values = ((None,) if fixedsize == 0 else (b"",)) * count
        elif encoding == VALUES_FIXED:
            size = self._fixedsize
            self._values = tuple(data[i:i + size] for i in range(start, len(data), size))
        elif encoding >= VALUES_POSITIONS:
            self._values = WhooshValues(self.position_arrays())
        else:
            lengths, end = read_array(chr(data[start]), data, start + 1, count)
            blob = data[end:]
            if encoding == VALUES_ZLIB:
                blob = zlib.decompress(blob)
            ends = list(accumulate(lengths))
            self._values = tuple(blob[a:b] for a, b in zip([0, *ends], ends))

    def id_deltas(self) -> array:
        """The current block's doc numbers as stored: the first, then each one's distance
        from the one before."""
        if self._data is None:
            self._read_data()
        return self._data[0]

    def position_arrays(self) -> tuple | None:
        """The current block's positions as stored: (count of each posting, position
        deltas, start deltas, lengths) as ``array``s, the last two None without
        characters; None when the block does not store positions as arrays."""
        if self._compression < VALUES_POSITIONS:
            return None
        if self._positions is None:
            if self._data is None:
                self._read_data()
            _, _, data, start = self._data
            self._positions = read_positions(data, start, self._blocklength,
                                             self._compression == VALUES_CHARACTERS)
        return self._positions


# Postings per block (W3's 128): a cold search reads fewer, larger position blocks (BENCHMARKS.md).
BLOCK_LIMIT = 1024


class ArrayCodec(whoosh3.W3Codec):
    """``W3Codec`` with `ArrayPostingsWriter` / `ArrayLeafMatcher` for term postings."""

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # vector postings: read back by W3's own matcher
            return super().postings_writer(dbfile, byteids=True)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                   compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        return ArrayLeafMatcher(dbfile, *terminfo.extent(), format_, term=term, scorer=scorer)


_W3_PARTS = {
    whoosh3.W3PostingsWriter: ("_write_block", "_new_block", "add_posting", "finish_postings", "written"),
    whoosh3.W3LeafMatcher: ("_read_header", "_goto", "_read_data", "_read_ids",
                            "_read_weights", "_read_values", "reset", "_next_block"),
    whoosh3.W3Codec: ("postings_writer", "postings_reader"),
}


@lru_cache(maxsize=1)
def offres_codec():
    """The codec of new segments: `choose_codec` for this Whoosh's W3 internals."""
    return choose_codec(_W3_PARTS)


def choose_codec(parts: dict) -> whoosh3.W3Codec:
    """`ArrayCodec` of `BLOCK_LIMIT` if each class of ``parts`` has its names and a list round-trips, else W3's."""
    try:
        if all(hasattr(cls, name) for cls, names in parts.items() for name in names):
            if _round_trips(ArrayCodec()):  # 128 a block: the check's list spans 3 blocks
                return ArrayCodec(blocklimit=BLOCK_LIMIT)
    except (AttributeError, TypeError, ValueError, struct.error):
        pass
    return whoosh3.W3Codec()


def posting_list(codec, fmt, postings, length: int) -> tuple[bytes, object, object]:
    """``postings`` ``[(doc, weight, value bytes)]`` written as one term's list by
    ``codec`` (every field length ``length``): the file's bytes, the term info, and a
    matcher reading them back (the self-checks here and in `arrays`)."""
    from whoosh.filedb.structfile import StructFile

    sink = BytesIO()
    writer = codec.postings_writer(StructFile(sink))
    terminfo = whoosh3.W3TermInfo()
    writer.start_postings(fmt, terminfo)
    for docnum, weight, value in postings:
        writer.add_posting(docnum, weight, value, length)
    writer.finish_postings()
    data = sink.getvalue()
    return data, terminfo, codec.postings_reader(StructFile(BytesIO(data)), terminfo, fmt)


def _round_trips(codec) -> bool:
    """Write 300 postings (3 blocks) of positions and of characters and read them back."""
    from whoosh.formats import Characters, Positions

    for fmt, poslist in ((Characters(), lambda d: [(p, p * 5, p * 5 + 4) for p in range(d % 4 + 1)]),
                         (Positions(), lambda d: [p * 3 for p in range(d % 5 + 1)])):
        postings = [(d * 3 + 1, float(d % 4 + 1), fmt.encode(poslist(d))) for d in range(300)]
        _, terminfo, matcher = posting_list(codec, fmt, postings, 5)
        read = []
        while matcher.is_active():
            read.append((matcher.id(), matcher.weight(), matcher.value()))
            matcher.next()
        if read != postings:
            return False
    return True
