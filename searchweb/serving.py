"""The production server: waitress with bounded connections and the trusted-proxy settings.

Bounded, because a handful of slow clients must not starve everyone: a total
connection limit, a short idle timeout, and a cap on the connections one client address
holds open at once (the peer address: the trusted proxy itself is exempt, it multiplexes
every visitor and buffers slow ones itself). Behind a trusted proxy, waitress takes the
client address and scheme from X-Forwarded-For / X-Forwarded-Proto; from any other peer
those headers are dropped, so the rate limiter keys on an address nobody can forge.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Mapping

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer

from searchweb.config import ConfigError, integer

logger = logging.getLogger("offres.server")

PROXY_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


@dataclass(frozen=True)
class ServeSettings:
    """How `offres serve` listens; each field has an OFFRES_<NAME> environment variable."""

    host: str = "127.0.0.1"
    port: int = 5000
    threads: int = 4
    # The reverse proxy's address (e.g. 127.0.0.1 for nginx on the same machine); None = none.
    trusted_proxy: str | None = None
    # "http" or "https": the scheme of requests that do not say (no trusted X-Forwarded-Proto).
    url_scheme: str = "http"
    connection_limit: int = 500
    connections_per_client: int = 20
    # Seconds an idle connection (no request in progress) is kept open.
    channel_timeout: int = 20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "ServeSettings":
        """Defaults < OFFRES_HOST, OFFRES_PORT, ... < `overrides` (None values are ignored)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(f"OFFRES_{field.name.upper()}")
            if raw not in (None, ""):
                values[field.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        for field in fields(cls):
            if field.name in values and isinstance(field.default, int):
                values[field.name] = integer(f"OFFRES_{field.name.upper()}", values[field.name])
        settings = cls(**values)
        if settings.url_scheme not in ("http", "https"):
            raise ConfigError(f"OFFRES_URL_SCHEME : http ou https (reçu : « {settings.url_scheme} »)")
        if not 0 < settings.port < 65536:
            raise ConfigError(f"OFFRES_PORT : un port entre 1 et 65535 (reçu : {settings.port})")
        return settings

    def with_scheme_of(self, public_url: str | None) -> "ServeSettings":
        if public_url and public_url.startswith("https:"):
            return replace(self, url_scheme="https")
        return self

    def waitress_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "host": self.host, "port": self.port, "threads": self.threads,
            "connection_limit": self.connection_limit,
            "channel_timeout": self.channel_timeout,
            # Idle connections are looked for this often, so the timeout means what it says.
            "cleanup_interval": max(1, min(30, self.channel_timeout // 2)),
            # select() stops at 1024 descriptors; poll() has no such ceiling.
            "asyncore_use_poll": True,
            "url_scheme": self.url_scheme,
            "ident": "offres",
        }
        if self.trusted_proxy:
            options.update(trusted_proxy=self.trusted_proxy, trusted_proxy_count=1,
                           trusted_proxy_headers=set(PROXY_HEADERS),
                           clear_untrusted_proxy_headers=True)
        return options


def capped_channels(per_client: int, exempt: str | None) -> Callable:
    """A waitress `channel_class` that closes a new connection at once when its address
    already holds `per_client` open connections (0 = no cap)."""
    last_warned: dict[str, float] = {}

    def channel(server, sock, addr, adj, map=None):
        client = addr[0] if isinstance(addr, tuple) and addr else None
        if per_client and client and client != exempt and map is not None:
            held = sum(1 for ch in list(map.values())
                       if isinstance(ch, HTTPChannel) and ch.addr and ch.addr[0] == client)
            if held >= per_client:
                sock.close()
                now = time.monotonic()
                if now - last_warned.get(client, -60.0) >= 60.0:
                    if len(last_warned) > 1000:
                        last_warned.clear()
                    last_warned[client] = now
                    logger.warning("connexion refusée : %s a déjà %d connexions ouvertes",
                                   client, held)
                return None
        return HTTPChannel(server, sock, addr, adj, map=map)

    return channel


def create_server(app: Callable, settings: ServeSettings):
    """A waitress server for `app`, not yet running (`.run()`; `.effective_port` when port 0)."""
    socket_map: dict = {}
    server = waitress.create_server(app, map=socket_map, **settings.waitress_options())
    factory = capped_channels(settings.connections_per_client, settings.trusted_proxy)
    for item in list(socket_map.values()) + [server]:
        if isinstance(item, BaseWSGIServer):
            item.channel_class = factory
    return server
