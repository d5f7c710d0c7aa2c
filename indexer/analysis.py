"""The project's one French analyzer: tokenizer, folding, stop words, light stemmer.

Every text field of the schema carries ``french_analyzer()``, so indexing, query
parsing, highlighting and suggestions all see the same tokens.

    >>> analyze("L’éducatrice spécialisée de l'ASE")
    ['educateu', 'specialis', 'ase']

The chain is ``FrenchTokenizer | FoldFilter | FrenchStopFilter | LightStemFilter``.
Whoosh pickles it into the index with the schema, so the four classes below are
part of the index format: renaming or moving one means rebuilding the index.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from unidecode import unidecode
from whoosh.analysis import Analyzer, Filter, Token, Tokenizer
from whoosh.lang import stopwords_for_language

__all__ = [
    "STOP_WORDS",
    "analyze",
    "fold",
    "french_analyzer",
    "stem",
    "FrenchTokenizer",
    "FoldFilter",
    "FrenchStopFilter",
    "LightStemFilter",
]

# ---------------------------------------------------------------------------
# Folding

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


# ---------------------------------------------------------------------------
# Stop words

# Missing from Whoosh's French list (which already has au, aux, du, des, ces).
_EXTRA_STOP_WORDS = {"les", "cette", "cet", "ceux", "celle", "celles", "dont"}
# Kept out of the stop list because they are acronyms a job seeker types:
# AS (assistant social) and ES (éducateur spécialisé). The verb forms "tu as",
# "tu es" do not occur in job offers.
_ACRONYMS_NOT_STOPPED = {"as", "es"}

STOP_WORDS: frozenset[str] = frozenset(
    {fold(w) for w in stopwords_for_language("fr")} | _EXTRA_STOP_WORDS
) - _ACRONYMS_NOT_STOPPED

# ---------------------------------------------------------------------------
# Light stemmer


def _undouble(word: str) -> str:
    """Collapse runs of a repeated letter: "travailleur" -> "travaileur"."""
    return re.sub(r"([a-z])\1+", r"\1", word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light French stemmer on a folded word, merging gender and number: "educatrices" -> "educateu".

    Based on Savoy's UniNE light stemmer (Lucene's FrenchLightStemmer), on
    folded ASCII, with two departures for job titles:

    * agent nouns keep an "-eu" stem of their own: -eur, -eure, -euse, -trice
      all end in "eu" ("directeur", "directrice" -> "directeu"), so the job
      "éducateur" does not match the domain "éducation" ("educ"), nor
      "directeur" the ubiquitous "direction", nor "animateur" "animation";
    * feminine "-ère" -> "-er" from 6 letters on ("infirmière", "conseillère",
      "première"), where Savoy waits for 9.

    "enfance" ("enfanc") and "enfant" stay apart on purpose: "protection de
    l'enfance", "aide sociale à l'enfance" and "petite enfance" name services
    and fields, while "jeunes enfants" names a job (EJE); merging them would
    let every "juge des enfants" mention match the services' names.

    Words holding anything but a-z (digits, references) are returned unchanged.
    """
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    w = word

    # Number: -aux -> -al (sociaux -> social), then a final x or s.
    if len(w) > 5 and w.endswith("aux") and w[-4] != "e":
        w = w[:-3] + "al"
    elif w.endswith("x"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("s"):
        w = w[:-1]

    # Agent nouns and -eux adjectives meet on "-eu".
    if len(w) > 6 and w.endswith("trice"):
        return _normalise(w[:-5] + "teu")
    if len(w) > 5 and w.endswith(("euse", "eure")):
        return _normalise(w[:-2])
    if len(w) > 4 and w.endswith("eur"):
        return _normalise(w[:-1])

    if len(w) > 9 and w.endswith("issement"):  # établissement -> établir
        return _normalise(w[:-6] + "r")
    if len(w) > 8 and w.endswith("issant"):
        return _normalise(w[:-4] + "r")
    if len(w) > 6 and w.endswith("ement"):  # accompagnement -> accompagne
        w = w[:-4]
        if len(w) > 3 and w.endswith("ive"):  # activement -> actif
            w = w[:-2] + "f"
        return _normalise(w)
    if len(w) > 5 and w.endswith("ieme"):  # deuxième -> deux
        return _normalise(w[:-4])
    if len(w) > 5 and w.endswith("ere"):  # infirmière -> infirmier
        return _normalise(w[:-1])
    if len(w) > 7 and w.endswith("ive"):  # éducative -> éducatif
        return _normalise(w[:-2] + "f")
    if len(w) > 9 and w.endswith("nnelle"):  # professionnelle -> professionn
        return _normalise(w[:-5])
    if len(w) > 9 and w.endswith("nnel"):
        return _normalise(w[:-3])
    if len(w) > 4 and w.endswith("ete"):  # complète -> complet
        w = w[:-1]
    if len(w) > 8 and w.endswith("ique"):  # psychologique -> psycholog
        w = w[:-4]
    if len(w) > 8 and w.endswith("esse"):
        return _normalise(w[:-3])
    if len(w) > 7 and w.endswith("inage"):
        return _normalise(w[:-3])
    if len(w) > 9 and w.endswith("isation"):
        return _normalise(w[:-7])
    if len(w) > 8 and w.endswith(("ation", "ition")):  # évaluation -> évalu
        return _normalise(w[:-5])
    return _normalise(w)


def _normalise(w: str) -> str:
    """Savoy's final step: undouble letters, drop -ie, then a final r, e, e and doubled letter."""
    if len(w) > 4:
        w = _undouble(w)
    if len(w) > 4 and w.endswith("ie"):
        w = w[:-2]
    if len(w) > 4:
        if w.endswith("r"):
            w = w[:-1]
        if w.endswith("e"):
            w = w[:-1]
        if w.endswith("e"):
            w = w[:-1]
        if len(w) > 1 and w[-1] == w[-2]:
            w = w[:-1]
    return w


# ---------------------------------------------------------------------------
# Tokenizer

_APOSTROPHES = "'’‘ʼ´"
_HYPHENS = "-\u2010\u2011"
# Letters and digits; "ʼ" (U+02BC) is a letter to Unicode but an apostrophe here.
_WORD = rf"[^\W_{_APOSTROPHES}]+"
_PIECE = rf"{_WORD}(?:[{_APOSTROPHES}]{_WORD})*"
# Inclusive-writing endings glued to a word: "assistant(e)", "retenu(e)s",
# "éducateur·rice·s". They are consumed so they do not become tokens.
_INCLUSIVE = r"(?:\((?:e|es|s|x|ne|le|rice|trice|euse)\)s?|(?:·(?:e|es|s|ne|le|rice|trice|euse))+)"
_CHUNK = re.compile(rf"({_PIECE}(?:[{_HYPHENS}/]{_PIECE})*){_INCLUSIVE}?", re.IGNORECASE)
_APOSTROPHE_SPLIT = re.compile(rf"[{_APOSTROPHES}]")
_SEPARATOR_SPLIT = re.compile(rf"[{_HYPHENS}/]")
_SLASH_SPLIT = re.compile(r"/")
_HYPHEN_VARIANTS = str.maketrans({"\u2010": "-", "\u2011": "-"})
_DIGIT = re.compile(r"\d")
_SPECIAL = re.compile(rf"[{_HYPHENS}/{_APOSTROPHES}]")

ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"})


def _pieces(value: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[str, int, int]]:
    """Split value[start:end] at separators into (text, start, end) pieces, elisions removed.

    "l'aide-soignante" -> [("aide", 2, 6), ("soignante", 7, 16)];
    "aujourd'hui" -> [("aujourdhui", 0, 11)] (only elisions are dropped, other
    apostrophes are joined over, as in "prud'hommes").
    """
    pieces = []
    pos = start
    for part in separator.split(value[start:end]):
        segments = _APOSTROPHE_SPLIT.split(part)
        seg_start = pos
        while len(segments) > 1 and segments[0].lower() in ELISIONS:
            seg_start += len(segments[0]) + 1
            segments.pop(0)
        if part:
            pieces.append(("".join(segments), seg_start, pos + len(part)))
        pos += len(part) + 1
    return pieces


class FrenchTokenizer(Tokenizer):
    """Words of letters and digits with offsets into the original text, French-aware.

    * elisions are dropped: "l’enfance" -> "enfance", "jusqu'à" -> "à";
    * hyphenated words yield their parts and, when mode="index", also the
      joined whole at the first part's position: "socio-éducatif" ->
      "socioéducatif"@0, "socio"@0, "éducatif"@1. Queries get the parts only,
      so "socio-éducatif" and "socio éducatif" ask for the same thing and a
      quoted phrase around a hyphenated word keeps consecutive positions;
      "socioéducatif" typed as one word finds the indexed whole;
    * reference-like words (a digit somewhere) keep their separators in the
      whole: "3134-25-0977/SR" -> "3134-25-0977/SR", "3134", "25", "0977", "SR";
      elsewhere a slash just separates words ("et/ou");
    * inclusive endings are skipped: "assistant(e)" -> "assistant".
    """

    def __eq__(self, other: object) -> bool:
        return self.__class__ is other.__class__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return

        emit_whole = mode != "query"
        pos = start_pos
        special = _SPECIAL.search
        for match in _CHUNK.finditer(value):
            start, end = match.span(1)
            if special(value, start, end) is None:
                # Most chunks are one plain word: one token, as the general case below gives.
                t.text = value[start:end]
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = t.text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + start, start_char + end
                yield t
                pos += 1
                continue
            chunk = value[start:end]
            is_reference = _DIGIT.search(chunk) is not None
            groups: list[tuple[int, int]]
            if is_reference or "/" not in chunk:
                groups = [(start, end)]
            else:  # "usagers/clients": two words, each maybe hyphenated
                groups = [(s, e) for _, s, e in _pieces(value, start, end, _SLASH_SPLIT)]
            for g_start, g_end in groups:
                if _SPECIAL.search(value, g_start, g_end) is None:  # most words: one piece
                    pieces = [(value[g_start:g_end], g_start, g_end)]
                else:
                    pieces = _pieces(value, g_start, g_end, _SEPARATOR_SPLIT)
                if not pieces:
                    continue
                tokens = pieces
                if len(pieces) > 1 and emit_whole:
                    first, last = pieces[0][1], pieces[-1][2]
                    if is_reference:
                        whole = value[first:last].translate(_HYPHEN_VARIANTS)
                        whole = _APOSTROPHE_SPLIT.sub("", whole)
                    else:
                        whole = "".join(text for text, _, _ in pieces)
                    tokens = [(whole, first, last)] + pieces
                for i, (text, s, e) in enumerate(tokens):
                    t.text = text
                    t.boost = 1.0
                    t.stopped = False
                    if keeporiginal:
                        t.original = text
                    if positions:
                        # The whole shares the first part's position.
                        t.pos = pos + max(0, i - (len(tokens) - len(pieces)))
                    if chars:
                        t.startchar, t.endchar = start_char + s, start_char + e
                    yield t
                pos += len(pieces)


# ---------------------------------------------------------------------------
# Filters


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


class SynonymFilter(Filter):
    """At index time, marks each term of the synonym table with its group's token.

    "... l'aide sociale à l'enfance ..." -> aide@4 social@5 enfanc@6, then "ase"@4 spanning
    the three words. A search for "ASE" is then one term that finds the acronym and the
    spelled-out form alike (and highlights the whole phrase), and the spelled-out form
    typed by a user also looks up "ase": no slow phrase query on the body at search time.
    The table is read from the package data (``indexer/data/synonyms.txt``): rebuild the
    index after editing it. Queries (mode="query") pass through unchanged.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        table, longest = synonym_table()
        ends = _synonym_ends()
        window: list[tuple[int, str, int, int]] = []  # (pos, text, startchar, endchar)
        count = 0
        for t in tokens:
            yield t
            if t.mode == "query" or t.stopped:
                continue
            count += 1
            text = t.text
            entry = (t.pos if t.positions else count, text,
                     t.startchar if t.chars else 0, t.endchar if t.chars else 0)
            if window and window[-1][0] == entry[0]:  # a hyphenated whole, then its first part
                window[-1] = entry
            else:
                window.append(entry)
                if len(window) > longest:
                    del window[0]
            sizes = ends.get(text)
            if sizes is None:  # most tokens end no term of the table
                continue
            available = len(window)
            for size in sizes:  # only the lengths of the terms ending with this token
                if size > available:
                    break
                marks = table.get(tuple([w[1] for w in window[-size:]]))
                for mark in marks or ():
                    if size == 1 and mark == t.text:
                        continue
                    t.text = mark
                    if t.positions:
                        t.pos = window[-size][0]
                    if t.chars:
                        t.startchar, t.endchar = window[-size][2], window[-1][3]
                    yield t


def _base_analyzer() -> Analyzer:
    return FrenchTokenizer() | FoldFilter() | FrenchStopFilter() | LightStemFilter()


@lru_cache(maxsize=1)
def synonym_table() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Analyzed terms of the synonym table -> the tokens of the groups they belong to, and the
    longest term in tokens. ('aide', 'social', 'enfanc') -> ('ase',); ('dpas',) -> ('dpas',)."""
    from indexer.synonyms import synonym_groups  # synonyms.py imports this module

    base = _base_analyzer()
    table: dict[tuple[str, ...], list[str]] = {}
    for group in synonym_groups():
        head = [t.text for t in base(group[0], mode="query")]
        mark = head[0] if len(head) == 1 else fold(group[0])
        for term in group:
            key = tuple(t.text for t in base(term, mode="query")) or (fold(term),)
            marks = table.setdefault(key, [])
            if mark not in marks:
                marks.append(mark)
    longest = max((len(k) for k in table), default=1)
    return {k: tuple(v) for k, v in table.items()}, longest


@lru_cache(maxsize=1)
def _synonym_ends() -> dict[str, tuple[int, ...]]:
    """The last token of every term of the synonym table -> the lengths (in tokens, ascending)
    of the terms it ends: "enfanc" -> (3,) for ('aide', 'social', 'enfanc')."""
    sizes: dict[str, set[int]] = {}
    for key in synonym_table()[0]:
        sizes.setdefault(key[-1], set()).add(len(key))
    return {end: tuple(sorted(lengths)) for end, lengths in sizes.items()}


# ---------------------------------------------------------------------------
# Public entry points


def french_analyzer() -> Analyzer:
    """The analyzer of every French text field: "L'éducatrice" -> ["educateu"]."""
    return _base_analyzer() | SynonymFilter()


_ANALYZER = french_analyzer()


def analyze(text: str, mode: str = "index") -> list[str]:
    """Token texts of ``text`` as the index (mode="index") or a query (mode="query") sees them.

    "Socio-éducatif" -> ["socioeducatif", "socio", "educatif"] (index),
    ["socio", "educatif"] (query).
    """
    return [t.text for t in _ANALYZER(text, mode=mode)]
