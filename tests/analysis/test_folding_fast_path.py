"""Folding's fast path (one str.translate, unidecode only for what is left) against the
reference it replaces (unidecode on every character): the same result on every word of the
French lexicon, on the generated offers' words, on tables of French inputs and on every
character of the Basic Multilingual Plane."""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unidecode import unidecode

from indexer.analysis.folding import _FOLD_TABLE, fold, fold_key, fold_one
from support import bench_generator

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WHITESPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def reference_fold(word: str) -> str:
    """fold as first written: ligatures, unidecode on the whole word, lower case, no spaces."""
    return _WHITESPACE.sub("", unidecode(word.translate(_LIGATURES)).lower())


def reference_fold_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", unidecode(text).lower()).split())


FRENCH = [
    "Éducatrice", "éducatrice", "ÉDUCATRICE", "Œuvre", "œuvre", "cœur", "CŒUR", "Æsthétique",
    "curriculum vitæ", "straße", "1ᵉʳ", "2ᵉ", "3ème", "n°", "Nᵒ", "Houaïlou", "NOUMÉA", "ça",
    "Ça", "garçon", "naïve", "Noël", "aïeul", "où", "Ôter", "âge", "île", "Île-des-Pins",
    "Poindimié", "Koné", "Lifou", "Maré", "Ouvéa", "Thio", "Yaté", "Kouaoua", "Païta",
    "aujourd'hui", "l’enfance", "l‘équipe", "lʼaccueil", "prud’hommes", "«\u00a0cadre\u00a0»",
    "temps\u202fplein", "mi\u2011temps", "—", "–", "…", "€", "½", "™", "℃", "№", "ﬁnance",
    "ﬂexible", "ﬀ", "ﬆ", "Ǆ", "ǅ", "ǆ", "İstanbul", "ı", "ŀ", "Ŀ", "ĳ", "Ĳ", "ŉ", "ſ",
    "Đà Nẵng", "Nguyễn", "Hồ Chí Minh", "Ørsted", "Åland", "Łódź", "Dvořák", "Škoda",
    "Tōkyō", "Ísland", "Þór", "ð", "ǂ", "ʻokina", "ˈstress", "x²", "H₂O", "ⁿ", "ᵃ",
    # NFD: base letter then combining accent
    unicodedata.normalize("NFD", "Éducatrice"), unicodedata.normalize("NFD", "Houaïlou"),
    unicodedata.normalize("NFD", "Nguyễn"), "e\u0301", "E\u0300\u0302", "\u0327c",
    # other scripts: unidecode alone
    "北京", "東京都", "서울", "Москва", "Ελληνικά", "عربي", "עברית", "हिन्दी", "ภาษาไทย",
    "ქართული", "Հայերեն", "ᐃᓄᒃᑎᑐᑦ", "😀", "👩‍⚕️", "🇫🇷", "\U0001d400\U0001d41a",
    # spaces and controls, inside and around
    " ", "a b", "a\tb", "a\nb", "a\x1cb", "a\x1fb", "a\u00a0b", "a\u2003b", "a\u3000b",
    "a\x85b", "a\u2028b", "\x00", "\x7f", "\ufeff", "\u200b", "\u200d", "", "42", "A4",
    "\ue000", "\U000f0000", "\ufffd", "\uffff",
]


@pytest.mark.parametrize("word", FRENCH)
def test_fold_fast_path_on_french_inputs(word: str) -> None:
    assert fold_one(word) == fold(word) == reference_fold(word)
    nfc, nfd = unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word)
    assert fold_one(nfc) == reference_fold(nfc) and fold_one(nfd) == reference_fold(nfd)
    assert fold_key(word) == reference_fold_key(word)


def test_fold_table_holds_unidecode_replacements_in_ascii() -> None:
    # What makes the fast path exact: each entry is unidecode's own replacement (or the
    # explicit ligature), and ASCII, so unidecode leaves it alone afterwards.
    for cp, replacement in _FOLD_TABLE.items():
        assert replacement.isascii()
        assert replacement == _LIGATURES.get(cp, unidecode(chr(cp)))


def test_fold_fast_path_on_every_character() -> None:
    # Each character alone, and between French letters (the table's and unidecode's parts
    # of one word joined).
    chars = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
    for char in chars:
        for word in (char, f"É{char}e", f"{char}{char}A"):
            assert fold_one(word) == reference_fold(word), repr(word)
            assert fold_key(word) == reference_fold_key(word), repr(word)


def test_fold_fast_path_on_every_lexicon_word() -> None:
    data = resources.files("spellchecker").joinpath("resources", "fr.json.gz").read_bytes()
    words = list(json.loads(gzip.decompress(data)))
    assert len(words) > 100_000
    assert [fold_one(w) for w in words] == [reference_fold(w) for w in words]
    sample = random.Random(0).sample(words, 2000)
    assert [fold_key(w) for w in sample] == [reference_fold_key(w) for w in sample]


def test_fold_fast_path_on_generated_words() -> None:
    words = bench_generator().build_vocabulary(random.Random(0), size=5000)
    variants = words + [w.upper() for w in words] + [unicodedata.normalize("NFD", w)
                                                     for w in words]
    assert [fold_one(w) for w in variants] == [reference_fold(w) for w in variants]


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_fold_fast_path_on_any_text(text: str) -> None:
    assert fold_one(text) == reference_fold(text)
    assert fold_key(text) == reference_fold_key(text)
