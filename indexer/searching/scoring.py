"""Query evaluation over per-term BM25F scores: the documents and scores Whoosh's matchers
give for the queries `indexer.searching.query` builds, computed on numpy arrays.

Whoosh evaluates a query by stepping Python matcher objects posting by posting, which costs
a few microseconds per matching document and term: hundreds of milliseconds for two common
words in 100,000 offers. Here each term's postings are read once per index generation as
arrays (`indexer.whoosh_internals.arrays`) and scored with Whoosh's own BM25F formula,
inputs and statistics, vectorised with the same float operations in the same order, so the
scores are the ones its matchers would compute; the query tree is evaluated with the array
operations of `indexer.searching.matches`. Results are kept for the next searches, within
a budget of postings.

Only the node types the query builder produces are evaluated here (Term, And, Or, AndNot,
Every, Phrase); any other node is handed to Whoosh, whose scores add up the same way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import repeat

import numpy as np
from whoosh import query as Q
from whoosh.scoring import BM25F

from indexer.searching.bonus import Bounded, CheckedPhrase, add_bonuses, bonus_parts, holds
from indexer.searching.matches import EMPTY, Matches, contains, intersect, union, without
from indexer.searching.phrases import adjacent_docs
from indexer.whoosh_internals.arrays import live_mask, reads_array_blocks, segment_postings
from indexer.whoosh_internals.columns import read_field_lengths
from indexer.whoosh_internals.postings import field_b


# The cache's budget per index generation, in units of 16 bytes (one document of a term's
# or node's arrays: doc number and score); `_cost` weighs the other entries in those units.
# About 256 MB of a serving process when full.
MAX_CACHED_POSTINGS = 16_000_000
class TermScores:
    """Per index generation, shared between threads, in one LRU budget: each term's
    `Matches` (documents and BM25F scores), each word-in-several-fields and phrase result, and decoded
    posting blocks (for phrases' positions and highlights).

    What it hands out is shared and must not be modified.
    """

    def __init__(self, max_postings: int = MAX_CACHED_POSTINGS) -> None:
        self.max_postings = max_postings
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._terms: OrderedDict[tuple, object] = OrderedDict()
        self._size = 0
        self._lengths: dict[str, list[int]] = {}
        self._norm_lists: dict[str, np.ndarray] = {}
        self._live: np.ndarray | None = None

    def _generation(self, key: tuple) -> None:
        """Forget everything computed for another index generation (caller holds the lock)."""
        if self._key != key:
            self._key = key
            self._terms.clear()
            self._size = 0
            self._lengths = {}
            self._norm_lists = {}
            self._live = None

    def term(self, searcher, key: tuple, field: str, text: str) -> Matches:
        """Every live document holding ``field:text``, with its BM25F score (shared: read only)."""
        return self._cached(key, ("scores", field, text),
                            lambda: self._compute(searcher, key, field, text))

    def cache_for(self, key: tuple):
        """For `indexer.whoosh_internals.postings.term_values`: ``(entry, build) -> value`` in this cache, for generation ``key``."""
        return lambda entry, build: self._cached(key, entry, build)

    def _cached(self, key: tuple, entry: tuple, compute):
        with self._lock:
            self._generation(key)
            found = self._terms.get(entry)
            if found is not None:
                self._terms.move_to_end(entry)
                return found
        value = compute()
        with self._lock:
            if self._key == key and _cost(value) <= self.max_postings:
                if entry not in self._terms:
                    self._terms[entry] = value
                    self._size += _cost(value)
                while self._size > self.max_postings:
                    _, dropped = self._terms.popitem(last=False)
                    self._size -= _cost(dropped)
        return value

    def _compute(self, searcher, key: tuple, field: str, text: str) -> Matches:
        schema = searcher.schema
        if field not in schema:
            return EMPTY
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return EMPTY
        reader = searcher.reader()
        if (field, btext) not in reader:
            return EMPTY
        id_parts, weight_parts, filtered = [], [], True
        for leaf, offset in reader.leaf_readers():
            if (field, btext) in leaf:
                local, weights, live_only = segment_postings(leaf, field, btext)
                id_parts.append(local + offset if offset else local)
                weight_parts.append(weights)
                filtered = filtered and live_only
        if not id_parts:
            return EMPTY
        ids = np.concatenate(id_parts) if len(id_parts) > 1 else id_parts[0]
        weights = np.concatenate(weight_parts) if len(weight_parts) > 1 else weight_parts[0]
        if not filtered:
            keep = self._live_docs(reader, key)[ids]
            if not keep.all():
                ids, weights = ids[keep], weights[keep]
        if not len(ids):
            return EMPTY
        if not schema[field].scorable:  # Whoosh's WeightScorer: the weight itself
            return Matches(ids, weights)
        idf = searcher.idf(field, text)
        k1_plus = searcher.weighting.K1 + 1
        norms = self._norms(searcher, key, field)
        # whoosh.scoring.bm25 inlined, its per-document part precomputed: the same float
        # operations (IEEE doubles, one at a time), in the same order.
        return Matches(ids, idf * ((weights * k1_plus) / (weights + norms[ids])))

    def warm(self, searcher, key: tuple, fields) -> None:
        """Read the field lengths every term of ``fields`` is scored with, and compute the
        part of BM25F that depends only on them."""
        self._live_docs(searcher.reader(), key)
        reads_array_blocks()  # the codec's self-check, once per process
        for field in fields:
            if searcher.schema[field].scorable:
                self._norms(searcher, key, field)

    def _norms(self, searcher, key: tuple, field: str) -> np.ndarray:
        """doc number -> ``K1 * (1 - B + B * length / average length)``, the length
        normalisation of BM25F's denominator in ``field`` (NaN where the length is None)."""
        with self._lock:
            self._generation(key)
            norms = self._norm_lists.get(field)
        if norms is None:
            weighting = searcher.weighting
            B, K1 = field_b(weighting, field), weighting.K1
            avgfl = searcher.avg_field_length(field) or 1
            one_minus_b = 1 - B
            lengths = self._field_lengths(searcher.reader(), key, field)
            table = {n: K1 * (one_minus_b + B * n / avgfl) for n in set(lengths) if n is not None}
            # At most 256 distinct lengths (a byte); None (no length) -> NaN.
            norms = np.fromiter(map(table.get, lengths, repeat(float("nan"))),
                                dtype=np.float64, count=len(lengths))
            with self._lock:
                if self._key == key:
                    self._norm_lists[field] = norms
        return norms

    def _live_docs(self, reader, key: tuple) -> np.ndarray:
        """doc number -> whether the document is live, once per generation."""
        with self._lock:
            self._generation(key)
            live = self._live
        if live is None:
            live = live_mask(reader)
            with self._lock:
                if self._key == key:
                    self._live = live
        return live

    def _field_lengths(self, reader, key: tuple, field: str) -> list[int]:
        """doc number -> the field's length as Whoosh's scorer sees it (byte-encoded)."""
        with self._lock:
            self._generation(key)
            lengths = self._lengths.get(field)
        if lengths is None:
            lengths = read_field_lengths(reader, field)
            with self._lock:
                if self._key == key:
                    self._lengths[field] = lengths
        return lengths

    def evaluate(self, searcher, key: tuple, query: Q.Query, live_docs,
                 bounded: bool = False) -> Matches:
        """Every document ``query`` matches, with the score Whoosh would give it
        (``live_docs``: the live doc numbers, ascending, for `Q.Every`).

        ``bounded``: an adjacency bonus at the top (or under a top AndNot) is left
        unchecked, as a `indexer.searching.bonus.Bounded` whose scores are lower bounds
        (`indexer.searching.bonus.settle` makes a page's exact). The result may be one of
        the shared cached values: do not modify it.
        """
        if type(searcher.weighting) is not BM25F:  # the formula below is BM25F's
            return Matches.of(whoosh_scores(searcher, query))
        if bounded:
            lazy = self._bounded(searcher, key, query, live_docs)
            if lazy is not None:
                return lazy
        if isinstance(query, Q.Term):
            scores = self.term(searcher, key, query.fieldname, query.text)
            return scores.boosted(query.boost) if query.boost != 1 else scores
        if isinstance(query, Q.Every) and query.fieldname in (None, "", "*"):
            return Matches.same_score(np.asarray(live_docs, dtype=np.int64), query.boost)
        if isinstance(query, Q.AndNot) and query.boost == 1:
            return without(self.evaluate(searcher, key, query.a, live_docs),
                           self.evaluate(searcher, key, query.b, live_docs))
        if isinstance(query, Q.Phrase) and query.slop == 1 and query.boost == 1 and query.words:
            return self.phrase(searcher, key, query.fieldname, query.words)
        if (type(query) in (Q.And, Q.Or) and query.boost == 1
                and not getattr(query, "minmatch", 0) and not getattr(query, "scale", None)):
            bonus = bonus_parts(query)
            if bonus is not None:
                positive = self.evaluate(searcher, key, bonus[0], live_docs)
                candidates = [self.candidates(searcher, key, p.fieldname, p.words)
                              for p in bonus[1]]
                if holds(positive, candidates):
                    return add_bonuses(positive, [self.phrase(searcher, key, p.fieldname, p.words)
                                                  for p in bonus[1]])

            def combine() -> Matches:
                parts = [self.evaluate(searcher, key, sub, live_docs) for sub in query.subqueries]
                if not parts:
                    return EMPTY
                return intersect(parts) if type(query) is Q.And else union(parts)

            if all(type(sub) in (Q.Term, Q.Phrase) for sub in query.subqueries):
                # One word or phrase in several fields (or its synonyms): the unit every
                # query is made of, kept in the cache like a term.
                return self._cached(key, ("node", _node_key(query)), combine)
            return combine()
        return Matches.of(whoosh_scores(searcher, query))

    def _bounded(self, searcher, key: tuple, query: Q.Query, live_docs) -> Bounded | None:
        """The adjacency bonus of ``query`` unchecked (see `evaluate`), or None."""
        if isinstance(query, Q.AndNot) and query.boost == 1:
            lazy = self._bounded(searcher, key, query.a, live_docs)
            if lazy is None:
                return None
            negative = self.evaluate(searcher, key, query.b, live_docs)
            return lazy.take(~contains(negative.docs, lazy.docs)) if negative else lazy
        bonus = bonus_parts(query)
        if bonus is None:
            return None
        positive = self.evaluate(searcher, key, bonus[0], live_docs)
        phrases = bonus[1]
        candidates = [self.candidates(searcher, key, p.fieldname, p.words) for p in phrases]
        if not holds(positive, candidates):
            return None
        cache = self.cache_for(key)
        size = len(self._live_docs(searcher.reader(), key))
        checks = []
        for p, found in zip(phrases, candidates):
            count = len(found)
            memo = self._cached(key, ("checked", p.fieldname, tuple(p.words)),
                                lambda count=count: CheckedPhrase(size, count))
            adjacent = (lambda docs, p=p: adjacent_docs(searcher, p.fieldname, p.words, docs, cache))
            checks.append(lambda docs, memo=memo, adjacent=adjacent: memo.check(docs, adjacent))
        return Bounded(positive, candidates, checks)

    def candidates(self, searcher, key: tuple, field: str, words: list[str]) -> Matches:
        """The documents holding every word of a phrase in ``field``, scored by the sum of
        the words' scores (the phrase's score where the words are adjacent)."""
        parts = [self.term(searcher, key, field, word) for word in words]
        return intersect(parts) if all(parts) else EMPTY

    def phrase(self, searcher, key: tuple, field: str, words: list[str]) -> Matches:
        """Documents holding ``words`` at consecutive positions in ``field``.

        As Whoosh's Phrase (slop 1): the candidates are the documents holding every word,
        scored by the sum of the words' scores; a candidate is kept when some position p has
        word i at p + i. Kept in the cache like a term.
        """
        return self._cached(key, ("phrase", field, tuple(words)),
                            lambda: self._phrase(searcher, key, field, words))

    def _phrase(self, searcher, key: tuple, field: str, words: list[str]) -> Matches:
        candidates = self.candidates(searcher, key, field, words)
        if len(words) == 1 or not candidates:
            return candidates
        kept = adjacent_docs(searcher, field, words, candidates.docs.tolist(),
                             self.cache_for(key))
        if len(kept) == len(candidates):
            return candidates
        return candidates.take(contains(np.array(kept, dtype=np.int64), candidates.docs))


def _cost(value) -> int:
    """What a cached value counts against the budget, in 16-byte units: a `Matches` its
    documents; a decoded block, a pair of doc numbers and values as Python objects, about
    80 bytes a posting; a list of block positions about 64 bytes an entry; any other value
    (`indexer.searching.bonus.CheckedPhrase`) what its ``len`` says."""
    kind = type(value)
    if kind is tuple and len(value) == 2 and type(value[0]) is tuple:
        return 5 * len(value[0])
    if kind is list:
        return 4 * len(value)
    return len(value)


def _node_key(query: Q.Query) -> tuple:
    """A cache key for an And/Or of terms and phrases. Not the query itself: Whoosh hashes
    a compound query as the XOR of its parts' hashes, and a Term's as the XOR of its field's
    and text's, so one word in title and body hashes like every other word (all the cached
    nodes would share one hash bucket)."""
    parts = tuple((type(sub).__name__, sub.fieldname, sub.text if isinstance(sub, Q.Term)
                   else tuple(sub.words), getattr(sub, "slop", None), sub.boost)
                  for sub in query.subqueries)
    return type(query).__name__, parts


def whoosh_scores(searcher, query: Q.Query) -> dict[int, float]:
    """Whoosh's own evaluation: every match with its score."""
    results = searcher.search(query, limit=None)
    return {docnum: score for score, docnum in results.top_n}
