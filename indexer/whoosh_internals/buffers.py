"""Searchers that read the index's pages in place, shared between threads and processes.

Whoosh 2.7.4 opens each file of a compound segment as a ``BufferFile`` over a slice of the
segment's mmap, and ``BufferFile.__init__`` wraps that slice in ``io.BytesIO``, which copies
it: every searcher held the whole index in private memory (1.1 GB per searcher at 100,000
offers, and about half a second to open one), the problem reported in
Alfanous-team/alfanous#860 and measured in RELIABILITY-CASES.md (B4).

`SharedMapStorage` opens a segment file as a ``SharedBufferFile`` over a memory map of it
and says it does not support mmap, so Whoosh's ``CompoundStorage`` asks that file for
subsets (``subset``) instead of mapping and copying: the pages stay in the OS page cache.
Nothing of Whoosh is patched; only the indexes opened through `open_shared` read this way.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
from pathlib import Path

from whoosh.filedb import structfile
from whoosh.filedb.filestore import FileStorage


class MemoryViewFile:
    """A read-only, seekable file object over a memoryview (no copy of the data)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = max(end, start)
        return bytes(self._view[start:end])

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        view = self._view
        start = self._pos
        limit = len(view) if size is None or size < 0 else min(start + size, len(view))
        end = start
        while end < limit:
            end += 1
            if view[end - 1] == 0x0A:
                break
        self._pos = end
        return bytes(view[start:end])

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")


class SharedBufferFile(structfile.BufferFile):
    """``BufferFile`` without the copy: reads go to the mmap slice it was given."""

    def __init__(self, buf, name=None, onclose=None):
        view = buf if isinstance(buf, memoryview) else memoryview(buf)
        self._buf = view
        self._name = name
        self.file = MemoryViewFile(view)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position, length, name=None):
        return SharedBufferFile(self._buf[position:position + length], name=name or self._name)

    def read_pickle(self):
        """Unpickle at the current position from a small in-memory window (posting block
        headers are a few dozen bytes), not through many Python-level ``read`` calls; the
        window grows when the pickle runs past it (a cut pickle never loads: STOP missing)."""
        start = self.file.tell()
        for size in (256, 8192, None):
            end = len(self._buf) if size is None else start + size
            window = io.BytesIO(self._buf[start:end])
            try:
                value = pickle.load(window)
            except (EOFError, pickle.UnpicklingError):
                if size is None or end >= len(self._buf):
                    raise
                continue
            self.file.seek(start + window.tell())
            return value


class SharedMapStorage(FileStorage):
    """A read-only folder whose compound segment files are read in place (see the module)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name, **kwargs):
        if not name.endswith(".seg"):
            return super().open_file(name, **kwargs)
        with open(self._fpath(name), "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return super().open_file(name, **kwargs)
            # The map outlives the descriptor; it is unmapped when its last view goes.
            pages = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        return SharedBufferFile(memoryview(pages), name=name)


def open_shared(folder: str | os.PathLike):
    """The Whoosh index in ``folder``, opened read-only through `SharedMapStorage`."""
    return SharedMapStorage(str(Path(folder))).open_index()
