"""A file reduced to ordered blocks and metadata: what every format reader produces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple


class Block(NamedTuple):
    """One unit of a decoded document: a heading, a line of text, or a (label, value) pair."""

    kind: Literal["heading", "line", "pair"]
    text: str
    value: str = ""


# A tuple rather than a frozen dataclass, built without Python-level __init__: a file gives
# dozens of blocks, and a frozen dataclass costs a microsecond each to build.
_new = tuple.__new__


def heading(text: str) -> Block:
    return _new(Block, ("heading", text, ""))


def line(text: str) -> Block:
    return _new(Block, ("line", text, ""))


def pair(label: str, value: str) -> Block:
    return _new(Block, ("pair", label, value))


@dataclass(frozen=True)
class Document:
    """A file reduced to blocks; ``meta`` pairs (JSON-LD first, then front matter) win over the body."""

    blocks: tuple[Block, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    title_hint: str | None = None  # the heading the format calls the title (HTML h1)
    page_title: str | None = None  # last resort, e.g. an HTML <title> without the site name
    defaults: tuple[tuple[str, str], ...] = ()  # used only where the body says nothing
    warnings: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()  # JSON-LD scripts an HTML page carries, read by the jsonld module
    posting: bool = False  # the file states a schema.org JobPosting: an offer by its own word
