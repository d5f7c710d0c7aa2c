"""The corpus folder: which files are offers, which are refused and why, and reading one file.

Every reading of a corpus file goes through `read_offer` (or `file_digest` when only the
content's hash is needed), so the refusal reasons and the digest are the same everywhere.
"""

from __future__ import annotations

import errno
import hashlib
import operator
import os
import stat as st
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from indexer.errors import CorpusNotFoundError, OfferFileError
from indexer.offer import Offer
from indexer.parsing import parse_bytes, read_bounded, read_text

OFFER_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonld"})

# What an OSError means, in French (its strerror is English): HR staff read these reasons.
_OS_REASONS = {
    errno.ENOENT: "introuvable (supprimé ou déplacé pendant la lecture)",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c’est un dossier",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d’entrée-sortie du disque",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota du disque dépassé",
    errno.EROFS: "disque en lecture seule",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts sur le système",
    errno.ENOMEM: "mémoire insuffisante",
    errno.ENXIO: "périphérique absent",
    errno.ENODEV: "périphérique absent",
    errno.ESTALE: "fichier réseau périmé",
    errno.EAGAIN: "ressource momentanément indisponible",
    errno.EBUSY: "ressource occupée",
    errno.ETXTBSY: "fichier occupé",
    errno.EINVAL: "opération invalide",
    errno.EFBIG: "fichier trop grand pour le système",
}
_SPECIAL_KINDS = ((st.S_ISFIFO, "tube nommé, FIFO"), (st.S_ISSOCK, "socket"),
                  (st.S_ISCHR, "périphérique"), (st.S_ISBLK, "périphérique de blocs"))


def os_reason(exc: OSError) -> str:
    """An OSError in French: ENOENT → "introuvable (supprimé ou déplacé pendant la lecture)"."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    code = errno.errorcode.get(exc.errno or 0)
    return f"erreur système {code}" if code else "erreur système"


def printable(path: str) -> str:
    """A path that prints and encodes: a name that is not UTF-8 gets "\ufffd" for its bad bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is refused before opening (a FIFO would block the build
    forever), or None for a regular file."""
    if st.S_ISREG(mode):
        return None
    kind = next((name for test, name in _SPECIAL_KINDS if test(mode)), "fichier spécial")
    return f"pas un fichier ordinaire ({kind}) : non ouvert"


@dataclass(frozen=True)
class Skipped:
    """A corpus file that will not be indexed; ``reason`` is French, for HR staff."""

    path: str
    reason: str


def _suffix(name: str) -> str:
    """Path(name).suffix, lowercased, without building a Path: "Offre.TXT" -> ".txt"."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def iter_corpus(root: str | os.PathLike) -> Iterator[Path | Skipped]:
    """Offer files under ``root`` in a stable order, or a `Skipped` for each refused one.

    Hidden files and folders are ignored. Symbolic links are followed only when they
    stay inside the corpus; links that leave it or loop are refused.
    """
    for item in _walk(root):
        if isinstance(item, Skipped):
            yield item
        else:
            child = _child(item[0])
            for entry in item[1]:
                yield child(entry.name)


def scan_corpus(root: str | os.PathLike) -> Iterator[tuple[str, list[tuple[str, int, int]]] | Skipped]:
    """`iter_corpus`'s files, what an incremental build compares with its manifest: runs of
    files of one folder as (folder, [(name, size, mtime in ns)]), where ``folder + name`` is
    ``str()`` of the path `iter_corpus` gives. A file that cannot be stat-ed is a `Skipped`.
    """
    for item in _walk(root):
        if isinstance(item, Skipped):
            yield item
            continue
        folder, entries = item
        prefix = str(_child(folder)("x"))[:-1]  # "" for ".", "/" for "/", else "a/b/"
        try:
            stats = [entry.stat() for entry in entries]
        except OSError:  # one went since the listing: the others still count
            yield from _vanished(prefix, entries)
            continue
        yield prefix, [(e.name, s.st_size, s.st_mtime_ns) for e, s in zip(entries, stats)]


def _vanished(prefix: str, entries: list[os.DirEntry]):
    """`scan_corpus`'s run of files one by one, each that cannot be stat-ed a `Skipped`."""
    files = []
    for entry in entries:
        try:
            stat = entry.stat()
        except OSError as exc:
            yield unreadable(prefix + entry.name, exc)
            continue
        files.append((entry.name, stat.st_size, stat.st_mtime_ns))
    yield prefix, files


_name = operator.attrgetter("name")


def _child(folder: Path):
    # Children built without parsing their path again (Path(entry.path) costs 1.7 s per
    # 100,000 files); Path.iterdir uses the same helper.
    return getattr(folder, "_make_child_relpath", folder.joinpath)


def _walk(root: str | os.PathLike) -> Iterator[tuple[Path, list[os.DirEntry]] | Skipped]:
    """The offer files under ``root``, in a stable order, as (folder, entries) runs of
    files of one folder, or a `Skipped` for each refused one (`iter_corpus`'s rules,
    written once for both of its forms)."""
    root_path = Path(root)
    if not root_path.is_dir():
        raise CorpusNotFoundError(f"dossier du corpus introuvable : {root}")
    real_root = root_path.resolve()
    seen_dirs: set[str] = set()

    def walk(folder: Path) -> Iterator[tuple[Path, list[os.DirEntry]] | Skipped]:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            yield Skipped(str(folder), "lien symbolique en boucle")
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=_name)
        except OSError as exc:
            yield Skipped(printable(str(folder)), f"dossier illisible : {os_reason(exc)}")
            return
        child = _child(folder)
        run: list[os.DirEntry] = []  # offer files in a row, given together
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if name.isascii() and entry.is_file(follow_symlinks=False):  # most entries: no
                dot = name.rfind(".")  # link, no folder, no name to check (_suffix, inlined)
                if 0 < dot < len(name) - 1 and name[dot:].lower() in OFFER_SUFFIXES:
                    run.append(entry)
                    continue
            if run:
                yield folder, run
                run = []
            if printable(name) != name:
                yield Skipped(printable(str(child(name))), "nom de fichier ou de dossier illisible "
                                                           "(pas en UTF-8) : renommez-le")
                continue
            if entry.is_symlink():
                path = child(name)
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield Skipped(str(path), "lien symbolique cassé ou en boucle")
                    continue
                if not target.is_relative_to(real_root):
                    yield Skipped(str(path), "lien symbolique qui sort du corpus")
                    continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(child(name))
            elif not entry.is_file() and (reason := _special(entry)):
                yield Skipped(str(child(name)), reason)
            elif (suffix := _suffix(name)) in OFFER_SUFFIXES:
                yield folder, [entry]
            else:
                suffix = suffix or "sans extension"
                yield Skipped(str(child(name)), f"format non pris en charge ({suffix})")
        if run:
            yield folder, run

    yield from walk(root_path)


def _special(entry: os.DirEntry) -> str | None:
    try:
        return _not_regular(entry.stat().st_mode)
    except OSError as exc:
        return f"fichier illisible : {os_reason(exc)}"


class ReadOffer(NamedTuple):
    """A corpus file read and parsed: the offer, the content's digest, and (size, mtime in
    ns) when it was read."""

    offer: Offer
    digest: str
    stat: tuple[int, int]


def unreadable(source: str, exc: OSError) -> Skipped:
    return Skipped(printable(source), f"fichier illisible : {os_reason(exc)}")


def file_digest(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's content (what an incremental build compares)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_offer(path: str | os.PathLike, max_bytes: int) -> ReadOffer | Skipped:
    """Read and parse one corpus file, or say why it is refused; no file, however bad, raises.

    Anything but a regular file is refused before it is opened, and opened without
    blocking in case it became one since: reading a FIFO waits for a writer forever.
    """
    source = str(path)
    if printable(source) != source:
        return Skipped(printable(source), "nom de fichier illisible (pas en UTF-8) : renommez-le")
    try:
        stat = os.stat(source)
        if (reason := _not_regular(stat.st_mode)) is not None:
            return Skipped(source, reason)
        with open(os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY), "rb") as f:
            if (reason := _not_regular(os.fstat(f.fileno()).st_mode)) is not None:
                return Skipped(source, reason)
            # A bigger file is refused: never read it whole.
            data = read_bounded(f, stat.st_size, max_bytes)
    except OSError as exc:
        return unreadable(source, exc)
    try:
        if len(data) > max_bytes:
            read_text(source, max_bytes)  # refuses it with its size, from stat, unread
        offer = parse_bytes(data, source, max_bytes=max_bytes)
    except OfferFileError as exc:
        return Skipped(exc.path, exc.reason)
    except RecursionError:
        return Skipped(source, "structure trop imbriquée pour être lue (des milliers de niveaux)")
    except Exception as exc:  # noqa: BLE001 - one file's parser crash must never stop a build
        return Skipped(source, f"fichier refusé : le lecteur a échoué ({type(exc).__name__})")
    return ReadOffer(offer, hashlib.sha256(data).hexdigest(), (stat.st_size, stat.st_mtime_ns))


def stable_id(offer: Offer, corpus: Path) -> str:
    """The reference when there is one, else an id derived from the file's path."""
    if offer.reference:
        return offer.reference
    rel = os.path.relpath(offer.source, corpus)
    return "sans-ref-" + hashlib.sha1(rel.encode("utf-8", "surrogatepass")).hexdigest()[:10]
