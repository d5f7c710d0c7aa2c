"""The page budget, measured (never asserted): weight, requests and time to the first result
of a cold load, in Debian's Chromium, on an index of N generated offers served by waitress.

    python bench/page_budget.py --offers 10000          # ~2 min on 2 cores (build included)

"Cold" means a fresh browser context (empty cache) and a freshly started server whose index
was not warmed: the first search reads the facet columns. A second, warm load is reported
beside it. Nothing leaves 127.0.0.1 (map tiles are answered locally and counted apart).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CHROMIUM = "/usr/bin/chromium"
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
TILES = "https://tile.openstreetmap.org/"


def serve(index_dir: Path):
    import waitress

    from searchweb import create_app

    app = create_app({"INDEX_DIR": str(index_dir), "RATELIMIT_PER_MINUTE": 0,
                      "RATELIMIT_SUGGEST_PER_MINUTE": 0})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return app, server, f"http://127.0.0.1:{server.effective_port}"


def load(browser, url: str, viewport: dict, wait_for: str) -> dict:
    """One load in a fresh context: bytes transferred, requests, time to `wait_for`."""
    context = browser.new_context(viewport=viewport)
    context.route(TILES + "**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    sizes: list[int] = []
    urls: list[str] = []

    def finished(request):
        if request.url.startswith(TILES):
            return
        urls.append(request.url)
        sizes.append(request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"])

    page.on("requestfinished", finished)
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(wait_for, state="visible")
    first = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # late requests (favicon)
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {ttfb: n.responseStart, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }""")
    context.close()
    return {"first_result_ms": round(first, 1), "requests": len(urls), "bytes": sum(sizes),
            "ttfb_ms": round(timing["ttfb"], 1), "load_ms": round(timing["load"], 1),
            "urls": [u.split("/", 3)[-1] for u in urls]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--work", default=None, help="folder for the corpus and index")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from generate import generate
    from indexer import build_index, open_index

    work = Path(args.work or tempfile.mkdtemp(prefix="page-budget-"))
    corpus, index_dir = work / f"corpus-{args.offers}", work / f"index-{args.offers}"
    if not corpus.exists():
        generate(args.offers, corpus)
    if not index_dir.exists():
        build_index(corpus, index_dir)
    with open_index(index_dir) as index:
        slug = index.search("", per_page=1).hits[0].slug

    pages = {"search": ("/?q=educateur", "ol.hits > li"), "browse": ("/", "ol.hits > li"),
             "offer": (f"/offres/{slug}", "h1")}
    results: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        for device, viewport in VIEWPORTS.items():
            for name, (path, selector) in pages.items():
                app, server, url = serve(index_dir)  # a cold server for each cold load
                try:
                    cold = load(browser, url + path, viewport, selector)
                    warm = [load(browser, url + path, viewport, selector) for _ in range(3)]
                finally:
                    server.close()
                    app.extensions["offres_index"].close()
                results[f"{device} {name}"] = {
                    "cold": cold, "warm_first_result_ms": statistics.median(
                        w["first_result_ms"] for w in warm)}
        browser.close()

    print(f"{args.offers} offers; Chromium {CHROMIUM}; server and browser on one machine")
    print(f"{'page':<16} {'KB':>6} {'requests':>8} {'cold first result':>18} {'warm':>8}")
    for name, r in results.items():
        cold = r["cold"]
        print(f"{name:<16} {cold['bytes'] / 1024:>6.1f} {cold['requests']:>8} "
              f"{cold['first_result_ms']:>15.0f} ms {r['warm_first_result_ms']:>5.0f} ms")
    (work / "page-budget.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"details: {work / 'page-budget.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
