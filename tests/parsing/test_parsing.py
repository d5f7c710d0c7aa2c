"""Offer parsing: every field of the five seeds, then each format as literal strings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from indexer.errors import OfferFileError
from indexer.offer import Offer
from indexer.parsing import parse_offer, parse_text, sniff_format
from indexer.parsing.fields import field_of_label, split_label

D = dt.date
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offers"

DPASS = "Direction Provinciale de l'Action Sanitaire et Sociale"
RESIDENCE = "au moins égale à 5 ans"

SEEDS: list[tuple[str, dict[str, Any]]] = [
    (
        "3134-24-1801-SR.txt",
        dict(
            reference="3134-24-1801/SR",
            title="Assistant(e) social(e) de polyvalence de secteur",
            employer="Province Sud",
            corps="Assistant",
            direction=DPASS,
            location="Grand Nouméa",
            commune=None,
            province="Province Sud",
            residence=RESIDENCE,
            posted=D(2024, 11, 22),
            deadline=D(2025, 3, 7),
            start="Immédiatement",
            respnc="Travailleur social",
            headings=("Détails de l’offre", "Missions"),
            warnings=(),
        ),
    ),
    (
        "3134-24-1986-SR.txt",
        dict(
            reference="3134-24-1986/SR",
            title="Travailleur social au service de protection de l'enfance (Bureau AED et Prévention)",
            employer="Province Sud",
            corps="Assistant socio-éducatif – assistant de service social ou éducateur spécialisé"
            " ou éducateur de jeunes enfants",
            direction=DPASS,
            location="Nouméa",
            commune="Nouméa",
            province="Province Sud",
            residence=RESIDENCE,
            posted=D(2024, 12, 20),
            deadline=D(2025, 1, 24),
            start="2025-04-29",
            respnc="Travailleur social",
            headings=("Détails de l’offre", "Missions"),
            warnings=(),
        ),
    ),
    (
        "3134-25-0731-SR.txt",
        dict(
            reference="3134-25-0731/SR",
            title="Travailleur social au bureau des informations signalantes et évaluations du SPE",
            employer="Province Sud",
            corps="Assistant",
            direction=DPASS,
            location="Nouméa",
            commune="Nouméa",
            province="Province Sud",
            residence=RESIDENCE,
            posted=D(2025, 5, 16),
            deadline=D(2025, 7, 4),
            start="2025-06-01",
            respnc="Travailleur social",
            headings=("Détails de l’offre", "Missions"),
            warnings=(),
        ),
    ),
    (
        "3134-25-0977-SR.txt",
        dict(
            reference="3134-25-0977/SR",
            title="Travailleur social",
            employer="Province Sud",
            corps="Assistant socio-éducatif - spécialité conseiller en économie sociale et familiale"
            " - ou assistant de service social",
            direction=None,
            location="Nouméa",
            commune="Nouméa",
            province="Province Sud",
            residence=RESIDENCE,
            posted=D(2025, 6, 27),
            deadline=D(2025, 8, 8),
            start="Susceptible d'être vacant",
            respnc="Travailleur social",
            headings=(
                "Détails de l’offre", "Missions", "Caractéristiques particulières de l’emploi",
                "Profil du candidat",
            ),
            warnings=(),
        ),
    ),
    (
        "3134-25-1255-SR.txt",
        dict(
            reference="3134-25-1255/SR",
            title="Assistant(e) social(e) de secteur (Houaïlou)",
            employer="Province Nord",
            corps="Assistant socio-éducatif, spécialité Direction des affaires sanitaires et sociales"
            " et des problèmes de société (DASSPS)",
            direction=None,
            location="CMS de Houaïlou",
            commune="Houaïlou",
            province="Province Nord",
            residence=RESIDENCE,
            posted=D(2025, 8, 8),
            deadline=D(2025, 8, 29),
            start=None,
            respnc="Travailleur social",
            headings=("Détails de l’offre", "Missions", "Activités principales", "Activités secondaires"),
            warnings=(),
        ),
    ),
]


def _fields(offer: Offer) -> dict[str, Any]:
    data = {name: getattr(offer, name) for name in SEEDS[0][1] if name != "headings"}
    data["headings"] = tuple(name for name, _ in offer.sections)
    return data


@pytest.mark.parametrize(("name", "expected"), SEEDS, ids=[name for name, _ in SEEDS])
def test_seed_fields(name: str, expected: dict[str, Any]) -> None:
    offer = parse_offer(CORPUS / name)
    assert _fields(offer) == expected
    assert offer.source == str(CORPUS / name)


@pytest.mark.parametrize("name", [name for name, _ in SEEDS])
def test_seed_text_is_clean(name: str) -> None:
    offer = parse_offer(CORPUS / name)
    assert offer.text.startswith(offer.title + "\n")
    for mark in ("#", "|", "<", "\ufeff"):
        assert mark not in offer.text
    assert "Travailleur social" in offer.text


def test_seed_sections_keep_text_and_drop_labels() -> None:
    sections = dict(parse_offer(CORPUS / "3134-25-0977-SR.txt").sections)
    # the RESPNC label line inside "Détails de l'offre" is a field, not section text
    assert sections["Détails de l’offre"].endswith("compte 6 travailleurs sociaux.")
    assert sections["Missions"].startswith("Placée sous l'autorité du chef du service")
    # an empty section is kept, with empty text: its heading still says something
    assert sections["Caractéristiques particulières de l’emploi"] == ""
    assert sections["Profil du candidat"] == "Savoir / Connaissance/Diplôme exigé :"


def test_seed_1255_activities() -> None:
    sections = dict(parse_offer(CORPUS / "3134-25-1255-SR.txt").sections)
    assert sections["Activités secondaires"].splitlines()[:2] == [
        "La personne retenue aura également en charge :",
        "- la participation à la réflexion en matière d'action sociale ;",
    ]


# --- labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Employeur : Province Sud", ("employer", "Employeur", "Province Sud")),
        ("Employeur: Province Sud", ("employer", "Employeur", "Province Sud")),
        ("EMPLOYEUR : Province Sud", ("employer", "EMPLOYEUR", "Province Sud")),
        ("Date de dépôt de l’offre : 06/06/2025", ("posted", "Date de dépôt de l’offre", "06/06/2025")),
        ("Date de dépôt de l'offre : 06/06/2025", ("posted", "Date de dépôt de l'offre", "06/06/2025")),
        ("Date de dépôt de l‘offre : 06/06/2025", ("posted", "Date de dépôt de l‘offre", "06/06/2025")),
        ("Date de dépôt de lʼoffre : 06/06/2025", ("posted", "Date de dépôt de lʼoffre", "06/06/2025")),
        ("DATE DE DEPOT DE L'OFFRE:06/06/2025", ("posted", "DATE DE DEPOT DE L'OFFRE", "06/06/2025")),
        ("Lieu d’affectation : Koné", ("location", "Lieu d’affectation", "Koné")),
        (
            "Durée de résidence exigée pour le recrutement sur titre (1): 10 ans",
            ("residence", "Durée de résidence exigée pour le recrutement sur titre (1)", "10 ans"),
        ),
        ("Corps /Domaine : Assistant", ("corps", "Corps /Domaine", "Assistant")),
        ("Date limite de dépôt des candidatures : 1er juin 2025",
         ("deadline", "Date limite de dépôt des candidatures", "1er juin 2025")),
        ("Missions :", None),
        ("Sous l'autorité du chef, il aura pour missions : accueillir", None),
    ],
)
def test_split_label(text: str, expected: tuple[str, str, str] | None) -> None:
    assert split_label(text) == expected


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("numero", "reference"), ("ref", "reference"), ("corps_grade", "corps"), ("lieu_travail", "location"),
        ("ville", "location"), ("date_cloture", "deadline"), ("disponibilite", "start"),
        ("Corps ou Cadre d’emploi /Domaine :", "corps"), ("Emploi RESPNC", "respnc"), ("Profil", None),
    ],
)
def test_field_of_label(label: str, field: str | None) -> None:
    assert field_of_label(label) == field


# --- plain text and Markdown ------------------------------------------------------------


def test_plain_text_offer() -> None:
    offer = parse_text(
        "Infirmier(e) de santé scolaire\n"
        "Référence : 26-1246\n"
        "Employeur : PROVINCE DES ILES LOYAUTE\n"
        "Lieu de travail : Wé, Lifou\n"
        "Date limite de candidature : 31/02/2024\n"
        "Poste à pourvoir : 29/02/2025\n"
        "\n"
        "Missions :\n"
        "- assurer le suivi sanitaire des élèves\n",
        source="offre.txt",
    )
    assert offer == Offer(
        reference="26-1246",
        title="Infirmier(e) de santé scolaire",
        employer="Province des Îles Loyauté",
        location="Wé, Lifou",
        commune="Lifou",
        province="Province des Îles Loyauté",
        start=None,
        sections=(("Missions", "- assurer le suivi sanitaire des élèves"),),
        text="Infirmier(e) de santé scolaire\n"
        "Référence : 26-1246\n"
        "Employeur : PROVINCE DES ILES LOYAUTE\n"
        "Lieu de travail : Wé, Lifou\n"
        "Date limite de candidature : 31/02/2024\n"
        "Poste à pourvoir : 29/02/2025\n"
        "\n"
        "Missions\n"
        "- assurer le suivi sanitaire des élèves",
        source="offre.txt",
        warnings=(
            "date limite illisible : « 31/02/2024 »",
            "date de prise de poste illisible : « 29/02/2025 »",
        ),
    )


@pytest.mark.parametrize(
    ("notice", "deadline"),
    [
        ("Modification de la date de clôture : nouvelle date le 15/09/2025", D(2025, 9, 15)),
        ("La date de clôture reportée au 12 septembre 2025.", D(2025, 9, 12)),
        ("Date limite de candidature prolongée jusqu'au vendredi 3 octobre 2025", D(2025, 10, 3)),
        ("Modification de la date de clôture initialement prévue le 18/07/2025", D(2025, 8, 8)),
        ("La date de clôture initialement prévue le 06/06/2025 a été reportée.", D(2025, 8, 8)),
        ("La date de clôture initialement prévue le 06/06/2025 a été reportée au 01/09/2025.", D(2025, 9, 1)),
    ],
)
def test_deadline_in_force(notice: str, deadline: dt.date) -> None:
    offer = parse_text(
        f"Travailleur social\nRéférence : 26-1246\nDate limite de candidature : Vendredi 8 août 2025\n{notice}\n"
    )
    assert (offer.deadline, offer.warnings) == (deadline, ())


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("Titre\nRéférence : 26-65092/MPRH\n", {"reference": "26-65092/MPRH", "posted": None}),
        ("Titre\nRéférence : 3134-25-0977/SR du 27/06/2025\n", {"reference": "3134-25-0977/SR", "posted": D(2025, 6, 27)}),
        ("Titre\nEmployeur : Mairie de Koné\n", {"reference": None, "employer": "Mairie de Koné"}),
        ("Titre\nPROVINCE NORD\n", {"employer": "Province Nord", "province": "Province Nord"}),
        ("Titre\nLieu de travail : KONE\nEmployeur : Province Sud\n", {"commune": "Koné", "province": "Province Nord"}),
        ("Titre\nEmploi RESPNC : Infirmier\n", {"respnc": "Infirmier"}),
        ("Titre\nPoste à pourvoir : dès que possible\n", {"start": "dès que possible"}),
        ("Titre\nPoste à pourvoir : 1ᵉʳ mars 2026\n", {"start": "2026-03-01"}),
    ],
)
def test_plain_text_fields(text: str, fields: dict[str, Any]) -> None:
    offer = parse_text(text, fmt="text")
    assert {name: getattr(offer, name) for name in fields} == fields


def test_missing_fields_are_warnings() -> None:
    offer = parse_text("Titre seul\n")
    assert offer.warnings == ("référence introuvable", "date limite introuvable")


MARKDOWN_FRONT_MATTER = (FIXTURES / "26-65092-MPRH.md").read_text(encoding="utf-8")  # also parsed as a file below


def test_markdown_with_front_matter_and_html() -> None:
    offer = parse_text(MARKDOWN_FRONT_MATTER, source="offre.md")
    assert offer == Offer(
        reference="26-65092/MPRH",
        title="Éducateur spécialisé (H/F)",
        employer="Province Nord",
        corps="Assistant socio-éducatif",
        direction="Direction de l'enseignement",
        location="Poindimié",
        commune="Poindimié",
        province="Province Nord",
        deadline=D(2026, 5, 15),
        start="Immédiatement",
        sections=(
            ("Présentation", "La direction recrute un éducateur.&eacute; reste écrit ainsi."),
            ("Missions", "- accompagner les jeunes ;\n- animer des ateliers."),
            ("Profil du candidat", "- diplôme d'État"),
        ),
        text="Éducateur spécialisé (H/F)\n"
        "Référence : 26-65092/MPRH\n"
        "Corps : Assistant socio-éducatif\n"
        "Direction : Direction de l'enseignement\n"
        "Lieu de travail : Poindimié\n"
        "Date limite de candidature : 2026-05-15\n"
        "Poste à pourvoir : Immédiatement\n"
        "\n"
        "Présentation\n"
        "La direction recrute un éducateur.&eacute; reste écrit ainsi.\n"
        "Employeur : Province-Nord\n"
        "\n"
        "Missions\n"
        "- accompagner les jeunes ;\n"
        "- animer des ateliers.\n"
        "\n"
        "Profil du candidat\n"
        "- diplôme d'État",
        source="offre.md",
    )


# --- HTML ---------------------------------------------------------------------------------

HTML_PAGE = (FIXTURES / "26-1246.html").read_text(encoding="utf-8")  # also parsed as a file below


def test_html_page() -> None:
    offer = parse_text(HTML_PAGE, source="offre.html")
    assert offer == Offer(
        reference="26-1246",
        title="Technicien(ne) informatique",
        employer="Province Nord",
        location="Koné",
        commune="Koné",
        province="Province Nord",
        posted=D(2026, 3, 2),
        deadline=D(2026, 4, 3),
        start="2026-05-01",
        sections=(
            ("Missions", "Assurer le support.\nGérer le parc & les licences."),
            ("Profil", "- BTS informatique\n- Permis B"),
        ),
        text="Technicien(ne) informatique\n"
        "Référence : 26-1246 du 02/03/2026\n"
        "Employeur : PROVINCE NORD\n"
        "Lieu d’affectation : Koné\n"
        "Date limite de candidature : vendredi 3 avril 2026\n"
        "Poste à pourvoir : 1er mai 2026\n"
        "\n"
        "Missions\n"
        "Assurer le support.\n"
        "Gérer le parc & les licences.\n"
        "\n"
        "Profil\n"
        "- BTS informatique\n"
        "- Permis B",
        source="offre.html",
    )


@pytest.mark.parametrize(
    ("markup", "title"),
    [
        ("<html><head><title>Agent d'accueil | Ville de Dumbéa</title></head><body><p>Texte</p></body></html>",
         "Agent d'accueil"),
        ("<html><head><title>Agent d'accueil - Mairie</title></head><body><p>Texte</p></body></html>",
         "Agent d'accueil"),
        ("<html><body><p>Publié hier</p><h2>Agent d'accueil</h2><p>Texte</p></body></html>", "Agent d'accueil"),
        ("<html><body><article><header><h1>Agent d'accueil</h1></header><p>Texte</p></article></body></html>",
         "Agent d'accueil"),
    ],
)
def test_html_title(markup: str, title: str) -> None:
    assert parse_text(markup, fmt="html").title == title


# --- JSON-LD ------------------------------------------------------------------------------

POSTING = (FIXTURES / "3134-25-2001-SR.json").read_text(encoding="utf-8")  # also parsed as a file below

POSTING_OFFER = Offer(
    reference="3134-25-2001/SR",
    title="Infirmier(e) en santé publique",
    employer="Province Sud",
    location="La Foa",
    commune="La Foa",
    province="Province Sud",
    posted=D(2025, 9, 5),
    deadline=D(2025, 10, 3),
    respnc="Infirmier",
    sections=(("Missions", "- soins ;\n- prévention."),),
    text="Infirmier(e) en santé publique\n"
    "Référence : 3134-25-2001/SR\n"
    "Employeur : PROVINCE SUD\n"
    "Lieu de travail : La Foa\n"
    "Date de dépôt de l’offre : 2025-09-05\n"
    "Date limite de candidature : 2025-10-03T23:59:00+11:00\n"
    "Emploi RESPNC : Infirmier\n"
    "Type de contrat : FULL_TIME\n"
    "La DPASS recrute.\n"
    "\n"
    "Missions\n"
    "- soins ;\n"
    "- prévention.",
)


@pytest.mark.parametrize(
    "document",
    [
        POSTING,
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "Offres"}, %s]}' % POSTING,
        "[%s]" % POSTING,
    ],
    ids=["plain", "graph", "list"],
)
def test_jsonld(document: str) -> None:
    assert parse_text(document, source="offre.json") == POSTING_OFFER.replace(source="offre.json")


def test_jsonld_embedded_in_html() -> None:
    page = (
        '<html><head><title>Offre | Site</title><script type="application/ld+json">'
        + POSTING
        + "</script></head><body><nav>Menu</nav></body></html>"
    )
    assert parse_text(page, source="offre.html") == POSTING_OFFER.replace(source="offre.html")


def test_jsonld_label_in_description_beats_category() -> None:
    document = '{"@type": "JobPosting", "title": "Infirmier", "occupationalCategory": "Santé",' \
        ' "identifier": "26-1", "validThrough": "2025-10-03",' \
        ' "description": "Emploi RESPNC : Infirmier\\nAutre ligne", "jobLocation": "Maré"}'
    offer = parse_text(document)
    assert (offer.respnc, offer.reference, offer.location, offer.province) == (
        "Infirmier", "26-1", "Maré", "Province des Îles Loyauté",
    )


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ('{"@type": "JobPosting", ', "JSON invalide (ligne 1, colonne 25)"),
        ('{"@type": "Organization", "name": "X"}', "aucune offre d’emploi (JobPosting) dans le JSON-LD"),
    ],
)
def test_jsonld_refused(document: str, reason: str) -> None:
    with pytest.raises(OfferFileError) as caught:
        parse_text(document, source="offre.json", fmt="jsonld")
    assert caught.value.reason == reason


# --- formats and files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("<!DOCTYPE html><html></html>", "html"),
        ("<div><h1>Titre</h1></div>", "html"),
        ('{"@type": "JobPosting"}', "jsonld"),
        ("---\ntitre: X\n---\nTexte", "markdown"),
        ("Titre\n\n# Missions", "markdown"),
        ("Titre\n|a|b|\n", "markdown"),
        ("Titre\nEmployeur : Province Sud", "text"),
    ],
)
def test_sniff_format(text: str, fmt: str) -> None:
    assert sniff_format(text) == fmt


def test_parse_offer_cp1252_file_with_bom_free_title(tmp_path: Path) -> None:
    path = tmp_path / "offre.txt"
    path.write_bytes("Agent des îles\r\nEmployeur : Province des îles Loyauté\r\n".encode("cp1252"))
    offer = parse_offer(path)
    assert (offer.title, offer.employer) == ("Agent des îles", "Province des Îles Loyauté")


def test_parse_offer_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "offre.md"
    path.write_bytes("\ufeff# Travailleur social\n\nRéférence : 26-1246\n".encode("utf-8"))
    offer = parse_offer(path)
    assert (offer.title, offer.reference) == ("Travailleur social", "26-1246")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"   \n", "fichier vide (seulement des espaces)"),
        ("Titre".encode("utf-16"), "encodage UTF-16 non pris en charge (enregistrer le fichier en UTF-8)"),
        (b"<html><body><nav>Menu</nav></body></html>", "aucun texte exploitable dans le fichier"),
    ],
)
def test_parse_offer_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "offre.html"
    path.write_bytes(data)
    with pytest.raises(OfferFileError) as caught:
        parse_offer(path)
    assert (caught.value.path, caught.value.reason) == (str(path), reason)


def test_fixture_files_parse() -> None:
    names = sorted(p.name for p in FIXTURES.iterdir())
    offers = {name: parse_offer(FIXTURES / name) for name in names}
    assert {name: (o.reference, o.employer, o.deadline) for name, o in offers.items()} == {
        "26-1246.html": ("26-1246", "Province Nord", D(2026, 4, 3)),
        "26-65092-MPRH.md": ("26-65092/MPRH", "Province Nord", D(2026, 5, 15)),
        "3134-25-2001-SR.json": ("3134-25-2001/SR", "Province Sud", D(2025, 10, 3)),
    }


def test_deeply_nested_html_does_not_hit_recursion_limit() -> None:
    page = "<html><body>" + "<div>" * 5000 + "<h1>Titre</h1>" + "</div>" * 5000 + "</body></html>"
    assert parse_text(page, fmt="html").title == "Titre"
