"""Where snippets start: at the offer's missions or description, not at its header."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.offer import Offer
from indexer.searching.highlight import body_start

HEADER = "Chef(fe) de centre\nRéférence : 26-1\nEmployeur : OPT\n\n"


@pytest.mark.parametrize(
    ("sections", "starts_with"),
    [
        # the first section that describes the job, whatever comes before it
        ((("Organisation et relations fonctionnelles", "Supérieur : le directeur"),
          ("Missions et activités", "Encadrer l'équipe")), "Encadrer l'équipe"),
        ((("Informations administratives", "Corps : cadre"), ("📝 Description du poste", "Le centre accueille")),
         "Le centre accueille"),
        ((("Détails de l’offre", "La direction recrute"), ("Missions", "Encadrer")), "La direction recrute"),
        # else the first section with text
        ((("Vide", ""), ("Organisation", "Supérieur : le directeur")), "Supérieur : le directeur"),
    ],
)
def test_body_start(sections, starts_with: str) -> None:
    text = HEADER + "\n\n".join(f"{name}\n{body}" for name, body in sections)
    offer = Offer(title="Chef(fe) de centre", sections=sections, text=text)
    assert text[body_start(offer, text):].startswith(starts_with)


def test_body_start_without_sections() -> None:
    assert body_start(Offer(text=HEADER), HEADER) == 0


OFFER = """---
title: "Chef(fe) de centre - Agence Entreprises"
ref: "3134-26-0712/SR"
date_cloture: "2026-05-29"
Organisation: "Office des postes et télécommunications"
---

{{< avp-header >}}

## 🏢 Organisation & relations fonctionnelles

**Supérieur hiérarchique direct :** Directeur adjoint

## 🎯 Missions et activités

- Garantir la stratégie commerciale auprès des professionnels
"""


@pytest.mark.parametrize("query", ["", "titre:chef", "cheffe"])
def test_snippets_start_at_the_missions(tmp_path: Path, query: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "offre.md").write_text(OFFER, encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        hits = index.search(query).hits
        assert [h.reference for h in hits] == ["3134-26-0712/SR"]
        assert hits[0].snippet.lstrip("…").startswith("- Garantir la stratégie commerciale")


LABELS = [  # (label, query words) -> the words marked, as analyzing the label finds them
    ("Province Sud", "province"),
    ("Koné", "kone"),
    ("Direction de l'action sanitaire et sociale", "sociale action"),
    ("Mont-Dore", "dore"),
    ("Ville de Nouméa", "absent"),
    ("", "province"),
]


@pytest.mark.parametrize(("label", "words"), LABELS)
def test_label_spans_are_the_analyzed_spans(label: str, words: str) -> None:
    from indexer.schema import make_schema
    from indexer.searching.highlight import LabelTokens, analyzed_spans

    analyzer = make_schema()["body"].analyzer
    terms = {t.text for t in analyzer(words, mode="query")}
    expected = analyzed_spans(label, terms, analyzer)
    labels = LabelTokens(max_texts=2)
    for _ in range(2):  # analyzed, then from the kept tokens
        assert labels.spans(label, terms, analyzer) == expected
    assert labels.spans(label, terms, make_schema()["body"].analyzer) == expected  # another index
    if words != "absent" and label:
        assert expected
