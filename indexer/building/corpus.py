"""The corpus folder: which files are offers, which are refused and why, and reading one file.

Every reading of a corpus file goes through `read_offer` (or `file_digest` when only the
content's hash is needed), so the refusal reasons and the digest are the same everywhere.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, NamedTuple

from indexer.errors import CorpusNotFoundError, OfferFileError
from indexer.offer import Offer
from indexer.parsing import parse_bytes

# Larger files are refused: no offer is that long, and a file this size would be pasted data.
DEFAULT_MAX_BYTES = 2_000_000
OFFER_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonld"})


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
    root_path = Path(root)
    if not root_path.is_dir():
        raise CorpusNotFoundError(f"dossier du corpus introuvable : {root}")
    real_root = root_path.resolve()
    seen_dirs: set[str] = set()

    def walk(folder: Path) -> Iterator[Path | Skipped]:
        real = os.path.realpath(folder)
        if real in seen_dirs:
            yield Skipped(str(folder), "lien symbolique en boucle")
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(str(folder), f"dossier illisible ({exc.strerror or exc})")
            return
        # Children built without parsing their path again (Path(entry.path) costs 1.7 s per
        # 100,000 files); Path.iterdir uses the same helper.
        child = getattr(folder, "_make_child_relpath", folder.joinpath)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = child(entry.name)
            if entry.is_symlink():
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
                yield from walk(path)
            elif (suffix := _suffix(entry.name)) in OFFER_SUFFIXES:
                yield path
            else:
                suffix = suffix or "sans extension"
                yield Skipped(str(path), f"format non pris en charge ({suffix})")

    yield from walk(root_path)


class ReadOffer(NamedTuple):
    """A corpus file read and parsed: the offer, the content's digest, and (size, mtime in
    ns) when it was read."""

    offer: Offer
    digest: str
    stat: tuple[int, int]


def _unreadable(source: str, exc: OSError) -> Skipped:
    return Skipped(source, f"fichier illisible ({exc.strerror or exc})")


def file_digest(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's content (what an incremental build compares)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_offer(path: str | os.PathLike, max_bytes: int) -> ReadOffer | Skipped:
    """Read and parse one corpus file, or say why it is refused."""
    source = str(path)
    try:
        stat = os.stat(source)
        with open(source, "rb") as f:
            data = f.read()
    except OSError as exc:
        return _unreadable(source, exc)
    try:
        offer = parse_bytes(data, source, max_bytes=max_bytes)
    except OfferFileError as exc:
        return Skipped(exc.path, exc.reason)
    return ReadOffer(offer, hashlib.sha256(data).hexdigest(), (stat.st_size, stat.st_mtime_ns))


def stable_id(offer: Offer, corpus: Path) -> str:
    """The reference when there is one, else an id derived from the file's path."""
    if offer.reference:
        return offer.reference
    rel = os.path.relpath(offer.source, corpus)
    return "sans-ref-" + hashlib.sha1(rel.encode("utf-8", "surrogatepass")).hexdigest()[:10]
