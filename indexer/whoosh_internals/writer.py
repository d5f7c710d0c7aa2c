"""A build worker's segment writer: postings kept as arrays per term, written in term order.

Whoosh's ``SegmentWriter`` puts every posting in a pool of tuples, pickles sorted runs of
them to disk and merges the runs back, a posting at a time. `ArraySegmentWriter` keeps, per
(field, term), arrays of document numbers, weights and value bytes; past ``limitmb`` it
writes them, sorted by term, to an anonymous run file as whole arrays. A worker adds its
documents in number order, so a term's postings are its parts of each run in run order:
finishing is a merge of terms, not of postings. The segment goes out through the codec's own
per-segment writers (``per_document_writer``, ``field_writer``), exactly as Whoosh's writer
feeds them (same stored fields, columns, field lengths, postings and value bytes), so it
is a Whoosh segment like any other.

A field may name an analysis function (``value -> {text: [(pos, startchar, endchar)]}``)
that gives what its analyzer would: its postings are then encoded by the field's own
format (``Positions`` or ``Characters``) without the analyzer's chain of generators.
"""

from __future__ import annotations

import heapq
import itertools
import struct
import tempfile
from array import array
from operator import itemgetter
from typing import Callable

from whoosh import formats
from whoosh.codec import whoosh3
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from indexer.errors import OffresError
from indexer.whoosh_internals.codec import offres_codec

Positions = Callable[[str], dict[str, list[tuple[int, int, int]]]]

_PARTS = ("perdocwriter", "fieldwriter", "pool", "_close_segment", "_assemble_segment",
          "get_segment", "_check_state", "_doc_boost", "_field_boost", "_check_fields",
          "docnum", "schema", "storage")
_RUN = struct.Struct("<HHII")  # field name and term lengths, postings, value bytes
_TERM_COST = 400  # estimated bytes of a term's arrays and dict entry
_POSTING_COST = 18  # estimated bytes of a posting besides its value


class _Postings:
    """(field name, term bytes) -> (doc numbers, weights, value bytes, value ends), spilling
    sorted runs to anonymous files once their estimated size passes ``limit`` bytes."""

    def __init__(self, limit: int, folder: str | None) -> None:
        self.limit = limit
        self.folder = folder
        self.terms: dict[tuple[str, bytes], tuple[array, array, bytearray, array]] = {}
        self.size = 0
        self.runs: list = []

    def add_field(self, fieldname: str, items, docnum: int, boost: float, scorable: bool) -> int:
        """Add one document's postings of a field, ``items`` as ``field.index`` gives them;
        returns the field's length in the document (0 if it is not scorable)."""
        terms = self.terms
        size = length = 0
        for tbytes, freq, weight, vbytes in items:
            key = (fieldname, tbytes)
            entry = terms.get(key)
            if entry is None:
                entry = terms[key] = (array("I"), array("d"), bytearray(), array("I"))
                size += _TERM_COST + len(tbytes)
            docs, weights, values, ends = entry
            docs.append(docnum)
            weights.append(weight * boost)
            if vbytes:
                values += vbytes
                size += len(vbytes) + _POSTING_COST
            else:
                size += _POSTING_COST
            ends.append(len(values))
            if scorable:
                length += freq
        self.size += size
        if self.size > self.limit:
            self.spill()
        return length

    def spill(self) -> None:
        """Write the postings in memory to a run, sorted by (field, term), and forget them."""
        run = tempfile.TemporaryFile(dir=self.folder)
        write = run.write
        terms = self.terms
        for key in sorted(terms):
            docs, weights, values, ends = terms[key]
            name = key[0].encode("utf-8")
            write(_RUN.pack(len(name), len(key[1]), len(docs), len(values)))
            write(name)
            write(key[1])
            write(docs.tobytes())
            write(weights.tobytes())
            write(ends.tobytes())
            write(values)
        run.flush()
        self.runs.append(run)
        self.terms = {}
        self.size = 0

    def items(self):
        """(key, [(docs, weights, values, ends), ...]) in key order, parts in document order."""
        if not self.runs:
            terms = self.terms
            for key in sorted(terms):
                yield key, [terms.pop(key)]
            return
        if self.terms:
            self.spill()
        merged = heapq.merge(*map(_read_run, self.runs), key=itemgetter(0))
        for key, parts in itertools.groupby(merged, key=itemgetter(0)):
            yield key, [part for _, part in parts]

    def cleanup(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        self.terms = {}

    cancel = cleanup


def _read_run(run):
    """The terms of a run file, in the order `_Postings.spill` wrote them."""
    run.seek(0)
    read = run.read
    while head := read(_RUN.size):
        name_size, term_size, count, value_size = _RUN.unpack(head)
        key = (read(name_size).decode("utf-8"), read(term_size))
        docs, weights, ends = array("I"), array("d"), array("I")
        docs.frombytes(read(4 * count))
        weights.frombytes(read(8 * count))
        ends.frombytes(read(4 * count))
        yield key, (docs, weights, read(value_size), ends)


class ArraySegmentWriter(SegmentWriter):
    """A writer of one new segment of ``ix``, without the index's lock (the main process
    holds it), postings in `_Postings`; `finish` writes the segment and returns it."""

    def __init__(self, ix, limitmb: float, analyses: dict[str, Positions] | None = None) -> None:
        super().__init__(ix, _lk=False, limitmb=max(1, int(limitmb)), codec=offres_codec())
        missing = [name for name in _PARTS if not hasattr(self, name)]
        unsupported = [name for name, field in self.schema.items()
                       if field.vector or field.separate_spelling()]
        if missing or unsupported:
            raise OffresError("version de Whoosh ou schéma non pris en charge pour l'indexation "
                              f"parallèle (manque : {', '.join(missing + unsupported)})")
        self.pool = _Postings(int(limitmb * (1 << 20)), getattr(self.storage, "folder", None))
        self._analyses = {}
        for name, analysis in (analyses or {}).items():
            kind = type(self.schema[name].format)
            if kind in (formats.Positions, formats.Characters):
                self._analyses[name] = (analysis, kind is formats.Characters)
        self._lengths: dict[str, array] = {}  # field -> length of each document (scorable fields)

    def _index(self, fieldname: str, field, value):
        """(term bytes, frequency, weight, value bytes) of each term, as ``field.index``."""
        fast = self._analyses.get(fieldname)
        if fast is None or not isinstance(value, str):
            return field.index(value)
        analysis, chars = fast
        fmt = field.format
        encode, boost = fmt.encode, fmt.field_boost
        if chars:
            return [(text.encode("utf-8"), len(found), len(found) * boost, encode(found))
                    for text, found in analysis(value).items()]
        return [(text.encode("utf-8"), len(found), len(found) * boost, encode([p[0] for p in found]))
                for text, found in analysis(value).items()]

    def add_document(self, **fields) -> None:
        # SegmentWriter.add_document, less what the schema checked at start does not use
        # (vectors, spelling words); postings go to arrays.
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_field = self.pool.add_field
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                length = add_field(fieldname, self._index(fieldname, field, value), docnum,
                                   self._field_boost(fields, fieldname, docboost), field.scorable)
                if length:
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    if len(lengths) <= docnum:
                        lengths.extend(itertools.repeat(0, docnum + 1 - len(lengths)))
                    lengths[docnum] = length
            customval = fields.get("_stored_%s" % fieldname, value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def finish(self):
        """Write the postings through the codec's field writer and return the segment."""
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        add = fieldwriter.add
        lastfield = None
        lengths: list | itertools.repeat = itertools.repeat(0)
        for (fieldname, tbytes), parts in self.pool.items():
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, self.schema[fieldname])
                lastfield = fieldname
                add = _posting_adder(fieldwriter)
                lengths = _stored_lengths(self._lengths.get(fieldname), self.docnum)
            fieldwriter.start_term(tbytes)
            for docs, weights, values, ends in parts:
                values = bytes(values)
                start = 0
                for docnum, weight, end in zip(docs, weights, ends):
                    add(docnum, weight, values[start:end], lengths[docnum])
                    start = end
            fieldwriter.finish_term()
        if lastfield is not None:
            fieldwriter.finish_field()
        self._close_segment()
        self._assemble_segment()
        return self.get_segment()


def _posting_adder(fieldwriter):
    """The field writer's ``add``, or straight its postings writer's ``add_posting`` when
    ``add`` is W3's, which only forwards to it (one call less per posting)."""
    postings = getattr(fieldwriter, "_postwriter", None)
    if type(fieldwriter).add is whoosh3.W3FieldWriter.add and postings is not None:
        return postings.add_posting
    return fieldwriter.add


def _stored_lengths(lengths: array | None, count: int) -> list:
    """Each document's field length as Whoosh's writer reads it back from the segment's
    length column: rounded to its stored byte, None without it, 0 when there is no column."""
    if lengths is None:
        return [0] * count
    rounded = {length: byte_to_length(length_to_byte(length)) if length else None
               for length in set(lengths)}
    return [rounded[length] for length in lengths] + [None] * (count - len(lengths))
