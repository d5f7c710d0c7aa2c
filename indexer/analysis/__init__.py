"""The project's one French analyzer, reached by every text field through the schema.

Indexing, query parsing, highlighting and suggestions all see the same tokens:

    >>> analyze("L’éducatrice spécialisée de l'ASE")
    ['educateu', 'specialis', 'ase']

The chain is ``FrenchTokenizer | FoldFilter | FrenchStopFilter | LightStemFilter |
SynonymFilter``. Whoosh pickles it into the index with the schema, so the import paths of
these classes are part of the index format: renaming or moving one means rebuilding.
"""

from __future__ import annotations

from whoosh.analysis import Analyzer

from indexer.analysis.filters import STOP_WORDS, FoldFilter, FrenchStopFilter, LightStemFilter
from indexer.analysis.folding import fold, fold_key, fold_words, synonym_key
from indexer.analysis.stemmer import stem
from indexer.analysis.synonyms import SynonymFilter, base_analyzer, synonym_table
from indexer.analysis.tokenizer import FrenchTokenizer

__all__ = [
    "STOP_WORDS",
    "FoldFilter",
    "FrenchStopFilter",
    "FrenchTokenizer",
    "LightStemFilter",
    "SynonymFilter",
    "analyze",
    "fold",
    "fold_key",
    "fold_words",
    "french_analyzer",
    "stem",
    "synonym_key",
    "synonym_table",
]


def french_analyzer() -> Analyzer:
    """The analyzer of every French text field: "L'éducatrice" -> ["educateu"]."""
    return base_analyzer() | SynonymFilter()


_ANALYZER = french_analyzer()


def analyze(text: str, mode: str = "index") -> list[str]:
    """Token texts of ``text`` as the index (mode="index") or a query (mode="query") sees them.

    "Socio-éducatif" -> ["socioeducatif", "socio", "educatif"] (index),
    ["socio", "educatif"] (query).
    """
    return [t.text for t in _ANALYZER(text, mode=mode)]
