"""Ordering: the first offers of a result set by relevance, deposit date or deadline, open
offers first at equal relevance and when browsing."""

from __future__ import annotations

import datetime as dt
import heapq

from indexer.clock import is_closed
from indexer.searching.columns import Columns

SORTS = ("pertinence", "date", "cloture")


def top_candidates(scores: dict[int, float], docs, limit: int) -> list[int]:
    """The documents of ``docs`` whose score could reach the first ``limit``: those at or
    above the ``limit``-th best score (ties included), picked before any sort key is built."""
    every = len(docs) == len(scores)  # no filter: docs is the set of scores
    values = scores.values() if every else (s for d, s in scores.items() if d in docs)
    floor = round(heapq.nlargest(limit, values)[-1], 6) - 1e-6
    return [d for d, s in scores.items() if s >= floor and (every or d in docs)]


def _first(order: list[int], docs: set[int], limit: int, keep=None) -> list[int]:
    """The first ``limit`` documents of ``order`` that are in ``docs`` (and pass ``keep``)."""
    out: list[int] = []
    if limit <= 0:
        return out
    for d in order:
        if d in docs and (keep is None or keep(d)):
            out.append(d)
            if len(out) == limit:
                break
    return out


def order(scores: dict[int, float], docs, sort: str, columns: Columns, as_of: dt.date,
          limit: int, by_score: bool) -> list[tuple[int, float]]:
    """The first ``limit`` offers of ``docs`` in the order asked for, with their scores.

    Relevance: the offers whose score could reach the first ``limit`` are picked with a
    threshold before the full sort key is built. Dates: the offers are walked in an
    order computed once per index generation, until ``limit`` are found.
    """
    posted = columns.values["posted"]
    deadline = columns.values["deadline"]
    today = as_of.toordinal()

    def is_open(d: int) -> bool:
        return not is_closed(deadline[d], today)

    if sort == "pertinence" and by_score:
        # At equal relevance: open offers first, then the newest.
        candidates = top_candidates(scores, docs, limit) if len(docs) > 2 * limit else docs
        key = lambda d: (-round(scores[d], 6), 0 if is_open(d) else 1, -posted[d], d)
        ordered = heapq.nsmallest(limit, candidates, key=key)
    elif sort == "cloture":
        # Open offers by nearest deadline (those without one last), then closed ones,
        # the most recently closed first.
        ordered = _first(columns.order("deadline"), docs, limit, is_open)
        if len(ordered) < limit:
            ordered += _first(columns.order("closed"), docs, limit - len(ordered),
                              lambda d: not is_open(d))
    elif sort == "date":
        ordered = _first(columns.order("posted"), docs, limit)
    else:  # browsing without a query: open first, newest first
        by_posted = columns.order("posted")
        ordered = _first(by_posted, docs, limit, is_open)
        if len(ordered) < limit:
            ordered += _first(by_posted, docs, limit - len(ordered), lambda d: not is_open(d))
    return [(d, scores.get(d, 0.0)) for d in ordered]
