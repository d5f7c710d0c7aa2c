"""Logging for the service: one stderr handler for every logger, and one access line per request.

`offres serve` calls `configure_logging` once, so waitress's own messages (queue depth,
refused connections) and the app's errors, with their tracebacks, reach the journal or
the container's log instead of being dropped.
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request

ACCESS_LOGGER = "offres.access"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str | int = "INFO", stream=None) -> None:
    """Send every logger's records at `level` and above to `stream` (stderr)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "offres", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.offres = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def install_access_log(app: Flask) -> None:
    """'GET /offres/x 200 12.3ms 203.0.113.9' for each request, at INFO on offres.access.

    The query string is left out: it holds what visitors searched for."""
    logger = logging.getLogger(ACCESS_LOGGER)

    @app.before_request
    def start_clock():
        g.offres_started = time.perf_counter()

    @app.after_request
    def access_line(response):
        started = g.get("offres_started")
        elapsed = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        logger.info("%s %s %s %.1fms %s", request.method, request.path, response.status_code,
                    elapsed, request.remote_addr or "-")
        return response
