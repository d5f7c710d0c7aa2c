"""The adjacency bonus (`QueryBuilder.adjacent_bonus`) checked only for the offers that can
still reach the page, with the page exactly the one checking every candidate gives.

The bonus is ``Or(positive, Phrase(title, words), Phrase(body, words))``: every offer a
phrase can find holds all the words, so the set is the positive part's and only scores
change. Its exact score is the positive score plus, for each phrase in turn, the phrase's
score when the words are adjacent (`add_bonuses`). `Bounded` keeps the positive score as a
lower bound and the positive score plus every possible bonus as an upper bound; `settle`
checks adjacency for the offers whose upper bound can still reach the ``limit``-th lower
bound (ties of the rounded score included, as `indexer.searching.ranking` compares them),
the best bounds first, until none is left: the offers not checked cannot be on the page.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from whoosh import query as Q

from indexer.searching.matches import Matches, contains, positions

# Offers checked in the first round: a page of 10 needs one or two when the words are
# adjacent in the best offers (a phrase typed without quotes). Few, because a cold check
# decodes a posting block of each word per offer checked, and a common word's whole
# postings once the offers checked span half its blocks: at 100,000 offers, 16 rather
# than 64 took the p95 of 600 cold queries from 54-73 ms to 52-58 (BENCHMARKS.md); 8 is
# less than a page, and the words typed together then take a second, large round.
FIRST_BATCH = 16
# Then at least this many: when the first round found few adjacent, the words are rarely
# adjacent, the threshold barely rises, and most open offers get checked in the end. One
# large round decodes each word's posting blocks once, in one pass; rounds doubling from
# 64 decode them block by block, then once more when a round needs most of them (about
# twice the CPU for two common words at 100,000 offers).
NEXT_BATCH = 4096
Check = Callable[[np.ndarray], np.ndarray]  # candidate doc numbers -> the adjacent ones


def bonus_parts(query: Q.Query) -> tuple[Q.Query, list[Q.Phrase]] | None:
    """(positive part, phrases) when ``query`` has the bonus's shape, else None."""
    if (type(query) is not Q.Or or query.boost != 1 or getattr(query, "minmatch", 0)
            or getattr(query, "scale", None) or len(query.subqueries) < 2):
        return None
    positive, *phrases = query.subqueries
    if isinstance(positive, Q.Phrase) or not all(
            type(p) is Q.Phrase and p.slop == 1 and p.boost == 1 and len(p.words) > 1
            for p in phrases):
        return None
    return positive, phrases


def holds(positive: Matches, candidates: list[Matches]) -> bool:
    """Whether every phrase candidate is one of the positive part's documents (then the
    bonus only changes scores)."""
    return all(contains(positive.docs, c.docs).all() for c in candidates)


def add_bonuses(positive: Matches, found: list[Matches]) -> Matches:
    """The exact scores: positive, plus each phrase's score where it is found, in order."""
    total = positive.scores.copy()
    for phrase in found:
        if len(phrase):
            total[positions(positive.docs, phrase.docs)] += phrase.scores
    return Matches(positive.docs, total)


class CheckedPhrase:
    """One phrase's adjacency checks so far, kept for the next searches: which candidates
    were checked and which of them hold the words adjacent. Shared between threads: a
    document is marked found before it is marked checked, and a check done twice agrees."""

    def __init__(self, size: int, candidates: int) -> None:
        self.checked = np.zeros(size, dtype=bool)
        self.found = np.zeros(size, dtype=bool)
        self._candidates = candidates

    def __len__(self) -> int:
        # What it counts against the cache's budget (postings): its candidates, and at
        # least its two flag arrays' bytes as postings of 16 bytes.
        return max(self._candidates, len(self.checked) // 8)

    def check(self, docs: np.ndarray, adjacent: Callable[[list[int]], list[int]]) -> np.ndarray:
        """The documents of ``docs`` (ascending candidates) holding the words adjacent;
        ``adjacent`` is asked only about those not checked before."""
        todo = docs[~self.checked[docs]]
        if len(todo):
            found = np.array(adjacent(todo.tolist()), dtype=np.int64)
            self.found[found] = True
            self.checked[todo] = True
        return docs[self.found[docs]]


class Bounded(Matches):
    """The bonus's documents with lower-bound scores (no phrase found) and upper bounds
    (every phrase found); `settle` makes the scores that matter exact."""

    __slots__ = ("upper", "candidates", "checks")

    def __init__(self, positive: Matches, candidates: list[Matches], checks: list[Check]) -> None:
        super().__init__(positive.docs, positive.scores)
        self.candidates = candidates
        self.checks = checks
        upper = positive.scores.copy()
        for candidate in candidates:
            upper[positions(positive.docs, candidate.docs)] += candidate.scores
        self.upper = upper

    def take(self, keep: np.ndarray) -> "Bounded":
        kept = Matches(self.docs[keep], self.scores[keep])
        return Bounded(kept, [c.take(contains(kept.docs, c.docs)) for c in self.candidates],
                       self.checks)

    def exact(self, where: np.ndarray) -> np.ndarray:
        """The exact scores of the documents at positions ``where`` (ascending)."""
        docs = self.docs[where]
        total = self.scores[where].copy()
        for candidate, check in zip(self.candidates, self.checks):
            maybe = docs[contains(candidate.docs, docs)]
            if not len(maybe):
                continue
            found = check(maybe)
            if len(found):
                total[positions(docs, found)] += candidate.scores_of(found)
        return total


def settle(scores: Matches, docs: np.ndarray, limit: int | None) -> Matches:
    """``scores`` with exact scores for every document of ``docs`` (ascending, all in
    ``scores``) that can be among the first ``limit`` by rounded score; with ``limit``
    None, for every document of ``docs``. Other documents keep a lower bound."""
    if not isinstance(scores, Bounded) or not len(docs):
        return scores
    where = (np.arange(len(scores.docs)) if len(docs) == len(scores.docs)
             else positions(scores.docs, docs))
    lower = scores.scores[where].copy()
    upper = scores.upper[where]
    done = upper == lower  # no bonus possible: already exact
    if limit is None:
        todo = np.flatnonzero(~done)
        lower[todo] = scores.exact(where[todo])
        done[:] = True
    batch = FIRST_BATCH
    while limit is not None and not done.all():
        if len(lower) > limit > 0:
            kth = float(np.partition(lower, len(lower) - limit)[len(lower) - limit])
            open_ = ~done & (upper >= round(kth, 6) - 1e-6)
        else:
            open_ = ~done
        todo = np.flatnonzero(open_)
        if not len(todo):
            break
        if len(todo) > batch:  # the best upper bounds first: they raise the threshold most
            todo = np.sort(todo[np.argpartition(-upper[todo], batch)[:batch]])
        lower[todo] = scores.exact(where[todo])
        done[todo] = True
        batch = max(batch * 2, NEXT_BATCH)
    total = scores.scores.copy()
    total[where[done]] = lower[done]
    return Matches(scores.docs, total)
