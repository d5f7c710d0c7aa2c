"""deploy/: the service started the way its systemd unit starts it, the rebuild unit run the
way the path unit runs it, and the settings the units rely on."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from units import DEPLOY, INSTALLED_OFFRES, read_env_file, read_unit
from web_helpers import write_corpus

OFFRES = str(Path(sys.executable).with_name("offres"))
HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
    "PrivateTmp": "yes", "PrivateDevices": "yes", "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes", "ProtectControlGroups": "yes", "RestrictNamespaces": "yes",
    "RestrictSUIDSGID": "yes", "LockPersonality": "yes", "MemoryDenyWriteExecute": "yes",
    "SystemCallArchitectures": "native", "CapabilityBoundingSet": "",
}


def command(unit: str) -> list[str]:
    """The unit's ExecStart, pointed at this checkout's `offres` instead of /opt/offres."""
    exec_start = read_unit(unit)["Service"]["ExecStart"]
    assert len(exec_start) == 1
    argv = shlex.split(exec_start[0])
    assert argv[0] == INSTALLED_OFFRES
    return [OFFRES, *argv[1:]]


def unit_environment(unit: str, **overrides: str) -> dict[str, str]:
    """The environment systemd gives the unit: its EnvironmentFile (deploy/offres.env), with
    this test's folders and port; no variable of the calling shell leaks in."""
    env_file = read_unit(unit)["Service"]["EnvironmentFile"]
    assert env_file == ["/etc/offres/offres.env"]
    env = read_env_file(DEPLOY / "offres.env")
    env.update(overrides)
    env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, host: str, seconds: float = 30.0) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            request = urllib.request.Request(url, headers={"Host": host})
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_rebuild_then_serve_as_the_units_do(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    port = free_port()
    folders = {"OFFRES_CORPUS": str(corpus), "OFFRES_INDEX": str(index)}

    rebuild = subprocess.run(command("offres-rebuild.service"), capture_output=True, text=True,
                             env=unit_environment("offres-rebuild.service", **folders),
                             timeout=300)
    accepted = {0, *map(int, read_unit("offres-rebuild.service")["Service"]["SuccessExitStatus"])}
    assert rebuild.returncode in accepted, rebuild.stdout + rebuild.stderr
    assert "offres indexées" in rebuild.stdout

    env = unit_environment("offres.service", OFFRES_PORT=str(port), **folders)
    process = subprocess.Popen(command("offres.service"), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        health = wait_for(f"http://127.0.0.1:{port}/healthz", process, "offres.example.nc")
        assert b'"doc_count":14' in health.replace(b" ", b"")
        # The env file's public URL and trusted proxy apply: nginx's headers are believed.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/flux.atom",
            headers={"Host": "offres.example.nc", "X-Forwarded-For": "203.0.113.7",
                     "X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert b"<id>https://offres.example.nc/" in response.read()
    finally:
        process.send_signal(signal.SIGTERM)  # what `systemctl stop` sends
        _, stderr = process.communicate(timeout=20)
    log = stderr.decode()
    assert "INFO offres.access: GET /flux.atom 200 " in log
    assert " 203.0.113.7" in log  # the visitor, not the proxy, is logged
    # Stopped by SIGTERM, not crashed: systemd counts -15 as a clean stop of Type=exec.
    assert process.returncode in (0, -signal.SIGTERM)


def test_units_are_hardened():
    for unit in ("offres.service", "offres-rebuild.service"):
        service = read_unit(unit)["Service"]
        for key, value in HARDENING.items():
            assert service.get(key) == [value], (unit, key)
        assert service["User"] == ["offres"]
    # The server writes nothing; the rebuild writes the index only, and needs no network.
    assert "ReadWritePaths" not in read_unit("offres.service")["Service"]
    rebuild = read_unit("offres-rebuild.service")["Service"]
    assert rebuild["ReadWritePaths"] == [read_env_file(DEPLOY / "offres.env")["OFFRES_INDEX"]]
    assert rebuild["PrivateNetwork"] == ["yes"]


def test_the_path_unit_watches_the_corpus_the_service_reads():
    path = read_unit("offres-rebuild.path")["Path"]
    assert path["PathChanged"] == [read_env_file(DEPLOY / "offres.env")["OFFRES_CORPUS"]]
    assert path["Unit"] == ["offres-rebuild.service"]
    assert read_unit("offres-rebuild.timer")["Timer"]["Unit"] == ["offres-rebuild.service"]


def test_nginx_sends_what_the_trusted_proxy_setting_expects():
    site = (DEPLOY / "nginx" / "offres.conf").read_text(encoding="utf-8")
    env = read_env_file(DEPLOY / "offres.env")
    assert f"server {env['OFFRES_TRUSTED_PROXY']}:{env['OFFRES_PORT']};" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert env["OFFRES_PUBLIC_URL"] == "https://" + env["OFFRES_TRUSTED_HOSTS"]
    assert f"server_name {env['OFFRES_TRUSTED_HOSTS']};" in site


def test_the_dockerfile_copies_files_that_exist_and_installs_with_hashes():
    # Docker cannot run here: what can be checked without it is checked.
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    root = DEPLOY.parent
    for line in text.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in line.split()[1:-1]:
                assert source == "." or (root / source).exists(), source
    for requirement in re.findall(r"-r (\S+)", text):
        path = root / requirement if (root / requirement).exists() else root / "requirements" / Path(requirement).name
        assert path.exists() and "--hash=sha256:" in path.read_text(encoding="utf-8")
    assert text.count("--require-hashes") == 2
    assert re.search(r"^USER offres$", text, re.M)  # not root
    for variable in ("OFFRES_HOST=0.0.0.0", "OFFRES_INDEX=", "OFFRES_CORPUS="):
        assert variable in text
