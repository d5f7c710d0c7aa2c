"""The search state carried in the URL: parsed strictly from query parameters, and turned
back into URLs (facet toggles, chips, sort, pages) in Python so templates only display.

``?q=educateur&employer=Province+Sud&employer=Province+Nord&sort=date&page=2``
-> ``SearchState(q="educateur", filters={"employer": ["Province Sud", "Province Nord"]},
sort="date", page=2)``
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import quote_plus, urlencode

from indexer.searching import FACETS, MAX_PER_PAGE, MAX_WINDOW, SORTS

DEFAULT_SORT = "pertinence"
DEFAULT_PER_PAGE = 10

# Bounds on what one URL may ask for; beyond them the request is refused with a 400.
MAX_QUERY_CHARS = 1000
MAX_VALUES_PER_FACET = 20
MAX_VALUE_CHARS = 200
MAX_PAGE = MAX_WINDOW  # page 1000 of 1 result per page is the furthest the index goes

FACET_LABELS = {
    "status": "Statut",
    "posted": "Date de dépôt",
    "employer": "Employeur",
    "province": "Province",
    "zone": "Secteur",
    "commune": "Commune",
    "contract": "Recrutement",
    "category": "Catégorie",
    "rome": "Famille de métiers (ROME)",
    "respnc": "Emploi RESPNC (famille de métiers)",
    "corps": "Corps",
    "residence": "Durée de résidence exigée",
    "direction": "Direction",
}
# The order facets appear in, on the page and in URLs.
FACET_ORDER = tuple(name for name in FACET_LABELS if name in FACETS) + tuple(
    name for name in FACETS if name not in FACET_LABELS)

SORT_LABELS = {"pertinence": "pertinence", "date": "date de dépôt", "cloture": "date limite"}


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message is French and shown to the user."""


@dataclass(frozen=True)
class SearchState:
    """Everything a results page depends on, and nothing else."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    # -- reading -------------------------------------------------------------------------

    @classmethod
    def from_args(cls, args) -> "SearchState":
        """Read only the known parameters of a Werkzeug MultiDict; raise BadParameter."""
        q = args.get("q", "")
        if len(q) > MAX_QUERY_CHARS:
            raise BadParameter(f"la recherche dépasse {MAX_QUERY_CHARS} caractères")
        filters: dict[str, tuple[str, ...]] = {}
        for name in FACET_ORDER:
            values = [v.strip() for v in args.getlist(name) if v.strip()]
            if len(values) > MAX_VALUES_PER_FACET:
                raise BadParameter(f"trop de valeurs pour le filtre « {FACET_LABELS[name]} »")
            if any(len(v) > MAX_VALUE_CHARS for v in values):
                raise BadParameter(f"valeur trop longue pour le filtre « {FACET_LABELS[name]} »")
            if values:
                filters[name] = tuple(dict.fromkeys(values))
        sort = args.get("sort", DEFAULT_SORT) or DEFAULT_SORT
        if sort not in SORTS:
            raise BadParameter(
                f"tri inconnu : « {sort[:40]} » (valeurs possibles : {', '.join(SORTS)})")
        page = _positive_int(args.get("page"), "page", 1, MAX_PAGE)
        per_page = _positive_int(args.get("per_page"), "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        if page * per_page > MAX_WINDOW:
            raise BadParameter(
                f"au-delà des {MAX_WINDOW} premiers résultats, affinez la recherche")
        return cls(q=q.strip(), filters=filters, sort=sort, page=page, per_page=per_page)

    @property
    def filter_lists(self) -> dict[str, list[str]]:
        """The filters in the shape `Index.search` takes."""
        return {name: list(values) for name, values in self.filters.items()}

    # -- changing (every change but paging goes back to page 1) ----------------------------

    def replace(self, **changes) -> "SearchState":
        return dataclasses.replace(self, **changes)

    def toggled(self, name: str, value: str) -> "SearchState":
        current = self.filters.get(name, ())
        values = tuple(v for v in current if v != value) if value in current else current + (value,)
        filters = {k: v for k, v in self.filters.items() if k != name}
        if values:
            filters[name] = values
        return self.replace(filters=_ordered(filters), page=1)

    def toggle_urls(self, name: str, values, path: str) -> list[str]:
        """``[self.toggled(name, v).url(path) for v in values]``, encoding the parameters
        the toggles share once (a results page has a hundred facet links)."""
        rank = FACET_ORDER.index(name)
        before = SearchState(q=self.q, filters={k: v for k, v in self.filters.items()
                                                if FACET_ORDER.index(k) < rank})
        after = SearchState(filters={k: v for k, v in self.filters.items()
                                     if FACET_ORDER.index(k) > rank},
                            sort=self.sort, per_page=self.per_page)
        head = [before.query_string()] if before.params() else []
        tail = [after.query_string()] if after.params() else []
        current = self.filters.get(name, ())
        key = quote_plus(name) + "="
        encoded = {v: key + quote_plus(v) for v in current}
        urls = []
        for value in values:
            chosen = tuple(v for v in current if v != value) if value in current \
                else current + (value,)
            middle = [encoded[v] if v in encoded else key + quote_plus(v) for v in chosen]
            qs = "&".join(head + middle + tail)
            urls.append(f"{path}?{qs}" if qs else path)
        return urls

    def without_filters(self) -> "SearchState":
        return self.replace(filters={}, page=1)

    def sorted_by(self, sort: str) -> "SearchState":
        return self.replace(sort=sort, page=1)

    def at_page(self, page: int) -> "SearchState":
        return self.replace(page=page)

    # -- writing -------------------------------------------------------------------------

    def params(self, with_page: bool = True) -> list[tuple[str, str]]:
        """Query parameters in a stable order, defaults left out (so shared URLs stay short)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACET_ORDER:
            pairs.extend((name, value) for value in self.filters.get(name, ()))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if with_page and self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def hidden_params(self) -> list[tuple[str, str]]:
        """What a form that changes only `q` (or only the filters) must carry along."""
        return [(k, v) for k, v in self.params(with_page=False) if k != "q"]

    def base_params(self) -> list[tuple[str, str]]:
        """What the facet form carries along besides the filters it holds."""
        return [(k, v) for k, v in self.params(with_page=False) if k not in self.filters]

    def query_string(self, with_page: bool = True) -> str:
        return urlencode(self.params(with_page))

    def url(self, path: str, with_page: bool = True) -> str:
        qs = self.query_string(with_page)
        return f"{path}?{qs}" if qs else path


def _ordered(filters: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {name: filters[name] for name in FACET_ORDER if name in filters}


def _positive_int(raw: str | None, name: str, default: int, maximum: int) -> int:
    if raw is None or raw == "":
        return default
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        raise BadParameter(f"paramètre « {name} » invalide : un nombre entier entre 1 et "
                           f"{maximum} est attendu")
    value = int(raw)
    if not 1 <= value <= maximum:
        raise BadParameter(f"paramètre « {name} » invalide : un nombre entier entre 1 et "
                           f"{maximum} est attendu")
    return value
