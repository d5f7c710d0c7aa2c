"""As-you-type through the analyzer, as tables: what is typed -> the completions, the offers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from searchweb import create_app

AS_OF = dt.date(2025, 7, 1)


# typed, completions that must be listed (in the corpus's accents), none of these
COMPLETIONS = [
    ("educ", ["éducateur", "éducatrice", "éducatif", "éducative"], []),
    ("edu", ["éducateur", "éducatrice"], []),
    ("éduc", ["éducateur", "éducatrice"], []),
    ("EDUC", ["éducateur", "éducatrice"], []),
    ("travailleur soc", ["travailleur social"], []),
    ("noum", ["nouméa"], []),
    # a whole word typed is not completed into itself
    ("assistante", [], ["assistante", "assistant"]),
    # half-typed syntax and single letters complete nothing
    ("e", [], []),
    ('"educ', [], []),
    ("-educ", [], []),
]


@pytest.mark.parametrize("typed, listed, absent", COMPLETIONS)
def test_completions(seed_index, typed, listed, absent):
    found = [c.query for c in seed_index.complete(typed, as_of=AS_OF, limit=10)]
    assert set(listed) <= set(found)
    assert not set(absent) & set(found)


def test_completions_are_ranked_by_the_open_offers_they_find(tmp_path):
    from indexer import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, title, deadline in [("a", "Éducateur spécialisé", "Vendredi 8 août 2025"),
                                  ("b", "Éducateur de rue", "Vendredi 8 août 2025"),
                                  ("c", "Responsable de l'éducation", "Vendredi 8 août 2025"),
                                  ("d", "Chargé d'éducation", "Lundi 2 juin 2025"),
                                  ("e", "Conseiller en éducation", "Lundi 2 juin 2025")]:
        (corpus / f"{name}.txt").write_text(
            f"{title}\nRéférence : 26-{ord(name)} du 01/05/2025\n\n"
            f"Date limite de candidature : {deadline}\n\n# Missions :\n\nAccompagner.\n",
            encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        found = index.complete("educ", as_of=AS_OF)
        # éducation is in three offers, but only one is still open; éducateur in two open ones
        assert [(c.word, c.open_offers, c.offers) for c in found][:3] == [
            ("éducateur", 2, 2), ("éducatrice", 2, 2), ("éducation", 1, 3)]
        # with the words before: only the offers they find count
        assert [c.query for c in index.complete("spécialisé educ", as_of=AS_OF)][:2] == [
            "spécialisé éducateur", "spécialisé éducatrice"]


@pytest.fixture
def client(seed_index_dir):
    app = create_app({"INDEX_DIR": str(seed_index_dir), "AS_OF": AS_OF,
                      "RATELIMIT_PER_MINUTE": 0, "RATELIMIT_SUGGEST_PER_MINUTE": 0})
    app.testing = True
    yield app.test_client()
    app.extensions["offres_index"].close()


@pytest.mark.parametrize("typed", ["educ", "edu", "éduc"])
def test_api_suggest_lists_both_genders(client, typed):
    labels = [(s["kind"], s["label"]) for s in
              client.get(f"/api/suggest?q={typed}").get_json()["suggestions"]]
    assert ("recherche", "éducateur") in labels and ("recherche", "éducatrice") in labels


def test_api_suggest_offers_whose_title_matches(client):
    found = client.get("/api/suggest?q=assistante").get_json()["suggestions"]
    offers = [s["label"] for s in found if s["kind"] == "offre"]
    assert offers and all(label.startswith("Assistant(e) social(e)") for label in offers)
    word = client.get("/api/suggest?q=educ").get_json()["suggestions"][0]
    assert word["url"].startswith("/?q=") and word["detail"].endswith(("offre", "offres", "ouverte", "ouvertes"))


def test_cli_prints_no_suggestion_for_educatrice(seed_index_dir):
    out = subprocess.run([sys.executable, "-m", "indexer.cli", "search", "--index",
                          str(seed_index_dir), "educatrice"], capture_output=True, text=True,
                         check=True).stdout
    assert "Vouliez-vous dire" not in out and "3134-24-1986/SR" in out
