"""Building the index: corpus files -> offers -> a verified Whoosh index, switched in atomically.

Layout of an index folder::

    index/
      current  -> builds/<name>      the build that serves
      previous -> builds/<name>      kept for `offres rollback`
      builds/<name>/                 Whoosh files + manifest.json + vocabulary.json
      .indexer.lock                  held by the one indexer allowed at a time
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from indexer.analysis import fold
from indexer.corpus import Skipped, iter_corpus
from indexer.errors import IndexLockedError, IndexNotFoundError, OfferFileError, OffresError
from indexer.offer import Offer
from indexer.parsing import parse_bytes, parse_offer
from indexer.schema import make_schema, offer_to_document

DEFAULT_MAX_BYTES = 2_000_000
MANIFEST = "manifest.json"
MANIFEST_VERSION = 4  # an incremental build over an older manifest falls back to a full one
VOCABULARY = "vocabulary.json"
PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves

# Words for the vocabulary: hyphenated compounds count by their parts, like the analyzer's
# query mode, so a suggestion or prefix expansion is always one searchable word.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

Progress = Callable[[int, int, str], None]


@dataclass
class BuildReport:
    """What a build did, for the CLI and for integrators."""

    indexed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    build_dir: str = ""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 every file indexed cleanly, 1 built with skipped files or warnings."""
        return 1 if (self.skipped or self.duplicates or self.warnings) else 0

    def to_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "duplicates": self.duplicates,
            "warnings": self.warnings,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "build_dir": self.build_dir,
            "seconds": round(self.seconds, 3),
        }


class _Entry(NamedTuple):
    """One usable corpus file: what deduplication needs, and the offer once it is parsed
    (an unchanged file of an incremental build is not parsed again). A named tuple: an
    incremental build makes one per file of the corpus, three times faster than a frozen
    dataclass."""

    source: str
    digest: str
    doc_id: str
    rank: tuple  # higher wins among files of the same reference (see _rank)
    offer: Offer | None = None
    stat: tuple[int, int] = (-1, -1)  # size and mtime (ns) when the digest was taken

    @classmethod
    def of(cls, offer: Offer, digest: str, corpus: Path,
           stat: tuple[int, int] = (-1, -1)) -> "_Entry":
        return cls(offer.source, digest, stable_id(offer, corpus), _rank(offer), offer, stat)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stable_id(offer: Offer, corpus: Path) -> str:
    """The reference when there is one, else an id derived from the file's path."""
    if offer.reference:
        return offer.reference
    rel = os.path.relpath(offer.source, corpus)
    return "sans-ref-" + hashlib.sha1(rel.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _completeness(offer: Offer) -> int:
    filled = (offer.title, offer.employer, offer.corps, offer.direction, offer.location,
              offer.residence, offer.posted, offer.deadline, offer.start, offer.respnc)
    return sum(1 for value in filled if value) + len(offer.sections)


def _rank(offer: Offer) -> tuple[int, int, int, int]:
    """The most recent (deposit date, then deadline), then most complete version wins."""
    return (
        offer.posted.toordinal() if offer.posted else 0,
        offer.deadline.toordinal() if offer.deadline else 0,
        _completeness(offer),
        len(offer.text),
    )


def deduplicate(entries: Iterable[_Entry]) -> tuple[dict[str, _Entry], list[str]]:
    """One offer per id: the most recent, then most complete version wins."""
    groups: dict[str, list[_Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.doc_id].append(entry)
    winners: dict[str, _Entry] = {}
    messages: list[str] = []
    for doc_id, items in sorted(groups.items()):
        if len(items) > 1:
            items.sort(key=lambda e: (e.rank, e.source), reverse=True)
        winners[doc_id] = items[0]
        if len(items) > 1:
            losers = ", ".join(i.source for i in items[1:])
            messages.append(
                f"référence {doc_id} en double : {items[0].source} retenu, {losers} écarté"
            )
    return winners, messages


# -- index folder layout ------------------------------------------------------------------

def live_build(index_dir: str | os.PathLike) -> Path | None:
    """The folder of the build that serves, or None when nothing was built."""
    root = Path(index_dir)
    current = root / "current"
    if current.is_symlink() or current.is_dir():
        target = current.resolve()
        if whoosh_index.exists_in(str(target)):
            return target
        return None
    if whoosh_index.exists_in(str(root)):  # a bare Whoosh folder, e.g. built by hand
        return root
    return None


@contextlib.contextmanager
def indexer_lock(index_dir: Path) -> Iterator[None]:
    """One indexer at a time; a second one fails at once with `IndexLockedError`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / ".indexer.lock", "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLockedError(
                f"indexation déjà en cours sur {index_dir} (un autre « offres build » tourne)"
            ) from None
        yield
    finally:
        handle.close()  # closing releases the flock


def _fsync_tree(folder: Path) -> None:
    """Whoosh never fsyncs; a build must be on disk before it is switched in."""
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point(index_dir: Path, name: str, target: Path) -> None:
    """Atomically make ``index_dir/name`` a symlink to ``target`` (rename(2), never unlink+link)."""
    tmp = index_dir / f".{name}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(target, index_dir), tmp)
    os.replace(tmp, index_dir / name)


def _switch_in(index_dir: Path, new_build: Path) -> None:
    old = live_build(index_dir)
    if old is not None and old != index_dir.resolve():
        _point(index_dir, "previous", old)
    _point(index_dir, "current", new_build)
    _fsync_dir(index_dir)
    _prune_builds(index_dir)


def _prune_builds(index_dir: Path) -> None:
    keep = {p.resolve() for p in (index_dir / "current", index_dir / "previous") if p.exists()}
    builds = index_dir / "builds"
    for folder in sorted(builds.iterdir()) if builds.is_dir() else ():
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def rollback(index_dir: str | os.PathLike) -> Path:
    """Serve the previous build again (and keep the current one as 'previous')."""
    root = Path(index_dir)
    with indexer_lock(root):
        previous = root / "previous"
        if not previous.exists() or not whoosh_index.exists_in(str(previous.resolve())):
            raise IndexNotFoundError(f"aucune construction précédente dans {root}")
        old_current = live_build(root)
        target = previous.resolve()
        _point(root, "current", target)
        if old_current is not None:
            _point(root, "previous", old_current)
        _fsync_dir(root)
        return target


# -- reading the corpus ----------------------------------------------------------------------

def _parse_one(path: Path, max_bytes: int) -> Offer | Skipped:
    """Top-level (picklable) so that worker processes can run it."""
    try:
        return parse_offer(path, max_bytes=max_bytes)
    except OfferFileError as exc:
        return Skipped(exc.path, exc.reason)


def _parse_all(paths: list[Path], max_bytes: int, progress: Progress | None):
    """Parse files, on every core when there are enough of them to pay for the processes."""
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_MIN_FILES or workers < 2:
        results = (_parse_one(path, max_bytes) for path in paths)
        pool = None
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_parse_one, paths, [max_bytes] * len(paths), chunksize=64)
    try:
        for number, result in enumerate(results, 1):
            if progress:
                progress(number, len(paths), str(paths[number - 1]))
            yield paths[number - 1], result
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _read_corpus(corpus: Path, report: BuildReport, max_bytes: int,
                 known: dict[str, list] | None = None,
                 progress: Progress | None = None) -> list[_Entry]:
    """Every usable file; ``known`` (source -> [digest, id, rank, size, mtime], from the live
    build's manifest) spares parsing, or even reading, the files that have not changed."""
    entries: list[_Entry] = []
    to_parse: list[Path] = []
    digests: dict[Path, str] = {}
    stats: dict[Path, tuple[int, int]] = {}
    for path in iter_corpus(corpus):
        if isinstance(path, Skipped):
            report.skipped.append(path)
            continue
        source = str(path)
        try:
            stat = os.stat(source)
            cached = known.get(source) if known else None
            # Same size and modification time as at the last build: same content, unread.
            if cached and cached[3:5] == [stat.st_size, stat.st_mtime_ns]:
                digest = cached[0]
            else:
                digest = file_digest(path)
        except OSError as exc:
            report.skipped.append(Skipped(source, f"fichier illisible ({exc.strerror or exc})"))
            continue
        if cached and cached[0] == digest:
            entries.append(_Entry(source, digest, cached[1], tuple(cached[2]), None,
                                  (stat.st_size, stat.st_mtime_ns)))
        else:
            to_parse.append(path)
            digests[path] = digest
            stats[path] = (stat.st_size, stat.st_mtime_ns)
    for path, result in _parse_all(to_parse, max_bytes, progress):
        if isinstance(result, Skipped):
            report.skipped.append(result)
            continue
        report.warnings.extend(f"{path}: {w}" for w in result.warnings)
        entries.append(_Entry.of(result, digests[path], corpus, stats[path]))
    return entries


def _words(offer: Offer) -> dict[str, str]:
    """folded word -> its spelling in this offer: "L’Éducatrice" -> {"educatrice": "éducatrice"}."""
    words: dict[str, str] = {}
    for word in _WORD.findall(f"{offer.title}\n{offer.text}"):
        word = word.replace("’", "'").split("'")[-1]
        if len(word) >= 2:
            words.setdefault(fold(word), word if word.isupper() else word.lower())
    return words


def _vocabulary(offers: Iterable[Offer]) -> dict[str, list]:
    """folded word -> [most frequent original spelling, document frequency].

    Suggestions ("Vouliez-vous dire") come from here, so they show the accented original.
    Full builds count in their worker processes (`_Shard`, `_merge_spellings`); this is the
    definition they are tested against, over the offers in id order.
    """
    spellings: dict[str, Counter] = defaultdict(Counter)
    for offer in offers:
        for folded, spelling in _words(offer).items():
            spellings[folded][spelling] += 1
    return {w: [c.most_common(1)[0][0], sum(c.values())] for w, c in sorted(spellings.items())}


def _update_vocabulary(vocab: dict[str, list], gone: Iterable[Offer], new: Iterable[Offer]) -> None:
    """Take the offers that left the index out of the document frequencies, add the new ones."""
    for offer in gone:
        for folded in _words(offer):
            if folded in vocab:
                vocab[folded][1] -= 1
                if vocab[folded][1] <= 0:
                    del vocab[folded]
    for offer in new:
        for folded, spelling in _words(offer).items():
            vocab.setdefault(folded, [spelling, 0])[1] += 1


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


# -- full builds: one segment per worker process ---------------------------------------------
#
# A full build forks one worker per core (up to MAX_WORKERS). Each worker parses its share
# of the files and feeds them straight to its own Whoosh SegmentWriter (analysis, postings),
# then writes its segment; the main process only keeps what deduplication and the manifest
# need (source, digest, id, rank, size and mtime), marks the losing duplicates as deleted
# and writes the table of contents that makes the segments one index. No offer crosses a
# process boundary and no process holds the whole corpus.

MAX_WORKERS = 4
SHARD_CHUNK = 32  # files per message from a worker; worker k takes chunks k, k + n, ...
SHARD_LIMIT_MB = 64  # each worker's Whoosh posting pool (estimated size) before it spills a sorted run to disk


def _posting_pool_class():
    """Whoosh's posting pool, spilling its sorted runs to disk in batches.

    A big build's postings do not fit in memory: each worker sorts them in runs on disk,
    then merges the runs. Whoosh pickles and unpickles every posting on its own, a fifth
    of a build's time; one pickle per batch of postings gives the same postings.
    """
    import itertools
    import pickle

    from whoosh.writing import PostingPool

    class BatchedPostingPool(PostingPool):
        batch = 1024  # postings per pickle; a merge holds one batch per run (30 runs at 100k)

        def add(self, item):
            # item = (fieldname, tbytes, docnum, weight, vbytes), as SegmentWriter builds it;
            # the size estimate is Whoosh's own.
            self.fieldnames.add(item[0])
            self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
            if self.currentsize > self.limit:
                self.save()
            self.current.append(item)

        def _write_run(self, f, items):
            items = iter(items)
            try:
                while batch := list(itertools.islice(items, self.batch)):
                    pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
            finally:
                f.close()

        def _read_run(self, path):
            f = self._open_run(path)
            try:
                while True:
                    try:
                        batch = pickle.load(f)
                    except EOFError:
                        return
                    yield from batch
            finally:
                f.close()
                self._remove_run(path)

    return BatchedPostingPool


class _FieldLengths:
    """The per-document field lengths of a segment being finished, read once per field.

    Whoosh's FieldWriter.add_postings asks the per-document reader for the length of the
    document of every posting (a seek and a read each time); the values are the same.
    """

    def __init__(self, reader) -> None:
        self._reader = reader
        self._count = reader.doc_count_all()
        self._fields: dict[str, list] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname) for d in range(self._count)]
        return lengths[docnum]


def _finish_segment(writer):
    """SegmentWriter._finalize_segment, with the field lengths read once per field."""
    writer.perdocwriter.close()
    reader = writer.per_document_reader() if writer.codec.length_stats else None
    lengths = _FieldLengths(reader) if reader is not None else None
    writer.fieldwriter.add_postings(writer.schema, lengths, writer.pool.iter_postings())
    writer.fieldwriter.close()
    if reader is not None:
        reader.close()
    writer._close_segment()
    writer._assemble_segment()
    return writer.get_segment()


class _Shard:
    """Parses files and adds them to one segment; remembers the vocabulary of what it added."""

    def __init__(self, ix, corpus: Path, max_bytes: int) -> None:
        from whoosh.writing import SegmentWriter

        self.writer = SegmentWriter(ix, _lk=False, limitmb=SHARD_LIMIT_MB)
        self.writer.pool = _posting_pool_class()(
            self.writer._tempstorage, self.writer.newsegment, limitmb=SHARD_LIMIT_MB)
        self.corpus = corpus
        self.max_bytes = max_bytes
        # folded word -> {spelling: [document frequency, smallest id of a document using it]}
        self.spellings: dict[str, dict[str, list]] = {}

    def add(self, path: Path) -> tuple:
        """(digest, id, rank, (size, mtime), docnum, warnings), or a `Skipped`."""
        source = str(path)
        try:
            stat = path.stat()
            data = path.read_bytes()
        except OSError as exc:
            return Skipped(source, f"fichier illisible ({exc.strerror or exc})")
        digest = hashlib.sha256(data).hexdigest()
        try:
            offer = parse_bytes(data, source, max_bytes=self.max_bytes)
        except OfferFileError as exc:
            return Skipped(exc.path, exc.reason)
        doc_id = stable_id(offer, self.corpus)
        docnum = self.writer.docnum
        self.writer.add_document(**offer_to_document(offer, doc_id, digest))
        spellings = self.spellings
        for folded, spelling in _words(offer).items():
            forms = spellings.get(folded)
            if forms is None:
                spellings[folded] = {spelling: [1, doc_id]}
            elif (seen := forms.get(spelling)) is None:
                forms[spelling] = [1, doc_id]
            else:
                seen[0] += 1
                if doc_id < seen[1]:
                    seen[1] = doc_id
        return (digest, doc_id, _rank(offer), (stat.st_size, stat.st_mtime_ns), docnum,
                offer.warnings)

    def finish(self, losers: list[tuple[int, str, str]]):
        """Write the segment with the losing duplicates (docnum, source, digest) deleted;
        returns the segment and the vocabulary of the documents kept."""
        for _, source, digest in losers:
            self._forget(source, digest)
        segment = _finish_segment(self.writer)
        for docnum, _, _ in losers:
            segment.delete_document(docnum)
        return segment, self.spellings

    def _forget(self, source: str, digest: str) -> None:
        """Take a losing duplicate's words out of the vocabulary (read again: duplicates are rare)."""
        try:
            data = Path(source).read_bytes()
            if hashlib.sha256(data).hexdigest() != digest:
                return  # changed since: its words stay counted, the index itself is right
            offer = parse_bytes(data, source, max_bytes=self.max_bytes)
        except (OSError, OfferFileError):
            return
        for folded, spelling in _words(offer).items():
            seen = self.spellings.get(folded, {}).get(spelling)
            if seen is not None:
                seen[0] -= 1

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.cancel()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (kill -9 included)."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _shard_process(ix, corpus: Path, paths: list[Path], chunks: list[range], max_bytes: int,
                   conn, parent_ends: list, parent_pid: int) -> None:
    """A worker: parse and add its chunks of ``paths``, report each file, then on the main
    process's word write the segment and send it with the vocabulary."""
    _die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)
    for end in parent_ends:
        end.close()
    shard = None
    try:
        shard = _Shard(ix, corpus, max_bytes)
        for chunk in chunks:
            conn.send(("files", [(n, shard.add(paths[n])) for n in chunk]))
        conn.send(("parsed", None))
        losers = conn.recv()
        conn.send(("done", shard.finish(losers)))
    except BaseException as exc:
        if shard is not None:
            shard.cancel()
        try:
            conn.send(("error", exc))
        except Exception:
            import traceback

            conn.send(("error", RuntimeError(traceback.format_exc())))
        os._exit(1)
    conn.close()
    os._exit(0)


def _merge_spellings(parts: Iterable[dict[str, dict[str, list]]]) -> dict[str, list]:
    """folded word -> [most frequent spelling, document frequency]; on a tie, the spelling
    of the smallest id (what counting the offers in id order gives)."""
    merged: dict[str, dict[str, list]] = {}
    for part in parts:
        for folded, forms in part.items():
            into = merged.get(folded)
            if into is None:
                merged[folded] = forms
                continue
            for spelling, (count, first) in forms.items():
                seen = into.get(spelling)
                if seen is None:
                    into[spelling] = [count, first]
                else:
                    seen[0] += count
                    if first < seen[1]:
                        seen[1] = first
    vocabulary: dict[str, list] = {}
    for folded in sorted(merged):
        forms = [(-count, first, spelling) for spelling, (count, first) in merged[folded].items()
                 if count > 0]
        if forms:
            best = min(forms)
            vocabulary[folded] = [best[2], -sum(f[0] for f in forms)]
    return vocabulary


def _write_shards(ix, corpus: Path, paths: list[Path], report: BuildReport, max_bytes: int,
                  progress: Progress | None):
    """Parse and index ``paths`` into ``ix`` (a new, empty index), one segment per worker.

    Returns the usable entries, the winners by id, the duplicate messages and the vocabulary.
    """
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if len(paths) < PARALLEL_MIN_FILES:
        workers = 1
    chunks = [range(start, min(start + SHARD_CHUNK, len(paths)))
              for start in range(0, len(paths), SHARD_CHUNK)]
    results: list = [None] * len(paths)
    where: list[int] = [0] * len(paths)  # the shard of each file
    done = 0

    def record(shard_no: int, items) -> None:
        nonlocal done
        for number, result in items:
            results[number] = result
            where[number] = shard_no
            done += 1
            if progress:
                progress(done, len(paths), str(paths[number]))

    def settle() -> tuple[list[_Entry], dict[str, _Entry], list[str], list[list]]:
        entries: list[_Entry] = []
        shard_of: dict[str, tuple[int, int]] = {}
        for path, result, shard_no in zip(paths, results, where):
            if isinstance(result, Skipped):
                report.skipped.append(result)
                continue
            digest, doc_id, rank, stat, docnum, warnings = result
            report.warnings.extend(f"{path}: {w}" for w in warnings)
            entries.append(_Entry(str(path), digest, doc_id, rank, stat=stat))
            shard_of[str(path)] = (shard_no, docnum)
        winners, duplicates = deduplicate(entries)
        kept = {entry.source for entry in winners.values()}
        losers: list[list] = [[] for _ in range(workers)]
        for entry in entries:
            if entry.source not in kept:
                shard_no, docnum = shard_of[entry.source]
                losers[shard_no].append((docnum, entry.source, entry.digest))
        return entries, winners, duplicates, losers

    writer = ix.writer()  # holds the index's write lock; its own segment stays empty
    try:
        if workers == 1:
            shard = _Shard(ix, corpus, max_bytes)
            try:
                record(0, [(n, shard.add(path)) for n, path in enumerate(paths)])
                entries, winners, duplicates, losers = settle()
                finished = [shard.finish(losers[0])]
            except BaseException:
                shard.cancel()
                raise
        else:
            entries, winners, duplicates, finished = _run_workers(
                ix, corpus, paths, chunks, workers, max_bytes, record, settle)
        writer._close_segment()
        segments = [segment for segment, _ in finished if segment.doc_count_all()]
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise
    return entries, winners, duplicates, _merge_spellings(spellings for _, spellings in finished)


def _run_workers(ix, corpus, paths, chunks, workers, max_bytes, record, settle):
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    pipes = [context.Pipe() for _ in range(workers)]
    parent_ends = [parent for parent, _ in pipes]
    processes = []
    try:
        for k, (_, child) in enumerate(pipes):
            process = context.Process(
                target=_shard_process, daemon=True,
                args=(ix, corpus, paths, chunks[k::workers], max_bytes, child, parent_ends,
                      os.getpid()))
            process.start()
            processes.append(process)
        for _, child in pipes:
            child.close()

        def receive(conn):
            try:
                kind, payload = conn.recv()
            except EOFError:
                raise OffresError("un processus d'indexation s'est arrêté brutalement") from None
            if kind == "error":
                raise payload
            return kind, payload

        parsing = {conn: k for k, conn in enumerate(parent_ends)}
        while parsing:
            for conn in wait(list(parsing)):
                kind, payload = receive(conn)
                if kind == "files":
                    record(parsing[conn], payload)
                else:
                    del parsing[conn]
        entries, winners, duplicates, losers = settle()
        for conn, shard_losers in zip(parent_ends, losers):
            conn.send(shard_losers)
        finished = []
        for conn in parent_ends:
            kind, payload = receive(conn)
            finished.append(payload)
        for process in processes:
            process.join()
        return entries, winners, duplicates, finished
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
                process.join()
        for conn in parent_ends:
            conn.close()


# -- building ----------------------------------------------------------------------------------

def _open_unmapped(folder: Path):
    """The Whoosh index in ``folder``, read with plain reads rather than a memory map.

    Whoosh 2.7.4 opens each file of a memory-mapped segment as a BytesIO *copy* (terms,
    postings...), and reading every stored offer maps the whole index into the process: the
    build's verification reached 1.4 GB of RSS at 100,000 offers, an incremental update of
    10 offers 1.5 GB, for reads that touch a small part of the files.
    """
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(folder))
    storage.supports_mmap = False
    return storage.open_index()


def _verify(build: Path, expected: dict[str, _Entry]) -> None:
    """Open the new build, count, read every stored offer, run canned queries."""
    ix = _open_unmapped(build)
    with ix.searcher() as searcher:
        if searcher.doc_count() != len(expected):
            raise OffresError(
                f"vérification échouée : {searcher.doc_count()} offres au lieu de {len(expected)}"
            )
        ids = set()
        for stored in searcher.all_stored_fields():
            Offer.from_dict(json.loads(stored["offer"]))
            ids.add(stored["id"])
        if ids != set(expected):
            raise OffresError("vérification échouée : identifiants différents du corpus")
        for doc_id in list(expected)[:3]:
            if len(searcher.search(Term("id", doc_id), limit=1)) != 1:
                raise OffresError(f"vérification échouée : {doc_id} introuvable")


def _apply(ix, additions: dict[str, _Entry], deletions: Iterable[str] = ()) -> None:
    """One all-or-nothing commit of an incremental build; a failed writer is cancelled so its
    lock is released."""
    writer = ix.writer()
    try:
        # Old versions go in one query: update_document would open a reader per document.
        replaced = [Term("id", doc_id) for doc_id in [*deletions, *additions]]
        if replaced:
            writer.delete_by_query(Or(replaced))
        for doc_id, item in additions.items():
            writer.add_document(**offer_to_document(item.offer, doc_id, item.digest))
        writer.commit()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


def _manifest(winners: dict[str, _Entry], entries: list[_Entry]) -> dict:
    """What the next incremental build needs: each file's digest, id, rank, size and mtime,
    and what the index holds (id -> digest). Offers themselves are in the index, not here."""
    return {
        "version": MANIFEST_VERSION,
        "files": {e.source: [e.digest, e.doc_id, list(e.rank), *e.stat] for e in entries},
        "docs": {doc_id: entry.digest for doc_id, entry in sorted(winners.items())},
    }


def build_index(corpus: str | os.PathLike, index_dir: str | os.PathLike = "index", *,
                incremental: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: Progress | None = None) -> BuildReport:
    """Build (or update) the index of ``corpus`` in ``index_dir`` and switch it in.

    A full build goes into a new folder beside the live one, is verified and flushed to
    disk, then replaces it atomically; the previous build is kept for rollback. On any
    failure the live index is untouched.
    """
    started = time.perf_counter()
    corpus_path = Path(corpus)
    root = Path(index_dir)
    report = BuildReport()
    with indexer_lock(root):
        live = live_build(root)
        manifest = _read_manifest(live) if incremental and live is not None else None
        if manifest is not None:
            _update(corpus_path, live, manifest, report, max_bytes, progress)
        else:
            _full_build(corpus_path, root, report, max_bytes, progress)
    report.seconds = time.perf_counter() - started
    return report


def _full_build(corpus: Path, root: Path, report: BuildReport, max_bytes: int,
                progress: Progress | None) -> None:
    paths: list[Path] = []
    for path in iter_corpus(corpus):
        if isinstance(path, Skipped):
            report.skipped.append(path)
        else:
            paths.append(path)
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    build.mkdir()
    try:
        ix = whoosh_index.create_in(str(build), make_schema())
        entries, winners, report.duplicates, vocabulary = _write_shards(
            ix, corpus, paths, report, max_bytes, progress)
        _write_json(build / MANIFEST, _manifest(winners, entries))
        _write_json(build / VOCABULARY, vocabulary)
        _verify(build, winners)
        _fsync_tree(build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    _switch_in(root, build)
    report.indexed = len(winners)
    report.added = len(winners)
    report.build_dir = str(build)


def _read_manifest(build: Path) -> dict | None:
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("version") == MANIFEST_VERSION else None


def _update(corpus: Path, live: Path, manifest: dict, report: BuildReport, max_bytes: int,
            progress: Progress | None) -> None:
    """Re-read only added or changed files (by content hash) and commit the difference."""
    entries = _read_corpus(corpus, report, max_bytes, known=manifest["files"], progress=progress)
    winners, report.duplicates = deduplicate(entries)
    indexed: dict[str, str] = manifest["docs"]  # what the live build holds: id -> digest
    changed = {i: e for i, e in winners.items() if indexed.get(i) != e.digest}
    removed = set(indexed) - set(winners)
    for doc_id, entry in list(changed.items()):
        if entry.offer is None:  # an unchanged file that now wins (its rival was removed)
            try:
                changed[doc_id] = _Entry.of(parse_offer(entry.source, max_bytes=max_bytes),
                                            entry.digest, corpus, entry.stat)
            except OfferFileError as exc:
                report.skipped.append(Skipped(exc.path, exc.reason))
                del changed[doc_id]
    report.added = sum(1 for i in changed if i not in indexed)
    report.updated = len(changed) - report.added
    report.removed = len(removed)
    report.unchanged = len(winners) - len(changed)
    report.indexed = len(winners)
    report.build_dir = str(live)
    if changed or removed:
        ix = _open_unmapped(live)
        with ix.searcher() as searcher:
            gone = [Offer.from_dict(json.loads(searcher.document(id=doc_id)["offer"]))
                    for doc_id in (removed | (set(changed) & set(indexed)))
                    if searcher.document_number(id=doc_id) is not None]
        _apply(ix, changed, removed)
        vocab = json.loads((live / VOCABULARY).read_text(encoding="utf-8"))
        _update_vocabulary(vocab, gone, (e.offer for e in changed.values()))
        _write_json(live / VOCABULARY, dict(sorted(vocab.items())))
    _write_json(live / MANIFEST, _manifest(winners, entries))
    _fsync_tree(live)
