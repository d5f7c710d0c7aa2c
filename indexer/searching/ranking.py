"""Ordering: the first offers of a result set by relevance, deposit date or deadline, open
offers first at equal relevance and when browsing."""

from __future__ import annotations

import datetime as dt
import heapq

import numpy as np

from indexer.searching.bonus import settle
from indexer.searching.columns import Columns
from indexer.searching.matches import Matches

SORTS = ("pertinence", "date", "cloture")


def top_candidates(docs: np.ndarray, scores: np.ndarray, limit: int) -> tuple[list[int], list[float]]:
    """The documents whose score could reach the first ``limit`` (``docs`` and ``scores``
    aligned): those at or above the ``limit``-th best score rounded (ties included), picked
    with a partition before any sort key is built. Plain ints and floats."""
    if len(docs) > limit > 0:
        kth = float(np.partition(scores, len(scores) - limit)[len(scores) - limit])
        keep = scores >= round(kth, 6) - 1e-6
        docs, scores = docs[keep], scores[keep]
    return docs.tolist(), scores.tolist()


def _first(order: np.ndarray, member: np.ndarray, limit: int, keep=None) -> list[int]:
    """The first ``limit`` documents of ``order`` that are members (and pass ``keep``, a
    flag per doc number)."""
    if limit <= 0:
        return []
    found = order[member[order]]
    if keep is not None:
        found = found[keep[found]]
    return found[:limit].tolist()


def order(scores: Matches, docs: np.ndarray, sort: str, columns: Columns, as_of: dt.date,
          limit: int, by_score: bool) -> list[tuple[int, float]]:
    """The first ``limit`` offers of ``docs`` (ascending doc numbers, all in ``scores``) in
    the order asked for, with their exact scores (``scores`` may hold bounds:
    `indexer.searching.bonus.settle`).

    Relevance: the offers whose score could reach the first ``limit`` are picked with a
    threshold before the full sort key is built. Dates: the offers are walked in an
    order computed once per index generation, until ``limit`` are found.
    """
    posted = columns.values["posted"]
    is_open = columns.open_flags(as_of)

    if sort == "pertinence" and by_score:
        # At equal relevance: open offers first, then the newest.
        scores = settle(scores, docs, limit)
        candidates, values = top_candidates(docs, scores.scores_of(docs), limit)
        score = dict(zip(candidates, values))
        key = lambda d: (-round(score[d], 6), 0 if is_open[d] else 1, -posted[d], d)
        ordered = heapq.nsmallest(limit, candidates, key=key)
        return [(d, score[d]) for d in ordered]
    member = np.zeros(columns.size, dtype=bool)
    member[docs] = True
    if sort == "cloture":
        # Open offers by nearest deadline (those without one last), then closed ones,
        # the most recently closed first.
        ordered = _first(columns.order_array("deadline"), member, limit, is_open)
        if len(ordered) < limit:
            ordered += _first(columns.order_array("closed"), member, limit - len(ordered),
                              ~is_open)
    elif sort == "date":
        ordered = _first(columns.order_array("posted"), member, limit)
    else:  # browsing without a query: open first, newest first
        by_posted = columns.order_array("posted")
        ordered = _first(by_posted, member, limit, is_open)
        if len(ordered) < limit:
            ordered += _first(by_posted, member, limit - len(ordered), ~is_open)
    scores = settle(scores, np.array(sorted(d for d in ordered if d in scores), dtype=np.int64),
                    None)
    return [(d, scores.get(d, 0.0)) for d in ordered]
