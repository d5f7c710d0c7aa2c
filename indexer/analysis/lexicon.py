"""The French lexicon: whether a typed word is a real French word, so it is never taken for
a typo of another word.

    >>> is_french_word("infirmière"), is_french_word("Infirmiere"), is_french_word("socail")
    (True, True, False)

The word list is pyspellchecker's French dictionary (about 140,000 words with their
frequencies, from OpenSubtitles and Wiktionary), shipped inside its wheel and read from the
installed package on first use: nothing is downloaded. Words are compared folded.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

from indexer.analysis.folding import fold, fold_one

# A word seen fewer times than this in the dictionary's sources is more often a misspelling
# kept by the sources than a word.
MIN_COUNT = 3


@lru_cache(maxsize=1)
def french_spellings() -> dict[str, str]:
    """Every folded word of the French dictionary -> its most frequent spelling:
    {"infirmiere": "infirmière", "educatrice": "éducatrice", ...}."""
    data = resources.files("spellchecker").joinpath("resources", "fr.json.gz").read_bytes()
    counts = json.loads(gzip.decompress(data))
    best: dict[str, tuple[int, str]] = {}
    for word, count in counts.items():
        if count < MIN_COUNT or not word.isalpha():
            continue
        # fold_one, not fold: 140,000 words once would only push the analyzer's words out
        # of fold's memo.
        folded = fold_one(word)
        if folded not in best or count > best[folded][0]:
            best[folded] = (count, word)
    return {folded: word for folded, (_, word) in best.items()}


@lru_cache(maxsize=1)
def french_words_by_length() -> dict[int, list[str]]:
    """The folded words grouped by length, for typo correction: {9: ["infirmier", ...]}."""
    by_length: dict[int, list[str]] = {}
    for folded in french_words_sorted():
        by_length.setdefault(len(folded), []).append(folded)
    return by_length


def is_french_word(word: str) -> bool:
    """A real French word (any case and accents): "infirmier" -> True, "ducateur" -> False."""
    return fold(word) in french_spellings()


@lru_cache(maxsize=1)
def french_words_sorted() -> list[str]:
    """The folded words in order, for prefix lookups."""
    return sorted(french_spellings())
