"""Incremental builds: re-read only the files added or changed since the live build, and
commit the difference to it in one all-or-nothing commit."""

from __future__ import annotations

import contextlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from whoosh.query import Or, Term

from indexer.building.corpus import (ReadOffer, Skipped, file_digest, iter_corpus, read_offer,
                                     unreadable)
from indexer.building.dedup import Entry, deduplicate, merge_groups
from indexer.building.report import BuildReport, Progress
from indexer.building.vocabulary import update_vocabulary
from indexer.building.workers import PARALLEL_MIN_FILES
from indexer.schema import offer_to_document, stored_offer
from indexer.store import (MANIFEST, MANIFEST_VERSION, VOCABULARY, fsync_tree, open_unmapped,
                           read_vocabulary, stage_json, stage_manifest)
from indexer.whoosh_internals.codec import offres_codec


def manifest(winners: dict[str, Entry], entries: list[Entry], groups: dict[str, str]) -> dict:
    """What the next incremental build needs: each file's digest, id, rank, size and mtime,
    what the index holds (id -> digest of the winning file) and the digest of the files of
    each id several files state. Offers themselves are in the index, not here."""
    return {
        "version": MANIFEST_VERSION,
        "files": {e.source: [e.digest, e.doc_id, list(e.rank), *e.stat] for e in entries},
        "docs": {doc_id: entry.digest for doc_id, entry in sorted(winners.items())},
        "groups": dict(sorted(groups.items())),
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
                report.skipped.append(unreadable(source, exc))
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
    merged = merge_groups(entries, winners, max_bytes, previous.get("groups", {}))
    report.warnings.extend(merged.warnings)
    winners.update(merged.winners)
    # An id is written again when its winning file changed or any of its files did.
    changed = {i: e for i, e in winners.items() if indexed.get(i) != e.digest or i in merged.winners}
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
    ix = vocab = None
    if changed or removed:
        ix = open_unmapped(live)
        with ix.searcher() as searcher:
            gone = [stored_offer(searcher.document(id=doc_id))
                    for doc_id in (removed | (set(changed) & set(indexed)))
                    if searcher.document_number(id=doc_id) is not None]
        vocab = read_vocabulary(live)
        update_vocabulary(vocab, gone, (e.offer for e in changed.values()))
    new_manifest = manifest(winners, entries, merged.groups)
    stagers = {MANIFEST: lambda: stage_manifest(live, previous, new_manifest)}
    if vocab is not None:
        stagers[VOCABULARY] = lambda: stage_json(live / VOCABULARY, dict(sorted(vocab.items())))
    _commit(live, ix, changed, removed, stagers)


def _commit(live: Path, ix, additions: dict[str, Entry], deletions: set[str],
            side_files: dict[str, Callable[[], Path]]) -> None:
    """Commit to the live build with its side files, or leave it exactly as it was.

    The side files (name -> a function that writes the new version beside it and returns
    its path) are written first as .tmp files and renamed over only once the index
    commit succeeded, so a full disk fails before anything is visible; on any failure every
    file the attempt wrote (new segment files, a table of contents not yet renamed, .tmp
    files) is removed, or the disk would stay full and every later build fail too.
    """
    before = set(os.listdir(live))
    generation = ix.latest_generation() if ix is not None else None
    try:
        staged = {name: stage() for name, stage in side_files.items()}
        if ix is not None:
            _apply(ix, additions, deletions)
        for name, tmp in staged.items():
            os.replace(tmp, live / name)
        fsync_tree(live)
    except BaseException:
        committed = ix is not None and ix.latest_generation() != generation
        for name in set(os.listdir(live)) - before:
            # After the index commit its new segment is live: only the .tmp files go.
            if not committed or name.endswith(".tmp"):
                path = live / name
                with contextlib.suppress(OSError):
                    if path.is_dir() and not path.is_symlink():  # Whoosh's MAIN.tmp
                        shutil.rmtree(path)
                    else:
                        path.unlink()
        raise
