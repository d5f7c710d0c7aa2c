"""Static files with versioned URLs: `url_for('static', ...)` adds `?v=<hash of the file>`,
and a request carrying the current hash may be cached for a year.

The hashes are computed once, when the app is created (the files ship in the package and
do not change under a running process); an old or missing `v` gets a revalidated answer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

LONG_CACHE = 365 * 24 * 3600


def file_versions(folder: str | Path) -> dict[str, str]:
    """{'offres.css': 'a1b2c3d4e5'}: the first 10 hex digits of each file's SHA-256."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def install_versioned_static(app: Flask) -> None:
    versions = file_versions(app.static_folder or "")
    app.extensions["offres_static"] = versions

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = versions.get(values.get("filename", ""))
            if version:
                values["v"] = version

    @app.after_request
    def cache_static(response):
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == versions.get(filename):
            response.cache_control.public = True
            response.cache_control.max_age = LONG_CACHE
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        else:
            response.cache_control.no_cache = True
            response.cache_control.max_age = None
        return response
