"""Plain text offers → :class:`Document`: one line per block, bare section names as headings."""

from __future__ import annotations

import re

from indexer.parsing.document import Block, Document, heading, line
from indexer.parsing.labels import fold

# Body headings written as bare lines ("Missions :") in offers without Markdown marks.
_SECTION_NAMES = re.compile(
    r"details de l offre|description(?: du poste| de l offre)?|presentation(?: du service| de la structure)?"
    r"|missions?(?: principales)?|activites(?: principales| secondaires)?|taches(?: principales)?"
    r"|caracteristiques particulieres de l emploi|contraintes(?: du poste)?|conditions(?: particulieres| d exercice)?"
    r"|profil(?: du candidat| recherche| souhaite)?|competences(?: requises)?|qualifications"
    r"|avantages|remuneration|modalites de candidature|pour postuler|candidature|contacts?"
)


def is_section_name(text: str) -> bool:
    """Whether a bare line names a body section: "Missions :" → True, "Missions du SAS" → False."""
    return len(text) < 80 and bool(_SECTION_NAMES.fullmatch(fold(text)))


def _paragraphs(body: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for raw in body.split("\n"):
        if raw.strip():
            out[-1].append(raw)
        elif out[-1]:
            out.append([])
    return [p for p in out if p]


def plain_blocks(text: str) -> list[Block]:
    """Plain text lines as blocks, bare section names as headings: "Missions :\\n- accueillir" → [heading, line]."""
    blocks: list[Block] = []
    for paragraph in _paragraphs(text):
        for raw in paragraph:
            text_line = " ".join(raw.split())
            if text_line:
                blocks.append(heading(text_line) if is_section_name(text_line) else line(text_line))
    return blocks


def parse_plain(text: str) -> Document:
    """Plain text offer → Document: "Travailleur social\\nRéférence : 26-1246" → [line(...), line(...)]."""
    return Document(blocks=tuple(plain_blocks(text)))
