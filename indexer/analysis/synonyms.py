"""The domain synonym, acronym and place table (``data/synonyms.txt`` and ``data/places.txt``
beside this module), and the filter that indexes it.

A line ``HEAD = term | term`` is a group of equivalent terms; a line ``HEAD > term | term``
says that HEAD covers the terms (a search for "Grand Nouméa" finds Dumbéa, a search for
Dumbéa does not find every offer of Nouméa). The analyzer indexes every term with the token
of each group it belongs to (`SynonymFilter`, from `synonym_table`), and the query builder
looks up what a user types in `query_synonym_table`. The file format is documented at the
top of ``data/synonyms.txt``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from whoosh.analysis import Analyzer, Filter, Token

from indexer.analysis.filters import FoldFilter, FrenchStopFilter, LightStemFilter
from indexer.analysis.folding import fold, synonym_key
from indexer.analysis.tokenizer import FrenchTokenizer

__all__ = ["PLACES_FILE", "SYNONYMS_FILE", "SynonymFilter", "base_analyzer", "parse_groups",
           "parse_table", "query_synonym_table", "synonym_groups", "synonym_inclusions",
           "synonym_table"]

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"
PLACES_FILE = Path(__file__).parent / "data" / "places.txt"
TABLE_FILES = (SYNONYMS_FILE, PLACES_FILE)


def base_analyzer() -> Analyzer:
    """The chain without synonyms: what the table's own terms are analysed with."""
    return FrenchTokenizer() | FoldFilter() | FrenchStopFilter() | LightStemFilter()


def parse_table(lines: Sequence[str]):
    """The table's lines: (groups of equivalent terms, (head, covered terms) pairs).

    ["ASE = aide sociale à l'enfance", "Grand Nouméa > Dumbéa | Païta"] ->
    ((("ASE", "aide sociale à l'enfance"),), (("Grand Nouméa", ("Dumbéa", "Païta")),))
    """
    groups, inclusions = [], []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        eq, gt = line.find("="), line.find(">")
        covers = gt >= 0 and (eq < 0 or gt < eq)
        head, sep, tail = line.partition(">" if covers else "=")
        terms = [t.strip() for t in [head, *tail.split("|")] if t.strip()] if sep else []
        if len(terms) < 2 or not head.strip():
            raise ValueError(f"synonyms line {number}: expected 'TERM = alternative | ...' or "
                             f"'TERM > covered | ...', got {raw!r}")
        if covers:
            inclusions.append((terms[0], tuple(terms[1:])))
        else:
            groups.append(tuple(terms))
    return tuple(groups), tuple(inclusions)


def parse_groups(lines: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The table's groups of equivalent terms, head first, as written in the file.

    ["# comment", "ASE = aide sociale à l'enfance"] -> (("ASE", "aide sociale à l'enfance"),)
    """
    return parse_table(lines)[0]


@lru_cache(maxsize=1)
def _shipped():
    lines: list[str] = []
    for path in TABLE_FILES:
        lines.extend(path.read_text(encoding="utf-8").splitlines())
    return parse_table(lines)


def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped groups: ("ASE", "aide sociale à l'enfance"), ("CESF", ...), ..."""
    return _shipped()[0]


def synonym_inclusions() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The shipped inclusions: ("Grand Nouméa", ("Nouméa", "Dumbéa", ...)), ..."""
    return _shipped()[1]


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


def _key(base, term: str) -> tuple[str, ...]:
    return tuple(t.text for t in base(term, mode="query")) or (fold(term),)


def _mark(base, head: str) -> str:
    tokens = [t.text for t in base(head, mode="query")]
    return tokens[0] if len(tokens) == 1 else fold(head) if len(tokens) == 0 else synonym_key(head)


@lru_cache(maxsize=1)
def _tables():
    base = base_analyzer()
    index: dict[tuple[str, ...], list[str]] = {}
    query: dict[tuple[str, ...], list[str]] = {}

    def add(table, key, mark):
        marks = table.setdefault(key, [])
        if mark not in marks:
            marks.append(mark)

    for group in synonym_groups():
        mark = _mark(base, group[0])
        for term in group:
            add(index, _key(base, term), mark)
            add(query, _key(base, term), mark)
    for head, covered in synonym_inclusions():
        mark = _mark(base, head)
        add(index, _key(base, head), mark)
        add(query, _key(base, head), mark)
        for term in covered:  # the covered place carries the head's token, not the reverse
            add(index, _key(base, term), mark)
    longest = max((len(k) for k in index), default=1)
    return ({k: tuple(v) for k, v in index.items()}, longest,
            {k: tuple(v) for k, v in query.items()})


def synonym_table() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Analyzed terms of the table -> the tokens the index gives them, and the longest term
    in tokens. ('aide', 'social', 'enfanc') -> ('ase',); ('dumbea',) -> ('grand noumea', ...)."""
    index, longest, _ = _tables()
    return index, longest


def query_synonym_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Analyzed terms a user may type -> the tokens to search: like `synonym_table`, except
    that a covered term does not search its head's token (Dumbéa does not search
    "grand noumea")."""
    return _tables()[2]


@lru_cache(maxsize=1)
def _synonym_ends() -> dict[str, tuple[int, ...]]:
    """The last token of every term of the synonym table -> the lengths (in tokens, ascending)
    of the terms it ends: "enfanc" -> (3,) for ('aide', 'social', 'enfanc')."""
    sizes: dict[str, set[int]] = {}
    for key in synonym_table()[0]:
        sizes.setdefault(key[-1], set()).add(len(key))
    return {end: tuple(sorted(lengths)) for end, lengths in sizes.items()}
