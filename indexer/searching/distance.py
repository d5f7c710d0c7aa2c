"""Bounded edit distance for typo tolerance and "Vouliez-vous dire" suggestions."""

from __future__ import annotations


def max_edits(word: str) -> int:
    """Typo budget by length, as the best engines do: 0 under 5 letters, 1 from 5, 2 from 9."""
    n = len(word)
    return 0 if n < 5 else 1 if n < 9 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters costs 1), or limit+1 past it.

    edit_distance("socail", "social", 2) -> 1
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (previous2 is not None and i > 1 and j > 1
                    and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]):
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
