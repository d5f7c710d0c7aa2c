"""The search website: `create_app(config)` returns the Flask app `offres serve` runs.

Nothing is opened at import time: the index is opened on first use (`searchweb.index`).
This module holds the app factory, the error pages and the headers every response carries.
"""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from indexer import IndexNotFoundError, QueryError
from searchweb.errors import error_response
from searchweb.index import IndexHolder, get_index, today, warm_up
from searchweb.ratelimit import RateLimiter
from searchweb.safejson import script_safe
from searchweb.state import BadParameter

DEFAULT_CONFIG: dict[str, Any] = {
    "INDEX_DIR": "index",
    # A fixed "today" (date or ISO string) for statuses and deadlines; None = today in Nouméa.
    "AS_OF": None,
    # Requests per minute and per client address on /, /api/search and /flux.atom; 0 = off.
    "RATELIMIT_PER_MINUTE": 120,
    # Suggestions fire while typing, so they get their own, larger budget.
    "RATELIMIT_SUGGEST_PER_MINUTE": 300,
    # How many client addresses the limiter remembers (oldest forgotten first).
    "RATELIMIT_MAX_CLIENTS": 10_000,
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "SITE_NAME": "Offres d’emploi public en Nouvelle-Calédonie",
    "DEBUG": False,
    "PROPAGATE_EXCEPTIONS": False,
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

class SafeJSONProvider(DefaultJSONProvider):
    """JSON whose strings never contain a raw '<', '>' or '&' (still the same JSON values),
    so a response sniffed or embedded as HTML cannot carry markup from an offer or a query."""

    sort_keys = False
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return script_safe(super().dumps(obj, **kwargs))


def create_app(config: dict | None = None) -> Flask:
    """The app for one index folder; `config` overrides DEFAULT_CONFIG (e.g. INDEX_DIR)."""
    app = Flask(__name__)
    app.json = SafeJSONProvider(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.config.update(DEFAULT_CONFIG)
    app.config.update(config or {})
    # Debug mode would show tracebacks to visitors; it is never on, whatever the config says.
    app.config["DEBUG"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.debug = False

    holder = IndexHolder(str(app.config["INDEX_DIR"]))
    app.extensions["offres_index"] = holder
    atexit.register(holder.close)
    limit = int(app.config["RATELIMIT_PER_MINUTE"])
    clients = int(app.config["RATELIMIT_MAX_CLIENTS"])
    app.extensions["offres_ratelimit"] = {
        "search": RateLimiter(limit, max_clients=clients),
        "suggest": RateLimiter(int(app.config["RATELIMIT_SUGGEST_PER_MINUTE"]),
                               max_clients=clients),
    }

    from searchweb.views import bp

    app.register_blueprint(bp)

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


__all__ = ["create_app", "error_response", "get_index", "today", "warm_up"]
