"""The French analyzer's index-mode output in one loop, the per-token work memoised.

`french_analyzer()` is a chain of generators (tokenizer, folding, stop words, stemming,
synonyms) that handles every token five times over; most of a build's tokens are a few
thousand forms (Zipf), so the folding, stop-word and stemming answer of a form is kept in
a bounded dict. `index_occurrences` gives, for a text, each token text with the
positions (and character offsets) the chain yields in index mode (stop words removed),
synonym marks included, as the flat lists of deltas a segment writer stores as they are:

    >>> index_occurrences("L’éducatrice de l'ASE", chars=True)
    {'educateu': [0, 2, 10], 'ase': [1, 18, 3]}
    >>> index_occurrences("L’éducatrice de l'ASE l'ASE", chars=False)
    {'educateu': [0], 'ase': [1, 1]}
"""

from __future__ import annotations

from typing import Callable

from indexer.analysis.filters import STOP_WORDS
from indexer.analysis.folding import fold
from indexer.analysis.stemmer import stem
from indexer.analysis.synonyms import _synonym_ends, synonym_table
from indexer.analysis.tokenizer import _CHUNK, _SPECIAL, chunk_tokens

MEMO_LIMIT = 50_000  # chunks remembered; beyond, the memo starts again (bounded memory)

# chunk of text -> (its kept tokens as (indexed text, position offset, start, end) relative
# to the chunk, the positions it takes). A token is kept unless folding empties it or it is
# a stop word; a dropped token changes nothing downstream, so it is simply left out.
_MEMO: dict[str, tuple[tuple[tuple[str, int, int, int], ...], int]] = {}


def _form(raw: str) -> str | None:
    """The indexed text of one token, None when folding empties it or it is a stop word."""
    folded = fold(raw)
    if not folded or folded in STOP_WORDS:
        return None
    return stem(folded)


def _chunk(chunk: str) -> tuple[tuple[tuple[str, int, int, int], ...], int]:
    """What FrenchTokenizer, folding, stop words and stemming make of one chunk (its tokens
    depend on its text alone)."""
    if _SPECIAL.search(chunk) is None:
        form = _form(chunk)
        return (((form, 0, 0, len(chunk)),) if form is not None else ()), 1
    tokens, count = chunk_tokens(chunk, 0, len(chunk), True)
    return tuple((form, offset, s, e) for raw, offset, s, e in tokens
                 if (form := _form(raw)) is not None), count


def index_occurrences(value: str, chars: bool) -> dict[str, list[int]]:
    """Each token's occurrences as the deltas Whoosh's ``Positions`` / ``Characters`` formats
    encode, in flat lists (what a segment writer stores): token text -> each position's
    distance from the previous one of the text (the first from 0), or with ``chars`` that,
    its start's distance from the previous end and its length, one after the other."""
    memo = _MEMO
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    table = synonym_table()[0]
    ends = _synonym_ends()
    seen: dict[str, list[int]] = {}
    # text -> its last position and end, what its next deltas are taken from
    previous: dict[str, list[int]] = {}
    window: list[tuple[int, str, int, int]] = []  # as SynonymFilter's: (pos, text, start, end)
    last_original = new_pos = None
    position = 0  # FrenchTokenizer's position counter
    for match in _CHUNK.finditer(value):
        first, last = match.span(1)
        chunk = value[first:last]
        found_chunk = memo.get(chunk)
        if found_chunk is None:
            found_chunk = memo[chunk] = _chunk(chunk)
        kept, count = found_chunk
        for text, offset, start, end in kept:
            start += first
            end += first
            # FrenchStopFilter's renumbering: only the gaps left by removed positions close.
            original = position + offset
            if new_pos is None:
                new_pos = original
            elif original != last_original:
                new_pos += 1
            last_original = original
            pos = new_pos
            found = seen.get(text)
            if found is None:
                found = seen[text] = []
                before = previous[text] = [0, 0]
            else:
                before = previous[text]
            if chars:
                found += (pos - before[0], start - before[1], end - start)
                before[1] = end
            else:
                found.append(pos - before[0])
            before[0] = pos
            # SynonymFilter, as written there (marks compared with the token's current text).
            # The window is not cut to the longest term: no term looks further back.
            if window and window[-1][0] == pos:
                window[-1] = (pos, text, start, end)
            else:
                window.append((pos, text, start, end))
            sizes = ends.get(text)
            if sizes is None:
                continue
            current = text
            available = len(window)
            for size in sizes:
                if size > available:
                    break
                marks = table.get(tuple([w[1] for w in window[-size:]]))
                for mark in marks or ():
                    if size == 1 and mark == current:
                        continue
                    current = mark
                    found = seen.get(mark)
                    if found is None:
                        found = seen[mark] = []
                        before = previous[mark] = [0, 0]
                    else:
                        before = previous[mark]
                    mark_pos = window[-size][0]
                    if chars:
                        mark_start = window[-size][2]
                        found += (mark_pos - before[0], mark_start - before[1],
                                  window[-1][3] - mark_start)
                        before[1] = window[-1][3]
                    else:
                        found.append(mark_pos - before[0])
                    before[0] = mark_pos
        position += count
    return seen


def positions_function(analyzer) -> Callable[[str, bool], dict[str, list[int]]] | None:
    """`index_occurrences` if ``analyzer`` is the French analyzer (whose index output it
    gives), else None: a writer then asks the analyzer itself."""
    from indexer.analysis import french_analyzer

    return index_occurrences if analyzer == french_analyzer() else None
