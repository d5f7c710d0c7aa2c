"""Highlighting has a budget: a 2 MB offer that repeats the word searched
for gets a bounded number of marks, on its page and in its snippet, and all of its text."""

import html
import re
from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.parsing import DEFAULT_MAX_BYTES
from indexer.schema import make_schema
from indexer.searching.highlight import HIGHLIGHT_CHARS, MAX_MARKS, analyzed_spans, mark

ROOT = Path(__file__).resolve().parents[2]
WORD = "éducatrice"
HEADER = "Éducatrice spécialisée\nRéférence : 26-5000\n\nEmployeur : Province Sud\n\nMissions :\n"


def unmarked(markup: str) -> str:
    return html.unescape(re.sub(r"</?mark[^>]*>", "", markup))


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """An index with one offer just under the size cap: "éducatrice " over and over."""
    root = tmp_path_factory.mktemp("big-offer")
    corpus = root / "corpus"
    corpus.mkdir()
    repeats = (DEFAULT_MAX_BYTES - 10_000) // len(f"{WORD} ".encode())
    body = f"{WORD} " * repeats
    (corpus / "grande.txt").write_text(HEADER + body, encoding="utf-8")
    seed = sorted((ROOT / "corpus").glob("*.txt"))[0]
    (corpus / seed.name).write_bytes(seed.read_bytes())
    assert 1_900_000 < (corpus / "grande.txt").stat().st_size <= DEFAULT_MAX_BYTES
    build_index(corpus, root / "index")
    with open_index(root / "index") as index:
        yield index, repeats


def test_offer_page_marks_at_most_the_budget_and_shows_all_the_text(big):
    index, repeats = big
    shown = index.highlight("26-5000", WORD)
    assert shown.matched
    marks = sum(section.count("<mark") for _, section in shown.sections)
    assert marks == MAX_MARKS < repeats
    offer = index.get("26-5000")
    assert [unmarked(section) for _, section in shown.sections] == [t for _, t in offer.sections]


def test_results_snippet_of_a_big_offer_is_short_and_marked(big):
    index, _ = big
    hit = next(h for h in index.search(WORD).hits if h.reference == "26-5000")
    assert 0 < hit.snippet.count("<mark") <= 40
    assert len(unmarked(hit.snippet)) <= 230


def test_offer_page_over_http(big, tmp_path):
    from searchweb import create_app

    index, _ = big
    app = create_app({"INDEX_DIR": str(index.path), "RATELIMIT_PER_MINUTE": 0})
    page = app.test_client().get(f"/offres/26-5000?q={WORD}")
    assert page.status_code == 200
    # The body's budget, and the title's own mark.
    assert page.get_data(as_text=True).count('<mark class="match">') == MAX_MARKS + 1


@pytest.mark.parametrize("text, chars, marks, expected", [
    # (text, character budget, match budget) -> marked spans
    ("éducatrice et éducateur", 1000, 10, [(0, 10), (14, 23)]),
    ("éducatrice " * 50, 1000, 3, [(0, 10), (11, 21), (22, 32)]),
    ("éducatrice " * 50, 30, 10, [(0, 10), (11, 21)]),  # the word cut at 30 is not marked
    ("éducatrice", 10, 10, [(0, 10)]),
    ("éducatrice", 0, 10, []),
    ("éducatrice", 100, 0, []),
])
def test_analyzed_spans_keep_to_the_budget(text, chars, marks, expected):
    analyzer = make_schema()["body"].analyzer  # the schema's, as highlighting takes it
    terms = {t.text for t in analyzer("éducatrice éducateur", mode="query")}
    assert analyzed_spans(text, terms, analyzer, chars, marks) == expected


@pytest.mark.parametrize("text, spans, markup", [
    ("l’éducatrice", [(2, 12)], 'l’<mark class="match">éducatrice</mark>'),
    ("<b>a</b> a", [(9, 10)], '&lt;b&gt;a&lt;/b&gt; <mark class="match">a</mark>'),
    ("a a a", [(0, 1), (2, 3), (4, 5)],
     '<mark class="match">a</mark> <mark class="match">a</mark> <mark class="match">a</mark>'),
    ("rien", [], "rien"),
])
def test_mark_escapes_and_marks(text, spans, markup):
    assert str(mark(text, spans)) == markup


def test_the_budget_is_a_few_pages_of_an_ordinary_offer():
    assert 20_000 <= HIGHLIGHT_CHARS <= 100_000 and 100 <= MAX_MARKS <= 1000
