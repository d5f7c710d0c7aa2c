"""The query evaluator (`indexer.searching.scoring`) against Whoosh's own: same documents, same scores.

The index is real: 300 generated offers plus the five seeds, then a second segment written
without merging and a few deletions, so leaf readers, offsets and deleted documents are all
exercised.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q

from indexer import build_index, open_index
from indexer.store import live_build
from indexer.searching.query import parse_user_query
from indexer.schema import offer_to_document
from indexer.offer import Offer
from indexer.searching.scoring import TermScores, whoosh_scores
from indexer.searching.highlight import match_spans

from support import AS_OF, SEED_CORPUS, bench_generator


QUERIES = [
    "comptable",
    "educatrice",
    "travailleur social",
    "assistante sociale",
    "aide sociale à l'enfance",
    '"protection de l\'enfance"',
    '"santé publique"',
    '"travailleur social" koné',
    "titre:comptable -nuit",
    "educateur OU infirmier",
    "-social",
    "ASE",
    "CESF",
    "référence:3134-25-0977/SR",
    "3134-25-0977/SR",
    "houailou",
    "employeur:province sud",
    "mot-introuvable",
]


@pytest.fixture(scope="module")
def multi_segment_index(tmp_path_factory) -> Path:
    generate = bench_generator()

    folder = tmp_path_factory.mktemp("scoring")
    corpus = folder / "corpus"
    generate.generate(300, corpus, seed=5)
    for seed in SEED_CORPUS.iterdir():
        shutil.copy(seed, corpus / seed.name)
    index_dir = folder / "index"
    build_index(corpus, index_dir)

    # A second segment (no merge) holding copies of some offers, and deletions in both.
    ix = whoosh_index.open_dir(str(live_build(index_dir)))
    with ix.searcher() as searcher:
        stored = [searcher.stored_fields(d) for d in range(0, 60, 3)]
    writer = ix.writer()
    for n, fields in enumerate(stored):
        offer = Offer.from_dict(json.loads(fields["offer"]))
        writer.add_document(**offer_to_document(offer, f"copy-{n}", fields["digest"]))
    writer.commit(merge=False)
    writer = ix.writer()
    for doc_id in ("copy-0", "copy-5"):
        writer.delete_by_term("id", doc_id)
    with ix.searcher() as searcher:
        for docnum in (1, 7, 40):
            writer.delete_document(docnum)
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) >= 2
        assert searcher.reader().has_deletions()
    return index_dir


def _queries(index, searcher):
    snap = index._snapshots.current()
    builder = index._resolver.builder(snap)
    for text in QUERIES:
        clauses, _ = parse_user_query(text)
        for mode in ("and", "or"):
            query = builder.build(clauses, mode=mode)
            if query is not None:
                yield f"{text} ({mode})", query
    yield "prefix educ", builder.build(parse_user_query("educ")[0], prefix_last=True)
    yield "every", Q.Every()
    yield "boosted term", Q.Term("body", "social", boost=2.5)


def test_same_documents_and_scores_as_whoosh(multi_segment_index):
    with open_index(multi_segment_index) as index:
        snap = index._snapshots.current()
        live = snap.columns().live_docs
        evaluator = TermScores()
        checked = 0
        for label, query in _queries(index, snap.searcher):
            expected = whoosh_scores(snap.searcher, query)
            for attempt in ("cold", "cached"):
                got = evaluator.evaluate(snap.searcher, snap.generation, query, live)
                assert got.keys() == expected.keys(), (label, attempt)
                for docnum, score in expected.items():
                    assert got[docnum] == pytest.approx(score, rel=1e-12, abs=1e-12), (label, docnum)
            checked += bool(expected)
        assert checked >= 20


def test_cache_stays_within_its_budget(multi_segment_index):
    with open_index(multi_segment_index) as index:
        snap = index._snapshots.current()
        live = snap.columns().live_docs
        evaluator = TermScores(max_postings=200)
        for text in ("social", "educateu", "sant", "publiqu", "enfanc", "protection"):
            for field in ("title", "body"):
                scores = evaluator.term(snap.searcher, snap.generation, field, text)
                assert scores == whoosh_scores(snap.searcher, Q.Term(field, text))
        assert evaluator._size <= 200
        # Another generation starts from nothing.
        evaluator.evaluate(snap.searcher, ("other", 0), Q.Term("body", "social"), live)
        assert all(key[1:] == ("body", "social") for key in evaluator._terms)


def _reference_spans(reader, field, terms, docnums):
    """Character spans walked posting by posting with Whoosh's matcher API."""
    found = {d: set() for d in docnums}
    for text in terms:
        if (field, text) not in reader:
            continue
        matcher = reader.postings(field, text)
        for docnum in sorted(docnums):
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                found[docnum].update((s, e) for _, s, e in matcher.value_as("characters"))
    return {d: sorted(spans) for d, spans in found.items()}


@pytest.mark.parametrize("terms", [("social",), ("travaileu", "social"), ("enfanc", "protection"),
                                   ("houailou", "kone", "introuvable")])
def test_highlight_spans_read_from_blocks(multi_segment_index, terms):
    with open_index(multi_segment_index) as index:
        reader = index._snapshots.current().searcher.reader()
        live = index._snapshots.current().columns().live_docs
        evaluator, generation = TermScores(), index._snapshots.current().generation
        pages = [live[:10], live[::37], live[-5:], [live[0], live[-1]]]
        marked = 0
        for docnums in pages:
            for field in ("title", "body"):
                expected = _reference_spans(reader, field, terms, docnums)
                expected = {d: _merge_for_test(spans) for d, spans in expected.items()}
                got = match_spans(reader, field, terms, docnums)
                assert got == expected
                for attempt in ("cold", "cached"):
                    indexed = match_spans(reader, field, terms, docnums,
                                          evaluator.cache_for(generation))
                    assert indexed == expected, attempt
                marked += sum(map(len, got.values()))
        assert marked or terms == ("houailou", "kone", "introuvable")


def _merge_for_test(spans):
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def test_search_pages_agree_with_whoosh_order(multi_segment_index):
    """Whole pages through Index.search: the ranking Whoosh's scores give."""
    with open_index(multi_segment_index) as index:
        snap = index._snapshots.current()
        builder = index._resolver.builder(snap)
        for text in ("travailleur social", "educatrice", '"protection de l\'enfance"'):
            page = index.search(text, as_of=AS_OF, per_page=20)
            query = builder.build(parse_user_query(text)[0])
            scores = whoosh_scores(snap.searcher, query)
            assert page.total == len(scores)
            got = [round(h.score, 4) for h in page.hits]
            best = sorted((round(s, 4) for s in scores.values()), reverse=True)[:20]
            assert got == best, text


def test_whole_columns_match_whooshs_per_document_readers(multi_segment_index):
    from indexer.whoosh_internals.columns import read_column, read_field_lengths
    from indexer.schema import FACET_FIELDS

    with open_index(multi_segment_index) as index:
        reader = index._snapshots.current().searcher.reader()
        count = reader.doc_count_all()
        for name in FACET_FIELDS + ("posted", "deadline"):
            assert read_column(reader, name) == list(reader.column_reader(name))[:count], name
        for field in ("title", "body", "employer_text", "place_text", "refs"):
            assert read_field_lengths(reader, field) == [
                reader.doc_field_length(d, field, 1) for d in range(count)], field


def test_cached_nodes_of_different_words_do_not_collide(multi_segment_index):
    """One word in several fields is cached under a key of its own (Whoosh's query hash
    is the same for every word: XOR of field and text hashes)."""
    from indexer.searching.scoring import _node_key

    def node(word):
        return Q.Or([Q.Term("title", word, boost=2.0), Q.Term("body", word)])

    assert _node_key(node("social")) == _node_key(node("social"))
    assert len({_node_key(node(w)) for w in ("social", "sant", "educateu", "comptabl")}) == 4
    assert _node_key(Q.And([Q.Phrase("body", ["sant", "publiqu"])])) != _node_key(
        Q.And([Q.Phrase("body", ["publiqu", "sant"])]))
    with open_index(multi_segment_index) as index:
        snap = index._snapshots.current()
        live = snap.columns().live_docs
        evaluator = TermScores()
        for word in ("social", "sant", "educateu", "social"):
            got = evaluator.evaluate(snap.searcher, snap.generation, node(word), live)
            assert got == pytest.approx(whoosh_scores(snap.searcher, node(word)), rel=1e-12)
        assert sum(1 for key in evaluator._terms if key[0] == "node") == 3
