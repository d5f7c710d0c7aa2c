"""The synonym and acronym table: its format, the shipped data, and lookups both ways."""

from __future__ import annotations

import pytest

from indexer.analysis import analyze, synonym_table
from indexer.analysis import synonym_key
from indexer.analysis.synonyms import parse_groups, synonym_groups

REQUIRED = [
    ("ASS", "assistant de service social"),
    ("AS", "assistant social"),
    ("ES", "éducateur spécialisé"),
    ("EJE", "éducateur de jeunes enfants"),
    ("CESF", "conseiller en économie sociale et familiale"),
    ("ASE", "aide sociale à l'enfance"),
    ("AED", "aide éducative à domicile"),
    ("PMI", "protection maternelle et infantile"),
    ("CMS", "centre médico-social"),
    ("DPASS", "direction provinciale de l'action sanitaire et sociale"),
    ("DASSPS", "direction des affaires sanitaires et sociales et des problèmes de société"),
    ("RH", "ressources humaines"),
    ("SAS", "service de l'action sociale"),
    ("SPE", "service de la protection de l'enfance"),
    ("DEL", "direction de l'emploi et du logement"),
    ("UPASS", "unité provinciale d'action sanitaire et sociale"),
    ("BISE", "bureau des informations signalantes et évaluations"),
    ("CPED", "commission pluridisciplinaire pour l'enfance en danger"),
    ("PAE", "permanence d'accueil exceptionnel"),
    ("RESPNC", "répertoire des emplois du secteur public de Nouvelle-Calédonie"),
]


@pytest.mark.parametrize("acronym, phrase", REQUIRED)
def test_required_groups_meet_on_one_token(acronym: str, phrase: str) -> None:
    """The spelled-out form, in any gender or number, carries the acronym's token."""
    table, _ = synonym_table()
    token = analyze(acronym, mode="query") or [synonym_key(acronym)]
    assert token[0] in table[tuple(analyze(phrase, mode="query"))]
    assert token[0] in table[tuple(token)]


@pytest.mark.parametrize("typed, acronym", [
    ("assistantes sociales", "AS"),
    ("éducatrice spécialisée", "ES"),
    ("conseillère en économie sociale et familiale", "CESF"),
    ("centre medico social", "CMS"),
])
def test_gender_number_and_hyphens_do_not_matter(typed: str, acronym: str) -> None:
    table, _ = synonym_table()
    assert analyze(acronym, mode="query")[0] in table[tuple(analyze(typed, mode="query"))]


def test_bap_comes_from_the_corpus_wording() -> None:
    assert any(g[0] == "BAP" and "bureau AED et prévention" in g for g in synonym_groups())


@pytest.mark.parametrize("text, key", [
    ("CESF", "cesf"),
    ("Aide sociale à l’Enfance", "aide sociale a l'enfance"),
    ("  centre   Médico-Social ", "centre medico-social"),
    ("« ressources humaines »,", "ressources humaines"),
])
def test_synonym_key(text: str, key: str) -> None:
    assert synonym_key(text) == key


def test_parse_format() -> None:
    lines = [
        "# a comment",
        "",
        "ASE = aide sociale à l'enfance",
        "AS = assistant social | assistant de service social",
    ]
    assert parse_groups(lines) == (
        ("ASE", "aide sociale à l'enfance"),
        ("AS", "assistant social", "assistant de service social"),
    )


@pytest.mark.parametrize("line", ["ASE aide sociale", "ASE =", "= aide sociale"])
def test_parse_rejects_lines_without_a_group(line: str) -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_groups([line])


def test_every_term_of_the_shipped_file_is_searchable() -> None:
    """Each term must leave tokens after analysis, except acronyms that are also stop words
    ("ME"), which are looked up by their folded form."""
    for group in synonym_groups():
        for term in group:
            assert analyze(term, mode="query") or synonym_key(term) == "me", term
