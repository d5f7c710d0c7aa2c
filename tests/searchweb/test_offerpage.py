"""The offer page's view model: the place once, contact links with safe schemes, the
« Postuler » block, the map point and the moved-deadline notice (tables of French inputs)."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.offer import Offer
from searchweb import frdates
from searchweb.offerpage import (
    ContactLink, apply_block, email_links, is_apply_heading, key_facts, map_point, other_facts,
    phone_links, place_of, rescheduled_notice, safe_url,
)

TODAY = dt.date(2025, 8, 15)


@pytest.mark.parametrize("location, commune, province, expected", [
    ("Nouméa", "Nouméa", "Province Sud", "Nouméa (Province Sud)"),
    ("Agence Entreprises - 9 rue du Général Galliéni Nouméa", "Nouméa", "Province Sud",
     "Agence Entreprises - 9 rue du Général Galliéni Nouméa (Province Sud)"),
    ("Agence de Wé", "Lifou", "Province des îles Loyauté",
     "Agence de Wé, Lifou (Province des îles Loyauté)"),
    ("Grand Nouméa", None, "Province Sud", "Grand Nouméa (Province Sud)"),
    (None, "Koné", "Province Nord", "Koné (Province Nord)"),
    ("Centre médico-social de la province Nord, Koné", "Koné", "Province Nord",
     "Centre médico-social de la province Nord, Koné"),
    (None, None, "Province Sud", "Province Sud"),
    (None, None, None, None),
])
def test_place_is_said_once(location, commune, province, expected):
    assert place_of(location, commune, province) == expected


@pytest.mark.parametrize("heading, expected", [
    ("📬 Contact & Modalités de candidature", True),
    ("📞 Contact et modalités de candidature", True),
    ("Pièces à fournir", True),
    ("📎 PIÈCES À FOURNIR", True),
    ("Candidature", True),
    ("Comment postuler ?", True),
    ("Profil du candidat", False),
    ("Missions", False),
    ("Détails de l’offre", False),
])
def test_apply_headings(heading, expected):
    assert is_apply_heading(heading) is expected


@pytest.mark.parametrize("value, expected", [
    ("https://data.gouv.nc/explore/dataset/avp/files/26-0712.pdf/download/",
     "https://data.gouv.nc/explore/dataset/avp/files/26-0712.pdf/download/"),
    ("http://www.opt.nc/emploi", "http://www.opt.nc/emploi"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//evil.example/x", None),
    ("/images/avps/3134-26-0712_SR.png", None),
    ('https://x.nc/"><script>', None),
    ("", None),
    (None, None),
])
def test_only_absolute_http_links(value, expected):
    assert safe_url(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("26.82.82", [ContactLink("26.82.82", "tel:+687268282")]),
    ("26.82.82 ou 77.35.00", [ContactLink("26.82.82", "tel:+687268282"),
                              ContactLink("77.35.00", "tel:+687773500")]),
    ("(+687) 27 11 22", [ContactLink("(+687) 27 11 22", "tel:+687271122")]),
    ("+687 27.11.22", [ContactLink("+687 27.11.22", "tel:+687271122")]),
    ("poste 1234", [ContactLink("poste 1234", None)]),
    ("javascript:alert(1)", [ContactLink("javascript:alert(1)", None)]),
    (None, []),
])
def test_phone_links(value, expected):
    assert phone_links(value) == expected


def test_email_links_carry_the_offer_as_subject_and_refuse_what_is_not_an_address():
    assert email_links("mobilite.rh@opt.nc", "Candidature — 3134-26-0712/SR") == [ContactLink(
        "mobilite.rh@opt.nc",
        "mailto:mobilite.rh@opt.nc?subject=Candidature%20%E2%80%94%203134-26-0712%2FSR")]
    assert email_links("drh@province-sud.nc, recrutement@province-sud.nc", "") == [
        ContactLink("drh@province-sud.nc", "mailto:drh@province-sud.nc"),
        ContactLink("recrutement@province-sud.nc", "mailto:recrutement@province-sud.nc")]
    assert email_links('"><img src=x onerror=alert(1)>', "") == [
        ContactLink('"><img src=x onerror=alert(1)>', None)]
    assert email_links(None, "x") == []


OFFER = Offer(reference="3134-26-0712/SR", title="Chef(fe) de centre", employer="OPT-NC",
              corps="Cadre technique", location="Nouméa", commune="Nouméa",
              province="Province Sud", residence="au moins égale à 5 ans",
              posted=dt.date(2025, 8, 8), deadline=dt.date(2025, 8, 20), start="2025-09-01",
              contact_email="mobilite.rh@opt.nc", contact_phone="26.82.82",
              url="javascript:alert(1)", pdf_url="https://data.gouv.nc/x/26-0712.pdf",
              latitude=-22.2701867, longitude=166.4392775)


def test_apply_block():
    block = apply_block(OFFER, TODAY)
    assert (block.deadline, block.deadline_iso) == ("mercredi 20 août 2025", "2025-08-20")
    assert block.status == frdates.DeadlineStatus("clôture dans 5 jours", "soon")
    assert [link.href for link in block.phones] == ["tel:+687268282"]
    assert block.emails[0].href.startswith("mailto:mobilite.rh@opt.nc?subject=Candidature")
    assert (block.original_url, block.pdf_url) == (None, "https://data.gouv.nc/x/26-0712.pdf")
    assert block.has_contact
    bare = apply_block(Offer(title="x", deadline=dt.date(2025, 8, 1)), TODAY)
    assert bare.status.label == "clôturée le 1er août 2025" and not bare.has_contact


def test_first_screen_facts_then_the_others():
    assert key_facts(OFFER) == [
        ("Employeur", "OPT-NC"),
        ("Lieu de travail", "Nouméa (Province Sud)"),
        ("Date limite de candidature", "mercredi 20 août 2025"),
        ("Poste à pourvoir", "lundi 1er septembre 2025"),
    ]
    assert other_facts(OFFER) == [
        ("Corps ou cadre d’emploi", "Cadre technique"),
        ("Durée de résidence exigée", "au moins égale à 5 ans"),
        ("Date de dépôt", "vendredi 8 août 2025"),
        ("Référence", "3134-26-0712/SR"),
    ]
    assert ("Durée de résidence exigée", "/") not in other_facts(OFFER.replace(residence="/"))
    province_hires = OFFER.replace(employer="Province Sud", start="Immédiatement")
    assert dict(key_facts(province_hires))["Lieu de travail"] == "Nouméa"
    assert dict(key_facts(province_hires))["Poste à pourvoir"] == "Immédiatement"


@pytest.mark.parametrize("latitude, longitude, shown", [
    (-22.2701867, 166.4392775, True),
    (None, 166.4, False),
    (0.0, 0.0, False),
    (-122.0, 166.4, False),
])
def test_map_point_only_for_usable_coordinates(latitude, longitude, shown):
    point = map_point(OFFER.replace(latitude=latitude, longitude=longitude))
    assert (point is not None) is shown
    if point:
        assert point.label == "Nouméa (Province Sud)"
        assert point.osm_url.startswith("https://www.openstreetmap.org/?mlat=-22.270187&mlon=166.439278")


@pytest.mark.parametrize("text, expected", [
    ("Date limite : 8 août\nModification de la date de clôture initialement prévue le 18/07/2025\n",
     "Modification de la date de clôture initialement prévue le vendredi 18 juillet 2025"),
    ("|Modification de la date de clôture initialement prévue le :|10/01/2025|",
     "Modification de la date de clôture initialement prévue le vendredi 10 janvier 2025"),
    ("La date de clôture initialement prévue le 06/06/2025 a été reportée.",
     "La date de clôture initialement prévue le vendredi 6 juin 2025 a été reportée."),
    ("Modification de la date de clôture initialement prévue le 31/02/2025",
     "Modification de la date de clôture initialement prévue le 31/02/2025"),
    ("Date limite de candidature : vendredi 8 août 2025", None),
])
def test_moved_deadline_notice(text, expected):
    assert rescheduled_notice(text) == expected


@pytest.mark.parametrize("deadline, label, kind", [
    ("2025-08-14", "clôturée le 14 août 2025", "closed"),
    ("2025-08-15", "clôture aujourd’hui", "soon"),
    ("2025-08-16", "clôture demain", "soon"),
    ("2025-08-20", "clôture dans 5 jours", "soon"),
    ("2025-09-12", "ouverte", "open"),
])
def test_deadline_badges_in_words(deadline, label, kind):
    assert frdates.deadline_status(deadline, TODAY) == frdates.DeadlineStatus(label, kind)


@pytest.mark.parametrize("value, expected", [
    ("2025-04-29", "mardi 29 avril 2025"),
    ("Immédiatement", "Immédiatement"),
    ("Susceptible d'être vacant", "Susceptible d'être vacant"),
    (None, ""),
])
def test_start_date_in_french(value, expected):
    assert frdates.day_or_text(value) == expected
