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
from typing import Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.query import Or, Term

from indexer.analysis import fold
from indexer.corpus import Skipped, iter_corpus
from indexer.errors import IndexLockedError, IndexNotFoundError, OfferFileError, OffresError
from indexer.offer import Offer
from indexer.parsing import parse_offer
from indexer.schema import make_schema, offer_to_document

DEFAULT_MAX_BYTES = 2_000_000
MANIFEST = "manifest.json"
MANIFEST_VERSION = 4  # an incremental build over an older manifest falls back to a full one
VOCABULARY = "vocabulary.json"
PARALLEL_MIN_FILES = 200  # below this, starting worker processes costs more than it saves
MULTIPROCESS_MIN_DOCS = 2000

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


@dataclass(frozen=True)
class _Entry:
    """One usable corpus file: what deduplication needs, and the offer once it is parsed
    (an unchanged file of an incremental build is not parsed again)."""

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
        try:
            stat = path.stat()
            cached = known.get(str(path)) if known else None
            # Same size and modification time as at the last build: same content, unread.
            if cached and cached[3:5] == [stat.st_size, stat.st_mtime_ns]:
                digest = cached[0]
            else:
                digest = file_digest(path)
        except OSError as exc:
            report.skipped.append(Skipped(str(path), f"fichier illisible ({exc.strerror or exc})"))
            continue
        if cached and cached[0] == digest:
            entries.append(_Entry(str(path), digest, cached[1], tuple(cached[2]),
                                  stat=(stat.st_size, stat.st_mtime_ns)))
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


# -- building ----------------------------------------------------------------------------------

def _verify(build: Path, expected: dict[str, _Entry]) -> None:
    """Open the new build, count, read every stored offer, run canned queries."""
    ix = whoosh_index.open_dir(str(build))
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


def _apply(ix, additions: dict[str, _Entry], deletions: Iterable[str] = (), *,
           fresh: bool = False) -> None:
    """One all-or-nothing commit; a failed writer is cancelled so its lock is released."""
    # Whoosh's multiprocessing writer analyzes on both cores; it leaves one segment per
    # process (merging them back costs more than it saved), so use it only for big builds.
    big = fresh and len(additions) >= MULTIPROCESS_MIN_DOCS and (os.cpu_count() or 1) > 1
    writer = ix.writer(procs=2, multisegment=True) if big else ix.writer()
    try:
        # Old versions go in one query: update_document would open a reader per document.
        replaced = [Term("id", doc_id) for doc_id in [*deletions, *additions]] if not fresh else []
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
    entries = _read_corpus(corpus, report, max_bytes, progress=progress)
    winners, report.duplicates = deduplicate(entries)
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    build.mkdir()
    try:
        ix = whoosh_index.create_in(str(build), make_schema())
        _apply(ix, winners, fresh=True)
        _write_json(build / MANIFEST, _manifest(winners, entries))
        _write_json(build / VOCABULARY, _vocabulary(e.offer for e in winners.values()))
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
        ix = whoosh_index.open_dir(str(live))
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
