"""Offer files → :class:`Offer`: decode the bytes, pick the format, reduce it to blocks, extract fields.

Formats: plain text, Markdown (optionally with YAML front matter and HTML fragments), HTML
pages (optionally carrying a JSON-LD ``JobPosting``) and JSON-LD files. Each format module
only decodes its syntax into a :class:`~indexer.parsing.document.Document`; field extraction
is shared (:mod:`indexer.parsing.fields`), and a file that is not an offer at all (a site's
news post or home page) is refused with the reason « pas une offre d’emploi ».
"""

from __future__ import annotations

import os
import re
from typing import Literal

from indexer.errors import OfferFileError
from indexer.hygiene import clean_field, clean_text, tidy_fields
from indexer.offer import Offer
from indexer.parsing.decode import (DEFAULT_MAX_BYTES, decode_bytes, decode_file_bytes,
                                    normalise_text, read_bounded, read_text)
from indexer.parsing.document import Document
from indexer.parsing.fields import extract_offer
from indexer.parsing.html import parse_html
from indexer.parsing.jsonld import merge_embedded, parse_jsonld
from indexer.parsing.markdown import parse_markdown
from indexer.parsing.text import parse_plain

Format = Literal["text", "markdown", "html", "jsonld"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "jsonld")

_EXTENSIONS: dict[str, Format] = {
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "jsonld", ".jsonld": "jsonld",
    ".md": "markdown", ".markdown": "markdown",
}
_MARKDOWN_HINTS = re.compile(r"^(?:#{1,6}\s|\s*\|.*\|\s*$|---\s*$)", re.M)
_HTML_START = re.compile(r"<(?:!doctype|html|head|body|meta|title|article|main|div|h1|p)\b", re.I)

__all__ = ["FORMATS", "Format", "decode_bytes", "parse_bytes", "parse_offer", "parse_text", "read_bounded", "read_text", "sniff_format"]


def sniff_format(text: str) -> Format:
    """The format a text looks like: "<!DOCTYPE html>..." → "html", "# Titre" → "markdown", "Titre" → "text"."""
    head = text.lstrip("\ufeff \t\n")
    if head.startswith("<") and _HTML_START.match(head):
        return "html"
    if head.startswith(("{", "[")):
        return "jsonld"
    if _MARKDOWN_HINTS.search(text):
        return "markdown"
    return "text"


def _document(text: str, fmt: Format, source: str) -> Document:
    if fmt == "html":
        page = parse_html(text)
        return merge_embedded(page) if page.scripts else page
    if fmt == "jsonld":
        return parse_jsonld(text, source)
    if fmt == "markdown":
        return parse_markdown(text)
    return parse_plain(text)


def parse_text(text: str, source: str = "", fmt: str | None = None) -> Offer:
    """An Offer from decoded text (pure): parse_text("Travailleur social\\nRéférence : 26-1246").reference == "26-1246"."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return _parse_normalised(normalise_text(text).removeprefix("\ufeff"), source, fmt)  # type: ignore[arg-type]


def _parse_normalised(text: str, source: str, fmt: Format | None) -> Offer:
    """`parse_text` of a text `normalise_text` already gave (as `decode_bytes` does: normalising
    it again would change nothing)."""
    chosen: Format = fmt or sniff_format(text)
    offer = _tidy(extract_offer(_document(text, chosen, source), source))
    if not offer.text:
        raise OfferFileError(source, "aucun texte exploitable dans le fichier")
    return offer


def _tidy(offer: Offer) -> Offer:
    """Fields cleaned and capped (`indexer.hygiene`); text that entities or JSON escapes
    decoded after `normalise_text` cleaned too."""
    names = [n for n, v in vars(offer).items() if isinstance(v, str) and n not in ("text", "source")]
    fields, warnings = tidy_fields({n: getattr(offer, n) for n in names})
    text = clean_text(offer.text)
    sections = tuple((clean_field(h), clean_text(t)) for h, t in offer.sections)
    if fields or warnings or text != offer.text or sections != offer.sections:
        offer = offer.replace(**fields, text=text, sections=sections, warnings=(*offer.warnings, *warnings))
    return offer


def parse_offer(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Offer:
    """The Offer in a file, or OfferFileError with a French reason: parse_offer("corpus/3134-25-1255-SR.txt").employer == "Province Nord"."""
    source = os.fspath(path)
    text, _encoding = read_text(source, max_bytes)
    extension = os.path.splitext(source)[1].lower()
    return _parse_normalised(text, source, _EXTENSIONS.get(extension) or sniff_format(text))


def parse_bytes(data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Offer:
    """The Offer in a file's bytes already read, with the same checks as :func:`parse_offer`."""
    text, _encoding = decode_file_bytes(data, source, max_bytes)
    extension = os.path.splitext(source)[1].lower()
    return _parse_normalised(text, source, _EXTENSIONS.get(extension) or sniff_format(text))
