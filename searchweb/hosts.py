"""The Host header: only trusted names get through, and the public URL names the site.

A WSGI middleware in front of Flask, because a malformed Host (a 64-character label, `a..b`)
breaks Flask's URL building before any handler runs. A refused Host is replaced by a safe
one and the request is marked, so Flask answers a normal 400 page, security headers and all;
with a configured public URL every request sees its scheme, host and path prefix, so the
absolute URLs of canonical links, JSON-LD and Atom ids never echo what a client sent.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable
from urllib.parse import urlsplit

REFUSED_HOST = "offres.refused_host"

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(
    rf"(?P<name>{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?"
)
MAX_HOST = 253


def split_host(value: str) -> tuple[str, str] | None:
    """'Offres.Example.nc:8443' -> ('offres.example.nc', '8443'); None when malformed."""
    value = value.strip().lower()
    match = _HOST.fullmatch(value) if len(value) <= MAX_HOST + 6 else None
    if match is None or len(match["name"]) > MAX_HOST:
        return None
    return match["name"].rstrip("."), match["port"] or ""


class HostPolicy:
    """Which Host values are trusted: exact names, '.suffix' for subdomains, '*' for any."""

    def __init__(self, trusted: Iterable[str]) -> None:
        names = []
        for item in trusted:
            parsed = split_host(item.lstrip(".")) if item != "*" else ("*", "")
            if parsed is not None:
                names.append("." + parsed[0] if item.startswith(".") else parsed[0])
        self.names = tuple(names)

    def allows(self, host: str) -> bool:
        parsed = split_host(host)
        if parsed is None:
            return False
        name = parsed[0]
        for trusted in self.names:
            if trusted == "*" or trusted == name:
                return True
            if trusted.startswith(".") and (name == trusted[1:] or name.endswith(trusted)):
                return True
        return False

    @property
    def fallback(self) -> str:
        """A harmless Host to put in place of a refused one."""
        for name in self.names:
            if name != "*" and not name.startswith("."):
                return name
        return "localhost"


class HostMiddleware:
    """Checks the Host of each request and applies the public URL (see the module's doc)."""

    def __init__(self, app: Callable, policy: HostPolicy, public_url: str | None) -> None:
        self.app = app
        self.policy = policy
        self.public = urlsplit(public_url) if public_url else None

    def __call__(self, environ: dict, start_response: Callable):
        host = environ.get("HTTP_HOST")
        if host is None:  # HTTP/1.0 without a Host: nothing was reflected, nothing to refuse
            environ["HTTP_HOST"] = self.policy.fallback
        elif not self.policy.allows(host):
            environ[REFUSED_HOST] = True
            environ["HTTP_HOST"] = self.policy.fallback
        if self.public is not None:
            environ["wsgi.url_scheme"] = self.public.scheme
            environ["HTTP_HOST"] = self.public.netloc
            environ["SCRIPT_NAME"] = self.public.path.rstrip("/")
        return self.app(environ, start_response)
