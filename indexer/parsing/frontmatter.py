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


# libyaml's loader (PyYAML's C extension, when installed) reads a header several times
# faster than the pure Python one, with the same constructor. Its scanner is more lenient
# in a few places, all refused by the pure one: tabs inside values, a byte order mark, a
# block scalar's indicator followed by "#" ("|#"), some tags ("!~!"), a "?" inside a flow
# collection ("[a?]"); and it nests deeper than Python's recursion limit lets the pure one
# go. Headers holding any of those marks (the front matter of job sites holds none) are
# left to the pure loader, as is any header libyaml refuses, so that what is read, and
# every warning, stay the pure loader's (tests/parsing/test_fast_paths.py compares the two
# on tables and on generated headers).
_FAST_LOADER: type | None = getattr(yaml, "CBaseLoader", None)
_LENIENT = ("\t", "\ufeff", "|", ">", "!")
_NESTING_MARKS = "[{-?:"
# Each level of nesting takes one of those marks; far below the depth (some 300 levels)
# where the pure loader hits the recursion limit.
_MAX_NESTING_MARKS = 150


def _fast_loadable(source: str) -> bool:
    """Whether libyaml reads ``source`` exactly as the pure loader does (see above)."""
    return (
        _FAST_LOADER is not None
        and not any(c in source for c in _LENIENT)
        and not ("?" in source and ("[" in source or "{" in source))  # "[a?]": a value to libyaml only
        and sum(source.count(c) for c in _NESTING_MARKS) <= _MAX_NESTING_MARKS
    )


def load_yaml(source: str) -> Any:
    """``source`` loaded by PyYAML's ``BaseLoader`` (every scalar a string), by libyaml where
    that gives the same: 'numero: "0123"' → {"numero": "0123"}. Raises what the pure loader raises."""
    if _fast_loadable(source):
        try:
            return yaml.load(source, Loader=_FAST_LOADER)  # noqa: S506 - BaseLoader's constructor: str, list, dict
        except (yaml.YAMLError, ValueError):  # ValueError: a lone surrogate libyaml cannot encode
            pass  # the pure loader says what is wrong, with its own line numbers
    return yaml.load(source, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str, list, dict


def parse_front_matter(lines: list[str]) -> tuple[Pairs, tuple[str, ...]]:
    """(pairs, warnings) of a header's lines: ['numero: "26-1246"', "ville: Koné # Nord"] → (("numero", "26-1246"), ("ville", "Koné"))."""
    try:
        data = load_yaml("\n".join(lines))
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
