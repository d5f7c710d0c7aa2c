"""YAML front matter of Markdown pages → flat (key, text) pairs, every value a string.

PyYAML's ``BaseLoader`` keeps every scalar as written ("0123" stays "0123", "2026-05-29" is
not a date object); quotes, escapes and comments are YAML's business. Lists become one value
joined by ", "; a nested mapping (Hugo's ``params:``) contributes its own keys after the
top-level ones. A header YAML refuses (an unquoted ": " in a title is common) is read line
by line, with a warning.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_FRONT_KEY = re.compile(r"^([A-Za-z_][\w\- ]*?)\s*:(?:\s+(.*?))?\s*$")
Pairs = tuple[tuple[str, str], ...]


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ", ".join(t for t in map(_text, value) if t)
    return ""


def _flatten(data: dict[Any, Any]) -> list[tuple[str, str]]:
    pairs = [(str(k), _text(v)) for k, v in data.items() if not isinstance(v, dict)]
    for value in data.values():
        if isinstance(value, dict):
            pairs.extend(_flatten(value))
    return [(k, v) for k, v in pairs if v]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return re.sub(r"\s+#.*$", "", value)  # a comment after an unquoted value


def _line_by_line(lines: list[str]) -> list[tuple[str, str]]:
    """The "key: value" lines of a header YAML refused: top-level scalars only."""
    pairs = []
    for raw in lines:
        found = _FRONT_KEY.match(raw)
        if found and found.group(2) and raw[:1] not in " \t":
            pairs.append((found.group(1).strip(), _unquote(found.group(2).strip())))
    return [(k, v) for k, v in pairs if v]


def parse_front_matter(lines: list[str]) -> tuple[Pairs, tuple[str, ...]]:
    """(pairs, warnings) of a header's lines: ['numero: "26-1246"', "ville: Koné # Nord"] → (("numero", "26-1246"), ("ville", "Koné"))."""
    try:
        data = yaml.load("\n".join(lines), Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str, list, dict
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (ligne {mark.line + 2})" if mark is not None else ""
        return tuple(_line_by_line(lines)), (f"en-tête YAML illisible{where} : lu ligne par ligne",)
    if not isinstance(data, dict):
        return (), ()
    return tuple(_flatten(data)), ()


def split_front_matter(text: str) -> tuple[Pairs, str, tuple[str, ...]]:
    """(pairs, body, warnings) of a Markdown text: "---\\ntitre: X\\n---\\nCorps" → ((("titre", "X"),), "Corps", ())."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return (), text, ()
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            pairs, warnings = parse_front_matter(lines[1:end])
            return pairs, "\n".join(lines[end + 1 :]), warnings
    return (), text, ("en-tête YAML non fermé (ligne « --- » manquante) : lu comme du texte",)
