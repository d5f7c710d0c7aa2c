"""Benchmark harness: offres against SQLite FTS5 and plain Whoosh, per corpus size.

    python bench/run.py --sizes 1000,10000 --update BENCHMARKS.md [--queries N]

For each size: generate (or reuse) the corpus under bench/out/, build it with offres and with
both peers (each build in its own child process, whose peak RSS comes from wait4), measure
index size, first query after opening, a fixed query set in interleaved rounds (warm), distinct
queries drawn from the offers each run once in fresh engine processes (cold, `bench/cold.py`),
the Flask search page, and an incremental update of 10 changed offers. The Markdown section between
``<!-- bench:start -->`` and ``<!-- bench:end -->`` of the ``--update`` file is rewritten;
the rest of the file is left as written by hand. A PNG plot is drawn when matplotlib is
installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
AS_OF = dt.date(2025, 9, 1)  # a fixed "today": statuses do not depend on the calendar
ENGINES = ("offres", "fts5", "whoosh")

sys.path.insert(0, str(BENCH))

# The fixed query set: (label, query). Labels say what each one exercises.
QUERIES: tuple[tuple[str, str], ...] = (
    ("word", "comptable"),
    ("accented word", "éducateur"),
    ("unaccented word", "educateur"),
    ("feminine", "éducatrice"),
    ("accented feminine", "infirmière"),
    ("two words", "travailleur social"),
    ("two words", "santé publique"),
    ("two words", "développement rural"),
    ("acronym", "CAFAT"),
    ("acronym", "DPASS"),
    ("commune", "Koné"),
    ("commune", "Houaïlou"),
    ("typo", "travailleur socail"),
    ("phrase", '"protection de l\'enfance"'),
    ("empty + facets", ""),
)

# Targets from issues 6 and 14, shown next to the figures (never asserted).
TARGETS = {
    "build_rate": 1000.0,     # offers/s
    "build_rss_mb": 600.0,
    "incremental_s": 2.0,     # 10 offers in a 100k index
    "cold_p95_10k_ms": 20.0,
    "cold_p95_100k_ms": 60.0,
    "cold_p95_vs_fts5": 0.5,
    "page_p90_10k_ms": 50.0,
    "first_query_after_warm_ms": 100.0,  # at 100k, warm-up <= 2 s
}


# -- small helpers ------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: percentile([1, 2, 3, 4], 50) == 2."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def vm_rss_mb() -> float:
    """Current resident set of this process (not the peak), from /proc."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _tree_pss_kb(root: int) -> int:
    """Proportional memory (PSS, kB) of a process and all its descendants, from /proc.

    PSS rather than RSS: forked workers share their parent's pages, which RSS would count
    once per process.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
        except OSError:
            pass
    return total


def run_child(kind: str, **params) -> dict:
    """Run ``run.py _child kind`` in a fresh interpreter; its JSON result plus its peak RSS.

    Two peaks: ``peak_rss_mb`` is the kernel's (wait4 ru_maxrss: the largest single process
    of the tree), ``tree_pss_mb`` the sum of PSS over the child and its workers, sampled every
    0.5 s (a parallel build holds several processes at once).
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", kind, json.dumps(params)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.wait(0.5):
            peak_tree = max(peak_tree, _tree_pss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out = proc.stdout.read()
    stop.set()
    sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child {kind} failed ({proc.returncode}): {out[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    result["tree_pss_mb"] = peak_tree / 1024
    result["wall_s"] = time.perf_counter() - started
    return result


# -- the children -------------------------------------------------------------------------

def _records(path: str):
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def child_parse(corpus: str, out: str) -> dict:
    """Parse every offer once (the peers index these records)."""
    from indexer import parse_offer
    from indexer.building.corpus import iter_corpus

    started = time.perf_counter()
    count = 0
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as sink:
        for path in iter_corpus(corpus):
            if isinstance(path, Path):
                sink.write(json.dumps(parse_offer(path).to_dict(), ensure_ascii=False) + "\n")
                count += 1
    os.replace(tmp, out)
    return {"seconds": time.perf_counter() - started, "parsed": count}


def child_build(engine: str, corpus: str, index: str, records: str = "",
                incremental: bool = False) -> dict:
    started = time.perf_counter()
    if engine == "offres":
        from indexer import build_index

        report = build_index(corpus, index, incremental=incremental)
        return {"seconds": report.seconds, "indexed": report.indexed,
                "skipped": len(report.skipped), "updated": report.updated,
                "added": report.added, "unchanged": report.unchanged}
    from peers import PEERS

    count = PEERS[engine].build(_records(records), index, title_boost=_title_boost())
    return {"seconds": time.perf_counter() - started, "indexed": count}


def child_first_query(index: str, query: str, warm: bool = False) -> dict:
    """Time from a fresh interpreter: import, open, (``warm``: `Index.warm`, what `offres
    serve` does before it listens), first full search, second full search."""
    t0 = time.perf_counter()
    from indexer import open_index

    t1 = time.perf_counter()
    with open_index(index) as ix:
        t2 = time.perf_counter()
        if warm:
            ix.warm()
        tw = time.perf_counter()
        ix.search(query, as_of=AS_OF)
        t3 = time.perf_counter()
        ix.search(query, as_of=AS_OF)
        t4 = time.perf_counter()
    return {"import_ms": (t1 - t0) * 1000, "open_ms": (t2 - t1) * 1000,
            "warm_ms": (tw - t2) * 1000, "first_ms": (t3 - tw) * 1000,
            "second_ms": (t4 - t3) * 1000}


def _title_boost() -> float:
    from indexer.schema import TITLE_BOOST

    return TITLE_BOOST


def _engines(indexes: dict[str, str]):
    from indexer import open_index
    from peers import PEERS

    offres = open_index(indexes["offres"])
    engines = {"offres": lambda q: offres.search(q, as_of=AS_OF)}
    opened = [offres]
    for name, cls in PEERS.items():
        if name not in indexes:
            continue
        peer = cls(indexes[name], title_boost=_title_boost())
        opened.append(peer)
        engines[name] = peer.search
    return engines, opened


def child_queries(indexes: dict[str, str], seconds: float, executions: int = 0) -> dict:
    """Interleaved rounds: every query on every engine, engine order rotating each round.

    One warm-up round first. Then as many rounds as fit in ``seconds`` (or enough rounds
    for ``executions`` timed searches per engine).
    """
    engines, opened = _engines(indexes)
    cold: dict[str, list[float]] = {name: [] for name in engines}
    for _, query in QUERIES:  # warm-up, timed apart: each query's first run (caches empty)
        for name, search in engines.items():
            t = time.perf_counter()
            search(query)
            cold[name].append((time.perf_counter() - t) * 1000)
    times: dict[str, list[tuple[int, float]]] = {name: [] for name in engines}
    rng = random.Random(0)
    order = list(engines)
    started = time.perf_counter()
    rounds = 0
    wanted = math.ceil(executions / len(QUERIES)) if executions else None
    while True:
        for qi, (_, query) in enumerate(QUERIES):
            rng.shuffle(order)
            for name in order:
                t = time.perf_counter()
                engines[name](query)
                times[name].append((qi, (time.perf_counter() - t) * 1000))
        rounds += 1
        elapsed = time.perf_counter() - started
        if wanted is not None:
            if rounds >= wanted:
                break
        elif rounds >= 3 and elapsed >= seconds or rounds >= 400:
            break
    totals = {}
    offres_search = engines["offres"]
    for qi, (_, query) in enumerate(QUERIES):
        page = offres_search(query)
        totals[query] = {"offres": page.total, "fallback": page.fallback}
        for name in engines:
            if name != "offres":
                totals[query][name] = engines[name](query)["total"]
    rss = vm_rss_mb()
    for engine in opened:
        engine.close()
    return {"rounds": rounds, "times": times, "cold": cold, "totals": totals, "rss_mb": rss}


def child_page(index: str, rounds: int) -> dict:
    """Server time of the search page through Flask's test client (no network)."""
    try:
        from searchweb import create_app
    except ImportError as exc:
        return {"skipped": f"searchweb: {exc}"}
    app = create_app({"INDEX_DIR": index, "AS_OF": AS_OF.isoformat(), "RATELIMIT_PER_MINUTE": 0,
                      "RATELIMIT_SUGGEST_PER_MINUTE": 0, "TESTING": True})
    client = app.test_client()
    for _, query in QUERIES:
        client.get("/", query_string={"q": query})
    times = []
    for _ in range(rounds):
        for _, query in QUERIES:
            t = time.perf_counter()
            response = client.get("/", query_string={"q": query})
            times.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                return {"skipped": f"GET /?q={query} -> {response.status_code}"}
    return {"times": times, "rss_mb": vm_rss_mb()}


def child_draw(records: str, count: int, seed: int) -> dict:
    """The cold queries, drawn in a child: the words of every offer would otherwise stay in
    the harness's memory, and a child forked later starts with that peak (`ru_maxrss`)."""
    from cold import draw_queries

    from indexer.analysis import STOP_WORDS

    return {"queries": draw_queries(Path(records), count, seed=seed, stop_words=STOP_WORDS)}


CHILDREN = {"parse": child_parse, "build": child_build, "first_query": child_first_query,
            "queries": child_queries, "page": child_page, "draw": child_draw}


# -- one size ---------------------------------------------------------------------------------

def corpus_for(n: int, seed: int) -> Path:
    """The generated corpus, reused when already complete (bench/out/ is git-ignored)."""
    from generate import GENERATOR_VERSION, generate

    folder = OUT / f"corpus-{n}-s{seed}-v{GENERATOR_VERSION}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        generate(n, folder, seed=seed)
        done.write_text(f"{time.perf_counter() - started:.2f}\n")
        print(f"  generated {n} offers in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def touch_offers(corpus: Path, count: int) -> dict[Path, bytes]:
    """Change ``count`` text offers (a new line in their body); returns the originals."""
    originals = {}
    texts = sorted(corpus.rglob("*.txt"))
    for path in texts[::max(1, len(texts) // count)][:count]:
        originals[path] = path.read_bytes()
        path.write_bytes(originals[path] + "\nMise à jour : poste modifié, télétravail possible.\n".encode())
    return originals


def run_cold(records: Path, indexes: dict[str, str], args) -> dict:
    """`bench/cold.py`: distinct queries, each once, every engine in a fresh process."""
    from cold import measure

    queries = run_child("draw", records=str(records), count=args.cold_queries,
                        seed=args.seed)["queries"]
    params = {"as_of": AS_OF.isoformat(), "title_boost": _title_boost()}
    engines = measure(indexes, queries, params, seed=args.seed)
    for name, found in engines.items():
        if name != "offres" and found["ours"]:
            raise RuntimeError(f"the {name} process imported offres' code: {found['ours']}")
    return {"queries": queries, "engines": engines}


def bench_size(n: int, args) -> dict:
    print(f"== {n} offers", flush=True)
    corpus = corpus_for(n, args.seed)
    result: dict = {"n": n, "corpus_mb": dir_bytes(corpus) / 2**20,
                    "corpus_files": sum(1 for p in corpus.rglob("*") if p.is_file()) - 1,
                    "load_before": os.getloadavg()}
    records = OUT / f"{corpus.name}.jsonl"
    parse_cache = OUT / f"{corpus.name}.parse.json"
    if not records.exists() or not parse_cache.exists():
        parse_cache.write_text(json.dumps(run_child("parse", corpus=str(corpus), out=str(records))))
    result["parse"] = json.loads(parse_cache.read_text())

    # Plain Whoosh takes about 20 minutes to build 100,000 offers and seconds per broad query.
    engines = ("offres", *(p for p in args.peers if p != "whoosh" or n <= args.whoosh_max))
    indexes = {name: OUT / f"index-{name}-{n}" for name in engines}
    builds = {}
    for name in engines:
        shutil.rmtree(indexes[name], ignore_errors=True)
        builds[name] = run_child("build", engine=name, corpus=str(corpus), index=str(indexes[name]),
                                 records=str(records))
        size_dir = indexes[name] / "current" if name == "offres" else indexes[name]
        builds[name]["bytes"] = dir_bytes(size_dir.resolve())
        print(f"  build {name}: {builds[name]['seconds']:.1f} s, "
              f"{builds[name]['peak_rss_mb']:.0f} MB peak", flush=True)
    result["builds"] = builds

    result["first_query"] = run_child("first_query", index=str(indexes["offres"]),
                                      query="travailleur social")
    result["first_query_warm"] = run_child("first_query", index=str(indexes["offres"]),
                                           query="travailleur social", warm=True)
    paths = {k: str(v) for k, v in indexes.items()}
    queries = run_child("queries", indexes=paths, seconds=args.query_seconds,
                        executions=args.queries or 0)
    result["queries"] = queries
    print(f"  queries: {queries['rounds']} rounds", flush=True)
    result["cold"] = run_cold(records, paths, args)
    print("  cold: " + ", ".join(f"{name} p95 {percentile(found['cold'], 95):.1f} ms"
                                 for name, found in result["cold"]["engines"].items()), flush=True)
    page_rounds = max(2, min(20, queries["rounds"] // 2))
    result["page"] = run_child("page", index=str(indexes["offres"]), rounds=page_rounds)

    originals = touch_offers(corpus, 10)
    try:
        result["incremental"] = run_child("build", engine="offres", corpus=str(corpus),
                                          index=str(indexes["offres"]), incremental=True)
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
    print(f"  incremental: {result['incremental']['seconds']:.2f} s", flush=True)
    result["load_after"] = os.getloadavg()
    if not args.keep_indexes:
        for folder in indexes.values():
            shutil.rmtree(folder, ignore_errors=True)
    return result


# -- summary --------------------------------------------------------------------------------

def summarise(result: dict) -> dict:
    """Per engine median / p95 over every timed search (all queries pooled)."""
    stats = {}
    for name, samples in result["queries"]["times"].items():
        values = [ms for _, ms in samples]
        stats[name] = {"p50": percentile(values, 50), "p95": percentile(values, 95),
                       "count": len(values)}
    per_query = {}
    for qi, (label, query) in enumerate(QUERIES):
        per_query[query or "(empty)"] = {
            "label": label,
            **{name: percentile([ms for i, ms in samples if i == qi], 50)
               for name, samples in result["queries"]["times"].items()},
            "totals": result["queries"]["totals"][query],
        }
    cold = {name: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
            for name, values in result["queries"].get("cold", {}).items()}
    distinct = {}
    for name, found in result.get("cold", {}).get("engines", {}).items():
        distinct[name] = {pass_name: {"p50": percentile(found[pass_name], 50),
                                      "p95": percentile(found[pass_name], 95),
                                      "count": len(found[pass_name])}
                          for pass_name in ("cold", "warm")}
        distinct[name]["open_ms"] = found["open_ms"]
    return {"engines": stats, "per_query": per_query, "cold": cold, "distinct": distinct}


def machine() -> dict:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    uname = platform.uname()
    try:
        head = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = "?"
    return {
        "git": head,
        "uname": f"{uname.system} {uname.release} {uname.machine}",
        "cpu": cpu, "cores": os.cpu_count(),
        "python": platform.python_version(),
        "whoosh": version("Whoosh"), "flask": version("flask"), "sqlite": sqlite3.sqlite_version,
    }


def _fmt(value: float, digits: int = 1) -> str:
    """Number for the tables: 12345.6 -> '12 345.6' (narrow no-break spaces between thousands)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}".replace(",", "\u202f")


def _n(count: int) -> str:
    return _fmt(count, 0)


_MISSING = {"seconds": float("nan"), "peak_rss_mb": float("nan"), "bytes": float("nan")}
_NO_STATS = {"p50": float("nan"), "p95": float("nan"), "count": 0}


def cold_table(run: dict) -> list[str]:
    """The cold-search section: distinct queries, each run once per engine in a fresh process."""
    sizes = [r for r in run["sizes"] if r["summary"].get("distinct")]
    if not sizes:
        return []
    lines = [
        "### Cold search: distinct queries, each run once (top 10 + facets + snippets), in ms",
        "",
        "| offers | queries | offres p50 | offres p95 | FTS5 p50 | FTS5 p95 | whoosh p50 | whoosh p95 "
        "| offres/FTS5 p95 | offres/whoosh p95 | same queries warm: offres p50 | p95 | FTS5 p50 | p95 "
        "| open + warm-up: offres | FTS5 | whoosh | load before / after |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in sizes:
        d = r["summary"]["distinct"]
        none = {"cold": _NO_STATS, "warm": _NO_STATS, "open_ms": float("nan")}
        o, f, w = (d.get(name, none) for name in ENGINES)
        load = (f"{r['load_before'][0]:.2f} / {r['load_after'][0]:.2f}"
                if "load_before" in r and "load_after" in r else "—")
        lines.append(
            f"| {_n(r['n'])} | {o['cold']['count']} | {_fmt(o['cold']['p50'], 2)} | {_fmt(o['cold']['p95'], 2)} "
            f"| {_fmt(f['cold']['p50'], 2)} | {_fmt(f['cold']['p95'], 2)} "
            f"| {_fmt(w['cold']['p50'], 2)} | {_fmt(w['cold']['p95'], 2)} "
            f"| {_fmt(o['cold']['p95'] / f['cold']['p95'], 2)} | {_fmt(o['cold']['p95'] / w['cold']['p95'], 3)} "
            f"| {_fmt(o['warm']['p50'], 2)} | {_fmt(o['warm']['p95'], 2)} "
            f"| {_fmt(f['warm']['p50'], 2)} | {_fmt(f['warm']['p95'], 2)} "
            f"| {_fmt(o['open_ms'], 0)} | {_fmt(f['open_ms'], 0)} | {_fmt(w['open_ms'], 0)} | {load} |"
        )
    return lines + [
        "",
        "`bench/cold.py`: the queries are drawn from the parsed offers' own words (seed of the run; "
        "50 % one word, 40 % two words of one offer, 10 % a quoted pair of neighbours, a word drawn "
        "as often as it occurs). Each engine runs in its own fresh process, opened once (offres: "
        "`open_index` + `Index.warm`, as `offres serve` does before it listens), and gets every "
        "query once, the engine order drawn per query; each search is timed inside its process. "
        "The FTS5 and plain-Whoosh processes import nothing of offres (checked by the run: it stops "
        "if `sys.modules` holds one of our modules there). Then the same queries once more "
        "(“warm”). Targets: offres cold p95 ≤ 20 ms at 10 000, ≤ 60 ms at 100 000, "
        "≤ 0.5 × FTS5's p95.",
        "",
    ]


def markdown(run: dict) -> str:
    m = run["machine"]
    lines = [
        START,
        "<!-- Generated by bench/run.py: edits between these markers are overwritten. -->",
        "",
        f"Measured on {run['date']} with `{run['command']}`.",
        "",
        f"- Code: `{m.get('git', '?')}` at the start of the run (the working tree is shared: "
        "a commit landing during the run is only picked up by the later steps)",
        f"- Machine: {m['uname']}, {m['cpu']}, {m['cores']} cores; Python {m['python']}, "
        f"Whoosh {m['whoosh']}, Flask {m['flask']}, SQLite {m['sqlite']}",
        f"- Load average (1/5/15 min) before: {' / '.join(f'{x:.2f}' for x in run['load_before'])}, "
        f"after: {' / '.join(f'{x:.2f}' for x in run['load_after'])} (shared machine: "
        "read the timings with this load in mind)",
        f"- Corpus generated by `bench/generate.py` (seed {run['seed']}), queries: "
        f"{len(QUERIES)} fixed queries, interleaved rounds offres / FTS5 / whoosh "
        "(engine order drawn for each query), one uncounted warm-up round; for the cold table, "
        "distinct queries drawn from the offers (below)",
        "- Per size: corpus files and size in the build table, load average in the cold table",
        *[f"- Rows {', '.join(_n(r['n']) for r in run['sizes'] if r.get('command') == command)}: "
          f"earlier run ({date}, `{command}`, code `{git}`)"
          for date, command, git in dict.fromkeys((r["date"], r["command"], r.get("git", "?"))
                                                  for r in run["sizes"] if r.get("command"))],
        "",
        "### Build",
        "",
        "| offers | corpus | parse only | offres: time | offers/s | peak memory (PSS sum; largest process) | size /1000 | "
        "FTS5: time | peak RSS | size /1000 | whoosh: time | peak RSS | size /1000 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["sizes"]:
        b, n = r["builds"], r["n"]
        b = {name: b.get(name, _MISSING) for name in ENGINES}
        per_k = lambda name: b[name]["bytes"] / n * 1000 / 2**20
        lines.append(
            f"| {_n(n)} | {_fmt(r['corpus_mb'])} MB | {_fmt(r['parse']['seconds'])} s "
            f"| {_fmt(b['offres']['seconds'])} s | {_fmt(n / b['offres']['seconds'], 0)} "
            f"| {_fmt(b['offres'].get('tree_pss_mb'), 0)} MB; {_fmt(b['offres']['peak_rss_mb'], 0)} MB "
            f"| {_fmt(per_k('offres'), 2)} MB "
            f"| {_fmt(b['fts5']['seconds'])} s | {_fmt(b['fts5']['peak_rss_mb'], 0)} MB | {_fmt(per_k('fts5'), 2)} MB "
            f"| {_fmt(b['whoosh']['seconds'])} s | {_fmt(b['whoosh']['peak_rss_mb'], 0)} MB "
            f"| {_fmt(per_k('whoosh'), 2)} MB |"
        )
    lines += [
        "",
        "offres builds from the files (parsing included); FTS5 and whoosh index the already parsed offers "
        "(column “parse only”, once for both). Target: ≥ 1 000 offers/s, peak ≤ 600 MB. "
        "Peak memory of offres: sum of the PSS of the build process and its worker processes "
        "(sampled every 0.5 s), then the `ru_maxrss` of the largest process; for the peers, `ru_maxrss`.",
        "",
        "### Full search (top 10 + facets + 10 snippets), in ms",
        "",
        "| offers | offres p50 | offres p95 | FTS5 p50 | FTS5 p95 | whoosh p50 | whoosh p95 "
        "| offres/FTS5 (p50; p95) | offres/whoosh (p50; p95) | searches / engine |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["sizes"]:
        e = r["summary"]["engines"]
        o, f, w = (e.get(name, _NO_STATS) for name in ENGINES)
        lines.append(
            f"| {_n(r['n'])} | {_fmt(o['p50'], 2)} | {_fmt(o['p95'], 2)} | {_fmt(f['p50'], 2)} | {_fmt(f['p95'], 2)} "
            f"| {_fmt(w['p50'], 2)} | {_fmt(w['p95'], 2)} | {_fmt(o['p50'] / f['p50'], 2)}; {_fmt(o['p95'] / f['p95'], 2)} "
            f"| {_fmt(o['p50'] / w['p50'], 2)}; {_fmt(o['p95'] / w['p95'], 2)} | {o['count']} |"
        )
    lines += [
        "",
        "Targets: p95 ≤ 20 ms at 10 000, ≤ 100 ms and below FTS5 at 100 000. FTS5 and whoosh do no "
        "stemming, synonyms, prefix matching or correction, and count only 2 facets (offres: 8). "
        "The timed rounds run with warm caches (offres keeps each word's scores, positions and "
        "posting blocks in a bounded cache, `indexer/searching/scoring.py` `TermScores`); each query's first run, in the "
        "warm-up round, is timed apart below.",
        "",
        "| offers | first run of each query: offres p50 | offres p95 | FTS5 p50 | FTS5 p95 "
        "| whoosh p50 | whoosh p95 |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["sizes"]:
        c = r["summary"].get("cold", {})
        o, f, w = (c.get(name, {"p50": None, "p95": None}) for name in ENGINES)
        lines.append(
            f"| {_n(r['n'])} | {_fmt(o['p50'], 2)} | {_fmt(o['p95'], 2)} | {_fmt(f['p50'], 2)} "
            f"| {_fmt(f['p95'], 2)} | {_fmt(w['p50'], 2)} | {_fmt(w['p95'], 2)} |"
        )
    lines += [
        "",
        "These first runs come after the other engines' first runs of earlier queries, in one "
        "process: the operating system's page cache is shared, the engines' own caches are not.",
        "",
        *cold_table(run),
        "### Serving",
        "",
        "| offers | 1st query after opening | 1st query after `Index.warm` (warm-up) | import + open "
        "| page `/` p50 | page p90 | RSS after the queries (3 engines) "
        "| Flask server RSS | incremental update of 10 offers | incremental peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["sizes"]:
        fq, page, inc = r["first_query"], r["page"], r["incremental"]
        fw = r.get("first_query_warm")
        warm_cell = (f"{_fmt(fw['first_ms'], 0)} ms ({_fmt(fw['warm_ms'], 0)} ms)"
                     if fw else "—")
        if "times" in page:
            page_cells = f"{_fmt(percentile(page['times'], 50), 1)} ms | {_fmt(percentile(page['times'], 90), 1)} ms"
            page_rss = f"{_fmt(page['rss_mb'], 0)} MB"
        else:
            page_cells, page_rss = f"not measured ({page['skipped']}) | —", "—"
        lines.append(
            f"| {_n(r['n'])} | {_fmt(fq['first_ms'], 0)} ms | {warm_cell} "
            f"| {_fmt(fq['import_ms'] + fq['open_ms'], 0)} ms "
            f"| {page_cells} | {_fmt(r['queries']['rss_mb'], 0)} MB | {page_rss} "
            f"| {_fmt(inc['seconds'], 2)} s ({inc['updated']} updated) | {_fmt(inc['peak_rss_mb'], 0)} MB |"
        )
    lines += [
        "",
        "Targets: 1st query ≤ 300 ms (after `Index.warm`: ≤ 100 ms at 100 000 with a warm-up ≤ 2 s), "
        "page p90 ≤ 50 ms at 10 000, 10 offers in ≤ 2 s in an index of 100 000. "
        "`offres serve` runs `Index.warm` (facet columns, field lengths, orders, vocabulary) before it "
        "listens; its duration is in parentheses.",
        "",
        f"### Per query (medians in ms, {_n(run['sizes'][-1]['n'])} offers; total found by offres / FTS5 / whoosh)",
        "",
        "| query | case | offres | FTS5 | whoosh | found |",
        "|---|---|---:|---:|---:|---|",
    ]
    for query, row in run["sizes"][-1]["summary"]["per_query"].items():
        t = row["totals"]
        fallback = f" (fallback {t['fallback']})" if t.get("fallback") else ""
        lines.append(
            f"| `{query}` | {row['label']} | {_fmt(row['offres'], 2)} | {_fmt(row.get('fts5'), 2)} "
            f"| {_fmt(row.get('whoosh'), 2)} | {t['offres']}{fallback} / {t.get('fts5', '—')} / {t.get('whoosh', '—')} |"
        )
    if run.get("plot"):
        lines += ["", f"![p50/p95 latency by corpus size]({run['plot']})"]
    lines += ["", END]
    return "\n".join(lines)


def update_file(path: Path, section: str) -> None:
    """Replace the generated section, keep everything else; append the section if absent."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def plot(run: dict, target: Path) -> bool:
    """Latency p50 and p95 against corpus size, per engine; False without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    colours = {"offres": "tab:blue", "fts5": "tab:green", "whoosh": "tab:red"}
    for name in ENGINES:
        points = [(r["n"], r["summary"]["engines"][name]) for r in run["sizes"]
                  if name in r["summary"]["engines"]]
        for stat, style in (("p50", "-o"), ("p95", "--s")):
            ax.plot([n for n, _ in points], [s[stat] for _, s in points], style,
                    color=colours[name], label=f"{name} {stat}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offers in the corpus")
    ax.set_ylabel("full search (ms)")
    ax.set_title("Full search latency by corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(target)
    plt.close(fig)
    return True


def _generator_version() -> int:
    from generate import GENERATOR_VERSION

    return GENERATOR_VERSION


def _previous_sizes(seed: int, sizes: list[int], path: Path | None = None) -> list[dict]:
    """Results of the last run (or of ``path``) for sizes not measured now (same seed and
    generator)."""
    from generate import GENERATOR_VERSION

    path = path or OUT / "results.json"
    if not path.exists():
        return []
    last = json.loads(path.read_text())
    if last.get("seed") != seed or last.get("generator") != GENERATOR_VERSION:
        return []
    kept = []
    for result in last.get("sizes", []):
        if result["n"] not in sizes:
            result.setdefault("date", last["date"])
            result.setdefault("command", last["command"])
            result.setdefault("git", last.get("machine", {}).get("git", "?"))
            result["summary"] = summarise(result)  # from the stored timings, with today's labels
            kept.append(result)
    return kept


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        result = CHILDREN[argv[1]](**json.loads(argv[2]))
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description="offres vs SQLite FTS5 vs plain Whoosh")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--update", type=Path, help="Markdown file whose generated section is rewritten")
    parser.add_argument("--queries", type=int, default=0,
                        help="timed searches per engine and size (default: as many as fit in --query-seconds)")
    parser.add_argument("--query-seconds", type=float, default=45.0,
                        help="time budget of the interleaved query rounds, per size")
    parser.add_argument("--cold-queries", type=int, default=200,
                        help="distinct queries drawn from the offers, each run once per engine")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", type=Path, default=BENCH / "latency.png")
    parser.add_argument("--keep-indexes", action="store_true", help="keep bench/out/index-* for profiling")
    parser.add_argument("--peers", default="fts5,whoosh",
                        help="peers to build and query (plain Whoosh is slow to build at 100k)")
    parser.add_argument("--whoosh-max", type=int, default=10_000,
                        help="largest corpus the plain-Whoosh peer is built and queried on")
    parser.add_argument("--merge-from", type=Path, action="append",
                        help="with --merge: a results.json whose other sizes are kept (repeatable; "
                             "default bench/out/results.json); with --sizes '' only the tables "
                             "are rewritten")
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sizes of the previous run (bench/out/results.json) in the tables")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    args.peers = [p for p in args.peers.split(",") if p]
    OUT.mkdir(parents=True, exist_ok=True)

    run = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "command": "python bench/run.py " + " ".join(argv),
        "seed": args.seed, "generator": _generator_version(), "machine": machine(),
        "load_before": os.getloadavg(), "sizes": [],
    }
    previous = ([r for path in (args.merge_from or [None]) for r in _previous_sizes(args.seed, sizes, path)]
                if args.merge else [])
    started = time.perf_counter()
    for n in sizes:
        result = bench_size(n, args)
        result["summary"] = summarise(result)
        result["date"] = run["date"]
        run["sizes"].append(result)
        (OUT / "results.json").write_text(json.dumps(run, ensure_ascii=False, indent=1, default=str))
    run["sizes"] = sorted(previous + run["sizes"], key=lambda r: r["n"])
    run["load_after"] = os.getloadavg()
    run["seconds"] = time.perf_counter() - started
    if len(run["sizes"]) > 1 and plot(run, args.plot):
        run["plot"] = os.path.relpath(args.plot, (args.update or ROOT / "x").resolve().parent)
    (OUT / "results.json").write_text(json.dumps(run, ensure_ascii=False, indent=1, default=str))
    section = markdown(run)
    if args.update:
        update_file(args.update, section)
    else:
        print(section)
    print(f"done in {run['seconds']:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
