"""`make run`'s build step: it goes on after exit 1 (built, some files skipped) and stops on
exit 2 (nothing switched in), so the site never starts on a build that did not happen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ROOT, SEED_CORPUS

VENV = Path(sys.executable).parents[1]


def make(*targets: str, **variables: str) -> subprocess.CompletedProcess:
    # -o: the venv is the one running this test; never reinstall it from here.
    args = ["make", "-C", str(ROOT), "-o", f"{VENV}/.installed", f"VENV={VENV}", *targets,
            *(f"{k}={v}" for k, v in variables.items())]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def test_build_goes_on_when_files_were_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEED_CORPUS.iterdir():
        (corpus / seed.name).write_bytes(seed.read_bytes())
    (corpus / "vide.txt").write_text("", encoding="utf-8")  # skipped: exit 1
    result = make("build", CORPUS=str(corpus), INDEX=str(tmp_path / "index"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 fichier(s) ignoré(s)" in result.stdout


def test_run_stops_when_nothing_was_built(tmp_path):
    # A missing corpus: offres build exits 2, and make never reaches `offres serve`.
    result = make("run", CORPUS=str(tmp_path / "absent"), INDEX=str(tmp_path / "index"),
                  PORT="1")
    assert result.returncode != 0
    assert "offres serve" not in result.stdout
    assert "offres:" in result.stderr
