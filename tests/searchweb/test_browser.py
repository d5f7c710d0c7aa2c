"""The real app under waitress, driven by headless Chromium (Debian's, no browser download).

Skipped when /usr/bin/chromium is missing, unless CI=true (then missing Chromium fails).
Accessibility checks run when axe-core is available locally: the `axe-playwright-python`
package (it ships axe.min.js) or node_modules/axe-core/axe.min.js.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from web_helpers import (
    EDUCATEUR_OFFER, FIXTURE_OFFERS, OPT_JSONLD_SLUG, OPT_MARKDOWN_SLUG, OPT_STATED, WEB_AS_OF,
    build_web_index, stop_server,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TOTAL = 5 + len(FIXTURE_OFFERS) + 2  # the seeds, the fixtures, two OPT-NC-shaped offers
PHONE = {"width": 360, "height": 780}
# The map's configured tiles (no network in tests: each tile request is answered with one
# grey PNG, and counted).
TILES = "https://tile.openstreetmap.org/"


def _grey_png(size: int = 256) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xe4\xe7\xeb" * size for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


GREY_PNG = _grey_png()


def _axe_script() -> str | None:
    local = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if local.exists():
        return local.read_text(encoding="utf-8")
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError:
        return None
    return AXE_SCRIPT


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app served by waitress on a free port of 127.0.0.1, in a background thread."""
    import waitress

    from searchweb import create_app

    index_dir = build_web_index(tmp_path_factory.mktemp("browser"), with_opt=True)
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", app
    stop_server(server, thread)
    app.extensions["offres_index"].close()


@pytest.fixture(scope="module")
def server(served) -> str:
    return served[0]


def serve_as_stated(page, served, slug: str) -> str:
    """Have `page` show /offres/<slug> as the app renders the offer its file states: the
    parsed offer plus what OPT_STATED says the file states and the parser does not read yet.
    Everything else on the page (static files, links) comes from the live server."""
    from searchweb import get_index
    from searchweb.state import SearchState
    from searchweb.views import render_offer

    url, app = served
    with app.test_request_context(f"/offres/{slug}", base_url=url):
        index = get_index()
        offer = index.get(slug)
        missing = {k: v for k, v in OPT_STATED[slug].items() if getattr(offer, k) is None}
        response = app.process_response(render_offer(index, offer.replace(**missing), slug,
                                                     SearchState()))
        body, headers = response.get_data(), dict(response.headers)
    page.route(f"{url}/offres/{slug}", lambda route: route.fulfill(
        status=200, headers=headers, body=body))
    return f"{url}/offres/{slug}"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing and CI=true: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); set CI=true to require it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page plus what went wrong in it (script errors, CSP refusals, failed requests)."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.problems: list[str] = []
        self.tiles: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        context.route(TILES + "**", self._tile)

    def _tile(self, route):
        self.tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=GREY_PNG)

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")


def desktop_context(browser, **options):
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                               **options)


def phone_context(browser, **options):
    return browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True,
                               device_scale_factor=2, **options)


@pytest.fixture
def desktop(browser):
    context = desktop_context(browser)
    watched = Watched(context)
    yield watched
    context.close()
    assert watched.problems == []


@pytest.fixture
def phone(browser):
    context = phone_context(browser)
    watched = Watched(context)
    yield watched
    context.close()
    assert watched.problems == []


@pytest.fixture(params=["desktop", "phone"])
def device(request, browser):
    """Each test that takes it runs at 1280 px and at 360 × 780."""
    make = desktop_context if request.param == "desktop" else phone_context
    context = make(browser)
    watched = Watched(context)
    watched.name = request.param
    yield watched
    context.close()
    assert watched.problems == []


def summary(page) -> str:
    return " ".join(page.locator(".summary").inner_text().split())


def total_of(page) -> int:
    text = summary(page)
    if text.startswith("Aucune"):
        return 0
    return int(re.match(r"(\d+)", text.replace("\u202f", "")).group(1))


def facet_counts(page, facet: str) -> dict[str, int]:
    counts = {}
    for row in page.locator(f"fieldset[data-facet={facet}] li").all():
        value = row.locator(".facet-value").inner_text()
        counts[value] = int(row.locator(".count").inner_text().split()[0])
    return counts


def state_of(page) -> dict:
    """What a shared URL must reproduce: the query, hits, checked boxes, chips, sort."""
    return {
        "q": page.locator("input#q").input_value(),
        "hits": page.locator("ol.hits .hit-title a").evaluate_all("els => els.map(e => e.href)"),
        "checked": page.locator("fieldset.facet input:checked").evaluate_all(
            "els => els.map(e => e.name + '=' + e.value)"),
        "chips": page.locator("ul.chips a.chip").all_inner_texts(),
        "sort": page.locator("nav.sort a[aria-current]").inner_text(),
        "summary": summary(page),
    }


def screenshot(page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_main_flow_on_a_desktop(server, desktop, browser):
    page = desktop.page
    page.goto(server + "/")
    assert summary(page).startswith(f"{TOTAL} offres trouvées")
    assert page.locator("details.facets-panel").evaluate("d => d.open")  # opened on wide screens

    # Type a query and submit with Enter: highlighted results.
    page.locator("input#q").fill("educateur")
    with page.expect_navigation():
        page.locator("input#q").press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["educateur"]
    marks = page.locator("ol.hits mark")
    assert marks.count() > 0
    assert "éducateur" in [m.lower() for m in marks.all_inner_texts()]
    screenshot(page, "search-desktop.png")

    # Tick two facet values: the page reloads with both, and the counts change.
    before_total = total_of(page)
    before_communes = facet_counts(page, "commune")
    with page.expect_navigation():
        page.locator("fieldset[data-facet=employer] input[value='Province Sud']").check()
    after_one = total_of(page)
    assert after_one < before_total
    assert page.locator("fieldset[data-facet=employer] input[value='Province Sud']").is_checked()
    assert facet_counts(page, "commune") != before_communes
    with page.expect_navigation():
        page.locator("fieldset[data-facet=commune] input[value='Nouméa']").check()
    assert total_of(page) < after_one
    assert page.locator("ul.chips a.chip").count() == 2
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["educateur"], "employer": ["Province Sud"], "commune": ["Nouméa"]}
    filtered_url = page.url
    filtered_state = state_of(page)

    # Follow a result to its offer page, then come back to the same results.
    with page.expect_navigation():
        page.locator(f"ol.hits a[href^='/offres/{EDUCATEUR_OFFER.slug}']").click()
    assert urlsplit(page.url).path == f"/offres/{EDUCATEUR_OFFER.slug}"
    assert page.locator("h1").inner_text() == EDUCATEUR_OFFER.title
    assert page.locator(".offer-section mark").count() > 0
    assert "lundi 18 août 2025" in page.locator(".offer-key").inner_text()
    assert page.locator("aside.similar article").count() > 0
    screenshot(page, "offer-desktop.png")
    page.go_back()
    page.wait_for_url(filtered_url)
    assert state_of(page) == filtered_state

    # The link back from the offer page keeps the whole search too.
    page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}?" + urlsplit(filtered_url).query)
    with page.expect_navigation():
        page.locator("a.back-link").click()
    assert state_of(page) == filtered_state

    # Change the sort.
    with page.expect_navigation():
        page.get_by_role("link", name="date de dépôt").click()
    assert parse_qs(urlsplit(page.url).query)["sort"] == ["date"]
    assert page.locator("nav.sort a[aria-current]").inner_text() == "date de dépôt"

    # Page forward while browsing everything.
    page.goto(server + "/")
    first_page = page.locator("ol.hits .hit-title a").all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name="Page suivante").click()
    assert parse_qs(urlsplit(page.url).query)["page"] == ["2"]
    assert summary(page).startswith(f"{TOTAL} offres trouvées, page 2 sur 2")
    assert page.locator("ol.hits li").count() == TOTAL - 10
    assert not set(first_page) & set(page.locator("ol.hits .hit-title a").all_inner_texts())

    # A shared URL opens in the same state, in a fresh browser context.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        shared = other.new_page()
        shared.goto(filtered_url)
        assert state_of(shared) == filtered_state
    finally:
        other.close()


def test_suggestions_while_typing(server, device):
    page = device.page
    page.goto(server + "/")
    field = page.locator("input#q")
    field.press_sequentially("noum", delay=40)
    option = page.locator("#q-suggestions [role=option]", has_text="Nouméa")
    option.first.wait_for(state="visible")
    assert field.get_attribute("aria-expanded") == "true"
    options = page.locator("#q-suggestions [role=option]")
    index = options.all_inner_texts().index(option.first.inner_text())
    plain = options.nth(index).evaluate("li => getComputedStyle(li).backgroundColor")
    for _ in range(index + 1):
        field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == f"q-suggestion-{index}"
    # The selected option shows: CSS and script agree on `li`, and items have room.
    chosen = options.nth(index)
    style = chosen.evaluate("li => { const s = getComputedStyle(li); return "
                            "[s.backgroundColor, s.borderLeftColor, parseFloat(s.paddingLeft), "
                            "parseFloat(s.paddingTop)]; }")
    assert style[0] != plain and style[1] != "rgba(0, 0, 0, 0)"
    assert style[2] >= 8 and style[3] >= 6
    screenshot(page, f"suggestions-{device.name}.png", full_page=False)
    with page.expect_navigation():
        field.press("Enter")
    assert parse_qs(urlsplit(page.url).query) == {"commune": ["Nouméa"]}
    field = page.locator("input#q")
    field.press_sequentially("educ", delay=40)
    page.locator("#q-suggestions [role=option]").first.wait_for(state="visible")
    field.press("Escape")
    assert page.locator("#q-suggestions").is_hidden()


def test_main_flow_on_a_360px_phone(server, phone):
    page = phone.page
    page.goto(server + "/?q=social")
    panel = page.locator("details.facets-panel")
    assert not panel.evaluate("d => d.open")  # collapsed on a phone
    assert page.locator("fieldset[data-facet=employer]").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("ol.hits mark").count() > 0
    # The first result is on the first screen, whole.
    assert box(page, "ol.hits > li")["y"] + box(page, "ol.hits > li")["height"] <= PHONE["height"]
    screenshot(page, "search-phone-first-screen.png", full_page=False)
    screenshot(page, "search-phone.png")

    total = total_of(page)
    toggle = page.locator("a.filters-toggle")
    assert toggle.inner_text() == "Filtres"
    toggle.tap()
    assert panel.evaluate("d => d.open")
    assert toggle.get_attribute("aria-expanded") == "true"
    # An open sheet over the bottom of the screen, its title where the thumb is.
    sheet = panel.bounding_box()
    assert panel.evaluate("d => getComputedStyle(d).position") == "fixed"
    assert sheet["y"] + sheet["height"] == pytest.approx(PHONE["height"], abs=1)
    assert sheet["height"] <= 0.86 * PHONE["height"]
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    screenshot(page, "filters-sheet-phone.png", full_page=False)
    with page.expect_navigation():
        page.locator("fieldset[data-facet=employer] input[value='Province Sud']").tap()
    assert total_of(page) < total
    assert not page.locator("details.facets-panel").evaluate("d => d.open")
    assert page.locator("details.facets-panel > summary").inner_text() == "Filtrer les offres (1 actif)"
    assert page.locator("a.filters-toggle").inner_text() == "Filtres (1)"
    assert page.locator("ul.chips a.chip").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert box(page, "ol.hits > li")["y"] + box(page, "ol.hits > li")["height"] <= PHONE["height"]

    # Escape closes the sheet and gives the focus back to the button.
    page.locator("a.filters-toggle").tap()
    page.keyboard.press("Escape")
    assert not panel.evaluate("d => d.open")
    assert page.evaluate("document.activeElement.className") == "filters-toggle"

    with page.expect_navigation():
        page.locator("ol.hits .hit-title a").first.tap()
    assert page.url.startswith(server + "/offres/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "offer-phone.png")
    with page.expect_navigation():
        page.locator("a.back-link").tap()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["social"], "employer": ["Province Sud"]}


def test_keyboard_skip_link_and_visible_focus(server, desktop):
    page = desktop.page
    page.goto(server + "/?q=social")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert page.locator("a.skip-link").bounding_box()["y"] >= 0  # moved into view
    page.keyboard.press("Enter")
    assert urlsplit(page.url).fragment == "contenu"
    # The facet checkboxes are real checkboxes: Space toggles them.
    checkbox = page.locator("fieldset[data-facet=employer] input").first
    checkbox.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "employer=" in page.url


def test_results_come_before_the_filters_in_the_tab_order(server, device):
    page = device.page
    page.goto(server + "/?q=social")
    page.locator("input#q").focus()
    reached = None
    for _ in range(40):
        page.keyboard.press("Tab")
        reached = page.evaluate("""() => { const e = document.activeElement;
            return e.closest('ol.hits') ? 'hits' : e.closest('.facets-panel') ? 'filters' : null; }""")
        if reached:
            break
    assert reached == "hits"
    if device.name == "desktop":  # the filters still show in the left column
        assert box(page, ".facets-panel")["x"] < box(page, ".results")["x"]


def test_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + "/?q=social")
        page.locator("details.facets-panel > summary").click()
        page.locator("fieldset[data-facet=employer] input[value='Province Sud']").check()
        page.locator("fieldset[data-facet=employer] input[value='Province Nord']").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Appliquer les filtres").click()
        assert parse_qs(urlsplit(page.url).query) == {
            "q": ["social"], "employer": ["Province Sud", "Province Nord"]}
        assert page.locator("ul.chips a.chip").count() == 2
        # Buttons that need the script are not shown without it.
        page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}")
        assert page.locator("[data-share-tools]").is_hidden()
        assert page.locator("a.button[href='#postuler']").is_visible()
    finally:
        context.close()


# -- closed offers, deadlines ------------------------------------------------------------------


def test_deadline_badges_and_closed_offers_one_click_away(server, device):
    page = device.page
    page.goto(server + "/?q=social")
    badges = page.locator("ol.hits .status").all_inner_texts()
    assert "clôture dans 3 jours" in badges or "clôture dans 7 jours" in badges
    assert any(re.fullmatch(r"clôturée le \d+(er)? \w+ 20\d\d", b) for b in badges), badges
    closed = page.locator("ol.hits .hit-closed").first
    open_hit = page.locator("ol.hits .hit:not(.hit-closed)").first
    colour = "el => getComputedStyle(el.querySelector('.hit-title a')).color"
    assert closed.evaluate(colour) != open_hit.evaluate(colour)  # stepped back
    assert closed.locator(".status-closed").is_visible()
    screenshot(page, f"closed-marked-{device.name}.png")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Masquer les offres clôturées \(\d+\)$")).click()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["social"], "status": ["ouverte"]}
    assert page.locator("ol.hits .hit-closed").count() == 0
    screenshot(page, f"closed-hidden-{device.name}.png")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Afficher aussi les offres clôturées")).click()
    assert page.locator("ol.hits .hit-closed").count() > 0


# -- the offer page ----------------------------------------------------------------------------


def test_offer_first_screen(server, phone):
    page = phone.page
    page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}")
    for selector in ("h1", ".offer-status", "dl.offer-key", "a.button[href='#postuler']",
                     "button[data-copy]"):
        element = box(page, selector)
        assert element["y"] + element["height"] <= PHONE["height"], selector
    header = page.locator(".offer-header").inner_text()
    assert header.count("Province Sud") == 1 and header.count("Nouméa") == 1
    screenshot(page, "offer-phone-first-screen.png", full_page=False)
    page.locator("a.button[href='#postuler']").tap()
    page.wait_for_function("location.hash === '#postuler'")
    postuler = box(page, "#postuler")
    assert -1 <= postuler["y"] < PHONE["height"]


def test_postuler_block_of_an_opt_offer(served, device):
    page = device.page
    url = serve_as_stated(page, served, OPT_MARKDOWN_SLUG)
    page.goto(url)
    apply = page.locator("section#postuler")
    assert apply.locator("h2").inner_text() == "Postuler"
    links = apply.locator(".apply-contacts a").evaluate_all(
        "els => els.map(a => [a.textContent, a.protocol])")
    assert links == [["recrutement@example.nc", "mailto:"], ["27.11.22", "tel:"],
                     ["77.88.99", "tel:"]]
    assert apply.locator(".apply-section li").all_inner_texts()[:3] == [
        "Lettre de motivation", "Curriculum vitae", "Copie du dernier diplôme"]
    pdf = apply.get_by_role("link", name="Télécharger l’offre d’origine (PDF)")
    assert pdf.get_attribute("href") == "https://data.example.nc/avp/25-2201.pdf"
    assert "samedi 16 août 2025" in apply.locator(".apply-deadline").inner_text()
    assert "clôture demain" in apply.locator(".apply-deadline").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"offer-apply-{device.name}.png")


def test_closed_offer_page(served, device):
    page = device.page
    page.goto(serve_as_stated(page, served, OPT_JSONLD_SLUG))
    assert page.locator(".offer-status").inner_text() == "clôturée le 30 mai 2025"
    assert page.locator("a.button[href='#postuler']").count() == 0
    assert "ne sont plus reçues" in page.locator(".apply-deadline").inner_text()
    screenshot(page, f"offer-closed-{device.name}.png")


def test_map_with_leaflet_from_the_static_files(served, device):
    page = device.page
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(serve_as_stated(page, served, OPT_MARKDOWN_SLUG))
    page.locator("#carte.map-ready.leaflet-container").wait_for()
    assert page.evaluate("window.L.version") == "1.9.4"
    leaflet = [u for u in requests if "leaflet" in u]
    assert leaflet and all(u.startswith(served[0] + "/static/leaflet/") for u in leaflet)
    assert page.locator("#carte path.leaflet-interactive").count() == 1  # the marker
    page.wait_for_function("document.querySelectorAll('#carte img.leaflet-tile-loaded').length > 0")
    assert device.tiles and all(u.startswith(TILES) for u in device.tiles)
    map_box = box(page, "#carte")
    assert map_box["width"] <= page.viewport_size["width"] and map_box["height"] >= 200
    page.locator("#carte").scroll_into_view_if_needed()
    screenshot(page, f"offer-map-{device.name}.png", full_page=False)


def test_copy_link(server, browser):
    context = desktop_context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    watched = Watched(context)
    try:
        page = watched.page
        page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur")
        page.get_by_role("button", name="Copier le lien").click()
        page.locator(".offer-actions .copy-status", has_text="Lien copié.").wait_for()
        # The canonical address, without the search that led here.
        assert page.evaluate("navigator.clipboard.readText()") == \
            server + f"/offres/{EDUCATEUR_OFFER.slug}"
        screenshot(page, "offer-copied-desktop.png", full_page=False)
    finally:
        context.close()
    assert watched.problems == []


def test_print_stylesheet_keeps_the_offer_and_how_to_apply(served, desktop):
    page = desktop.page
    page.goto(serve_as_stated(page, served, OPT_MARKDOWN_SLUG))
    page.emulate_media(media="print")
    for hidden in (".site-header", ".back", ".offer-actions", "aside.similar", "#carte"):
        assert page.locator(hidden).first.is_hidden(), hidden
    for shown in ("h1", "dl.offer-key", "#postuler", ".offer-section"):
        assert page.locator(shown).first.is_visible(), shown
    after = page.locator(".apply-sources a").evaluate(
        "a => getComputedStyle(a, '::after').content")
    assert "https://data.example.nc/avp/25-2201.pdf" in after
    assert page.locator(".print-only").inner_text() == f"Offre en ligne : {served[0]}/offres/{OPT_MARKDOWN_SLUG}"
    screenshot(page, "offer-print.png")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_dark_mode(server, browser):
    for make, name in ((desktop_context, "desktop"), (phone_context, "phone")):
        context = make(browser, color_scheme="dark")
        watched = Watched(context)
        try:
            page = watched.page
            page.goto(server + "/?q=social")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(20, 23, 28)"
            screenshot(page, f"search-dark-{name}.png", full_page=False)
            page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur")
            screenshot(page, f"offer-dark-{name}.png")
        finally:
            context.close()
        assert watched.problems == []


def test_alert_page(server, device):
    page = device.page
    page.goto(server + "/?q=social&employer=Province+Sud")
    with page.expect_navigation():
        page.get_by_role("link", name="Suivre cette recherche").click()
    assert urlsplit(page.url).path == "/alerte"
    feed_url = page.locator("input#feed-url").input_value()
    assert feed_url == server + "/flux.atom?q=social&employer=Province+Sud&sort=date"
    assert page.locator("ol.hits .hit").count() > 0
    assert page.get_by_role("button", name="Copier l’adresse").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"alert-{device.name}.png")


def test_favicon_and_no_failed_request(server, device):
    page = device.page
    page.goto(server + "/")
    icons = page.locator("link[rel=icon]").evaluate_all("els => els.map(e => e.href)")
    for icon in icons:
        assert page.request.get(icon).ok, icon
    ico = page.request.get(server + "/favicon.ico")
    assert ico.ok and ico.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page.goto(server + f"/offres/{EDUCATEUR_OFFER.slug}")
    # No request of either page failed (the fixture fails the test on any 4xx or 5xx).


def test_local_filters_in_the_filters_sheet(server, device):
    page = device.page
    page.goto(server + "/")
    if device.name == "phone":
        page.locator("a.filters-toggle").tap()
    zone = page.locator("fieldset[data-facet=zone]")
    assert zone.locator("legend").inner_text() == "Secteur"
    assert zone.locator(".facet-value").all_inner_texts() == ["Grand Nouméa", "Brousse", "Îles"]
    corps = page.locator("fieldset[data-facet=corps] .facet-value").all_inner_texts()
    assert all(len(c) <= 41 for c in corps)
    screenshot(page, f"local-filters-{device.name}.png", full_page=device.name == "desktop")
    with page.expect_navigation():
        zone.locator("input[value='Îles']").check()
    assert parse_qs(urlsplit(page.url).query) == {"zone": ["Îles"]}
    places = page.locator("ol.hits .hit-place").all_inner_texts()
    assert places and all(re.search(r"Lifou|Maré|Ouvéa|Pins|Îles", p) for p in places), places
    assert " ".join(page.locator("a.chip").inner_text().split()) == "Retirer le filtre Secteur : Îles ×"


def _axe(page) -> list:
    script = _axe_script()
    if script is None:
        pytest.fail("axe-core not available (pip install axe-playwright-python)")
    page.evaluate(script)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path, width, scheme", [
    ("/?q=educateur&employer=Province+Sud", 1280, "light"),
    (f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur", 1280, "light"),
    ("/?q=social", 360, "light"),
    (f"/offres/{EDUCATEUR_OFFER.slug}", 360, "light"),
    ("/offres/nexistepas", 1280, "light"),
    ("/alerte?q=social", 360, "light"),
    ("/alerte?q=social", 1280, "dark"),
    ("/?q=social", 1280, "dark"),
    ("/?q=social", 360, "dark"),
    (f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur", 360, "dark"),
])
def test_no_serious_accessibility_violations(server, browser, path, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(server + path)
        if width < 600 and page.locator("a.filters-toggle").count():
            page.locator("a.filters-toggle").click()  # the open sheet is checked too
        serious = _axe(page)
    finally:
        context.close()
    assert serious == []


@pytest.mark.parametrize("slug, scheme", [(OPT_MARKDOWN_SLUG, "light"), (OPT_MARKDOWN_SLUG, "dark"),
                                          (OPT_JSONLD_SLUG, "light")])
def test_no_serious_accessibility_violations_on_opt_offers(served, device, slug, scheme):
    page = device.page
    page.emulate_media(color_scheme=scheme)
    page.goto(serve_as_stated(page, served, slug))
    if page.locator("#carte").count():
        page.locator("#carte.map-ready").wait_for()
    assert _axe(page) == []


def test_suggestions_have_no_serious_accessibility_violations(server, desktop):
    page = desktop.page
    page.goto(server + "/")
    page.locator("input#q").press_sequentially("educ", delay=40)
    page.locator("#q-suggestions [role=option]").first.wait_for(state="visible")
    page.locator("input#q").press("ArrowDown")
    assert _axe(page) == []
