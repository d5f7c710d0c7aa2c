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
format (``Positions`` or ``Characters``) without the analyzer's chain of generators. The
French analyzer's fields keep their occurrences as rows of numbered terms
(`indexer.analysis.batch`), grouped into postings a run at a time (`FieldRows`).
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
from whoosh.writing import SegmentWriter

from indexer.analysis.batch import TermRows, rows_of
from indexer.analysis.memo import index_occurrences
from indexer.errors import OffresError
from indexer.whoosh_internals.codec import array_kind, offres_codec
from indexer.whoosh_internals.document_parts import DocumentParts
from indexer.whoosh_internals.occurrence_rows import (FieldRows, decoded_occurrences,
                                                     encoded_items)
from indexer.whoosh_internals.position_blocks import PositionArrays, codes_of, whoosh_bytes
from indexer.whoosh_internals.term_lists import TermLists, usable
from indexer.whoosh_internals.term_parts import (add_bytes, add_through, fixed_values, joined,
                                                 posting_adder, stored_lengths)

Occurrences = Callable[[str, bool], dict[str, list[int]]]

_PARTS = ("perdocwriter", "fieldwriter", "pool", "_close_segment", "_assemble_segment",
          "get_segment", "_check_state", "_doc_boost", "_field_boost", "_check_fields",
          "docnum", "schema", "storage")
_RUN = struct.Struct("<HHIII")  # field name and term lengths, postings, extra items, data bytes
_TERM_COST = 400  # estimated bytes of a term's arrays and dict entry
_POSTING_COST = 18  # estimated bytes of a posting besides its value
_ROW_COST = 48  # estimated bytes of an occurrence row, with what sorting the rows takes
_BLOCK_COST = 200  # estimated bytes of a document's rows besides the rows
_TERMS_LIMIT = 500_000  # term numbers kept across runs; beyond, a run starts them again


class _Postings:
    """Per field, term -> (doc numbers, weights, extra, data), spilling sorted runs to
    anonymous files once their estimated size passes ``limit`` bytes.

    What extra and data hold depends on the field (``kinds``): for "occurrences" fields
    (an analysis function and array-stored positions), each posting's count of occurrences
    and the occurrences' absolute numbers (`indexer.analysis.memo.index_occurrences`);
    for "none" fields (no values), nothing; otherwise ("bytes"), each posting's value end
    and the value bytes. Terms are str for occurrences fields, bytes otherwise."""

    def __init__(self, limit: int, folder: str | None) -> None:
        self.limit = limit
        self.folder = folder
        self.fields: dict[str, dict] = {}
        self.size = 0
        self.runs: list = []
        self.kinds: dict[str, str] = {}  # field -> "occurrences", "none" or "bytes"
        self.rows: dict[str, FieldRows] = {}  # "occurrences" fields' postings, as rows
        self.terms = TermRows()  # the numbers of the rows' terms

    def _terms(self, fieldname: str) -> dict:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def add_occurrences(self, fieldname: str, found: dict[str, list[int]], docnum: int,
                        weigh: float, boost: float, width: int) -> int:
        """Add one document's occurrences of a field (term -> flat numbers, ``width`` per
        occurrence), each term weighing its count times ``weigh``, times ``boost``;
        returns the field's length in the document."""
        return self.add_rows(fieldname, rows_of(found, self.terms.number, width == 3), docnum,
                             weigh, boost, width == 3)

    def add_rows(self, fieldname: str, rows, docnum: int, weigh: float, boost: float,
                 chars: bool) -> int:
        """`add_occurrences` with the occurrences as rows of `terms` (`FieldRows`)."""
        self.size += _ROW_COST * len(rows) + _BLOCK_COST
        if self.size > self.limit:
            self.spill()  # this document's rows go with the next run
        field = self.rows.get(fieldname)
        if field is None:
            field = self.rows[fieldname] = FieldRows(weigh, chars)
        return field.add(rows, docnum, boost)

    def add_field(self, fieldname: str, items, docnum: int, boost: float, scorable: bool,
                  values: bool) -> int:
        """Add one document's postings of a field, ``items`` as ``field.index`` gives them
        (their value bytes kept when ``values``); returns the field's length in the
        document (0 if it is not scorable)."""
        terms = self._terms(fieldname)
        size = length = 0
        for tbytes, freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = ((array("I"), array("d"), array("I"), bytearray())
                                         if values else (array("I"), array("d"), None, None))
                size += _TERM_COST + len(tbytes)
            docs, weights, ends, data = entry
            docs.append(docnum)
            weights.append(weight * boost)
            size += _POSTING_COST
            if values:
                if vbytes:
                    data += vbytes
                    size += len(vbytes)
                ends.append(len(data))
            if scorable:
                length += freq
        self.size += size
        if self.size > self.limit:
            self.spill()
        return length

    def _sorted(self):
        """((field name, term bytes), entry) of the postings in memory, in key order."""
        for fieldname in sorted(self.fields.keys() | self.rows.keys()):
            if fieldname in self.rows:
                for term, entry in self.rows[fieldname].entries(self.terms.texts):
                    yield (fieldname, term.encode("utf-8")), entry
                continue
            terms = self.fields[fieldname]
            for term in sorted(terms):
                yield (fieldname, term.encode("utf-8") if isinstance(term, str) else term), terms[term]

    def spill(self) -> None:
        """Write the postings in memory to a run, sorted by (field, term), and forget them."""
        run = tempfile.TemporaryFile(dir=self.folder)
        write = run.write
        for (fieldname, tbytes), (docs, weights, extra, data) in self._sorted():
            name = fieldname.encode("utf-8")
            extra = b"" if extra is None else extra.tobytes()
            data = b"" if data is None else data
            write(_RUN.pack(len(name), len(tbytes), len(docs), len(extra) // 4, len(data)
                            * (data.itemsize if isinstance(data, array) else 1)))
            write(name)
            write(tbytes)
            write(docs.tobytes())
            write(weights.tobytes())
            write(extra)
            write(data)
        run.flush()
        self.runs.append(run)
        self._forget()

    def _forget(self) -> None:
        self.fields = {}
        self.rows = {}
        self.size = 0
        if len(self.terms.texts) > _TERMS_LIMIT:
            self.terms = TermRows()

    def items(self):
        """(key, [(docs, weights, extra, data), ...]) in key order, parts in document order
        (as arrays, or as bytes read back from a run; extra and data may be None)."""
        if not self.runs:
            for key, entry in self._sorted():
                yield key, [entry]
            self._forget()
            return
        if self.fields or self.rows:
            self.spill()
        merged = heapq.merge(*(_read_run(run, self.kinds) for run in self.runs),
                             key=itemgetter(0))
        for key, parts in itertools.groupby(merged, key=itemgetter(0)):
            yield key, [part for _, part in parts]

    def cleanup(self) -> None:
        for run in self.runs:
            run.close()
        self.runs = []
        self._forget()

    cancel = cleanup


def _read_run(run, kinds: dict[str, str]):
    """The terms of a run file, in the order `_Postings.spill` wrote them, each part as
    `_Postings` holds it for the field's kind (``kinds``)."""
    run.seek(0)
    read = run.read
    while head := read(_RUN.size):
        name_size, term_size, count, extra_count, data_size = _RUN.unpack(head)
        key = (read(name_size).decode("utf-8"), read(term_size))
        docs, weights = array("I"), array("d")
        docs.frombytes(read(4 * count))
        weights.frombytes(read(8 * count))
        extra = data = None
        kind = kinds.get(key[0], "bytes")
        if kind != "none":
            extra = array("I")
            extra.frombytes(read(4 * extra_count))
            data = read(data_size)
            if kind == "occurrences":
                numbers = array("i")
                numbers.frombytes(data)
                data = numbers
            else:
                data = bytearray(data)
        yield key, (docs, weights, extra, data)


class ArraySegmentWriter(SegmentWriter):
    """A writer of one new segment of ``ix``, without the index's lock (the main process
    holds it), postings in `_Postings`; `finish` writes the segment and returns it.

    ``analyses`` maps a field to its analysis function (`Occurrences`: text, chars ->
    term -> flat occurrences). With ``arrays`` (the default) postings travel as arrays to
    the codec's `add_arrays` wherever it takes the field's format; without, every posting
    goes as Whoosh's value bytes through ``add_posting`` (the reference path, the same
    segment)."""

    def __init__(self, ix, limitmb: float, analyses: dict[str, Occurrences] | None = None,
                 arrays: bool = True) -> None:
        super().__init__(ix, _lk=False, limitmb=max(1, int(limitmb)), codec=offres_codec())
        missing = [name for name in _PARTS if not hasattr(self, name)]
        unsupported = [name for name, field in self.schema.items()
                       if field.vector or field.separate_spelling()]
        if missing or unsupported:
            raise OffresError("version de Whoosh ou schéma non pris en charge pour l'indexation "
                              f"parallèle (manque : {', '.join(missing + unsupported)})")
        self.pool = _Postings(int(limitmb * (1 << 20)), getattr(self.storage, "folder", None))
        self._kinds = self.pool.kinds
        self._analyses = {}
        for name, field in self.schema.items():
            if not field.indexed:
                continue
            kind = array_kind(field.format) if arrays else None
            analysis = (analyses or {}).get(name)
            if analysis is not None and type(field.format) in (formats.Positions, formats.Characters):
                self._analyses[name] = (analysis, type(field.format) is formats.Characters)
                if kind in ("positions", "characters"):
                    self._kinds[name] = "occurrences"
                    continue
            self._kinds[name] = "none" if kind == "none" else "bytes"
        self._lengths: dict[str, array] = {}  # field -> length of each document (scorable fields)

    def _index(self, fieldname: str, field, value, docnum: int, boost: float) -> int:
        """Add a field's postings for document ``docnum``; returns its length there."""
        fast = self._analyses.get(fieldname)
        kind = self._kinds[fieldname]
        if fast is not None and isinstance(value, str):
            analysis, chars = fast
            if kind == "occurrences" and analysis is index_occurrences:
                return self.pool.add_rows(fieldname, self.pool.terms.rows(value), docnum,
                                          field.format.field_boost, boost, chars)
            found = analysis(value, chars)
            if kind == "occurrences":
                return self.pool.add_occurrences(fieldname, found, docnum,
                                                 field.format.field_boost, boost, 3 if chars else 1)
            items = encoded_items(field.format, found, chars)
        else:
            items = field.index(value)
            if kind == "occurrences":
                items = decoded_occurrences(field.format, items)
                return self.pool.add_occurrences(fieldname, items, docnum,
                                                 field.format.field_boost, boost,
                                                 3 if self._analyses[fieldname][1] else 1)
        return self.pool.add_field(fieldname, items, docnum, boost, field.scorable,
                                   kind == "bytes")

    def add_document(self, **fields) -> None:
        # SegmentWriter.add_document, less what the schema checked at start does not use
        # (vectors, spelling words); postings go to arrays. What W3's per-document writer
        # does per field (stored value, length byte and total, column value) is done here
        # on its column writers (`DocumentParts`), in the same order.
        self._check_state()
        parts = self.__dict__.get("_document_parts")
        if parts is None:
            parts = self._document_parts = DocumentParts(
                self.perdocwriter, self.schema, set(self._analyses),
                {name for name, kind in self._kinds.items() if kind == "bytes"})
        plans = parts.plans
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        special = any(name.startswith("_") for name in fields)  # boosts, stored values
        fieldnames = sorted(name for name in fields if not name.startswith("_")) if special else sorted(fields)
        unknown = [name for name in fieldnames if name not in plans]
        if unknown:
            self._check_fields(self.schema, unknown)
        self.perdocwriter.start_doc(docnum)
        stored = self.perdocwriter._storedfields
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field, indexed, analysed, scorable, keep, column, values = plans[fieldname]
            customval = fields.get("_stored_%s" % fieldname, value) if special else value
            colvalue = None
            if indexed:
                boost = self._field_boost(fields, fieldname, docboost) if special else docboost
                if analysed:
                    length = self._index(fieldname, field, value, docnum, boost)
                else:  # `_index` of a field without analysis, its items remembered
                    items, colvalue = parts.indexed(fieldname, field, value, customval is value)
                    length = self.pool.add_field(fieldname, items, docnum, boost, scorable, values)
                if length and scorable:
                    lengths = self._lengths.get(fieldname)
                    if lengths is None:
                        lengths = self._lengths[fieldname] = array("I")
                    if len(lengths) <= docnum:
                        lengths.extend(itertools.repeat(0, docnum + 1 - len(lengths)))
                    lengths[docnum] = length
                    parts.length(fieldname, docnum, length)
            if keep and customval is not None:
                stored[fieldname] = customval
            if column and customval is not None:
                if colvalue is None:
                    colvalue = field.to_column_value(customval)
                parts.column(fieldname, column).add(docnum, colvalue)
        self.perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def finish(self):
        """Write the postings through the codec's field writer and return the segment."""
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        # Made with arrays (some field's postings are arrays), whole terms go out in one
        # call each where the field writer is W3's (`TermLists`); else through its methods.
        terms = (TermLists(fieldwriter) if usable(fieldwriter)
                 and any(kind != "bytes" for kind in self._kinds.values()) else None)
        lastfield = None
        bulk = add = kind = chars = None
        whole = False
        size = 0
        lengths: list[int] = []
        for (fieldname, tbytes), parts in self.pool.items():
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                field = self.schema[fieldname]
                fieldwriter.start_field(fieldname, field)
                whole = terms is not None and terms.start_field(field)
                lastfield = fieldname
                kind = self._kinds[fieldname]
                chars = self._analyses.get(fieldname, (None, False))[1]
                add = posting_adder(fieldwriter)
                postings = getattr(fieldwriter, "_postwriter", None)
                bulk = getattr(postings, "add_arrays", None) if kind != "bytes" else None
                size = (field.format.fixed_value_size() or 0) if kind == "bytes" else 0
                lengths = [length or 0 for length in
                           stored_lengths(self._lengths.get(fieldname), self.docnum)]
            if whole:
                docs, weights, extra, data = (parts[0] if len(parts) == 1 else
                                              [joined([part[i] for part in parts]) for i in range(4)])
                if kind == "bytes":
                    values = fixed_values(parts, size)
                    if values is None:
                        add_through(fieldwriter, add, tbytes, parts, lengths)
                        continue
                else:
                    values = None if kind == "none" else PositionArrays(extra, data, chars)
                terms.add(tbytes, docs, weights, list(map(lengths.__getitem__, docs)), values)
                continue
            fieldwriter.start_term(tbytes)
            if kind == "bytes":  # each part's value ends count from its own start
                for docs, weights, extra, data in parts:
                    add_bytes(add, docs, weights, extra, data, lengths)
            else:
                if len(parts) == 1:
                    docs, weights, extra, data = parts[0]
                else:
                    docs, weights, extra, data = (joined([part[i] for part in parts])
                                                  for i in range(4))
                values = None if kind == "none" else PositionArrays(extra, data, chars)
                term_lengths = list(map(lengths.__getitem__, docs))
                if bulk is not None:
                    bulk(docs, weights, term_lengths, values)
                else:
                    encoded = ([b""] * len(docs) if values is None
                               else list(map(whoosh_bytes, codes_of(values))))
                    for posting in zip(docs, weights, encoded, term_lengths):
                        add(*posting)
            fieldwriter.finish_term()
        if lastfield is not None:
            fieldwriter.finish_field()
        self._close_segment()
        self._assemble_segment()
        return self.get_segment()

