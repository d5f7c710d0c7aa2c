"""Searchers read the index's pages in place (Whoosh 2.7.4 copied each file into BytesIO)."""

from __future__ import annotations

import io
import pickle
from array import array

import pytest
from whoosh.filedb import compound, structfile

from indexer import open_index
from indexer.store import live_build
from indexer.whoosh_internals.buffers import MemoryViewFile, SharedBufferFile, open_shared

DATA = b"first line\nsecond\n\nlast without newline" + pickle.dumps({"a": [1, 2]}) + bytes(range(256))

OPERATIONS = [
    ("read all", lambda f: f.read()),
    ("read 5 twice", lambda f: (f.read(5), f.read(5), f.tell())),
    ("read past end", lambda f: (f.seek(len(DATA) - 3), f.read(10), f.read(10), f.tell())),
    ("readline x4", lambda f: [f.readline() for _ in range(4)]),
    ("readline limited", lambda f: (f.readline(3), f.readline())),
    ("seek from end", lambda f: (f.seek(-4, 2), f.read())),
    ("seek relative", lambda f: (f.seek(6), f.seek(-2, 1), f.read(3))),
    ("lines", lambda f: list(f)),
    ("pickle", lambda f: (f.seek(DATA.index(b"\x80")), pickle.load(f), f.tell())),
    ("array", lambda f: (f.seek(len(DATA) - 256), _array(f))),
]


def _array(f):
    a = array("B")
    a.fromfile(f, 256)
    return a.tolist()


@pytest.mark.parametrize("name, operation", OPERATIONS, ids=[n for n, _ in OPERATIONS])
def test_memoryview_file_reads_like_bytesio(name, operation):
    assert operation(MemoryViewFile(memoryview(DATA))) == operation(io.BytesIO(DATA))


def test_shared_buffer_file_gets_and_subsets_without_copying():
    view = memoryview(bytearray(DATA))
    f = SharedBufferFile(view, name="x")
    assert f.get(0, 5) == b"first"
    assert f.read(5) == b"first"
    sub = f.subset(6, 4)
    assert sub.read() == b"line"
    view[6] = ord("L")  # the same memory, not a copy
    assert sub.get(0, 4) == b"Line" and f.get(6, 4) == b"Line"


def test_searchers_read_segments_in_place_and_whoosh_is_not_patched(seed_index_dir):
    """The index's segments are read through SharedBufferFile subsets of one map, and
    Whoosh's own classes are left as they are for every other index of the process."""
    ix = open_shared(live_build(seed_index_dir))
    with ix.searcher() as searcher:
        # A segment reader reads an overlay of its compound file (a) over the folder (b).
        compounds = [leaf._storage.a for leaf, _ in searcher.reader().leaf_readers()]
        assert compounds and all(type(c) is compound.CompoundStorage for c in compounds)
        assert all(type(c._file) is SharedBufferFile and c._source is None for c in compounds)
    with open_index(seed_index_dir) as index:
        assert index.search("educatrice").total == 1
    assert compound.BufferFile is structfile.BufferFile


@pytest.mark.parametrize("obj", [(128, 5, 1.5, 0, 3, 9), list(range(5000)), "é" * 3000, None])
def test_read_pickle_reads_small_and_large_pickles_in_sequence(obj):
    data = pickle.dumps(obj, 2) + pickle.dumps(("next", 1), 2) + b"tail"
    f = SharedBufferFile(memoryview(data))
    assert f.read_pickle() == obj
    assert f.read_pickle() == ("next", 1)
    assert f.read() == b"tail"
