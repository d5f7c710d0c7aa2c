"""The French analyzer's index-mode output in one loop, the per-token work memoised.

`french_analyzer()` is a chain of generators (tokenizer, folding, stop words, stemming,
synonyms) that handles every token five times over; most of a build's tokens are a few
thousand forms (Zipf), so the folding, stop-word and stemming answer of a form is kept in
a bounded dict. `index_positions` gives, for a text, each token text with its
(position, startchar, endchar) list, exactly what the chain yields in index mode
(stop words removed), synonym marks included:

    >>> index_positions("L’éducatrice de l'ASE")
    {'educateu': [(0, 2, 12)], 'ase': [(1, 18, 21)]}
"""

from __future__ import annotations

from typing import Callable

from indexer.analysis.filters import STOP_WORDS
from indexer.analysis.folding import fold
from indexer.analysis.stemmer import stem
from indexer.analysis.synonyms import _synonym_ends, synonym_table
from indexer.analysis.tokenizer import _CHUNK, _SPECIAL, chunk_tokens

MEMO_LIMIT = 200_000  # token forms remembered; beyond, the memo starts again (bounded memory)

_MEMO: dict[str, str | None] = {}


def _form(raw: str) -> str | None:
    """The indexed text of one token, None when folding empties it or it is a stop word."""
    folded = fold(raw)
    if not folded or folded in STOP_WORDS:
        return None
    return stem(folded)


def index_positions(value: str) -> dict[str, list[tuple[int, int, int]]]:
    """token text -> [(position, startchar, endchar), ...] in the order the chain yields them."""
    memo = _MEMO
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    table, longest = synonym_table()
    ends = _synonym_ends()
    seen: dict[str, list[tuple[int, int, int]]] = {}
    window: list[tuple[int, str, int, int]] = []  # as SynonymFilter's: (pos, text, start, end)
    last_original = new_pos = None
    special = _SPECIAL.search
    position = 0  # FrenchTokenizer's position counter
    for match in _CHUNK.finditer(value):
        first, last = match.span(1)
        if special(value, first, last) is None:  # one plain word, as in FrenchTokenizer
            tokens: list | tuple = ((value[first:last], 0, first, last),)
            count = 1
        else:
            tokens, count = chunk_tokens(value, first, last, True)
        for raw, offset, start, end in tokens:
            text = memo.get(raw, raw)  # a miss returns raw, never a form (forms are folded)
            if text is raw:
                text = memo[raw] = _form(raw)
            if text is None:
                continue
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
                seen[text] = [(pos, start, end)]
            else:
                found.append((pos, start, end))
            # SynonymFilter, as written there (marks compared with the token's current text).
            entry = (pos, text, start, end)
            if window and window[-1][0] == pos:
                window[-1] = entry
            else:
                window.append(entry)
                if len(window) > longest:
                    del window[0]
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
                    posting = (window[-size][0], window[-size][2], window[-1][3])
                    found = seen.get(mark)
                    if found is None:
                        seen[mark] = [posting]
                    else:
                        found.append(posting)
        position += count
    return seen


def positions_function(analyzer) -> Callable[[str], dict[str, list[tuple[int, int, int]]]] | None:
    """`index_positions` if ``analyzer`` is the French analyzer (whose index output it gives),
    else None: a writer then asks the analyzer itself."""
    from indexer.analysis import french_analyzer

    return index_positions if analyzer == french_analyzer() else None
