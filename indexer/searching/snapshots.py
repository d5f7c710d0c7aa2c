"""Snapshots: one searcher per thread on the live build, reopened when a build is switched
in or the index changed.

Every public call of `indexer.searching.index.Index` takes one snapshot and reads only
through it, so two reads of one call never straddle a switch. Searchers are never
`refresh()`ed (in every Whoosh fork after 2.7.4 that returns superseded segments); a stale
one is closed and a fresh one opened.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from indexer.errors import IndexNotFoundError
from indexer.searching.columns import Columns, SharedColumns
from indexer.store import live_build
from indexer.whoosh_internals.buffers import open_shared


class Snapshot:
    """One searcher plus what is derived from it; owned by a single thread.

    The schema is the searcher's own copy, read with the table of contents when the
    searcher opened: a commit may delete that file at any time afterwards.
    """

    def __init__(self, build: Path, shared: SharedColumns) -> None:
        self.build = build
        self.searcher = open_shared(build).searcher()
        self.schema = self.searcher.schema
        self.generation = (build, self.searcher.reader().generation())
        self._shared = shared
        self._columns: Columns | None = None

    def close(self) -> None:
        self.searcher.close()

    def columns(self) -> Columns:
        if self._columns is None:
            self._columns = self._shared.get(self.build, self.searcher.reader())
        return self._columns


class Snapshots:
    """The snapshots of one index folder, one per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[Snapshot] = set()
        self._columns = SharedColumns()

    def _current_build(self) -> Path:
        """Where ``current`` points, without opening anything (this runs on every search)."""
        current = self.path / "current"
        return Path(os.path.realpath(current)) if current.is_symlink() else self.path

    def current(self) -> Snapshot:
        """This thread's snapshot of the live build, opened or reopened as needed."""
        snap: Snapshot | None = getattr(self._local, "snapshot", None)
        if snap is not None and (snap.build != self._current_build()
                                 or not snap.searcher.up_to_date()):
            self._forget(snap)
            snap = None
        if snap is None:
            snap = self._open_snapshot()
            self._local.snapshot = snap
            with self._lock:
                self._open.add(snap)
        return snap

    def _open_snapshot(self, attempts: int = 10) -> Snapshot:
        """A searcher on the live build. A commit or a switch can delete the files being
        opened (Whoosh's open_dir does not retry); try again briefly, as its reader does."""
        failures = 0
        while True:
            build = live_build(self.path)
            if build is None:
                raise IndexNotFoundError(f"aucun index dans {self.path}")
            try:
                return Snapshot(build, self._columns)
            except FileNotFoundError:
                failures += 1
                if failures == attempts:
                    raise
                time.sleep(0.05)

    def _forget(self, snap: Snapshot) -> None:
        snap.close()
        with self._lock:
            self._open.discard(snap)
        self._local.snapshot = None

    def close(self) -> None:
        with self._lock:
            for snap in list(self._open):
                snap.close()
            self._open.clear()
