"""The website with Flask's test client, on a real index built from fixture offers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from searchweb import SECURITY_HEADERS, create_app, frdates
from searchweb.ratelimit import RateLimiter
from searchweb.state import FACET_ORDER, SearchState
from web_helpers import (
    EDUCATEUR_OFFER, FIXTURE_OFFERS, WEB_AS_OF, XSS_IMG, XSS_OFFER, XSS_PAYLOADS, XSS_SCRIPT,
    build_web_index,
)

TOTAL = 5 + len(FIXTURE_OFFERS)
TEMPLATES = Path(__file__).resolve().parents[2] / "searchweb" / "templates"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def web_index_dir(tmp_path_factory) -> Path:
    return build_web_index(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def index(web_index_dir):
    from indexer import open_index

    with open_index(web_index_dir) as opened:
        yield opened


def make_app(index_dir, **config):
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF,
                      "RATELIMIT_PER_MINUTE": 0, "RATELIMIT_SUGGEST_PER_MINUTE": 0, **config})
    app.testing = True
    return app


@pytest.fixture(scope="module")
def app(web_index_dir):
    app = make_app(web_index_dir)
    yield app
    app.extensions["offres_index"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(element) -> str:
    """An element's text with whitespace collapsed, as a reader sees it."""
    return " ".join(element.get_text().split())


def hit_cards(page: BeautifulSoup) -> list[dict]:
    """The result list as data: title text, link, marked words, status, dates."""
    cards = []
    for article in page.select("ol.hits > li > article.hit"):
        link = article.select_one(".hit-title a")
        times = {t.parent.get_text(" ", strip=True).split(" ")[0]: t["datetime"]
                 for t in article.select(".hit-dates time")}
        cards.append({
            "title": text(link),
            "href": link["href"],
            "slug": urlsplit(link["href"]).path.rsplit("/", 1)[-1],
            "marks": [m.get_text() for m in article.select("mark")],
            "snippet_marks": [m.get_text() for m in article.select(".hit-snippet mark")],
            "status": text(article.select_one(".status")),
            "posted": times.get("Déposée"),
            "deadline": times.get("Date"),
        })
    return cards


def facet_panel(page: BeautifulSoup) -> dict[str, list[tuple[str, int, bool, str]]]:
    """{facet: [(value, count, checked, toggle url)]} as the page shows it."""
    panel = {}
    for fieldset in page.select("fieldset.facet"):
        rows = []
        for box in fieldset.select("input[type=checkbox]"):
            label = page.select_one(f"label[for={box['id']}]")
            count = int(label.select_one(".count").find(string=True, recursive=False))
            rows.append((box["value"], count, box.has_attr("checked"), box["data-toggle-url"]))
        panel[fieldset["data-facet"]] = rows
    return panel


def chips(page: BeautifulSoup) -> list[tuple[str, str]]:
    return [(text(a), a["href"]) for a in page.select("ul.chips a.chip")]


# -- the search page ---------------------------------------------------------------------


def test_search_page_renders_every_offer_without_a_query(client, index):
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "fr"
    form = page.select_one("form[role=search]")
    assert form["method"] == "get" and form["action"] == "/"
    assert page.select_one("label[for=q]") and page.select_one("input#q")["name"] == "q"
    assert page.select_one("a.skip-link")["href"] == "#contenu"
    assert page.select_one("main#contenu")
    summary = page.select_one(".summary").get_text(" ", strip=True)
    assert summary.startswith(f"{TOTAL} offres trouvées, page 1 sur 2")
    # The time taken is for developers: a response header, not the page.
    assert not re.search(r"ms\b", summary)
    assert re.fullmatch(r"search;dur=\d+\.\d", response.headers["Server-Timing"])
    expected = index.search("", as_of=WEB_AS_OF)
    assert [c["slug"] for c in hit_cards(page)] == [h.slug for h in expected.hits]
    # Browsing lists open offers first, newest first.
    closed = [c["status"].startswith("clôturée le ") for c in hit_cards(page)]
    assert closed == sorted(closed)


def test_educateur_finds_the_accented_original_and_marks_it(client):
    page = soup(client.get("/?q=educateur"))
    cards = {c["slug"]: c for c in hit_cards(page)}
    card = cards[EDUCATEUR_OFFER.slug]
    assert card["title"] == EDUCATEUR_OFFER.title
    assert "Éducateur" in card["marks"]  # title, original capital and accent
    # The snippet marks the word as the offer spells it (accent kept), not the folded query.
    assert "éducateur" in [m.lower() for m in card["snippet_marks"]]
    snippet = str(page.select_one(f"a[href^='/offres/{EDUCATEUR_OFFER.slug}']")
                  .find_parent("article").select_one(".hit-snippet"))
    assert re.search(r'<mark class="match[^"]*">[Éé]ducateur</mark>', snippet)
    # The link to the offer carries the search, for highlights and the way back.
    assert card["href"] == f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur"


def test_hit_shows_employer_place_french_dates_and_closing_soon(client):
    page = soup(client.get("/?q=educateur"))
    article = page.select_one(f"a[href^='/offres/{EDUCATEUR_OFFER.slug}']").find_parent("article")
    assert article.select_one(".hit-employer").get_text() == "Province Sud"
    assert "Nouméa" in article.select_one(".hit-place").get_text()
    dates = article.select_one(".hit-dates").get_text(" ", strip=True)
    assert "Déposée le vendredi 8 août 2025" in dates
    assert "Date limite : lundi 18 août 2025" in dates
    assert article.select_one(".status").get_text() == "clôture dans 3 jours"
    assert "status-soon" in article.select_one(".status")["class"]


def test_facets_match_the_index_and_toggle_urls_are_built_in_python(client, index):
    page = soup(client.get("/?q=social"))
    panel = facet_panel(page)
    expected = index.search("social", as_of=WEB_AS_OF)
    # The provinces are the employers here: the province facet would repeat the employer's.
    assert expected.facets["province"] == expected.facets["employer"] and "province" not in panel
    for name, values in expected.facets.items():
        if values and name != "province":
            assert [(v, c) for v, c, _, _ in panel[name]] == [(v.value, v.count) for v in values]
    employer = {value: (count, checked, url) for value, count, checked, url in panel["employer"]}
    assert employer["Province Sud"][1] is False
    assert employer["Province Sud"][2] == "/?q=social&employer=Province+Sud"
    labels = [legend.get_text() for legend in page.select("fieldset.facet legend")]
    assert "Employeur" in labels and "Commune" in labels and "Statut" in labels


def test_selected_facet_is_checked_chipped_and_removable(client):
    page = soup(client.get("/?q=social&employer=Province+Sud"))
    panel = facet_panel(page)
    sud = next(row for row in panel["employer"] if row[0] == "Province Sud")
    assert sud[2] is True and sud[3] == "/?q=social"
    assert chips(page) == [("Retirer le filtre Employeur : Province Sud ×", "/?q=social")]
    assert page.select_one("a.chip-clear")["href"] == "/?q=social"
    # The search form keeps the filter; the facet form keeps the query.
    assert page.select_one("form[role=search] input[type=hidden][name=employer]")["value"] == "Province Sud"
    assert page.select_one("form.facet-form input[type=hidden][name=q]")["value"] == "social"


def test_two_values_of_one_facet_or_combine_and_counts_follow(client, index):
    both = client.get("/api/search?employer=Province+Sud&employer=Province+Nord").get_json()
    sud = client.get("/api/search?employer=Province+Sud").get_json()
    nord = client.get("/api/search?employer=Province+Nord").get_json()
    assert both["total"] == sud["total"] + nord["total"]
    page = soup(client.get("/?employer=Province+Sud&employer=Province+Nord"))
    assert [text for text, _ in chips(page)] == [
        "Retirer le filtre Employeur : Province Sud ×", "Retirer le filtre Employeur : Province Nord ×"]
    assert dict((t, h) for t, h in chips(page))[
        "Retirer le filtre Employeur : Province Sud ×"] == "/?employer=Province+Nord"
    communes = {v: c for v, c, _, _ in facet_panel(page)["commune"]}
    everything = {v: c for v, c, _, _ in facet_panel(soup(client.get("/")))["commune"]}
    # Every offer has at most one commune (some have none, e.g. "Grand Nouméa").
    assert sum(communes.values()) <= both["total"] < TOTAL
    assert sum(communes.values()) < sum(everything.values())


def test_filters_across_facets_and_chips(client):
    page = soup(client.get("/?q=social&employer=Province+Sud&commune=Noum%C3%A9a"))
    assert chips(page) == [
        ("Retirer le filtre Employeur : Province Sud ×", "/?q=social&commune=Noum%C3%A9a"),
        ("Retirer le filtre Commune : Nouméa ×", "/?q=social&employer=Province+Sud"),
    ]
    assert page.select_one(".facets-panel summary").get_text(strip=True) == "Filtrer les offres (2 actifs)"


def test_sort_links_and_date_order(client):
    page = soup(client.get("/?sort=date&page=2"))
    sorts = [(a.get_text(), a["href"], a.get("aria-current")) for a in page.select("nav.sort a")]
    assert sorts == [("pertinence", "/", None), ("date de dépôt", "/?sort=date", "true"),
                     ("date limite", "/?sort=cloture", None)]
    first = hit_cards(soup(client.get("/?sort=date")))
    posted = [c["posted"] for c in first]
    assert posted == sorted(posted, reverse=True)
    by_deadline = client.get("/api/search?sort=cloture").get_json()["hits"]
    open_deadlines = [h["deadline"] for h in by_deadline if h["status"] == "ouverte"]
    assert open_deadlines == sorted(open_deadlines)


def test_pagination(client):
    first = soup(client.get("/"))
    links = [(a.get_text(), a["href"], a.get("rel")) for a in first.select("nav.pagination a")]
    assert links == [("2", "/?page=2", None), ("Suivante", "/?page=2", ["next"])]
    assert first.select_one("nav.pagination [aria-current=page]").get_text() == "1"
    second = soup(client.get("/?page=2"))
    assert len(hit_cards(second)) == TOTAL - 10
    assert second.select_one("nav.pagination a[rel=prev]")["href"] == "/"
    assert second.select_one("nav.pagination [aria-current=page]").get_text() == "2"
    assert not set(c["slug"] for c in hit_cards(first)) & set(c["slug"] for c in hit_cards(second))
    beyond = soup(client.get("/?page=7"))
    assert "au-delà des résultats" in beyond.select_one(".results").get_text()


@pytest.mark.parametrize("url", [
    "/", "/?q=educateur", "/?q=social&employer=Province+Sud&employer=Province+Nord&sort=date&page=2",
    "/?q=%C3%A9ducateur+%22jeunes+enfants%22&status=ouverte&commune=Noum%C3%A9a&sort=cloture",
])
def test_search_state_round_trips_through_the_url(url):
    query = urlsplit(url).query
    state = SearchState.from_args(MultiDict(parse_qs(query, keep_blank_values=True)))
    rebuilt = state.url("/")
    assert SearchState.from_args(MultiDict(parse_qs(urlsplit(rebuilt).query))) == state
    assert sorted(parse_qs(urlsplit(rebuilt).query).items()) == sorted(parse_qs(query).items())


def test_suggestion_and_fallback_messages(client):
    typo = client.get("/api/search?q=educatuer").get_json()
    assert (typo["suggestion"], typo["fallback"]) == ("éducateur", "fuzzy")
    page = soup(client.get("/?q=educatuer&employer=Province+Sud"))
    assert text(page.select_one(".suggestion")) == "Vouliez-vous dire : éducateur ?"
    link = page.select_one(".suggestion a")
    assert link.get_text() == "éducateur"
    assert link["href"] == "/?" + urlencode({"q": "éducateur", "employer": "Province Sud"})
    assert text(page.select_one(".fallback")) == (
        "Aucun résultat exact, voici des résultats approchants.")
    assert hit_cards(page)
    exact = soup(client.get("/?q=educateur"))
    assert exact.select_one(".suggestion") is None and exact.select_one(".fallback") is None
    mixed = client.get("/api/search?q=comptable+infirmier").get_json()
    assert mixed["fallback"] == "or"
    assert soup(client.get("/?q=comptable+infirmier")).select_one(".fallback")


def test_no_results_is_friendly(client):
    page = soup(client.get("/?q=zzzzqqqq"))
    assert page.select_one(".summary").get_text(" ", strip=True).startswith(
        "Aucune offre ne correspond à cette recherche.")
    assert page.select_one(".empty")


# -- suggestions as you type -------------------------------------------------------------


def test_suggest_returns_titles_and_facet_values_bounded(client):
    data = client.get("/api/suggest?q=educ").get_json()
    assert data["query"] == "educ"
    titles = [s["label"] for s in data["suggestions"] if s["kind"] == "offre"]
    assert EDUCATEUR_OFFER.title in titles
    assert all("duc" in t.lower() for t in titles)
    communes = client.get("/api/suggest?q=noum").get_json()["suggestions"]
    assert {"kind": "commune", "label": "Nouméa", "url": "/?commune=Noum%C3%A9a"}.items() <= next(
        s for s in communes if s["kind"] == "commune").items()
    assert len(client.get("/api/suggest?q=social").get_json()["suggestions"]) <= 10
    assert client.get("/api/suggest?q=e").get_json()["suggestions"] == []
    assert client.get('/api/suggest?q="assist').status_code == 200


# -- the offer page ----------------------------------------------------------------------


def offer_fields(page: BeautifulSoup) -> dict[str, str]:
    return {div.dt.get_text(): div.dd.get_text() for div in page.select("dl.offer-fields > div")}


def json_ld(page: BeautifulSoup) -> dict:
    blocks = page.select('script[type="application/ld+json"]')
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def test_offer_page_header_sections_similar_and_back_link(client):
    response = client.get(f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur&employer=Province+Sud")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == EDUCATEUR_OFFER.title
    # Who, where (once), until when first; then what eligibility depends on.
    assert offer_fields(page) == {
        "Employeur": "Province Sud",
        "Lieu de travail": "Nouméa",  # the province is the employer just above
        "Date limite de candidature": "lundi 18 août 2025",
        "Corps ou cadre d’emploi": "Rédacteur",
        "Emploi RESPNC": "Travailleur social",
        "Date de dépôt": "vendredi 8 août 2025",
        "Référence": "3134-25-2101/SR",
    }
    assert page.select_one(".offer-status").get_text() == "clôture dans 3 jours"
    headings = [h.get_text() for h in page.select(".offer-section h2")]
    assert headings == ["Détails de l’offre", "Missions"]
    assert [li.get_text() for li in page.select(".offer-section ul li")] == [
        "l’accueil et l’information du public ;", "le suivi administratif des dossiers."]
    # The search's words are marked in the title and the text, in their original spelling.
    assert "Éducateur" in [m.get_text() for m in page.h1.select("mark")]
    assert "éducateur" in [m.get_text() for m in page.select(".offer-section mark")]
    back = page.select_one("a.back-link")
    assert back["href"] == "/?q=educateur&employer=Province+Sud"
    assert back.get_text() == "← Retour aux résultats"
    similar = page.select("aside.similar article.hit a")
    assert similar and all(a["href"].startswith("/offres/") for a in similar)
    assert f"/offres/{EDUCATEUR_OFFER.slug}" not in [a["href"] for a in similar]
    canonical = page.select_one("link[rel=canonical]")["href"]
    assert canonical == f"http://localhost/offres/{EDUCATEUR_OFFER.slug}"


def test_offer_page_without_search_has_no_marks(client):
    page = soup(client.get(f"/offres/{EDUCATEUR_OFFER.slug}"))
    assert not page.select("mark")
    assert page.select_one("a.back-link")["href"] == "/"


def test_offer_json_ld(client):
    page = soup(client.get(f"/offres/{EDUCATEUR_OFFER.slug}"))
    data = json_ld(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    assert data["title"] == EDUCATEUR_OFFER.title
    assert "éducateur spécialisé accompagne" in data["description"]
    assert data["datePosted"] == "2025-08-08"
    assert data["validThrough"].startswith("2025-08-18T23:59:59+11:00")
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "Province Sud"}
    assert data["jobLocation"] == {"@type": "Place", "address": {
        "@type": "PostalAddress", "addressCountry": "NC", "addressLocality": "Nouméa",
        "addressRegion": "Province Sud"}}
    assert data["identifier"]["value"] == "3134-25-2101/SR"


def test_offer_found_by_reference_redirects_to_its_slug(client):
    response = client.get("/offres/3134-25-2101?q=x")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/offres/{EDUCATEUR_OFFER.slug}?q=x")


def test_api_offer_is_offer_to_dict_without_the_source_path(client, index):
    data = client.get(f"/api/offres/{EDUCATEUR_OFFER.slug}").get_json()
    expected = index.get(EDUCATEUR_OFFER.slug).to_dict()
    assert expected.pop("source")
    assert data == expected


# -- the JSON API ------------------------------------------------------------------------


def test_api_search_is_exactly_search_page_to_dict(client, index):
    data = client.get("/api/search?q=social&employer=Province+Sud&sort=date&per_page=3&page=2").get_json()
    expected = index.search("social", filters={"employer": ["Province Sud"]}, sort="date",
                            page=2, per_page=3, as_of=WEB_AS_OF).to_dict()
    assert list(data) == list(expected)
    data.pop("elapsed_ms"), expected.pop("elapsed_ms")
    assert data == json.loads(json.dumps(expected))


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.get_json()
    assert data == {"status": "ok", "doc_count": TOTAL, "build": data["build"]}
    assert re.fullmatch(r"[\w.-]+\.\d+", data["build"])  # the build's folder and generation


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["page=abc", "page=-5", f"page={10**9}", "page=0", "page=1.5",
                                   "per_page=0", "per_page=abc", "page=²", "sort=bogus",
                                   "page=60&per_page=50"])
def test_bad_parameters_are_400_in_french(client, query):
    api = client.get(f"/api/search?{query}")
    assert api.status_code == 400
    body = api.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 400
    assert re.search(r"invalide|inconnu|au-delà", body["error"])
    html = client.get(f"/?{query}")
    assert html.status_code == 400
    page = soup(html)
    assert page.select_one(".error-box[role=alert]")
    assert page.select_one("input#q")  # the form is still there


def test_unknown_parameters_are_ignored(client):
    assert client.get("/api/search?foo=bar&debug=1&as_of=2000-01-01").get_json()["total"] == TOTAL
    many = "&".join(f"x{i}=y" for i in range(5000))
    assert client.get(f"/api/search?{many}").get_json()["total"] == TOTAL


def test_too_many_or_too_long_values_are_400(client):
    values = "&".join("employer=a" + str(i) for i in range(21))
    assert client.get(f"/api/search?{values}").status_code == 400
    assert client.get("/api/search?" + urlencode({"commune": "x" * 201})).status_code == 400
    long_query = client.get("/api/search?" + urlencode({"q": "a" * 100_000}))
    assert long_query.status_code == 400 and "1000 caractères" in long_query.get_json()["error"]
    assert soup(client.get("/?" + urlencode({"q": "a" * 5000}))).select_one(".error-box")


@pytest.mark.parametrize("q", [
    "(" * 5000 + ")" * 5000, "((((", '""""', "AND OR NOT", "-", "*:*", "*", "*a*", "?a?",
    "body:*e*", "a*", "développeur~3", "~5/0", "(a+)+$", ".*e.*", "[", "date:[garbage to ]",
    'date:"^H"', "ref:x", "path:/etc", "a\x00b", "\x00", "\u2028", "' onmouseover='alert(1)",
    " ".join(["éducateur"] * 3000)[:999], " OR ".join(f"mot{i}" for i in range(150)),
])
def test_hostile_queries_never_500(client, q):
    for path in ("/", "/api/search", "/api/suggest", "/flux.atom"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code in (200, 400), (path, q[:40], response.status_code)


def test_raw_invalid_utf8_in_the_url_never_500(client):
    for raw in ("q=%FF%FE", "q=%ED%A0%80", "employer=%C0%AF", "q=%00", "sort=%FF"):
        assert client.get(f"/?{raw}").status_code in (200, 400), raw
        assert client.get(f"/api/search?{raw}").status_code in (200, 400), raw


OPERATORS = st.lists(
    st.sampled_from(list('ab éèç"()*?~^:-+[]{}/\\!&|<>\'\x00') + [" AND ", " OR ", " NOT ", "educ"]),
    max_size=25).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=OPERATORS, page=st.one_of(st.none(), st.text(max_size=6)), sort=st.sampled_from(
    ["pertinence", "date", "cloture", "", "x"]))
def test_fuzzed_search_parameters_answer_200_or_400(client, q, page, sort):
    params = {"q": q, "sort": sort}
    if page is not None:
        params["page"] = page
    response = client.get("/api/search", query_string=params)
    assert response.status_code in (200, 400)
    body = response.get_json()
    assert ("error" in body) == (response.status_code == 400)


@pytest.mark.parametrize("path", [
    "/offres/nexistepas", "/offres/../../etc/passwd", "/offres/%2e%2e%2f", "/offres/%2e%2e%2fetc%2fpasswd",
    "/offres/" + "a" * 5000, "/offres/-abc", "/offres/abc_def", "/offres/%00", "/offres/abc%20def",
    "/offres/3134-25-2101-SR.json", "/offres/..%5c..%5cwindows", "/offres/C:%5Cx",
    "/offres/%2Fetc%2Fpasswd", "/offres/%FF%FE", "/offres/abc%0a",
])
def test_bad_slugs_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    api = client.get("/api" + path)
    assert api.status_code == 404
    assert api.get_json() == {"error": api.get_json()["error"], "status": 404}


def test_unknown_page_and_method(client):
    assert client.get("/console").status_code == 404
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert soup(response).h1.get_text() == "Page introuvable"
    assert client.post("/").status_code == 405
    assert client.delete("/api/search").get_json()["status"] == 405


def test_large_body_is_413(client):
    response = client.post("/api/search", data="x" * 20_000,
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


def test_unexpected_error_is_a_french_500_without_traceback(web_index_dir):
    app = make_app(web_index_dir)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Erreur du serveur" in text
    assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text
    assert app.debug is False


def test_index_file_vanishing_mid_request_is_a_503(web_index_dir):
    app = make_app(web_index_dir)

    @app.get("/api/swap")
    def swap():
        raise FileNotFoundError("index/builds/old/_MAIN_3.toc")

    response = app.test_client().get("/api/swap")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["status"] == 503 and "_MAIN" not in response.get_data(as_text=True)


def test_missing_index_is_503_and_opened_lazily(tmp_path):
    app = make_app(tmp_path / "nothing-built-yet")
    assert app.extensions["offres_index"]._index is None  # nothing opened at creation
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503
    assert "construction" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and api.get_json()["status"] == 503
    assert client.get("/healthz").status_code == 503


def test_index_is_opened_once_and_shared(app, client):
    client.get("/")
    first = app.extensions["offres_index"]._index
    client.get("/?q=social")
    assert app.extensions["offres_index"]._index is first is not None


# -- security ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=social", f"/offres/{EDUCATEUR_OFFER.slug}",
                                  "/api/search", "/api/suggest?q=soc", "/flux.atom", "/healthz",
                                  "/offres/nope", "/api/offres/nope", "/static/offres.css",
                                  "/?page=abc"])
def test_security_headers_everywhere(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_no_inline_script_or_style_in_pages(client):
    for path in ["/", "/?q=educateur&employer=Province+Sud", f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur",
                 "/offres/nope"]:
        page = soup(client.get(path))
        assert not page.select("[style]") and not page.select("style")
        for script in page.select("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path
        for element in page.find_all(True):
            assert not any(attr.startswith("on") for attr in element.attrs), (path, element.name)


def test_templates_never_mark_stored_fields_safe():
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", text), template.name
        assert "autoescape false" not in text and "Markup(" not in text, template.name


def assert_no_raw_payload(text: str, where: str) -> None:
    for payload in XSS_PAYLOADS:
        assert payload not in text, (where, payload)
    assert "<script>alert" not in text and "</script><script>" not in text, where


def test_xss_payloads_in_queries_are_escaped_everywhere(client):
    attribute = soup(client.get("/?" + urlencode({"q": "' onmouseover='alert(1)"})))
    assert attribute.select_one("input#q")["value"] == "' onmouseover='alert(1)"
    assert not attribute.select("[onmouseover]")
    for payload in XSS_PAYLOADS:
        params = urlencode({"q": payload, "commune": payload, "employer": XSS_IMG})
        for path in (f"/?{params}", f"/api/search?{params}", f"/flux.atom?{params}",
                     f"/api/suggest?{urlencode({'q': payload})}",
                     f"/offres/{EDUCATEUR_OFFER.slug}?{params}"):
            response = client.get(path)
            assert response.status_code in (200, 400), path
            assert_no_raw_payload(response.get_data(as_text=True), path)
    page = soup(client.get("/?" + urlencode({"q": XSS_SCRIPT, "commune": XSS_IMG})))
    assert page.select_one("input#q")["value"] == XSS_SCRIPT  # shown back as text
    assert not page.select("img")
    assert [c[0] for c in chips(page)] == [f"Retirer le filtre Commune : {XSS_IMG} ×"]


def test_xss_payloads_in_an_offer_are_escaped_everywhere(client):
    slug = XSS_OFFER.slug
    paths = ["/", "/?q=accueil", "/?q=piege", f"/offres/{slug}", f"/offres/{slug}?q=alert+img",
             f"/api/offres/{slug}", "/api/search?q=accueil", "/api/search?per_page=50",
             "/flux.atom", "/flux.atom?q=accueil", "/api/suggest?q=agent"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_raw_payload(response.get_data(as_text=True), path)
    page = soup(client.get(f"/offres/{slug}"))
    assert page.h1.get_text() == XSS_OFFER.title  # the text survives, as text
    assert not page.select("img") and len(page.select("script")) == 2
    data = json_ld(page)
    assert data["title"] == XSS_OFFER.title
    assert XSS_IMG in data["description"]
    raw = page.select_one('script[type="application/ld+json"]').string
    assert "</" not in raw and "<" not in raw and "\\u003c/script\\u003e" in raw
    api = client.get(f"/api/offres/{slug}")
    assert api.get_json()["title"] == XSS_OFFER.title  # same data once decoded


def test_rate_limit_answers_429_with_retry_after(web_index_dir):
    app = make_app(web_index_dir, RATELIMIT_PER_MINUTE=3)
    client = app.test_client()
    assert [client.get("/api/search").status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/search?q=x")
    assert limited.status_code == 429
    assert limited.get_json() == {"error": limited.get_json()["error"], "status": 429}
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    page = client.get("/")
    assert page.status_code == 429 and "Trop de requêtes" in page.get_data(as_text=True)
    other = client.get("/api/search", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    assert client.get(f"/offres/{EDUCATEUR_OFFER.slug}").status_code == 200  # pages stay readable


def test_rate_limiter_memory_is_bounded():
    now = [0.0]
    limiter = RateLimiter(2, max_clients=100, clock=lambda: now[0])
    for i in range(1000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter) == 100
    assert [limiter.hit("a"), limiter.hit("a")] == [0, 0]
    assert limiter.hit("a") == 60
    now[0] = 45.5
    assert limiter.hit("a") == 15
    now[0] = 60.0
    assert limiter.hit("a") == 0


# -- Atom --------------------------------------------------------------------------------


def test_atom_feed_is_valid_and_newest_first(client):
    response = client.get("/flux.atom?q=social&employer=Province+Sud")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://localhost/flux.atom?q=social&employer=Province+Sud&sort=date"
    entries = feed.findall(f"{ATOM}entry")
    expected = client.get("/api/search?q=social&employer=Province+Sud&sort=date&per_page=20").get_json()
    assert len(entries) == len(expected["hits"]) > 0
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert ids == [f"http://localhost/offres/{h['slug']}" for h in expected["hits"]]
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    for entry in entries:
        dt.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/offres/")


def test_search_page_links_its_feed(client):
    page = soup(client.get("/?q=social&page=2"))
    assert page.select_one('link[type="application/atom+xml"]')["href"] == "/flux.atom?q=social&sort=date"


# -- French dates --------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (dt.date(2025, 8, 8), "vendredi 8 août 2025"),
    ("2025-08-01", "vendredi 1er août 2025"),
    (dt.date(2024, 12, 25), "mercredi 25 décembre 2024"),
    (dt.date(2025, 2, 3), "lundi 3 février 2025"),
    (None, ""),
    ("pas une date", ""),
])
def test_long_date(value, expected):
    assert frdates.long_date(value) == expected


@pytest.mark.parametrize("deadline, label, kind", [
    (None, "ouverte", "open"),
    ("2025-08-14", "clôturée le 14 août 2025", "closed"),
    ("2025-07-01", "clôturée le 1er juillet 2025", "closed"),
    ("2025-08-15", "clôture aujourd’hui", "soon"),
    ("2025-08-16", "clôture demain", "soon"),
    ("2025-08-18", "clôture dans 3 jours", "soon"),
    ("2025-08-22", "clôture dans 7 jours", "soon"),
    ("2025-08-23", "ouverte", "open"),
])
def test_deadline_status(deadline, label, kind):
    assert frdates.deadline_status(deadline, dt.date(2025, 8, 15)) == frdates.DeadlineStatus(label, kind)


@pytest.mark.parametrize("total, text", [(0, "aucune offre"), (1, "1 offre"), (12345, "12\u202f345 offres")])
def test_count_offers(total, text):
    assert frdates.count_offers(total) == text


_facet_values = st.lists(st.sampled_from(["Province Sud", "Nouméa", "a&b=c", "é è", "x+y", "%"]),
                         max_size=3, unique=True)


@settings(max_examples=300, deadline=None)
@given(q=st.sampled_from(["", "educateur", "a&b", "é \"x\""]),
       filters=st.dictionaries(st.sampled_from(FACET_ORDER), _facet_values, max_size=3),
       sort=st.sampled_from(["pertinence", "date", "cloture"]),
       page=st.integers(1, 3), per_page=st.sampled_from([10, 20]),
       name=st.sampled_from(FACET_ORDER), values=_facet_values)
def test_toggle_urls_are_the_toggled_states_urls(q, filters, sort, page, per_page, name, values):
    state = SearchState(q=q, filters={k: tuple(v) for k, v in filters.items() if v}, sort=sort,
                        page=page, per_page=per_page)
    values = values + list(state.filters.get(name, ()))
    assert state.toggle_urls(name, values, "/") == [state.toggled(name, v).url("/") for v in values]
