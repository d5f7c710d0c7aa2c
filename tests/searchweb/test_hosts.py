"""The Host header: trusted names only, a 400 with the security headers
for anything else, and absolute URLs that never echo what the client sent."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from searchweb import SECURITY_HEADERS, create_app
from searchweb.hosts import HostPolicy, split_host
from web_helpers import EDUCATEUR_OFFER, WEB_AS_OF, build_web_index

OFFER = f"/offres/{EDUCATEUR_OFFER.slug}"
HTML_ROUTES = ("/", OFFER, "/nulle-part")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_web_index(tmp_path_factory.mktemp("hosts"))


def client_for(index_dir, **config):
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF, **config})
    return app.test_client()


@pytest.mark.parametrize("value, expected", [
    ("offres.example.nc", ("offres.example.nc", "")),
    ("Offres.Example.NC:8443", ("offres.example.nc", "8443")),
    ("localhost.", ("localhost", "")),
    ("127.0.0.1:5000", ("127.0.0.1", "5000")),
    ("[::1]:5000", ("[::1]", "5000")),
    ("a" * 64 + ".com", None),             # a label is at most 63 characters
    ("a..b", None),                        # empty label
    ("-a.example", None),
    ("exa mple.nc", None),
    ("example.nc:999999", None),
    ("example.nc:", None),
    ("", None),
    (("a" * 60 + ".") * 5 + "nc", None),   # over 253 characters
    ("evil.example/<script>", None),
])
def test_split_host(value, expected):
    assert split_host(value) == expected


@pytest.mark.parametrize("host, trusted", [
    ("localhost", True), ("localhost:5000", True), ("127.0.0.1:8080", True), ("[::1]:5000", True),
    ("offres.example.nc", True), ("www.offres.example.nc", False),
    ("emplois.gouv.nc", True), ("gouv.nc", True), ("x.emplois.gouv.nc", True),
    ("evilgouv.nc", False), ("evil.example", False), ("a..b", False),
])
def test_host_policy(host, trusted):
    policy = HostPolicy(["localhost", "127.0.0.1", "[::1]", "offres.example.nc", ".gouv.nc"])
    assert policy.allows(host) is trusted


def test_star_trusts_any_well_formed_host():
    policy = HostPolicy(["*"])
    assert policy.allows("anything.example") and not policy.allows("a..b")


@pytest.mark.parametrize("host", ["a" * 64 + ".example.nc", "a..b", "evil.example"])
@pytest.mark.parametrize("path", HTML_ROUTES)
def test_untrusted_or_malformed_host_is_a_400_page_with_security_headers(index_dir, host, path):
    response = client_for(index_dir).get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    body = response.get_data(as_text=True)
    assert "Nom de site inconnu" in body and host not in body


def test_untrusted_host_on_the_api_is_a_json_400(index_dir):
    response = client_for(index_dir).get("/api/search?q=x", headers={"Host": "a..b"})
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_trusted_hosts_from_the_configuration(index_dir):
    client = client_for(index_dir, TRUSTED_HOSTS="offres.example.nc, .gouv.nc")
    assert client.get("/", headers={"Host": "offres.example.nc"}).status_code == 200
    assert client.get("/", headers={"Host": "emplois.gouv.nc:443"}).status_code == 200
    # The configured list replaces the default one.
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_absolute_urls_come_from_the_public_url(index_dir):
    client = client_for(index_dir, PUBLIC_URL="https://offres.example.nc/",
                        TRUSTED_HOSTS="localhost,interne.local")
    page = client.get(OFFER, headers={"Host": "interne.local"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == f"https://offres.example.nc{OFFER}"
    assert json.loads(soup.find("script", type="application/ld+json").string)["url"] == canonical
    feed = ET.fromstring(client.get("/flux.atom", headers={"Host": "interne.local"}).data)
    ids = [e.text for e in feed.iter(f"{ATOM}id")]
    assert ids and all(i.startswith("https://offres.example.nc/") for i in ids)
    links = [e.get("href") for e in feed.iter(f"{ATOM}link")]
    assert all(link.startswith("https://offres.example.nc/") for link in links)
    # The public URL's own host is trusted without being listed.
    assert client.get("/", headers={"Host": "offres.example.nc"}).status_code == 200


def test_without_public_url_absolute_urls_use_the_trusted_host(index_dir):
    page = client_for(index_dir).get(OFFER, headers={"Host": "localhost:5000"})
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.find("link", rel="canonical")["href"] == f"http://localhost:5000{OFFER}"


def test_healthz_answers_whatever_the_host(index_dir):
    # Health probes call the container by address; the answer holds no URL to spoof.
    client = client_for(index_dir, TRUSTED_HOSTS="offres.example.nc")
    response = client.get("/healthz", headers={"Host": "172.17.0.2:8080"})
    assert response.status_code == 200 and "172.17" not in response.get_data(as_text=True)
