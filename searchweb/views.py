"""Routes. Each view reads the request, calls one data function, and renders or serialises.

The HTML search page and `/api/search` share `run_search`; the offer page and
`/api/offres/<slug>` share `load_offer`.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from indexer import Index, Offer, QueryError, SearchPage
from indexer.analysis import fold_words
from searchweb import offerpage
from searchweb.headers import SECURITY_HEADERS
from searchweb.index import get_index, today
from searchweb.feed import NOUMEA, atom_feed
from searchweb.schemaorg import job_posting, script_json
from searchweb.presenters import (
    OfferView, Section, hit_card, search_view, text_blocks, without_pictograms,
)
from searchweb.state import BadParameter, SearchState
from searchweb import frdates

bp = Blueprint("web", __name__)

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,80}")
FEED_SIZE = 20
SUGGEST_MIN_CHARS = 2
SUGGEST_MAX_CHARS = 100
SUGGEST_LIMIT = 10
SUGGEST_WORDS = 4  # completed words, before the offers and facet values
SUGGEST_FACETS = {"employer": "employeur", "commune": "commune"}
# The map's background; its origin is added to the offer page's img-src. "" = no tiles.
DEFAULT_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
# What /api/offres/<slug> leaves out: where the file sits on the server is nobody's business.
PRIVATE_OFFER_FIELDS = ("source",)


# -- data functions (shared by HTML and JSON) ----------------------------------------------


def run_search(state: SearchState) -> SearchPage:
    """The one search call behind `/`, `/api/search` and `/flux.atom`."""
    return get_index().search(state.q, filters=state.filter_lists, sort=state.sort,
                              page=state.page, per_page=state.per_page, as_of=today())


def load_offer(slug: str) -> tuple[Index, Offer]:
    """The offer behind a URL slug; 404 for anything that is not a well-formed, known slug."""
    if not SLUG.fullmatch(slug):
        abort(404)
    index = get_index()
    offer = index.get(slug)
    if offer is None:
        abort(404)
    return index, offer


def canonical_slug(index: Index, offer: Offer, slug: str) -> str:
    return (index.slug_of(offer.reference) if offer.reference else None) or slug


def offer_url(slug: str, state: SearchState | None = None, external: bool = False) -> str:
    """An offer page URL; with a search state, it carries the search (for highlights and
    the link back to the results)."""
    path = url_for("web.offer_page", slug=slug, _external=external)
    return state.url(path, with_page=True) if state is not None else path


def lenient_state() -> SearchState:
    """The search an offer page was reached from; an unusable one is simply dropped."""
    try:
        return SearchState.from_args(request.args)
    except BadParameter:
        return SearchState()


# -- HTML ------------------------------------------------------------------------------------


@bp.get("/")
def search():
    try:
        state = SearchState.from_args(request.args)
        page = run_search(state)
    except (BadParameter, QueryError) as exc:
        # A refused query keeps the page usable: the form, with the reason, and a 400.
        state = SearchState(q=request.args.get("q", "")[:200])
        return render_template("search.html", view=None, state=state, error=str(exc)), 400
    view = search_view(
        page, state, today(), path=url_for("web.search"),
        offer_url=lambda slug: offer_url(slug, state),
        feed_path=url_for("web.feed"), api_path=url_for("web.api_search"),
        alert_path=url_for("web.alert"),
    )
    response = current_app.make_response(
        render_template("search.html", view=view, state=state, error=None))
    # The time taken is for developers: in the response headers, not on the page.
    response.headers["Server-Timing"] = f"search;dur={page.elapsed_ms:.1f}"
    return response


@bp.get("/offres/<slug>")
def offer_page(slug: str):
    index, offer = load_offer(slug)
    canonical = canonical_slug(index, offer, slug)
    if canonical != slug:
        return redirect(offer_url(canonical) + _query_suffix(), code=301)
    return render_offer(index, offer, canonical, lenient_state())


def render_offer(index: Index, offer: Offer, canonical: str, state: SearchState) -> Response:
    """The offer page for `offer` (its images policy widened to the map tiles if shown)."""
    as_of = today()
    title_html, sections, highlighted = highlight_offer(index, canonical, offer, state.q)
    similar = [hit_card(hit, offer_url(hit.slug), as_of)
               for hit in index.more_like(offer.reference or canonical, limit=5, as_of=as_of)
               if hit.slug != canonical]
    canonical_url = url_for("web.offer_page", slug=canonical, _external=True)
    shown = [Section(without_pictograms(heading), text_blocks(body)) for heading, body in sections]
    tiles = current_app.config.get("MAP_TILES", DEFAULT_MAP_TILES)
    view = OfferView(
        offer=offer,
        title_html=title_html,
        fields=offerpage.key_facts(offer),
        other_fields=offerpage.other_facts(offer),
        status=frdates.deadline_status(offer.deadline, as_of),
        sections=[s for s in shown if not offerpage.is_apply_heading(s.heading)],
        apply=offerpage.apply_block(offer, as_of),
        apply_sections=[s for s in shown if offerpage.is_apply_heading(s.heading)],
        rescheduled=offerpage.rescheduled_notice(offer.text),
        map=offerpage.map_point(offer),
        map_tiles=tiles,
        similar=similar,
        back_url=state.url(url_for("web.search")),
        back_label="Retour aux résultats" if state.params() else "Voir toutes les offres",
        query=state.q,
        canonical_url=canonical_url,
        json_ld=script_json(job_posting(offer, canonical_url)),
        api_url=url_for("web.api_offer", slug=canonical),
        highlighted=highlighted,
    )
    response = current_app.make_response(render_template("offer.html", view=view, state=state))
    if view.map and tiles:
        response.headers["Content-Security-Policy"] = _with_image_origin(tiles)
    return response


def _with_image_origin(url: str) -> str:
    """The site's CSP, images also allowed from the origin of `url` (the map tiles)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    return policy.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


def _query_suffix() -> str:
    qs = request.query_string.decode("latin-1")
    return f"?{qs}" if qs else ""


def highlight_offer(index: Index, slug: str, offer: Offer, q: str) -> tuple[Markup, list[tuple[str, Markup]], bool]:
    """The title and sections, escaped, with the words the search matches marked."""
    sections = list(offer.sections) or [("", offer.text)]
    plain = (escape(offer.title), [(h, escape(t)) for h, t in sections], False)
    if not q:
        return plain
    marked = index.highlight(slug, q)
    if marked is None:
        return plain
    return (Markup(marked.title_html), [(h, Markup(html)) for h, html in marked.sections],
            marked.matched)


# -- JSON ------------------------------------------------------------------------------------


@bp.get("/api/search")
def api_search():
    return jsonify(run_search(SearchState.from_args(request.args)).to_dict())


@bp.get("/api/offres/<slug>")
def api_offer(slug: str):
    _, offer = load_offer(slug)
    data = offer.to_dict()
    for name in PRIVATE_OFFER_FIELDS:
        data.pop(name, None)
    return jsonify(data)


@bp.get("/api/suggest")
def api_suggest():
    """Words that complete the last one, then titles, employers and communes for what is
    being typed; at most SUGGEST_LIMIT."""
    q = " ".join(request.args.get("q", "").split())[:SUGGEST_MAX_CHARS]
    suggestions = []
    if len(q) >= SUGGEST_MIN_CHARS:
        index = get_index()
        try:
            page = index.search(q, per_page=5, as_of=today(), prefix=True)
        except QueryError:  # half-typed syntax (an open quote...) is not an error yet
            page = None
        if page is not None:
            others = _suggestions(q, page)
            # A completed word that is also a commune or employer offered is left to it.
            labels = {fold_words(s["label"]) for s in others if s["kind"] != "offre"}
            words = [s for s in _word_suggestions(index, q) if fold_words(s["label"]) not in labels]
            suggestions = words + others
    return jsonify({"query": q, "suggestions": suggestions[:SUGGEST_LIMIT]})


def _word_suggestions(index: Index, q: str) -> list[dict]:
    """The query with its last word completed through the analyzer (« educ » -> éducateur,
    éducatrice…), the ones that find the most open offers first."""
    return [{"kind": "recherche", "label": c.query,
             "detail": (frdates.count_offers(c.open_offers) + " ouverte"
                        + ("s" if c.open_offers > 1 else "")) if c.open_offers
             else frdates.count_offers(c.offers),
             "url": SearchState(q=c.query).url(url_for("web.search"))}
            for c in index.complete(q, as_of=today(), limit=SUGGEST_WORDS)]


def _suggestions(q: str, page: SearchPage) -> list[dict]:
    """Offers whose title the query matches (through the analyzer: the search's own marks),
    then employers and communes that contain the text typed."""
    needle = fold_words(q)
    found = []
    for hit in page.hits:
        if "<mark" not in hit.title_html:
            continue
        found.append({"kind": "offre", "label": hit.title, "detail": hit.employer or "",
                      "url": offer_url(hit.slug, SearchState(q=q))})
    for facet, kind in SUGGEST_FACETS.items():
        for value in page.facets.get(facet, []):
            folded = fold_words(value.value)
            if needle in folded:
                found.append({
                    "kind": kind, "label": value.value,
                    "detail": frdates.count_offers(value.count),
                    "url": SearchState(filters={facet: (value.value,)}).url(url_for("web.search")),
                    "_starts": folded.startswith(needle),
                })
    # Offers first (ranked by the search), then values that start with the text typed.
    found.sort(key=lambda s: (s["kind"] != "offre", not s.get("_starts", True)))
    for item in found:
        item.pop("_starts", None)
    return found


@bp.get("/healthz")
def healthz():
    index = get_index()
    return jsonify({"status": "ok", "doc_count": index.doc_count(), "build": index.build_id()})


# -- Atom --------------------------------------------------------------------------------------


def feed_search() -> tuple[SearchState, SearchPage, str]:
    """The newest offers of the search in the URL, and how to name it: the one data
    function behind the Atom feed and its readable page."""
    state = SearchState.from_args(request.args).replace(sort="date", page=1, per_page=FEED_SIZE)
    page = run_search(state)
    described = f"« {state.q} »" if state.q else "toutes les offres"
    if state.filters:
        described += " (" + ", ".join(v for vs in state.filters.values() for v in vs) + ")"
    return state, page, described


@bp.get("/flux.atom")
def feed():
    state, page, described = feed_search()
    body = atom_feed(
        page,
        title=f"Offres d’emploi public — {described}",
        self_url=state.replace(per_page=10).url(url_for("web.feed", _external=True),
                                                with_page=False),
        html_url=state.replace(per_page=10).url(url_for("web.search", _external=True),
                                                with_page=False),
        offer_url=lambda slug: offer_url(slug, external=True),
        now=dt.datetime.now(NOUMEA),
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/alerte")
def alert():
    """The Atom feed for people: what it is, how to follow it, its URL to copy, its entries."""
    state, page, described = feed_search()
    as_of = today()
    shared = state.replace(per_page=SearchState().per_page)  # the feed's own URL, as it links itself
    hits = [hit_card(hit, offer_url(hit.slug), as_of) for hit in page.hits]
    return render_template(
        "alert.html", described=described, hits=hits,
        feed_url=shared.url(url_for("web.feed", _external=True), with_page=False),
        feed_path=shared.url(url_for("web.feed"), with_page=False),
        search_url=shared.replace(sort=SearchState().sort).url(url_for("web.search"),
                                                                with_page=False))


@bp.get("/favicon.ico")
def favicon():
    """For browsers and feed readers that ask without reading the page's <link rel=icon>."""
    return current_app.send_static_file("favicon.ico")
