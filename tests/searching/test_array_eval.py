"""The array evaluator (`indexer.searching.matches`, `indexer.searching.scoring`) node by
node against Whoosh's own evaluation, and the adjacency bonus settled for the page only
(`indexer.searching.bonus`) against checking every candidate: same pages, same scores.

The index is real: 240 generated offers and the five seeds in a first segment, copies of
some in a second one written without merging, deletions in both.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q

from indexer import build_index, open_index
from indexer.offer import Offer
from indexer.schema import offer_to_document, stored_offer
from indexer.searching import bonus
from indexer.searching.bonus import Bounded, settle
from indexer.searching.matches import Matches
from indexer.searching.query import parse_user_query
from indexer.searching.ranking import order
from indexer.searching.scoring import TermScores, whoosh_scores
from indexer.store import live_build

from support import AS_OF, SEED_CORPUS, bench_generator



@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    generate = bench_generator()
    folder = tmp_path_factory.mktemp("array_eval")
    generate.generate(240, folder / "corpus", seed=3)
    for seed in SEED_CORPUS.iterdir():
        shutil.copy(seed, folder / "corpus" / seed.name)
    build_index(folder / "corpus", folder / "index")
    ix = whoosh_index.open_dir(str(live_build(folder / "index")))
    with ix.searcher() as searcher:
        stored = [searcher.stored_fields(d) for d in range(1, 90, 4)]
    writer = ix.writer()
    for n, fields in enumerate(stored):
        offer = Offer.from_dict(json.loads(fields["offer"]))
        writer.add_document(**offer_to_document(offer, f"copy-{n}", fields["digest"]))
    writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", "copy-2")
    for docnum in (0, 5, 33, 120):
        writer.delete_document(docnum)
    writer.commit(merge=False)
    return folder / "index"


T, P = Q.Term, Q.Phrase
NODES = {
    "term": T("body", "social"),
    "boosted term": T("title", "social", boost=3.0),
    "unscored field": T("refs", "3134-25-0977/sr"),
    "unknown term": T("body", "motintrouvable"),
    "unknown field": T("nofield", "social"),
    "and": Q.And([T("body", "social"), T("body", "enfanc")]),
    "and of three, one empty": Q.And([T("body", "social"), T("body", "zzz"), T("title", "sant")]),
    "or": Q.Or([T("title", "educateu", boost=2.0), T("body", "educateu"), T("body", "infirmi")]),
    "or of disjoint terms": Q.Or([T("title", "comptabl"), T("place_text", "kone")]),
    "and not": Q.AndNot(T("body", "social"), T("body", "nuit")),
    "and not nothing": Q.AndNot(T("body", "social"), T("body", "zzz")),
    "every": Q.Every(),
    "phrase": P("body", ["sant", "publiqu"]),
    "phrase of one word": P("body", ["sant"]),
    "phrase never adjacent": P("body", ["publiqu", "sant"]),
    "nested": Q.AndNot(Q.And([Q.Or([T("title", "social"), T("body", "social")]),
                              Q.Or([T("title", "travaileu"), T("body", "travaileu")])]),
                       Q.Or([T("body", "nuit")])),
    "bonus shape": Q.Or([Q.And([T("body", "travaileu"), T("body", "social")]),
                         P("title", ["travaileu", "social"]), P("body", ["travaileu", "social"])]),
    "not the bonus shape: a phrase outside the others": Q.Or([
        T("title", "comptabl"), P("body", ["sant", "publiqu"])]),
}


@pytest.mark.parametrize("name", NODES)
def test_each_node_scores_as_whoosh(index_dir, name):
    query = NODES[name]
    with open_index(index_dir) as index:
        snap = index._snapshots.current()
        live = snap.columns().live_array()
        expected = whoosh_scores(snap.searcher, query)
        evaluator = TermScores()
        for attempt in ("cold", "cached"):
            got = evaluator.evaluate(snap.searcher, snap.generation, query, live)
            assert isinstance(got, Matches)
            assert got.docs.tolist() == sorted(expected), attempt
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-12), attempt
            assert all(type(d) is int and type(s) is float for d, s in got.items())
        if name not in ("every", "unknown field", "unknown term", "and of three, one empty",
                        "phrase never adjacent"):
            assert expected, "the table should match something"


MULTI_WORD = ["travailleur social", "aide sociale", "santé publique", "chef service",
              "agent administratif", "protection enfance", "éducateur spécialisé",
              "infirmier diplômé", "province sud", "travailleur social -nuit",
              "assistante sociale nouméa", "comptable poste"]


def _bonus_queries(index):
    snap = index._snapshots.current()
    builder = index._resolver.builder(snap)
    for text in MULTI_WORD:
        query = builder.build(parse_user_query(text)[0])
        if query is not None:
            yield text, query


def test_settled_scores_are_the_full_evaluations(index_dir):
    """Settling every document gives, to the bit, the scores of checking every candidate."""
    with open_index(index_dir) as index:
        snap = index._snapshots.current()
        live = snap.columns().live_array()
        evaluator = TermScores()
        bounded = 0
        for text, query in _bonus_queries(index):
            exact = evaluator.evaluate(snap.searcher, snap.generation, query, live)
            lazy = evaluator.evaluate(snap.searcher, snap.generation, query, live, bounded=True)
            assert lazy.docs.tolist() == exact.docs.tolist(), text
            if not isinstance(lazy, Bounded):
                assert lazy.scores.tolist() == exact.scores.tolist(), text
                continue
            bounded += 1
            assert (lazy.upper >= exact.scores).all() and (lazy.scores <= exact.scores).all()
            full = settle(lazy, lazy.docs, None)
            assert full.scores.tolist() == exact.scores.tolist(), text
            assert exact == pytest.approx(whoosh_scores(snap.searcher, query), rel=1e-12)
        assert bounded >= 8


def _checked_pages(index, limits):
    """For each bonus query and limit, check that the bounded evaluation's first ``limit``
    offers are the exact evaluation's; yields (text, exact matches, limit, that page's
    ranking) once checked."""
    snap = index._snapshots.current()
    columns = snap.columns()
    evaluator = TermScores()
    for text, query in _bonus_queries(index):
        exact = evaluator.evaluate(snap.searcher, snap.generation, query, columns.live_array())
        for limit in limits:
            expected = order(exact, exact.docs, "pertinence", columns, AS_OF, limit, True)
            lazy = evaluator.evaluate(snap.searcher, snap.generation, query,
                                      columns.live_array(), bounded=True)
            assert order(lazy, lazy.docs, "pertinence", columns, AS_OF, limit,
                         True) == expected, (text, limit)
            yield text, exact, limit, expected


@pytest.mark.parametrize("per_page,pages", [(10, 3), (1, 2), (20, 1)])
def test_pages_are_those_of_checking_every_candidate(index_dir, per_page, pages):
    with open_index(index_dir) as index:
        searcher = index._snapshots.current().searcher
        limits = [page * per_page for page in range(1, pages + 1)]
        for text, exact, limit, expected in _checked_pages(index, limits):
            if not exact:
                continue  # Index.search falls back to other queries
            page = limit // per_page
            got = index.search(text, as_of=AS_OF, page=page, per_page=per_page)
            assert type(got.total) is int and all(type(h.score) is float for h in got.hits)
            assert all(type(v.count) is int for values in got.facets.values() for v in values)
            window = expected[(page - 1) * per_page: limit]
            assert [(h.reference, h.score) for h in got.hits] == [
                (stored_offer(searcher.stored_fields(d)).reference, round(s, 4)) for d, s in window], \
                (text, page)


def test_ties_at_the_page_limit_are_checked(index_dir):
    """Offers tied on their bounds: the page still equals the full evaluation's, for every
    cut of the ranking (limits 1 to 30) and with a filter narrowing the set."""
    with open_index(index_dir) as index:
        snap = index._snapshots.current()
        columns = snap.columns()
        evaluator = TermScores()
        for _text, query in _bonus_queries(index):
            exact = evaluator.evaluate(snap.searcher, snap.generation, query, columns.live_array())
            lazy = evaluator.evaluate(snap.searcher, snap.generation, query,
                                      columns.live_array(), bounded=True)
            subset = exact.docs[::3]
            for limit in range(1, 31):
                for docs in (exact.docs, subset):
                    assert (order(lazy, docs, "pertinence", columns, AS_OF, limit, True)
                            == order(exact, docs, "pertinence", columns, AS_OF, limit, True))
            for sort in ("date", "cloture"):
                assert (order(lazy, subset, sort, columns, AS_OF, 15, True)
                        == order(exact, subset, sort, columns, AS_OF, 15, True)), sort


def test_a_mapping_of_plain_values():
    matches = Matches(np.array([2, 5, 9], dtype=np.int64), np.array([0.5, 1.25, 3.0]))
    assert dict(matches.items()) == {2: 0.5, 5: 1.25, 9: 3.0}
    assert matches == {2: 0.5, 5: 1.25, 9: 3.0} and 5 in matches and 4 not in matches
    assert matches[9] == 3.0 and type(matches[9]) is float and list(matches) == [2, 5, 9]
    with pytest.raises(KeyError):
        matches[10]
    assert Matches.of({9: 3.0, 2: 0.5, 5: 1.25}).docs.tolist() == [2, 5, 9]
    assert not Matches.of({})


def test_day_dependent_facets_coded_on_arrays_count_as_derived(index_dir):
    """Status and deposit buckets coded from the arrays count and filter as the per-offer
    derivation does, on days around the offers' dates."""
    import datetime as dt

    from indexer.searching.bitsets import CodedColumn, array_mask
    from indexer.searching.facets import KINDS

    with open_index(index_dir) as index:
        columns = index._snapshots.current().columns()
        live = columns.live_mask()
        subset = array_mask(columns.live_array()[::7], columns.size)
        for offset in (-400, -31, -30, -8, -7, 0, 1, 6, 30, 200):
            as_of = AS_OF + dt.timedelta(days=offset)
            for name in ("status", "posted"):
                kind = KINDS[name]
                derived = CodedColumn.of(kind.derive(columns.values, as_of.toordinal()))
                coded = kind.coded_column(columns, as_of)
                for mask in (live, subset):
                    assert coded.counts(mask) == derived.counts(mask), (name, offset)
                for value in derived.values[1:]:
                    assert coded.mask_for([value]) == derived.mask_for([value]), (name, value)


def test_date_orders_sorted_by_numpy_are_the_sort_keys(index_dir):
    with open_index(index_dir) as index:
        columns = index._snapshots.current().columns()
        posted, deadline = columns.values["posted"], columns.values["deadline"]
        live = columns.live_docs
        assert columns.order("posted") == sorted(live, key=lambda d: (-posted[d], d))
        assert columns.order("deadline") == sorted(
            live, key=lambda d: (deadline[d] == 0, deadline[d], d))
        assert columns.order("closed") == sorted(
            (d for d in live if deadline[d]), key=lambda d: (-deadline[d], d))


@pytest.mark.parametrize("haystack,needles", [
    ([1, 4, 9, 200_000], [0, 4, 5, 200_000, 300_000]),  # few needles: binary search
    (list(range(0, 3000, 3)), list(range(0, 3000, 2))),  # many: a dense array
    ([], [1, 2]),
    ([5], []),
])
def test_membership_and_positions_both_ways(haystack, needles):
    from indexer.searching.matches import contains, positions

    hay, need = np.array(haystack, dtype=np.int64), np.array(needles, dtype=np.int64)
    assert contains(hay, need).tolist() == [n in haystack for n in needles]
    inside = np.array([n for n in needles if n in haystack], dtype=np.int64)
    assert positions(hay, inside).tolist() == [haystack.index(n) for n in inside.tolist()]


def test_adjacency_checks_are_kept_for_the_next_searches():
    from indexer.searching.bonus import CheckedPhrase

    asked = []

    def adjacent(docs):
        asked.append(docs)
        return [d for d in docs if d % 3 == 0]

    memo = CheckedPhrase(100, 40)
    first = memo.check(np.array([3, 4, 6, 7], dtype=np.int64), adjacent)
    again = memo.check(np.array([1, 3, 4, 6, 9], dtype=np.int64), adjacent)
    assert first.tolist() == [3, 6] and again.tolist() == [3, 6, 9]
    assert asked == [[3, 4, 6, 7], [1, 9]]  # each document asked about once
    assert len(memo) == 40 and len(CheckedPhrase(8000, 3)) == 1000


@pytest.mark.parametrize("first,then", [(1, 2), (2, 3), (3, 1000)])
def test_pages_do_not_depend_on_the_rounds(index_dir, monkeypatch, first, then):
    """However many offers each round checks (one, then a jump), the page is the one of
    checking every candidate."""
    monkeypatch.setattr(bonus, "FIRST_BATCH", first)
    monkeypatch.setattr(bonus, "NEXT_BATCH", then)
    with open_index(index_dir) as index:
        assert len(list(_checked_pages(index, (1, 5, 10)))) >= 3
