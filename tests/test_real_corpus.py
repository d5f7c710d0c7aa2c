"""The real OPT-NC sample (../shared/real-nc-dev), built and compared with its expected.json.

Skipped only where the shared folder is absent (a clone without ../shared). The comparison
itself is bench/real_nc_check.py's, which prints the same figures and every miss.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "real-nc-dev"
_CHECK = Path(__file__).resolve().parents[1] / "bench" / "real_nc_check.py"

pytestmark = pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"{SAMPLE} absent (no ../shared beside the clone)")


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("real_nc_check", _CHECK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.check(SAMPLE, tmp_path_factory.mktemp("real-nc"))


def test_references_are_found(figures) -> None:
    assert figures.found_share >= 0.98, figures.misses


@pytest.mark.parametrize("name", ["title", "deadline", "employer", "posted"])
def test_each_field_is_right(figures, name: str) -> None:
    assert figures.stated[name] > 0
    assert figures.share(name) >= 0.95, [m for m in figures.misses if f": {name} = " in m]


def test_no_page_that_is_not_an_offer_is_indexed(figures) -> None:
    assert figures.not_offers == []
    refused = [Path(path).name for path, reason in figures.skipped if reason == "pas une offre d’emploi"]
    assert refused, "the sample's news posts are named in the build report"
