"""Deduplication in real builds: the files of one reference merged, as a document of its own
when the merge differs from every file, in full, parallel and incremental builds."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.building.vocabulary import words
from indexer.schema import stored_offer
from indexer.store import live_build, read_manifest, open_unmapped

REF = "3134-26-0712/SR"
PLACEHOLDER = """---
title: "Poste sans titre"
numero: "3134-26-0712/SR du 8 mai 2026"
Organisation: "Office des postes et télécommunications"
date_cloture: "2029-05-29"
---

# Poste sans titre

## Missions

- Encadrer les conseillers de l'agence
- Suivre le portefeuille des clients entreprises
"""
POSTING = {
    "identifier": REF, "title": "Chef(fe) de centre - Agence Entreprises",
    "datePosted": "2026-05-08", "validThrough": "2026-05-29",
    "hiringOrganization": {"name": "Office des postes et télécommunications"},
    "applicationContact": {"email": "mobilite@example.nc", "telephone": "26 82 82"},
    "description": "Encadrer les conseillers.",
}
CONTENT = """---
title: "Chef(fe) de centre - Agence Entreprises"
ref: "3134-26-0712/SR"
date_cloture: "2026-05-29"
ville: "Nouméa"
latitude: -22.27
longitude: 166.44
---

## Missions

- Encadrer
"""
OTHER = "Gestionnaire paie\nRéférence : 3134-26-0680/SR\nDate limite de candidature : 29/05/2026\n\n# Missions :\n\nPayer.\n"


def _corpus(folder: Path, extra: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data__3134-26-0712_SR_du_8_mai_2026.md").write_text(PLACEHOLDER, encoding="utf-8")
    (folder / "avps__3134-26-0712_SR.json").write_text(json.dumps(POSTING), encoding="utf-8")
    (folder / "metiers__3134-26-0712_SR.md").write_text(CONTENT, encoding="utf-8")
    (folder / "paie.txt").write_text(OTHER, encoding="utf-8")
    for n in range(extra):
        (folder / f"o{n:03}.txt").write_text(OTHER.replace("0680", f"{n:04}").replace("paie", f"paie {n}"),
                                            encoding="utf-8")
    return folder


def _stored(index_dir: Path) -> dict[str, object]:
    with open_unmapped(live_build(index_dir)).searcher() as searcher:
        return {stored["id"]: stored_offer(stored) for stored in searcher.all_stored_fields()}


def _vocabulary_of(offers) -> dict[str, list]:
    spellings: dict[str, Counter] = defaultdict(Counter)
    for offer in offers:
        for folded, spelling in words(offer).items():
            spellings[folded][spelling] += 1
    return {w: [c.most_common(1)[0][0], sum(c.values())] for w, c in sorted(spellings.items())}


def _vocabulary(index_dir: Path) -> dict[str, list]:
    return json.loads((live_build(index_dir) / "vocabulary.json").read_text(encoding="utf-8"))


def test_the_files_of_one_reference_are_merged(tmp_path: Path) -> None:
    report = build_index(_corpus(tmp_path / "corpus"), tmp_path / "index")
    assert report.indexed == 2
    assert report.warnings == [
        f"{tmp_path / 'corpus' / 'data__3134-26-0712_SR_du_8_mai_2026.md'}: date limite du 2029-05-29 écartée "
        f"pour la référence {REF} : les autres sources disent 2026-05-29"
    ]
    with open_index(tmp_path / "index") as index:
        offer = index.get(REF)
        assert (offer.title, offer.deadline.isoformat(), offer.employer, offer.contact_email, offer.latitude) == (
            "Chef(fe) de centre - Agence Entreprises", "2026-05-29", "Office des postes et télécommunications",
            "mobilite@example.nc", -22.27)
        assert offer.source.endswith("data__3134-26-0712_SR_du_8_mai_2026.md")  # the best file's text
        assert "Suivre le portefeuille des clients entreprises" in offer.text
        assert [h.reference for h in index.search("chef centre").hits] == [REF]
        assert index.search("sans titre").total == 0
        assert index.doc_count() == 2
    stored = _stored(tmp_path / "index")
    assert sorted(stored) == ["3134-26-0680/SR", REF]
    assert _vocabulary(tmp_path / "index") == _vocabulary_of(stored.values())


def test_parallel_build_merges_like_the_sequential_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import indexer.building.workers as workers

    corpus = _corpus(tmp_path / "corpus", extra=30)
    monkeypatch.setattr(workers, "SHARD_CHUNK", 4)
    folders = []
    for min_files in (10**6, 2):
        monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", min_files)
        build_index(corpus, tmp_path / f"index-{min_files}")
        folders.append(tmp_path / f"index-{min_files}")
    sequential, parallel = (_stored(f) for f in folders)
    assert parallel == sequential and len(parallel) == 32
    assert _vocabulary(folders[0]) == _vocabulary(folders[1]) == _vocabulary_of(parallel.values())
    manifests = [read_manifest(live_build(f)) for f in folders]
    assert manifests[0] == manifests[1]


def test_incremental_build_merges_again_only_when_a_file_changed(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    again = build_index(corpus, index_dir, incremental=True)
    assert (again.unchanged, again.updated, again.warnings) == (2, 0, [])
    assert _stored(index_dir)[REF].title == "Chef(fe) de centre - Agence Entreprises"

    # A losing file changes: the merge takes its new value.
    posting = dict(POSTING, applicationContact={"email": "recrutement@example.nc"})
    (corpus / "avps__3134-26-0712_SR.json").write_text(json.dumps(posting), encoding="utf-8")
    changed = build_index(corpus, index_dir, incremental=True)
    assert (changed.unchanged, changed.updated) == (1, 1)
    stored = _stored(index_dir)
    assert (stored[REF].contact_email, stored[REF].title) == ("recrutement@example.nc",
                                                             "Chef(fe) de centre - Agence Entreprises")
    assert _vocabulary(index_dir) == _vocabulary_of(stored.values())

    # The placeholder file goes: the best remaining file is indexed as it is.
    (corpus / "data__3134-26-0712_SR_du_8_mai_2026.md").unlink()
    build_index(corpus, index_dir, incremental=True)
    with open_index(index_dir) as index:
        offer = index.get(REF)
        assert (offer.title, offer.deadline.isoformat()) == ("Chef(fe) de centre - Agence Entreprises", "2026-05-29")
        assert index.doc_count() == 2
    full = tmp_path / "full"
    build_index(corpus, full)
    assert _stored(index_dir) == _stored(full)
