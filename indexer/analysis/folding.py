"""Folding: the one place where case, accents and ligatures are taken out of words.

Four contracts, one per use:

    >>> fold("Œuvre")                           # one token, for the analyzer
    'oeuvre'
    >>> fold_words("Nouméa Province-Sud")       # each word, punctuation kept
    'noumea province-sud'
    >>> fold_key("Corps ou Cadre d’emploi /Domaine :")   # words of letters and digits
    'corps ou cadre d emploi domaine'
    >>> synonym_key("Aide sociale à l’Enfance")  # words, end punctuation stripped
    "aide sociale a l'enfance"
"""

from __future__ import annotations

import re
from functools import lru_cache, wraps
from typing import Callable, TypeVar

from unidecode import unidecode

# unidecode already maps these, but the mapping is the whole point of folding
# French, so it is spelled out rather than left to a library detail.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WHITESPACE = re.compile(r"\s+")

# unidecode replaces each character on its own, so a table of its replacements, applied by
# one C-level str.translate, gives what it gives; it (pure Python, per character) only sees
# what the table leaves, which in French text is nothing. The ranges: Latin letters with
# their accents, combining accents (NFD text), modifier and phonetic letters ("1ᵉʳ"),
# typographic marks, super- and subscripts, letterlike symbols, Latin ligatures ("ﬁ").
_FAST_FOLD = {cp: unidecode(chr(cp)) for cp in (
    *range(0x80, 0x370), *range(0x1D00, 0x1F00), *range(0x2000, 0x20A0),
    *range(0x2100, 0x2150), *range(0xFB00, 0xFB07))}
_FOLD_TABLE = {**_FAST_FOLD, **_LIGATURES}

_Result = TypeVar("_Result")


def short_text_cache(maxsize: int, longest: int = 120) -> Callable[
        [Callable[[str], _Result]], Callable[[str], _Result]]:
    """An LRU cache of a function of one text that only keeps texts of ``longest`` characters
    or fewer: labels and names ("Lieu de travail : Nouméa") repeat from offer to offer, a
    paragraph seldom does, and a build worker's caches full of paragraphs held tens of
    megabytes for no hit. ``cache_info`` and ``cache_clear`` are the cache's."""
    def decorate(function: Callable[[str], _Result]) -> Callable[[str], _Result]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(text: str) -> _Result:
            return cached(text) if len(text) <= longest else function(text)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call
    return decorate


def fold_one(word: str) -> str:
    """`fold` without its memo, for folding many words once (a word list)."""
    if not word.isascii():
        word = word.translate(_FOLD_TABLE)
        if not word.isascii():
            word = unidecode(word)
    word = word.lower()
    # unidecode spells some scripts as spaced syllables ("北京" -> "Bei Jing "):
    # a token must stay one word. (An ASCII word of letters and digits has no space.)
    return word if word.isalnum() else _WHITESPACE.sub("", word)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-fold one token to lowercase ASCII: "Œuvre" -> "oeuvre", "1ᵉʳ" -> "1er"."""
    return fold_one(word)


_PUNCTUATION = ",;:.!?«»“”\"()[]"


def synonym_key(text: str) -> str:
    """A term or phrase folded word by word, for lookups that analysis would empty.

    "Aide sociale à l’Enfance" -> "aide sociale a l'enfance"; "ME" -> "me".
    """
    words = (w.strip(_PUNCTUATION) for w in text.split())
    return " ".join(fold(w) for w in words if w)


def fold_words(text: str) -> str:
    """Each word folded, punctuation kept: 'Nouméa Province-Sud' -> 'noumea province-sud'
    (for matching typed text against displayed labels)."""
    return " ".join(fold(word) for word in text.replace("’", "'").split())


_NOT_WORD = re.compile(r"[^a-z0-9]+")


@short_text_cache(maxsize=8192)
def fold_key(text: str) -> str:
    """Lower-case ASCII words of letters and digits, for comparing labels and names:
    "Lieu d’affectation :" -> "lieu d affectation"."""
    if not text.isascii():
        text = text.translate(_FAST_FOLD)
        if not text.isascii():
            text = unidecode(text)
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
