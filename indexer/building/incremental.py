"""Incremental builds: re-read only the files added or changed since the live build, and
commit the difference to it in one all-or-nothing commit."""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable

from whoosh.query import Or, Term

from indexer.building.corpus import ReadOffer, Skipped, file_digest, iter_corpus, read_offer
from indexer.building.dedup import Entry, deduplicate
from indexer.building.report import BuildReport, Progress
from indexer.building.vocabulary import update_vocabulary
from indexer.building.workers import PARALLEL_MIN_FILES
from indexer.schema import offer_to_document, stored_offer
from indexer.store import (MANIFEST_VERSION, VOCABULARY, fsync_tree, open_unmapped,
                           read_vocabulary, update_manifest, write_json)
from indexer.whoosh_internals.codec import offres_codec


def manifest(winners: dict[str, Entry], entries: list[Entry]) -> dict:
    """What the next incremental build needs: each file's digest, id, rank, size and mtime,
    and what the index holds (id -> digest). Offers themselves are in the index, not here."""
    return {
        "version": MANIFEST_VERSION,
        "files": {e.source: [e.digest, e.doc_id, list(e.rank), *e.stat] for e in entries},
        "docs": {doc_id: entry.digest for doc_id, entry in sorted(winners.items())},
    }


def _read_all(paths: list[Path], max_bytes: int, progress: Progress | None):
    """Read and parse files, on every core when there are enough of them to pay for the
    processes."""
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        results = (read_offer(path, max_bytes) for path in paths)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(read_offer, paths, [max_bytes] * len(paths), chunksize=64)
    try:
        for number, result in enumerate(results, 1):
            if progress:
                progress(number, len(paths), str(paths[number - 1]))
            yield paths[number - 1], result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def read_corpus(corpus: Path, report: BuildReport, max_bytes: int,
                known: dict[str, list], progress: Progress | None = None) -> list[Entry]:
    """Every usable file; ``known`` (source -> [digest, id, rank, size, mtime], from the live
    build's manifest) spares parsing, or even reading, the files that have not changed."""
    entries: list[Entry] = []
    to_read: list[Path] = []
    for path in iter_corpus(corpus):
        if isinstance(path, Skipped):
            report.skipped.append(path)
            continue
        source = str(path)
        cached = known.get(source)
        if cached:
            try:
                stat = os.stat(source)
                # Same size and modification time as at the last build: same content, unread.
                if cached[3:5] == [stat.st_size, stat.st_mtime_ns]:
                    digest = cached[0]
                else:
                    digest = file_digest(path)
            except OSError as exc:
                report.skipped.append(Skipped(source, f"fichier illisible ({exc.strerror or exc})"))
                continue
            if cached[0] == digest:
                entries.append(Entry(source, digest, cached[1], tuple(cached[2]), None,
                                     (stat.st_size, stat.st_mtime_ns)))
                continue
        to_read.append(path)
    for path, result in _read_all(to_read, max_bytes, progress):
        if isinstance(result, Skipped):
            report.skipped.append(result)
            continue
        report.warnings.extend(f"{path}: {w}" for w in result.offer.warnings)
        entries.append(Entry.of(result, corpus))
    return entries


def _apply(ix, additions: dict[str, Entry], deletions: Iterable[str] = ()) -> None:
    """One all-or-nothing commit of an incremental build; a failed writer is cancelled so its
    lock is released."""
    writer = ix.writer(codec=offres_codec())
    try:
        # Old versions go in one query: update_document would open a reader per document.
        replaced = [Term("id", doc_id) for doc_id in [*deletions, *additions]]
        if replaced:
            writer.delete_by_query(Or(replaced))
        for doc_id, item in additions.items():
            writer.add_document(**offer_to_document(item.offer, doc_id, item.digest))
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


def update(corpus: Path, live: Path, previous: dict, report: BuildReport, max_bytes: int,
           progress: Progress | None) -> None:
    """Re-read only added or changed files (by content hash) and commit the difference to
    the live build, whose manifest is ``previous``."""
    entries = read_corpus(corpus, report, max_bytes, known=previous["files"], progress=progress)
    winners, report.duplicates = deduplicate(entries)
    indexed: dict[str, str] = previous["docs"]  # what the live build holds: id -> digest
    changed = {i: e for i, e in winners.items() if indexed.get(i) != e.digest}
    removed = set(indexed) - set(winners)
    for doc_id, entry in list(changed.items()):
        if entry.offer is None:  # an unchanged file that now wins (its rival was removed)
            read = read_offer(entry.source, max_bytes)
            if isinstance(read, ReadOffer):
                changed[doc_id] = Entry.of(read, corpus)
            else:
                report.skipped.append(read)
                del changed[doc_id]
    report.added = sum(1 for i in changed if i not in indexed)
    report.updated = len(changed) - report.added
    report.removed = len(removed)
    report.unchanged = len(winners) - len(changed)
    report.indexed = len(winners)
    report.build_dir = str(live)
    if changed or removed:
        ix = open_unmapped(live)
        with ix.searcher() as searcher:
            gone = [stored_offer(searcher.document(id=doc_id))
                    for doc_id in (removed | (set(changed) & set(indexed)))
                    if searcher.document_number(id=doc_id) is not None]
        _apply(ix, changed, removed)
        vocab = read_vocabulary(live)
        update_vocabulary(vocab, gone, (e.offer for e in changed.values()))
        write_json(live / VOCABULARY, dict(sorted(vocab.items())))
    update_manifest(live, previous, manifest(winners, entries))
    fsync_tree(live)
