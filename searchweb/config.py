"""The app's settings: defaults, then `OFFRES_*` environment variables, then explicit values.

Flask's `from_prefixed_env("OFFRES")` reads every `OFFRES_<KEY>` variable (values parsed as
JSON when they are JSON, so `OFFRES_RATE_LIMIT=60` is a number); the short names an
administrator types (`OFFRES_INDEX`, `OFFRES_RATE_LIMIT`, ...) are aliases of the config keys.
Values given to `create_app` (the CLI's flags, the tests) override the environment.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlsplit

from flask import Config

ENV_PREFIX = "OFFRES"

DEFAULT_CONFIG: dict[str, Any] = {
    "INDEX_DIR": "index",
    # A fixed "today" (date or ISO string) for statuses and deadlines; None = today in Nouméa.
    "AS_OF": None,
    # Requests per minute and per client address on /, /api/search and /flux.atom; 0 = off.
    "RATELIMIT_PER_MINUTE": 120,
    # Suggestions fire while typing, so they get their own, larger budget.
    "RATELIMIT_SUGGEST_PER_MINUTE": 300,
    # Every other route (offer pages, offer API, static files, /healthz): a third budget.
    "RATELIMIT_PAGES_PER_MINUTE": 600,
    # How many client addresses the limiter remembers (oldest forgotten first).
    "RATELIMIT_MAX_CLIENTS": 10_000,
    "MAX_CONTENT_LENGTH": 16 * 1024,
    "SITE_NAME": "Offres d’emploi public en Nouvelle-Calédonie",
    # The site's address as visitors see it (e.g. https://offres.example.nc); absolute URLs
    # (canonical links, JSON-LD, Atom ids) are built from it. None = from the request.
    "PUBLIC_URL": None,
    # Host names the site answers to (a leading dot also accepts subdomains, "*" any
    # well-formed name); others get a 400. The public URL's host is always added.
    "TRUSTED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    "LOG_LEVEL": "INFO",
    # The address `offres serve` listens on; a named one (not 0.0.0.0) is trusted as a Host.
    "BIND_HOST": None,
    "DEBUG": False,
    "PROPAGATE_EXCEPTIONS": False,
}

# OFFRES_<alias> -> config key (the names of the README's table).
ENV_ALIASES = {
    "INDEX": "INDEX_DIR",
    "RATE_LIMIT": "RATELIMIT_PER_MINUTE",
    "SUGGEST_RATE_LIMIT": "RATELIMIT_SUGGEST_PER_MINUTE",
    "PAGES_RATE_LIMIT": "RATELIMIT_PAGES_PER_MINUTE",
}


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it, in French."""


def load_config(config: Config, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill `config`: defaults < OFFRES_* environment < `overrides`; then check and normalise."""
    config.update(DEFAULT_CONFIG)
    from_env = Config(config.root_path)
    from_env.from_prefixed_env(ENV_PREFIX)
    for alias, key in ENV_ALIASES.items():
        if alias in from_env:
            from_env[key] = from_env.pop(alias)
    config.update(from_env)
    config.update(overrides or {})
    normalise(config)


def normalise(config: Config) -> None:
    config["PUBLIC_URL"] = public_url(config.get("PUBLIC_URL"))
    hosts = config.get("TRUSTED_HOSTS") or []
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    hosts = [h.strip().lower() for h in hosts if h and h.strip()]
    if config["PUBLIC_URL"]:
        hosts.append(urlsplit(config["PUBLIC_URL"]).netloc.lower())
    bind = str(config.get("BIND_HOST") or "")
    if bind and bind not in ("0.0.0.0", "::"):
        hosts.append(f"[{bind}]" if ":" in bind else bind)
    config["TRUSTED_HOSTS"] = hosts
    for key in ("RATELIMIT_PER_MINUTE", "RATELIMIT_SUGGEST_PER_MINUTE",
                "RATELIMIT_PAGES_PER_MINUTE", "RATELIMIT_MAX_CLIENTS"):
        config[key] = integer(key, config[key])
    level = str(config.get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL : {', '.join(LOG_LEVELS)} (reçu : « {level} »)")
    config["LOG_LEVEL"] = level


def public_url(value: Any) -> str | None:
    """'https://offres.example.nc/' -> 'https://offres.example.nc' (scheme and host required)."""
    if not value:
        return None
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL invalide : « {value} » (attendu : https://nom-du-site)")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def integer(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} doit être un nombre entier (reçu : « {value} »)") from None
    if number < 0:
        raise ConfigError(f"{name} ne peut pas être négatif (reçu : {number})")
    return number
