"""YAML front matter read with PyYAML's BaseLoader: every value the string the file wrote."""

from __future__ import annotations

import pytest

from indexer.parsing.frontmatter import parse_front_matter, split_front_matter


@pytest.mark.parametrize(
    ("lines", "pairs"),
    [
        (['numero: "3134-26-0677/SR"'], (("numero", "3134-26-0677/SR"),)),
        # a comment after a value is YAML's, not the value's
        (['date_cloture: "2026-05-29" # clôture', "ville: Koné   # Nord"],
         (("date_cloture", "2026-05-29"), ("ville", "Koné"))),
        # BaseLoader: no octal, no date object, no float
        (["nb_agents: 0123", "date: 2026-07-01", "latitude: -21.0595"],
         (("nb_agents", "0123"), ("date", "2026-07-01"), ("latitude", "-21.0595"))),
        # lists lose their quotes, joined by ", "
        (['tags: ["Koné", "Télécoms"]'], (("tags", "Koné, Télécoms"),)),
        (["tags:", '  - "Koné"', "  - Télécoms # famille"], (("tags", "Koné, Télécoms"),)),
        # escapes are decoded
        (['title: "Chef(fe) d\'équipe \\"réseau\\""'], (("title", 'Chef(fe) d\'équipe "réseau"'),)),
        (["direction: 'Direction de l''enseignement'"], (("direction", "Direction de l'enseignement"),)),
        (['title: "Agent\\u00a0d\'accueil"'], (("title", "Agent\u00a0d'accueil"),)),
        # empty values say nothing
        (['job_url: ""', "image:"], ()),
        # a nested mapping (Hugo's params) gives its keys after the top-level ones
        (["params:", "  ref: 26-1246", "title: Agent"], (("title", "Agent"), ("ref", "26-1246"))),
        (["description: |", "  Première ligne", "  seconde ligne"],
         (("description", "Première ligne\nseconde ligne"),)),
    ],
)
def test_values_are_strings_as_written(lines: list[str], pairs: tuple[tuple[str, str], ...]) -> None:
    assert parse_front_matter(lines) == (pairs, ())


def test_a_header_yaml_refuses_is_read_line_by_line() -> None:
    pairs, warnings = parse_front_matter(["title: Chef: adjoint", 'ref: "26-1246"', "  - orphelin"])
    assert pairs == (("title", "Chef: adjoint"), ("ref", "26-1246"))
    assert warnings == ("en-tête YAML illisible (ligne 2) : lu ligne par ligne",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitre: X\n---\nCorps", ((("titre", "X"),), "Corps", ())),
        ("---\ntitre: X\n...\nCorps", ((("titre", "X"),), "Corps", ())),
        ("Titre\n---\nCorps", ((), "Titre\n---\nCorps", ())),
        ("---\ntitre: X\nCorps", ((), "---\ntitre: X\nCorps",
                                   ("en-tête YAML non fermé (ligne « --- » manquante) : lu comme du texte",))),
    ],
)
def test_split_front_matter(text: str, expected) -> None:
    assert split_front_matter(text) == expected
