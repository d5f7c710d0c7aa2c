"""The user query language, as tables of input -> clauses."""

import pytest

from indexer.searching.query import MAX_CLAUSES, MAX_QUERY_CHARS, Clause, parse_user_query

T = ("title", "body")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("educatrice", [Clause("educatrice")]),
        ("assistante sociale", [Clause("assistante"), Clause("sociale")]),
        ('"aide sociale" cesf', [Clause("aide sociale", phrase=True), Clause("cesf")]),
        ("educateur -nuit", [Clause("educateur"), Clause("nuit", negate=True)]),
        ("educateur SAUF nuit", [Clause("educateur"), Clause("nuit", negate=True)]),
        ("educateur NOT nuit", [Clause("educateur"), Clause("nuit", negate=True)]),
        ("ase OU aed", [Clause("ase"), Clause("aed", or_with_previous=True)]),
        ("ase OR aed", [Clause("ase"), Clause("aed", or_with_previous=True)]),
        ("ase ET aed", [Clause("ase"), Clause("aed")]),
        ("titre:educateur", [Clause("educateur", fields=("title",))]),
        ("employeur:nord", [Clause("nord", fields=("employer_text",))]),
        ("commune:Koné", [Clause("Koné", fields=("place_text",))]),
        ("reference:3134-25-0977/SR", [Clause("3134-25-0977/SR", fields=("refs",))]),
        ('titre:"travailleur social"', [Clause("travailleur social", phrase=True, fields=("title",))]),
        # Unknown fields, wildcards, fuzzy marks and grouping are plain text.
        ("path:/etc/passwd", [Clause("path /etc/passwd")]),
        ("*", []),
        ("educ*", [Clause("educ")]),
        ("social~3", [Clause("social~3")]),
        ("((educateur)", [Clause("educateur")]),
        ('"unbalanced phrase', [Clause("unbalanced phrase", phrase=True)]),
        ('""""', []),
        ("AND OR NOT", []),
        ("-", [Clause("-")]),
        ("", []),
    ],
)
def test_parse_user_query(text, expected):
    clauses, _ = parse_user_query(text)
    assert clauses == expected


@pytest.mark.parametrize(
    "text, typing",
    [("educ", True), ("educ ", False), ('"aide sociale"', False), ("", False), ("a b", True)],
)
def test_last_word_is_being_typed(text, typing):
    assert parse_user_query(text)[1] is typing


def test_bounds():
    clauses, _ = parse_user_query("mot " * 1000)
    assert len(clauses) == MAX_CLAUSES
    clauses, _ = parse_user_query("x" * 10_000)
    assert clauses == [Clause("x" * MAX_QUERY_CHARS)]
    assert parse_user_query("(" * 50 + "a" + ")" * 50)[0] == [Clause("a")]
