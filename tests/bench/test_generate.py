"""The benchmark corpus generator: deterministic for a seed, and read back by the real parser."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer import parse_offer

from support import bench_generator



@pytest.fixture(scope="module")
def bench_generate():
    module = bench_generator()
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(bench_generate, tmp_path: Path) -> None:
    bench_generate.generate(60, tmp_path / "a", seed=3)
    bench_generate.generate(60, tmp_path / "b", seed=3)
    bench_generate.generate(60, tmp_path / "c", seed=4)
    a, b, c = _files(tmp_path / "a"), _files(tmp_path / "b"), _files(tmp_path / "c")
    assert len(a) == 60
    assert a == b
    assert a != c


def test_parser_reads_every_format(bench_generate, tmp_path: Path) -> None:
    specs = bench_generate.generate(120, tmp_path, seed=0)
    paths = {p.stem: p for p in tmp_path.rglob("*.*")}
    formats = Counter(spec.fmt for spec in specs)
    assert set(formats) == {"text", "markdown", "html", "jsonld"}
    assert formats["text"] > len(specs) / 2
    assert len({spec.reference for spec in specs}) == len(specs)
    for spec in specs:
        offer = parse_offer(paths[bench_generate.file_name(spec, "")])
        expected = (spec.reference, spec.title, spec.employer, spec.commune, spec.deadline)
        assert (offer.reference, offer.title, offer.employer, offer.commune, offer.deadline) == expected
        assert offer.warnings == ()
