"""Highlighting: which words of an offer a query matched, marked in escaped text, and the
snippet that shows them.

    >>> str(mark("l’éducatrice", [(2, 12)]))
    'l’<mark class="match">éducatrice</mark>'
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

import numpy as np
from markupsafe import Markup, escape
from whoosh import query as Q

from indexer.analysis.folding import synonym_key
from indexer.offer import Offer
from indexer.whoosh_internals.postings import term_positions

SNIPPET_CHARS = 220
# The work one offer may cost a request, whatever its size (a 2 MB offer repeating the word
# searched for has 200,000 matches): the characters analyzed to find matches on an offer
# page, and the matches marked on it or read for a snippet. Past them the text is shown
# escaped, unmarked; marking stays linear in the text.
HIGHLIGHT_CHARS = 60_000
MAX_MARKS = 300


def highlight_terms(whoosh_query) -> dict[str, set[str]]:
    """Index terms of the query's positive part, by field (excluded words are not marked).

    Whoosh 2.7.4's ``Query.existing_terms`` reuses its ``fieldname`` argument as a loop
    variable and drops every field after the first, so the leaves are read here instead.
    """
    terms: dict[str, set[str]] = {}
    if isinstance(whoosh_query, Q.AndNot):
        whoosh_query = whoosh_query.a
    if whoosh_query is None:
        return terms
    for field, text in whoosh_query.iter_all_terms(phrases=True):
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        terms.setdefault(field, set()).add(text)
    return terms


def match_spans(reader, field: str, terms, docnums,
                cache=None) -> dict[int, list[tuple[int, int]]]:
    """Character spans of the query's terms in each of ``docnums``, read from the postings.

    The index stores character offsets (``chars=True``), so highlighting never re-analyzes
    the text (Whoosh's "pinpoint" idea, without a live Results object). Each term's postings
    are read once for the whole page, only the blocks that hold one of its documents, as
    arrays; with a ``cache`` (`TermScores.cache_for`), those blocks are found from a cached
    list and kept decoded.
    """
    wanted = sorted(set(docnums))
    found: dict[int, set] = {d: set() for d in wanted}
    fieldtype = reader.schema[field]
    for text in terms:
        btext = fieldtype.to_bytes(text)
        if (field, btext) not in reader:
            continue
        occurrences = term_positions(reader, field, btext, wanted, cache)
        docs = occurrences.docs
        if occurrences.starts is None or not len(docs):
            continue
        # Positions come in order: each term's first MAX_MARKS in a document are the
        # earliest (rank = index - index of the document's first occurrence).
        rank = np.arange(len(docs)) - np.searchsorted(docs, docs)
        first = rank < MAX_MARKS
        for docnum, start, end in zip(docs[first].tolist(), occurrences.starts[first].tolist(),
                                      occurrences.ends[first].tolist()):
            found[docnum].add((start, end))
    return {d: _merge(spans)[:MAX_MARKS] for d, spans in found.items()}


def analyzed_spans(text: str, terms: set[str], analyzer, chars: int = HIGHLIGHT_CHARS,
                   marks: int = MAX_MARKS) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``text`` whose analyzed form is one of ``terms``
    (for text that is not indexed as such, like one section of an offer): at most ``marks``
    of them, in the first ``chars`` characters."""
    if not terms or not text or chars <= 0 or marks <= 0:
        return []
    found = set()
    for token in analyzer(text[:chars], chars=True, mode="index"):
        if token.text in terms and (token.endchar < chars or chars >= len(text)):
            found.add((token.startchar, token.endchar))
            if len(found) >= marks:
                break
    return _merge(found)


class LabelTokens:
    """The analyzed tokens of short texts (an offer's labels: employers, communes, corps),
    kept by text for the schema's analyzer: the same few thousand labels come back on every
    page, and analyzing them was a fifth of a cold search's time."""

    def __init__(self, max_texts: int = 20_000) -> None:
        self.max_texts = max_texts
        self._lock = threading.Lock()
        self._analyzer = None
        self._tokens: OrderedDict[str, tuple] = OrderedDict()

    def spans(self, text: str, terms: set[str], analyzer) -> list[tuple[int, int]]:
        """`analyzed_spans` of a label (far shorter than the budget of characters)."""
        if not terms or not text:
            return []
        with self._lock:
            if analyzer is not self._analyzer:  # another index generation's schema
                self._analyzer, self._tokens = analyzer, OrderedDict()
            tokens = self._tokens.get(text)
        if tokens is None:
            tokens = tuple((t.text, t.startchar, t.endchar)
                           for t in analyzer(text[:HIGHLIGHT_CHARS], chars=True, mode="index"))
            with self._lock:
                if analyzer is self._analyzer:
                    self._tokens[text] = tokens
                    if len(self._tokens) > self.max_texts:
                        self._tokens.popitem(last=False)
        found = {(start, end) for token, start, end in tokens if token in terms}
        return _merge(found)[:MAX_MARKS]


def _merge(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:  # a hyphenated whole overlaps its parts
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]]) -> Markup:
    """Escaped text with each span wrapped in <mark class="match">: 'l’éducatrice' ->
    'l’<mark class="match">éducatrice</mark>'."""
    parts = []
    last = 0
    for start, end in spans:  # joined once: adding Markup to Markup copies it (quadratic)
        parts += (escape(text[last:start]), '<mark class="match">', escape(text[start:end]), "</mark>")
        last = end
    parts.append(escape(text[last:]))
    return Markup("".join(parts))


def snippet(text: str, spans: list[tuple[int, int]], size: int = SNIPPET_CHARS,
            body_start: int = 0) -> Markup:
    """The window of ``size`` characters holding the most matches, escaped and marked.

    The header (title, reference, labels) repeats what a result already shows, so a window
    in the offer's body (from ``body_start``) is preferred when the body matches too, and
    an offer without matches is introduced by its body.
    """
    in_body = [span for span in spans if span[0] >= body_start]
    candidates = in_body or spans
    if not candidates:
        start = body_start if body_start < len(text) else 0
    else:
        # The earliest window holding the most matches (two pointers: linear in matches,
        # which a long offer can have by the thousand).
        best, best_count, last = 0, 0, 0
        for first in range(len(candidates)):
            last = max(last, first)
            while (last + 1 < len(candidates)
                   and candidates[last + 1][1] <= candidates[first][0] + size):
                last += 1
            if last - first + 1 > best_count:
                best, best_count = first, last - first + 1
        start = max(0, candidates[best][0] - size // 4)
        space = text.rfind(" ", 0, start)
        start = 0 if start == 0 or space < start - 30 else space + 1
    end = min(len(text), start + size)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start + size // 2 else end
    inside = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    body = mark(text[start:end], inside)
    prefix = Markup("…") if start > 0 else Markup()
    suffix = Markup("…") if end < len(text) else Markup()
    return prefix + body + suffix


# Sections that say what the job is; an offer's other first sections ("Organisation et
# relations", "Informations administratives") repeat its header.
_DESCRIPTIVE = re.compile(r"\b(?:missions?|descriptions?|activites|taches|presentation|contexte|details|poste)\b")


def body_start(offer: Offer, text: str) -> int:
    """Where the offer's body begins in its full text: the first section that describes the
    job or its missions, else the first section with text (0 if none is found)."""
    sections = [(name, body.strip()) for name, body in offer.sections if body.strip()]
    chosen = next((body for name, body in sections if _DESCRIPTIVE.search(synonym_key(name))),
                  sections[0][1] if sections else None)
    if chosen is None:
        return 0
    return max(text.find(chosen[:60]), 0)


def highlight_offer(offer: Offer, terms: dict[str, set[str]], title_spans, analyzer):
    """An offer's title and sections, escaped, with ``terms`` marked: (title, [(heading,
    html)], whether anything was marked). The title's spans come from the postings; the
    sections are not indexed one by one, so they are analyzed here with the schema's
    analyzer."""
    body_terms = terms.get("body", set())
    chars, marks = HIGHLIGHT_CHARS, MAX_MARKS  # one budget for the whole offer
    sections = []
    for heading, text in offer.sections or (("", offer.text),):
        spans = analyzed_spans(text, body_terms, analyzer, chars, marks)
        chars, marks = chars - len(text), marks - len(spans)
        sections.append((heading, mark(text, spans)))
    title = mark(offer.title, title_spans)
    matched = bool(title_spans) or marks < MAX_MARKS
    return str(title), [(h, str(html)) for h, html in sections], matched
