"""A small in-memory, per-client, fixed-window rate limiter with bounded memory.

One process only (waitress threads share it); behind several processes each one counts
for itself, which is the intended, cheap protection against a runaway client or script.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Callable


class RateLimiter:
    """``hit(key)`` -> seconds to wait (0 when the request is allowed)."""

    def __init__(self, per_minute: int, max_clients: int = 10_000,
                 window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        # key -> [window start, count]; oldest windows first, so eviction is O(1).
        self._clients: OrderedDict[str, list[float]] = OrderedDict()

    def hit(self, key: str) -> int:
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        with self._lock:
            entry = self._clients.get(key)
            if entry is None or now - entry[0] >= self.window:
                self._clients.pop(key, None)
                while len(self._clients) >= self.max_clients:
                    self._clients.popitem(last=False)
                self._clients[key] = [now, 1]
                return 0
            if entry[1] >= self.per_minute:
                return max(1, math.ceil(entry[0] + self.window - now))
            entry[1] += 1
            return 0

    def __len__(self) -> int:
        return len(self._clients)


# Which budget each route spends; every route not named here spends "pages".
ENDPOINT_BUCKETS = {
    "web.search": "search",
    "web.api_search": "search",
    "web.feed": "search",
    "web.alert": "search",
    "web.api_suggest": "suggest",
}


def limiters(config) -> dict[str, RateLimiter]:
    """The three budgets of an app, from its config (per minute and per client address)."""
    clients = int(config["RATELIMIT_MAX_CLIENTS"])
    return {
        "search": RateLimiter(int(config["RATELIMIT_PER_MINUTE"]), max_clients=clients),
        "suggest": RateLimiter(int(config["RATELIMIT_SUGGEST_PER_MINUTE"]), max_clients=clients),
        "pages": RateLimiter(int(config["RATELIMIT_PAGES_PER_MINUTE"]), max_clients=clients),
    }


def wait_for(buckets: dict[str, RateLimiter], endpoint: str | None, client: str) -> int:
    """Spend one request of `client` on the route's budget: seconds to wait, 0 = allowed.

    `client` is the address waitress reports: the peer, or the visitor named by
    X-Forwarded-For when the peer is the trusted proxy (`offres serve --trusted-proxy`)."""
    bucket = ENDPOINT_BUCKETS.get(endpoint or "", "pages")
    return buckets[bucket].hit(client)
