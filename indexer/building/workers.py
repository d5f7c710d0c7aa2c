"""Full builds: one Whoosh segment per worker process, fed as the worker parses.

A full build forks one worker per core (up to MAX_WORKERS). Each worker parses its share
of the files and feeds them straight to its own segment writer (analysis, postings), then
writes its segment; the main process only keeps what deduplication and the manifest need
(source, digest, id, rank, size and mtime), reads the few duplicates again to merge them,
marks the losing duplicates as deleted, writes the merged offers that differ from every
file in a segment of its own, and writes the table of contents that makes the segments one
index. No offer crosses a process boundary and no process holds the whole corpus.
"""

from __future__ import annotations

import contextlib
import gc
import os
from array import array
from pathlib import Path

from indexer.building.corpus import ReadOffer, Skipped, read_offer, stable_id
from indexer.building.dedup import Entry, deduplicate, merge_groups, rank
from indexer.building.report import BuildReport, Progress
from indexer.analysis.memo import positions_function
from indexer.building.vocabulary import Spellings, merge_spellings
from indexer.errors import OffresError
from indexer.schema import offer_to_document
from indexer.whoosh_internals.segments import commit_segments
from indexer.whoosh_internals.writer import ArraySegmentWriter

PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves
MAX_WORKERS = 4
SHARD_CHUNK = 32  # files per message from a worker; worker k takes chunks k, k + n, ...
SHARD_LIMIT_MB = 24  # each worker's postings in memory (estimated size) before it spills a sorted run to disk


class _Shard:
    """Parses files and adds them to one segment; remembers the vocabulary of what it added."""

    def __init__(self, ix, corpus: Path, max_bytes: int) -> None:
        analyses = {name: analysis for name, field in ix.schema.items()
                    if (analysis := positions_function(getattr(field, "analyzer", None)))}
        self.writer = ArraySegmentWriter(ix, SHARD_LIMIT_MB, analyses)
        self.corpus = corpus
        self.max_bytes = max_bytes
        self.spellings = Spellings()

    def add(self, path: Path) -> tuple | Skipped:
        """(digest, id, rank, (size, mtime), docnum, warnings), or a `Skipped`."""
        read = read_offer(path, self.max_bytes)
        if isinstance(read, Skipped):
            return read
        offer = read.offer
        doc_id = stable_id(offer, self.corpus)
        docnum = self.writer.docnum
        self.writer.add_document(**offer_to_document(offer, doc_id, read.digest))
        self.spellings.add(offer, doc_id)
        return (read.digest, doc_id, rank(offer), read.stat, docnum, offer.warnings)

    def finish(self, losers: list[tuple[int, str, str]]):
        """Write the segment with the losing duplicates (docnum, source, digest) deleted;
        returns the segment and the vocabulary of the documents kept."""
        for _, source, digest in losers:
            self._forget(source, digest)
        pool = self.writer.pool
        if pool.runs and (pool.fields or pool.rows):
            # What finishing starts with; the merge of the runs then needs little of the
            # memory the arrays took, so it can go back to the system first.
            pool.spill()
            _trim_heap()
        segment = self.writer.finish()
        for docnum, _, _ in losers:
            segment.delete_document(docnum)
        return segment, self.spellings.forms

    def _forget(self, source: str, digest: str) -> None:
        """Take a losing duplicate's words out of the vocabulary (read again: duplicates are rare)."""
        read = read_offer(source, self.max_bytes)
        # A file changed since keeps its words counted; the index itself is right.
        if isinstance(read, ReadOffer) and read.digest == digest:
            self.spellings.forget(read.offer)

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.cancel()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (kill -9 included)."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _release_parse_memory() -> None:
    """Empty the parse phase's label and folding caches and hand the freed memory back to the
    system, before the worker merges its runs and writes its segment (the end of the build):
    the few losing duplicates read again do not need them."""
    from indexer.analysis import folding
    from indexer.parsing import labels

    for cached in (labels.fold, labels.field_of_label, folding.fold, folding.fold_key):
        cached.cache_clear()
    _trim_heap()


def _trim_heap() -> None:
    """Give the free memory of the C heap back to the system (glibc's ``malloc_trim``): freed
    objects otherwise stay in the process, counted in its resident memory."""
    with contextlib.suppress(Exception):  # glibc only: elsewhere the memory stays reusable
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)


def _shard_process(ix, corpus: Path, paths: list[Path], chunks: list[range], max_bytes: int,
                   conn, parent_ends: list, parent_pid: int) -> None:
    """A worker: parse and add its chunks of ``paths``, report each file, then on the main
    process's word write the segment and send it with the vocabulary."""
    _die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)
    for end in parent_ends:
        end.close()
    shard = None
    try:
        shard = _Shard(ix, corpus, max_bytes)
        for chunk in chunks:
            conn.send(("files", [(n, shard.add(paths[n])) for n in chunk]))
        conn.send(("parsed", None))
        _release_parse_memory()
        losers = conn.recv()
        conn.send(("done", shard.finish(losers)))
    except BaseException as exc:
        if shard is not None:
            shard.cancel()
        try:
            conn.send(("error", exc))
        except Exception:
            import traceback

            conn.send(("error", RuntimeError(traceback.format_exc())))
        os._exit(1)
    conn.close()
    os._exit(0)


def write_shards(ix, corpus: Path, paths: list[Path], report: BuildReport, max_bytes: int,
                  progress: Progress | None):
    """Parse and index ``paths`` into ``ix`` (a new, empty index), one segment per worker.

    Returns the usable entries, the winners by id, the duplicate messages, the vocabulary and
    the digest of the files of each id several files state.
    """
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(paths) < PARALLEL_MIN_FILES:
        workers = 1
    chunks = [range(start, min(start + SHARD_CHUNK, len(paths)))
              for start in range(0, len(paths), SHARD_CHUNK)]
    # What each file left, kept compactly by file number while the workers parse: the
    # usable file's entry, the shard and document number it went to; skips and warnings
    # (few) by number, so that the report lists them in the corpus's order.
    found: list[Entry | None] = [None] * len(paths)
    where = array("b", [0]) * len(paths)
    docnums = array("q", [0]) * len(paths)
    skipped: dict[int, Skipped] = {}
    warned: dict[int, tuple[str, ...]] = {}
    done = 0

    def record(shard_no: int, items) -> None:
        nonlocal done
        for number, result in items:
            if isinstance(result, Skipped):
                skipped[number] = result
            else:
                digest, doc_id, rank, stat, docnum, warnings = result
                found[number] = Entry(str(paths[number]), digest, doc_id, rank, stat=stat)
                where[number] = shard_no
                docnums[number] = docnum
                if warnings:
                    warned[number] = warnings
            done += 1
            if progress:
                progress(done, len(paths), str(paths[number]))

    def settle() -> tuple[list[Entry], dict[str, Entry], list[str], list[list]]:
        for number in sorted({*skipped, *warned}):
            if number in skipped:
                report.skipped.append(skipped[number])
            else:
                report.warnings.extend(f"{paths[number]}: {w}" for w in warned[number])
        entries = [entry for entry in found if entry is not None]
        winners, duplicates = deduplicate(entries)
        merged = merge_groups(entries, winners, max_bytes)
        report.warnings.extend(merged.warnings)
        winners.update(merged.winners)
        groups.update(merged.groups)
        # A merged offer unlike each of its files is a document of its own (added below);
        # the file that won is then a loser like the others.
        kept = {entry.source for doc_id, entry in winners.items() if doc_id not in merged.rewritten}
        losers: list[list] = [[] for _ in range(workers)]
        for number, entry in enumerate(found):
            if entry is not None and entry.source not in kept:
                losers[where[number]].append((docnums[number], entry.source, entry.digest))
        extra.extend(winners[doc_id] for doc_id in sorted(merged.rewritten))
        return entries, winners, duplicates, losers

    extra: list[Entry] = []  # merged offers, written by this process in a segment of their own
    groups: dict[str, str] = {}  # id -> digest of its files, when several state it
    writer = ix.writer()  # holds the index's write lock; its own segment stays empty
    try:
        if workers == 1:
            shard = _Shard(ix, corpus, max_bytes)
            try:
                record(0, [(n, shard.add(path)) for n, path in enumerate(paths)])
                entries, winners, duplicates, losers = settle()
                finished = [shard.finish(losers[0])]
            except BaseException:
                shard.cancel()
                raise
        else:
            entries, winners, duplicates, finished = _run_workers(
                ix, corpus, paths, chunks, workers, max_bytes, record, settle)
        if extra:
            finished.append(_merged_segment(ix, corpus, max_bytes, extra))
        commit_segments(writer, [segment for segment, _ in finished if segment.doc_count_all()])
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return entries, winners, duplicates, merge_spellings(spellings for _, spellings in finished), groups


def _merged_segment(ix, corpus: Path, max_bytes: int, merged: list[Entry]):
    """The segment of the merged offers and its vocabulary."""
    shard = _Shard(ix, corpus, max_bytes)
    try:
        for entry in merged:
            shard.writer.add_document(**offer_to_document(entry.offer, entry.doc_id, entry.digest))
            shard.spellings.add(entry.offer, entry.doc_id)
        return shard.finish([])
    except BaseException:
        shard.cancel()
        raise


def _run_workers(ix, corpus, paths, chunks, workers, max_bytes, record, settle):
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    pipes = [context.Pipe() for _ in range(workers)]
    parent_ends = [parent for parent, _ in pipes]
    processes = []
    # Fork shares this process's pages with the workers until either side writes to them; a
    # worker's cyclic collections write to the header of every object they walk, which would
    # copy this process's whole heap (the paths...) into each worker. Frozen, the objects
    # are left out of collections until the workers are done.
    gc.freeze()
    try:
        for k, (_, child) in enumerate(pipes):
            process = context.Process(
                target=_shard_process, daemon=True,
                args=(ix, corpus, paths, chunks[k::workers], max_bytes, child, parent_ends,
                      os.getpid()))
            process.start()
            processes.append(process)
        for _, child in pipes:
            child.close()

        def receive(conn):
            try:
                kind, payload = conn.recv()
            except EOFError:
                raise OffresError("un processus d'indexation s'est arrêté brutalement") from None
            if kind == "error":
                raise payload
            return kind, payload

        parsing = {conn: k for k, conn in enumerate(parent_ends)}
        while parsing:
            for conn in wait(list(parsing)):
                kind, payload = receive(conn)
                if kind == "files":
                    record(parsing[conn], payload)
                else:
                    del parsing[conn]
        entries, winners, duplicates, losers = settle()
        for conn, shard_losers in zip(parent_ends, losers):
            conn.send(shard_losers)
        finished = []
        for conn in parent_ends:
            kind, payload = receive(conn)
            finished.append(payload)
        for process in processes:
            process.join()
        return entries, winners, duplicates, finished
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
        for conn in parent_ends:
            conn.close()
        gc.unfreeze()
