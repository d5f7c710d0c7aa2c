"""View models: `SearchPage` / `Offer` data turned into what the templates display.

Everything a template shows is computed here (labels, French dates, URLs, Markup for
highlights), so templates never build URLs, format dates or mark anything safe.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape

from indexer.offer import Offer
from indexer.results import Hit, SearchPage
from indexer.clock import STATUS_CLOSED, STATUS_OPEN
from searchweb import frdates
from searchweb.offerpage import ApplyBlock, MapPoint, place_of
from searchweb.state import FACET_LABELS, FACET_ORDER, SORT_LABELS, SearchState

# Facet values shown before the "Afficher N autres" disclosure.
FACET_VISIBLE = 8
# How a facet value reads on the page when the index's value is not plain French.
VALUE_LABELS = {
    ("posted", "plus ancien"): "il y a plus de 30 jours",
    ("contract", "titulaire"): "Fonctionnaire titulaire",
    ("contract", "contractuel"): "Contractuel",
    **{("category", c): f"Catégorie {c}" for c in "ABCD"},
}

PAGINATION_AROUND = 2

OfferUrl = Callable[[str], str]


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool
    url: str  # the same search with this value toggled
    input_id: str


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    items: list[FacetItem]
    more: list[FacetItem]  # beyond FACET_VISIBLE, behind a <details>
    selected_count: int


@dataclass(frozen=True)
class Chip:
    facet: str
    label: str
    value: str
    url: str  # the same search without this value


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None  # None: shown but not a link (current page, ellipsis)
    current: bool = False
    rel: str | None = None
    aria_label: str | None = None


@dataclass(frozen=True)
class HitCard:
    reference: str
    url: str
    title_html: Markup
    employer: str | None
    place: str | None
    posted: str
    posted_iso: str | None
    deadline: str
    deadline_iso: str | None
    status: frdates.DeadlineStatus
    snippet: Markup

    @property
    def closed(self) -> bool:
        return self.status.kind == "closed"


@dataclass
class SearchView:
    state: SearchState
    page: SearchPage
    hits: list[HitCard]
    facets: list[FacetGroup]
    chips: list[Chip]
    clear_url: str | None
    sorts: list[Link]
    pagination: list[Link]
    summary: str
    suggestion_url: str | None
    fallback_message: str | None
    feed_url: str
    alert_url: str
    api_url: str
    beyond_last_page: bool
    first_page_url: str
    active_filters: int = 0
    closed_toggle: Link | None = None  # hide the closed offers, or show them again


def hit_card(hit: Hit, url: str, today: dt.date) -> HitCard:
    """One result as displayed; the index's HTML (escaped text + <mark>) becomes Markup here."""
    return HitCard(
        reference=hit.reference,
        url=url,
        title_html=Markup(hit.title_html) if hit.title_html else escape(hit.title),
        employer=hit.employer,
        # The province is left out when it is the employer just before it.
        place=place_of(hit.commune or hit.location, None,
                       None if hit.province == hit.employer else hit.province),
        posted=frdates.long_date(hit.posted),
        posted_iso=hit.posted,
        deadline=frdates.long_date(hit.deadline),
        deadline_iso=hit.deadline,
        status=frdates.deadline_status(hit.deadline, today),
        snippet=Markup(_PICTOGRAMS_ANYWHERE.sub("", hit.snippet)),
    )


def search_view(page: SearchPage, state: SearchState, today: dt.date, path: str,
                offer_url: OfferUrl, feed_path: str, api_path: str,
                alert_path: str) -> SearchView:
    facets = _distinct([_facet_group(name, page, state, path)
                        for name in FACET_ORDER if name in page.facets])
    chips = [Chip(name, FACET_LABELS.get(name, name), value, state.toggled(name, value).url(path))
             for name in FACET_ORDER for value in state.filters.get(name, ())]
    sorts = [Link(label, state.sorted_by(key).url(path), current=(key == state.sort))
             for key, label in SORT_LABELS.items()]
    suggestion_url = None
    if page.suggestion:
        suggestion_url = state.replace(q=page.suggestion, page=1).url(path)
    fallback_message = None
    if page.fallback:
        fallback_message = "Aucun résultat exact, voici des résultats approchants."
    return SearchView(
        state=state,
        page=page,
        hits=[hit_card(hit, offer_url(hit.slug), today) for hit in page.hits],
        facets=facets,
        chips=chips,
        clear_url=state.without_filters().url(path) if chips else None,
        sorts=sorts,
        pagination=pagination(state, page.pages, path),
        summary=_summary(page),
        suggestion_url=suggestion_url,
        fallback_message=fallback_message,
        feed_url=state.replace(sort="date").url(feed_path, with_page=False),
        alert_url=state.replace(sort="date").url(alert_path, with_page=False),
        api_url=state.url(api_path),
        beyond_last_page=page.total > 0 and not page.hits,
        first_page_url=state.at_page(1).url(path),
        active_filters=len(chips),
        closed_toggle=closed_toggle(page, state, path),
    )


def closed_toggle(page: SearchPage, state: SearchState, path: str) -> Link | None:
    """One click to hide the closed offers of this search, or to show them again."""
    counts = {v.value: v.count for v in page.facets.get("status", [])}
    closed = counts.get(STATUS_CLOSED, 0)
    if state.filters.get("status") == (STATUS_OPEN,):
        if not closed:
            return None
        return Link(f"Afficher aussi les offres clôturées ({frdates.number(closed)})",
                    state.toggled("status", STATUS_OPEN).url(path))
    if "status" in state.filters or not closed or not counts.get(STATUS_OPEN):
        return None
    return Link(f"Masquer les offres clôturées ({frdates.number(closed)})",
                state.toggled("status", STATUS_OPEN).url(path))


def _summary(page: SearchPage) -> str:
    found = frdates.count_offers(page.total)
    if page.total == 0:
        return "Aucune offre ne correspond à cette recherche."
    verb = "trouvée" if page.total == 1 else "trouvées"
    if page.pages > 1:
        return f"{found} {verb}, page {page.page} sur {page.pages}"
    return f"{found} {verb}"


_ID_UNSAFE = re.compile(r"[^a-z0-9]+")


def _distinct(groups: list[FacetGroup]) -> list[FacetGroup]:
    """Leave out a facet that lists the same values and counts as one before it (the
    provinces, where they are also the employers) unless one of its values is selected."""
    kept: list[FacetGroup] = []
    seen: set[tuple] = set()
    for group in groups:
        values = tuple((i.value, i.count) for i in group.items + group.more)
        if values and values in seen and not group.selected_count:
            continue
        seen.add(values)
        kept.append(group)
    return kept


def _facet_group(name: str, page: SearchPage, state: SearchState, path: str) -> FacetGroup:
    values = page.facets[name]
    urls = state.toggle_urls(name, [value.value for value in values], path)
    items = [FacetItem(value.value, VALUE_LABELS.get((name, value.value), value.value),
                       value.count, value.selected, url, f"f-{name}-{i}")
             for i, (value, url) in enumerate(zip(values, urls))]
    # Selected values stay visible even when they rank beyond the cut.
    visible = items[:FACET_VISIBLE] + [i for i in items[FACET_VISIBLE:] if i.selected]
    more = [i for i in items[FACET_VISIBLE:] if not i.selected]
    return FacetGroup(name, FACET_LABELS.get(name, name), visible, more,
                      sum(1 for i in items if i.selected))


def pagination(state: SearchState, pages: int, path: str) -> list[Link]:
    """Previous, first, a window around the current page, last, next; gaps as '…'."""
    if pages <= 1:
        return []
    current = state.page
    links: list[Link] = []
    if current > 1:
        links.append(Link("Précédente", state.at_page(min(current - 1, pages)).url(path),
                          rel="prev", aria_label="Page précédente"))
    shown = {1, pages} | set(range(max(1, current - PAGINATION_AROUND),
                                   min(pages, current + PAGINATION_AROUND) + 1))
    previous = 0
    for number in sorted(shown):
        if number - previous > 1:
            links.append(Link("…", None))
        is_current = number == current
        links.append(Link(str(number), None if is_current else state.at_page(number).url(path),
                          current=is_current, aria_label=f"Page {number}"))
        previous = number
    if current < pages:
        links.append(Link("Suivante", state.at_page(current + 1).url(path), rel="next",
                          aria_label="Page suivante"))
    return links


# -- the offer page ----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # "p" | "ul"
    lines: list[Markup]


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list[Block]


@dataclass
class OfferView:
    offer: Offer
    title_html: Markup
    fields: list[tuple[str, str]]  # the first screen: employer, place, deadline, start
    other_fields: list[tuple[str, str]]  # corps, direction, reference...
    status: frdates.DeadlineStatus
    sections: list[Section]
    apply: ApplyBlock
    apply_sections: list[Section]  # the offer's own "Candidature" / "Pièces à fournir"
    similar: list[HitCard]
    back_url: str
    back_label: str
    query: str
    canonical_url: str
    json_ld: Markup
    api_url: str
    highlighted: bool = False
    rescheduled: str | None = None  # "Modification de la date de clôture initialement…"
    map: MapPoint | None = None
    map_tiles: str = ""  # a Leaflet tile URL template; "" = the marker on a blank map


_BULLET = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")
# Pictograms that open a heading or an item ("📝 Description du poste", "📧 Par email") say
# nothing a reader needs, and show as empty boxes where no emoji font is installed.
_PICTOGRAMS = re.compile("^[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u27BF\u2B00-\u2BFF"
                         "\uFE0F\u200D]+\\s*")


_PICTOGRAMS_ANYWHERE = re.compile(_PICTOGRAMS.pattern.lstrip("^"))


def without_pictograms(text: str) -> str:
    """'📬 Contact & Modalités de candidature' -> 'Contact & Modalités de candidature'."""
    return _PICTOGRAMS.sub("", text)



def text_blocks(text: Markup) -> list[Block]:
    """Split (already escaped and highlighted) section text into paragraphs and lists.

    Marks wrap single words, so splitting on line breaks never cuts one in two.
    """
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", str(text)):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                if paragraph:
                    blocks.append(Block("p", [Markup(" ".join(paragraph))]))
                    paragraph = []
                items.append(without_pictograms(_BULLET.sub("", line)))
            else:
                if items:
                    blocks.append(Block("ul", [Markup(i) for i in items]))
                    items = []
                paragraph.append(without_pictograms(line))
        if paragraph:
            blocks.append(Block("p", [Markup(" ".join(paragraph))]))
        if items:
            blocks.append(Block("ul", [Markup(i) for i in items]))
    return blocks
