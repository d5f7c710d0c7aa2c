"""The domain synonym and acronym table (``data/synonyms.txt`` beside this module), and the
filter that indexes it.

Each line is a group of equivalent terms, ``HEAD = term | term``. The analyzer indexes every
term of a group with the group's token (`SynonymFilter`), and the query builder looks up
what a user types in the same table (`synonym_table`). The file format is documented at the
top of the file itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from whoosh.analysis import Analyzer, Filter, Token

from indexer.analysis.filters import FoldFilter, FrenchStopFilter, LightStemFilter
from indexer.analysis.folding import fold
from indexer.analysis.tokenizer import FrenchTokenizer

__all__ = ["SYNONYMS_FILE", "SynonymFilter", "base_analyzer", "parse_groups", "synonym_groups",
           "synonym_table"]

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"


def base_analyzer() -> Analyzer:
    """The chain without synonyms: what the table's own terms are analysed with."""
    return FrenchTokenizer() | FoldFilter() | FrenchStopFilter() | LightStemFilter()


def parse_groups(lines: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The table's lines as groups of terms, head first, as written in the file.

    ["# comment", "ASE = aide sociale à l'enfance"] -> (("ASE", "aide sociale à l'enfance"),)
    """
    groups = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, sep, tail = line.partition("=")
        terms = [t.strip() for t in [head, *tail.split("|")] if t.strip()] if sep else []
        if len(terms) < 2 or not head.strip():
            raise ValueError(f"synonyms line {number}: expected 'TERM = alternative | ...', got {raw!r}")
        groups.append(tuple(terms))
    return tuple(groups)


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped table: ("ASE", "aide sociale à l'enfance"), ("CESF", ...), ..."""
    return parse_groups(SYNONYMS_FILE.read_text(encoding="utf-8").splitlines())


class SynonymFilter(Filter):
    """At index time, marks each term of the synonym table with its group's token.

    "... l'aide sociale à l'enfance ..." -> aide@4 social@5 enfanc@6, then "ase"@4 spanning
    the three words. A search for "ASE" is then one term that finds the acronym and the
    spelled-out form alike (and highlights the whole phrase), and the spelled-out form
    typed by a user also looks up "ase": no slow phrase query on the body at search time.
    The table is read from the package data (``indexer/analysis/data/synonyms.txt``): rebuild the
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


@lru_cache(maxsize=1)
def synonym_table() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Analyzed terms of the synonym table -> the tokens of the groups they belong to, and the
    longest term in tokens. ('aide', 'social', 'enfanc') -> ('ase',); ('dpas',) -> ('dpas',)."""
    base = base_analyzer()
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
