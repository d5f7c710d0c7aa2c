"""Building: what gets indexed, what is refused and why, and that nothing served is ever lost."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import (
    CorpusNotFoundError, IndexLockedError, IndexNotFoundError, build_index, open_index, rollback,
)
from indexer.store import indexer_lock, live_build, read_manifest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def offer_text(ref: str, title: str, commune: str = "Nouméa", extra: str = "") -> str:
    return (
        f"{title}\nRéférence : {ref} du 01/07/2025\n\nEmployeur : Province Sud\n\n"
        f"Lieu de travail : {commune}\n\nDate de dépôt de l’offre : mardi 1 juillet 2025\n\n"
        f"Date limite de candidature : vendredi 1 août 2025\n\n# Missions :\n\n{extra or title}\n"
    )


def hostile_corpus(folder: Path) -> dict[str, str]:
    """Every kind of bad file next to good ones; returns name -> expected words of the reason."""
    for seed in SEEDS:
        write(folder / seed.name, seed.read_bytes())
    write(folder / "cp1252.txt", offer_text("26-1246", "Secrétaire", extra="Employeur des îles").encode("cp1252"))
    bad = {
        "vide.txt": "vide",
        "blancs.md": "vide",
        "binaire.txt": "binaire",
        "nul.html": "binaire",
        "utf16.txt": "UTF-16",
        "enorme.txt": "volumineux",
        "image.png": "format",
        "fuite.txt": "sort du corpus",
        "boucle.txt": "boucle",
        "illisible.txt": "encodage illisible",
    }
    write(folder / "vide.txt", b"")
    write(folder / "blancs.md", b"   \n\t\n")
    write(folder / "binaire.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    write(folder / "nul.html", b"<html>\x00\x00\x00</html>")
    write(folder / "utf16.txt", offer_text("26-2", "Agent").encode("utf-16"))
    write(folder / "enorme.txt", ("mot " * 700_000).encode())
    write(folder / "image.png", b"\x89PNG")
    write(folder / "illisible.txt", b"Employeur : Province Sud\n\x81\x8d\x8f\x90\x9d" * 3)
    outside = folder.parent / "outside.txt"
    write(outside, offer_text("26-3", "Secret"))
    os.symlink(outside, folder / "fuite.txt")
    os.symlink(folder / "boucle.txt", folder / "boucle.txt")
    return bad


def test_seed_build(tmp_path):
    report = build_index(ROOT / "corpus", tmp_path / "index")
    assert report.indexed == 5
    assert report.skipped == []
    with open_index(tmp_path / "index") as index:
        assert index.doc_count() == 5


def test_hostile_corpus_is_built_with_warnings(tmp_path):
    corpus = tmp_path / "corpus"
    bad = hostile_corpus(corpus)
    report = build_index(corpus, tmp_path / "index")
    assert report.exit_code == 1
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == set(bad)
    for name, words in bad.items():
        assert words.lower() in reasons[name].lower(), (name, reasons[name])
    assert report.indexed == 6
    with open_index(tmp_path / "index") as index:
        offer = index.get("26-1246")
        assert offer.employer == "Province Sud"
        assert "îles" in offer.text
        assert index.get("26-3") is None


def test_missing_corpus(tmp_path):
    with pytest.raises(CorpusNotFoundError):
        build_index(tmp_path / "nope", tmp_path / "index")
    with pytest.raises(IndexNotFoundError):
        open_index(tmp_path / "index")


def test_duplicate_reference_keeps_most_recent(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", offer_text("26-65092/MPRH", "Infirmier", extra="ancienne version"))
    newer = offer_text("26-65092/MPRH", "Infirmier", extra="nouvelle version").replace(
        "mardi 1 juillet 2025", "mardi 8 juillet 2025")
    write(corpus / "b.txt", newer)
    report = build_index(corpus, tmp_path / "index")
    assert report.indexed == 1
    assert len(report.duplicates) == 1 and "b.txt" in report.duplicates[0]
    with open_index(tmp_path / "index") as index:
        assert "nouvelle version" in index.get("26-65092/MPRH").text
        assert index.search("").total == 1


def test_offer_without_reference_gets_a_stable_id(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus / "sans.txt", "Agent d'accueil\n\nEmployeur : Province Nord\n\n# Missions :\n\nAccueillir le public.\n")
    first = build_index(corpus, tmp_path / "index")
    assert first.exit_code == 1  # warned: no reference
    with open_index(tmp_path / "index") as index:
        hit = index.search("accueil").hits[0]
        assert hit.reference.startswith("sans-ref-")
        kept = hit.reference
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        assert index.search("accueil").hits[0].reference == kept


def test_rebuild_is_idempotent_and_keeps_previous(tmp_path):
    index_dir = tmp_path / "index"
    build_index(ROOT / "corpus", index_dir)
    first = live_build(index_dir)
    with open_index(index_dir) as index:
        before = [h.reference for h in index.search("", per_page=50).hits]
    build_index(ROOT / "corpus", index_dir)
    second = live_build(index_dir)
    assert second != first
    assert (index_dir / "previous").resolve() == first
    with open_index(index_dir) as index:
        assert [h.reference for h in index.search("", per_page=50).hits] == before
    assert rollback(index_dir) == first
    assert live_build(index_dir) == first


def test_incremental_reads_only_changes(tmp_path, corpus_copy):
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir)
    unchanged = build_index(corpus_copy, index_dir, incremental=True)
    assert (unchanged.added, unchanged.updated, unchanged.removed, unchanged.unchanged) == (0, 0, 0, 5)
    (corpus_copy / "3134-25-0731-SR.txt").unlink()
    write(corpus_copy / "new.txt", offer_text("26-1246", "Psychologue"))
    path = corpus_copy / "3134-25-1255-SR.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nPermis B exigé.\n", encoding="utf-8")
    report = build_index(corpus_copy, index_dir, incremental=True)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 3)
    with open_index(index_dir) as index:
        assert index.get("3134-25-0731/SR") is None
        assert index.search("psychologue").hits[0].reference == "26-1246"
        assert index.search("permis").hits[0].reference == "3134-25-1255/SR"
        assert index.doc_count() == 5


def test_one_indexer_at_a_time(tmp_path):
    with indexer_lock(tmp_path / "index"):
        with pytest.raises(IndexLockedError, match="indexation déjà en cours"):
            build_index(ROOT / "corpus", tmp_path / "index")


def test_stale_whoosh_lock_is_not_an_error(tmp_path):
    index_dir = tmp_path / "index"
    build_index(ROOT / "corpus", index_dir)
    (live_build(index_dir) / "MAIN_WRITELOCK").write_text("")
    build_index(ROOT / "corpus", index_dir, incremental=True)
    build_index(ROOT / "corpus", index_dir)


def _run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_cli_exit_codes_and_messages(tmp_path):
    corpus = tmp_path / "corpus"
    for seed in SEEDS:
        write(corpus / seed.name, seed.read_bytes())
    ok = _run_cli("build", str(corpus), "--index", str(tmp_path / "index"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "5 offres indexées" in ok.stdout
    write(corpus / "vide.txt", b"")
    warn = _run_cli("build", str(corpus), "--index", str(tmp_path / "index"))
    assert warn.returncode == 1
    assert "vide.txt" in warn.stdout
    missing = _run_cli("build", str(tmp_path / "nope"), "--index", str(tmp_path / "index"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    no_index = _run_cli("search", "social", "--index", str(tmp_path / "absent"))
    assert no_index.returncode == 2
    assert "Traceback" not in no_index.stderr and "offres build" in no_index.stderr


def test_cli_show_json(seed_index_dir):
    result = _run_cli("show", "3134-25-1255/SR", "--json", "--index", str(seed_index_dir))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["employer"] == "Province Nord"
    assert data["location"] == "CMS de Houaïlou"
    assert data["commune"] == "Houaïlou"
    assert data["posted"] == "2025-08-08"
    assert data["deadline"] == "2025-08-29"
    assert data["respnc"] == "Travailleur social"


def test_cli_search_json_shape(seed_index_dir):
    result = _run_cli("search", "educateur", "--json", "--index", str(seed_index_dir))
    data = json.loads(result.stdout)
    assert data["total"] == 1
    assert data["hits"][0]["reference"] == "3134-24-1986/SR"
    assert {"reference", "title", "snippet"} <= set(data["hits"][0])
    assert {"value", "count"} <= set(data["facets"]["employer"][0])
    assert "suggestion" in data and "fallback" in data


KILL_SCRIPT = """
import sys
from indexer import build_index
build_index(sys.argv[1], sys.argv[2])
"""


def test_kill_during_rebuild_keeps_last_complete_build(tmp_path):
    """kill -9 the indexer at varied moments: the served index is always the last complete one."""
    corpus = tmp_path / "corpus"
    for n in range(150):
        write(corpus / f"o{n}.txt", offer_text(f"26-{n}", f"Agent numéro {n}", extra="mot " * 200))
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    expected = 150
    for attempt in range(20):
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(corpus), str(index_dir)],
                                cwd=ROOT)
        time.sleep(0.05 + (attempt % 10) * 0.12)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_index(index_dir) as index:
            assert index.doc_count() == expected
            assert index.search("agent").total == expected
    report = build_index(corpus, index_dir)
    assert report.indexed == expected


def test_rebuild_while_searching_sees_only_complete_indexes(tmp_path):
    """Several threads search while full rebuilds are switched in: no error, no partial result."""
    import threading

    corpus = tmp_path / "corpus"
    for n in range(60):
        write(corpus / f"o{n}.txt", offer_text(f"26-{n}", f"Agent numéro {n}"))
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir)
    errors: list[str] = []
    counts: list[int] = []
    stop = threading.Event()

    def search_loop():
        with open_index(index_dir) as index:
            while not stop.is_set():
                try:
                    counts.append(index.search("agent", per_page=5).total)
                except Exception as exc:  # the test records any failure, whatever its kind
                    errors.append(repr(exc))

    threads = [threading.Thread(target=search_loop) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(4):
            build_index(corpus, index_dir)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert counts and set(counts) == {60}


def test_descriptors_and_memory_stay_flat(seed_index_dir):
    def fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    def rss_mb() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    queries = ("social", "enfance", "houailou", "", "travailleur socail", "educ")
    with open_index(seed_index_dir) as index:
        for n in range(200):  # warm-up: caches, vocabulary, per-thread searcher
            index.search(queries[n % len(queries)])
        before_fds, before_rss = fds(), rss_mb()
        for n in range(1000):
            index.search(queries[n % len(queries)])
        assert abs(fds() - before_fds) <= 5
        assert rss_mb() - before_rss < 20


def test_incremental_keeps_suggestions_and_duplicates_right(tmp_path, corpus_copy):
    index_dir = tmp_path / "index"
    write(corpus_copy / "dup-old.txt", offer_text("26-77", "Psychomotricien", extra="ancienne"))
    newer = offer_text("26-77", "Psychomotricien", extra="nouvelle").replace(
        "mardi 1 juillet 2025", "mardi 8 juillet 2025")
    write(corpus_copy / "dup-new.txt", newer)
    build_index(corpus_copy, index_dir)
    with open_index(index_dir) as index:
        assert "nouvelle" in index.get("26-77").text
    # The winning file goes: the older, unchanged file takes its place.
    (corpus_copy / "dup-new.txt").unlink()
    write(corpus_copy / "new.txt", offer_text("26-78", "Ergothérapeute"))
    report = build_index(corpus_copy, index_dir, incremental=True)
    assert (report.added, report.updated, report.removed) == (1, 1, 0)
    with open_index(index_dir) as index:
        assert "ancienne" in index.get("26-77").text
        assert index.search("ergothrapeute").suggestion == "ergothérapeute"
    (corpus_copy / "new.txt").unlink()
    build_index(corpus_copy, index_dir, incremental=True)
    with open_index(index_dir) as index:
        assert index.search("ergothrapeute").suggestion is None


def vocabulary_of(offers) -> dict[str, list]:
    """The vocabulary's definition, over the offers in id order: folded word -> [most
    frequent original spelling (ties: the first met), document frequency]. The build counts
    in its worker processes and merges; this is what the merge must give."""
    from collections import Counter, defaultdict

    from indexer.building.vocabulary import words

    spellings: dict[str, Counter] = defaultdict(Counter)
    for offer in offers:
        for folded, spelling in words(offer).items():
            spellings[folded][spelling] += 1
    return {w: [c.most_common(1)[0][0], sum(c.values())] for w, c in sorted(spellings.items())}


def test_parallel_build_matches_the_sequential_one(tmp_path, monkeypatch):
    """Worker processes (one segment each): same offers, duplicates, skipped files and
    vocabulary (most frequent spelling, ties to the smallest id) as one process."""
    import indexer.building.workers as workers
    from indexer.parsing import parse_offer

    corpus = tmp_path / "corpus"
    for n in range(90):
        spelling = "Éducateur" if n % 2 else "EDUCATEUR"  # a tie on the spelling
        write(corpus / f"o{n:03}.txt", offer_text(f"26-{n % 80}", f"{spelling} numéro {n}",
                                                  extra=f"mot{n % 7} accompagnement"))
    newer = offer_text("26-5", "Éducateur numéro 5", extra="nouvelle version").replace(
        "mardi 1 juillet 2025", "mardi 8 juillet 2025")
    write(corpus / "z-newer.txt", newer)
    write(corpus / "vide.txt", b"")
    write(corpus / "image.png", b"\x89PNG")
    monkeypatch.setattr(workers, "SHARD_CHUNK", 4)
    reports, folders = [], []
    for min_files in (10**6, 2):  # sequential, then with workers
        monkeypatch.setattr(workers, "PARALLEL_MIN_FILES", min_files)
        index_dir = tmp_path / f"index-{min_files}"
        reports.append(build_index(corpus, index_dir))
        folders.append(live_build(index_dir))
    sequential, parallel = reports
    assert parallel.indexed == sequential.indexed == 80
    assert parallel.duplicates == sequential.duplicates and len(parallel.duplicates) == 10
    assert parallel.skipped == sequential.skipped and len(parallel.skipped) == 2
    assert parallel.warnings == sequential.warnings
    manifests = [read_manifest(f) for f in folders]
    assert manifests[0] == manifests[1]
    vocabularies = [json.loads((f / "vocabulary.json").read_text(encoding="utf-8")) for f in folders]
    winners = [parse_offer(source) for source in sorted(
        (source for source, (_, doc_id, *_) in manifests[0]["files"].items()
         if manifests[0]["docs"][doc_id] == manifests[0]["files"][source][0]),
        key=lambda source: manifests[0]["files"][source][1])]
    assert vocabularies[0] == vocabularies[1] == vocabulary_of(winners)
    assert vocabularies[1]["educateur"][1] == 80
    with open_index(tmp_path / "index-2") as index, open_index(tmp_path / "index-1000000") as one:
        assert index.doc_count() == 80
        assert "nouvelle version" in index.get("26-5").text
        assert index.search("educateur").total == 80
        for query in ("mot3", "mot5 accompagnement", "nouvelle"):
            assert index.search(query).total == one.search(query).total > 0
