"""Behind a reverse proxy: waitress served for real, a proxy-like client sending
X-Forwarded-For / X-Forwarded-Proto, from a trusted and from an untrusted address."""

from __future__ import annotations

import json
import logging
import re
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from searchweb import ServeSettings
from serving_helpers import get, served
from web_helpers import EDUCATEUR_OFFER, build_web_index

OFFER = f"/offres/{EDUCATEUR_OFFER.slug}"
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "offres.example.nc"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_web_index(tmp_path_factory.mktemp("proxy"))


def through_proxy(port, path, visitor, scheme="https"):
    """What nginx sends (deploy/nginx/offres.conf): the visitor's address and scheme."""
    return get(port, path, {"Host": SITE, "X-Forwarded-For": visitor,
                            "X-Forwarded-Proto": scheme})


def absolute_urls(port, visitor):
    """The canonical link, the JSON-LD url and the Atom ids, as one visitor receives them."""
    _, _, page = through_proxy(port, OFFER, visitor)
    soup = BeautifulSoup(page, "html.parser")
    canonical = soup.find("link", rel="canonical")["href"]
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    _, _, feed = through_proxy(port, "/flux.atom", visitor)
    root = ET.fromstring(feed)
    ids = [e.text for e in root.iter(f"{ATOM}id")]
    return canonical, json_ld, ids


def test_trusted_proxy_gives_each_visitor_its_own_budget_and_scheme(index_dir, caplog):
    settings = ServeSettings(port=0, threads=2, trusted_proxy="127.0.0.1")
    caplog.set_level(logging.INFO, logger="offres.access")
    with served(index_dir, settings, RATELIMIT_PER_MINUTE=3, TRUSTED_HOSTS=SITE) as (_, port, _):
        # Four visitors through the one proxy: each has its own three searches.
        for visitor in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"):
            assert through_proxy(port, "/api/search?q=educateur", visitor)[0] == 200
        statuses = [through_proxy(port, "/api/search", "203.0.113.1")[0] for _ in range(3)]
        assert statuses == [200, 200, 429]
        canonical, json_ld, ids = absolute_urls(port, "203.0.113.9")
    assert canonical == f"https://{SITE}{OFFER}"
    assert json_ld["url"] == canonical
    assert ids and all(i.startswith(f"https://{SITE}/") for i in ids)
    clients = {line.split()[-1] for line in caplog.messages}
    assert {"203.0.113.1", "203.0.113.4", "203.0.113.9"} <= clients
    assert "127.0.0.1" not in clients


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(index_dir):
    # The proxy is said to be 10.9.9.9: our 127.0.0.1 client is not it.
    settings = ServeSettings(port=0, threads=2, trusted_proxy="10.9.9.9")
    with served(index_dir, settings, RATELIMIT_PER_MINUTE=3, TRUSTED_HOSTS=SITE) as (_, port, _):
        statuses = [through_proxy(port, "/api/search", f"203.0.113.{i}")[0] for i in range(1, 5)]
        assert statuses == [200, 200, 200, 429]  # one shared budget: the real peer's
    with served(index_dir, settings, TRUSTED_HOSTS=SITE) as (_, port, _):
        canonical, _, ids = absolute_urls(port, "198.51.100.7")
    assert canonical == f"http://{SITE}{OFFER}"  # X-Forwarded-Proto ignored too
    assert all(i.startswith(f"http://{SITE}/") for i in ids)


def test_no_trusted_proxy_means_no_forwarded_header_is_believed(index_dir):
    with served(index_dir, RATELIMIT_PER_MINUTE=2, TRUSTED_HOSTS=SITE) as (_, port, _):
        statuses = [through_proxy(port, "/api/search", f"203.0.113.{i}")[0] for i in range(1, 4)]
    assert statuses == [200, 200, 429]


def test_public_url_names_the_site_whatever_the_host(index_dir):
    public = "https://emplois.example.nc/recherche"
    settings = ServeSettings(port=0, threads=2, trusted_proxy="127.0.0.1")
    with served(index_dir, settings, RATELIMIT_PER_MINUTE=0, PUBLIC_URL=public,
                TRUSTED_HOSTS=f"{SITE},backend.internal") as (_, port, _):
        headers = {"Host": "backend.internal", "X-Forwarded-For": "203.0.113.5",
                   "X-Forwarded-Proto": "http"}
        status, _, page = get(port, OFFER, headers)
        assert status == 200
        soup = BeautifulSoup(page, "html.parser")
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == f"{public}{OFFER}"
        assert json.loads(soup.find("script", type="application/ld+json").string)["url"] == canonical
        _, _, feed = get(port, "/flux.atom", headers)
        assert all(e.text.startswith(public + "/") for e in ET.fromstring(feed).iter(f"{ATOM}id"))
        status, headers_out, body = get(port, OFFER, {"Host": "evil.example"})
    assert status == 400
    assert headers_out["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in headers_out
    assert "evil.example" not in body
    assert re.search(r"Nom de site inconnu", body)
