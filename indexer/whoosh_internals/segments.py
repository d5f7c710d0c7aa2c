"""Writing segments from several processes: Whoosh's segment writer with its private parts.

A full build gives each worker process its own ``SegmentWriter`` (without the index's write
lock, which the main process holds), finishes each segment itself, and commits the
segments together in one table of contents. Whoosh has no public API for that; the private
names used here are checked by `check()` before a build starts.
"""

from __future__ import annotations

import itertools
import pickle

from whoosh.writing import PostingPool, SegmentWriter

from indexer.errors import OffresError
from indexer.whoosh_internals.codec import offres_codec

_WRITER_PARTS = ("perdocwriter", "fieldwriter", "pool", "per_document_reader", "_close_segment",
                 "_assemble_segment", "get_segment", "_commit_toc", "_finish", "_tempstorage",
                 "newsegment", "docnum", "codec")


class BatchedPostingPool(PostingPool):
    """Whoosh's posting pool, spilling its sorted runs to disk in batches.

    A big build's postings do not fit in memory: each worker sorts them in runs on disk,
    then merges the runs. Whoosh pickles and unpickles every posting on its own, a fifth
    of a build's time; one pickle per batch of postings gives the same postings.
    """

    batch = 1024  # postings per pickle; a merge holds one batch per run (30 runs at 100k)

    def add(self, item):
        # item = (fieldname, tbytes, docnum, weight, vbytes), as SegmentWriter builds it;
        # the size estimate is Whoosh's own.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        items = iter(items)
        try:
            while batch := list(itertools.islice(items, self.batch)):
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        finally:
            f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _FieldLengths:
    """The per-document field lengths of a segment being finished, read once per field.

    Whoosh's FieldWriter.add_postings asks the per-document reader for the length of the
    document of every posting (a seek and a read each time); the values are the same.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._count = reader.doc_count_all()
        self._fields: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname) for d in range(self._count)]
        return lengths[docnum]


def check(writer) -> None:
    """Refuse, with a clear error, a Whoosh whose writer lacks the private parts used here."""
    missing = [name for name in _WRITER_PARTS if not hasattr(writer, name)]
    if missing:
        raise OffresError("version de Whoosh non prise en charge pour l'indexation "
                          f"parallèle (manque : {', '.join(missing)})")


def segment_writer(ix, limitmb: int) -> SegmentWriter:
    """A writer of one new segment of ``ix`` that does not take the index's lock (the main
    process holds it), with the batched posting pool and offres' codec."""
    writer = SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=offres_codec())
    check(writer)
    writer.pool = BatchedPostingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
    return writer


def finish_segment(writer):
    """SegmentWriter._finalize_segment, with the field lengths read once per field."""
    writer.perdocwriter.close()
    reader = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = _FieldLengths(reader) if reader is not None else None
    writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if reader is not None:
        reader.close()
    writer._close_segment()
    writer._assemble_segment()
    return writer.get_segment()


def commit_segments(writer, segments) -> None:
    """Commit ``segments`` (finished elsewhere) as the whole index, through ``writer``, which
    holds the index's lock and whose own segment stays empty."""
    check(writer)
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()
