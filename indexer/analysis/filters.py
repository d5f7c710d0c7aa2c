"""The analyzer's filters after the tokenizer: folding, French stop words, stemming.

Whoosh pickles them into the index with the schema: their import paths are part of the
index format (moving one means rebuilding).
"""

from __future__ import annotations

from typing import Iterator

from whoosh.analysis import Filter, Token
from whoosh.lang import stopwords_for_language

from indexer.analysis.folding import fold
from indexer.analysis.stemmer import stem

# Missing from Whoosh's French list (which already has au, aux, du, des, ces).
_EXTRA_STOP_WORDS = {"les", "cette", "cet", "ceux", "celle", "celles", "dont"}
# Kept out of the stop list because they are acronyms a job seeker types:
# AS (assistant social) and ES (éducateur spécialisé). The verb forms "tu as",
# "tu es" do not occur in job offers.
_ACRONYMS_NOT_STOPPED = {"as", "es"}

STOP_WORDS: frozenset[str] = frozenset(
    {fold(w) for w in stopwords_for_language("fr")} | _EXTRA_STOP_WORDS
) - _ACRONYMS_NOT_STOPPED



class FoldFilter(Filter):
    """Folds each token with ``fold()``; tokens that fold to nothing are dropped."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        fold_ = fold
        for t in tokens:
            text = t.text = fold_(t.text)
            if text:
                yield t


class FrenchStopFilter(Filter):
    """Removes stop words and renumbers positions, keeping tokens that share a position together.

    Whoosh's StopFilter renumbers every kept token to previous + 1, which would
    push a hyphenated whole and its first part apart; this one closes only the
    gaps left by removed positions: "aide sociale à l'enfance" -> aide@0,
    sociale@1, enfance@2, so a phrase query without the stop words matches.
    """

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS):
        self.stops = frozenset(stoplist)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = self.stops
        last_original = None
        new_pos = None
        for t in tokens:
            if t.text in stops:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            t.stopped = False
            if t.positions:
                if new_pos is None:
                    new_pos = t.pos
                elif t.pos != last_original:
                    new_pos += 1
                last_original = t.pos
                t.pos = new_pos
            yield t


class LightStemFilter(Filter):
    """Applies ``stem()`` to each token."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem_ = stem
        for t in tokens:
            if not t.stopped:
                t.text = stem_(t.text)
            yield t
