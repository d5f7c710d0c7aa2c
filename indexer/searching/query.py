"""From what a job seeker types to a Whoosh query: a small, bounded French query language.

Syntax: words are ANDed; ``"a phrase"``; ``-word`` or ``SAUF word`` excludes; ``a OU b``
(also ``OR``); ``ET``/``AND`` are accepted and change nothing; French field prefixes
``titre:``, ``employeur:``, ``commune:``, ``lieu:``, ``reference:``. Everything else
(wildcards, regexes, other fields, parentheses, fuzzy marks) is read as plain text, so no
input can raise or expand without bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from whoosh import query as Q

from indexer.schema import FREE_TEXT_FIELDS, FREE_TEXT_WEIGHTS

MAX_QUERY_CHARS = 200
MAX_CLAUSES = 16
MAX_PREFIX_EXPANSIONS = 10
PREFIX_MIN_CHARS = 3
MAX_SYNONYM_WORDS = 8

# French (and English) field prefixes a user may type -> index fields.
FIELD_PREFIXES = {
    "titre": ("title",),
    "title": ("title",),
    "employeur": ("employer_text",),
    "commune": ("place_text",),
    "lieu": ("place_text",),
    "ville": ("place_text",),
    "reference": ("refs",),
    "référence": ("refs",),
    "ref": ("refs",),
}
TEXT_FIELDS = FREE_TEXT_FIELDS
# Where the words of a query, next to each other, count twice (`QueryBuilder.adjacent_bonus`).
ADJACENT_BONUS_FIELDS = ("title", "body")

_OPERATORS = {"OU": "or", "OR": "or", "ET": "and", "AND": "and", "SAUF": "not", "NOT": "not"}
_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[^\W\d_]+):)?"(?P<phrase>[^"]*)"?'
    r"|(?P<word>[^\s\"()\[\]{}]+)"
)
_REFERENCE = re.compile(r"^\d+(?:-\d+)+(?:/[A-Za-z]+)?$")
_STRIP = "*?~^+!:;,.()[]{}<>=|\\&%$#@`«»“”„…"


@dataclass(frozen=True)
class Clause:
    """One unit of the user's query: a word or a phrase, maybe fielded or negated."""

    text: str
    phrase: bool | str = False  # True for a quoted phrase; "title" for a synonym's words
    fields: tuple[str, ...] = TEXT_FIELDS
    negate: bool = False
    or_with_previous: bool = False


def parse_user_query(text: str) -> tuple[list[Clause], bool]:
    """Split a user query into clauses; also tell whether the last word is still being typed.

    'éducateur -nuit titre:"aide sociale" OU cesf' ->
    [éducateur, -nuit, title:"aide sociale", (OR) cesf]
    """
    text = text.replace("\x00", " ")[:MAX_QUERY_CHARS]
    clauses: list[Clause] = []
    pending_or = pending_not = False
    for match in _TOKEN.finditer(text):
        if match.group("word") is not None:
            raw = match.group("word")
            if raw in _OPERATORS:
                op = _OPERATORS[raw]
                pending_or = pending_or or (op == "or" and bool(clauses))
                pending_not = pending_not or op == "not"
                continue
            negate = raw.startswith("-") and len(raw) > 1
            raw = raw[1:] if negate else raw
            fields = TEXT_FIELDS
            if ":" in raw:
                name, _, rest = raw.partition(":")
                if name.lower() in FIELD_PREFIXES and rest:
                    fields, raw = FIELD_PREFIXES[name.lower()], rest
                else:
                    raw = raw.replace(":", " ")
            word = raw.strip(_STRIP) if fields != ("refs",) else raw.strip()
            if not word:
                continue
            clause = Clause(word, False, fields, negate or pending_not, pending_or)
        else:
            phrase = match.group("phrase").strip()
            if not phrase:
                continue
            name = (match.group("field") or "").lower()
            fields = FIELD_PREFIXES.get(name, TEXT_FIELDS)
            clause = Clause(phrase, True, fields, bool(match.group("neg")) or pending_not, pending_or)
        clauses.append(clause)
        pending_or = pending_not = False
        if len(clauses) >= MAX_CLAUSES:
            break
    typing_last = bool(clauses) and not clauses[-1].phrase and not text.endswith((" ", '"'))
    return clauses, typing_last


Analyze = Callable[[str], list[str]]


@dataclass
class QueryBuilder:
    """Builds Whoosh queries from clauses, with the schema's analyzer and the synonym table."""

    analyze: Analyze  # the schema's analyzer, query mode: text -> token texts
    synonyms: dict[str, list[str]]  # analyzed or folded term -> synonym-group tokens
    fold_text: Callable[[str], str]
    expand_prefix: Callable[[str], list[str]] | None = None  # folded prefix -> folded words

    def term(self, name: str, text: str) -> Q.Term:
        """One word in one field, weighted as that field counts for free text."""
        weight = FREE_TEXT_WEIGHTS.get(name, 1.0)
        return Q.Term(name, text, boost=weight) if weight != 1 else Q.Term(name, text)

    def synonyms_for(self, text: str) -> list[str]:
        """The synonym-group tokens of a word or phrase, looked up by its analyzed form (so
        "assistante sociale" finds the entry of "assistant social"), then by its folded form
        (acronyms that are also stop words). The index carries these tokens wherever any
        term of the group appears (see `indexer.analysis.SynonymFilter`)."""
        for key in (" ".join(self.analyze(text)), self.fold_text(text)):
            if key and key in self.synonyms:
                return self.synonyms[key]
        return []

    def terms_query(self, text: str, fields: tuple[str, ...], phrase: bool | str) -> Q.Query | None:
        """The words of ``text`` in ``fields``: a phrase when ``phrase`` is True, a phrase in
        the title only when it is "title" (Whoosh's phrase matching is slow on long bodies,
        where all the words together are close enough), else all the words."""
        if fields == ("refs",):
            return Q.Term("refs", text.lower())
        tokens = self.analyze(text)
        if not tokens:
            return None
        per_field = []
        for name in fields:
            if len(tokens) == 1:
                per_field.append(self.term(name, tokens[0]))
            elif phrase is True or (phrase == "title" and name == "title"):
                per_field.append(Q.Phrase(name, tokens))
            else:
                per_field.append(Q.And([self.term(name, t) for t in tokens]))
        query: Q.Query = Q.Or(per_field) if len(per_field) > 1 else per_field[0]
        if fields == TEXT_FIELDS and _REFERENCE.match(text):
            query = Q.Or([query, Q.Term("refs", text.lower())])
        return query

    def clause_query(self, clause: Clause, prefix: bool = False) -> Q.Query | None:
        query = self.terms_query(clause.text, clause.fields, clause.phrase)
        alternatives = [] if query is None else [query]
        if clause.fields == TEXT_FIELDS:
            for mark in self.synonyms_for(clause.text):
                alternatives.append(Q.Or([self.term(name, mark) for name in TEXT_FIELDS]))
            if prefix and self.expand_prefix and len(clause.text) >= PREFIX_MIN_CHARS:
                words = self.expand_prefix(self.fold_text(clause.text))[:MAX_PREFIX_EXPANSIONS]
                stems = {tok for word in words for tok in self.analyze(word)}
                alternatives.extend(
                    Q.Or([self.term(name, stem) for name in TEXT_FIELDS]) for stem in sorted(stems)
                )
        unique: list[Q.Query] = []
        for alternative in alternatives:  # an acronym is often its own synonym token
            if alternative not in unique:
                unique.append(alternative)
        if not unique:
            return None
        return unique[0] if len(unique) == 1 else Q.Or(unique)

    def build(self, clauses: list[Clause], *, mode: str = "and",
              prefix_last: bool = False) -> Q.Query | None:
        """AND (or OR, for the fallback) of the clauses; None when nothing is searchable."""
        clauses = merge_synonym_phrases(clauses, self.synonyms_for)
        groups: list[list[Q.Query]] = []
        negatives: list[Q.Query] = []
        for position, clause in enumerate(clauses):
            query = self.clause_query(clause, prefix=prefix_last and position == len(clauses) - 1)
            if query is None:
                continue
            if clause.negate:
                negatives.append(query)
            elif clause.or_with_previous and groups:
                groups[-1].append(query)
            else:
                groups.append([query])
        positives = [g[0] if len(g) == 1 else Q.Or(g) for g in groups]
        if not positives and not negatives:
            return None
        if not positives:
            positive: Q.Query = Q.Every()
        elif len(positives) == 1:
            positive = positives[0]
        else:
            positive = Q.And(positives) if mode == "and" else Q.Or(positives)
            if mode == "and":
                positive = self.adjacent_bonus(clauses, positive)
        if negatives:
            return Q.AndNot(positive, Q.Or(negatives))
        return positive


    def adjacent_bonus(self, clauses: list[Clause], positive: Q.Query) -> Q.Query:
        """All the words, also as a phrase in the title and in the body: "chef d'agence"
        ranks the « Chef d'Agence » first, before offers that say "chef" here and "agence"
        there. Every offer the phrase finds holds all the words, so the set is unchanged;
        only plain words qualify (phrases, fields, OU and exclusions keep their meaning)."""
        if any(c.phrase or c.negate or c.or_with_previous or c.fields != TEXT_FIELDS
               for c in clauses):
            return positive
        tokens = self.analyze(" ".join(c.text for c in clauses))
        if len(tokens) < 2:
            return positive
        return Q.Or([positive, *(Q.Phrase(name, tokens) for name in ADJACENT_BONUS_FIELDS)])


def merge_synonym_phrases(clauses: list[Clause],
                          synonyms_for: Callable[[str], list[str]]) -> list[Clause]:
    """Consecutive plain words that spell a multi-word synonym key become one phrase clause.

    ['aide', 'sociale', 'à', "l'enfance"] -> ['"aide sociale à l'enfance"'] (which then also
    searches 'ASE').
    """
    out: list[Clause] = []
    i = 0
    while i < len(clauses):
        merged = False
        for size in range(min(MAX_SYNONYM_WORDS, len(clauses) - i), 1, -1):
            window = clauses[i:i + size]
            if any(c.phrase or c.negate or c.fields != TEXT_FIELDS for c in window):
                continue
            if any(c.or_with_previous for c in window[1:]):
                continue
            text = " ".join(c.text for c in window)
            if synonyms_for(text):
                out.append(replace(window[0], text=text, phrase="title"))
                i += size
                merged = True
                break
        if not merged:
            out.append(clauses[i])
            i += 1
    return out
