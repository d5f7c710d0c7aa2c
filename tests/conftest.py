"""Shared fixtures: real indexes built in temporary folders from real offer files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import SEED_CORPUS


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory) -> Path:
    """The five seed offers, built once per test session (read-only for tests)."""
    from indexer import build_index

    folder = tmp_path_factory.mktemp("seed-index")
    build_index(SEED_CORPUS, folder / "index")
    return folder / "index"


@pytest.fixture
def seed_index(seed_index_dir):
    from indexer import open_index

    with open_index(seed_index_dir) as index:
        yield index


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target)
    return target
