"""Markdown offers (YAML front matter, Hugo shortcodes, HTML fragments) → :class:`Document`.

markdown-it-py turns the body into HTML (CommonMark with tables and raw HTML), which the
HTML reader then reduces to blocks, so that a Markdown list, an HTML ``<ul>`` and a list
inside an HTML fragment all read alike. Autolinks (``<drh@province-sud.nc>``) and
reference-style links (``[Koné][1]``) keep their text; link definitions are markup.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache

from markdown_it import MarkdownIt

from indexer.parsing.document import Block, Document, heading
from indexer.parsing.frontmatter import split_front_matter
from indexer.parsing.html import html_blocks
from indexer.parsing.plainmarkdown import plain_markdown_blocks
from indexer.parsing.text import is_section_name

# Hugo shortcodes, "{{< avp-header >}}", "{{% note %}}…{{% /note %}}": markup, never text
# (a paired one keeps what it wraps).
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.S)
_POSTING_TYPES = ("jobposting", "schema:jobposting", "https://schema.org/jobposting", "http://schema.org/jobposting")


def _image_as_alt(renderer, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it's rule signature
    """An image reads as its description, as a link reads as its text."""
    token = tokens[idx]
    return htmllib.escape("".join(child.content for child in token.children or ()))


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.add_render_rule("image", _image_as_alt)
    return md


def rendered_blocks(body: str) -> list[Block]:
    """The blocks of markdown-it's HTML for ``body``: what every Markdown body gives
    (`plain_markdown_blocks` reads the plain ones without the round trip)."""
    return html_blocks(_renderer().render(body))


def markdown_blocks(body: str) -> list[Block]:
    """Blocks of a Markdown body: "**Missions** :\\n- accueillir <drh@x.nc>" → [heading("Missions :"), line("- accueillir drh@x.nc")]."""
    body = _SHORTCODE.sub("", body)
    blocks = plain_markdown_blocks(body)
    if blocks is None:
        blocks = rendered_blocks(body)
    # A bare section name on its own line ("**Profil du candidat** :") is a heading, as in plain
    # text; in a list ("- **Missions principales :**") it is a point of the section.
    return [
        heading(b.text) if b.kind == "line" and not b.text.startswith("- ") and is_section_name(b.text) else b
        for b in blocks
    ]


def parse_markdown(text: str) -> Document:
    """Markdown offer → Document: "---\\nnumero: 26-1246\\n---\\n# Titre" → meta numero + [heading("Titre")]."""
    meta, body, warnings = split_front_matter(text)
    posting = any(key.lower() in ("type", "@type") and value.lower() in _POSTING_TYPES for key, value in meta)
    return Document(blocks=tuple(markdown_blocks(body)), meta=meta, warnings=warnings, posting=posting)
