"""Results as the API returns them: stored offers turned into `Hit` values, with the title
and snippet marked where the query matched."""

from __future__ import annotations

import datetime as dt

from indexer.clock import offer_status
from indexer.results import Hit
from indexer.schema import body_text, stored_offer
from indexer.searching.highlight import (LabelTokens, body_start, highlight_terms, mark,
                                         match_spans, snippet)

Spans = list[tuple[int, int]]

# The offer's labels that free text searches, and the index field that searches each one.
LABEL_FIELDS = {"employer": "employer_text", "direction": "direction_text",
                "location": "place_text", "commune": "place_text", "province": "place_text",
                "respnc": "family_text", "rome_label": "family_text", "corps": "corps_text"}


# Labels repeat from offer to offer: each is analyzed once (per index generation).
_LABELS = LabelTokens()


def labels_html(offer, terms: dict[str, set[str]], analyzer) -> dict[str, str]:
    """Each label the query matched, escaped, its matched words marked: {"commune":
    '<mark class="match">Koné</mark>'}. Labels are short: they are analyzed here, with the
    schema's analyzer, as the offer page does with its sections (once per label text)."""
    out = {}
    for name, field in LABEL_FIELDS.items():
        value = getattr(offer, name)
        wanted = terms.get(field)
        if value and wanted:
            spans = _LABELS.spans(value, wanted, analyzer)
            if spans:
                out[name] = str(mark(value, spans))
    return out


class _Shown(tuple):
    """(stored fields, offer, indexed text, where its body starts) of a document, weighed
    in `TermScores`' budget (units of about 150 bytes) by the text it holds three times
    over (stored JSON, offer, body)."""

    __slots__ = ()

    def __len__(self) -> int:
        return 1 + len(self[2]) // 50


def _read_offer(searcher, docnum: int) -> _Shown:
    stored = searcher.stored_fields(docnum)
    offer = stored_offer(stored)
    text = body_text(offer)
    return _Shown((stored, offer, text, body_start(offer, text)))


def make_hit(searcher, docnum: int, score: float, as_of: dt.date,
             title_spans: Spans = (), body_spans: Spans = (),
             terms: dict[str, set[str]] | None = None, cache=None) -> Hit:
    """One result; with a ``cache`` (`TermScores.cache_for`), a document's stored offer is
    read and parsed once for every page that shows it."""
    if cache is None:
        stored, offer, text, start = _read_offer(searcher, docnum)
    else:
        stored, offer, text, start = cache(("offer", docnum),
                                           lambda: _read_offer(searcher, docnum))
    # The title, shown and marked above the snippet, opens the text too: a match there is
    # not a reason to show it twice, so a title-only match gets the offer's body.
    title_end = len(offer.title) if offer.title and text.startswith(offer.title) else 0
    body_spans = [span for span in body_spans if span[0] >= title_end]
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
        snippet=str(snippet(text, body_spans, body_start=start)),
        title_html=str(mark(offer.title, title_spans)),
        fields_html=labels_html(offer, terms or {}, searcher.schema["body"].analyzer),
    )


def page_hits(searcher, window: list[tuple[int, float]], whoosh_query, as_of: dt.date,
              cache=None) -> list[Hit]:
    """The hits of one page of results, each term's postings read once for the whole page."""
    terms = highlight_terms(whoosh_query)
    docnums = [docnum for docnum, _ in window]
    reader = searcher.reader()
    spans = {field: match_spans(reader, field, terms.get(field, ()), docnums, cache)
             for field in ("title", "body")}
    return [make_hit(searcher, docnum, score, as_of, spans["title"][docnum],
                     spans["body"][docnum], terms, cache) for docnum, score in window]
