"""As-you-type completions through the analyzer: the words that complete the last word typed,
ranked by how many open offers they find with the words before, in the corpus's spelling.

    "educ" -> éducateur, éducatrice, éducatif, éducative…  ("éduc", "EDUC" alike)

A word completes the prefix when its folded form starts with the folded prefix. Candidates are
the corpus's words and, for the genders and numbers the corpus does not write, the French
words whose analysed form the corpus has (the seeds say "éducateur" only: "éducatrice" is
proposed too, and finds the same offers). Words that find the same offers (one analysed
form) are listed together, singular first.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import numpy as np

from indexer.analysis import fold
from indexer.analysis.lexicon import french_spellings, french_words_sorted
from indexer.searching.query import TEXT_FIELDS, parse_user_query
from indexer.searching.resolve import Resolver
from indexer.searching.snapshots import Snapshot

MIN_PREFIX = 2
MAX_CANDIDATES = 60  # corpus words, the most frequent first
MAX_LEXICON_CANDIDATES = 400  # French words scanned in order after the prefix
MAX_SPELLINGS = 2  # per analysed form: typically the masculine and the feminine


@dataclass(frozen=True)
class Completion:
    """One completion of what is being typed: the whole query, the word that completes it,
    and how many open (and how many in all) offers the completed query finds."""

    query: str
    word: str
    open_offers: int
    offers: int


def _with_prefix(words: list[str], prefix: str, most: int) -> list[str]:
    start = bisect.bisect_left(words, prefix)
    found = []
    for word in words[start:start + most]:
        if not word.startswith(prefix):
            break
        found.append(word)
    return found


def completions(resolver: Resolver, snap: Snapshot, text: str, as_of: dt.date,
                limit: int = 5) -> list[Completion]:
    """The completions of ``text``'s last word, best first (at most ``limit``)."""
    clauses, typing = parse_user_query(text)
    if not clauses or not typing:
        return []
    last = clauses[-1]
    prefix = fold(last.text)
    if (last.phrase or last.negate or last.fields == ("refs",) or len(prefix) < MIN_PREFIX
            or not prefix.isalpha()):
        return []
    vocab = resolver.vocabulary(snap)
    builder = resolver.builder(snap)
    corpus = sorted(_with_prefix(vocab.sorted_words, prefix, 5000),
                    key=lambda w: -vocab.words[w][1])[:MAX_CANDIDATES]
    forms: dict[str, list[str]] = {}
    for word in corpus:
        tokens = builder.analyze(word)
        if len(tokens) == 1:
            forms.setdefault(tokens[0], []).append(word)
    if len(prefix) >= 3:
        for word in _with_prefix(french_words_sorted(), prefix, MAX_LEXICON_CANDIDATES):
            tokens = builder.analyze(word)
            if len(tokens) == 1 and tokens[0] in forms and word not in forms[tokens[0]]:
                forms[tokens[0]].append(word)
    if not forms:
        return []

    columns = snap.columns()
    before = clauses[:-1]
    base = np.zeros(columns.size, dtype=bool)
    base[resolver.matching(snap, builder.build(before), columns).docs if before
         else columns.live_array()] = True
    is_open = columns.open_flags(as_of)
    scored = []
    for form, words in forms.items():
        docs = np.zeros(columns.size, dtype=bool)
        for name in TEXT_FIELDS:
            docs[resolver.matching(snap, builder.term(name, form), columns).docs] = True
        docs &= base
        total = int(np.count_nonzero(docs))
        if total:
            opened = int(np.count_nonzero(docs & is_open))
            scored.append((-opened, -total, form, opened, total, words))
    scored.sort()
    typed_form = builder.analyze(prefix)
    if prefix in vocab.words or prefix in french_spellings():
        # A whole word typed: its own form (and other genders of it) is no completion.
        scored = [entry for entry in scored if [entry[2]] != typed_form]
    head = text[:len(text) - len(text.lstrip())] + text.strip()
    head = head[:len(head) - len(last.text)] if head.endswith(last.text) else head + " "
    out: list[Completion] = []
    for _, _, _, opened, total, words in scored:
        for word in _spellings(words, vocab):
            shown = vocab.spelling(word) if word in vocab.words else french_spellings()[word]
            out.append(Completion(head + shown, shown, opened, total))
            if len(out) >= limit:
                return out
    return out


def _spellings(words: list[str], vocab) -> list[str]:
    """The words of one analysed form to show: singular before plural, the corpus's before
    the dictionary's, at most MAX_SPELLINGS (éducateur, éducatrice)."""
    kept = [w for w in words if not (w[-1] in "sx" and w[:-1] in words)]
    kept.sort(key=lambda w: (w[-1] in "sx", w not in vocab.words, -vocab.words.get(w, ["", 0])[1]))
    return kept[:MAX_SPELLINGS]
