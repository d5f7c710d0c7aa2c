"""The build workers' segment writer gives the segment Whoosh's own writer gives.

Both write the offers of a real corpus (every file kind of tests/fixtures, the seed offers
and plain Markdown offers) into an index of their own; Whoosh's reader then finds the same
terms, postings (ids, weights, value bytes), term statistics, stored fields, field lengths
and columns in both, with the writer's runs spilled to disk or not.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.building.corpus import ReadOffer, iter_corpus, read_offer, stable_id
from indexer.parsing import DEFAULT_MAX_BYTES
from indexer.schema import make_schema, offer_to_document
from indexer.whoosh_internals.segments import commit_segments, finish_segment, segment_writer
from indexer.whoosh_internals.writer import ArraySegmentWriter
from support import (ROOT, generated_documents, index_contents, segment_analyses,
                     write_segment)

FIXTURES = ROOT / "tests" / "fixtures"


def _plain_markdown_offer(n: int) -> str:
    return (f"# Éducateur(trice) spécialisé(e) n° {n}\n\nRéférence : 3134-26-{n:04}/SR du 01/07/2026\n\n"
            "Employeur : Province Sud\n\nLieu de travail : Koné\n\n# Missions :\n\n"
            "Au sein de l'aide sociale à l'enfance (ASE), l'agent retenu(e) aura pour missions :\n"
            f"- accompagner les familles ; socio-éducatif n° {n}\n- assurer le suivi des dossiers\n")


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[dict]:
    corpus = tmp_path_factory.mktemp("writer") / "corpus"
    shutil.copytree(FIXTURES, corpus / "fixtures")
    shutil.copytree(ROOT / "corpus", corpus / "seeds")
    for n in range(40):
        (corpus / "md" / f"{n:03}.txt").parent.mkdir(exist_ok=True)
        (corpus / "md" / f"{n:03}.txt").write_text(_plain_markdown_offer(n), encoding="utf-8")
    docs = []
    for path in iter_corpus(corpus):
        read = read_offer(path, DEFAULT_MAX_BYTES) if isinstance(path, Path) else None
        if isinstance(read, ReadOffer):
            docs.append(offer_to_document(read.offer, stable_id(read.offer, corpus), read.digest))
    kinds = {Path(doc["source"]).suffix for doc in docs}
    assert kinds == {".txt", ".md", ".html", ".json"} and len(docs) > 50
    return docs


@pytest.mark.parametrize("limitmb", [64, 0.02])  # all in memory; runs spilled to disk
def test_the_segment_is_whooshs(tmp_path, documents, limitmb) -> None:
    schema = make_schema()
    analyses = segment_analyses(schema)
    assert {"title", "body", "employer_text"} <= set(analyses)
    whoosh = write_segment(tmp_path / "whoosh", documents, lambda ix: segment_writer(ix, 64), finish_segment)
    ours = write_segment(tmp_path / "ours", documents, lambda ix: ArraySegmentWriter(ix, limitmb, analyses),
                  lambda writer: writer.finish())
    expected, got = index_contents(whoosh), index_contents(ours)
    assert len(expected["postings"]) > 1000
    assert got["postings"].keys() == expected["postings"].keys()
    for key, value in expected["postings"].items():
        assert got["postings"][key] == value, key
    assert got == expected


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Every file of the index's one segment, by name less the segment id."""
    ix = whoosh_index.open_dir(str(folder))
    [segment] = ix._segments()
    storage = segment.open_compound_file(ix.storage) if segment.is_compound() else ix.storage
    files = {}
    for name in storage.list():
        if segment.segid in name:
            with storage.open_file(name) as f:
                files[name.replace(segment.segid, "SEG")] = f.read()
    return files


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[dict]:
    return generated_documents(tmp_path_factory.mktemp("generated"), 300, seed=3)


@pytest.mark.parametrize("limitmb", [64, 0.05])
@pytest.mark.parametrize("corpus", ["documents", "generated"])
def test_arrays_write_the_segment_bytes_does(tmp_path, request, corpus, limitmb) -> None:
    """Postings as arrays to the codec (`add_arrays`) against each posting's Whoosh bytes
    through ``add_posting`` (``arrays=False``): the same segment files, byte for byte."""
    docs = request.getfixturevalue(corpus)
    schema = make_schema()
    analyses = segment_analyses(schema)
    built = {}
    for arrays in (True, False):
        built[arrays] = write_segment(tmp_path / str(arrays), docs,
                               lambda ix, arrays=arrays: ArraySegmentWriter(ix, limitmb, analyses, arrays=arrays),
                               lambda writer: writer.finish())
    fast, reference = _segment_files(built[True]), _segment_files(built[False])
    assert {name for name in fast if name.endswith(".pst")} and fast.keys() == reference.keys()
    for name, data in reference.items():
        assert fast[name] == data, name


def test_spilled_runs_are_removed(tmp_path, documents) -> None:
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    main = ix.writer()
    writer = ArraySegmentWriter(ix, 0.01)
    for doc in documents[:20]:
        writer.add_document(**doc)
    runs = list(writer.pool.runs)
    assert len(runs) > 2
    commit_segments(main, [writer.finish()])
    assert all(run.closed for run in runs) and writer.pool.runs == []
    with whoosh_index.open_dir(str(tmp_path)).searcher() as searcher:
        assert searcher.doc_count() == 20
