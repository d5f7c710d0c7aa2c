"""The index folder both sides share: which build serves, the indexer's lock, durable
switches and rollback, and the build's side files (manifest, vocabulary).

Layout of an index folder::

    index/
      current  -> builds/<name>      the build that serves
      previous -> builds/<name>      kept for `offres rollback`
      builds/<name>/                 Whoosh files + manifest.sqlite + vocabulary.json
      .indexer.lock                  held by the one indexer allowed at a time
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import time
from array import array
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer.errors import IndexLockedError, IndexNotFoundError

MANIFEST = "manifest.sqlite"
MANIFEST_VERSION = 8  # an incremental build over an older manifest falls back to a full one
VOCABULARY = "vocabulary.json"


def live_build(index_dir: str | os.PathLike) -> Path | None:
    """The folder of the build that serves, or None when nothing was built."""
    root = Path(index_dir)
    current = root / "current"
    if current.is_symlink() or current.is_dir():
        target = current.resolve()
        if whoosh_index.exists_in(str(target)):
            return target
        return None
    if whoosh_index.exists_in(str(root)):  # a bare Whoosh folder, e.g. built by hand
        return root
    return None


@contextlib.contextmanager
def indexer_lock(index_dir: Path) -> Iterator[None]:
    """One indexer at a time; a second one fails at once with `IndexLockedError`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".indexer.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(
                f"indexation déjà en cours sur {index_dir} (un autre « offres build » tourne)"
            ) from None
        yield
    finally:
        handle.close()  # closing releases the flock


def fsync_tree(folder: Path) -> None:
    """Whoosh never fsyncs; a build must be on disk before it is switched in."""
    for path in folder.iterdir():
        if path.is_file():
            fsync_dir(path)  # a file is opened and synced the same way
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def point(index_dir: Path, name: str, target: Path) -> None:
    """Atomically make ``index_dir/name`` a symlink to ``target`` (rename(2), never unlink+link)."""
    tmp = index_dir / f".{name}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(target, index_dir), tmp)
    os.replace(tmp, index_dir / name)


def switch_in(index_dir: Path, new_build: Path) -> None:
    old = live_build(index_dir)
    if old is not None and old != index_dir.resolve():
        point(index_dir, "previous", old)
    point(index_dir, "current", new_build)
    fsync_dir(index_dir)
    prune_builds(index_dir)


def prune_builds(index_dir: Path) -> None:
    keep = {p.resolve() for p in (index_dir / "current", index_dir / "previous") if p.exists()}
    builds = index_dir / "builds"
    for folder in sorted(builds.iterdir()) if builds.is_dir() else ():
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def rollback(index_dir: str | os.PathLike) -> Path:
    """Serve the previous build again (and keep the current one as 'previous')."""
    root = Path(index_dir)
    if not root.is_dir():  # the lock would create the folder
        raise IndexNotFoundError(f"aucun index dans {root}")
    with indexer_lock(root):
        previous = root / "previous"
        if not previous.exists() or not whoosh_index.exists_in(str(previous.resolve())):
            raise IndexNotFoundError(f"aucune construction précédente dans {root}")
        old_current = live_build(root)
        target = previous.resolve()
        point(root, "current", target)
        if old_current is not None:
            point(root, "previous", old_current)
        fsync_dir(root)
        return target


def write_json(path: Path, data) -> None:
    """Write ``data`` as JSON beside ``path`` and rename it over: readers see old or new."""
    os.replace(stage_json(path, data), path)


def stage_json(path: Path, data) -> Path:
    """``data`` written as JSON to ``path``.tmp, for a rename that makes it ``path``; on a
    failed write (a full disk) the partial .tmp file is removed."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def new_build_folder(index_dir: Path) -> Path:
    """A new, empty folder under ``builds/`` for a full build."""
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    build.mkdir()
    return build


# The manifest is an SQLite file an update queries for what it compares and writes in place,
# row by row (`ManifestUpdate`). As `read_manifest` gives it: {"files": {source: [digest, id,
# rank (list), size, mtime_ns]}, "docs": {id: digest}, "groups": {id: digest of the files of an
# id several files state}}; besides, each folder's `folder_digest`, and meta.generation, the
# Whoosh generation it describes: a manifest whose commit failed after the index's (a full
# disk, a crash between the two) is refused, and the next incremental build is a full one.
_MANIFEST_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (source TEXT PRIMARY KEY, digest TEXT NOT NULL, doc_id TEXT NOT NULL,
                    rank TEXT NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX files_by_doc ON files (doc_id);
CREATE TABLE docs (doc_id TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE groups (doc_id TEXT PRIMARY KEY, digest TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE folders (folder TEXT PRIMARY KEY, digest BLOB NOT NULL) WITHOUT ROWID;
"""
_TABLES = ("files", "docs", "groups")


def _file_rows(files: dict[str, list]) -> list[tuple]:
    return [(source, digest, doc_id, ",".join(map(str, rank)), size, mtime)
            for source, (digest, doc_id, rank, size, mtime) in files.items()]


def _rank(text: str) -> list[int]:
    # integers, comma-separated (a tenth of json.loads' time per row)
    return [int(n) for n in text.split(",") if n]


def folder_digest(files: list[tuple[str, int, int]]) -> bytes:
    """The digest of one folder's files, (name, size, mtime in ns) each, in any order."""
    names, sizes, mtimes = zip(*sorted(files)) if files else ((), (), ())
    digest = hashlib.sha1("\0".join(names).encode("utf-8", "surrogateescape"))
    digest.update(array("q", sizes).tobytes())  # a tenth of repr()'s time
    digest.update(array("q", mtimes).tobytes())
    return digest.digest()


def _folder_rows(files: Iterable[tuple[str, int, int]]) -> dict[str, bytes]:
    """folder ("corpus/a/", "" for "x.txt") -> digest, from (source, size, mtime) rows."""
    listing: dict[str, list] = {}
    for source, size, mtime in files:
        folder = source[:source.rfind("/") + 1]
        listing.setdefault(folder, []).append((source[len(folder):], size, mtime))
    return {folder: folder_digest(names) for folder, names in listing.items()}


def _generation(build: Path) -> int:
    """The Whoosh generation of the index in ``build`` (-1 when there is none)."""
    return open_unmapped(build).latest_generation() if whoosh_index.exists_in(str(build)) else -1


@contextlib.contextmanager
def _disk_errors(path: Path) -> Iterator[None]:
    """SQLite's full disk or I/O error as the OSError the build reports in French."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        code = {sqlite3.SQLITE_FULL: errno.ENOSPC, sqlite3.SQLITE_IOERR: errno.EIO}.get(
            getattr(exc, "sqlite_errorcode", 0) & 0xFF)  # the primary code of an extended one
        if code is None:
            raise
        raise OSError(code, str(exc), str(path)) from exc


def write_manifest(build: Path, manifest: dict) -> None:
    """Write a whole manifest (a full build, once its index is committed) beside
    ``build / MANIFEST``, then rename it over."""
    tmp = build / (MANIFEST + ".tmp")
    tmp.unlink(missing_ok=True)
    with _disk_errors(tmp), contextlib.closing(sqlite3.connect(tmp)) as db, db:  # db: one transaction
        db.executescript(_MANIFEST_SCHEMA)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("version", str(MANIFEST_VERSION)), ("generation", str(_generation(build)))])
        db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)",
                       sorted(_file_rows(manifest["files"])))
        db.executemany("INSERT INTO docs VALUES (?, ?)", sorted(manifest["docs"].items()))
        db.executemany("INSERT INTO groups VALUES (?, ?)", sorted(manifest["groups"].items()))
        db.executemany("INSERT INTO folders VALUES (?, ?)", sorted(_folder_rows(
            (source, size, mtime) for source, (*_, size, mtime) in manifest["files"].items()).items()))
    os.replace(tmp, build / MANIFEST)


def _valid(db: sqlite3.Connection, build: Path) -> bool:
    meta = dict(db.execute("SELECT key, value FROM meta"))
    return (meta.get("version") == str(MANIFEST_VERSION)
            and meta.get("generation") == str(_generation(build)))


class StoredManifest(Mapping):
    """A build's manifest as `read_manifest` gives it, each table read when first asked for
    (an incremental update asks `ManifestUpdate` for what it needs instead)."""

    def __init__(self, build: Path) -> None:
        self.build = build
        self._tables: dict[str, dict] = {}

    def __getitem__(self, key: str):
        if key == "version":
            return MANIFEST_VERSION
        if key not in _TABLES:
            raise KeyError(key)
        if key not in self._tables:
            with contextlib.closing(sqlite3.connect(f"file:{self.build / MANIFEST}?mode=ro", uri=True)) as db:
                self._tables[key] = {row[0]: [row[1], row[2], _rank(row[3]), row[4], row[5]]
                                     for row in db.execute("SELECT * FROM files")} if key == "files" \
                    else dict(db.execute(f"SELECT doc_id, digest FROM {key}"))
        return self._tables[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("version", *_TABLES))

    def __len__(self) -> int:
        return 1 + len(_TABLES)


def read_manifest(build: Path) -> StoredManifest | None:
    """The build's manifest, or None when it is missing, unreadable, of another version or
    of another generation of the index than the one in ``build``."""
    path = build / MANIFEST
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if not _valid(db, build):
                return None
    except (sqlite3.Error, ValueError):
        return None
    return StoredManifest(build)


class ManifestUpdate:
    """The live manifest in one transaction: what an incremental build compares, read by
    query, and the rows that changed, written in place but seen only after `commit`.

    The transaction is opened before the index commit and committed after it: a failure
    before (a full disk while SQLite journals) rolls it back and leaves the file byte for
    byte as it was; a failure between the two commits leaves the generations apart, which
    `read_manifest` refuses.
    """

    def __init__(self, build: Path) -> None:
        self.path = build / MANIFEST
        self.db = sqlite3.connect(self.path, isolation_level=None)
        with _disk_errors(self.path):
            self.db.execute("PRAGMA temp_store = MEMORY")
            self.db.execute("BEGIN IMMEDIATE")

    def folders(self) -> dict[str, bytes]:
        """folder -> `folder_digest` of its files, for every folder that holds some."""
        return dict(self.db.execute("SELECT folder, digest FROM folders"))

    def stats(self, folders: Iterable[str]) -> dict[str, tuple[int, int]]:
        """source -> (size, mtime in ns) of every file the manifest knows in ``folders``
        (their own files, not their subfolders')."""
        stats: dict[str, tuple[int, int]] = {}
        for folder in folders:
            if folder:  # the sources under "a/" sort from "a/" to "a0" (UTF-8 order)
                rows = self.db.execute("SELECT source, size, mtime FROM files WHERE source >= ? "
                                       "AND source < ?", (folder, folder[:-1] + "0"))
            else:
                rows = self.db.execute("SELECT source, size, mtime FROM files")
            stats.update((source, (size, mtime)) for source, size, mtime in rows
                         if "/" not in source[len(folder):])
        return stats

    def _where_in(self, select: str, column: str, keys: Iterable[str]) -> sqlite3.Cursor:
        return self.db.execute(f"{select} WHERE {column} IN (SELECT value FROM json_each(?))",
                               (json.dumps(list(keys)),))

    def files(self, sources: Iterable[str]) -> dict[str, tuple[str, str, tuple, int, int]]:
        """source -> (digest, id, rank, size, mtime) of those of ``sources`` it knows."""
        rows = self._where_in("SELECT * FROM files", "source", sources)
        return {row[0]: (row[1], row[2], tuple(_rank(row[3])), row[4], row[5]) for row in rows}

    def files_of(self, ids: Iterable[str]) -> list[tuple[str, str, str, tuple, int, int]]:
        """(source, digest, id, rank, size, mtime) of every file stating one of ``ids``."""
        rows = self._where_in("SELECT * FROM files", "doc_id", ids)
        return [(s, d, i, tuple(_rank(r)), z, m) for s, d, i, r, z, m in rows]

    def duplicated(self) -> list[tuple[str, str, tuple]]:
        """(source, id, rank) of every file of an id several files state."""
        rows = self.db.execute("SELECT source, doc_id, rank FROM files WHERE doc_id IN "
                               "(SELECT doc_id FROM files GROUP BY doc_id HAVING count(*) > 1)")
        return [(source, doc_id, tuple(_rank(rank))) for source, doc_id, rank in rows]

    def digests(self, table: str, ids: Iterable[str]) -> dict[str, str]:
        """id -> digest in ``table`` ("docs" or "groups") for those of ``ids`` it holds."""
        assert table in ("docs", "groups")
        return dict(self._where_in(f"SELECT doc_id, digest FROM {table}", "doc_id", ids))

    def indexed(self) -> int:
        """How many offers the index holds."""
        return self.db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def write(self, changes: Mapping[str, tuple[Iterable[str], Mapping]]) -> None:
        """Apply table -> (keys gone, rows new or changed); a file's row is [digest, id, rank,
        size, mtime], a doc's, a group's or a folder's the digest."""
        with _disk_errors(self.path):
            for table, (gone, rows) in changes.items():
                key = {"files": "source", "folders": "folder"}.get(table, "doc_id")
                self.db.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(k,) for k in gone])
                if table == "files":
                    self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                                        _file_rows(rows))
                else:
                    self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows.items())

    def refresh_folders(self, folders: Iterable[str]) -> None:
        """Write again the digest of ``folders`` from their files' rows (gone when none)."""
        folders = set(folders)
        stats = self.stats(folders)
        digests = _folder_rows((source, size, mtime) for source, (size, mtime) in stats.items())
        self.write({"folders": ([f for f in folders if f not in digests], digests)})

    def commit(self, build: Path) -> None:
        """Make the changes the manifest of ``build``'s index as it now is."""
        with _disk_errors(self.path):
            self.db.execute("UPDATE meta SET value = ?1 WHERE key = 'generation' AND value != ?1",
                            (str(_generation(build)),))  # nothing changed: nothing written
            self.db.execute("COMMIT")

    def close(self) -> None:
        """Roll back whatever was not committed (SQLite removes its journal) and close."""
        with contextlib.closing(self.db):
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")


def read_vocabulary(build: Path) -> dict[str, list]:
    """The build's vocabulary (folded word -> [spelling, document frequency]); {} if none."""
    path = build / VOCABULARY
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def open_unmapped(folder: Path):
    """The Whoosh index in ``folder``, read with plain reads rather than a memory map.

    Whoosh 2.7.4 opens each file of a memory-mapped segment as a BytesIO *copy* (terms,
    postings...), and reading every stored offer maps the whole index into the process: the
    build's verification reached 1.4 GB of RSS at 100,000 offers, an incremental update of
    10 offers 1.5 GB, for reads that touch a small part of the files.
    """
    storage = FileStorage(str(folder))
    storage.supports_mmap = False
    return storage.open_index()
