"""A job site's folder as published (tests/fixtures/site, written for these tests in the OPT-NC
site's manner): offers in two Markdown templates and JSON-LD, a news post, a home page."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.errors import OfferFileError
from indexer.parsing import parse_offer

D = dt.date
SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
OPT = "Office des postes et télécommunications"
FIELDS = ("reference", "title", "employer", "corps", "direction", "commune", "posted", "deadline", "start",
          "contact_email", "contact_phone", "url", "pdf_url", "rome_code", "rome_label", "latitude", "longitude",
          "republished")

OFFERS = {
    "metiers__3134-26-0677_SR.md": dict(
        reference="3134-26-0677/SR", title="Chef(fe) d'équipe \"réseau\" – Agence de Koné", employer=OPT,
        corps="Technicien", direction="Direction des télécommunications", commune="Koné", posted=D(2026, 5, 8),
        deadline=D(2026, 5, 29), start="Dès que possible", contact_email="drh@example.nc",
        contact_phone="27 12 34", url="https://example.nc/offres/3134-26-0677_SR/",
        pdf_url="https://example.nc/avp/26-0677.pdf", rome_code="I1307",
        rome_label="Installation et maintenance télécoms", latitude=-21.0595, longitude=164.8658, republished=None,
    ),
    "avps__3134-26-0677_SR.json": dict(
        reference="3134-26-0677/SR", title="Chef(fe) d'équipe réseau", employer=OPT, corps=None, direction=None,
        commune="Koné", posted=D(2026, 4, 24), deadline=D(2026, 5, 29), start=None, contact_email="drh@example.nc",
        contact_phone="+687 27 12 34", url=None, pdf_url=None, rome_code="I1307",
        rome_label="Installation et maintenance télécoms", latitude=-21.0595, longitude=164.8658, republished=None,
    ),
    "data__3134-26-0680_SR_du_8_mai_2026.md": dict(
        reference="3134-26-0680/SR", title="Gestionnaire paie", employer=OPT, corps="Adjoint administratif",
        direction="Direction des ressources humaines", commune="Nouméa", posted=D(2026, 5, 8),
        deadline=D(2026, 5, 29), start=None, contact_email=None, contact_phone="26.11.22", url=None,
        pdf_url="https://example.nc/avp/26-0680.pdf", rome_code=None, rome_label=None, latitude=None,
        longitude=None, republished=None,
    ),
}


@pytest.mark.parametrize("name", sorted(OFFERS))
def test_offer_fields(name: str) -> None:
    offer = parse_offer(SITE / name)
    assert {field: getattr(offer, field) for field in FIELDS} == OFFERS[name]
    assert offer.warnings == ()


def test_markup_is_not_text_and_links_keep_theirs() -> None:
    offer = parse_offer(SITE / "metiers__3134-26-0677_SR.md")
    assert "{{" not in offer.text and "avp-header" not in offer.text and "[1]" not in offer.text
    assert "Au sein de l'agence de Koné, vous encadrez" in offer.text
    assert "Poste ouvert aux agents de catégorie B." in offer.text  # a paired shortcode keeps its content
    assert "Candidatures à drh@example.nc ou sur https://example.nc/postuler." in offer.text
    assert [name for name, _ in offer.sections] == ["Description du poste", "Missions", "Candidature"]


@pytest.mark.parametrize("name", ["actus__2026-07-01-mot.md", "_index.md"])
def test_site_pages_are_refused(name: str) -> None:
    with pytest.raises(OfferFileError) as caught:
        parse_offer(SITE / name)
    assert caught.value.reason == "pas une offre d’emploi"


def _offres(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_offres_build_skips_and_names_the_pages(tmp_path: Path) -> None:
    index = str(tmp_path / "index")
    built = _offres("build", str(SITE), "--index", index)
    assert built.returncode == 1, built.stderr  # built, some files skipped
    report = built.stdout + built.stderr
    for name in ("actus__2026-07-01-mot.md", "_index.md"):
        assert f"{SITE / name} : pas une offre d’emploi" in report
    assert "2 offres indexées" in report
    shown = _offres("show", "--index", index, "--json", "3134-26-0680/SR")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert (data["reference"], data["employer"], data["pdf_url"]) == (
        "3134-26-0680/SR", OPT, "https://example.nc/avp/26-0680.pdf")


NEW_FIELDS = ("contact_email", "contact_phone", "url", "pdf_url", "rome_code", "rome_label", "contract", "category",
              "latitude", "longitude", "republished")


def test_every_new_field_reaches_the_json_api_and_the_cli(tmp_path: Path) -> None:
    from indexer import build_index
    from searchweb import create_app

    build_index(SITE, tmp_path / "index")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "RATELIMIT_PER_MINUTE": 0, "TESTING": True}).test_client()
    response = client.get("/api/offres/3134-26-0677-SR")
    assert response.status_code == 200
    data = response.get_json()
    assert {name: data[name] for name in NEW_FIELDS} == {
        "contact_email": "drh@example.nc", "contact_phone": "27 12 34",
        "url": "https://example.nc/offres/3134-26-0677_SR/", "pdf_url": "https://example.nc/avp/26-0677.pdf",
        "rome_code": "I1307", "rome_label": "Installation et maintenance télécoms", "contract": None,
        "category": None, "latitude": -21.0595, "longitude": 164.8658,
        # the JSON-LD's deposit date and the Markdown page's "du 8 mai 2026": a republication
        "republished": "2026-05-08",
    }
    assert data["posted"] == "2026-04-24"
    shown = _offres("show", "--index", str(tmp_path / "index"), "--json", "3134-26-0677/SR")
    assert {name: json.loads(shown.stdout)[name] for name in NEW_FIELDS} == {name: data[name] for name in NEW_FIELDS}


def test_what_the_offer_page_tests_state_is_read(tmp_path: Path) -> None:
    """The offer page's own OPT-shaped fixtures (tests/web_helpers.py) list what their files
    state; parsing reads every one of those values."""
    from web_helpers import OPT_JSONLD_SLUG, OPT_MARKDOWN_SLUG, OPT_STATED, write_opt_corpus

    folder = write_opt_corpus(tmp_path / "opt")
    offers = {slug: parse_offer(next(folder.glob(f"*{slug}*"))) for slug in (OPT_MARKDOWN_SLUG, OPT_JSONLD_SLUG)}
    for slug, stated in OPT_STATED.items():
        assert {name: getattr(offers[slug], name) for name in stated} == stated
