"""offres: full-text search over New Caledonia's public-sector job offers.

The Python API::

    from indexer import build_index, open_index
    report = build_index("corpus", "index")
    with open_index("index") as index:
        page = index.search("educatrice", filters={"employer": ["Province Sud"]})
        offer = index.get("3134-25-1255/SR")
"""

from indexer.building import BuildReport, build_index
from indexer.errors import (
    BuildFailedError,
    CorpusNotFoundError,
    IndexLockedError,
    IndexNotFoundError,
    OfferFileError,
    OffresError,
    QueryError,
)
from indexer.offer import Offer
from indexer.parsing import parse_offer
from indexer.results import FacetValue, Hit, SearchPage
from indexer.searching import Index, open_index
from indexer.store import rollback

__all__ = [
    "BuildFailedError", "BuildReport", "CorpusNotFoundError", "FacetValue", "Hit", "Index", "IndexLockedError",
    "IndexNotFoundError", "Offer", "OfferFileError", "OffresError", "QueryError", "SearchPage",
    "build_index", "open_index", "parse_offer", "rollback",
]
