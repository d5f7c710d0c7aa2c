"""Plain text and Markdown (with optional front matter and HTML fragments) → :class:`Document`."""

from __future__ import annotations

import html as htmllib
import re

from indexer.parsing.fields import Block, Document, fold, heading, line, pair
from indexer.parsing.html import html_blocks

# Body headings written as bare lines ("Missions :") in offers without Markdown marks.
_SECTION_NAMES = re.compile(
    r"details de l offre|description(?: du poste| de l offre)?|presentation(?: du service| de la structure)?"
    r"|missions?(?: principales)?|activites(?: principales| secondaires)?|taches(?: principales)?"
    r"|caracteristiques particulieres de l emploi|contraintes(?: du poste)?|conditions(?: particulieres| d exercice)?"
    r"|profil(?: du candidat| recherche| souhaite)?|competences(?: requises)?|qualifications"
    r"|avantages|remuneration|modalites de candidature|pour postuler|candidature|contacts?"
)
_HTML_TAG = re.compile(r"<(?:[a-zA-Z][\w:-]*(?:\s[^<>]*)?/?|/[a-zA-Z][\w:-]*\s*|!--)>?", re.S)
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?[\s|:\-]+\|?\s*$")
_BULLET = re.compile(r"^\s*[-*+•]\s+(.*)$")
_FRONT_KEY = re.compile(r"^([A-Za-z_][\w\- ]*?)\s*:(?:\s+(.*?))?\s*$")


def is_section_name(text: str) -> bool:
    """Whether a bare line names a body section: "Missions :" → True, "Missions du SAS" → False."""
    return len(text) < 80 and bool(_SECTION_NAMES.fullmatch(fold(text)))


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
# A character without which none of the substitutions above, nor unescape, changes anything.
_INLINE_MARK = re.compile(r"[\[*_`\\&]")
_QUOTE_MARK = re.compile(r"^\s*>\s?")


def inline_markdown(text: str) -> str:
    """Markdown inline marks removed, entities unescaped once: "**Lieu** : [Koné](http://x)" → "Lieu : Koné"."""
    if _INLINE_MARK.search(text) is None:  # most lines: nothing to remove
        return text
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return htmllib.unescape(text)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r'\\(["\\])', r"\1", value[1:-1]).replace("\\n", "\n")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return re.sub(r"\s+#.*$", "", value)  # YAML comment after an unquoted value


def parse_front_matter(lines: list[str]) -> tuple[tuple[str, str], ...]:
    """Flat YAML ``key: value`` pairs: ["numero: 26-1246", "ville: 'Koné'"] → (("numero", "26-1246"), ("ville", "Koné"))."""
    pairs: list[tuple[str, str]] = []
    key: str | None = None
    items: list[str] = []
    style = ""

    def close() -> None:
        if key is not None and items:
            joined = ("\n" if style == "|" else " ").join(items) if style else ", ".join(items)
            pairs.append((key, joined.strip()))

    for raw in lines:
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[:1] in " \t" and key is not None:  # continuation: list item or block scalar line
            item = raw.strip()
            if not style and item.startswith("- "):
                item = _unquote(item[2:].strip())
            items.append(item)
            continue
        close()
        key, items, style = None, [], ""
        m = _FRONT_KEY.match(raw)
        if not m:
            continue
        key, value = m.group(1).strip(), (m.group(2) or "").strip()
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            style = value[0]
        elif value.startswith("[") and value.endswith("]"):
            items = [_unquote(v.strip()) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            pairs.append((key, _unquote(value)))
            key = None
    close()
    return tuple(pairs)


def _split_front_matter(text: str) -> tuple[tuple[tuple[str, str], ...], str, list[str]]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return (), text, []
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            return parse_front_matter(lines[1:end]), "\n".join(lines[end + 1 :]), []
    return (), text, ["en-tête YAML non fermé (ligne « --- » manquante) : lu comme du texte"]


def _table_cells(row: str) -> list[str]:
    cells = row.strip().strip("|").split("|")
    return [inline_markdown(" ".join(c.split())) for c in cells]


def _paragraph_blocks(paragraph: list[str], markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    for raw in paragraph:
        if markdown:
            if _SETEXT.match(raw) and blocks and blocks[-1].kind == "line":
                blocks[-1] = heading(blocks[-1].text)
                continue
            if _RULE.match(raw):
                continue
            m = _ATX.match(raw)
            if m:
                if m.group(2):
                    blocks.append(heading(inline_markdown(m.group(2))))
                continue
            if _TABLE_ROW.match(raw):
                if _TABLE_SEPARATOR.match(raw):
                    continue
                cells = _table_cells(raw)
                if len(cells) == 2:
                    blocks.append(pair(cells[0], cells[1]))
                elif any(cells):
                    blocks.append(line(" ".join(c for c in cells if c)))
                continue
            raw = _QUOTE_MARK.sub("", raw)
            bullet = _BULLET.match(raw)
            text = inline_markdown(raw if not bullet else "- " + bullet.group(1))
        else:
            text = raw
        text = " ".join(text.split())
        if not text:
            continue
        blocks.append(heading(text) if is_section_name(text) else line(text))
    return blocks


def _paragraphs(body: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for raw in body.split("\n"):
        if raw.strip():
            out[-1].append(raw)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def parse_markdown(text: str) -> Document:
    """Markdown offer → Document: "# Titre\\n\\nEmployeur : Province Sud" → [heading("Titre"), line("Employeur : Province Sud")]."""
    meta, body, warnings = _split_front_matter(text)
    blocks: list[Block] = []
    for paragraph in _paragraphs(body):
        joined = "\n".join(paragraph)
        if _HTML_TAG.search(joined):
            # Front-matter offers often carry HTML fragments in the body; bs4 reads them.
            blocks.extend(html_blocks(joined))
        else:
            blocks.extend(_paragraph_blocks(paragraph, markdown=True))
    return Document(blocks=tuple(blocks), meta=meta, warnings=tuple(warnings))


def plain_blocks(text: str) -> list[Block]:
    """Plain text lines as blocks, bare section names as headings: "Missions :\\n- accueillir" → [heading, line]."""
    return [b for p in _paragraphs(text) for b in _paragraph_blocks(p, markdown=False)]


def parse_plain(text: str) -> Document:
    """Plain text offer → Document: "Travailleur social\\nRéférence : 26-1246" → [line(...), line(...)]."""
    return Document(blocks=tuple(plain_blocks(text)))
