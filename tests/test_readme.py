"""The README's curl examples, run against the real app served by waitress on 127.0.0.1."""

import json
import re
import shlex
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from web_helpers import stop_server

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def curl_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## JSON API"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.startswith("curl ")]


@pytest.fixture(scope="module")
def server(seed_index_dir):
    import waitress

    from searchweb import create_app

    app = create_app({"INDEX_DIR": str(seed_index_dir), "RATELIMIT_PER_MINUTE": 0})
    httpd = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    stop_server(httpd, thread)


def run(command: str, base: str) -> str:
    command = command.replace("http://127.0.0.1:5000", base)
    if shutil.which("curl"):
        return subprocess.run(shlex.split(command), capture_output=True, text=True, check=True,
                              timeout=30).stdout
    url = shlex.split(command)[-1]  # no curl on this machine: the same GET with urllib
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def python_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    exec(compile(python_example(), "README.md", "exec"), names)
    assert names["report"].indexed == 5 and names["report"].skipped == []
    assert names["page"].total == 1 and names["page"].fallback is None
    assert [hit.reference for hit in names["page"].hits] == ["3134-24-1986/SR"]
    assert names["offer"].commune == "Houaïlou"
    assert capsys.readouterr().out.startswith("3134-24-1986/SR ")
    assert len(names["similar"]) == 4


def test_there_are_examples():
    assert len(curl_examples()) >= 5


# What each search example of the README finds on the five seed offers.
SEARCH_TOTALS = {
    "curl -s 'http://127.0.0.1:5000/api/search?q=educatrice'": 1,
    "curl -s 'http://127.0.0.1:5000/api/search?q=assistante+sociale&employer=Province+Nord"
    "&employer=Province+Sud&sort=date'": 5,
    "curl -s 'http://127.0.0.1:5000/api/search?q=travailleur+socail'": 5,
}


@pytest.mark.parametrize("command", curl_examples())
def test_readme_curl_example(server, command):
    data = json.loads(run(command, server))
    assert "error" not in data
    if "/api/search" in command:
        assert data["total"] == SEARCH_TOTALS[command]
        assert {"hits", "facets", "suggestion", "fallback"} <= set(data)
    if "socail" in command:
        assert data["suggestion"] == "travailleur social"
    if "/api/offres/" in command:
        assert data["commune"] == "Houaïlou"
