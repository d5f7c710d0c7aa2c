"""Building the index: corpus files -> offers -> a verified Whoosh index, switched in atomically."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import Term

from indexer.building.corpus import Skipped, iter_corpus, os_reason, printable
from indexer.building.dedup import Entry
from indexer.building.incremental import manifest, update
from indexer.building.report import BuildReport, Progress
from indexer.building.workers import write_shards
from indexer.errors import BuildFailedError, OffresError
from indexer.parsing import DEFAULT_MAX_BYTES
from indexer.schema import make_schema, stored_offer
from indexer.store import (VOCABULARY, fsync_tree, indexer_lock, live_build, new_build_folder,
                           open_unmapped, read_manifest, switch_in, write_json, write_manifest)


def build_index(corpus: str | os.PathLike, index_dir: str | os.PathLike = "index", *,
                incremental: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: Progress | None = None) -> BuildReport:
    """Build (or update) the index of ``corpus`` in ``index_dir`` and switch it in.

    A full build goes into a new folder beside the live one, is verified and flushed to
    disk, then replaces it atomically; the previous build is kept for rollback. On any
    failure the live index is untouched.
    """
    started = time.perf_counter()
    corpus_path = Path(corpus)
    root = Path(index_dir)
    report = BuildReport()
    try:
        with indexer_lock(root):
            live = live_build(root)
            previous = read_manifest(live) if incremental and live is not None else None
            if previous is not None:
                update(corpus_path, live, previous, report, max_bytes, progress)
            else:
                _full_build(corpus_path, root, report, max_bytes, progress)
    except OSError as exc:  # a full disk, a folder that cannot be written...
        where = f" ({printable(exc.filename)})" if isinstance(exc.filename, str) else ""
        hint = " : libérez de la place puis relancez" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
        raise BuildFailedError(f"construction abandonnée, {os_reason(exc)}{where}{hint} ; "
                               "l’index en service n’a pas changé") from exc
    report.seconds = time.perf_counter() - started
    return report


def _full_build(corpus: Path, root: Path, report: BuildReport, max_bytes: int,
                progress: Progress | None) -> None:
    paths: list[Path] = []
    for path in iter_corpus(corpus):
        if isinstance(path, Skipped):
            report.skipped.append(path)
        else:
            paths.append(path)
    build = new_build_folder(root)
    try:
        ix = whoosh_index.create_in(str(build), make_schema())
        entries, winners, report.duplicates, vocabulary, groups = write_shards(
            ix, corpus, paths, report, max_bytes, progress)
        if not winners:  # an empty index switched in would serve nothing at all
            raise BuildFailedError(f"aucune offre exploitable dans {corpus} ({len(report.skipped)} "
                                   "fichier(s) ignoré(s)) ; l’index en service n’a pas changé")
        write_manifest(build, manifest(winners, entries, groups))
        write_json(build / VOCABULARY, vocabulary)
        _verify(build, winners)
        fsync_tree(build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    switch_in(root, build)
    report.indexed = len(winners)
    report.added = len(winners)
    report.build_dir = str(build)


def _verify(build: Path, expected: dict[str, Entry]) -> None:
    """Open the new build, count, read every stored offer, run canned queries."""
    ix = open_unmapped(build)
    with ix.searcher() as searcher:
        if searcher.doc_count() != len(expected):
            raise OffresError(
                f"vérification échouée : {searcher.doc_count()} offres au lieu de {len(expected)}"
            )
        ids = set()
        for stored in searcher.all_stored_fields():
            stored_offer(stored)
            ids.add(stored["id"])
        if ids != set(expected):
            raise OffresError("vérification échouée : identifiants différents du corpus")
        for doc_id in list(expected)[:3]:
            if len(searcher.search(Term("id", doc_id), limit=1)) != 1:
                raise OffresError(f"vérification échouée : {doc_id} introuvable")
