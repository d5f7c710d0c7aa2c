"""Field extraction's shortcuts against what they replace: blocks built as tuples, headings
read once, the blank-run rule applied only to texts that hold one."""

from __future__ import annotations

import pickle

import pytest

from indexer.parsing import fields, parse_text
from indexer.parsing.document import Block, heading, line, pair
from indexer.parsing.labels import clean_heading


def test_blocks_built_by_the_helpers_are_the_blocks_named() -> None:
    assert heading("Missions") == Block("heading", "Missions") == Block(kind="heading", text="Missions", value="")
    assert line("Accueillir") == Block("line", "Accueillir")
    assert pair("Employeur", "Province Sud") == Block("pair", "Employeur", "Province Sud")
    assert type(line("x")) is Block and line("x").kind == "line" and pair("a", "b").value == "b"
    assert repr(heading("Missions")) == "Block(kind='heading', text='Missions', value='')"
    assert pickle.loads(pickle.dumps(pair("a", "b"))) == pair("a", "b")
    with pytest.raises(AttributeError):
        line("x").text = "y"  # type: ignore[misc]


HEADINGS = ["Missions", "## PROVINCE SUD", "Province des îles Loyauté", "Direction des ressources humaines",
            "Direction de l’économie, de la formation et de l’emploi.", "🎯 Profil recherché :", "  Profil  ", "",
            "Direction " + "x" * 200, "Province Nord - Koné"]


@pytest.mark.parametrize("text", HEADINGS)
def test_a_heading_reads_as_uncached(text: str) -> None:
    name = clean_heading(text)
    assert fields._heading(text) == (name, fields._is_province_line(name), fields._is_direction_line(name))


@pytest.mark.parametrize("body", [
    "Travailleur social\nRéférence : 26-1246\n\n\n\nMissions :\n- accueillir",
    "Travailleur social\n\nMissions :\n\n\n- accueillir\n\n\n\n\nProfil :\nrigueur",
    "Travailleur social\nRéférence : 26-1246\nMissions :\n- accueillir",
])
def test_runs_of_blank_lines_become_one(body: str) -> None:
    text = parse_text(body).text
    assert "\n\n\n" not in text
    assert text == fields._BLANK_LINES.sub("\n\n", text)
