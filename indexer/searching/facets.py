"""Facets as data: each kind says where its values come from, how a selection maps onto
them, how counts are labelled and in which order they are listed (as Whoosh's
``sorting.py`` and Datasette's ``facets.py`` have one class per kind).

Counts are disjunctive within a facet (its own filter is left out) and conjunctive across
facets; sets of offers are bitsets (`indexer.searching.bitsets`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np

from indexer import facetvalues
from indexer.analysis import fold
from indexer.clock import STATUS_CLOSED, STATUS_OPEN, is_closed
from indexer.results import FacetValue
from indexer.schema import FACET_FIELDS
from indexer.searching.bitsets import CodedColumn, doc_mask, mask_array
from indexer.searching.columns import Columns


class FieldFacet:
    """A stored facet field: the values offers state, most frequent first."""

    day_dependent = False
    fixed_order: tuple[str, ...] = ()

    def __init__(self, name: str) -> None:
        self.name = name

    def members(self, selected: set[str]) -> set[str]:
        """The column values a selection of labels keeps."""
        return selected

    def coded_column(self, columns: Columns, as_of: dt.date) -> CodedColumn | None:
        """The column's values with each one's set of offers (None: too many values)."""
        return CodedColumn.of(columns.facet(self, as_of))

    def labelled(self, raw: Counter) -> Counter:
        """Column value counts -> label counts (offers without a value are not listed)."""
        return Counter({value: n for value, n in raw.items() if value})

    def order(self, counts: Counter) -> list[str]:
        if self.fixed_order:  # buckets keep their natural order; an unknown selected value goes last
            fixed = self.fixed_order
            return sorted(counts, key=lambda v: (fixed.index(v) if v in fixed else len(fixed), v))
        return sorted(counts, key=lambda v: (-counts[v], fold(v)))


class OrderedFacet(FieldFacet):
    """A stored field whose values have a natural order (categories A to D, contracts,
    zones from the capital outwards)."""

    def __init__(self, name: str, fixed_order: tuple[str, ...]) -> None:
        super().__init__(name)
        self.fixed_order = fixed_order


class ResidenceFacet(FieldFacet):
    """Required residence durations, shortest first ('aucune', 'au moins 3 ans', ...)."""

    def order(self, counts: Counter) -> list[str]:
        return sorted(counts, key=lambda v: (facetvalues.residence_years(v), v))


class StatusFacet(FieldFacet):
    """Open or closed on the day of the search (`indexer.clock.is_closed`)."""

    day_dependent = True
    fixed_order = (STATUS_OPEN, STATUS_CLOSED)

    def derive(self, values: dict[str, list], today: int) -> list:
        """doc number -> value on day ``today``, from the other columns."""
        return [STATUS_CLOSED if is_closed(d, today) else STATUS_OPEN for d in values["deadline"]]

    def coded_column(self, columns: Columns, as_of: dt.date) -> CodedColumn:
        # Coded straight from the open flags: a new day costs no pass in Python.
        codes = np.where(columns.open_flags(as_of), 1, 2).astype(np.uint8)
        return CodedColumn(codes.tobytes(), [None, STATUS_OPEN, STATUS_CLOSED])


POSTED_BUCKETS = ("7 derniers jours", "30 derniers jours", "plus ancien")


class PostedFacet(FieldFacet):
    """Deposit date in buckets that are cumulative for the user ("30 derniers jours"
    includes the last 7); the column holds disjoint buckets, and each label maps to the
    buckets it covers."""

    day_dependent = True
    fixed_order = POSTED_BUCKETS
    _MEMBERS = {
        "7 derniers jours": {"7"},
        "30 derniers jours": {"7", "30"},
        "plus ancien": {"old"},
    }

    def derive(self, values: dict[str, list], today: int) -> list:
        return [None if not p else "7" if today - p <= 7 else "30" if today - p <= 30 else "old"
                for p in values["posted"]]

    def coded_column(self, columns: Columns, as_of: dt.date) -> CodedColumn:
        # `derive` on arrays: the buckets' codes in one pass of numpy.
        posted = columns.array("posted")
        age = as_of.toordinal() - posted
        codes = np.select([posted == 0, age <= 7, age <= 30], [0, 1, 2], 3).astype(np.uint8)
        return CodedColumn(codes.tobytes(), [None, "7", "30", "old"])

    def members(self, selected: set[str]) -> set[str]:
        return set().union(*(self._MEMBERS.get(v, ()) for v in selected))

    def labelled(self, raw: Counter) -> Counter:
        return Counter({label: sum(raw[m] for m in members)
                        for label, members in self._MEMBERS.items()})


_SPECIAL = {kind.name: kind for kind in (
    OrderedFacet("zone", facetvalues.ZONES),
    OrderedFacet("contract", facetvalues.CONTRACTS),
    OrderedFacet("category", facetvalues.CATEGORIES),
    ResidenceFacet("residence"),
)}
KINDS = {kind.name: kind for kind in (
    *(_SPECIAL.get(name) or FieldFacet(name) for name in FACET_FIELDS),
    StatusFacet("status"), PostedFacet("posted"))}
FACETS = tuple(KINDS)


def filter_mask(name: str, selected: set[str], columns: Columns, as_of: dt.date) -> int:
    """The set of the offers a filter keeps."""
    kind = KINDS[name]
    values = kind.members(selected)
    coded = columns.coded(kind, as_of)
    if coded is not None:
        return coded.mask_for(values)
    column = columns.facet(kind, as_of)
    return doc_mask((d for d in columns.live_docs if column[d] in values), columns.size)


def facet_counts(base_mask: int, filter_masks: dict[str, int], selected: dict[str, set[str]],
                 columns: Columns, as_of: dt.date) -> dict[str, list[FacetValue]]:
    """Counts per facet value of the offers of ``base_mask`` that pass the other facets'
    filters; the selected values are listed even when none is left."""
    facets = {}
    for name, kind in KINDS.items():
        mask = base_mask
        for other, other_mask in filter_masks.items():
            if other != name:
                mask &= other_mask
        coded = columns.coded(kind, as_of)
        if coded is not None:
            raw = Counter(coded.counts(mask))
        else:
            raw = Counter(map(columns.facet(kind, as_of).__getitem__,
                              mask_array(mask, columns.size).tolist()))
        counts = Counter({value: n for value, n in kind.labelled(raw).items() if n})
        chosen = selected.get(name, set())
        for value in chosen:
            counts.setdefault(value, 0)
        facets[name] = [FacetValue(v, counts[v], v in chosen) for v in kind.order(counts)]
    return facets
