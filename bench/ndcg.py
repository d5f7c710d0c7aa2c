"""nDCG@10 of offres and of SQLite FTS5 over the same fields, on a judged query set.

    python bench/ndcg.py bench/judged/real-nc-dev.json
    python bench/ndcg.py bench/judged/real-nc-dev.json --weight place_text=3 --per-query

The judged file gives the corpus folder (relative to the repository, or ``--corpus``), and
for each query its kind and the graded relevance of the offers it should find (unlisted: 0).
Both engines index the offers offres keeps (parsed and deduplicated by `build_index`): FTS5
gets every free-text field offres searches, in its own columns with the same weights, the
``unicode61 remove_diacritics 2`` tokenizer, and the query language translated (OU -> OR,
-word -> NOT, titre: -> the title column, quotes kept). Figures, not asserts.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402

from indexer import build_index, open_index  # noqa: E402
from indexer import schema as offres_schema  # noqa: E402
from indexer.schema import FREE_TEXT_WEIGHTS, TITLE_BOOST, stored_offer  # noqa: E402
from indexer.store import live_build  # noqa: E402

K = 10
_COLUMNS = {  # FTS5 column -> the offer's text for it
    "title": lambda o: o.title or "",
    "employer_text": lambda o: o.employer or "",
    "direction_text": lambda o: o.direction or "",
    "place_text": lambda o: " ".join(p for p in (o.location, o.commune, o.province) if p),
    "family_text": lambda o: " ".join(p for p in (o.respnc, o.rome_label) if p),
    "corps_text": lambda o: o.corps or "",
    "body": lambda o: offres_schema.body_text(o),
}
_PREFIXES = {"titre": "title", "title": "title", "employeur": "employer_text",
             "commune": "place_text", "lieu": "place_text", "ville": "place_text"}
_PIECE = re.compile(r'(-)?(?:(\w+):)?"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


def dcg(grades: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def ndcg(found: list[str], relevant: dict[str, int]) -> float:
    """nDCG@10 of a ranked list of references against graded judgements."""
    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(ref, 0) for ref in found]) / ideal if ideal else 0.0


def fts5_query(text: str) -> str | None:
    """offres' query language as an FTS5 expression: 'titre:assistant -nuit a OU b' ->
    '{title}: "assistant" NOT "nuit" AND "a" OR "b"' (FTS5 binds OR tighter than AND)."""
    positives, negatives, pending_or = [], [], False
    for neg, field, phrase, word in _PIECE.findall(text):
        if word in ("OU", "OR"):
            pending_or = bool(positives)
            continue
        if word in ("ET", "AND"):
            continue
        negate = bool(neg)
        if word:
            negate = word.startswith("-") and len(word) > 1
            word = word[1:] if negate else word
            field, _, rest = word.partition(":") if ":" in word else ("", "", word)
            words = _WORD.findall(rest)
        else:
            words = _WORD.findall(phrase)
        if not words:
            continue
        column = _PREFIXES.get(field.lower())
        expr = '"' + " ".join(words) + '"' if phrase or len(words) == 1 else \
            "(" + " AND ".join(f'"{w}"' for w in words) + ")"
        expr = f"{{{column}}}: {expr}" if column else expr
        if negate:
            negatives.append(expr)
        elif pending_or:
            positives[-1] = f"{positives[-1]} OR {expr}"
        else:
            positives.append(expr)
        pending_or = False
    if not positives:
        return None
    out = " AND ".join(f"({p})" for p in positives)
    return out + "".join(f" NOT {n}" for n in negatives)


class Fts5Peer:
    """SQLite FTS5 with one column per free-text field of offres, offres' weights."""

    def __init__(self, offers, folder: Path) -> None:
        self.db = sqlite3.connect(folder / "fts5.db")
        names = ", ".join(_COLUMNS)
        self.db.execute(f"CREATE VIRTUAL TABLE offers USING fts5({names}, ref UNINDEXED, "
                        "tokenize = 'unicode61 remove_diacritics 2')")
        with self.db:
            for ref, offer in offers:
                self.db.execute(f"INSERT INTO offers VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
                                [get(offer) for get in _COLUMNS.values()] + [ref])
        # offres' title weight is its index-time boost times its query-time weight.
        weights = dict(FREE_TEXT_WEIGHTS, title=FREE_TEXT_WEIGHTS["title"] * TITLE_BOOST)
        self.weights = ", ".join(str(weights[name]) for name in _COLUMNS)

    def search(self, query: str) -> list[str]:
        match = fts5_query(query)
        if match is None:
            return []
        rows = self.db.execute(f"SELECT ref FROM offers WHERE offers MATCH ? ORDER BY "
                               f"bm25(offers, {self.weights}) LIMIT {K}", (match,)).fetchall()
        return [r[0] for r in rows]


def stored_offers(index_dir: Path):
    """(reference shown in results, Offer) of every offer the offres index keeps."""
    ix = whoosh_index.open_dir(str(live_build(index_dir)))
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            offer = stored_offer(stored)
            yield offer.reference or stored["id"], offer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("judged", type=Path)
    parser.add_argument("--corpus", type=Path, help="the corpus folder (default: the file's)")
    parser.add_argument("--weight", action="append", default=[], metavar="FIELD=W",
                        help="try another BM25F weight for a free-text field")
    parser.add_argument("--per-query", action="store_true")
    args = parser.parse_args(argv)
    judged = json.loads(args.judged.read_text(encoding="utf-8"))
    corpus = args.corpus or (ROOT / judged["corpus"]).resolve()
    for item in args.weight:
        name, _, value = item.partition("=")
        if name not in FREE_TEXT_WEIGHTS:
            parser.error(f"unknown field {name!r}: {', '.join(FREE_TEXT_WEIGHTS)}")
        FREE_TEXT_WEIGHTS[name] = float(value)  # read by the query builder
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_index(corpus, folder / "index")
        peer = Fts5Peer(stored_offers(folder / "index"), folder)
        by_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
        with open_index(folder / "index") as index:
            for item in judged["queries"]:
                ours = [h.reference for h in index.search(item["q"], per_page=K).hits]
                theirs = peer.search(item["q"])
                scores = (ndcg(ours, item["relevant"]), ndcg(theirs, item["relevant"]))
                by_kind[item["kind"]].append(scores)
                if args.per_query:
                    print(f"{item['kind']:<10} {scores[0]:.3f} {scores[1]:.3f}  {item['q']}")
    print(f"{'kind':<10} {'queries':>7} {'offres':>7} {'FTS5':>7}")
    everything = [s for scores in by_kind.values() for s in scores]
    for kind, scores in [*by_kind.items(), ("all", everything)]:
        ours = sum(s[0] for s in scores) / len(scores)
        theirs = sum(s[1] for s in scores) / len(scores)
        print(f"{kind:<10} {len(scores):>7} {ours:>7.3f} {theirs:>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
