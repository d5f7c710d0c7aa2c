"""The build's manifest (SQLite): written whole by a full build, updated row by row by an
incremental one, and read back as the same content a full build of the same corpus writes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from indexer import build_index
from indexer.store import (MANIFEST, MANIFEST_VERSION, ManifestUpdate, live_build, read_manifest,
                           write_manifest)


def diff(old, new) -> dict[str, tuple[list, dict]]:
    """Table -> (keys gone, rows new or changed) from manifest ``old`` to ``new``."""
    return {table: ([k for k in old[table] if k not in new[table]],
                    {k: v for k, v in new[table].items() if old[table].get(k) != v})
            for table in ("files", "docs", "groups")}


def _rows(build: Path) -> dict[str, list]:
    db = sqlite3.connect(build / MANIFEST)
    try:
        return {table: sorted(db.execute(f"SELECT * FROM {table}")) for table in ("files", "docs")}
    finally:
        db.close()


def test_incremental_manifest_is_the_full_builds(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir)
    before = read_manifest(live_build(index_dir))
    assert before["version"] == MANIFEST_VERSION and len(before["files"]) == len(before["docs"]) > 2
    first, second, *_ = sorted(corpus_copy.iterdir())
    first.write_bytes(first.read_bytes() + "\nMise à jour : poste modifié.\n".encode())
    second.unlink()
    (corpus_copy / "nouvelle.txt").write_text(
        "Intitulé du poste : Comptable\nEmployeur : Ville de Koné\nLieu : Koné\n\n"
        "Tenue de la comptabilité de la commune.\n", encoding="utf-8")
    report = build_index(corpus_copy, index_dir, incremental=True)
    assert (report.updated, report.removed, report.added) == (1, 1, 1)
    build_index(corpus_copy, tmp_path / "full")
    updated, full = live_build(index_dir), live_build(tmp_path / "full")
    assert read_manifest(updated) == read_manifest(full)
    assert _rows(updated) == _rows(full)
    assert str(second) not in read_manifest(updated)["files"]


def test_update_writes_only_what_changed(tmp_path: Path) -> None:
    old = {"files": {f"f{n}.txt": [f"d{n}", f"id{n}", [n, 0, 3, 10], 10, 1000 + n] for n in range(5)},
           "docs": {f"id{n}": f"d{n}" for n in range(5)}, "groups": {"id0": "g0", "id1": "g1"}}
    write_manifest(tmp_path, old)
    new = json.loads(json.dumps(old))
    new["files"]["f1.txt"] = ["d1b", "id1", [1, 0, 3, 12], 12, 2001]
    new["docs"]["id1"] = "d1b"
    del new["files"]["f4.txt"], new["docs"]["id4"]
    new["files"]["f9.txt"], new["docs"]["id9"] = ["d9", "id9", [9, 9, 9, 9], 9, 9], "d9"
    new["groups"] = {"id1": "g1b"}
    db = sqlite3.connect(tmp_path / MANIFEST)
    with db:  # every write to the files table is logged
        db.executescript("""
            CREATE TABLE writes (source TEXT);
            CREATE TRIGGER i AFTER INSERT ON files BEGIN INSERT INTO writes VALUES (new.source); END;
            CREATE TRIGGER d AFTER DELETE ON files BEGIN INSERT INTO writes VALUES (old.source); END;
        """)
    db.close()
    live = (tmp_path / MANIFEST).read_bytes()
    update = ManifestUpdate(tmp_path)
    try:
        update.write(diff(read_manifest(tmp_path), new))
        assert (tmp_path / MANIFEST).read_bytes() == live  # the live manifest waits for the commit
        update.commit(tmp_path)
    finally:
        update.close()
    got = read_manifest(tmp_path)
    assert got["files"] == new["files"] and got["docs"] == new["docs"]
    assert got["groups"] == new["groups"]
    db = sqlite3.connect(tmp_path / MANIFEST)
    written = {source for (source,) in db.execute("SELECT source FROM writes")}
    db.close()
    assert written == {"f1.txt", "f4.txt", "f9.txt"}


def test_an_older_or_broken_manifest_means_a_full_build(corpus_copy: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir)
    build = live_build(index_dir)
    db = sqlite3.connect(build / MANIFEST)
    with db:
        db.execute("UPDATE meta SET value = '4' WHERE key = 'version'")
    db.close()
    assert read_manifest(build) is None
    (build / MANIFEST).write_bytes(b"not a database")
    assert read_manifest(build) is None
    report = build_index(corpus_copy, index_dir, incremental=True)
    assert live_build(index_dir) != build  # a new, full build
    assert report.indexed == len(read_manifest(live_build(index_dir))["docs"])
