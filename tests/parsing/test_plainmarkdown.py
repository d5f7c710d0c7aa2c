"""Plain Markdown read directly: the same blocks as markdown-it's HTML read back, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.parsing.decode import normalise_text, read_text
from indexer.parsing.document import heading, line
from indexer.parsing.frontmatter import split_front_matter
from indexer.parsing.markdown import markdown_blocks, rendered_blocks
from indexer.parsing.plainmarkdown import plain_markdown_blocks

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("body", "blocks"),
    [
        ("# Éducateur spécialisé\n\nRéférence : 26-1246",
         [heading("Éducateur spécialisé"), line("Référence : 26-1246")]),
        # a list may follow a paragraph line directly; a line after an item is a line of its own
        ("Missions :\n- accueillir le public ;\n- suivre les dossiers\nsous l'autorité du chef",
         [line("Missions :"), line("- accueillir le public ;"), line("- suivre les dossiers"),
          line("sous l'autorité du chef")]),
        # h4 to h6 are lines; spaces inside a line are one space
        ("#### Suivi   des dossiers  \n###   Profil", [line("Suivi des dossiers"), heading("Profil")]),
        # an empty heading and blank lines give nothing
        ("#\n\n   \n- un point", [line("- un point")]),
        # text that only looks like markup outside a line's start
        ("Bac + 2, 100 % - temps plein, C# et 3.5 ans = ok !", [line("Bac + 2, 100 % - temps plein, C# et 3.5 ans = ok !")]),
        ("-tiret collé\nBP 2025. Nouméa", [line("-tiret collé"), line("BP 2025. Nouméa")]),
    ],
)
def test_plain_bodies_read_directly(body: str, blocks: list) -> None:
    assert plain_markdown_blocks(body) == blocks == rendered_blocks(body)


@pytest.mark.parametrize(
    "body",
    [
        "**Missions**", "Prime *exceptionnelle*", "un_mot", "`code`", "[Koné][1]", "a <b>gras</b>",
        "R&D", r"échappé \# oui", "| a | b |", "~~~", "> citation", "\tindenté", "    code",
        "Titre\n===", "Titre\n---", "---", "- - -", "-", "- ", "-  deux espaces", "- # titre",
        "- - imbriqué", "- 1. ordonné", "1. premier", "2025) liste", "+ plus", "* étoile",
        "# Titre #", "#sans espace", "####### sept", "  - décalé", "\u00a0insécable",
    ],
)
def test_anything_else_goes_through_markdown_it(body: str) -> None:
    assert plain_markdown_blocks(body) is None


_PIECES = ["# ", "## ", "#### ", "- ", "-", "--", "=", "1. ", "2) ", "+ ", "#", " ", "  ", "\n",
           "\n\n", "Missions :", "Profil", "accueillir", "le public", "é", "’", "'", "\"", ":",
           ".", "(e)", "%", "!", "?", "@", "{", "}", "\u00a0", "=", "3134-25-0977/SR"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_whenever_read_directly_the_blocks_are_markdown_its(body: str) -> None:
    blocks = plain_markdown_blocks(body)
    if blocks is not None:
        assert blocks == rendered_blocks(body)


def _markdown_bodies():
    for path in sorted(TESTS.rglob("*.md")):
        text, _ = read_text(str(path), 1 << 22)
        yield path.name, split_front_matter(normalise_text(text))[1]


_OFFER = """# Aide-soignant(e)

Référence : 2025-22-0002/DRHFPNC du 16/10/2022

Employeur : Gouvernement de la Nouvelle-Calédonie

Corps ou Cadre d’emploi /Domaine : Psychologue

# Détails de l’offre :

Au sein du pôle enfance-famille, le service de la protection de l'enfance (SPE) compte 90 agents.

# Missions :

Sous l'autorité du chef de service, le/la candidat(e) retenu(e) aura pour missions :
- de suivre les dossiers ;
- d'assurer un rôle d'orientation des particuliers et des professionnels confrontés à
"""


def test_an_offer_in_plain_markdown_reads_directly() -> None:
    fast = plain_markdown_blocks(_OFFER)
    assert fast is not None and fast == rendered_blocks(_OFFER)
    assert markdown_blocks(_OFFER)[-1] == line(
        "- d'assurer un rôle d'orientation des particuliers et des professionnels confrontés à")


@pytest.mark.parametrize(("name", "body"), list(_markdown_bodies()))
def test_fixture_bodies_give_the_same_blocks_either_way(name: str, body: str) -> None:
    fast = plain_markdown_blocks(body)
    assert fast is None or fast == rendered_blocks(body), name
