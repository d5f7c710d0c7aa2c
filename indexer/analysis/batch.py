"""The French analyzer's index output for many texts, as flat arrays of numbered terms.

`index_occurrences` answers a text with a dict of term -> occurrences: building that dict and
adding each of its terms to a posting list is one step of Python per token and per term of
every document. A worker's `TermRows` numbers the terms it meets and gives, for a text, one
row per occurrence (term number, position, start, end), in the order the analyzer yields
them: a long text is done with a few array operations over its chunks, whatever its length,
and the rows of many documents are grouped by term at once when they are written
(`indexer.whoosh_internals.occurrence_rows`). Grouped by term, the rows of a text are
exactly `index_occurrences`' answer:

    >>> rows = TermRows()
    >>> [(rows.texts[i], p, s, e) for i, p, s, e in rows.rows("L’éducatrice de l'ASE").tolist()]
    [('educateu', 0, 2, 12), ('ase', 1, 18, 21)]
"""

from __future__ import annotations

import re
from array import array
from operator import itemgetter

import numpy as np

from indexer.analysis.memo import _chunk, index_occurrences
from indexer.analysis.synonyms import _synonym_ends, synonym_table
from indexer.analysis.tokenizer import _INCLUSIVE, _JOIN, _PIECE

# Below this many characters, a text goes through `index_occurrences` (a few tokens: the
# array operations' fixed cost would be more than the loop's).
ARRAY_MIN_CHARS = 200
MEMO_LIMIT = 50_000  # chunks remembered; beyond, the memo starts again (bounded memory)

# The tokenizer's chunks with what follows them in the match (an inclusive ending, maybe
# empty) as a group of its own: split, the text is [between, chunk, ending, between, ...],
# every character in one piece, so each chunk's offset is a running sum of lengths.
_SPLIT = re.compile(rf"({_PIECE}(?:{_JOIN}{_PIECE})*)({_INCLUSIVE}?)", re.IGNORECASE)

_EMPTY = np.zeros((0, 4), np.int32)


class TermRows:
    """Term numbers (``texts[number]`` is the term) and each text's occurrence rows."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.texts: list[str] = []
        # chunk -> (term numbers, position offsets, starts, ends, positions taken, whether a
        # term ends a synonym), relative to the chunk
        self._memo: dict[str, tuple] = {}
        self._table = synonym_table()[0]
        self._ends = _synonym_ends()
        # a term's last token -> the tokens just before it in the terms of several tokens
        self._before: dict[str, set[str]] = {end: set() for end in self._ends}
        for key in self._table:
            if len(key) > 1:
                self._before[key[-1]].add(key[-2])

    def number(self, text: str) -> int:
        found = self.numbers.get(text)
        if found is None:
            found = self.numbers[text] = len(self.texts)
            self.texts.append(text)
        return found

    def rows(self, value: str) -> np.ndarray:
        """Each occurrence of ``value``'s terms, as a row (term number, position, start,
        end) of an int32 array, in the order the French analyzer yields them (synonym marks included)."""
        if len(value) < ARRAY_MIN_CHARS:
            return self._short_rows(value)
        return self._long_rows(value)

    def _short_rows(self, value: str) -> np.ndarray:
        return rows_of(index_occurrences(value, True), self.number, True)

    def _entry(self, chunk: str) -> tuple[bytes, bytes, bytes]:
        """A chunk's kept tokens packed: (number, position offset, start, end) each as four
        int32, its (kept tokens, positions taken) as two, one byte per token telling whether
        it ends a synonym term."""
        kept, count = _chunk(chunk)
        number, ends = self.number, self._ends
        tokens = array("i")
        for form, offset, start, end in kept:
            tokens.extend((number(form), offset, start, end))
        return (tokens.tobytes(), array("i", (len(kept), count)).tobytes(),
                bytes(form in ends for form, _, _, _ in kept))

    def _long_rows(self, value: str) -> np.ndarray:
        parts = _SPLIT.split(value)
        chunks = parts[1::3]
        n = len(chunks)
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        entries = list(map(memo.get, chunks))
        if None in entries:
            for i, entry in enumerate(entries):
                if entry is None:
                    entries[i] = memo[chunks[i]] = self._entry(chunks[i])
        tokens = np.frombuffer(b"".join(map(itemgetter(0), entries)), np.int32).reshape(-1, 4)
        m = len(tokens)
        if not m:
            return _EMPTY
        counts = np.frombuffer(b"".join(map(itemgetter(1), entries)), np.int32).reshape(-1, 2)
        kept, taken = counts[:, 0], counts[:, 1]
        lengths = np.array(list(map(len, parts)), np.int64)
        base = np.repeat(np.cumsum(lengths)[0:3 * n:3], kept)
        original = np.repeat(np.cumsum(taken) - taken, kept) + tokens[:, 1]
        rows = np.empty((m, 4), np.int32)
        rows[:, 0] = tokens[:, 0]
        # FrenchStopFilter's renumbering: the first kept token keeps its position, each next
        # distinct original position takes the next number.
        rows[0, 1] = 0
        np.cumsum(original[1:] != original[:-1], out=rows[1:, 1])
        rows[:, 1] += original[0]
        rows[:, 2] = base + tokens[:, 2]
        rows[:, 3] = base + tokens[:, 3]
        flags = b"".join(map(itemgetter(2), entries))
        if flags.count(0) != len(flags):
            return self._with_marks(rows, np.flatnonzero(np.frombuffer(flags, np.uint8)).tolist())
        return rows

    def _with_marks(self, rows: np.ndarray, candidates: list[int]) -> np.ndarray:
        """The rows with SynonymFilter's marks, each after the token that completes it (as
        `index_occurrences` adds them); ``candidates`` are the tokens that end a term."""
        texts, table, ends, before = self.texts, self._table, self._ends, self._before
        pos = rows[:, 1]
        first = int(pos[0])
        # The window of SynonymFilter holds, per position, the last token there so far.
        last_at = np.flatnonzero(np.r_[pos[1:] != pos[:-1], True]).tolist()
        ids, positions = rows[:, 0].tolist(), pos.tolist()
        inserts: list[int] = []
        new: list[tuple[int, int, int, int]] = []
        for i in candidates:
            text = texts[ids[i]]
            p = positions[i]
            sizes = ends[text]
            # A term of several tokens needs the token before as its last but one.
            if p == first or texts[ids[last_at[p - 1 - first]]] not in before[text]:
                if sizes[0] != 1:
                    continue
                sizes = (1,)
            available = p - first + 1
            current = text
            for size in sizes:
                if size > available:
                    break
                window = [last_at[q - first] for q in range(p - size + 1, p)] + [i]
                marks = table.get(tuple([texts[ids[w]] for w in window]))
                for mark in marks or ():
                    if size == 1 and mark == current:
                        continue
                    current = mark
                    head = window[0]
                    inserts.append(i + 1)
                    new.append((self.number(mark), positions[head], int(rows[head, 2]),
                                int(rows[i, 3])))
        if not inserts:
            return rows
        return np.insert(rows, inserts, np.array(new, np.int32), axis=0)


def rows_of(found: dict[str, list[int]], number, chars: bool) -> np.ndarray:
    """Rows from an analysis' occurrences (term -> flat deltas), numbered by ``number``;
    without chars, start and end are 0."""
    out = array("i")
    for text, flat in found.items():
        term = number(text)
        p = e = 0
        if chars:
            for k in range(0, len(flat), 3):
                p += flat[k]
                s = e + flat[k + 1]
                e = s + flat[k + 2]
                out.extend((term, p, s, e))
        else:
            for delta in flat:
                p += delta
                out.extend((term, p, 0, 0))
    return np.frombuffer(out, np.int32).reshape(-1, 4) if out else _EMPTY
