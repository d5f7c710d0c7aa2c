"""Incremental builds: re-read only the files added or changed since the live build, and
commit the difference to it in one all-or-nothing commit."""

from __future__ import annotations

import contextlib
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable, Mapping, NamedTuple

from whoosh.query import Or, Term

from indexer.building.corpus import (ReadOffer, Skipped, file_digest, read_offer, scan_corpus,
                                     unreadable)
from indexer.building.dedup import Entry, deduplicate, merge_groups
from indexer.building.report import BuildReport, Progress
from indexer.building.vocabulary import update_vocabulary
from indexer.building.workers import PARALLEL_MIN_FILES
from indexer.schema import offer_to_document, stored_offer
from indexer.store import (MANIFEST_VERSION, VOCABULARY, ManifestUpdate, folder_digest, fsync_tree,
                           open_unmapped, read_vocabulary, stage_json)
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


def _read_all(paths: list[str], max_bytes: int, progress: Progress | None):
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


class Scan(NamedTuple):
    """What changed in the corpus since the live build, as `scan` found it."""

    read: list[Entry]  # files added or whose content changed, parsed
    replaced: dict[str, tuple]  # source -> its manifest row (digest, id, rank, size, mtime), for
    #                             the files whose content changed or that are gone
    gone: set[str]  # sources the manifest lists that are no longer usable files
    restat: dict[str, list]  # same content, new size or mtime: the manifest row to write
    folders: set[str]  # the folders whose files differ from the manifest's


def scan(corpus: Path, manifest: ManifestUpdate, report: BuildReport, max_bytes: int,
         progress: Progress | None = None) -> Scan:
    """Compare the corpus with the manifest: one stat per file; the files of a folder whose
    digest of names, sizes and mtimes differs from the manifest's are compared one by one,
    and only those whose size or mtime changed are read (their digest), parsed when it
    differs."""
    listing: dict[str, list[tuple[str, int, int]]] = {}
    for item in scan_corpus(corpus):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            listing.setdefault(item[0], []).extend(item[1])
    # A folder whose files have the same names, sizes and times as at the last build holds
    # nothing to compare; the others are compared file by file.
    digests = manifest.folders()
    folders = [f for f, files in listing.items() if digests.pop(f, None) != folder_digest(files)]
    known = manifest.stats([*folders, *digests])  # what is left in digests: folders gone
    touched: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for name, size, mtime in listing[folder]:
            source = folder + name
            if known.pop(source, None) != (size, mtime):
                touched[source] = (size, mtime)
    gone = set(known)  # what is left was not seen: removed, renamed or refused now
    old = manifest.files([*touched, *gone])
    restat: dict[str, list] = {}
    to_read: list[str] = []
    for source, stat in touched.items():
        if source in old:
            try:
                same = file_digest(source) == old[source][0]
            except OSError as exc:
                report.skipped.append(unreadable(source, exc))
                gone.add(source)
                continue
            if same:  # touched, not changed: nothing to parse or index
                digest, doc_id, rank, _, _ = old[source]
                restat[source] = [digest, doc_id, list(rank), *stat]
                continue
        to_read.append(source)
    read: list[Entry] = []
    for path, result in _read_all(to_read, max_bytes, progress):
        if isinstance(result, Skipped):
            report.skipped.append(result)
            gone.add(path)
            continue
        report.warnings.extend(f"{path}: {w}" for w in result.offer.warnings)
        read.append(Entry.of(result, corpus))
    replaced = {source: row for source, row in old.items() if source not in restat}
    return Scan(read, replaced, gone, restat, {*folders, *digests})


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


def update(corpus: Path, live: Path, previous: Mapping, report: BuildReport, max_bytes: int,
           progress: Progress | None) -> None:
    """Re-read only the files added or changed since the live build (whose manifest is
    ``previous``, checked by `read_manifest`) and commit the difference to it."""
    manifest = ManifestUpdate(live)
    try:
        _update(corpus, live, manifest, report, max_bytes, progress)
    finally:
        manifest.close()


def _update(corpus: Path, live: Path, manifest: ManifestUpdate, report: BuildReport,
            max_bytes: int, progress: Progress | None) -> None:
    found = scan(corpus, manifest, report, max_bytes, progress)
    # Deduplication is per id: only the ids a changed file stated or states can come out
    # otherwise than in the live build, so only their files are deduplicated and merged.
    touched = {row[1] for row in found.replaced.values()} | {e.doc_id for e in found.read}
    before = [Entry(source, digest, doc_id, rank, None, (size, mtime))
              for source, digest, doc_id, rank, size, mtime in manifest.files_of(touched)]
    entries = [e for e in before if e.source not in found.replaced] + found.read
    indexed_from = {i: e.source for i, e in deduplicate(before)[0].items()}  # the live build's
    winners, _ = deduplicate(entries)
    indexed = manifest.digests("docs", touched)  # what the live build holds: id -> digest
    groups = manifest.digests("groups", touched)
    merged = merge_groups(entries, winners, max_bytes, groups)
    report.warnings.extend(merged.warnings)
    winners.update(merged.winners)
    # An id is written again when its winning file changed, or was renamed (the stored offer
    # names it), or any of its files did.
    changed = {i: e for i, e in winners.items() if indexed.get(i) != e.digest
               or indexed_from.get(i) != e.source or i in merged.winners}
    removed = set(indexed) - set(winners)
    for doc_id, entry in list(changed.items()):
        if entry.offer is None:  # an unchanged file that now wins (its rival was removed)
            read = read_offer(entry.source, max_bytes)
            if isinstance(read, ReadOffer):
                changed[doc_id] = Entry.of(read, corpus)
            else:
                report.skipped.append(read)
                del changed[doc_id]
    rows = {e.source: [e.digest, e.doc_id, list(e.rank), *e.stat] for e in found.read}
    manifest.write({
        "files": (sorted(found.gone), {**found.restat, **rows}),
        "docs": (sorted(removed), {i: e.digest for i, e in winners.items() if indexed.get(i) != e.digest}),
        "groups": ([i for i in groups if i not in merged.groups],
                   {i: d for i, d in merged.groups.items() if groups.get(i) != d}),
    })
    manifest.refresh_folders(found.folders)
    report.added = sum(1 for i in changed if i not in indexed)
    report.updated = len(changed) - report.added
    report.removed = len(removed)
    report.indexed = manifest.indexed()
    report.unchanged = report.indexed - len(changed)
    report.duplicates = deduplicate(Entry(source, "", doc_id, rank)
                                    for source, doc_id, rank in manifest.duplicated())[1]
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
    stagers = {}
    if vocab is not None:
        stagers[VOCABULARY] = lambda: stage_json(live / VOCABULARY, dict(sorted(vocab.items())))
    _commit(live, ix, changed, removed, stagers, manifest)


def _commit(live: Path, ix, additions: dict[str, Entry], deletions: set[str],
            side_files: dict[str, Callable[[], Path]], manifest: ManifestUpdate) -> None:
    """Commit to the live build with its manifest and side files, or leave it exactly as it was.

    The manifest's rows are already written in its open transaction, committed right after
    the index. The side files (name -> a function that writes the new version beside it
    and returns its path) are written first as .tmp files and renamed over only once the
    index commit succeeded, so a full disk fails before anything is visible; on any failure
    every file the attempt wrote (new segment files, a table of contents not yet renamed,
    .tmp files) is removed, or the disk would stay full and every later build fail too.
    """
    before = set(os.listdir(live))
    generation = ix.latest_generation() if ix is not None else None
    try:
        staged = {name: stage() for name, stage in side_files.items()}
        if ix is not None:
            _apply(ix, additions, deletions)
        manifest.commit(live)
        for name, tmp in staged.items():
            os.replace(tmp, live / name)
        fsync_tree(live)
    except BaseException:
        committed = ix is not None and ix.latest_generation() != generation
        for name in set(os.listdir(live)) - before:
            # After the index commit its new segment is live: only the .tmp files go. SQLite's
            # journal is SQLite's: removing a hot one would corrupt the manifest.
            if name.endswith("-journal") or (committed and not name.endswith(".tmp")):
                continue
            path = live / name
            with contextlib.suppress(OSError):
                if path.is_dir() and not path.is_symlink():  # Whoosh's MAIN.tmp
                    shutil.rmtree(path)
                else:
                    path.unlink()
        raise
