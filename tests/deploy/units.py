"""Reading deploy/: systemd unit files and the environment file, as systemd reads them."""

from __future__ import annotations

from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTALLED_OFFRES = "/opt/offres/venv/bin/offres"


def read_unit(name: str) -> dict[str, dict[str, list[str]]]:
    """{'Service': {'ExecStart': ['...'], ...}}: sections of key -> values (keys repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values
