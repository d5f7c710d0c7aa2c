"""Build workers' memory: what they let go of changes nothing in the index they write."""

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import indexer.building.workers as workers
from indexer import build_index
from indexer.analysis import folding, memo
from indexer.parsing import labels, parse_offer
from indexer.store import live_build
from support import postings_of


def _corpus(folder: Path) -> Path:
    """60 offers of 50 references (10 duplicates), words shared and words of their own."""
    for n in range(60):
        (folder / f"o{n:03}.txt").write_text(
            f"Éducateur numéro {n}\nRéférence : 26-{n % 50} du 01/07/2025\n\n"
            "Employeur : Province Sud\n\nLieu de travail : Koné\n\n"
            "Date de dépôt de l’offre : mardi 1 juillet 2025\n\n"
            f"# Missions :\n\nmot{n % 7} accompagnement unique{n} de l’enfance\n",
            encoding="utf-8")
    return folder


def _segments(index_root: Path) -> list:
    """Each segment's terms with their postings (document, weight, value bytes), stored
    fields and deletions, in segment order: the index as a reader sees it."""
    ix = whoosh_index.open_dir(str(live_build(index_root)))
    with ix.reader() as reader:
        leaves = [reader] if reader.is_atomic() else [leaf for leaf, _ in reader.leaf_readers()]
        out = []
        for leaf in leaves:
            terms = []
            for fieldname, text in leaf.all_terms():
                terms.append((fieldname, text, postings_of(leaf, fieldname, text)))
            stored = [leaf.stored_fields(n) for n in range(leaf.doc_count_all())]
            deleted = [n for n in range(leaf.doc_count_all()) if leaf.is_deleted(n)]
            out.append((terms, stored, deleted))
    return out


@pytest.mark.parametrize("limit_mb", [0.002, 0.05])
def test_spilling_runs_and_releasing_memory_leave_the_segments_as_they_are(tmp_path, monkeypatch,
                                                                            limit_mb):
    """Workers with runs spilled every few documents (the last one before the merge) write
    the same segments as workers that keep every posting in memory."""
    (tmp_path / "corpus").mkdir()
    corpus = _corpus(tmp_path / "corpus")
    monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(workers, "SHARD_CHUNK", 4)
    build_index(corpus, tmp_path / "in-memory")
    monkeypatch.setattr(workers, "SHARD_LIMIT_MB", limit_mb)
    build_index(corpus, tmp_path / "spilled")
    in_memory, spilled = _segments(tmp_path / "in-memory"), _segments(tmp_path / "spilled")
    assert len(in_memory) == 2 and sum(len(deleted) for _, _, deleted in in_memory) == 10
    assert spilled == in_memory


def test_releasing_the_parse_memory_empties_the_caches_and_parses_alike(tmp_path):
    corpus = _corpus(tmp_path)
    before = parse_offer(corpus / "o007.txt")
    workers._release_parse_memory()
    for cached in (labels.fold, labels.field_of_label, folding.fold, folding.fold_key):
        assert cached.cache_info().currsize == 0
    assert parse_offer(corpus / "o007.txt") == before
    assert memo.index_occurrences("L’éducatrice de l'ASE", chars=False) == {"educateu": [0], "ase": [1]}
