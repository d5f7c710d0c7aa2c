"""Bytes → text for offer files: strict, French-aware, and never silently wrong."""

from __future__ import annotations

import os
import re

from indexer.errors import OfferFileError
from indexer.hygiene import INVISIBLE, clean_text

# Larger files are refused: no offer is that long, and a file this size would be pasted data.
DEFAULT_MAX_BYTES = 2_000_000

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image PNG"),
    (b"\xff\xd8\xff", "image JPEG"),
    (b"GIF8", "image GIF"),
    (b"%PDF-", "document PDF"),
    (b"PK\x03\x04", "archive ZIP (docx, odt...)"),
    (b"\xd0\xcf\x11\xe0", "document Office ancien (doc, xls)"),
    (b"\x1f\x8b", "archive gzip"),
)

# Characters expected in French text beyond ASCII. Anything else non-ASCII counts as
# "odd": a few are fine (a name, a symbol), many mean the wrong code page was guessed.
_FRENCH = frozenset(
    "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
    "áíóúñãõåøÁÍÓÚÑ"
    "«»‹›’‘‚“”„–—…•·€£°§²³¹ºª©®™†‰\u00a0\u202f\u2009\u2007"
)
# Characters that never belong in an offer: C0/C1 controls, replacement char, noncharacters.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff]")


def _refuse(source: str, reason: str) -> OfferFileError:
    return OfferFileError(source, reason)


def _size(n: float) -> str:
    """A French human size: 3_100_000 → "3,1 Mo", 2_000_000 → "2 Mo", 150 → "150 octets"."""
    for unit, scale in (("Mo", 1_000_000), ("ko", 1_000)):
        if n >= scale:
            value = f"{n / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return f"{int(n)} octets"


def _nul_pattern(data: bytes) -> str | None:
    """Which wide encoding a NUL pattern suggests: b"E\\x00m\\x00" → "UTF-16", else None."""
    head = data[:4000]
    if len(head) < 4 or b"\x00" not in head:
        return None
    quads = [head[i : i + 4] for i in range(0, len(head) - 3, 4)]
    if quads and sum(q.count(0) == 3 for q in quads) >= 0.8 * len(quads):
        return "UTF-32"
    even, odd = head[0::2], head[1::2]
    for zeros, text in ((even, odd), (odd, even)):
        if zeros.count(0) >= 0.8 * len(zeros) and text.count(0) <= 0.1 * len(text):
            return "UTF-16"
    return None


def _odd_count(text: str) -> int:
    return sum(1 for c in text if ord(c) > 0x7E and c not in _FRENCH and not c.isspace())


def _plausible(text: str) -> bool:
    """Whether a decoded text reads as French rather than mojibake or binary noise."""
    if _CONTROL_RE.search(text.rstrip("\x1a")):
        return False
    odd = _odd_count(text)
    non_ascii = sum(1 for c in text if ord(c) > 0x7E)
    # A stray symbol is tolerated; a text where odd characters are common is not.
    return odd <= 2 or (odd <= 0.01 * len(text) and odd <= 0.2 * non_ascii)


def _single_byte(data: bytes) -> tuple[str, str] | None:
    """The most French-looking single-byte decoding, or None if none is plausible."""
    best: tuple[int, int, str, str] | None = None
    # Latin-1 differs from cp1252 only on 0x80–0x9F, which it maps to C1 controls that
    # _plausible refuses: it is the last resort and cannot beat cp1252 on real text.
    # Latin-9 differs on œ Œ € Ÿ (0xBD 0xBC 0xA4 0xBE) and wins when it reads more French.
    for rank, encoding in enumerate(("cp1252", "iso8859-15", "latin-1")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _plausible(text):
            continue
        candidate = (_odd_count(text), rank, text, encoding)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    return (best[2], best[3]) if best else None


def normalise_text(text: str) -> str:
    """One newline convention, NFC, no invisible characters (`indexer.hygiene`), no DOS EOF
    mark: "a\r\nb\x1a" → "a\nb"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.rstrip("\x1a")  # DOS end-of-file mark left by old editors
    return clean_text(text)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Strictly decoded, NFC text and its encoding: b"Employeur : \\xeeles" → ("Employeur : îles", "cp1252")."""
    if not data.strip():
        raise _refuse(source, "fichier vide" if not data else "fichier vide (seulement des espaces)")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _refuse(source, "encodage UTF-32 non pris en charge (enregistrer le fichier en UTF-8)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(source, "encodage UTF-16 non pris en charge (enregistrer le fichier en UTF-8)")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _refuse(source, f"fichier binaire ({kind}), pas un texte")
    if b"\x00" in data:
        wide = _nul_pattern(data)
        if wide:
            raise _refuse(source, f"encodage {wide} non pris en charge (enregistrer le fichier en UTF-8)")
        raise _refuse(source, "fichier binaire (octets NUL), pas un texte")

    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        found = _single_byte(data)
        if found is None:
            raise _refuse(
                source, "encodage illisible : ni UTF-8, ni Windows-1252, ni Latin-1 plausible"
            ) from None
        text, encoding = found
    else:
        if text.startswith("\ufeff"):
            text, encoding = text[1:], "utf-8-sig"
        # Valid UTF-8 is trusted as to its alphabet; only control characters are refused.
        if _CONTROL_RE.search(text.rstrip("\x1a")):
            raise _refuse(source, "fichier binaire ou corrompu (caractères de contrôle)")

    text = normalise_text(text)
    if not text.strip().strip(INVISIBLE).strip():
        raise _refuse(source, "fichier vide (seulement des espaces)")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # pragma: no cover - strict codecs cannot produce surrogates
        raise _refuse(source, "texte invalide (caractère de substitution isolé)") from None
    return text, encoding


def decode_file_bytes(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Like :func:`read_text` for a file whose bytes were already read (the builder reads each
    file once, for its digest and its text)."""
    if len(data) > max_bytes:
        raise _refuse(source, f"fichier trop volumineux ({_size(len(data))} > {_size(max_bytes)})")
    return decode_bytes(data, source)


def read_bounded(handle, size: int, max_bytes: int) -> bytes:
    """A file's bytes, at most ``max_bytes + 1`` (one more says it is too big).

    One byte more than ``size`` (what stat() said) catches a file that grew since; then the
    rest, up to one byte more than allowed. Asking for ``max_bytes + 1`` at once would
    allocate that much for every file.
    """
    data = handle.read(min(size, max_bytes) + 1)
    if len(data) > size and len(data) <= max_bytes:
        data += handle.read(max_bytes + 1 - len(data))
    return data


def read_text(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """A file's text and encoding, or OfferFileError: "offre.txt" → ("Travailleur social\\n...", "utf-8")."""
    source = os.fspath(path)
    try:
        size = os.stat(source).st_size
        if size > max_bytes:
            raise _refuse(source, f"fichier trop volumineux ({_size(size)} > {_size(max_bytes)})")
        with open(source, "rb") as handle:
            data = read_bounded(handle, size, max_bytes)
    except FileNotFoundError:
        raise _refuse(source, "fichier introuvable (supprimé ou déplacé pendant la lecture)") from None
    except PermissionError:
        raise _refuse(source, "fichier illisible : permission refusée") from None
    except IsADirectoryError:
        raise _refuse(source, "ce n'est pas un fichier mais un dossier") from None
    except OSError as exc:
        raise _refuse(source, f"erreur de lecture : {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise _refuse(source, f"fichier trop volumineux (plus de {_size(max_bytes)})")
    return decode_bytes(data, source)
