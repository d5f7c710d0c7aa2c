"""The app's index: opened on first use, once per process, shared by every thread (`Index`
keeps one searcher per thread), warmed before the first request and closed at exit."""

from __future__ import annotations

import datetime as dt
import threading

from flask import Flask, current_app

from indexer import Index, open_index
from indexer.clock import today_in_noumea


class IndexHolder:
    """Opens the index on first use (not at import or app creation) and shares it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._index: Index | None = None
        self._lock = threading.Lock()

    def get(self) -> Index:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    # IndexNotFoundError propagates (-> 503) and the next request retries.
                    self._index = open_index(self.path)
                index = self._index
        return index

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


def get_index() -> Index:
    return current_app.extensions["offres_index"].get()


def warm_up(app: Flask) -> None:
    """Open the index and read what every search needs before the first request."""
    with app.app_context():
        get_index().warm()


def today() -> dt.date:
    """'Today' for deadlines: the configured AS_OF, else the date in Nouméa."""
    value = current_app.config.get("AS_OF")
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value or today_in_noumea()
