"""Load test of the production server (waitress via `offres serve`) on 127.0.0.1, with a
full rebuild switched in during the run and then incremental updates committed to the live
build (a commit deletes files readers may be opening). Bounded in time and count;
loopback only.

    python bench/load.py [--offers 2000] [--seconds 30] [--updates 25] [--update BENCHMARKS.md]

Needs `wrk` (Debian package). Records requests/s, p50/p99 latency and errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402

START, END = "<!-- load-incremental:start -->", "<!-- load-incremental:end -->"
QUERIES = ["social", "educatrice", "assistante+sociale", "infirmier", "noumea", "cesf",
           "travailleur+socail", "protection+de+l%E2%80%99enfance", "", "kon%C3%A9"]
LUA = """
local queries = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/search?q=" .. queries[(n %% #queries) + 1])
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def offres(*args: str, **kwargs):
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], cwd=ROOT, **kwargs)


def wait_ready(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server not ready: {url}")


def parse_wrk(output: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+(?:us|ms|s))\s*$", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": ms(percentiles["50"]),
        "p99_ms": ms(percentiles["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def change(corpus: Path, n: int) -> None:
    """One offer changed (a line added to an existing file) or, every third time, one added."""
    files = sorted(corpus.rglob("*.txt"))
    if n % 3 == 2:
        source = files[n % len(files)].read_text(encoding="utf-8")
        text = source.replace("Référence : ", f"Référence : 99-{n:04d} ", 1)
        (corpus / f"ajout-{n:04d}.txt").write_text(text, encoding="utf-8")
    else:
        with files[(n * 37) % len(files)].open("a", encoding="utf-8") as f:
            f.write(f"\nMise à jour numéro {n} : horaires aménagés.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--updates", type=int, default=25,
                        help="incremental updates committed during the run, after the rebuild")
    parser.add_argument("--update", type=Path)
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="offres-load-"))
    corpus, index = work / "corpus", work / "index"
    generate(args.offers, corpus, seed=0)
    started = time.perf_counter()
    offres("build", str(corpus), "--index", str(index), check=False, capture_output=True)
    full = time.perf_counter() - started
    started = time.perf_counter()
    change(corpus, 999)
    offres("build", str(corpus), "--index", str(index), "--incremental", capture_output=True)
    one_update = time.perf_counter() - started
    # The run lasts long enough for the rebuild, started after 5 s, and the updates after it
    # to be switched in mid-run.
    seconds = max(args.seconds, int(full * 3 + args.updates * (one_update + 0.5) * 1.5) + 15)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--index", str(index), "--port", str(port),
         "--rate-limit", "0"], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=(work / "server.log").open("w"))  # a pipe nobody reads would fill and block it
    rebuild: dict = {}
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/healthz")
        load_before = os.getloadavg()

        run_started = time.perf_counter()

        def rebuild_midway():
            time.sleep(5)
            started = time.perf_counter()
            result = offres("build", str(corpus), "--index", str(index), capture_output=True)
            done = time.perf_counter()
            rebuild.update(code=result.returncode, seconds=done - started,
                           switched_at=done - run_started, updates=[])
            for n in range(args.updates):
                time.sleep(0.5)
                change(corpus, n)
                started = time.perf_counter()
                result = offres("build", str(corpus), "--index", str(index), "--incremental",
                                capture_output=True)
                rebuild["updates"].append((result.returncode, time.perf_counter() - started))
            rebuild["updates_done_at"] = time.perf_counter() - run_started

        thread = threading.Thread(target=rebuild_midway)
        thread.start()
        script = work / "queries.lua"
        script.write_text(LUA % ", ".join(f'"{q}"' for q in QUERIES))
        out = subprocess.run(
            ["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s",
             "--latency", "-s", str(script), base], capture_output=True, text=True,
            timeout=seconds + 60).stdout
        thread.join(timeout=600)
        result = parse_wrk(out)
        served_after = urllib.request.urlopen(base + "/healthz", timeout=60).read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    from importlib.metadata import version

    updates = rebuild.get("updates", [])
    update_codes = sorted({code for code, _ in updates})
    update_seconds = sorted(t for _, t in updates)
    row = (
        f"| {dt.date.today().isoformat()} | {args.offers:,} | waitress (4 threads), "
        f"wrk -t2 -c{args.connections} -d{seconds}s | {result['requests']:,} | "
        f"{result['rps']:.0f} | {result['p50_ms']:.1f} | {result['p99_ms']:.1f} | "
        f"{result['non_2xx'] + result['socket_errors']} | rebuild exit {rebuild.get('code')} "
        f"in {rebuild.get('seconds', 0):.1f} s, switched in at {rebuild.get('switched_at', 0):.0f} s "
        f"of {seconds} s | {len(updates)} (exit {', '.join(map(str, update_codes)) or '-'}; median "
        f"{update_seconds[len(updates) // 2] if updates else 0:.1f} s each; last committed at "
        f"{rebuild.get('updates_done_at', 0):.0f} s) |"
    )
    section = "\n".join([
        START,
        "## Load with incremental updates (`make load`)",
        "",
        "A full rebuild switched in after 5 s, then incremental updates (`offres build "
        "--incremental`: one offer changed or added each time) committed to the live build one "
        "after the other while the load runs; every commit deletes the previous table of "
        "contents and the segments it merges. Errors are non-2xx answers (a 503 included) "
        "and socket errors.",
        "",
        f"Command: `python bench/load.py --offers {args.offers} --seconds {args.seconds} "
        f"--updates {args.updates}`. "
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Whoosh {version('Whoosh')}, Flask {version('flask')}; load average before "
        f"{load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}. Queries rotate over {len(QUERIES)} searches on `/api/search` "
        "(full search: hits, facets, snippets).",
        "",
        "| date | offers | server, load | requests | req/s | p50 ms | p99 ms | errors | rebuild | incremental updates |",
        "|---|---|---|---|---|---|---|---|---|---|",
        row,
        "",
        f"After the run `/healthz` answered `{served_after.strip()}`.",
        END,
    ])
    print(section)
    if args.update:
        text = args.update.read_text(encoding="utf-8") if args.update.exists() else ""
        if START in text and END in text:
            text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
        args.update.write_text(text, encoding="utf-8")
    switched = rebuild.get("code") in (0, 1) and rebuild.get("switched_at", seconds) < seconds
    updated = (len(updates) == args.updates and set(update_codes) <= {0, 1}
               and rebuild.get("updates_done_at", seconds) < seconds)
    return 0 if result["non_2xx"] + result["socket_errors"] == 0 and switched and updated else 1


if __name__ == "__main__":
    sys.exit(main())
