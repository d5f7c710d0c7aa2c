"""The French tokenizer: words with their offsets, elisions dropped, hyphenated wholes kept.

    >>> [t.text for t in FrenchTokenizer()("l’aide-soignante", mode="index")]
    ['aidesoignante', 'aide', 'soignante']

Whoosh pickles the tokenizer into the index with the schema: its import path is part of
the index format (moving it means rebuilding).
"""

from __future__ import annotations

import re
from typing import Iterator

from whoosh.analysis import Token, Tokenizer

_APOSTROPHES = "'’‘ʼ´"
_HYPHENS = "-\u2010\u2011"
# Letters and digits; "ʼ" (U+02BC) is a letter to Unicode but an apostrophe here.
_WORD = rf"[^\W_{_APOSTROPHES}]+"
_PIECE = rf"{_WORD}(?:[{_APOSTROPHES}]{_WORD})*"
# Inclusive-writing endings glued to a word: "assistant(e)", "chargé (e)", "chef(fe)",
# "technicien(ne)", "conducteur(trice)", "vendeur(se)", "retenu(e)s", "éducateur·rice·s",
# "salarié.e.s", "usager/e", "ingénieur-e". They are consumed so they do not become
# tokens. After a space, dot, slash or hyphen only a lower-case ending counts ("Koné.Le",
# "/SR", "bac (ES)").
_ENDS = r"(?:(?:e|ne|le|fe|se|ve|ère|ere|rice|trice|euse|esse|x)s?|s)"
_MARKED_END = rf"[{_HYPHENS}·•‧./](?-i:{_ENDS})(?![^\W_])"
_INCLUSIVE = rf"(?:\({_ENDS}\)s?|\s\((?-i:{_ENDS})\)s?|(?:{_MARKED_END})+)"
# A hyphen or slash joins two pieces of one word, unless what follows is an inclusive ending.
_JOIN = rf"[{_HYPHENS}/](?!(?-i:{_ENDS})(?![^\W_]))"
_CHUNK = re.compile(rf"({_PIECE}(?:{_JOIN}{_PIECE})*){_INCLUSIVE}?", re.IGNORECASE)
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
    * inclusive endings are skipped: "assistant(e)" -> "assistant", "chef(fe)" -> "chef",
      "salarié.e.s" -> "salarié".
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
            tokens, count = chunk_tokens(value, start, end, emit_whole)
            for text, offset, s, e in tokens:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = text
                if positions:
                    t.pos = pos + offset
                if chars:
                    t.startchar, t.endchar = start_char + s, start_char + e
                yield t
            pos += count


def chunk_tokens(value: str, start: int, end: int,
                 emit_whole: bool) -> tuple[list[tuple[str, int, int, int]], int]:
    """The tokens of the chunk value[start:end] holding a separator, as (text, position offset,
    startchar, endchar), and the positions it takes:

    "socio-éducatif" -> ([("socioéducatif", 0, 0, 14), ("socio", 0, 0, 5), ("éducatif", 1, 6, 14)], 2)
    """
    chunk = value[start:end]
    is_reference = _DIGIT.search(chunk) is not None
    groups: list[tuple[int, int]]
    if is_reference or "/" not in chunk:
        groups = [(start, end)]
    else:  # "usagers/clients": two words, each maybe hyphenated
        groups = [(s, e) for _, s, e in _pieces(value, start, end, _SLASH_SPLIT)]
    out: list[tuple[str, int, int, int]] = []
    count = 0
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
        extra = len(tokens) - len(pieces)
        for i, (text, s, e) in enumerate(tokens):
            # The whole shares the first part's position.
            out.append((text, count + max(0, i - extra), s, e))
        count += len(pieces)
    return out, count
