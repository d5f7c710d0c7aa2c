"""The two engines offres is compared with, doing the same "full search" on the same offers.

* ``Fts5``: SQLite FTS5 (stdlib ``sqlite3``), ``unicode61 remove_diacritics 2`` tokenizer, no
  stemming. A full search is MATCH + top 10 by bm25 (title weighted like offres' title boost)
  + facet counts by GROUP BY on employer and commune over the same matching set + snippet()
  for the 10 hits.
* ``PlainWhoosh``: Whoosh with its defaults (``TEXT`` = StandardAnalyzer, no stemming, no
  folding; ``ID`` facet fields), ``searcher.search(q, limit=10, groupedby=[...])`` and
  ``hit.highlights("body")``: what a plain Whoosh application does.

Both build from parsed offers (``Offer.to_dict()`` records), so they index the same text and
facet values as offres; parsing is timed once, separately, by the harness. Nothing of offres
is imported here (the harness passes the title boost): the peers' processes run Whoosh and
SQLite as they come, without any of offres' code or patches.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Iterable

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser
from whoosh.query import Every

PEER_FACETS = ("employer", "commune")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def _row(offer: dict) -> dict[str, str]:
    """The columns both peers index, from an ``Offer.to_dict()`` record."""
    body = offer["text"] or "\n\n".join(text for _, text in offer["sections"])
    return {
        "ref": offer["reference"] or offer["source"],
        "title": offer["title"] or "",
        "body": body,
        "employer": offer["employer"] or "",
        "commune": offer["commune"] or "",
        "province": offer["province"] or "",
        "place": " ".join(p for p in (offer["location"], offer["commune"], offer["province"]) if p),
    }


def fts5_match(query: str) -> str | None:
    """User text -> an FTS5 MATCH expression (every word required, quotes kept as phrases).

    'travailleur "service social"' -> '"travailleur" AND "service social"'; '' -> None.
    """
    parts = []
    for phrase in _PHRASE.findall(query):
        words = _TOKEN.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    for word in _TOKEN.findall(_PHRASE.sub(" ", query)):
        parts.append(f'"{word}"')
    return " AND ".join(parts) or None


class Fts5:
    """SQLite FTS5 peer; one connection, opened read-only."""

    name = "FTS5"

    @staticmethod
    def build(records: Iterable[dict], index_dir: str | os.PathLike, title_boost: float) -> int:
        folder = Path(index_dir)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        db = sqlite3.connect(folder / "offers.db")
        db.execute(
            "CREATE VIRTUAL TABLE offers USING fts5("
            "title, body, employer_text, place_text, "
            "ref UNINDEXED, employer UNINDEXED, commune UNINDEXED, province UNINDEXED, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        count = 0
        with db:
            for record in records:
                row = _row(record)
                db.execute(
                    "INSERT INTO offers (title, body, employer_text, place_text, ref, employer, commune,"
                    " province) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (row["title"], row["body"], row["employer"], row["place"], row["ref"],
                     row["employer"], row["commune"], row["province"]),
                )
                count += 1
        db.execute("INSERT INTO offers(offers) VALUES ('optimize')")
        db.commit()
        db.close()
        return count

    def __init__(self, index_dir: str | os.PathLike, title_boost: float) -> None:
        self.title_boost = title_boost
        path = Path(index_dir) / "offers.db"
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.db.close()

    def search(self, query: str) -> dict:
        match = fts5_match(query)
        if match is None:
            where, params = "", ()
            order = "rowid DESC"
        else:
            where, params = "WHERE offers MATCH ?", (match,)
            order = f"bm25(offers, {float(self.title_boost)}, 1.0, 1.0, 1.0)"
        hits = self.db.execute(
            f"SELECT ref, title, snippet(offers, 1, '<mark>', '</mark>', '…', 32) FROM offers "
            f"{where} ORDER BY {order} LIMIT 10", params,
        ).fetchall()
        facets = {
            name: self.db.execute(
                f"SELECT {name}, count(*) FROM offers {where} GROUP BY {name} ORDER BY 2 DESC", params
            ).fetchall()
            for name in PEER_FACETS
        }
        total = sum(count for _, count in facets["employer"])
        return {"total": total, "refs": [h[0] for h in hits], "snippets": [h[2] for h in hits],
                "facets": facets}


class PlainWhoosh:
    """Whoosh with default analyzers and groupedby facets, as a first version would use it."""

    name = "whoosh"

    @staticmethod
    def schema(title_boost: float) -> fields.Schema:
        return fields.Schema(
            ref=fields.ID(stored=True, unique=True),
            title=fields.TEXT(stored=True, field_boost=title_boost),
            body=fields.TEXT(stored=True),
            employer=fields.ID(stored=True),
            commune=fields.ID(stored=True),
            province=fields.ID(stored=True),
        )

    @classmethod
    def build(cls, records: Iterable[dict], index_dir: str | os.PathLike,
              title_boost: float) -> int:
        folder = Path(index_dir)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder), cls.schema(title_boost))
        writer = ix.writer()
        count = 0
        for record in records:
            row = _row(record)
            row.pop("place")
            writer.add_document(**row)
            count += 1
        writer.commit()
        return count

    def __init__(self, index_dir: str | os.PathLike, title_boost: float = 1.0) -> None:
        # The boost is in the index's schema; the parameter keeps both peers' signatures alike.
        self.ix = whoosh_index.open_dir(str(index_dir), readonly=True)
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def close(self) -> None:
        self.searcher.close()

    def search(self, query: str) -> dict:
        q = self.parser.parse(query) if query.strip() else Every()
        results = self.searcher.search(q, limit=10, groupedby=list(PEER_FACETS))
        facets = {name: sorted(((k, len(v)) for k, v in results.groups(name).items()),
                               key=lambda kv: -kv[1])
                  for name in PEER_FACETS}
        return {
            "total": len(results),
            "refs": [hit["ref"] for hit in results],
            "snippets": [hit.highlights("body") for hit in results],
            "facets": facets,
        }


PEERS = {"fts5": Fts5, "whoosh": PlainWhoosh}
