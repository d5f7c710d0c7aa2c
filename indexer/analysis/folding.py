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
from functools import lru_cache

from unidecode import unidecode

# unidecode already maps these, but the mapping is the whole point of folding
# French, so it is spelled out rather than left to a library detail.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Case- and accent-fold one token to lowercase ASCII: "Œuvre" -> "oeuvre", "1ᵉʳ" -> "1er"."""
    # unidecode spells some scripts as spaced syllables ("北京" -> "Bei Jing "):
    # a token must stay one word.
    return _WHITESPACE.sub("", unidecode(word.translate(_LIGATURES)).lower())


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


# Latin letters and typographic marks folded by one C-level str.translate; unidecode (pure
# Python, per character) only sees what is left, which in French text is almost nothing.
_FAST_FOLD = {cp: unidecode(chr(cp)) for cp in (*range(0xA0, 0x250), *range(0x2000, 0x2070))}
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold_key(text: str) -> str:
    """Lower-case ASCII words of letters and digits, for comparing labels and names:
    "Lieu d’affectation :" -> "lieu d affectation"."""
    if not text.isascii():
        text = text.translate(_FAST_FOLD)
        if not text.isascii():
            text = unidecode(text)
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())
