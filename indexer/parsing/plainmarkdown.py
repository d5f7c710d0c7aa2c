"""Markdown bodies written with headings, paragraphs and "- " lists only → blocks, read directly.

Most offers use no more Markdown than that; rendering them with markdown-it and parsing the
HTML back took three quarters of a build's parsing. `plain_markdown_blocks` reads such a
body line by line and gives exactly the blocks the full path (`markdown.markdown_blocks`)
gives; a body holding anything else (emphasis, links, HTML, tables, code, ordered or nested
lists, setext headings, indented lines...) is left to that path (None):

    >>> plain_markdown_blocks("# Missions\\n- accueillir le public")
    [Block(kind='heading', text='Missions', value=''), Block(kind='line', text='- accueillir le public', value='')]
    >>> plain_markdown_blocks("**Missions**") is None
    True
"""

from __future__ import annotations

import re

from indexer.parsing.document import Block, heading, line

# Characters that may start inline markup (emphasis, code, links, images, autolinks, HTML,
# entities, escapes), a table, a fence or a block quote, and whitespace Markdown reads
# differently from str.split (tabs, control characters): the full path reads them.
_MARKUP = re.compile(r"[*_`\[\]<>&\\|~\t\x00-\x09\x0b-\x1f\x7f]")
_ATX = re.compile(r"(#{1,6})(?: (.*))?")
# What a line may not be: an ordered list item, a thematic break or setext underline, any
# other list marker, a line opening with whitespace (indented code, continuations) or a
# heading mark outside an ATX heading.
_OTHER_BLOCK = re.compile(r"\d{1,9}[.)](?: |$)|[-= ]+$|\+|\s|#")


def plain_markdown_blocks(body: str) -> list[Block] | None:
    """The blocks of ``body`` if it is plain Markdown (see the module), else None.

    Each line is one block, as markdown-it's HTML read back gives them: an ATX heading of
    level 1 to 3 is a heading, 4 to 6 a line; a "- " list item a line starting "- ".
    """
    if _MARKUP.search(body):
        return None
    blocks: list[Block] = []
    append = blocks.append
    for raw in body.split("\n"):
        if not raw.strip(" "):
            continue
        first = raw[0]
        if first == "#":
            found = _ATX.fullmatch(raw)
            if found is None:
                return None
            content = found.group(2) or ""
            if "#" in content:  # a closing sequence, or "C#": the full path decides
                return None
            text = " ".join(content.split())
            if text:
                append(heading(text) if len(found.group(1)) <= 3 else line(text))
            continue
        if first == "-" and raw[1:2] == " ":
            item = raw[2:]
            if not item.strip() or _OTHER_BLOCK.match(item) or item[0] == "-":
                return None
            append(line("- " + " ".join(item.split())))
            continue
        if _OTHER_BLOCK.match(raw):
            return None
        text = " ".join(raw.split())
        if text:
            append(line(text))
    return blocks
