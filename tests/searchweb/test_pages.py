"""The pages a job seeker sees, through Flask's test client on a real index: what each
shows first, how to apply, closed offers, headings, the alert page (parsed HTML compared)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from searchweb import create_app
from searchweb.state import SearchState
from searchweb.views import render_offer
from web_helpers import (
    EDUCATEUR_OFFER, OPT_JSONLD_SLUG, OPT_MARKDOWN_SLUG, OPT_STATED, WEB_AS_OF, build_web_index,
)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    index_dir = build_web_index(tmp_path_factory.mktemp("pages"), with_opt=True)
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF,
                      "RATELIMIT_PER_MINUTE": 0, "RATELIMIT_SUGGEST_PER_MINUTE": 0})
    app.testing = True
    yield app
    app.extensions["offres_index"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def filled_offer_page(app, slug: str, **config):
    """The offer page for the offer as its file states it: the parsed offer, plus what
    OPT_STATED says the file states and the parser does not read yet."""
    from searchweb import get_index

    app.config.update(config)
    with app.test_request_context(f"/offres/{slug}"):
        index = get_index()
        offer = index.get(slug)
        missing = {k: v for k, v in OPT_STATED[slug].items() if getattr(offer, k) is None}
        response = app.process_response(render_offer(index, offer.replace(**missing), slug,
                                                     SearchState()))
    return response, BeautifulSoup(response.get_data(as_text=True), "html.parser")


# -- ranking: open offers first --------------------------------------------------------------


def _twin_offer(reference: str, deadline: dt.date) -> str:
    return (f"# Plombier chauffagiste\n\nRéférence : {reference} du 01/08/2025\n\n"
            "Employeur : Province Sud\n\nLieu de travail : Bourail\n\n"
            "Date de dépôt de l’offre : vendredi 1 août 2025\n\n"
            f"Date limite de candidature : {deadline:%d/%m/%Y}\n\n"
            "# Missions :\n\nEntretien des réseaux d’eau des bâtiments provinciaux.\n")


def test_open_offers_come_first_at_equal_relevance_and_when_browsing(tmp_path):
    from indexer import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # Same words, same dates but the deadline: only the status can order them.
    for ref, deadline in (("3134-25-3001/SR", dt.date(2025, 8, 1)),
                          ("3134-25-3002/SR", dt.date(2025, 9, 1)),
                          ("3134-25-3003/SR", dt.date(2025, 8, 10))):
        (corpus / f"{ref.replace('/', '-')}.txt").write_text(_twin_offer(ref, deadline),
                                                               encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        for query in ("plombier", "", "eau bourail"):
            page = index.search(query, as_of=WEB_AS_OF)
            assert [(h.reference, h.status) for h in page.hits][0] == ("3134-25-3002/SR", "ouverte")
            assert [h.status for h in page.hits] == ["ouverte", "clôturée", "clôturée"], query


# -- the results page ----------------------------------------------------------------------


def test_badges_in_words_and_closed_offers_stepped_back(client):
    page = soup(client.get("/?per_page=50"))
    cards = {a["href"].split("?")[0].rsplit("/", 1)[-1]: a.find_parent("article")
             for a in page.select("ol.hits .hit-title a")}
    educateur = cards[EDUCATEUR_OFFER.slug]
    assert words(educateur.select_one(".status")) == "clôture dans 3 jours"
    assert "hit-closed" not in educateur["class"]
    comptable = cards["3134-25-2105-SR"]
    assert words(comptable.select_one(".status")) == "clôturée le 18 juillet 2025"
    assert "hit-closed" in comptable["class"]
    # A closed card says when it closed once, not a "date limite" besides.
    assert "Date limite" not in words(comptable)
    statuses = [("hit-closed" in card["class"]) for card in cards.values()]
    assert statuses == sorted(statuses)  # browsing: open first


def test_closed_offers_are_one_click_away(client):
    closed = {v["value"]: v["count"] for v in
              client.get("/api/search?q=social").get_json()["facets"]["status"]}["clôturée"]
    page = soup(client.get("/?q=social"))
    hide = page.select_one(".closed-toggle a")
    assert words(hide) == f"Masquer les offres clôturées ({closed})"
    assert parse_qs(urlsplit(hide["href"]).query) == {"q": ["social"], "status": ["ouverte"]}
    hidden = soup(client.get(hide["href"]))
    assert not hidden.select(".hit-closed") and hidden.select("ol.hits .hit")
    show = hidden.select_one(".closed-toggle a")
    assert words(show) == f"Afficher aussi les offres clôturées ({closed})"
    assert show["href"] == "/?q=social"
    # No toggle when there is nothing to hide.
    assert soup(client.get("/?q=infirmier")).select_one(".closed-toggle") is None


def test_headings_nest_and_results_come_before_filters(client):
    page = soup(client.get("/?q=social"))
    levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4"])]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert {h.name for h in page.select(".hit-title")} == {"h3"}
    assert page.select_one("#results-heading").name == "h2"
    order = [el.get("class", [None])[0] for el in page.select(".results, .facets-panel")]
    assert order == ["results", "facets-panel"]
    toggle = page.select_one("a.filters-toggle")
    assert toggle["href"] == "#filtres" and page.select_one("details#filtres.facets-panel")


def test_filters_button_counts_the_active_filters(client):
    page = soup(client.get("/?q=social&employer=Province+Sud&commune=Noum%C3%A9a"))
    assert words(page.select_one("a.filters-toggle")) == "Filtres (2)"
    assert words(soup(client.get("/?q=social")).select_one("a.filters-toggle")) == "Filtres"


def test_posted_facet_reads_in_plain_french(client):
    page = soup(client.get("/"))
    labels = [words(s) for s in page.select("fieldset[data-facet=posted] .facet-value")]
    assert labels == ["7 derniers jours", "30 derniers jours", "il y a plus de 30 jours"]
    values = [i["value"] for i in page.select("fieldset[data-facet=posted] input")]
    assert values == ["7 derniers jours", "30 derniers jours", "plus ancien"]
    assert "plus ancien" not in words(page.select_one("main"))


def test_developer_details_stay_out_of_sight(client):
    response = client.get("/?q=social")
    page = soup(response)
    shown = words(page.select_one("main"))
    assert " ms" not in shown and "JSON" not in shown and "Atom" not in shown
    assert page.select_one('link[rel=alternate][type="application/json"]')["href"] == \
        "/api/search?q=social"
    assert response.headers["Server-Timing"].startswith("search;dur=")
    offer = soup(client.get(f"/offres/{EDUCATEUR_OFFER.slug}"))
    assert "JSON" not in words(offer.select_one("main"))
    assert offer.select_one('link[rel=alternate][type="application/json"]')["href"] == \
        f"/api/offres/{EDUCATEUR_OFFER.slug}"
    data = client.get(f"/api/offres/{EDUCATEUR_OFFER.slug}").get_json()
    assert "source" not in data and data["reference"] == "3134-25-2101/SR"
    assert "/corpus/" not in client.get(f"/api/offres/{EDUCATEUR_OFFER.slug}").get_data(as_text=True)


def test_favicon_is_served(client):
    page = soup(client.get("/"))
    icons = [link["href"] for link in page.select("link[rel=icon]")]
    # Static URLs carry the file's hash (searchweb/static.py).
    assert [icon.split("?v=")[0] for icon in icons] == ["/static/favicon.svg", "/favicon.ico"]
    for url in icons:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype.startswith("image/"), url


# -- the offer page ------------------------------------------------------------------------


def test_seed_offer_start_in_french_and_moved_deadline_kept(client):
    page = soup(client.get("/offres/3134-24-1986-SR"))
    facts = {words(d.dt): words(d.dd) for d in page.select("dl.offer-key > div")}
    assert facts["Poste à pourvoir"] == "mardi 29 avril 2025"
    assert words(page.select_one(".rescheduled")) == (
        "Modification de la date de clôture initialement prévue le vendredi 10 janvier 2025")
    assert "2025-04-29" not in words(page.select_one("main"))


def test_offer_first_screen_and_postuler_block_of_a_markdown_offer(app):
    response, page = filled_offer_page(app, OPT_MARKDOWN_SLUG)
    header = page.select_one(".offer-header")
    assert words(header.h1) == "Technicien(ne) réseaux - Agence de Koné"
    assert words(header.select_one(".offer-status")) == "clôture demain"
    facts = [(words(d.dt), words(d.dd)) for d in header.select("dl.offer-key > div")]
    assert facts == [("Lieu de travail", "Koné (Province Nord)"),
                     ("Date limite de candidature", "samedi 16 août 2025"),
                     ("Poste à pourvoir", "DÈS QUE POSSIBLE")]
    assert words(header).count("Koné") == 2  # the title and the place, nothing twice
    assert header.select_one("a.button[href='#postuler']").get_text() == "Postuler"
    apply = page.select_one("section#postuler")
    assert words(apply.h2) == "Postuler"
    assert words(apply.select_one(".apply-deadline")).startswith(
        "Candidatures jusqu’au samedi 16 août 2025")
    links = [(a.get_text(), a["href"]) for a in apply.select(".apply-contacts a")]
    assert links == [
        ("recrutement@example.nc", "mailto:recrutement@example.nc?subject=Candidature%20%E2%80%94%20"
                                   "3134-25-2201%2FSR%20%E2%80%94%20Technicien%28ne%29%20r%C3%A9seaux"
                                   "%20-%20Agence%20de%20Kon%C3%A9"),
        ("27.11.22", "tel:+687271122"), ("77.88.99", "tel:+687778899")]
    # The offer's own sections on applying move into the block (not shown twice).
    assert [words(h) for h in apply.select("h3")] == [
        "Pièces à fournir", "Contact & Modalités de candidature"]
    assert [words(li) for li in apply.select(".apply-section")[0].select("li")] == [
        "Lettre de motivation", "Curriculum vitae", "Copie du dernier diplôme"]
    # Pictograms opening headings and items are left out (empty boxes without an emoji font).
    assert [words(h) for h in page.select(".offer-section h2")] == [
        "Description du poste & Contexte", "Missions et Activités"]
    assert [words(li) for li in apply.select(".apply-section")[1].select("li")] == [
        "Par email : recrutement@example.nc", "Par téléphone : 27.11.22 ou 77.88.99"]
    assert [(a.get_text(), a["href"]) for a in apply.select(".apply-sources a")] == [
        ("Télécharger l’offre d’origine (PDF)", "https://data.example.nc/avp/25-2201.pdf")]


def test_map_uses_leaflet_from_static_and_the_tile_origin_only(app):
    response, page = filled_offer_page(app, OPT_MARKDOWN_SLUG)
    box = page.select_one("#carte.offer-map")
    assert (box["data-lat"], box["data-lon"]) == ("-21.0581", "164.8615")
    assert box["data-tiles"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert page.select_one("script[src^='/static/leaflet/leaflet.js?v=']")
    assert page.select_one("link[href^='/static/leaflet/leaflet.css?v=']")
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy
    plain, page = filled_offer_page(app, OPT_JSONLD_SLUG)
    assert page.select_one("#carte") is None and not page.select("script[src*=leaflet]")
    assert "img-src 'self' data:;" in plain.headers["Content-Security-Policy"]
    try:
        _, page = filled_offer_page(app, OPT_MARKDOWN_SLUG, MAP_TILES="")
        assert page.select_one("#carte")["data-tiles"] == ""
    finally:
        app.config.pop("MAP_TILES")


def test_closed_json_ld_offer_says_applications_are_over(app):
    _, page = filled_offer_page(app, OPT_JSONLD_SLUG)
    assert page.select_one(".offer-header a.button") is None
    apply = page.select_one("section#postuler")
    assert words(apply.select_one(".apply-deadline")) == (
        "Cette offre est clôturée le 30 mai 2025 : les candidatures ne sont plus reçues.")
    assert [a["href"] for a in apply.select(".apply-contacts a")][1] == "tel:+687451234"
    facts = dict((words(d.dt), words(d.dd)) for d in page.select("dl.offer-key > div"))
    assert facts["Lieu de travail"] == "Lifou (Province des Îles Loyauté)"


def test_offer_without_contact_points_to_the_employer(client):
    apply = soup(client.get(f"/offres/{EDUCATEUR_OFFER.slug}")).select_one("section#postuler")
    assert words(apply.select_one(".apply-deadline")).startswith(
        "Candidatures jusqu’au lundi 18 août 2025 clôture dans 3 jours")
    assert words(apply.select_one(".apply-none")) == (
        "L’offre ne précise pas comment postuler : adressez-vous à l’employeur (Province Sud) "
        "en citant la référence 3134-25-2101/SR.")


def test_unsafe_links_from_an_offer_are_not_links(app):
    from searchweb import get_index

    with app.test_request_context(f"/offres/{EDUCATEUR_OFFER.slug}"):
        index = get_index()
        offer = index.get(EDUCATEUR_OFFER.slug).replace(
            url="javascript:alert(1)", pdf_url="data:text/html,x",
            contact_email='x" onclick="alert(1)', contact_phone="javascript:alert(1)")
        html = render_offer(index, offer, EDUCATEUR_OFFER.slug, SearchState()).get_data(
            as_text=True)
    page = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in page.select("a[href]")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert not page.select("[onclick]")
    assert "x&#34; onclick=&#34;alert(1)" in html or "x&quot; onclick" in html


# -- the alert page ------------------------------------------------------------------------


def test_alert_page_explains_the_feed_and_lists_its_entries(client):
    search = soup(client.get("/?q=social&employer=Province+Sud"))
    follow = search.select_one("p.follow a")
    assert words(follow) == "Suivre cette recherche"
    assert follow["href"] == "/alerte?q=social&employer=Province+Sud&sort=date"
    page = soup(client.get(follow["href"]))
    assert words(page.h1) == "Suivre cette recherche : « social » (Province Sud)"
    feed_url = page.select_one("input#feed-url")
    assert feed_url["value"] == "http://localhost/flux.atom?q=social&employer=Province+Sud&sort=date"
    assert feed_url.has_attr("readonly") and page.select_one("label[for=feed-url]")
    assert page.select_one("[data-share-tools][hidden] button[data-copy]")["data-copy"] == \
        feed_url["value"]
    assert "lecteur de flux" in words(page.select_one(".alert-howto"))
    feed = ET.fromstring(client.get(urlsplit(feed_url["value"]).path + "?" +
                                    urlsplit(feed_url["value"]).query).data)
    entries = [e.find(f"{ATOM}link").get("href").replace("http://localhost", "")
               for e in feed.findall(f"{ATOM}entry")]
    assert [a["href"] for a in page.select("ol.hits .hit-title a")] == entries
    assert page.select_one("a.back-link")["href"] == "/?q=social&employer=Province+Sud"


# -- the local filters ---------------------------------------------------------------------


def test_local_filters_on_the_page(client):
    page = soup(client.get("/"))
    legends = [words(f.legend) for f in page.select("fieldset.facet")]
    assert legends == ["Statut", "Date de dépôt", "Employeur", "Province", "Secteur", "Commune",
                       "Famille de métiers (ROME)", "Emploi RESPNC (famille de métiers)", "Corps",
                       "Durée de résidence exigée", "Direction"]
    zone = [(words(s)) for s in page.select("fieldset[data-facet=zone] .facet-value")]
    assert zone == ["Grand Nouméa", "Brousse", "Îles"]
    corps = [words(s) for s in page.select("fieldset[data-facet=corps] .facet-value")]
    assert max(len(c) for c in corps) <= 41 and "Assistant socio-éducatif" in corps
    residence = [words(s) for s in page.select("fieldset[data-facet=residence] .facet-value")]
    assert residence == ["au moins 5 ans"]


def test_province_facet_shown_only_when_it_says_something_new(client):
    # Among the provinces' own offers the provinces are the employers: one facet says it.
    social = soup(client.get("/?q=social"))
    assert social.select_one("fieldset[data-facet=employer]")
    assert social.select_one("fieldset[data-facet=province]") is None
    # With the OPT-NC offers, employers and provinces differ: both are shown.
    everything = soup(client.get("/"))
    employers = [words(s) for s in everything.select("fieldset[data-facet=employer] .facet-value")]
    provinces = [words(s) for s in everything.select("fieldset[data-facet=province] .facet-value")]
    assert provinces and employers != provinces
    # A selected province stays, so that it can be unticked.
    chosen = soup(client.get("/?q=social&province=Province+Sud"))
    assert chosen.select_one("fieldset[data-facet=province] input[checked]")


def test_contract_and_category_values_read_in_french():
    from indexer.results import FacetValue, SearchPage
    from searchweb.presenters import search_view

    page = SearchPage(query="", total=3, page=1, per_page=10, hits=[], facets={
        "contract": [FacetValue("titulaire", 2), FacetValue("contractuel", 1)],
        "category": [FacetValue("B", 3)],
        "rome": [FacetValue("Support à l’entreprise", 3)]})
    view = search_view(page, SearchState(), WEB_AS_OF, path="/", offer_url=str,
                       feed_path="/flux.atom", api_path="/api/search", alert_path="/alerte")
    labels = {g.name: (g.label, [(i.label, i.value) for i in g.items]) for g in view.facets}
    assert labels == {
        "contract": ("Recrutement", [("Fonctionnaire titulaire", "titulaire"),
                                     ("Contractuel", "contractuel")]),
        "category": ("Catégorie", [("Catégorie B", "B")]),
        "rome": ("Famille de métiers (ROME)", [("Support à l’entreprise", "Support à l’entreprise")]),
    }
