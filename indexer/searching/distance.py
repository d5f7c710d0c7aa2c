"""Typo distance: the budget of edits by word length, and the nearest words of a vocabulary
within it (rapidfuzz's optimal string alignment distance, in C, over the whole vocabulary)."""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA


def max_edits(word: str) -> int:
    """Typo budget by length, as the best engines do: 0 under 5 letters, 1 from 5, 2 from 9."""
    n = len(word)
    return 0 if n < 5 else 1 if n < 9 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters costs 1), or limit+1 past it.

    edit_distance("socail", "social", 2) -> 1
    """
    return OSA.distance(a, b, score_cutoff=limit)


def nearest(word: str, choices: Sequence[str], limit: int) -> list[tuple[str, int]]:
    """Every choice within ``limit`` edits of ``word``, nearest first (whatever its first
    letter: "ducateur" -> [("educateur", 1)]), the word itself excluded."""
    if limit <= 0:
        return []
    found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit,
                            limit=None)
    return sorted(((choice, int(dist)) for choice, dist, _ in found if choice != word),
                  key=lambda pair: (pair[1], pair[0]))
