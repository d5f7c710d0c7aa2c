"""Incremental builds give what a full rebuild of the same corpus gives: the same stored
offers, search results, manifest, vocabulary and report, whatever changed in the corpus."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from indexer import build_index, open_index
from indexer.building.corpus import Skipped, iter_corpus, scan_corpus
from indexer.schema import stored_offer
from indexer.store import MANIFEST, VOCABULARY, live_build, open_unmapped, read_manifest

QUERIES = ["", "secrétaire", "comptable", "nouméa", "koné", "missions", "ancienne", "nouvelle",
           "ingénieur", "jardinier"]
TITLES = ["Secrétaire", "Comptable", "Jardinier", "Ingénieur réseaux", "Infirmier", "Chauffeur",
          "Agent d'accueil", "Bibliothécaire", "Électricien"]


def offer(ref: str, title: str, commune: str = "Nouméa", extra: str = "", posted: str = "1 juillet") -> str:
    return (
        f"{title}\nRéférence : {ref} du 01/07/2025\n\nEmployeur : Province Sud\n\n"
        f"Lieu de travail : {commune}\n\nDate de dépôt de l’offre : mardi {posted} 2025\n\n"
        f"Date limite de candidature : vendredi 1 août 2025\n\n# Missions :\n\n{extra or title}\n"
    )


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


def make_corpus(root: Path) -> Path:
    """Three folders of offers, one reference stated by two files (the newer one wins) and
    one by a text and a Markdown file (merged)."""
    for n, title in enumerate(TITLES):
        write(root / "abc"[n % 3] / f"{n:02}.txt", offer(f"26-{100 + n}", title,
                                                         commune="Koné" if n % 2 else "Nouméa"))
    write(root / "a" / "dup-old.txt", offer("26-900", "Psychologue", extra="ancienne version"))
    write(root / "b" / "dup-new.txt", offer("26-900", "Psychologue", extra="nouvelle version",
                                            posted="8 juillet"))
    write(root / "c" / "merge.md", "---\ntitle: \"Poste sans titre\"\nref: \"26-901\"\n"
                                   "date_cloture: \"2025-08-01\"\n---\n\n## Missions\n\n- Classer\n")
    write(root / "a" / "merge.txt", offer("26-901", "Archiviste", commune="Koné"))
    return root


def _stored(index_dir: Path) -> dict[str, object]:
    with open_unmapped(live_build(index_dir)).searcher() as searcher:
        return {stored["id"]: stored_offer(stored) for stored in searcher.all_stored_fields()}


def _searches(index_dir: Path) -> dict[str, tuple]:
    """Each query's total, facets and ranking, the offers of equal score as one set (they come
    in the order of their documents in the index, which an update changes). Scores
    themselves are not compared: Whoosh's collection statistics count a replaced document
    until its segment is merged away, so BM25 values move a little while ranks do not."""
    with open_index(index_dir) as index:
        results = {q: index.search(q, per_page=50) for q in QUERIES}
    ranked = {}
    for q, r in results.items():
        ranking: list[set] = []
        for position, hit in enumerate(r.hits):
            if not position or round(hit.score, 9) != round(r.hits[position - 1].score, 9):
                ranking.append(set())
            ranking[-1].add((hit.reference, hit.title, hit.commune, str(hit.snippet)))
        ranked[q] = (r.total, repr(r.facets), ranking)
    return ranked


def _manifest_rows(index_dir: Path) -> dict[str, list]:
    db = sqlite3.connect(live_build(index_dir) / MANIFEST)
    try:
        return {t: sorted(db.execute(f"SELECT * FROM {t}")) for t in ("files", "docs", "groups")}
    finally:
        db.close()


def assert_same_as_full(corpus: Path, index_dir: Path, tmp_path: Path):
    """Update ``index_dir`` incrementally, rebuild ``corpus`` in full beside it, compare."""
    live = live_build(index_dir)
    report = build_index(corpus, index_dir, incremental=True)
    assert live_build(index_dir) == live  # updated in place, not rebuilt
    full_dir = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    full = build_index(corpus, full_dir)
    assert _stored(index_dir) == _stored(full_dir)
    assert _searches(index_dir) == _searches(full_dir)
    assert read_manifest(live_build(index_dir)) == read_manifest(live_build(full_dir))
    assert _manifest_rows(index_dir) == _manifest_rows(full_dir)
    vocabularies = [json.loads((live_build(d) / VOCABULARY).read_text(encoding="utf-8"))
                    for d in (index_dir, full_dir)]
    assert vocabularies[0] == vocabularies[1]
    assert (report.indexed, report.duplicates, sorted(report.skipped, key=str)) == (
        full.indexed, full.duplicates, sorted(full.skipped, key=str))
    return report


def modify_in_place(root: Path) -> None:
    folder = root / "b"
    before = folder.stat().st_mtime_ns
    with open(folder / "01.txt", "a", encoding="utf-8") as f:
        f.write("\nTenue de la comptabilité des îles.\n")
    assert folder.stat().st_mtime_ns == before  # the folder does not show it: only the file does


def modify_same_size(root: Path) -> None:
    path = root / "c" / "05.txt"
    data = path.read_bytes()
    path.write_bytes(data.replace("Chauffeur".encode(), "Chauffard".encode()))
    assert path.stat().st_size == len(data)


def add(root: Path) -> None:
    write(root / "c" / "new.txt", offer("26-300", "Ingénieur hydraulique", commune="Koné"))


def add_folder(root: Path) -> None:
    write(root / "d" / "e" / "new.md", "---\ntitle: \"Jardinier paysagiste\"\nref: \"26-301\"\n---\n\nTailler.\n")


def remove(root: Path) -> None:
    (root / "a" / "00.txt").unlink()


def rename(root: Path) -> None:
    (root / "a" / "03.txt").rename(root / "a" / "03-renomme.txt")


def move(root: Path) -> None:
    (root / "a" / "06.txt").rename(root / "c" / "06.txt")


def remove_folder(root: Path) -> None:
    shutil.rmtree(root / "c")


def duplicate_appears(root: Path) -> None:
    write(root / "c" / "copie.txt", offer("26-101", "Comptable", extra="nouvelle comptable", posted="9 juillet"))


def duplicate_disappears(root: Path) -> None:
    (root / "b" / "dup-new.txt").unlink()  # the older, unchanged file wins again


def losing_duplicate_changes(root: Path) -> None:
    path = root / "a" / "dup-old.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nEmployeur des îles.\n", encoding="utf-8")


def merged_file_removed(root: Path) -> None:
    (root / "a" / "merge.txt").unlink()  # the placeholder title stands alone


def reference_changes(root: Path) -> None:
    write(root / "b" / "04.txt", offer("26-400", "Infirmier", extra="nouvelle référence"))


def becomes_unreadable(root: Path) -> None:
    write(root / "b" / "07.txt", b"\x00\x01\x02binaire")  # refused with its reason, its offer goes


def touched_only(root: Path) -> None:
    for path in (root / "a" / "dup-old.txt", root / "b" / "01.txt"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


CHANGES: list[Callable[[Path], None]] = [
    modify_in_place, modify_same_size, add, add_folder, remove, rename, move, remove_folder, duplicate_appears,
    duplicate_disappears, losing_duplicate_changes, merged_file_removed, reference_changes,
    becomes_unreadable, touched_only]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_incremental_equals_a_full_rebuild(change, corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    change(corpus)
    assert_same_as_full(corpus, index_dir, tmp_path)


def test_every_change_one_after_the_other(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    for change in CHANGES:
        change(corpus)
        assert_same_as_full(corpus, index_dir, tmp_path)


@pytest.mark.parametrize(("change", "counts"), [
    (modify_in_place, (0, 1, 0)), (add, (1, 0, 0)), (remove, (0, 0, 1)), (rename, (0, 1, 0)),
    (remove_folder, (0, 0, 3)), (duplicate_appears, (0, 1, 0)), (duplicate_disappears, (0, 1, 0)),
    (reference_changes, (1, 0, 1)), (touched_only, (0, 0, 0))])
def test_only_what_changed_is_written(change, counts, corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    change(corpus)
    report = build_index(corpus, index_dir, incremental=True)
    assert (report.added, report.updated, report.removed) == counts
    assert report.unchanged == report.indexed - report.added - report.updated


def test_a_touched_file_is_hashed_once_then_compared_by_its_stat(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    touched_only(corpus)
    build_index(corpus, index_dir, incremental=True)
    path = corpus / "b" / "01.txt"
    assert read_manifest(live_build(index_dir))["files"][str(path)][4] == path.stat().st_mtime_ns


def test_a_manifest_behind_its_index_means_a_full_build(corpus: Path, tmp_path: Path) -> None:
    """The index committed but not the manifest (a crash between the two): the manifest
    describes an older generation, and an incremental build must not trust it."""
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    live = live_build(index_dir)
    kept = (live / MANIFEST).read_bytes()
    add(corpus)
    build_index(corpus, index_dir, incremental=True)
    (live / MANIFEST).write_bytes(kept)
    assert read_manifest(live) is None
    remove(corpus)
    report = build_index(corpus, index_dir, incremental=True)
    assert live_build(index_dir) != live  # a new, full build
    assert report.indexed == len(_stored(index_dir)) == len(_stored(index_dir))
    full = build_index(corpus, tmp_path / "full")
    assert _stored(index_dir) == _stored(tmp_path / "full") and report.indexed == full.indexed


@pytest.mark.parametrize("where", ["absolute", "relative", "dot"])
def test_scan_names_the_files_iter_corpus_gives(where, corpus: Path, monkeypatch) -> None:
    """The sources an update compares are the paths a full build stores, however the corpus
    is named; refused files are refused the same way."""
    write(corpus / "b" / "notes.docx", "pas une offre")
    write(corpus / "a" / ".cache" / "x.txt", "caché")
    (corpus / "c" / "lien.txt").symlink_to(corpus / "a" / "00.txt")
    root = {"absolute": corpus, "relative": Path(corpus.name), "dot": Path(".")}[where]
    monkeypatch.chdir(corpus.parent if where == "relative" else corpus)
    walked = list(iter_corpus(root))
    scanned = list(scan_corpus(root))
    assert [f + name for f, files in (i for i in scanned if not isinstance(i, Skipped))
            for name, _, _ in files] == [str(p) for p in walked if not isinstance(p, Skipped)]
    assert [i for i in scanned if isinstance(i, Skipped)] == [i for i in walked if isinstance(i, Skipped)]
    stat = os.stat(str(walked[0]))
    first = next(i for i in scanned if not isinstance(i, Skipped))[1][0]
    assert first[1:] == (stat.st_size, stat.st_mtime_ns)


def test_nothing_changed_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    live = live_build(index_dir)
    before = {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()}
    report = build_index(corpus, index_dir, incremental=True)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, report.indexed)
    assert {p.name: p.read_bytes() for p in live.iterdir() if p.is_file()} == before
