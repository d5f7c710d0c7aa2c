"""One snapshot per call: a build switched in while a call runs never mixes two builds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.searching.snapshots import Snapshots

ROOT = Path(__file__).resolve().parents[2]
NEWCOMER = (
    "Agent d'accueil\nRéférence : 26-0001 du 01/07/2025\n\nEmployeur : Province Sud\n\n"
    "Lieu de travail : Nouméa\n\nDate limite de candidature : vendredi 1 août 2025\n\n"
    "# Missions :\n\nAccueil du public.\n"
)


@pytest.fixture
def two_corpora(tmp_path):
    """The seeds, and the seeds with one more offer sorted first: in the second build every
    seed offer has another document number."""
    first = tmp_path / "first"
    shutil.copytree(ROOT / "corpus", first)
    second = tmp_path / "second"
    shutil.copytree(ROOT / "corpus", second)
    (second / "0000-accueil.txt").write_text(NEWCOMER, encoding="utf-8")
    return first, second


def switch_after_first_snapshot(index, corpus: Path, index_dir: Path) -> list[Path]:
    """Build ``corpus`` into ``index_dir`` right after the call's first snapshot is taken,
    as a concurrent `offres build` would; returns the builds each snapshot was taken on."""
    taken: list[Path] = []
    current = index._snapshots.current

    def snapshot_then_switch():
        snap = current()
        taken.append(snap.build)
        if len(taken) == 1:
            build_index(corpus, index_dir)
        return snap

    index._snapshots.current = snapshot_then_switch
    return taken


@pytest.mark.parametrize("call, expected", [
    ("get", lambda offer: offer.reference),
    ("slug_of", lambda slug: slug),
    ("highlight", lambda page: page.title_html),
    ("more_like", lambda hits: len(hits)),
])
def test_a_switch_between_two_reads_of_one_call_is_not_seen(two_corpora, tmp_path, call,
                                                             expected):
    first, second = two_corpora
    index_dir = tmp_path / "index"
    build_index(first, index_dir)
    reference = "3134-25-1255/SR"
    args = {"get": (reference,), "slug_of": (reference,), "highlight": (reference, "social"),
            "more_like": (reference,)}[call]
    with open_index(index_dir) as quiet:
        wanted = expected(getattr(quiet, call)(*args))
    with open_index(index_dir) as index:
        taken = switch_after_first_snapshot(index, second, index_dir)
        got = expected(getattr(index, call)(*args))
        assert len(taken) == 1  # one snapshot for the whole call
    assert got == wanted


def test_the_next_call_sees_the_new_build(two_corpora, tmp_path):
    first, second = two_corpora
    index_dir = tmp_path / "index"
    build_index(first, index_dir)
    with open_index(index_dir) as index:
        assert index.get("26-0001") is None
        build_index(second, index_dir)
        assert index.get("26-0001").title == "Agent d'accueil"


def test_snapshots_are_per_thread_and_closed_together(tmp_path, two_corpora):
    import threading

    first, _ = two_corpora
    build_index(first, tmp_path / "index")
    snapshots = Snapshots(tmp_path / "index")
    here = snapshots.current()
    assert snapshots.current() is here
    there = []
    thread = threading.Thread(target=lambda: there.append(snapshots.current()))
    thread.start()
    thread.join()
    assert there[0] is not here and there[0].build == here.build
    snapshots.close()
    assert here.searcher.is_closed and there[0].searcher.is_closed
