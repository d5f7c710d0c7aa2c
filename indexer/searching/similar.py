"""Similar offers: Whoosh's key terms of an offer's body, evaluated like any query."""

from __future__ import annotations

import datetime as dt

from whoosh import query as Q

from indexer.results import Hit
from indexer.schema import body_text, stored_offer
from indexer.searching.highlight import HIGHLIGHT_CHARS
from indexer.searching.hits import make_hit
from indexer.searching.ranking import top_candidates
from indexer.searching.scoring import TermScores
from indexer.searching.snapshots import Snapshot


def more_like(snap: Snapshot, term_scores: TermScores, docnum: int, limit: int,
              as_of: dt.date) -> list[Hit]:
    """The ``limit`` offers closest to offer ``docnum``, best first.

    Whoosh's Searcher.more_like (key terms by the Bo1 model, as boosted terms), with the
    query evaluated by `indexer.searching.scoring` and the same order: score, then doc number.
    """
    searcher = snap.searcher
    offer = stored_offer(searcher.stored_fields(docnum))
    # The key terms of the beginning, which names the job: analysis is the cost of this
    # call, and it must not grow with an offer of megabytes.
    key_terms = searcher.key_terms_from_text("body", body_text(offer)[:HIGHLIGHT_CHARS],
                                             numterms=12, normalize=True)
    if not key_terms:
        return []
    query = Q.Or([Q.Term("body", word, boost=weight) for word, weight in key_terms])
    scores = term_scores.evaluate(searcher, snap.generation, query, snap.columns().live_array())
    others = scores.take(scores.docs != docnum)
    docs, values = top_candidates(others.docs, others.scores, limit)
    best = sorted(zip(docs, values), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [make_hit(searcher, d, s, as_of) for d, s in best]
