"""The read side's facade: `open_index(path) -> Index`, whose calls return plain values
(`SearchPage`, `Offer`, `Hit`); no Whoosh object leaves it."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Iterable

from whoosh import query as Q

from indexer.analysis.lexicon import french_words_by_length
from indexer.clock import today_in_noumea
from indexer.errors import IndexNotFoundError, QueryError
from indexer.hygiene import clean_field
from indexer.offer import Offer
from indexer.results import Hit, OfferHighlight, SearchPage
from indexer.schema import reference_keys, stored_offer
from indexer.searching import similar
from indexer.searching.bitsets import array_mask, mask_array
from indexer.searching.facets import FACETS, KINDS, facet_counts, filter_mask
from indexer.searching.highlight import highlight_offer, highlight_terms, match_spans
from indexer.searching.hits import page_hits
from indexer.searching.query import TEXT_FIELDS, parse_user_query
from indexer.searching.ranking import SORTS, order
from indexer.searching.resolve import Resolver
from indexer.searching.scoring import TermScores
from indexer.searching.snapshots import Snapshot, Snapshots
from indexer.searching.suggest import Completion, completions
from indexer.store import live_build

MAX_PER_PAGE = 50
MAX_WINDOW = 1000  # page × per_page
MAX_QUERY_NOTICE = 200


class Index:
    """A built index opened read-only; safe to share between threads."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if live_build(self.path) is None:
            raise IndexNotFoundError(
                f"aucun index dans {self.path} : lancez d'abord « offres build »"
            )
        self._snapshots = Snapshots(self.path)
        self._term_scores = TermScores()
        self._resolver = Resolver(self._term_scores)

    def close(self) -> None:
        self._snapshots.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def warm(self) -> None:
        """Read what every search needs (facet columns and their coded forms, field
        lengths, vocabulary, synonym table) now rather than during the first user's search;
        `offres serve` calls it at start."""
        snap = self._snapshots.current()
        columns = snap.columns()
        as_of = today_in_noumea()
        for kind in KINDS.values():
            columns.coded(kind, as_of)
        # Every facet's labels sorted once: fold() memoises them and unidecode loads its
        # tables now (50 ms at the first search otherwise).
        facet_counts(columns.live_mask(), {}, {}, columns, as_of)
        for name in ("posted", "deadline", "closed"):
            columns.order_array(name)
        self._term_scores.warm(snap.searcher, snap.generation, TEXT_FIELDS)
        self._resolver.vocabulary(snap)
        self._resolver.builder(snap)
        # The French word list, read once (about 0.5 s): sorted for completions, by length
        # for the first typo's correction.
        french_words_by_length()

    def build_id(self) -> str:
        """Which build serves: its folder's name and Whoosh generation ('<build>.<gen>')."""
        snap = self._snapshots.current()
        return f"{snap.build.name}.{snap.generation[1]}"

    def doc_count(self) -> int:
        return self._snapshots.current().searcher.doc_count()

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
        if len(query) > MAX_QUERY_NOTICE:
            notices.append(f"requête tronquée à {MAX_QUERY_NOTICE} caractères")

        snap = self._snapshots.current()
        columns = snap.columns()
        clauses, typing_last = parse_user_query(query)
        whoosh_query, scores, fallback = self._resolver.resolve(snap, clauses,
                                                                prefix and typing_last)
        # « Vouliez-vous dire » only when the query as typed found nothing.
        suggestion = (self._resolver.suggest(clauses, snap, found=bool(scores))
                      if fallback is not None or not scores else None)
        base_mask = (columns.live_mask() if len(scores) == len(columns.live_docs)
                     else array_mask(scores.docs, columns.size))
        filter_masks = {name: filter_mask(name, values, columns, as_of)
                        for name, values in selected.items()}
        final = scores.docs
        if filter_masks:
            final_mask = base_mask
            for mask in filter_masks.values():
                final_mask &= mask
            final = mask_array(final_mask, columns.size)
        facets = facet_counts(base_mask, filter_masks, selected, columns, as_of)
        ordered = order(scores, final, sort, columns, as_of, limit=page * per_page,
                        by_score=whoosh_query is not None)
        window = ordered[(page - 1) * per_page: page * per_page]
        hits = page_hits(snap.searcher, window, whoosh_query, as_of,
                         self._term_scores.cache_for(snap.generation))
        return SearchPage(
            query=query, total=len(final), page=page, per_page=per_page, hits=hits,
            facets=facets, suggestion=suggestion, fallback=fallback, sort=sort,
            filters={k: sorted(v) for k, v in selected.items()},
            elapsed_ms=(time.perf_counter() - started) * 1000, notices=notices,
        )

    def complete(self, text: str, as_of: dt.date | None = None, limit: int = 5) -> list[Completion]:
        """Completions of the word being typed, through the analyzer ("educ" -> éducateur,
        éducatrice…), ranked by the open offers they find with the words before."""
        return completions(self._resolver, self._snapshots.current(), _clean_query(text),
                           as_of or today_in_noumea(), limit)

    # -- single offers: each call reads through one snapshot ---------------------------------

    def get(self, reference: str) -> Offer | None:
        """The offer with this reference (or slug), or None."""
        snap = self._snapshots.current()
        docnum = _docnum(snap, reference)
        return None if docnum is None else stored_offer(snap.searcher.stored_fields(docnum))

    def slug_of(self, reference: str) -> str | None:
        snap = self._snapshots.current()
        docnum = _docnum(snap, reference)
        return None if docnum is None else snap.searcher.stored_fields(docnum)["slug"]

    def highlight(self, reference: str, query: str, prefix: bool = False) -> OfferHighlight | None:
        """An offer's title and sections, escaped, with the words ``query`` matches marked.

        The words are those the search itself matches (stems, synonyms, prefix and typo
        corrections), so the offer page agrees with the results page.
        """
        snap = self._snapshots.current()
        docnum = _docnum(snap, reference)
        if docnum is None:
            return None
        offer = stored_offer(snap.searcher.stored_fields(docnum))
        clauses, typing_last = parse_user_query(_clean_query(query))
        whoosh_query, _, _ = self._resolver.resolve(snap, clauses, prefix and typing_last)
        terms = highlight_terms(whoosh_query)
        title_spans = match_spans(snap.searcher.reader(), "title", terms.get("title", ()),
                                  [docnum])[docnum]
        title, sections, matched = highlight_offer(offer, terms, title_spans,
                                                   snap.schema["body"].analyzer)
        return OfferHighlight(title, sections, matched)

    def more_like(self, reference: str, limit: int = 5,
                  as_of: dt.date | None = None) -> list[Hit]:
        """Offers similar to this one (key terms of its title and body)."""
        snap = self._snapshots.current()
        docnum = _docnum(snap, reference)
        if docnum is None:
            return []
        return similar.more_like(snap, self._term_scores, docnum, limit,
                                 as_of or today_in_noumea())


def _docnum(snap: Snapshot, reference: str) -> int | None:
    """The document of a reference, a slug or a short form of a reference, in ``snap``."""
    if not reference or len(reference) > 100:
        return None
    searcher = snap.searcher
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


def _clean_query(query: str | None) -> str:
    """Lone surrogates (from broken clients) must never reach a template or the JSON; NFC and
    no invisible or bidi characters, as in the offers (`indexer.hygiene`)."""
    return clean_field((query or "").encode("utf-8", "replace").decode("utf-8")).strip()


def _clean_filters(filters: dict[str, Iterable[str]] | None) -> dict[str, set[str]]:
    out = {}
    for name, values in (filters or {}).items():
        if name not in FACETS:
            raise QueryError(f"filtre inconnu : « {name} »")
        if isinstance(values, str):
            values = [values]
        kept = {clean_field(v) for v in values if v}  # the stored values are clean
        if kept:
            out[name] = kept
    return out


def open_index(path: str | os.PathLike = "index") -> Index:
    """Open a built index folder (the one `offres build` writes) for searching."""
    return Index(path)
