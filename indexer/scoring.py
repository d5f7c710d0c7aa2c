"""Query evaluation over per-term BM25F scores: the documents and scores Whoosh's matchers
give for the queries `indexer.query` builds, computed with dict and set operations.

Whoosh evaluates a query by stepping Python matcher objects posting by posting, which costs
a few microseconds per matching document and term: hundreds of milliseconds for two common
words in 100,000 offers. Here each term's postings are read once per index generation into
``{docnum: score}`` (Whoosh's own BM25F formula, inputs and statistics, so the scores are
the ones its matchers would compute), and the query tree is evaluated with dict and set
operations that run in C. The term dicts are kept for the next searches, within a budget
of postings.

Only the node types the query builder produces are evaluated here (Term, And, Or, AndNot,
Every, Phrase); any other node is handed to Whoosh, whose scores add up the same way.
"""

from __future__ import annotations

import bisect
import pickle
import threading
from collections import OrderedDict
from itertools import accumulate
from operator import itemgetter

from whoosh import formats
from whoosh import query as Q
from whoosh.matching import WrappingMatcher
from whoosh.scoring import BM25F

from indexer.columns import read_field_lengths

# At most this many cached entries (postings, positions, block documents) per index
# generation: about 250 MB of a serving process at 100,000 offers when full.
MAX_CACHED_POSTINGS = 1_500_000

Scores = dict[int, float]


class TermScores:
    """Per index generation, shared between threads, in one LRU budget: each term's
    ``{docnum: BM25F score}``, each word-in-several-fields and phrase result, term positions
    (for phrases) and decoded posting blocks (for highlights).

    What it hands out is shared and must not be modified.
    """

    def __init__(self, max_postings: int = MAX_CACHED_POSTINGS) -> None:
        self.max_postings = max_postings
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._terms: OrderedDict[tuple, object] = OrderedDict()
        self._size = 0
        self._lengths: dict[str, list[int]] = {}
        self._docs: list[int] = []

    def _generation(self, key: tuple) -> None:
        """Forget everything computed for another index generation (caller holds the lock)."""
        if self._key != key:
            self._key = key
            self._terms.clear()
            self._size = 0
            self._lengths = {}
            self._docs = []

    def term(self, searcher, key: tuple, field: str, text: str) -> Scores:
        """Every live document holding ``field:text``, with its BM25F score."""
        return self._cached(key, ("scores", field, text),
                            lambda: self._compute(searcher, key, field, text))

    def positions(self, searcher, key: tuple, field: str, text: str) -> dict[int, frozenset]:
        """Every live document holding ``field:text``, with the term's positions in it."""
        return self._cached(key, ("positions", field, text),
                            lambda: _positions(searcher, field, text))

    def cache_for(self, key: tuple):
        """For `term_values`: ``(entry, build) -> value`` in this cache, for generation ``key``."""
        return lambda entry, build: self._cached(key, entry, build)

    def _cached(self, key: tuple, entry: tuple, compute):
        with self._lock:
            self._generation(key)
            found = self._terms.get(entry)
            if found is not None:
                self._terms.move_to_end(entry)
                return found
        value = compute()
        with self._lock:
            if self._key == key and len(value) <= self.max_postings:
                if entry not in self._terms:
                    self._terms[entry] = value
                    self._size += len(value)
                while self._size > self.max_postings:
                    _, dropped = self._terms.popitem(last=False)
                    self._size -= len(dropped)
        return value

    def _compute(self, searcher, key: tuple, field: str, text: str) -> Scores:
        schema = searcher.schema
        if field not in schema:
            return {}
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return {}
        reader = searcher.reader()
        if (field, btext) not in reader:
            return {}
        docs = self._doc_ints(reader, key)  # one int object per docnum, shared by every term
        ids: list[int] = []
        weights: list[float] = []
        for leaf, offset in reader.leaf_readers():
            if (field, btext) in leaf:
                local, found = _live_postings(leaf, field, btext, "weights")
                ids.extend([docs[d + offset] for d in local])
                weights.extend(found)
        if not schema[field].scorable:  # Whoosh's WeightScorer: the weight itself
            return dict(zip(ids, weights))
        weighting = searcher.weighting
        B = weighting._field_B.get(field, weighting.B)
        K1 = weighting.K1
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        lengths = self._field_lengths(reader, key, field)
        # whoosh.scoring.bm25 inlined, its constant parts hoisted: the same float operations.
        k1_plus = K1 + 1
        one_minus_b = 1 - B
        return {d: idf * ((w * k1_plus) / (w + K1 * (one_minus_b + B * lengths[d] / avgfl)))
                for d, w in zip(ids, weights)}

    def warm(self, searcher, key: tuple, fields) -> None:
        """Read the field lengths every term of ``fields`` is scored with."""
        reader = searcher.reader()
        self._doc_ints(reader, key)
        for field in fields:
            if searcher.schema[field].scorable:
                self._field_lengths(reader, key, field)

    def _doc_ints(self, reader, key: tuple) -> list[int]:
        with self._lock:
            self._generation(key)
            if not self._docs:
                self._docs = list(range(reader.doc_count_all()))
            return self._docs

    def _field_lengths(self, reader, key: tuple, field: str) -> list[int]:
        """doc number -> the field's length as Whoosh's scorer sees it (byte-encoded)."""
        with self._lock:
            self._generation(key)
            lengths = self._lengths.get(field)
        if lengths is None:
            lengths = read_field_lengths(reader, field)
            with self._lock:
                if self._key == key:
                    self._lengths[field] = lengths
        return lengths

    def evaluate(self, searcher, key: tuple, query: Q.Query, live_docs: list[int]) -> Scores:
        """Every document ``query`` matches, with the score Whoosh would give it.

        The result may be one of the shared term dicts: do not modify it.
        """
        if type(searcher.weighting) is not BM25F:  # the formula below is BM25F's
            return whoosh_scores(searcher, query)
        if isinstance(query, Q.Term):
            scores = self.term(searcher, key, query.fieldname, query.text)
            if query.boost != 1:
                boost = query.boost
                scores = {d: s * boost for d, s in scores.items()}
            return scores
        if isinstance(query, Q.Every) and query.fieldname in (None, "", "*"):
            return dict.fromkeys(live_docs, float(query.boost))
        if isinstance(query, Q.AndNot) and query.boost == 1:
            positive = self.evaluate(searcher, key, query.a, live_docs)
            negative = self.evaluate(searcher, key, query.b, live_docs)
            return {d: s for d, s in positive.items() if d not in negative}
        if isinstance(query, Q.Phrase) and query.slop == 1 and query.boost == 1 and query.words:
            return self.phrase(searcher, key, query.fieldname, query.words)
        if (type(query) in (Q.And, Q.Or) and query.boost == 1
                and not getattr(query, "minmatch", 0) and not getattr(query, "scale", None)):
            def combine() -> Scores:
                parts = [self.evaluate(searcher, key, sub, live_docs) for sub in query.subqueries]
                if not parts:
                    return {}
                return _intersect(parts) if type(query) is Q.And else _union(parts)

            if all(type(sub) in (Q.Term, Q.Phrase) for sub in query.subqueries):
                # One word or phrase in several fields (or its synonyms): the unit every
                # query is made of, kept in the cache like a term.
                return self._cached(key, ("node", query), combine)
            return combine()
        return whoosh_scores(searcher, query)

    def phrase(self, searcher, key: tuple, field: str, words: list[str]) -> Scores:
        """Documents holding ``words`` at consecutive positions in ``field``.

        As Whoosh's Phrase (slop 1): the candidates are the documents holding every word,
        scored by the sum of the words' scores; a candidate is kept when some position p has
        word i at p + i. Kept in the cache like a term.
        """
        return self._cached(key, ("phrase", field, tuple(words)),
                            lambda: self._phrase(searcher, key, field, words))

    def _phrase(self, searcher, key: tuple, field: str, words: list[str]) -> Scores:
        parts = [self.term(searcher, key, field, word) for word in words]
        if not all(parts):
            return {}
        candidates = _intersect(parts)
        if len(words) == 1 or not candidates:
            return candidates
        positions = {word: self.positions(searcher, key, field, word) for word in set(words)}
        first = positions[words[0]]
        # Word i at p + i, i.e. p in (word i's positions - i): set operations run in C.
        rest = [(positions[word], (-i).__add__) for i, word in enumerate(words) if i]
        kept = {}
        for d, score in candidates.items():
            starts = first[d]
            for found, shift in rest:
                starts = starts.intersection(map(shift, found[d]))
                if not starts:
                    break
            else:
                kept[d] = score
        return kept


def _positions(searcher, field: str, text: str) -> dict[int, frozenset]:
    """The positions of ``field:text`` in each live document holding it."""
    fieldtype = searcher.schema[field]
    btext = fieldtype.to_bytes(text)
    raw: dict[int, bytes] = {}
    for leaf, offset in searcher.reader().leaf_readers():
        if (field, btext) in leaf:
            local, values = _live_postings(leaf, field, btext, "values")
            raw.update(zip([d + offset for d in local], values))
    decode = _position_decoder(fieldtype.format)
    return {d: frozenset(decode(value)) for d, value in raw.items()}


def term_values(reader, field: str, btext: bytes, docnums: list[int],
                cache=None) -> dict[int, bytes]:
    """The raw posting values of ``field:btext`` in each of ``docnums`` (sorted, live) that
    holds the term, reading only the posting blocks that can hold them.

    ``cache(entry, build)``, when given (`TermScores.cache_for`), keeps each segment's list
    of the term's blocks ``[(last doc, block position)]`` and the blocks decoded: the blocks
    needed are then reached directly. Without it, blocks are skipped by walking their
    headers.
    """
    found: dict[int, bytes] = {}
    for segment, (leaf, offset) in enumerate(reader.leaf_readers()):
        if (field, btext) not in leaf:
            continue
        local = [d - offset for d in docnums if 0 <= d - offset < leaf.doc_count_all()]
        if not local:
            continue
        matcher = _raw_matcher(leaf, field, btext)
        if not all(hasattr(matcher, name) for name in (
                "_read_ids", "_read_values", "_next_block", "_goto", "_i", "_ids", "_values",
                "_maxid", "_baseoffset", "_nextoffset", "_lastblock")):
            _values_by_skipping(matcher, local, offset, found)
            continue
        if cache is not None:
            term = (segment, field, btext)
            blocks = cache(("blocks", *term), lambda: _blocks(_raw_matcher(leaf, field, btext)))
            last_ids = [last for last, _ in blocks]
            for d in local:
                number = bisect.bisect_left(last_ids, d)
                if number == len(blocks):
                    break
                ids, values = cache(("block", *term, number),
                                    lambda: _block_data(matcher, blocks[number][1]))
                i = bisect.bisect_left(ids, d)
                if i < len(ids) and ids[i] == d:
                    found[d + offset] = values[i]
            continue
        wanted = set(local)
        position = 0  # index in ``local`` of the next wanted document
        while matcher.is_active() and position < len(local):
            if matcher._maxid < local[position]:
                matcher._next_block()
                continue
            _take(matcher, wanted, offset, found)
            while position < len(local) and local[position] <= matcher._maxid:
                position += 1
            if matcher._maxid >= local[-1]:
                break
            matcher._next_block()
    return found


def _raw_matcher(leaf, field: str, btext: bytes):
    matcher = leaf.postings(field, btext)
    if isinstance(matcher, WrappingMatcher):  # FilterMatcher: deleted documents are never wanted
        matcher = matcher.child
    return matcher


def _blocks(matcher) -> list[tuple[int, int]]:
    """[(last doc number, block position)] of a term's posting blocks, from their headers."""
    blocks = []
    position = matcher._baseoffset
    while True:
        blocks.append((matcher._maxid, position))
        if matcher._lastblock:
            return blocks
        position = matcher._nextoffset
        matcher._next_block()


def _block_data(matcher, position: int) -> tuple[tuple, tuple]:
    """The doc numbers and values of the block at ``position``."""
    matcher._goto(position)
    matcher._read_ids()
    matcher._read_values()
    return tuple(matcher._ids), tuple(matcher._values)


def _take(matcher, wanted: set[int], offset: int, found: dict[int, bytes]) -> None:
    """The values of the current block's postings whose document is wanted."""
    if matcher._ids is None:
        matcher._read_ids()
    ids = matcher._ids
    hits = [i for i in range(len(ids)) if ids[i] in wanted]
    if hits:
        if matcher._values is None:
            matcher._read_values()
        for i in hits:
            found[ids[i] + offset] = matcher._values[i]


def _values_by_skipping(matcher, local: list[int], offset: int, found: dict[int, bytes]) -> None:
    for d in local:
        if not matcher.is_active():
            break
        if matcher.id() < d:
            matcher.skip_to(d)
            if not matcher.is_active():
                break
        if matcher.id() == d:
            found[d + offset] = matcher.value()


def _decode_character_positions(value: bytes) -> list[int]:
    """`whoosh.formats.Characters.decode_positions` with the running sum in C."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(map(_FIRST, pickle.loads(value[4:]))))


_FIRST = itemgetter(0)


def _position_decoder(fmt):
    if (type(fmt) is formats.Characters
            and type(fmt).decode_positions is _CHARACTERS_DECODE_POSITIONS):
        return _decode_character_positions
    return lambda value: fmt.decode_as("positions", value)


_CHARACTERS_DECODE_POSITIONS = formats.Characters.decode_positions


def whoosh_scores(searcher, query: Q.Query) -> Scores:
    """Whoosh's own evaluation: every match with its score."""
    results = searcher.search(query, limit=None)
    return {docnum: score for score, docnum in results.top_n}


def _intersect(parts: list[Scores]) -> Scores:
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts, key=len)
    common = ordered[0].keys() & ordered[1].keys()
    for part in ordered[2:]:
        common &= part.keys()
    if len(parts) == 2:
        a, b = parts
        return {d: a[d] + b[d] for d in common}
    return {d: sum(part[d] for part in parts) for d in common}


def _union(parts: list[Scores]) -> Scores:
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts, key=len, reverse=True)
    merged = dict(ordered[0])
    get = merged.get
    for part in ordered[1:]:
        for d, s in part.items():
            old = get(d)
            merged[d] = s if old is None else old + s
    return merged


def _live_postings(leaf, field: str, btext: bytes, part: str) -> tuple[list[int], list]:
    """One segment's postings of a term, deleted documents left out: (doc numbers in the
    segment, their "weights" or "values"). Whole blocks at a time when the matcher is
    Whoosh's block matcher, one posting at a time otherwise."""
    matcher = leaf.postings(field, btext)
    deleted = None
    if isinstance(matcher, WrappingMatcher):  # FilterMatcher over the deleted documents
        deleted = leaf.is_deleted
        matcher = matcher.child
    ids: list[int] = []
    items: list = []
    attribute, read = "_" + part, "_read_" + part
    if all(hasattr(matcher, name) for name in
           ("_read_ids", read, "_next_block", "_i", "_ids", attribute)):
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if getattr(matcher, attribute) is None:
                getattr(matcher, read)()
            i = matcher._i
            ids.extend(matcher._ids[i:])
            items.extend(getattr(matcher, attribute)[i:])
            matcher._next_block()
    else:
        one = matcher.weight if part == "weights" else matcher.value
        while matcher.is_active():
            ids.append(matcher.id())
            items.append(one())
            matcher.next()
    if deleted is not None:
        kept = [i for i, d in enumerate(ids) if not deleted(d)]
        ids, items = [ids[i] for i in kept], [items[i] for i in kept]
    return ids, items
