"""No single file can stop a build, and every reason is French: special
files are refused before they are opened, a bad file is skipped with a reason, and a build
that switched nothing in exits 2."""

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import BuildFailedError, IndexNotFoundError, build_index, open_index, rollback
from indexer.building.corpus import os_reason, read_offer
from indexer.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def cli(*args, timeout=120):
    """The real command, in its own process: a build that hangs fails the test, not the suite."""
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout)


def specials(corpus: Path) -> dict[str, str]:
    """A FIFO (with and without an offer's suffix), a socket and a device; name -> kind."""
    os.mkfifo(corpus / "tube.txt")
    os.mkfifo(corpus / "tube")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(corpus / "prise.md"))
    server.close()
    os.mknod(corpus / "null.html", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    return {"tube.txt": "tube nommé", "tube": "tube nommé", "prise.md": "socket",
            "null.html": "périphérique"}


@pytest.mark.parametrize("incremental", [False, True])
def test_special_files_are_refused_before_opening(tmp_path, incremental):
    corpus = seeds(tmp_path / "corpus")
    index = tmp_path / "index"
    if incremental:
        build_index(corpus, index)
    kinds = specials(corpus)
    args = ["build", str(corpus), "--index", str(index), "--json"]
    result = cli(*args, *(["--incremental"] if incremental else []), timeout=60)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == set(kinds)
    for name, kind in kinds.items():
        assert "pas un fichier ordinaire" in reasons[name] and kind in reasons[name]
    assert report["indexed"] == len(SEEDS)
    # The lock was released: the next build is not refused « indexation déjà en cours ».
    assert cli(*args, timeout=60).returncode == 1


def test_read_offer_never_opens_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "tube.txt")
    code = (f"from indexer.building.corpus import read_offer; "
            f"print(read_offer({str(tmp_path / 'tube.txt')!r}, 2_000_000).reason)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=30)
    assert "pas un fichier ordinaire (tube nommé, FIFO)" in result.stdout, result.stderr


def bad_files(corpus: Path) -> dict[str, str]:
    """One of each file that used to stop the whole build; shown name -> words of the reason."""
    (corpus / "profond.json").write_text("[" * 50_000 + "]" * 50_000)
    (corpus / "chiffres.json").write_text(
        '{"@type": "JobPosting", "title": "Agent", "identifier": 1' + "0" * 5000 + "}")
    seed = SEEDS[0].read_bytes()
    (corpus / os.fsdecode(b"caf\xe9.txt")).write_bytes(seed)
    (corpus / os.fsdecode(b"dossier\xe9")).mkdir()
    (corpus / os.fsdecode(b"dossier\xe9") / "offre.txt").write_bytes(seed)
    return {"profond.json": "trop imbriquée", "chiffres.json": "le lecteur a échoué (ValueError)",
            "caf\ufffd.txt": "pas en UTF-8", "dossier\ufffd": "pas en UTF-8"}


@pytest.mark.parametrize("incremental", [False, True])
def test_one_bad_file_never_stops_the_build(tmp_path, incremental):
    corpus = seeds(tmp_path / "corpus")
    index = tmp_path / "index"
    if incremental:
        build_index(corpus, index)
    expected = bad_files(corpus)
    result = cli("build", str(corpus), "--index", str(index), "--json",
                 *(["--incremental"] if incremental else []))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert words in reasons[name]
    with open_index(index) as served:
        assert served.search("").total == len(SEEDS)
    text = cli("build", str(corpus), "--index", str(index))  # the plain report prints too
    assert text.returncode == 1 and "caf\ufffd.txt" in text.stdout


def test_nothing_usable_keeps_the_served_index_and_exits_2(tmp_path):
    corpus = seeds(tmp_path / "corpus")
    index = tmp_path / "index"
    build_index(corpus, index)
    for path in corpus.iterdir():
        path.write_bytes(b"")
    with pytest.raises(BuildFailedError, match="aucune offre exploitable"):
        build_index(corpus, index)
    result = cli("build", str(corpus), "--index", str(index))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "l’index en service n’a pas changé" in result.stderr
    with open_index(index) as served:
        assert served.search("").total == len(SEEDS)


def test_the_make_target_stops_on_2_and_carries_on_on_1(tmp_path):
    """`make run` builds with the Makefile's own line; exit 2 must stop it, 1 must not."""
    line = next(line for line in (ROOT / "Makefile").read_text().splitlines()
                if "$(BIN)/offres build " in line)
    command = line.strip().replace("$(BIN)/offres", "exit_with").replace("$$", "$")
    for code, proceeds in ((0, True), (1, True), (2, False)):
        shell = f"exit_with() {{ return {code}; }}; {command} && echo proceeds"
        out = subprocess.run(["sh", "-c", shell], capture_output=True, text=True).stdout
        assert ("proceeds" in out) is proceeds, (code, command)


@pytest.mark.parametrize("errno_name, words", [
    ("ENOENT", "introuvable"), ("EACCES", "permission refusée"), ("ENOSPC", "disque plein"),
    ("EIO", "entrée-sortie"), ("ELOOP", "liens symboliques"), ("ENAMETOOLONG", "nom trop long"),
    ("ECONNRESET", "erreur système ECONNRESET"),
])
def test_os_errors_read_in_french(errno_name, words):
    import errno

    code = getattr(errno, errno_name)
    reason = os_reason(OSError(code, os.strerror(code)))
    assert words in reason
    assert os.strerror(code) not in reason


def test_a_file_gone_while_reading_is_explained_in_french(tmp_path):
    reason = read_offer(tmp_path / "parti.txt", 2_000_000).reason
    assert reason == "fichier illisible : introuvable (supprimé ou déplacé pendant la lecture)"
    assert "No such file" not in reason


def test_rollback_on_a_missing_folder_creates_nothing(tmp_path):
    missing = tmp_path / "missing"
    with pytest.raises(IndexNotFoundError):
        rollback(missing)
    assert not missing.exists()
    assert main(["rollback", "--index", str(missing)]) == 2
    assert not missing.exists()
