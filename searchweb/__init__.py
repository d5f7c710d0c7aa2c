"""The search website: `create_app(config)` returns the Flask app `offres serve` runs.

Nothing is opened at import time: the index is opened on first use (`searchweb.index`).
This module holds the app factory, the error pages and the headers every response carries;
settings come from `searchweb.config` (defaults < OFFRES_* environment < `config`).
"""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from indexer import IndexNotFoundError, QueryError
from searchweb.config import DEFAULT_CONFIG, ConfigError, load_config
from searchweb.errors import error_response
from searchweb.headers import SECURITY_HEADERS
from searchweb.hosts import REFUSED_HOST, HostMiddleware, HostPolicy
from searchweb.index import IndexHolder, get_index, today, warm_up
from searchweb.logs import configure_logging, install_access_log
from searchweb.ratelimit import limiters, wait_for
from searchweb.safejson import script_safe
from searchweb.serving import ServeSettings, create_server
from searchweb.state import BadParameter
from searchweb.static import install_versioned_static


class SafeJSONProvider(DefaultJSONProvider):
    """JSON whose strings never contain a raw '<', '>' or '&' (still the same JSON values),
    so a response sniffed or embedded as HTML cannot carry markup from an offer or a query."""

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return script_safe(super().dumps(obj, **kwargs))


def create_app(config: dict | None = None) -> Flask:
    """The app for one index folder; `config` overrides the environment and DEFAULT_CONFIG."""
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    load_config(app.config, config)
    # Debug mode would show tracebacks to visitors; it is never on, whatever the config says.
    app.config["DEBUG"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.debug = False

    holder = IndexHolder(str(app.config["INDEX_DIR"]))
    app.extensions["offres_index"] = holder
    atexit.register(holder.close)
    app.extensions["offres_ratelimit"] = limiters(app.config)
    policy = HostPolicy(app.config["TRUSTED_HOSTS"])
    app.wsgi_app = HostMiddleware(app.wsgi_app, policy, app.config["PUBLIC_URL"])
    # Flask 3.1 would check TRUSTED_HOSTS again, without "*"; HostMiddleware already did.
    app.extensions["offres_trusted_hosts"] = app.config["TRUSTED_HOSTS"]
    app.config["TRUSTED_HOSTS"] = None

    from searchweb.views import bp

    app.register_blueprint(bp)
    install_access_log(app)  # first, so its clock starts before any other hook
    install_versioned_static(app)

    @app.before_request
    def refuse_untrusted_host():
        # /healthz echoes no URL, and probes (Docker's, a load balancer's) call it by address.
        if request.environ.get(REFUSED_HOST) and request.path != "/healthz":
            return error_response(400, "Nom de site inconnu (en-tête Host refusé).")
        return None

    @app.before_request
    def rate_limit():
        wait = wait_for(app.extensions["offres_ratelimit"], request.endpoint,
                        request.remote_addr or "?")
        if wait:
            return error_response(429, headers={"Retry-After": str(wait)})
        return None

    @app.before_request
    def refuse_large_bodies():
        length = request.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            return error_response(413)
        return None

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.get_response().headers.get("Allow"):
            headers["Allow"] = exc.get_response().headers["Allow"]
        return error_response(status, headers=headers)

    @app.errorhandler(BadParameter)
    @app.errorhandler(QueryError)
    def bad_request(exc: Exception):
        return error_response(400, str(exc))

    @app.errorhandler(IndexNotFoundError)
    def index_missing(exc: IndexNotFoundError):
        return error_response(503, headers={"Retry-After": "30"})

    @app.errorhandler(FileNotFoundError)
    def index_file_vanished(exc: FileNotFoundError):
        # A build switched in (or removed) between opening and reading: transient, so a 503
        # the client may retry, but logged in full in case it is not.
        app.logger.warning("fichier d'index introuvable sur %s", request.path, exc_info=exc)
        return error_response(503, headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("erreur inattendue sur %s", request.path)
        return error_response(500)

    return app


__all__ = ["DEFAULT_CONFIG", "SECURITY_HEADERS", "ConfigError", "ServeSettings", "configure_logging", "create_app",
           "create_server", "error_response", "get_index", "today", "warm_up"]
