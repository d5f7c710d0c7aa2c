"""The domain synonym and acronym table (``indexer/data/synonyms.txt``).

Each line is a group of equivalent terms, ``HEAD = term | term``. The analyzer indexes every
term of a group with the group's token (`indexer.analysis.SynonymFilter`), and the query
builder looks up what a user types in the same table (`indexer.analysis.synonym_table`).
The file format is documented at the top of the file itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

from indexer.analysis import fold

__all__ = ["SYNONYMS_FILE", "parse_groups", "synonym_groups", "synonym_key"]

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.txt"
_PUNCTUATION = ",;:.!?«»“”\"()[]"


def synonym_key(text: str) -> str:
    """A term or phrase folded word by word, for lookups that analysis would empty.

    "Aide sociale à l’Enfance" -> "aide sociale a l'enfance"; "ME" -> "me".
    """
    words = (w.strip(_PUNCTUATION) for w in text.split())
    return " ".join(fold(w) for w in words if w)


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
