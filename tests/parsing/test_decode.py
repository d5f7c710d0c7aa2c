"""Decoding offer files: what is accepted (and as which encoding) and what is refused, and why."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from indexer.errors import OfferFileError
from indexer.parsing.decode import decode_bytes, read_bounded, read_text

FRENCH = "Employeur : Province des îles Loyauté\nLieu de travail : Lifou – Wé\nL’agent retenu sera chargé de l’accueil.\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (FRENCH.encode("utf-8"), FRENCH, "utf-8"),
        (FRENCH.encode("cp1252"), FRENCH, "cp1252"),
        ("Employeur : Province des îles\n".encode("cp1252"), "Employeur : Province des îles\n", "cp1252"),
        # Latin-9 stores œ at 0xBD, where cp1252 has ½: the more French reading wins.
        ("Le cœur du métier : œuvrer\n".encode("iso8859-15"), "Le cœur du métier : œuvrer\n", "iso8859-15"),
        (b"\xef\xbb\xbfTravailleur social\n", "Travailleur social\n", "utf-8-sig"),
        (b"Ligne 1\r\nLigne 2\rLigne 3\n", "Ligne 1\nLigne 2\nLigne 3\n", "utf-8"),
        # NFD (macOS) → NFC
        ("Poste a\u0300 pourvoir".encode("utf-8"), "Poste à pourvoir", "utf-8"),
        (b"Offre\r\n\x1a", "Offre\n", "utf-8"),
    ],
)
def test_decode_accepts(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data, "offre.txt") == (text, encoding)


def _random_bytes(n: int) -> bytes:
    rng = random.Random(1234)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "fichier vide"),
        (b"  \n\t\r\n ", "fichier vide (seulement des espaces)"),
        ("\u00a0\u200b\n".encode("utf-8"), "fichier vide (seulement des espaces)"),
        (b"\xef\xbb\xbf\n", "fichier vide (seulement des espaces)"),
        (FRENCH.encode("utf-16"), "encodage UTF-16 non pris en charge (enregistrer le fichier en UTF-8)"),
        (FRENCH.encode("utf-16-le"), "encodage UTF-16 non pris en charge (enregistrer le fichier en UTF-8)"),
        (FRENCH.encode("utf-16-be"), "encodage UTF-16 non pris en charge (enregistrer le fichier en UTF-8)"),
        (FRENCH.encode("utf-32"), "encodage UTF-32 non pris en charge (enregistrer le fichier en UTF-8)"),
        (FRENCH.encode("utf-32-le"), "encodage UTF-32 non pris en charge (enregistrer le fichier en UTF-8)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "fichier binaire (image PNG), pas un texte"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "fichier binaire (document PDF), pas un texte"),
        (b"Employeur\x00: Province\x00\x00\x01 Sud", "fichier binaire (octets NUL), pas un texte"),
        (b"Offre\x1b[31m rouge\n", "fichier binaire ou corrompu (caractères de contrôle)"),
        (_random_bytes(2000).replace(b"\x00", b"\x01"), "encodage illisible : ni UTF-8, ni Windows-1252, ni Latin-1 plausible"),
        # Every byte decodes in cp1252, but a text made of symbols is not French.
        (bytes(range(0xA0, 0x100)) * 3, "encodage illisible : ni UTF-8, ni Windows-1252, ni Latin-1 plausible"),
        # cp1252 leaves 0x81 undefined and Latin-1 turns it into a C1 control.
        (b"Employeur : Province Sud \x81\x8d\n", "encodage illisible : ni UTF-8, ni Windows-1252, ni Latin-1 plausible"),
    ],
)
def test_decode_refuses(data: bytes, reason: str) -> None:
    with pytest.raises(OfferFileError) as caught:
        decode_bytes(data, "offre.txt")
    assert caught.value.reason == reason
    assert caught.value.path == "offre.txt"


def test_read_text_reads_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "offre.txt"
    path.write_bytes("Employeur : Province des îles Loyauté\n".encode("cp1252"))
    assert read_text(path) == ("Employeur : Province des îles Loyauté\n", "cp1252")


@pytest.mark.parametrize(
    ("size", "max_bytes", "reason"),
    [
        (3_100_000, 2_000_000, "fichier trop volumineux (3,1 Mo > 2 Mo)"),
        (150, 100, "fichier trop volumineux (150 octets > 100 octets)"),
        (2_500, 2_000, "fichier trop volumineux (2,5 ko > 2 ko)"),
    ],
)
def test_read_text_refuses_oversize(tmp_path: Path, size: int, max_bytes: int, reason: str) -> None:
    path = tmp_path / "gros.txt"
    path.write_bytes(b"a" * size)
    with pytest.raises(OfferFileError) as caught:
        read_text(path, max_bytes=max_bytes)
    assert caught.value.reason == reason


def test_read_text_accepts_exactly_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "juste.txt"
    path.write_bytes(b"a" * 100)
    assert read_text(path, max_bytes=100) == ("a" * 100, "utf-8")


def test_read_text_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(OfferFileError) as caught:
        read_text(tmp_path / "parti.txt")
    assert caught.value.reason == "fichier introuvable (supprimé ou déplacé pendant la lecture)"


def test_read_text_refuses_directory(tmp_path: Path) -> None:
    with pytest.raises(OfferFileError) as caught:
        read_text(tmp_path)
    assert caught.value.reason == "ce n'est pas un fichier mais un dossier"


def test_read_text_refuses_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Employeur : Province Sud\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user (root) who can read a chmod 000 file")
        with pytest.raises(OfferFileError) as caught:
            read_text(path)
        assert caught.value.reason == "fichier illisible : permission refusée"
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize(("length", "stated", "max_bytes", "read"), [
    (10, 10, 100, 10),    # as stat() said
    (40, 10, 100, 40),    # grew since stat(): the rest is read too
    (200, 10, 100, 101),  # grew past the limit: one byte more says so
    (200, 200, 100, 101),  # too big from the start: never read whole
    (100, 100, 100, 100),  # exactly the limit
    (5, 10, 100, 5),      # shrank since stat()
    (0, 0, 100, 0),
])
def test_read_bounded_reads_at_most_one_byte_past_the_limit(
        tmp_path: Path, length: int, stated: int, max_bytes: int, read: int) -> None:
    path = tmp_path / "offre.txt"
    path.write_bytes(bytes(range(256)) * (length // 256) + bytes(range(length % 256)))
    with open(path, "rb") as handle:
        data = read_bounded(handle, stated, max_bytes)
    assert data == path.read_bytes()[:read]
