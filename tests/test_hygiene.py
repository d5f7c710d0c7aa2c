"""Text hygiene: NFC, invisible characters,
bidi controls and field caps, in files and in queries, as tables of inputs and outputs."""

from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.hygiene import FIELD_CHARS, cap, clean_field, clean_text, tidy_fields
from indexer.parsing import parse_text

NFD = "e\u0301ducatrice"


@pytest.mark.parametrize("raw, clean", [
    (NFD, "éducatrice"),
    ("E\u0301ducatrice", "Éducatrice"),
    ("Édu\u200bcatrice", "Éducatrice"),
    ("ac\u00adcom\u00adpa\u00adgne\u00adment", "accompagnement"),
    ("édu\u2060ca\u200ctri\u200dce", "éducatrice"),
    ("\ufeffÉducatrice", "Éducatrice"),
    ("e\u200b\u0301ducatrice", "éducatrice"),  # a mark cut from its letter still composes
    ("Travailleur social", "Travailleur social"),
    ("l’enfance « protégée »", "l’enfance « protégée »"),
    ("\u202eduS ecnivorP", "\u202eduS ecnivorP"),  # running text keeps bidi controls
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    ("\u202eProvince Sud\u202c", "Province Sud"),
    ("Province\u200e Sud", "Province Sud"),
    ("\u2067Province Nord\u2069", "Province Nord"),
    ("\u200fÉdu\u200bcatrice", "Éducatrice"),
    (NFD, "éducatrice"),
    ("Koné", "Koné"),
])
def test_clean_field(raw, clean):
    assert clean_field(raw) == clean


@pytest.mark.parametrize("value, limit, capped", [
    ("Agent " * 100, 20, "Agent Agent Agent…"),
    ("x" * 400, 300, "x" * 299 + "…"),
    ("Travailleur social", 300, "Travailleur social"),
])
def test_cap(value, limit, capped):
    assert cap(value, limit) == capped
    assert len(cap(value, limit)) <= limit


def test_tidy_fields_warns_in_french():
    changed, warnings = tidy_fields({"title": "x" * 400, "employer": "\u202eSud", "commune": "Koné"})
    assert changed == {"title": "x" * 299 + "…", "employer": "Sud"}
    assert warnings == ["champ « titre » tronqué à 300 caractères (400 dans le fichier)"]


OFFER = "Titre\nRéférence : {ref}\n\nEmployeur : {employer}\n\nMissions :\n{body}\n"


@pytest.mark.parametrize("fmt, source, expected_title", [
    ("text", OFFER.format(ref="26-1", employer="Province Sud", body="x").replace("Titre", "Édu\u200bcatrice"),
     "Éducatrice"),
    ("text", OFFER.format(ref="26-1", employer="Province Sud", body="x").replace("Titre", NFD), "éducatrice"),
    ("html", "<html><body><h1>Édu&#8203;catrice</h1><p>Référence : 26-1</p><p>ac&shy;com&shy;pa&shy;gne&shy;ment"
     "</p></body></html>", "Éducatrice"),
    ("jsonld", '{"@type": "JobPosting", "title": "Edu\\u200bcatrice e\\u0301ducative",'
     ' "description": "ac\\u00adcompagnement", "identifier": "26-1"}', "Educatrice éducative"),
])
def test_files_are_clean_whatever_their_format(fmt, source, expected_title):
    offer = parse_text(source, "offre", fmt)
    assert offer.title == expected_title
    for value in (offer.title, offer.text, *(t for _, t in offer.sections)):
        assert not set(value) & set("\u200b\u00ad\u0301\ufeff")


def test_bidi_override_never_reaches_a_facet_value():
    offer = parse_text(OFFER.format(ref="26-1", employer="\u202eduS ecnivorP\u202c", body="x"), "o.txt")
    assert offer.employer == "duS ecnivorP"


@pytest.mark.parametrize("field", ["title", "employer"])
def test_long_fields_are_capped_with_a_warning(field):
    huge = "Éducatrice " * 170_000  # 1.9 MB on one line
    if field == "title":
        offer = parse_text(huge, "long.txt")
    else:
        offer = parse_text(OFFER.format(ref="26-1", employer=huge, body="x"), "long.txt")
    assert len(getattr(offer, field)) <= FIELD_CHARS
    assert any("tronqué à 300 caractères" in w for w in offer.warnings)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def dirty_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("hygiene")
    corpus = root / "corpus"
    _write(corpus, "zwsp.txt", OFFER.format(ref="26-101", employer="Province Sud",
                                             body="Édu\u200bcatrice de jeunes enfants"))
    _write(corpus, "shy.txt", OFFER.format(ref="26-102", employer="Province Nord",
                                            body="ac\u00adcom\u00adpa\u00adgne\u00adment social"))
    _write(corpus, "nfd.txt", OFFER.format(ref="26-103", employer="\u202eduS ecnivorP\u202c",
                                            body="E\u0301ducatrice spe\u0301cialise\u0301e"))
    _write(corpus, "huge.txt", "Agent " * 300_000)
    build_index(corpus, root / "index")
    with open_index(root / "index") as index:
        yield index


@pytest.mark.parametrize("query, refs", [
    ("éducatrice", {"26-101", "26-103"}),
    (NFD, {"26-101", "26-103"}),
    ("e%CC%81ducatrice".replace("%CC%81", "\u0301"), {"26-101", "26-103"}),
    ("édu\u200bcatrice", {"26-101", "26-103"}),
    ("\u202béducatrice\u202c", {"26-101", "26-103"}),
    ("accompagnement", {"26-102"}),
    ("ac\u00adcom\u00adpa\u00adgne\u00adment", {"26-102"}),
    ("accom\u2060pagnement", {"26-102"}),
])
def test_queries_and_files_meet(dirty_index, query, refs):
    page = dirty_index.search(query)
    assert {hit.reference for hit in page.hits} == refs
    assert page.query == clean_field(query)


def test_offer_page_highlight_takes_a_dirty_query(dirty_index):
    shown = dirty_index.highlight("26-101", "édu\u200bcatrice")
    assert shown.matched
    assert '<mark class="match">Éducatrice</mark>' in "".join(html for _, html in shown.sections)


def test_facet_values_are_clean_and_short(dirty_index):
    page = dirty_index.search("")
    employers = {f.value for f in page.facets["employer"]}
    assert "duS ecnivorP" in employers
    assert not any(set(v) & set("\u202e\u202c") for v in employers)
    titles = [hit.title for hit in page.hits]
    assert max(len(t) for t in titles) <= FIELD_CHARS


@pytest.mark.parametrize("body, kept, dropped", [
    ("Un texte <svg onload=x> ici\nLigne suivante importante", ["ici", "Ligne suivante importante"], []),
    ("<svg>\nLigne suivante importante", ["Ligne suivante importante"], []),
    ("avant <svg><text>dessin</text></svg> après", ["avant", "après"], ["dessin"]),
    ("avant <svg/> après\nsuite", ["avant", "après", "suite"], []),
    ("<iframe src=x>\nsuite du texte", ["suite du texte"], []),
])
def test_an_unclosed_dropped_element_keeps_the_next_lines(body, kept, dropped):
    """An unclosed <svg> in a text file must not swallow the next line."""
    offer = parse_text(f"# Travailleur social\nRéférence : 26-1246\n\nMissions :\n{body}\n\nProfil :\nfin", "a.txt")
    for words in kept:
        assert words in offer.text
    for words in dropped:
        assert words not in offer.text
    assert "fin" in offer.text


def test_a_filter_value_is_cleaned_like_the_stored_one(dirty_index):
    page = dirty_index.search("", filters={"employer": ["Province\u200b Nord"]})
    assert [hit.reference for hit in page.hits] == ["26-102"]
