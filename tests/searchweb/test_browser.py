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

from web_helpers import EDUCATEUR_OFFER, FIXTURE_OFFERS, WEB_AS_OF, build_web_index

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TOTAL = 5 + len(FIXTURE_OFFERS)


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
def server(tmp_path_factory):
    """The app served by waitress on a free port of 127.0.0.1, in a background thread."""
    import waitress

    from searchweb import create_app

    index_dir = build_web_index(tmp_path_factory.mktemp("browser"))
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)
    app.extensions["offres_index"].close()


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
    """A page plus what went wrong in it (script errors, CSP refusals)."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        self.page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    watched = Watched(context)
    yield watched
    context.close()
    assert watched.problems == []


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    watched = Watched(context)
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
        "summary": re.sub(r"\s*\(.*\)$", "", summary(page)),  # without the time taken
    }


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


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
    assert page.locator(".offer-fields").inner_text().count("août 2025") == 2
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


def test_suggestions_while_typing(server, desktop):
    page = desktop.page
    page.goto(server + "/")
    box = page.locator("input#q")
    box.press_sequentially("noum", delay=40)
    option = page.locator("#q-suggestions [role=option]", has_text="Nouméa")
    option.first.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    index = page.locator("#q-suggestions [role=option]").all_inner_texts().index(
        option.first.inner_text())
    for _ in range(index + 1):
        box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == f"q-suggestion-{index}"
    with page.expect_navigation():
        box.press("Enter")
    assert parse_qs(urlsplit(page.url).query) == {"commune": ["Nouméa"]}
    box = page.locator("input#q")
    box.press_sequentially("educ", delay=40)
    page.locator("#q-suggestions [role=option]").first.wait_for(state="visible")
    box.press("Escape")
    assert page.locator("#q-suggestions").is_hidden()


def test_main_flow_on_a_360px_phone(server, phone):
    page = phone.page
    page.goto(server + "/?q=social")
    panel = page.locator("details.facets-panel")
    assert not panel.evaluate("d => d.open")  # collapsed on a phone
    assert page.locator("fieldset[data-facet=employer]").is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("ol.hits mark").count() > 0
    screenshot(page, "search-phone.png")

    total = total_of(page)
    page.locator("details.facets-panel > summary").tap()
    assert panel.evaluate("d => d.open")
    with page.expect_navigation():
        page.locator("fieldset[data-facet=employer] input[value='Province Sud']").tap()
    assert total_of(page) < total
    assert not page.locator("details.facets-panel").evaluate("d => d.open")
    assert page.locator("details.facets-panel > summary").inner_text() == "Filtrer les offres (1 actif)"
    assert page.locator("ul.chips a.chip").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

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
    box = page.locator("fieldset[data-facet=employer] input").first
    box.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "employer=" in page.url


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
    finally:
        context.close()


@pytest.mark.parametrize("path, width", [
    ("/?q=educateur&employer=Province+Sud", 1280),
    (f"/offres/{EDUCATEUR_OFFER.slug}?q=educateur", 1280),
    ("/?q=social", 360),
    ("/offres/nexistepas", 1280),
])
def test_no_serious_accessibility_violations(server, browser, path, width):
    script = _axe_script()
    if script is None:
        pytest.skip("axe-core not available (pip install axe-playwright-python)")
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + path)
        if width < 600:
            page.locator("details.facets-panel > summary").click()
        page.evaluate(script)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    finally:
        context.close()
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
