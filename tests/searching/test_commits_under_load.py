"""Incremental commits never fail a request: a commit deletes the
previous table of contents and the segments it merges, and nothing a search reads comes
from those files once its snapshot is open."""

import threading
from pathlib import Path

from indexer import build_index, open_index
from indexer.store import live_build

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
COMMITS = 12


def test_searches_during_incremental_commits_never_fail(tmp_path, corpus_copy):
    corpus = corpus_copy
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    live = live_build(index_dir)
    errors: list[BaseException] = []
    answered = [0]
    stop = threading.Event()

    with open_index(index_dir) as index:
        def search_loop():
            queries = ["educateur", "social", "", "mise", "travailleur socail", "nouméa"]
            n = 0
            while not stop.is_set():
                try:
                    query = queries[n % len(queries)]
                    page = index.search(query, prefix=n % 2 == 0)
                    if page.hits:
                        index.highlight(page.hits[0].slug, query)
                        index.more_like(page.hits[0].slug)
                    answered[0] += 1
                except BaseException as exc:  # every failure is the test's finding
                    errors.append(exc)
                n += 1

        threads = [threading.Thread(target=search_loop) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            tocs = set()
            for n in range(COMMITS):
                path = corpus / SEEDS[n % len(SEEDS)].name
                path.write_text(path.read_text(encoding="utf-8") + f"\nMise à jour {n}\n",
                                encoding="utf-8")
                if n % 4 == 3:
                    (corpus / f"ajout-{n}.txt").write_text(
                        SEEDS[0].read_text(encoding="utf-8").replace("3134-", f"77{n}-"),
                        encoding="utf-8")
                build_index(corpus, index_dir, incremental=True)
                tocs |= {p.name for p in live.glob("_MAIN_*.toc")}
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert live_build(index_dir) == live  # every update was committed to the live build
        assert len(tocs) == COMMITS  # each commit replaced the table of contents
        assert errors == []
        assert answered[0] > COMMITS
        assert index.search("").total == len(SEEDS) + COMMITS // 4
        assert index.search("mise").total >= len(SEEDS)
