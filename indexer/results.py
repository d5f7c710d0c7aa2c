"""Plain result objects returned by the query API; no Whoosh object leaves `indexer/`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Hit:
    """One result: the offer's fields as plain data, its score and an HTML-safe snippet."""

    reference: str
    slug: str
    title: str
    employer: str | None
    commune: str | None
    province: str | None
    location: str | None
    respnc: str | None
    posted: str | None  # ISO date
    deadline: str | None  # ISO date
    status: str  # "ouverte" | "clôturée"
    score: float
    snippet: str  # HTML: escaped offer text with <mark> around matched words
    title_html: str = ""  # HTML: escaped title with matches marked
    # HTML of each label free text matched (employer, direction, location, commune, province,
    # respnc, rome_label, corps), escaped, with its matches marked; labels not matched are absent.
    fields_html: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OfferHighlight:
    """An offer's title and sections as escaped HTML, the matched words in <mark>."""

    title_html: str
    sections: list[tuple[str, str]]  # (heading, HTML)
    matched: bool


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    fallback: str | None = None  # None, "or" or "fuzzy"
    sort: str = "pertinence"
    filters: dict[str, list[str]] = field(default_factory=dict)
    elapsed_ms: float = 0.0
    notices: list[str] = field(default_factory=list)  # French, e.g. "requête tronquée"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by `offres search --json` and `/api/search`."""
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "sort": self.sort,
            "filters": self.filters,
            "hits": [dataclasses.asdict(hit) for hit in self.hits],
            "facets": {
                name: [dataclasses.asdict(v) for v in values]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "fallback": self.fallback,
            "notices": self.notices,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }
