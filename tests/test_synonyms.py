"""The synonym and acronym table: its format, the shipped data, and lookups both ways."""

from __future__ import annotations

import pytest

from indexer.analysis import analyze
from indexer.synonyms import SYNONYMS_FILE, expand, load_synonyms, parse_synonyms, synonym_key

REQUIRED = [
    ("ass", "assistant de service social"),
    ("as", "assistant social"),
    ("es", "éducateur spécialisé"),
    ("eje", "éducateur de jeunes enfants"),
    ("cesf", "conseiller en économie sociale et familiale"),
    ("ase", "aide sociale à l'enfance"),
    ("aed", "aide éducative à domicile"),
    ("pmi", "protection maternelle et infantile"),
    ("cms", "centre médico-social"),
    ("dpass", "direction provinciale de l'action sanitaire et sociale"),
    ("dassps", "direction des affaires sanitaires et sociales et des problèmes de société"),
    ("rh", "ressources humaines"),
    ("sas", "service de l'action sociale"),
    ("spe", "service de la protection de l'enfance"),
    ("del", "direction de l'emploi et du logement"),
    ("upass", "unité provinciale d'action sanitaire et sociale"),
    ("bise", "bureau des informations signalantes et évaluations"),
    ("cped", "commission pluridisciplinaire pour l'enfance en danger"),
    ("pae", "permanence d'accueil exceptionnel"),
    ("respnc", "répertoire des emplois du secteur public de Nouvelle-Calédonie"),
]


@pytest.mark.parametrize("acronym, phrase", REQUIRED)
def test_required_groups_work_both_ways(acronym: str, phrase: str) -> None:
    table = load_synonyms()
    assert phrase in table[acronym]
    assert acronym.upper() in table[synonym_key(phrase)]


def test_bap_comes_from_the_corpus_wording() -> None:
    assert "bureau AED et prévention" in load_synonyms()["bap"]


@pytest.mark.parametrize("text, key", [
    ("CESF", "cesf"),
    ("Aide sociale à l’Enfance", "aide sociale a l'enfance"),
    ("  centre   Médico-Social ", "centre medico-social"),
    ("« ressources humaines »,", "ressources humaines"),
])
def test_synonym_key(text: str, key: str) -> None:
    assert synonym_key(text) == key


def test_hyphens_may_be_typed_as_spaces() -> None:
    table = load_synonyms()
    assert table["centre medico social"] == table["centre medico-social"] == ["CMS"]


def test_parse_format() -> None:
    lines = [
        "# a comment",
        "",
        "ASE = aide sociale à l'enfance",
        "AS = assistant social | assistant de service social",
        "ASS = assistant de service social",
    ]
    assert parse_synonyms(lines) == {
        "ase": ["aide sociale à l'enfance"],
        "aide sociale a l'enfance": ["ASE"],
        "as": ["assistant social", "assistant de service social"],
        "assistant social": ["AS", "assistant de service social"],
        # on two lines: the alternatives of both
        "assistant de service social": ["AS", "assistant social", "ASS"],
        "ass": ["assistant de service social"],
    }


@pytest.mark.parametrize("line", ["ASE aide sociale", "ASE =", "= aide sociale"])
def test_parse_rejects_lines_without_a_group(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_synonyms([line])


def test_shipped_file_parses_and_every_term_analyzes() -> None:
    """Each alternative becomes a phrase query, so it must leave tokens after analysis,
    except acronyms that are also stop words ("ME"), which only serve as keys."""
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    table = parse_synonyms(lines)
    assert table == load_synonyms()
    for key, alternatives in table.items():
        assert key == key.lower() and key.isascii()
        for alternative in alternatives:
            assert analyze(alternative, mode="query") or alternative == "ME"


def test_load_returns_a_fresh_copy() -> None:
    load_synonyms()["ase"].append("mutated")
    assert "mutated" not in load_synonyms()["ase"]


@pytest.mark.parametrize("terms, expected", [
    (["educatrice", "ASE"], ["aide sociale à l'enfance"]),
    (["aide", "sociale", "à", "l’enfance"], ["ASE"]),
    (["CESF", "DPASS"], ["conseiller en économie sociale et familiale",
                         "direction provinciale de l'action sanitaire et sociale"]),
    (["infirmier"], []),
])
def test_expand(terms: list[str], expected: list[str]) -> None:
    assert expand(terms) == expected
