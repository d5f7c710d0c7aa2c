"""Folding: the one place where case, accents and ligatures are taken out of words.

    >>> fold("Œuvre")
    'oeuvre'
    >>> synonym_key("Aide sociale à l’Enfance")
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
