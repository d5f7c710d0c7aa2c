"""Configuration by environment (OFFRES_*, Flask's from_prefixed_env), explicit values
overriding it; every route rate-limited; the access log; versioned static files."""

from __future__ import annotations

import io
import logging
import re

import pytest
from bs4 import BeautifulSoup

from searchweb import ConfigError, ServeSettings, configure_logging, create_app
from searchweb.static import LONG_CACHE, file_versions
from web_helpers import EDUCATEUR_OFFER, WEB_AS_OF, build_web_index

OFFER = f"/offres/{EDUCATEUR_OFFER.slug}"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_web_index(tmp_path_factory.mktemp("config"))


def make_app(index_dir, **config):
    return create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF, **config})


# -- environment -----------------------------------------------------------------------------


def test_environment_variables_configure_the_app(index_dir, monkeypatch):
    monkeypatch.setenv("OFFRES_INDEX", str(index_dir))
    monkeypatch.setenv("OFFRES_RATE_LIMIT", "7")
    monkeypatch.setenv("OFFRES_PAGES_RATE_LIMIT", "9")
    monkeypatch.setenv("OFFRES_PUBLIC_URL", "https://offres.example.nc/")
    monkeypatch.setenv("OFFRES_TRUSTED_HOSTS", "interne.local, localhost")
    monkeypatch.setenv("OFFRES_LOG_LEVEL", "debug")
    monkeypatch.setenv("OFFRES_SITE_NAME", "Offres de test")  # any config key, by its own name
    app = create_app()
    assert app.config["INDEX_DIR"] == str(index_dir)
    assert app.config["RATELIMIT_PER_MINUTE"] == 7
    assert app.config["RATELIMIT_PAGES_PER_MINUTE"] == 9
    assert app.config["PUBLIC_URL"] == "https://offres.example.nc"
    assert app.extensions["offres_trusted_hosts"] == ["interne.local", "localhost",
                                                      "offres.example.nc"]
    assert app.config["LOG_LEVEL"] == "DEBUG"
    assert app.config["SITE_NAME"] == "Offres de test"
    assert app.test_client().get("/healthz").status_code == 200


def test_explicit_values_override_the_environment(index_dir, monkeypatch):
    monkeypatch.setenv("OFFRES_RATE_LIMIT", "7")
    monkeypatch.setenv("OFFRES_INDEX", "/nulle/part")
    app = make_app(index_dir, RATELIMIT_PER_MINUTE=2)
    assert app.config["RATELIMIT_PER_MINUTE"] == 2
    assert app.config["INDEX_DIR"] == str(index_dir)


@pytest.mark.parametrize("name, value, message", [
    ("OFFRES_RATE_LIMIT", "beaucoup", "RATELIMIT_PER_MINUTE doit être un nombre entier"),
    ("OFFRES_RATE_LIMIT", "-1", "ne peut pas être négatif"),
    ("OFFRES_PUBLIC_URL", "offres.example.nc", "PUBLIC_URL invalide"),
    ("OFFRES_PUBLIC_URL", "ftp://offres.example.nc", "PUBLIC_URL invalide"),
    ("OFFRES_LOG_LEVEL", "bavard", "LOG_LEVEL : DEBUG, INFO"),
])
def test_unusable_settings_are_refused_in_french(index_dir, monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        make_app(index_dir)


def test_server_settings_from_the_environment_and_overrides():
    environ = {"OFFRES_HOST": "0.0.0.0", "OFFRES_PORT": "8080", "OFFRES_THREADS": "8",
               "OFFRES_TRUSTED_PROXY": "127.0.0.1", "OFFRES_CHANNEL_TIMEOUT": "15",
               "OFFRES_CONNECTIONS_PER_CLIENT": "10", "OFFRES_URL_SCHEME": "https"}
    settings = ServeSettings.from_env(environ, port=9000, threads=None)
    assert settings == ServeSettings(host="0.0.0.0", port=9000, threads=8,
                                     trusted_proxy="127.0.0.1", url_scheme="https",
                                     connection_limit=500, connections_per_client=10,
                                     channel_timeout=15)
    options = settings.waitress_options()
    assert options["trusted_proxy"] == "127.0.0.1"
    assert options["trusted_proxy_headers"] == {"x-forwarded-for", "x-forwarded-proto"}
    assert options["clear_untrusted_proxy_headers"] is True
    assert "trusted_proxy" not in ServeSettings().waitress_options()
    with pytest.raises(ConfigError, match="OFFRES_PORT"):
        ServeSettings.from_env({"OFFRES_PORT": "http"})


# -- rate limits -----------------------------------------------------------------------------


def test_every_route_is_rate_limited(index_dir):
    app = make_app(index_dir, RATELIMIT_PER_MINUTE=2, RATELIMIT_SUGGEST_PER_MINUTE=2,
                   RATELIMIT_PAGES_PER_MINUTE=2)
    paths = {"web.offer_page": OFFER, "web.api_offer": f"/api/offres/{EDUCATEUR_OFFER.slug}",
             "static": "/static/offres.css", "web.api_suggest": "/api/suggest?q=edu"}
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    assert {"web.offer_page", "web.api_offer", "web.healthz", "static"} <= {r.endpoint for r in rules}
    for number, rule in enumerate(rules):
        path = paths.get(rule.endpoint, rule.rule)
        assert "<" not in path, f"no sample path for {rule.endpoint}"
        client = app.test_client()
        # A fresh address per route: several routes share a budget.
        address = {"REMOTE_ADDR": f"10.1.{number}.1"}
        statuses = [client.get(path, environ_base=address).status_code for _ in range(3)]
        assert statuses[-1] == 429, (rule.endpoint, statuses)


def test_offer_pages_have_their_own_budget(index_dir):
    app = make_app(index_dir, RATELIMIT_PER_MINUTE=1, RATELIMIT_PAGES_PER_MINUTE=3)
    client = app.test_client()
    assert client.get("/api/search").status_code == 200
    assert client.get("/api/search").status_code == 429
    assert [client.get(OFFER).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get(OFFER)
    assert "Trop de requêtes" in limited.get_data(as_text=True) and limited.headers["Retry-After"]


# -- logging ---------------------------------------------------------------------------------


def test_one_access_line_per_request(index_dir, caplog):
    caplog.set_level(logging.INFO, logger="offres.access")
    client = make_app(index_dir).test_client()
    client.get(OFFER + "?q=secret")
    client.get("/nulle-part")
    client.get("/", headers={"Host": "a..b"})
    lines = [r.getMessage() for r in caplog.records if r.name == "offres.access"]
    assert len(lines) == 3
    assert re.fullmatch(rf"GET {OFFER} 200 \d+\.\dms 127\.0\.0\.1", lines[0])
    assert lines[1].startswith("GET /nulle-part 404 ") and lines[2].startswith("GET / 400 ")
    assert "secret" not in " ".join(lines)  # what visitors search for stays out of the log


def test_errors_are_logged_with_their_traceback(index_dir, caplog):
    app = make_app(index_dir)

    @app.get("/boum")
    def boom():
        raise RuntimeError("panne simulée")

    response = app.test_client().get("/boum")
    assert response.status_code == 500 and "panne simulée" not in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and errors[0].exc_info and "panne simulée" in str(errors[0].exc_info[1])


def test_configure_logging_sends_waitress_messages_to_the_stream():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("WARNING", stream)
    try:
        logging.getLogger("waitress.queue").warning("Task queue depth is 3")
        logging.getLogger("waitress").info("not shown at WARNING")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert "WARNING waitress.queue: Task queue depth is 3" in stream.getvalue()
    assert "not shown" not in stream.getvalue()


# -- static files ----------------------------------------------------------------------------


def test_static_urls_are_versioned_and_cached_for_a_year(index_dir):
    app = make_app(index_dir)
    client = app.test_client()
    soup = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    css = soup.find("link", rel="stylesheet")["href"]
    js = soup.find("script", src=True)["src"]
    versions = app.extensions["offres_static"]
    assert css == f"/static/offres.css?v={versions['offres.css']}"
    assert js == f"/static/offres.js?v={versions['offres.js']}"
    for url in (css, js):
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.max_age == LONG_CACHE
        assert response.cache_control.public and "immutable" in response.headers["Cache-Control"]
    for stale in ("/static/offres.css", "/static/offres.css?v=0000000000"):
        assert client.get(stale).headers["Cache-Control"] == "no-cache"


def test_a_changed_file_gets_a_new_version(tmp_path):
    (tmp_path / "a.css").write_text("body{}", encoding="utf-8")
    before = file_versions(tmp_path)
    (tmp_path / "a.css").write_text("body{color:red}", encoding="utf-8")
    after = file_versions(tmp_path)
    assert set(before) == {"a.css"} and before["a.css"] != after["a.css"]
    assert re.fullmatch(r"[0-9a-f]{10}", after["a.css"])
