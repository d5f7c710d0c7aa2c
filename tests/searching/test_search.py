"""Searching the five seed offers: what job seekers type, and what they should get first."""

import datetime as dt

import pytest

from indexer import QueryError
from support import AS_OF

ASSISTANT_SOCIAL = {"3134-24-1801/SR", "3134-25-1255/SR"}


def refs(page):
    return [hit.reference for hit in page.hits]


EDUCATEUR, CESF, INFO, AS_SUD, AS_NORD = ("3134-24-1986/SR", "3134-25-0977/SR", "3134-25-0731/SR",
                                          "3134-24-1801/SR", "3134-25-1255/SR")


@pytest.mark.parametrize(
    "query, ranked",
    [
        ("educatrice", [EDUCATEUR]),
        ("educateur", [EDUCATEUR]),
        ("éducateurs spécialisés", [EDUCATEUR]),
        ("assistante sociale", [AS_NORD, AS_SUD, CESF, EDUCATEUR, INFO]),
        ("protection de l’enfance", [EDUCATEUR, INFO, AS_NORD, AS_SUD]),
        ("protection de l'enfance", [EDUCATEUR, INFO, AS_NORD, AS_SUD]),
        ("houailou", [AS_NORD]),
        ("Houaïlou", [AS_NORD]),
        ("CESF", [CESF]),
        ("conseiller en économie sociale et familiale", [CESF]),
        ("informations signalantes", [INFO]),
        ("3134-25-0977/SR", [CESF]),
        ("25-0977", [CESF]),
        ("reference:3134-24-1801/SR", [AS_SUD]),
        ("titre:houailou", [AS_NORD]),
        ("commune:houailou", [AS_NORD]),
        ("employeur:nord", [AS_NORD]),
        ("DASSPS", [AS_NORD]),
    ],
)
def test_right_offers_in_order(seed_index, query, ranked):
    assert refs(seed_index.search(query, as_of=AS_OF)) == ranked


def test_assistant_social_offers_lead(seed_index):
    page = seed_index.search("assistante sociale", as_of=AS_OF)
    assert set(refs(page)[:2]) == ASSISTANT_SOCIAL


def test_highlight_shows_the_accented_original(seed_index):
    page = seed_index.search("educateur", as_of=AS_OF)
    snippet = page.hits[0].snippet
    assert '<mark class="match' in snippet
    assert ">éducateur</mark>" in snippet


def test_typo_gives_a_suggestion_and_still_finds(seed_index):
    page = seed_index.search("travailleur socail", as_of=AS_OF)
    assert page.suggestion == "travailleur social"
    assert page.total == 5
    assert page.fallback == "fuzzy"


def test_fuzzy_fallback_alone(seed_index):
    page = seed_index.search("educatrise", as_of=AS_OF)
    assert page.fallback == "fuzzy"
    assert refs(page)[0] == EDUCATEUR


def test_exact_match_has_no_fallback(seed_index):
    page = seed_index.search("travailleur social", as_of=AS_OF)
    assert page.fallback is None
    assert page.total == 5


def test_facet_counts_for_employer(seed_index):
    page = seed_index.search("", as_of=AS_OF)
    employers = {f.value: f.count for f in page.facets["employer"]}
    assert employers == {"Province Sud": 4, "Province Nord": 1}
    assert page.total == 5


def test_disjunctive_facets(seed_index):
    page = seed_index.search("", filters={"employer": ["Province Nord"]}, as_of=AS_OF)
    assert refs(page) == ["3134-25-1255/SR"]
    # The employer facet ignores its own selection; the others follow it.
    employers = {f.value: (f.count, f.selected) for f in page.facets["employer"]}
    assert employers == {"Province Sud": (4, False), "Province Nord": (1, True)}
    assert {f.value: f.count for f in page.facets["commune"]} == {"Houaïlou": 1}
    both = seed_index.search("", filters={"employer": ["Province Nord", "Province Sud"]}, as_of=AS_OF)
    assert both.total == 5
    nothing = seed_index.search(
        "", filters={"employer": ["Province Nord"], "commune": ["Nouméa"]}, as_of=AS_OF)
    assert nothing.total == 0


def test_status_against_a_date(seed_index):
    page = seed_index.search("", as_of=dt.date(2025, 8, 15))
    status = {f.value: f.count for f in page.facets["status"]}
    # Open on 15 August 2025: 1255 (29 Aug). Closed: the four others.
    assert status == {"ouverte": 1, "clôturée": 4}
    assert refs(page)[0] == "3134-25-1255/SR"  # browsing: open first
    open_only = seed_index.search("", filters={"status": ["ouverte"]}, as_of=dt.date(2025, 8, 15))
    assert refs(open_only) == ["3134-25-1255/SR"]


def test_posted_buckets(seed_index):
    page = seed_index.search("", as_of=dt.date(2025, 8, 20))
    posted = {f.value: f.count for f in page.facets["posted"]}
    assert posted == {"7 derniers jours": 0, "30 derniers jours": 1, "plus ancien": 4} or posted == {
        "30 derniers jours": 1, "plus ancien": 4}


def test_sorts(seed_index):
    by_date = refs(seed_index.search("", sort="date", as_of=AS_OF))
    assert by_date == ["3134-25-1255/SR", "3134-25-0977/SR", "3134-25-0731/SR",
                       "3134-24-1986/SR", "3134-24-1801/SR"]
    by_deadline = refs(seed_index.search("", sort="cloture", as_of=AS_OF))
    assert by_deadline[0] == "3134-25-1255/SR"


def test_paging(seed_index):
    first = seed_index.search("", per_page=2, page=1, as_of=AS_OF)
    second = seed_index.search("", per_page=2, page=2, as_of=AS_OF)
    third = seed_index.search("", per_page=2, page=3, as_of=AS_OF)
    assert first.pages == 3
    assert len(set(refs(first) + refs(second) + refs(third))) == 5


@pytest.mark.parametrize(
    "kwargs",
    [dict(page=0), dict(page=-5), dict(per_page=0), dict(page=10**9), dict(sort="hasard"),
     dict(filters={"path": ["/etc"]})],
)
def test_refused_parameters(seed_index, kwargs):
    with pytest.raises(QueryError):
        seed_index.search("social", **kwargs)


def test_exclusion_and_or(seed_index):
    everything = seed_index.search("travailleur", as_of=AS_OF).total
    without = seed_index.search("travailleur -houailou", as_of=AS_OF)
    assert without.total == everything - 1
    assert "3134-25-1255/SR" not in refs(without)
    either = seed_index.search("houailou OU signalantes", as_of=AS_OF)
    assert set(refs(either)) == {"3134-25-1255/SR", "3134-25-0731/SR"}


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "((((", "*", "*a*", "?a?", "social~5", "les", "date:[x to]", 'date:"^H"',
     "(" * 5000, "x" * 5000, "é" * 1000, "\x00", "OR", "-", "AND OR NOT", "titre:", ":::"],
)
def test_hostile_queries_answer(seed_index, query):
    page = seed_index.search(query, as_of=AS_OF)
    assert page.total >= 0


def test_get_and_more_like(seed_index):
    offer = seed_index.get("3134-25-1255/SR")
    assert offer.commune == "Houaïlou"
    assert seed_index.get("3134-25-1255-SR") == offer
    assert seed_index.get("../../etc/passwd") is None
    similar = seed_index.more_like("3134-24-1801/SR")
    assert similar and "3134-24-1801/SR" not in [h.reference for h in similar]


def test_json_shape(seed_index):
    data = seed_index.search("social", as_of=AS_OF).to_dict()
    assert {"total", "hits", "facets", "suggestion", "fallback"} <= set(data)
    assert {"value", "count", "selected"} == set(data["facets"]["employer"][0])
    assert {"reference", "title", "snippet", "score"} <= set(data["hits"][0])


def test_highlight_an_offer_for_a_query(seed_index):
    marked = seed_index.highlight("3134-24-1986-SR", "protection de l’enfance")
    assert marked.matched
    assert marked.title_html == ('Travailleur social au service de <mark class="match">protection'
                                 '</mark> de l&#39;<mark class="match">enfance</mark> (Bureau AED '
                                 'et Prévention)')
    assert any('<mark class="match">enfance</mark>' in html for _, html in marked.sections)
    assert seed_index.highlight("3134-24-1986-SR", "<script>").title_html.count("<") == 0
    assert seed_index.highlight("nope", "social") is None


def test_an_offer_with_thousands_of_matches_gets_a_snippet(tmp_path):
    """The snippet window is found in linear time in the matches, which one offer can hold
    by the ten thousand (comparing every match with every other one would take minutes)."""
    from indexer import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "accompagnement social des familles " * 20_000
    (corpus / "long.txt").write_text(
        f"Travailleur social\nRéférence : 26-9 du 01/07/2025\n\n# Missions :\n\n{body}\n",
        encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        hit = index.search("social").hits[0]
    assert hit.snippet.count('<mark class="match">social</mark>') >= 5


def test_warm_reads_ahead_and_changes_no_answer(seed_index_dir):
    from indexer import open_index

    def answer(index):
        data = index.search("educatrice", as_of=AS_OF).to_dict()
        del data["elapsed_ms"]
        return data

    with open_index(seed_index_dir) as cold, open_index(seed_index_dir) as warm:
        warm.warm()
        assert answer(warm) == answer(cold)


@pytest.mark.parametrize("spelling", ["3134-25-0977/SR", "3134-25-0977 SR", "3134-25-0977_SR",
                                      "3134-25-0977-SR", "3134-25-0977 sr", "25-0977"])
def test_an_offer_is_found_under_every_spelling_of_its_reference(seed_index, spelling):
    assert seed_index.get(spelling).reference == CESF
