"""The read side: `open_index(path) -> Index`, whose `search()` returns plain `SearchPage` data.

Searchers are per thread and reused across calls; when a new build is switched in or the
index changed, the old searcher is closed and a fresh one opened (never `refresh()`, which
returns superseded segments in every Whoosh fork after 2.7.4).
"""

from __future__ import annotations

import bisect
import heapq
import datetime as dt
import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh import query as Q

from indexer import whoosh_fixes
from indexer.analysis import fold, synonym_table
from indexer.build import VOCABULARY, live_build
from indexer.columns import read_column
from indexer.errors import IndexNotFoundError, QueryError
from indexer.facets import CodedColumn, doc_mask, mask_docs
from indexer.offer import Offer
from indexer.query import Clause, QueryBuilder, parse_user_query
from indexer.results import FacetValue, Hit, OfferHighlight, SearchPage
from indexer.schema import FACET_FIELDS, body_text, reference_keys
from indexer.scoring import TermScores, term_values
from indexer.synonyms import synonym_key
from indexer.textdistance import edit_distance, max_edits

# New Caledonia has kept UTC+11 all year since 1998; no tz database needed.
NOUMEA = dt.timezone(dt.timedelta(hours=11), "Pacific/Noumea")

MAX_PER_PAGE = 50
MAX_WINDOW = 1000  # page × per_page
SORTS = ("pertinence", "date", "cloture")
STATUS_OPEN, STATUS_CLOSED = "ouverte", "clôturée"
POSTED_BUCKETS = ("7 derniers jours", "30 derniers jours", "plus ancien")
FACETS = FACET_FIELDS + ("status", "posted")
_FIXED_ORDER = {"status": (STATUS_OPEN, STATUS_CLOSED), "posted": POSTED_BUCKETS}
SNIPPET_CHARS = 220
MAX_REMEMBERED_CORRECTIONS = 10_000


def today_in_noumea() -> dt.date:
    return dt.datetime.now(NOUMEA).date()


def offer_status(deadline: dt.date | None, as_of: dt.date) -> str:
    """An offer without a stated deadline counts as open."""
    return STATUS_CLOSED if deadline is not None and deadline < as_of else STATUS_OPEN


@dataclass
class _Columns:
    """Per-document facet values, read once per searcher (doc number -> value)."""

    values: dict[str, list]
    live_docs: list[int]
    _dated: tuple[int, dict[str, list]] | None = None
    _orders: dict[str, list[int]] = field(default_factory=dict)
    _coded: dict[tuple, CodedColumn | None] = field(default_factory=dict)
    _live_mask: int | None = None

    @property
    def size(self) -> int:
        """Documents in the index, deleted ones included (doc numbers are below it)."""
        return len(self.values["posted"])

    def live_mask(self) -> int:
        if self._live_mask is None:
            self._live_mask = doc_mask(self.live_docs, self.size)
        return self._live_mask

    def coded(self, name: str, as_of: dt.date) -> CodedColumn | None:
        """The facet's values with the set of offers of each, for counting and filtering
        (None: more than 255 distinct values)."""
        key = (name, as_of.toordinal() if name in ("status", "posted") else 0)
        try:
            return self._coded[key]
        except KeyError:
            pass
        coded = CodedColumn.of(self.facet(name, as_of))
        if len(self._coded) > 64:  # day-dependent columns of past days
            self._coded.clear()
        self._coded[key] = coded  # shared between threads: computed twice at worst
        return coded

    def order(self, name: str) -> list[int]:
        """Live documents in a fixed order, computed once per index generation:
        "posted" newest first; "deadline" by deadline, those without one last; "closed"
        (documents with a deadline) latest deadline first. Ties by document number."""
        found = self._orders.get(name)
        if found is None:
            posted, deadline = self.values["posted"], self.values["deadline"]
            if name == "posted":
                found = sorted(self.live_docs, key=lambda d: (-posted[d], d))
            elif name == "deadline":
                found = sorted(self.live_docs, key=lambda d: (deadline[d] == 0, deadline[d], d))
            else:
                found = sorted((d for d in self.live_docs if deadline[d]),
                               key=lambda d: (-deadline[d], d))
            self._orders[name] = found  # computed twice at worst, by two threads at once
        return found

    def facet(self, name: str, as_of: dt.date) -> list:
        """doc number -> the document's value for a facet ('' or None when it has none).

        Status and deposit-date buckets depend on the day, so they are derived per ``as_of``;
        the deposit bucket here is the disjoint one (see `_POSTED_MEMBERS`).
        """
        if name not in ("status", "posted"):
            return self.values[name]
        today = as_of.toordinal()
        dated = self._dated  # read once: the columns are shared between threads
        if dated is None or dated[0] != today:
            status = [STATUS_CLOSED if 0 < d < today else STATUS_OPEN
                      for d in self.values["deadline"]]
            posted = [None if not p else "7" if today - p <= 7 else "30" if today - p <= 30
                      else "old" for p in self.values["posted"]]
            dated = self._dated = (today, {"status": status, "posted": posted})
        return dated[1][name]


# Deposit-date buckets are cumulative for the user ("30 derniers jours" includes the last 7);
# each maps to the disjoint buckets it covers.
_POSTED_MEMBERS = {
    "7 derniers jours": {"7"},
    "30 derniers jours": {"7", "30"},
    "plus ancien": {"old"},
}


class _Vocabulary:
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


class _Snapshot:
    """One searcher plus what is derived from it; owned by a single thread."""

    def __init__(self, build: Path, shared: "_SharedColumns") -> None:
        self.build = build
        self.ix = whoosh_index.open_dir(str(build), readonly=True)
        self.searcher = self.ix.searcher()
        self.generation = (build, self.searcher.reader().generation())
        self._shared = shared
        self._columns: _Columns | None = None

    def close(self) -> None:
        self.searcher.close()

    def columns(self) -> _Columns:
        if self._columns is None:
            self._columns = self._shared.get(self.build, self.searcher.reader())
        return self._columns


class _SharedColumns:
    """Facet columns read once per index generation and shared by every thread's searcher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Path, int] | None = None
        self._columns: _Columns | None = None

    def get(self, build: Path, reader) -> _Columns:
        key = (build, reader.generation())
        with self._lock:
            if self._key != key:
                count = reader.doc_count_all()
                values = {name: read_column(reader, name)
                          for name in FACET_FIELDS + ("posted", "deadline")}
                live = ([d for d in range(count) if not reader.is_deleted(d)]
                        if reader.has_deletions() else list(range(count)))
                self._key, self._columns = key, _Columns(values, live)
            return self._columns


class Index:
    """A built index opened read-only; safe to share between threads."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if live_build(self.path) is None:
            raise IndexNotFoundError(
                f"aucun index dans {self.path} : lancez d'abord « offres build »"
            )
        whoosh_fixes.apply()  # searchers share the index's pages instead of copying them
        self._local = threading.local()
        self._lock = threading.Lock()
        self._snapshots: set[_Snapshot] = set()
        self._vocab_cache: _Vocabulary | None = None
        self._synonyms: dict[str, list[str]] | None = None
        self._columns = _SharedColumns()
        self._term_scores = TermScores()

    # -- lifecycle ------------------------------------------------------------------------

    def _current_build(self) -> Path:
        """Where ``current`` points, without opening anything (this runs on every search)."""
        current = self.path / "current"
        return Path(os.path.realpath(current)) if current.is_symlink() else self.path

    def _snapshot(self) -> _Snapshot:
        snap: _Snapshot | None = getattr(self._local, "snapshot", None)
        if snap is not None and (snap.build != self._current_build()
                                 or not snap.searcher.up_to_date()):
            self._forget(snap)
            snap = None
        if snap is None:
            snap = self._open_snapshot()
            self._local.snapshot = snap
            with self._lock:
                self._snapshots.add(snap)
        return snap

    def _open_snapshot(self, attempts: int = 10) -> _Snapshot:
        """A searcher on the live build. A commit or a switch can delete the files being
        opened (Whoosh's open_dir does not retry); try again briefly, as its reader does."""
        failures = 0
        while True:
            build = live_build(self.path)
            if build is None:
                raise IndexNotFoundError(f"aucun index dans {self.path}")
            try:
                return _Snapshot(build, self._columns)
            except FileNotFoundError:
                failures += 1
                if failures == attempts:
                    raise
                time.sleep(0.05)

    def _forget(self, snap: _Snapshot) -> None:
        snap.close()
        with self._lock:
            self._snapshots.discard(snap)
        self._local.snapshot = None

    def close(self) -> None:
        with self._lock:
            for snap in list(self._snapshots):
                snap.close()
            self._snapshots.clear()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def warm(self) -> None:
        """Read what every search needs (facet columns and their coded forms, field
        lengths, vocabulary, synonym table) now rather than during the first user's search;
        `offres serve` calls it at start."""
        snap = self._snapshot()
        columns = snap.columns()
        as_of = today_in_noumea()
        for name in FACETS:
            columns.coded(name, as_of)
        columns.live_mask()
        for name in ("posted", "deadline", "closed"):
            columns.order(name)
        self._term_scores.warm(snap.searcher, snap.generation, ("title", "body"))
        self._vocabulary(snap)
        self._builder(snap)

    @property
    def schema(self):
        return self._snapshot().ix.schema

    def doc_count(self) -> int:
        return self._snapshot().searcher.doc_count()

    # -- vocabulary (suggestions, typo tolerance, prefix) ------------------------------------

    def _vocabulary(self, snap: _Snapshot) -> "_Vocabulary":
        path = snap.build / VOCABULARY
        mtime = path.stat().st_mtime if path.exists() else 0.0
        cached = self._vocab_cache
        if cached is None or cached.key != (snap.build, mtime):
            words = json.loads(path.read_text(encoding="utf-8")) if mtime else {}
            cached = self._vocab_cache = _Vocabulary((snap.build, mtime), words)
        return cached

    def _correct(self, word: str, snap: _Snapshot) -> str | None:
        """The closest indexed word (folded) within the typo budget, most frequent first.

        Remembered per vocabulary: a failed search asks for the same word twice (for the
        suggestion and for the fuzzy fallback), and each answer scans a part of the vocabulary.
        """
        vocab = self._vocabulary(snap)
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

    def _expand_prefix(self, snap: _Snapshot):
        vocab = self._vocabulary(snap)
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

    # -- search ---------------------------------------------------------------------------

    def _builder(self, snap: _Snapshot) -> QueryBuilder:
        analyzer = snap.ix.schema["body"].analyzer

        def analyze(text: str) -> list[str]:
            return [t.text for t in analyzer(text, mode="query")]

        if self._synonyms is None:
            table, _ = synonym_table()
            self._synonyms = {" ".join(key): list(marks) for key, marks in table.items()}
        return QueryBuilder(analyze=analyze, synonyms=self._synonyms, fold_text=synonym_key,
                            expand_prefix=self._expand_prefix(snap))

    def search(self, query: str = "", filters: dict[str, Iterable[str]] | None = None,
               sort: str = "pertinence", page: int = 1, per_page: int = 10,
               as_of: dt.date | None = None, prefix: bool = False) -> SearchPage:
        """Search offers; facets are disjunctive within a facet and conjunctive across them.

        ``prefix=True`` also matches words that start with the last word, for suggestions
        while typing ("educ" -> éducateur, éducatrice...); a submitted search leaves it off.
        """
        started = time.perf_counter()
        query = _clean_query(query)
        if sort not in SORTS:
            raise QueryError(f"tri inconnu : « {sort} » (pertinence, date ou cloture)")
        if page < 1 or per_page < 1:
            raise QueryError("la page et le nombre de résultats par page commencent à 1")
        per_page = min(per_page, MAX_PER_PAGE)
        if page * per_page > MAX_WINDOW:
            raise QueryError(f"au-delà des {MAX_WINDOW} premiers résultats, affinez la recherche")
        as_of = as_of or today_in_noumea()
        selected = _clean_filters(filters)
        notices = []
        if len(query) > 200:
            notices.append("requête tronquée à 200 caractères")

        snap = self._snapshot()
        searcher = snap.searcher
        columns = snap.columns()
        clauses, typing_last = parse_user_query(query)
        prefix_last = prefix and typing_last

        suggestion = self._suggest(clauses, snap)
        whoosh_query, scores, fallback = self._resolve(snap, clauses, prefix_last)
        base = scores.keys()
        base_mask = (columns.live_mask() if len(base) == len(columns.live_docs)
                     else doc_mask(base, columns.size))
        filter_masks = {name: self._filter_mask(name, values, columns, as_of)
                        for name, values in selected.items()}
        final = base
        if filter_masks:
            final_mask = base_mask
            for mask in filter_masks.values():
                final_mask &= mask
            final = mask_docs(final_mask)
        facets = self._facets(base_mask, filter_masks, selected, columns, as_of)

        ordered = self._order(scores, final, sort, columns, as_of, limit=page * per_page,
                              by_score=whoosh_query is not None)
        window = ordered[(page - 1) * per_page: page * per_page]
        highlight_terms = _highlight_terms(whoosh_query)
        docnums = [docnum for docnum, _ in window]
        reader = searcher.reader()
        cache = self._term_scores.cache_for(snap.generation)
        spans = {field: match_spans(reader, field, highlight_terms.get(field, ()), docnums, cache)
                 for field in ("title", "body")}
        hits = [self._hit(searcher, docnum, score, as_of, spans["title"][docnum],
                          spans["body"][docnum]) for docnum, score in window]
        return SearchPage(
            query=query, total=len(final), page=page, per_page=per_page, hits=hits,
            facets=facets, suggestion=suggestion, fallback=fallback, sort=sort,
            filters={k: sorted(v) for k, v in selected.items()},
            elapsed_ms=(time.perf_counter() - started) * 1000, notices=notices,
        )

    def _resolve(self, snap: _Snapshot, clauses: list[Clause], prefix_last: bool):
        """The query that answers, with every matching offer's score.

        As typed (all the words); else, when a word is unknown to the index but close to
        one it knows, the corrected words ("fuzzy": a typo is fixed before any word is
        dropped); else any of the words ("or"); else any of the corrected words ("fuzzy").
        -> (query, {docnum: score}, fallback)
        """
        builder = self._builder(snap)
        columns = snap.columns()
        strict = builder.build(clauses, prefix_last=prefix_last)
        scores = self._matching(snap, strict, columns)
        if strict is None or scores:
            return strict, scores, None
        corrected = self._corrected_clauses(clauses, snap)
        typo = corrected != clauses
        attempts = [("fuzzy", builder.build(corrected))] if typo else []
        attempts.append(("or", builder.build(clauses, mode="or", prefix_last=prefix_last)))
        if typo:
            attempts.append(("fuzzy", builder.build(corrected, mode="or")))
        for mode, candidate in attempts:
            found = self._matching(snap, candidate, columns) if candidate else {}
            if found:
                return candidate, found, mode
        return strict, scores, None

    def _matching(self, snap: _Snapshot, whoosh_query, columns: _Columns) -> dict[int, float]:
        """Every matching offer with its BM25F score, in one evaluation of the query (the
        set feeds the facets, the scores the ranking). Read only: it may be a cached dict."""
        if whoosh_query is None:
            return dict.fromkeys(columns.live_docs, 0.0)
        return self._term_scores.evaluate(snap.searcher, snap.generation, whoosh_query,
                                          columns.live_docs)

    def _corrected_clauses(self, clauses: list[Clause], snap: _Snapshot) -> list[Clause]:
        out = []
        for clause in clauses:
            fixed = None if clause.phrase or clause.fields == ("refs",) else self._correct(clause.text, snap)
            out.append(Clause(fixed, clause.phrase, clause.fields, clause.negate,
                              clause.or_with_previous) if fixed else clause)
        return out

    def _suggest(self, clauses: list[Clause], snap: _Snapshot) -> str | None:
        """'travailleur socail' -> 'travailleur social', in the corpus's own accented spelling."""
        vocab = self._vocabulary(snap).words
        words, changed = [], False
        for clause in clauses:
            if clause.phrase or clause.negate or clause.fields == ("refs",) or " " in clause.text:
                return None
            fixed = self._correct(clause.text, snap)
            if fixed:
                words.append(vocab[fixed][0])
                changed = True
            else:
                words.append(clause.text)
        return " ".join(words) if changed else None

    @staticmethod
    def _filter_mask(name: str, values: set[str], columns: _Columns, as_of: dt.date) -> int:
        """The mask of the offers a filter keeps (see `indexer.facets`)."""
        if name == "posted":
            values = set().union(*(_POSTED_MEMBERS.get(v, ()) for v in values))
        coded = columns.coded(name, as_of)
        if coded is not None:
            return coded.mask_for(values)
        column = columns.facet(name, as_of)
        return doc_mask((d for d in columns.live_docs if column[d] in values), columns.size)

    @staticmethod
    def _facets(base_mask: int, filter_masks: dict[str, int], selected: dict[str, set[str]],
                columns: _Columns, as_of: dt.date) -> dict[str, list[FacetValue]]:
        """Counts per facet value; disjunctive within a facet (its own filter is left out),
        conjunctive across facets."""
        facets = {}
        for name in FACETS:
            mask = base_mask
            for other, other_mask in filter_masks.items():
                if other != name:
                    mask &= other_mask
            coded = columns.coded(name, as_of)
            if coded is not None:
                raw = Counter(coded.counts(mask))
            else:
                raw = Counter(map(columns.facet(name, as_of).__getitem__,
                                  mask_docs(mask)))
            if name == "posted":
                counts = Counter({label: sum(raw[m] for m in members)
                                  for label, members in _POSTED_MEMBERS.items()})
            else:
                counts = Counter({value: n for value, n in raw.items() if value})
            counts = Counter({value: n for value, n in counts.items() if n})
            chosen = selected.get(name, set())
            for value in chosen:
                counts.setdefault(value, 0)
            fixed = _FIXED_ORDER.get(name)
            if fixed:  # buckets keep their natural order; an unknown selected value goes last
                order = sorted(counts, key=lambda v: (fixed.index(v) if v in fixed else len(fixed), v))
            else:
                order = sorted(counts, key=lambda v: (-counts[v], fold(v)))
            facets[name] = [FacetValue(v, counts[v], v in chosen) for v in order]
        return facets

    @staticmethod
    def _order(scores: dict[int, float], docs: set[int], sort: str, columns: _Columns,
               as_of: dt.date, limit: int, by_score: bool) -> list[tuple[int, float]]:
        """The first ``limit`` offers of ``docs`` in the order asked for.

        Relevance: the offers whose score could reach the first ``limit`` are picked with a
        threshold before the full sort key is built. Dates: the offers are walked in an
        order computed once per index generation, until ``limit`` are found.
        """
        posted = columns.values["posted"]
        deadline = columns.values["deadline"]
        today = as_of.toordinal()

        def is_open(d: int) -> bool:
            return not 0 < deadline[d] < today

        if sort == "pertinence" and by_score:
            # At equal relevance: open offers first, then the newest.
            candidates = docs
            if len(docs) > 2 * limit:
                every = len(docs) == len(scores)  # no filter: docs is the set of scores
                values = scores.values() if every else (s for d, s in scores.items() if d in docs)
                floor = round(heapq.nlargest(limit, values)[-1], 6) - 1e-6
                candidates = [d for d, s in scores.items() if s >= floor and (every or d in docs)]
            key = lambda d: (-round(scores[d], 6), 0 if is_open(d) else 1, -posted[d], d)
            ordered = heapq.nsmallest(limit, candidates, key=key)
        elif sort == "cloture":
            # Open offers by nearest deadline (those without one last), then closed ones,
            # the most recently closed first.
            ordered = _first(columns.order("deadline"), docs, limit, is_open)
            if len(ordered) < limit:
                ordered += _first(columns.order("closed"), docs, limit - len(ordered),
                                  lambda d: not is_open(d))
        elif sort == "date":
            ordered = _first(columns.order("posted"), docs, limit)
        else:  # browsing without a query: open first, newest first
            by_posted = columns.order("posted")
            ordered = _first(by_posted, docs, limit, is_open)
            if len(ordered) < limit:
                ordered += _first(by_posted, docs, limit - len(ordered), lambda d: not is_open(d))
        return [(d, scores.get(d, 0.0)) for d in ordered]

    def _hit(self, searcher, docnum: int, score: float, as_of: dt.date,
             title_spans: list[tuple[int, int]] = (), body_spans: list[tuple[int, int]] = ()) -> Hit:
        stored = searcher.stored_fields(docnum)
        offer = Offer.from_dict(json.loads(stored["offer"]))
        text = body_text(offer)
        return Hit(
            reference=offer.reference or stored["id"],
            slug=stored["slug"],
            title=offer.title,
            employer=offer.employer,
            commune=offer.commune,
            province=offer.province,
            location=offer.location,
            respnc=offer.respnc,
            posted=offer.posted.isoformat() if offer.posted else None,
            deadline=offer.deadline.isoformat() if offer.deadline else None,
            status=offer_status(offer.deadline, as_of),
            score=round(float(score), 4),
            snippet=str(snippet(text, body_spans, body_start=body_start(offer, text))),
            title_html=str(mark(offer.title, title_spans)),
        )

    # -- single offers --------------------------------------------------------------------

    def get(self, reference: str) -> Offer | None:
        """The offer with this reference (or slug), or None."""
        docnum = self._docnum(reference)
        if docnum is None:
            return None
        stored = self._snapshot().searcher.stored_fields(docnum)
        return Offer.from_dict(json.loads(stored["offer"]))

    def _docnum(self, reference: str) -> int | None:
        if not reference or len(reference) > 100:
            return None
        searcher = self._snapshot().searcher
        for field, value in (("id", reference), ("slug", reference)):
            docnum = searcher.document_number(**{field: value})
            if docnum is not None:
                return docnum
        keys = reference_keys(reference)
        if keys:
            found = list(searcher.docs_for_query(Q.Term("refs", keys[0])))
            if len(found) == 1:
                return found[0]
        return None

    def highlight(self, reference: str, query: str, prefix: bool = False) -> OfferHighlight | None:
        """An offer's title and sections, escaped, with the words ``query`` matches marked.

        The words are those the search itself matches (stems, synonyms, prefix and typo
        corrections), so the offer page agrees with the results page.
        """
        docnum = self._docnum(reference)
        if docnum is None:
            return None
        snap = self._snapshot()
        offer = Offer.from_dict(json.loads(snap.searcher.stored_fields(docnum)["offer"]))
        clauses, typing_last = parse_user_query(_clean_query(query))
        whoosh_query, _, _ = self._resolve(snap, clauses, prefix and typing_last)
        terms = _highlight_terms(whoosh_query)
        title_spans = match_spans(snap.searcher.reader(), "title", terms.get("title", ()),
                                  [docnum])[docnum]
        analyzer = snap.ix.schema["body"].analyzer
        body_terms = terms.get("body", set())
        sections = [(heading, mark(text, analyzed_spans(text, body_terms, analyzer)))
                    for heading, text in (offer.sections or (("", offer.text),))]
        title = mark(offer.title, title_spans)
        matched = any("<mark" in html for html in (title, *(html for _, html in sections)))
        return OfferHighlight(str(title), [(h, str(html)) for h, html in sections], matched)

    def slug_of(self, reference: str) -> str | None:
        docnum = self._docnum(reference)
        return None if docnum is None else self._snapshot().searcher.stored_fields(docnum)["slug"]

    def more_like(self, reference: str, limit: int = 5,
                  as_of: dt.date | None = None) -> list[Hit]:
        """Offers similar to this one (key terms of its title and body)."""
        docnum = self._docnum(reference)
        if docnum is None:
            return []
        as_of = as_of or today_in_noumea()
        snap = self._snapshot()
        searcher = snap.searcher
        offer = Offer.from_dict(json.loads(searcher.stored_fields(docnum)["offer"]))
        # Whoosh's Searcher.more_like (key terms by the Bo1 model, as boosted terms), with
        # the query evaluated by `indexer.scoring` and the same order: score, then doc number.
        key_terms = searcher.key_terms_from_text("body", body_text(offer), numterms=12,
                                                 normalize=True)
        if not key_terms:
            return []
        query = Q.Or([Q.Term("body", word, boost=weight) for word, weight in key_terms])
        scores = self._term_scores.evaluate(searcher, snap.generation, query,
                                            snap.columns().live_docs)
        others = [(d, s) for d, s in scores.items() if d != docnum]
        if len(others) > limit:
            floor = heapq.nlargest(limit, (s for _, s in others))[-1]
            others = [(d, s) for d, s in others if s >= floor]
        best = sorted(others, key=lambda item: (-item[1], item[0]))[:limit]
        return [self._hit(searcher, d, score, as_of) for d, score in best]


def _first(order: list[int], docs: set[int], limit: int, keep=None) -> list[int]:
    """The first ``limit`` documents of ``order`` that are in ``docs`` (and pass ``keep``)."""
    out: list[int] = []
    if limit <= 0:
        return out
    for d in order:
        if d in docs and (keep is None or keep(d)):
            out.append(d)
            if len(out) == limit:
                break
    return out


def _clean_query(query: str | None) -> str:
    """Lone surrogates (from broken clients) must never reach a template or the JSON."""
    return (query or "").encode("utf-8", "replace").decode("utf-8").strip()


def _clean_filters(filters: dict[str, Iterable[str]] | None) -> dict[str, set[str]]:
    out = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            raise QueryError(f"filtre inconnu : « {name} »")
        if isinstance(values, str):
            values = [values]
        kept = {v for v in values if v}
        if kept:
            out[name] = kept
    return out


def _highlight_terms(whoosh_query) -> dict[str, set[str]]:
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
    are read once for the whole page, only the blocks that hold one of its documents; with a
    ``cache`` (`TermScores.cache_for`), those blocks are found from a cached list and kept
    decoded.
    """
    wanted = sorted(set(docnums))
    found: dict[int, set] = {d: set() for d in wanted}
    fieldtype = reader.schema[field]
    for text in terms:
        btext = fieldtype.to_bytes(text)
        if (field, btext) not in reader:
            continue
        for docnum, value in term_values(reader, field, btext, wanted, cache).items():
            found[docnum].update((s, e) for _, s, e in
                                 fieldtype.format.decode_as("characters", value))
    return {d: _merge(spans) for d, spans in found.items()}


def analyzed_spans(text: str, terms: set[str], analyzer) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``text`` whose analyzed form is one of ``terms``
    (for text that is not indexed as such, like one section of an offer)."""
    if not terms or not text:
        return []
    return _merge({(t.startchar, t.endchar)
                   for t in analyzer(text, chars=True, mode="index") if t.text in terms})


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
    out = Markup()
    last = 0
    for start, end in spans:
        out += escape(text[last:start]) + Markup('<mark class="match">') + escape(text[start:end]) \
            + Markup("</mark>")
        last = end
    return out + escape(text[last:])


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


def body_start(offer: Offer, text: str) -> int:
    """Where the first section's text begins in the offer's full text (0 if not found)."""
    for _, section in offer.sections:
        if section.strip():
            found = text.find(section.strip()[:60])
            return max(found, 0)
    return 0


def open_index(path: str | os.PathLike = "index") -> Index:
    """Open a built index folder (the one `offres build` writes) for searching."""
    return Index(path)
