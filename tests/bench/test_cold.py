"""The cold-search bench: distinct queries from the offers' words, engines in clean processes."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from indexer.analysis import STOP_WORDS
from indexer.schema import TITLE_BOOST

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cold():
    return _load("cold")


@pytest.fixture(scope="module")
def peers():
    sys.path.insert(0, str(BENCH))
    return _load("peers")


OFFERS = [
    {"title": "Éducateur spécialisé", "text": "Protection de l'enfance à Koné, travail social.",
     "employer": "Province Nord", "commune": "Koné", "reference": "A1", "source": "a.txt",
     "sections": [], "province": "Nord", "location": None},
    {"title": "Comptable", "text": "Comptabilité publique, paie et budget de la commune.",
     "employer": "Ville de Nouméa", "commune": "Nouméa", "reference": "B2", "source": "b.txt",
     "sections": [], "province": "Sud", "location": None},
    {"title": "Infirmière de santé publique", "text": "Prévention et santé scolaire.",
     "employer": "DPASS", "commune": "Houaïlou", "reference": "C3", "source": "c.txt",
     "sections": [], "province": "Nord", "location": None},
]


@pytest.fixture()
def records(tmp_path: Path) -> Path:
    path = tmp_path / "offers.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in OFFERS), encoding="utf-8")
    return path


def test_queries_are_distinct_words_of_the_offers(cold, records: Path) -> None:
    queries = cold.draw_queries(records, 30, seed=1, stop_words=STOP_WORDS)
    assert len(queries) == len(set(queries)) == 30
    assert queries == cold.draw_queries(records, 30, seed=1, stop_words=STOP_WORDS)
    words = {w.lower() for o in OFFERS for w in cold._WORD.findall(
        " ".join([o["title"], o["text"], o["employer"], o["commune"]]))}
    for query in queries:
        assert {w.strip('"') for w in query.split()} <= words
        assert not {w.strip('"') for w in query.split()} & STOP_WORDS


def test_too_few_words_is_an_error(cold, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"title": "Comptable public"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError):
        cold.draw_queries(path, 50)


def test_peer_processes_import_nothing_of_ours(cold, peers, records: Path, tmp_path: Path) -> None:
    offers = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    indexes = {"fts5": tmp_path / "fts5", "whoosh": tmp_path / "whoosh"}
    for name, folder in indexes.items():
        peers.PEERS[name].build(offers, folder, title_boost=TITLE_BOOST)
    found = cold.measure({k: str(v) for k, v in indexes.items()}, ["comptable", "santé", '"santé publique"'],
                         {"title_boost": TITLE_BOOST}, warm_engines=("fts5",))
    for name in indexes:
        assert found[name]["ours"] == []
        assert len(found[name]["cold"]) == 3
    assert found["fts5"]["totals"] == found["whoosh"]["totals"] == [1, 1, 1]
    assert len(found["fts5"]["warm"]) == 3 and found["whoosh"]["warm"] == []
