"""The domain synonym and acronym table (``indexer/data/synonyms.txt``), applied at query time.

    >>> load_synonyms()["cesf"]
    ['conseiller en économie sociale et familiale']
    >>> load_synonyms()["conseiller en economie sociale et familiale"]
    ['CESF']

The file format is documented at the top of the file itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

from indexer.analysis import fold

__all__ = ["expand", "load_synonyms", "parse_synonyms", "synonym_groups", "synonym_key"]

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"
_PUNCTUATION = ",;:.!?«»“”\"()[]"
_HYPHENS = "-\u2010\u2011"


def synonym_key(text: str) -> str:
    """The lookup key of a term or phrase: its words folded, joined by one space.

    "Aide sociale à l’Enfance" -> "aide sociale a l'enfance"; "CESF" -> "cesf".
    """
    words = (w.strip(_PUNCTUATION) for w in text.split())
    return " ".join(fold(w) for w in words if w)


def _key_variants(term: str) -> set[str]:
    """The key, plus the same with hyphens read as spaces ("medico-social" -> "medico social")."""
    key = synonym_key(term)
    spaced = key.translate({ord(h): " " for h in _HYPHENS})
    return {key, " ".join(spaced.split())}


def parse_synonyms(lines: Sequence[str]) -> dict[str, list[str]]:
    """Parse the table's lines into folded key -> alternatives (as written in the file).

    ["ASE = aide sociale à l'enfance"] ->
    {"ase": ["aide sociale à l'enfance"], "aide sociale a l'enfance": ["ASE"]}
    """
    table: dict[str, list[str]] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, sep, tail = line.partition("=")
        terms = [t.strip() for t in [head, *tail.split("|")] if t.strip()] if sep else []
        if len(terms) < 2:
            raise ValueError(f"synonyms line {number}: expected 'TERM = alternative | ...', got {raw!r}")
        for term in terms:
            others = [t for t in terms if synonym_key(t) != synonym_key(term)]
            for key in _key_variants(term):
                known = table.setdefault(key, [])
                known.extend(o for o in others if o not in known)
    return table


@lru_cache(maxsize=1)
def _load() -> dict[str, tuple[str, ...]]:
    text = SYNONYMS_FILE.read_text(encoding="utf-8")
    return {k: tuple(v) for k, v in parse_synonyms(text.splitlines()).items()}


@lru_cache(maxsize=1)
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The table's lines as groups of equivalent terms, head first:
    ("ASE", "aide sociale à l'enfance"), ("CESF", "conseiller en économie sociale et familiale")..."""
    groups = []
    for raw in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            head, _, tail = line.partition("=")
            terms = [t.strip() for t in [head, *tail.split("|")] if t.strip()]
            if len(terms) > 1:
                groups.append(tuple(terms))
    return tuple(groups)


def load_synonyms() -> dict[str, list[str]]:
    """The shipped table: folded key (acronym or phrase) -> alternatives to search as phrases."""
    return {k: list(v) for k, v in _load().items()}


def expand(query_terms: Sequence[str]) -> list[str]:
    """Alternatives for every run of consecutive terms that is a key, longest run first.

    ["educatrice", "ASE"] -> ["aide sociale à l'enfance"];
    ["aide", "sociale", "à", "l'enfance"] -> ["ASE"].
    """
    table = _load()
    keys = [synonym_key(t) for t in query_terms]
    longest = max((k.count(" ") + 1 for k in table), default=1)
    found: list[str] = []
    i = 0
    while i < len(keys):
        for size in range(min(longest, len(keys) - i), 0, -1):
            alternatives = table.get(" ".join(keys[i:i + size]))
            if alternatives:
                found.extend(a for a in alternatives if a not in found)
                i += size
                break
        else:
            i += 1
    return found
