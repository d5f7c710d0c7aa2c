"""Packaging facts the wheel and sdist rely on (CI's .ci/package-smoke builds and installs them)."""

from __future__ import annotations

import re
import tomllib

from support import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_no_test_imports_conftest():
    offenders = [
        str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("*.py")
        if re.search(r"^\s*(from\s+(tests\.)?conftest\s+import|import\s+(tests\.)?conftest)",
                     path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


def test_metadata_states_licence_platform_and_pythons():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    classifiers = set(project["classifiers"])
    assert {"Operating System :: POSIX", "Typing :: Typed", "Natural Language :: French"} <= classifiers
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (11, 12, 13)} <= classifiers
    assert project["requires-python"] == ">=3.11"


def test_typed_packages_ship_their_marker_and_data():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package in ("indexer", "searchweb"):
        assert (ROOT / package / "py.typed").exists() and "py.typed" in data[package]
    assert (ROOT / "indexer" / "analysis" / "data" / "synonyms.txt").exists()


def test_the_sdist_carries_the_suite():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    for line in ("graft tests", "graft corpus", "include LICENSE"):
        assert line in manifest


def test_locks_pin_every_dependency_with_hashes():
    for name in ("run.txt", "test.txt", "build.txt"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==\S+", text, re.M)
        assert pins, name
        for block in re.split(r"\n(?=[A-Za-z0-9_.-]+==)", text.split("\n", 2)[-1]):
            if "==" in block:
                assert "--hash=sha256:" in block, (name, block.splitlines()[0])
    run = (ROOT / "requirements" / "run.txt").read_text(encoding="utf-8").lower()
    for dependency in ("whoosh==2.7.4", "flask==", "waitress==", "setuptools=="):
        assert dependency in run
