"""Run the real app under the real production server (searchweb.serving) in a thread."""

from __future__ import annotations

import contextlib
import http.client
import threading
from typing import Iterator

from searchweb import ServeSettings, create_app, create_server
from web_helpers import WEB_AS_OF, stop_server


@contextlib.contextmanager
def served(index_dir, settings: ServeSettings | None = None, **config) -> Iterator[tuple[str, int, object]]:
    """(host, port, app) of a running server; stopped on exit."""
    settings = settings or ServeSettings(port=0, threads=2)
    app = create_app({"INDEX_DIR": str(index_dir), "AS_OF": WEB_AS_OF, **config})
    server = create_server(app, settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield settings.host, server.effective_port, app
    finally:
        stop_server(server, thread)
        app.extensions["offres_index"].close()


def get(port: int, path: str, headers: dict | None = None, source: str | None = None,
        timeout: float = 10.0) -> tuple[int, dict, str]:
    """One GET over a fresh connection: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")
    finally:
        conn.close()
