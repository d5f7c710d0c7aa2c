"""HTML offer pages and fragments → :class:`Document` (bs4, stdlib parser)."""

from __future__ import annotations

import re

from bs4 import (
    BeautifulSoup, Comment, Declaration, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag,
)

from indexer.parsing.document import Block, Document, heading, line, pair

# Never offer content: code, site chrome, and form widgets whose labels would leak.
_DROP = ("script", "style", "noscript", "template", "nav", "svg", "iframe", "button", "select", "object")
# Site chrome, dropped unless inside an <article> (where <header> often holds the h1).
_CHROME = ("header", "footer")
_SECTION_HEADINGS = ("h1", "h2", "h3")
_MINOR_HEADINGS = ("h4", "h5", "h6")
_BLOCK = frozenset(
    "address article aside blockquote body center details dialog div fieldset figcaption figure form hr html"
    " li main ol p pre section summary ul tbody thead tfoot caption".split()
)
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
# "Travailleur social | Province Sud", "Offre - Site": the last segment is the site name.
_SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|::|·)\s+[^|–—]*$")


def _text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


class _Collector:
    """Walks a tree once, turning headings, paragraphs, table rows and dl pairs into blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.starts: dict[int, int] = {}  # block count when a block element opened

    def flush(self) -> None:
        for part in "".join(self.buffer).split("\n"):
            text = " ".join(part.split())
            if text:
                self.blocks.append(line(text))
        self.buffer = []

    def walk(self, root: Tag) -> None:
        # Iterative: a hostile page with thousands of nested <div> must not hit the recursion limit.
        stack: list[tuple[PageElement, bool]] = [(child, False) for child in reversed(list(root.children))]
        while stack:
            node, closing = stack.pop()
            if closing:
                self.close(node)  # type: ignore[arg-type]
            elif isinstance(node, _SKIPPED_STRINGS):
                continue
            elif isinstance(node, NavigableString):
                self.buffer.append(str(node))
            elif isinstance(node, Tag) and self.open(node):
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(list(node.children)))

    def open(self, tag: Tag) -> bool:
        """Handle a start tag; True when its children are to be walked (then close() follows)."""
        name = tag.name
        if name in _SECTION_HEADINGS or name in _MINOR_HEADINGS:
            self.flush()
            text = _text(tag)
            if text:
                # h4–h6 are sub-points inside a section, kept as lines.
                self.blocks.append(heading(text) if name in _SECTION_HEADINGS else line(text))
            return False
        if name == "br":
            self.buffer.append("\n")
            return False
        if name == "table":
            self.flush()
            self.table(tag)
            return False
        if name == "dl":
            self.flush()
            self.definitions(tag)
            return False
        if name == "li" or name in _BLOCK:
            self.flush()
            self.starts[id(tag)] = len(self.blocks)
        return True

    def close(self, tag: Tag) -> None:
        if tag.name == "li" or tag.name in _BLOCK:
            self.flush()
            first = self.starts.pop(id(tag), len(self.blocks))
            if tag.name == "li" and len(self.blocks) > first and self.blocks[first].kind == "line":
                self.blocks[first] = line("- " + self.blocks[first].text)

    def table(self, table: Tag) -> None:
        for row in table.find_all("tr"):
            if row.find_parent("table") is not table:
                continue  # a nested table's rows are read with the cell that holds it
            cells = [_text(c) for c in row.find_all(("td", "th"), recursive=False)]
            if len(cells) == 2 and cells[0]:
                self.blocks.append(pair(cells[0], cells[1]))
            elif any(cells):
                self.blocks.append(line(" ".join(c for c in cells if c)))

    def definitions(self, dl: Tag) -> None:
        label: str | None = None
        for item in dl.find_all(("dt", "dd")):
            if item.find_parent("dl") is not dl:
                continue
            text = _text(item)
            if item.name == "dt":
                if label:
                    self.blocks.append(line(label))
                label = text
            elif label is not None:
                self.blocks.append(pair(label, text))
                label = None
            elif text:
                self.blocks.append(line(text))
        if label:
            self.blocks.append(line(label))


def _strip_chrome(soup: BeautifulSoup | Tag) -> None:
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(_CHROME):
        if tag.find_parent("article") is None:
            tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()


_DROPPED_TAG = re.compile(rf"<(/?)({'|'.join(_DROP)})\b[^>]*?(/?)>", re.I)


def _unclosed_dropped(markup: str) -> str:
    """A fragment without the dropped elements it opens and never closes: "a <svg> b" → "a  b".

    Such an element would hold, and so drop, all the text after it, and in a text file
    that is the rest of the offer.
    """
    opened: dict[str, list[tuple[int, int]]] = {}
    for m in _DROPPED_TAG.finditer(markup):
        name = m.group(2).lower()
        if m.group(1):
            if opened.get(name):
                opened[name].pop()
        elif not m.group(3):
            opened.setdefault(name, []).append(m.span())
    parts, last = [], 0
    for start, end in sorted(span for stack in opened.values() for span in stack):
        parts.append(markup[last:start])
        last = end
    return "".join(parts) + markup[last:]


# Whether a fragment holds anything _strip_chrome removes (most Markdown renders hold none:
# three searches of the tree are then saved).
_CHROME_MARK = re.compile(r"<(?:!--|(?:%s)\b)" % "|".join(_DROP + _CHROME), re.I)


def html_blocks(markup: str) -> list[Block]:
    """Blocks of an HTML fragment: "<h2>Missions</h2><p>Accueillir</p>" → [heading("Missions"), line("Accueillir")]."""
    markup = _unclosed_dropped(markup)
    soup = BeautifulSoup(markup, "html.parser")
    if _CHROME_MARK.search(markup):
        _strip_chrome(soup)
    collector = _Collector()
    collector.walk(soup)
    collector.flush()
    return collector.blocks


def page_title(title: str) -> str:
    """A <title> without the site name: "Travailleur social | Province Sud" → "Travailleur social"."""
    text = " ".join(title.split())
    stripped = _SITE_SUFFIX.sub("", text)
    return stripped or text


def parse_html(markup: str) -> Document:
    """HTML page → Document (its JSON-LD scripts kept aside): "<h1>Travailleur social</h1><dl><dt>Employeur</dt><dd>Province Sud</dd></dl>" → title hint + pair."""
    soup = BeautifulSoup(markup, "html.parser")
    scripts = [
        s.get_text() for s in soup.find_all("script")
        if "ld+json" in str(s.get("type", "")).lower()
    ]
    title_tag = soup.find("title")
    site_title = page_title(_text(title_tag)) if isinstance(title_tag, Tag) else None
    if isinstance(title_tag, Tag):
        title_tag.decompose()
    _strip_chrome(soup)
    articles = soup.find_all("article")
    root = soup.find("main") or (articles[0] if len(articles) == 1 else None) or soup.body or soup
    collector = _Collector()
    collector.walk(root)
    collector.flush()
    main_heading = root.find("h1") or root.find(("h2", "h3", "h4", "h5", "h6"))
    return Document(
        blocks=tuple(collector.blocks),
        title_hint=_text(main_heading) if isinstance(main_heading, Tag) else None,
        page_title=site_title or None,
        scripts=tuple(scripts),  # read by the jsonld module, which reads HTML with this one
    )
