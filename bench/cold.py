"""Cold searches: distinct queries drawn from the offers' own words, each run once per engine.

A job seeker's query is usually new to the serving process, so the figure that matters is a
query's first run, not a query repeated in rounds (which measures the caches). Here:

- `draw_queries` draws distinct queries (one word, two words of one offer, a quoted pair of
  neighbouring words) from the parsed offers, weighted by how often each word occurs;
- each engine runs in its own fresh process (`EngineProcess`), which opens its index (offres:
  `open_index` then `Index.warm`, what `offres serve` does before it listens) and answers one
  query per line; the plain-Whoosh and FTS5 processes import nothing of offres (checked, and
  reported: ``ours`` lists any module of ours found in ``sys.modules``);
- `measure` sends every query once to every engine, in an engine order drawn per query, then
  once more (the same queries warm); each search is timed inside its engine's process.

    python bench/cold.py _serve ENGINE INDEX PARAMS_JSON    # the engine side (stdin/stdout)
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OURS = ("indexer", "searchweb")
_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def _our_modules() -> list[str]:
    return sorted(name for name in sys.modules if name.split(".")[0] in OURS)


# -- the queries ------------------------------------------------------------------------------

def draw_queries(records: Path, count: int, seed: int = 0, stop_words=frozenset()) -> list[str]:
    """``count`` distinct queries from the offers in ``records`` (one ``Offer.to_dict()`` JSON
    per line): 50 % one word, 40 % two words of one offer, 10 % a quoted pair of neighbours.

    Words are picked as they occur (a frequent word is drawn more often, as users type them),
    lower-cased, at least 4 letters, not in ``stop_words`` (folded forms compared lower-case).
    """
    offers: list[list[str]] = []
    with open(records, encoding="utf-8") as lines:
        for line in lines:
            offer = json.loads(line)
            text = " ".join([offer.get("title") or "", offer.get("text") or "",
                             offer.get("employer") or "", offer.get("commune") or ""])
            words = [w.lower() for w in _WORD.findall(text)]
            words = [w for w in words if w not in stop_words]
            if len(words) >= 2:
                offers.append(words)
    if not offers:
        raise ValueError(f"no words to draw queries from in {records}")
    rng = random.Random(seed)
    queries: dict[str, None] = {}
    attempts = 0
    while len(queries) < count:
        attempts += 1
        if attempts > count * 200:
            raise ValueError(f"only {len(queries)} distinct queries in {records}")
        words = rng.choice(offers)
        kind = rng.random()
        if kind < 0.5:
            query = rng.choice(words)
        elif kind < 0.9:
            first, second = rng.sample(range(len(words)), 2)
            if words[first] == words[second]:
                continue
            query = f"{words[first]} {words[second]}"
        else:
            i = rng.randrange(len(words) - 1)
            if words[i] == words[i + 1]:
                continue
            query = f'"{words[i]} {words[i + 1]}"'
        queries.setdefault(query)
    return list(queries)


# -- the engine side --------------------------------------------------------------------------

def _open_engine(engine: str, index: str, params: dict):
    """``(search(query) -> total found, close)`` for ``engine``, its index opened (and, for
    offres, warmed)."""
    if engine == "offres":
        import datetime as dt

        from indexer import open_index

        ix = open_index(index)
        ix.warm()
        as_of = dt.date.fromisoformat(params["as_of"])
        return (lambda q: ix.search(q, as_of=as_of).total), ix.close
    import peers

    peer = peers.PEERS[engine](index, title_boost=params["title_boost"])
    return (lambda q: peer.search(q)["total"]), peer.close


def serve(engine: str, index: str, params: dict) -> None:
    """Answer one JSON query per stdin line with ``{"ms", "total"}``; the first line written
    says how long opening took and which modules of ours were imported."""
    out = sys.stdout
    started = time.perf_counter()
    search, close = _open_engine(engine, index, params)
    out.write(json.dumps({"open_ms": (time.perf_counter() - started) * 1000,
                          "ours": _our_modules()}) + "\n")
    out.flush()
    for line in sys.stdin:
        query = json.loads(line)
        t = time.perf_counter()
        total = search(query)
        ms = (time.perf_counter() - t) * 1000
        out.write(json.dumps({"ms": ms, "total": total}) + "\n")
        out.flush()
    close()
    out.write(json.dumps({"ours": _our_modules()}) + "\n")
    out.flush()


class EngineProcess:
    """One engine in a fresh interpreter, asked one query at a time."""

    def __init__(self, engine: str, index: str, params: dict) -> None:
        self.engine = engine
        cmd = [sys.executable, str(Path(__file__).resolve()), "_serve", engine, index,
               json.dumps(params)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=BENCH.parent)
        self.opened = self._answer()

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"engine {self.engine} stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def ask(self, query: str) -> dict:
        self.proc.stdin.write(json.dumps(query, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return self._answer()

    def close(self) -> dict:
        self.proc.stdin.close()
        last = self._answer()
        self.proc.wait()
        return last


def measure(indexes: dict[str, str], queries: list[str], params: dict,
            warm_engines: tuple[str, ...] = ("offres", "fts5"), seed: int = 0) -> dict:
    """Each query once on every engine (fresh processes, engine order drawn per query), then
    once more on ``warm_engines`` (the same queries, caches warm).

    Returns, per engine: ``cold`` and ``warm`` lists of ms (query order), ``totals``,
    ``open_ms`` (open + warm-up) and ``ours`` (modules of ours seen in its process).
    """
    engines = {name: EngineProcess(name, path, params) for name, path in indexes.items()}
    rng = random.Random(seed)
    found = {name: {"cold": [], "warm": [], "totals": [], "open_ms": e.opened["open_ms"],
                    "ours": list(e.opened["ours"])}
             for name, e in engines.items()}
    try:
        for pass_name in ("cold", "warm"):
            names = [n for n in engines if pass_name == "cold" or n in warm_engines]
            for query in queries:
                rng.shuffle(names)
                for name in names:
                    answer = engines[name].ask(query)
                    found[name][pass_name].append(answer["ms"])
                    if pass_name == "cold":
                        found[name]["totals"].append(answer["total"])
    finally:
        for name, engine in engines.items():
            last = engine.close()
            found[name]["ours"] = sorted(set(found[name]["ours"]) | set(last["ours"]))
    return found


if __name__ == "__main__":
    if sys.argv[1:2] == ["_serve"]:
        serve(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    else:
        sys.exit(__doc__)
