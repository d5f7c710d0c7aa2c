"""The read side: snapshots, query resolution, scoring, facets, ranking, highlighting, and
the `Index` facade that puts them together."""

from indexer.searching.facets import FACETS
from indexer.searching.index import MAX_PER_PAGE, MAX_WINDOW, Index, open_index
from indexer.searching.ranking import SORTS

__all__ = ["FACETS", "Index", "MAX_PER_PAGE", "MAX_WINDOW", "SORTS", "open_index"]
