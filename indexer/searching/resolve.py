"""From parsed clauses to the query that answers: the strict -> fuzzy -> or fallback ladder,
typo corrections against the build's vocabulary, prefix expansion and the « Vouliez-vous
dire » suggestion.

One rule decides what is a typo, for the suggestion and the fuzzy fallback alike: a word
whose analysed form the index does not know (not a stop word, not a synonym-table term),
corrected into the nearest word of the vocabulary (any first letter) whose analysed form it
knows, written as the corpus writes that word ("educatrise" -> "éducatrice", feminine as
typed). A real French word ("infirmier") is never corrected behind the user's back: it is
proposed only when nothing at all was found.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from indexer.analysis import fold, synonym_key
from indexer.analysis.lexicon import french_spellings, french_words_by_length, is_french_word
from indexer.analysis.synonyms import query_synonym_table
from indexer.searching.columns import Columns
from indexer.searching.distance import max_edits, nearest
from indexer.searching.query import TEXT_FIELDS, Clause, QueryBuilder
from indexer.searching.matches import EMPTY, Matches
from indexer.searching.scoring import TermScores
from indexer.searching.snapshots import Snapshot
from indexer.store import VOCABULARY, read_vocabulary

MAX_REMEMBERED_CORRECTIONS = 10_000


class Vocabulary:
    """The build's words (folded -> [original spelling, document frequency]), sorted for
    prefix expansion and grouped by length for typo correction, with the corrections
    already computed."""

    def __init__(self, key: tuple[Path, float], words: dict[str, list]) -> None:
        self.key = key
        self.words = words
        self.sorted_words = sorted(words)
        self.by_length: dict[int, list[str]] = {}
        for word in self.sorted_words:
            self.by_length.setdefault(len(word), []).append(word)
        self.corrections: dict[tuple[str, int], str | None] = {}

    def near(self, word: str, limit: int) -> list[tuple[str, int]]:
        """Words within ``limit`` edits of ``word`` (only lengths that can be), nearest first."""
        return nearest(word, _of_lengths(self.by_length, len(word), limit), limit)

    def spelling(self, folded: str) -> str:
        """How the corpus writes a word, else how French writes it: "educatrice" -> "éducatrice"."""
        found = self.words.get(folded)
        return found[0] if found else french_spellings().get(folded, folded)


def _of_lengths(by_length: dict[int, list[str]], length: int, limit: int) -> list[str]:
    return [w for n in range(length - limit, length + limit + 1) for w in by_length.get(n, ())]


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

    def known(self, word: str, snap: Snapshot) -> bool:
        """Whether the index knows the analysed form of ``word`` (a stop word, a synonym-table
        term and a word left empty by analysis count as known: there is nothing to fix)."""
        builder = self.builder(snap)
        if builder.synonyms_for(word):
            return True
        reader = snap.searcher.reader()
        schema = snap.schema
        for token in builder.analyze(word):
            if not any((name, schema[name].to_bytes(token)) in reader for name in TEXT_FIELDS):
                return False
        return True

    def correct(self, word: str, snap: Snapshot, budget: int = 0) -> str | None:
        """The nearest word (folded) within the typo budget whose analysed form the index
        knows; None for a word the index knows. Candidates are the corpus's words, then the
        French words whose analysed form the index knows, so a feminine typed stays feminine
        where the corpus only writes the masculine ("educatrise" -> "educatrice", found as
        "éducateur"). At equal distance, the corpus's word, then the most frequent.

        ``budget`` takes edits off the length's budget (for real French words).
        Remembered per vocabulary: a failed search asks twice (suggestion, fuzzy fallback).
        """
        vocab = self.vocabulary(snap)
        folded = fold(word)
        limit = max(0, max_edits(folded) - budget)
        remembered = (folded, limit)
        if remembered in vocab.corrections:
            return vocab.corrections[remembered]
        best = None
        if limit and not self.known(word, snap):
            analyze = self.builder(snap).analyze
            lexicon = nearest(folded, _of_lengths(french_words_by_length(), len(folded), limit),
                              limit)
            ranked = sorted(
                [(d, 0, -vocab.words[c][1], c) for c, d in vocab.near(folded, limit)]
                + [(d, 1, 0, c) for c, d in lexicon if c not in vocab.words])
            for _, in_lexicon, _, candidate in ranked:
                # Vocabulary words are cut by a regular expression, not the analyzer: a stop
                # word or an empty form is no correction.
                if analyze(candidate) and (not in_lexicon or self.known(candidate, snap)):
                    best = candidate
                    break
        if len(vocab.corrections) >= MAX_REMEMBERED_CORRECTIONS:
            vocab.corrections.clear()
        vocab.corrections[remembered] = best
        return best

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
            table = query_synonym_table()
            self._synonyms = {" ".join(key): list(marks) for key, marks in table.items()}
        return QueryBuilder(analyze=analyze, synonyms=self._synonyms, fold_text=synonym_key,
                            expand_prefix=self._expand_prefix(snap))

    def resolve(self, snap: Snapshot, clauses: list[Clause], prefix_last: bool):
        """The query that answers, with every matching offer's score.

        As typed (all the words); else, when a word is unknown to the index but close to
        one it knows, the corrected words ("fuzzy": a typo is fixed before any word is
        dropped); else any of the words ("or"); else any of the corrected words ("fuzzy").
        -> (query, `Matches` (documents and scores), fallback)
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
            found = self.matching(snap, candidate, columns) if candidate else EMPTY
            if found:
                return candidate, found, mode
        return strict, scores, None

    def matching(self, snap: Snapshot, whoosh_query, columns: Columns,
                 bounded: bool = True) -> Matches:
        """Every matching offer with its BM25F score, in one evaluation of the query (the
        set feeds the facets, the scores the ranking). Read only: it may be a cached value.

        ``bounded``: the adjacency bonus left to `indexer.searching.bonus.settle` (the
        ranking settles the scores of the page)."""
        if whoosh_query is None:
            return Matches.same_score(columns.live_array(), 0.0)
        return self._term_scores.evaluate(snap.searcher, snap.generation, whoosh_query,
                                          columns.live_array(), bounded)

    def _fixable(self, clause: Clause) -> bool:
        return not (clause.phrase or clause.negate or clause.fields == ("refs",)
                    or " " in clause.text)

    def _corrected_clauses(self, clauses: list[Clause], snap: Snapshot) -> list[Clause]:
        """The clauses with each typo fixed; real French words stay as typed."""
        out = []
        for clause in clauses:
            fixed = (self.correct(clause.text, snap)
                     if self._fixable(clause) and not is_french_word(clause.text) else None)
            out.append(Clause(fixed, clause.phrase, clause.fields, clause.negate,
                              clause.or_with_previous) if fixed else clause)
        return out

    def suggest(self, clauses: list[Clause], snap: Snapshot, found: bool) -> str | None:
        """'travailleur socail' -> 'travailleur social', in the corpus's own accented spelling.

        Asked only when the query as typed found nothing; ``found`` tells whether a fallback
        found offers, in which case a real French word is left alone ("infirmier Koné").
        """
        vocab = self.vocabulary(snap)
        words, changed = [], False
        for clause in clauses:
            if not self._fixable(clause):
                return None
            french = is_french_word(clause.text)
            # A real French word is proposed another word only when nothing was found, and
            # only one edit away: "infirmier" is no typo of "informer".
            fixed = None if found and french else self.correct(clause.text, snap, int(french))
            if fixed:
                words.append(vocab.spelling(fixed))
                changed = True
            else:
                words.append(clause.text)
        return " ".join(words) if changed else None
