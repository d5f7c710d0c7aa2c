"""From parsed clauses to the query that answers: the strict -> fuzzy -> or fallback ladder,
typo corrections against the build's vocabulary, prefix expansion and the « Vouliez-vous
dire » suggestion.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from indexer.analysis import fold, synonym_key, synonym_table
from indexer.searching.columns import Columns
from indexer.searching.distance import edit_distance, max_edits
from indexer.searching.query import Clause, QueryBuilder
from indexer.searching.scoring import Scores, TermScores
from indexer.searching.snapshots import Snapshot
from indexer.store import VOCABULARY, read_vocabulary

MAX_REMEMBERED_CORRECTIONS = 10_000


class Vocabulary:
    """The build's words (folded -> [original spelling, document frequency]), indexed for
    typo correction (by first letter) and prefix expansion (sorted), with the corrections
    already computed."""

    def __init__(self, key: tuple[Path, float], words: dict[str, list]) -> None:
        self.key = key
        self.words = words
        self.sorted_words = sorted(words)
        self.by_first: dict[str, list[str]] = {}
        for word in self.sorted_words:
            self.by_first.setdefault(word[:1], []).append(word)
        self.corrections: dict[str, str | None] = {}


class Resolver:
    """Turns clauses into a Whoosh query and its matches, for one index; thread-safe (what
    it caches is computed twice at worst)."""

    def __init__(self, term_scores: TermScores) -> None:
        self._term_scores = term_scores
        self._vocab_cache: Vocabulary | None = None
        self._synonyms: dict[str, list[str]] | None = None

    def vocabulary(self, snap: Snapshot) -> Vocabulary:
        path = snap.build / VOCABULARY
        mtime = path.stat().st_mtime if path.exists() else 0.0
        cached = self._vocab_cache
        if cached is None or cached.key != (snap.build, mtime):
            words = read_vocabulary(snap.build) if mtime else {}
            cached = self._vocab_cache = Vocabulary((snap.build, mtime), words)
        return cached

    def correct(self, word: str, snap: Snapshot) -> str | None:
        """The closest indexed word (folded) within the typo budget, most frequent first.

        Remembered per vocabulary: a failed search asks for the same word twice (for the
        suggestion and for the fuzzy fallback), and each answer scans a part of the vocabulary.
        """
        vocab = self.vocabulary(snap)
        folded = fold(word)
        if folded in vocab.corrections:
            return vocab.corrections[folded]
        limit = max_edits(folded)
        best: tuple[int, int, str] | None = None
        if limit and folded not in vocab.words:
            for candidate in vocab.by_first.get(folded[:1], ()):
                if abs(len(candidate) - len(folded)) > limit:
                    continue
                distance = edit_distance(folded, candidate, limit)
                if distance <= limit:
                    key = (distance, -vocab.words[candidate][1], candidate)
                    if best is None or key < best:
                        best = key
        if len(vocab.corrections) >= MAX_REMEMBERED_CORRECTIONS:
            vocab.corrections.clear()
        vocab.corrections[folded] = best[2] if best else None
        return vocab.corrections[folded]

    def _expand_prefix(self, snap: Snapshot):
        vocab = self.vocabulary(snap)
        words = vocab.sorted_words

        def expand(prefix: str) -> list[str]:
            start = bisect.bisect_left(words, prefix)
            found = []
            for word in words[start:start + 500]:
                if not word.startswith(prefix):
                    break
                found.append(word)
            found.sort(key=lambda w: -vocab.words[w][1])
            return found

        return expand

    def builder(self, snap: Snapshot) -> QueryBuilder:
        analyzer = snap.schema["body"].analyzer

        def analyze(text: str) -> list[str]:
            return [t.text for t in analyzer(text, mode="query")]

        if self._synonyms is None:
            table, _ = synonym_table()
            self._synonyms = {" ".join(key): list(marks) for key, marks in table.items()}
        return QueryBuilder(analyze=analyze, synonyms=self._synonyms, fold_text=synonym_key,
                            expand_prefix=self._expand_prefix(snap))

    def resolve(self, snap: Snapshot, clauses: list[Clause], prefix_last: bool):
        """The query that answers, with every matching offer's score.

        As typed (all the words); else, when a word is unknown to the index but close to
        one it knows, the corrected words ("fuzzy": a typo is fixed before any word is
        dropped); else any of the words ("or"); else any of the corrected words ("fuzzy").
        -> (query, {docnum: score}, fallback)
        """
        builder = self.builder(snap)
        columns = snap.columns()
        strict = builder.build(clauses, prefix_last=prefix_last)
        scores = self.matching(snap, strict, columns)
        if strict is None or scores:
            return strict, scores, None
        corrected = self._corrected_clauses(clauses, snap)
        typo = corrected != clauses
        attempts = [("fuzzy", builder.build(corrected))] if typo else []
        attempts.append(("or", builder.build(clauses, mode="or", prefix_last=prefix_last)))
        if typo:
            attempts.append(("fuzzy", builder.build(corrected, mode="or")))
        for mode, candidate in attempts:
            found = self.matching(snap, candidate, columns) if candidate else {}
            if found:
                return candidate, found, mode
        return strict, scores, None

    def matching(self, snap: Snapshot, whoosh_query, columns: Columns) -> Scores:
        """Every matching offer with its BM25F score, in one evaluation of the query (the
        set feeds the facets, the scores the ranking). Read only: it may be a cached dict."""
        if whoosh_query is None:
            return dict.fromkeys(columns.live_docs, 0.0)
        return self._term_scores.evaluate(snap.searcher, snap.generation, whoosh_query,
                                          columns.live_docs)

    def _corrected_clauses(self, clauses: list[Clause], snap: Snapshot) -> list[Clause]:
        out = []
        for clause in clauses:
            fixed = None if clause.phrase or clause.fields == ("refs",) else self.correct(clause.text, snap)
            out.append(Clause(fixed, clause.phrase, clause.fields, clause.negate,
                              clause.or_with_previous) if fixed else clause)
        return out

    def suggest(self, clauses: list[Clause], snap: Snapshot) -> str | None:
        """'travailleur socail' -> 'travailleur social', in the corpus's own accented spelling."""
        vocab = self.vocabulary(snap).words
        words, changed = [], False
        for clause in clauses:
            if clause.phrase or clause.negate or clause.fields == ("refs",) or " " in clause.text:
                return None
            fixed = self.correct(clause.text, snap)
            if fixed:
                words.append(vocab[fixed][0])
                changed = True
            else:
                words.append(clause.text)
        return " ".join(words) if changed else None
