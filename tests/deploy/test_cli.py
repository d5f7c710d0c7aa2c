"""The command line an administrator meets: --version, `python -m indexer`, help in French
for every option, settings from OFFRES_* with the flags winning."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from indexer.cli import main, make_parser

OFFRES = str(Path(sys.executable).with_name("offres"))
# What argparse prints in English unless told otherwise.
ENGLISH = ("usage:", "positional arguments", "show this help message", "optional arguments",
           "show program's version", "error:", "required", "invalid choice")


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse offers no public way to list subcommands
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def run(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def test_version():
    expected = f"offres {importlib.metadata.version('offres')}"
    for command in ([OFFRES, "--version"], [sys.executable, "-m", "indexer", "--version"]):
        result = run(*command)
        assert (result.returncode, result.stdout.strip()) == (0, expected)


def test_python_m_indexer_is_the_same_command_line(seed_index_dir):
    via_module = run(sys.executable, "-m", "indexer", "search", "educatrice", "--json",
                     "--index", str(seed_index_dir))
    via_script = run(OFFRES, "search", "educatrice", "--json", "--index", str(seed_index_dir))
    assert via_module.returncode == via_script.returncode == 0
    module, script = json.loads(via_module.stdout), json.loads(via_script.stdout)
    module.pop("elapsed_ms"), script.pop("elapsed_ms")
    assert module == script and module["total"] >= 1


def test_every_option_has_french_help():
    parser = make_parser()
    commands = subparsers(parser)
    assert set(commands) == {"build", "search", "show", "serve", "rollback"}
    for name, sub in {"offres": parser, **commands}.items():
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)
        text = sub.format_help()
        assert text.startswith("utilisation : ")
        for english in ENGLISH:
            assert english not in text, (name, english)


@pytest.mark.parametrize("argv, french", [
    ([], "arguments obligatoires : COMMANDE"),
    (["show"], "arguments obligatoires : RÉFÉRENCE"),
    (["search", "--sort", "hasard"], "choix invalide"),
    (["build", "--max-bytes", "beaucoup"], "nombre entier attendu"),
    (["serve", "--inconnue"], "arguments inconnus : --inconnue"),
])
def test_usage_errors_are_french(capsys, argv, french):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "erreur : " in err and french in err
    assert not any(english in err for english in ENGLISH)


def test_an_unusable_setting_stops_serve_with_a_french_message(seed_index_dir):
    result = run(OFFRES, "serve", "--index", str(seed_index_dir),
                 env={"OFFRES_RATE_LIMIT": "beaucoup"})
    assert result.returncode == 2
    assert "doit être un nombre entier" in result.stderr and "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_flags_override_the_environment(seed_index_dir, tmp_path):
    from_env, from_flag = free_port(), free_port()
    env = {"OFFRES_PORT": str(from_env), "OFFRES_INDEX": str(tmp_path / "nothing-here"),
           "OFFRES_RATE_LIMIT": "1"}
    process = subprocess.Popen([OFFRES, "serve", "--port", str(from_flag),
                                "--index", str(seed_index_dir)],
                               env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{from_flag}/api/search?q=educatrice"
        for _ in range(150):
            assert process.poll() is None, process.stderr.read()
            try:
                first = urllib.request.urlopen(url, timeout=2).status
                break
            except OSError:
                time.sleep(0.2)
        # The flag's port and index; the environment's rate limit (no flag given for it).
        with pytest.raises(urllib.error.HTTPError) as limited:
            urllib.request.urlopen(url, timeout=2)
        assert (first, limited.value.code) == (200, 429)
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{from_env}/healthz", timeout=1)
    finally:
        process.terminate()
        process.communicate(timeout=20)
