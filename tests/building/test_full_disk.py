"""A full disk, on a real small tmpfs: a failed build, full or
incremental, leaves the served build exactly as it was, says so in French and exits 2."""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.cli import main
from indexer.store import live_build

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))
WORDS = [f"compétence{n}" for n in range(300)]


@pytest.fixture
def disk(tmp_path):
    """A 6 MB tmpfs (the tests run as root, here and in CI), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes."""
    stats = os.statvfs(disk)
    filler = disk / "filler"
    with open(filler, "ab") as f:
        f.write(b"\0" * max(stats.f_bavail * stats.f_frsize - leave, 0))
    return filler


def listing(folder: Path) -> dict[str, str]:
    """Every file of a build and the digest of its content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.iterdir())}


def big_offers(corpus: Path, count: int = 40) -> None:
    """Offers whose segment needs far more room than the side files (a small vocabulary)."""
    for n in range(count):
        body = " ".join(WORDS[(n + k) % len(WORDS)] for k in range(6000))
        (corpus / f"grande-{n}.txt").write_text(
            f"Agent {n}\nRéférence : 26-{9000 + n}\n\nEmployeur : Province Sud\n\nMissions :\n{body}\n",
            encoding="utf-8")


def corpus_and_index(corpus: Path, disk: Path) -> tuple[Path, Path, Path]:
    index = disk / "index"
    build_index(corpus, index)
    return corpus, index, live_build(index)


def test_incremental_commit_on_a_full_disk_leaves_the_live_build_as_it_was(corpus_copy, disk, capsys):
    corpus, index, live = corpus_and_index(corpus_copy, disk)
    before = listing(live)
    big_offers(corpus)
    filler = fill(disk, leave=400_000)
    code = main(["build", str(corpus), "--index", str(index), "--incremental"])
    err = capsys.readouterr().err
    assert code == 2
    assert "disque plein" in err and "l’index en service n’a pas changé" in err
    assert "Traceback" not in err and "No space" not in err
    assert listing(live) == before  # no orphan segment, no .tmp, same manifest and vocabulary
    with open_index(index) as served:
        assert served.search("").total == len(SEEDS)
    # The room it took is given back: once the disk has space, the same update goes through.
    filler.unlink()
    assert main(["build", str(corpus), "--index", str(index), "--incremental"]) in (0, 1)
    with open_index(index) as served:
        assert served.search("compétence7").total == 40


def test_full_build_on_a_full_disk_keeps_the_old_index(corpus_copy, disk, capsys):
    corpus, index, live = corpus_and_index(corpus_copy, disk)
    before = listing(live)
    builds = sorted(p.name for p in (index / "builds").iterdir())
    big_offers(corpus)
    fill(disk, leave=400_000)
    code = main(["build", str(corpus), "--index", str(index)])
    err = capsys.readouterr().err
    assert code == 2
    assert "disque plein" in err and "Traceback" not in err
    assert live_build(index) == live and listing(live) == before
    assert sorted(p.name for p in (index / "builds").iterdir()) == builds  # the new one removed
    with open_index(index) as served:
        assert served.search("").total == len(SEEDS)
