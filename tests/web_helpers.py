"""Fixture offers for the web tests: the five seeds plus generated offers, one of them hostile,
and (for the page tests) offers written the way the OPT-NC site publishes them.

With the seeds that makes 14 offers, so browsing lists two pages of ten.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"

# "Today" for every web test: the seeds and fixtures below are dated around it.
WEB_AS_OF = dt.date(2025, 8, 15)

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_PAYLOADS = (XSS_SCRIPT, XSS_IMG, "<img src=x onerror=alert(1)>", "onerror=alert(1)>")

_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def _long(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class FixtureOffer:
    reference: str
    title: str
    employer: str
    commune: str
    posted: dt.date
    deadline: dt.date
    respnc: str
    body: str
    corps: str = "Rédacteur"
    # Written as an HTML page with entity-escaped text, so markup-like text in the offer
    # survives parsing as text (a hostile offer, not a hostile file).
    as_html: bool = False

    @property
    def slug(self) -> str:
        return self.reference.replace("/", "-")

    @property
    def filename(self) -> str:
        return f"{self.slug}.html" if self.as_html else f"{self.slug}.txt"

    def html_text(self) -> str:
        e = html.escape
        return (
            "<!DOCTYPE html><html lang=\"fr\"><head><title>Offre</title></head><body><main>"
            f"<h1>{e(self.title)}</h1>"
            f"<p>Référence : {e(self.reference)} du {self.posted:%d/%m/%Y}</p>"
            f"<p>Employeur : {e(self.employer)}</p>"
            f"<p>Corps ou Cadre d’emploi /Domaine : {e(self.corps)}</p>"
            f"<p>Lieu de travail : {e(self.commune)}</p>"
            f"<p>Date de dépôt de l’offre : {_long(self.posted)}</p>"
            f"<p>Date limite de candidature : {_long(self.deadline)}</p>"
            f"<h2>Détails de l’offre :</h2><p>{e(self.body)}</p>"
            f"<h2>Emploi RESPNC :</h2><p>{e(self.respnc)}</p>"
            "<h2>Missions :</h2><ul><li>l’accueil et l’information du public ;</li>"
            "<li>le suivi administratif des dossiers.</li></ul>"
            "</main></body></html>"
        )

    def text(self) -> str:
        return (
            f"# {self.title}\n\n"
            f"Référence : {self.reference} du {self.posted:%d/%m/%Y}\n\n"
            f"Employeur : {self.employer}\n\n"
            f"Corps ou Cadre d’emploi /Domaine : {self.corps}\n\n"
            f"Lieu de travail : {self.commune}\n\n"
            f"Date de dépôt de l’offre : {_long(self.posted)}\n\n"
            f"Date limite de candidature : {_long(self.deadline)}\n\n"
            f"# Détails de l’offre :\n\n{self.body}\n\n"
            f"# Emploi RESPNC :\n\n{self.respnc}\n\n"
            "# Missions :\n\n"
            "La personne retenue aura notamment en charge :\n\n"
            "- l’accueil et l’information du public ;\n"
            "- le suivi administratif des dossiers.\n"
        )


D = dt.date
FIXTURE_OFFERS = (
    FixtureOffer("3134-25-2101/SR", "Éducateur spécialisé en foyer d’accueil", "Province Sud",
                 "Nouméa", D(2025, 8, 8), D(2025, 8, 18), "Travailleur social",
                 "Le foyer accueille des adolescents. L’éducateur spécialisé accompagne les "
                 "jeunes au quotidien et travaille avec les familles."),
    FixtureOffer("3134-25-2102/SR", "Infirmier de santé publique", "Province Nord", "Koné",
                 D(2025, 8, 1), D(2025, 9, 12), "Infirmier",
                 "Le centre médico-social de Koné recherche un infirmier pour des actions de "
                 "prévention et de soins."),
    FixtureOffer("3134-25-2103/SR", "Secrétaire de mairie", "Province des îles Loyauté",
                 "Lifou", D(2025, 7, 25), D(2025, 8, 29), "Secrétariat",
                 "Accueil du public, courrier et tenue des registres de la mairie de Lifou."),
    FixtureOffer("3134-25-2104/SR", "Agent technique polyvalent", "Province Sud", "Bourail",
                 D(2025, 8, 12), D(2025, 9, 5), "Maintenance des bâtiments",
                 "Entretien des bâtiments provinciaux de Bourail, petits travaux et espaces verts."),
    FixtureOffer("3134-25-2105/SR", "Comptable public", "Gouvernement de la Nouvelle-Calédonie",
                 "Nouméa", D(2025, 6, 20), D(2025, 7, 18), "Gestion comptable",
                 "Tenue de la comptabilité publique et suivi des marchés."),
    FixtureOffer("3134-25-2106/SR", "Éducatrice de jeunes enfants", "Province Nord", "Poindimié",
                 D(2025, 8, 11), D(2025, 8, 22), "Travailleur social",
                 "La crèche provinciale de Poindimié recrute une éducatrice de jeunes enfants."),
    FixtureOffer("3134-25-2107/SR", "Chargé de communication", "Province Sud", "Nouméa",
                 D(2025, 5, 2), D(2025, 6, 6), "Communication",
                 "Rédaction des contenus, relations presse et réseaux sociaux."),
    FixtureOffer("3134-25-2108/SR", f"Agent d’accueil {XSS_SCRIPT}", "Province Nord", "Koumac",
                 D(2025, 8, 4), D(2025, 9, 1), "Accueil",
                 f"Texte piégé {XSS_IMG} puis {XSS_SCRIPT} et </script><script>alert(2)</script> "
                 "et une fin de commentaire --> et un & commercial.",
                 corps=f"Adjoint administratif {XSS_IMG}", as_html=True),
    FixtureOffer("3134-25-2109/SR", "Assistant social de secteur", "Province Sud", "Dumbéa",
                 D(2025, 8, 13), D(2025, 9, 19), "Travailleur social",
                 "Accompagnement social des familles de Dumbéa, en lien avec les éducateurs."),
)

XSS_OFFER = FIXTURE_OFFERS[7]
EDUCATEUR_OFFER = FIXTURE_OFFERS[0]


# Two offers shaped like the OPT-NC site's files (Markdown with commented front matter, a Hugo
# shortcode, emoji headings and bold labels; a JSON-LD JobPosting), written for these tests.
# They state how to apply, the original PDF, a ROME code and coordinates.
OPT_MARKDOWN_SLUG = "3134-25-2201-SR"
OPT_MARKDOWN = """---
title: "Technicien(ne) réseaux - Agence de Koné"
ref: "3134-25-2201/SR"
date: "2025-08-05"
date_cloture: "2025-08-16"
disponibilite: "DÈS QUE POSSIBLE"
url_pdf: "https://data.example.nc/avp/25-2201.pdf"

# 💼 Classification ROME
code_rome: "I1307"
libelle_rome: "Installation et maintenance télécoms et courants faibles"

# 📊 Métadonnées du tableau
corps_grade: "Technicien des télécommunications"   # catégorie B
direction: "Direction des télécommunications"

# 🗺️ Localisation
ville: "Koné"
latitude: -21.0581
longitude: 164.8615
type: "JobPosting"
---

{{< avp-header >}}

## 📝 Description du poste & Contexte

Assurer la maintenance des équipements du réseau fixe et mobile de la zone nord.

## 🎯 Missions et Activités

- Intervenir sur les pannes du réseau de la zone
- Installer les équipements chez les clients professionnels

## 📎 Pièces à fournir

- Lettre de motivation
- Curriculum vitae
- Copie du dernier diplôme

## 📬 Contact & Modalités de candidature

Pour répondre à cette offre, transmettez votre dossier de candidature :

- 📧 **Par email :** [recrutement@example.nc](mailto:recrutement@example.nc)
- 📞 **Par téléphone :** 27.11.22 ou 77.88.99
"""

OPT_JSONLD_SLUG = "3134-25-2202-SR"
OPT_JSONLD = {
    "@context": "https://schema.org",
    "@type": "JobPosting",
    "identifier": "3134-25-2202/SR",
    "title": "Guichetier(ère) - Agence de Lifou",
    "description": "Accueillir la clientèle de l’agence et vendre les produits postaux.",
    "datePosted": "2025-05-02",
    "validThrough": "2025-05-30",
    "hiringOrganization": {"@type": "Organization", "name": "Office des postes et télécommunications"},
    "jobLocation": {"@type": "Place", "name": "Agence de Wé", "address": {
        "@type": "PostalAddress", "addressLocality": "Lifou",
        "addressRegion": "Province des îles Loyauté", "addressCountry": "NC"}},
    "applicationContact": {"@type": "ContactPoint", "telephone": "45.12.34",
                           "email": "guichets@example.nc"},
    "responsibilities": ["Accueil et conseil de la clientèle", "Tenue de la caisse"],
    "employmentType": "FULL_TIME",
}

# What those files state that the parser may not read yet: the page tests build the offer
# with these values (Offer.replace) where the parsed offer lacks them.
OPT_STATED = {
    OPT_MARKDOWN_SLUG: dict(contact_email="recrutement@example.nc",
                            contact_phone="27.11.22 ou 77.88.99",
                            pdf_url="https://data.example.nc/avp/25-2201.pdf",
                            rome_code="I1307", latitude=-21.0581, longitude=164.8615),
    OPT_JSONLD_SLUG: dict(contact_email="guichets@example.nc", contact_phone="45.12.34"),
}


def write_opt_corpus(folder: Path) -> Path:
    """OPT_MARKDOWN and OPT_JSONLD as files in `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"content__ddi__{OPT_MARKDOWN_SLUG}.md").write_text(OPT_MARKDOWN, encoding="utf-8")
    (folder / f"data__avps__{OPT_JSONLD_SLUG}.json").write_text(
        json.dumps(OPT_JSONLD, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def write_corpus(folder: Path) -> Path:
    """The seeds and FIXTURE_OFFERS as offer files in `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEED_CORPUS.iterdir():
        if seed.is_file():
            shutil.copy(seed, folder / seed.name)
    for offer in FIXTURE_OFFERS:
        text = offer.html_text() if offer.as_html else offer.text()
        (folder / offer.filename).write_text(text, encoding="utf-8")
    return folder


def build_web_index(folder: Path, with_opt: bool = False) -> Path:
    """Build the fixture corpus (and the OPT-NC-shaped offers) into `folder`/index."""
    from indexer import build_index

    corpus = write_corpus(folder / "corpus")
    if with_opt:
        write_opt_corpus(corpus)
    index = folder / "index"
    report = build_index(corpus, index)
    assert report.indexed == 5 + len(FIXTURE_OFFERS) + (2 if with_opt else 0), report
    return index


def stop_server(server, thread) -> None:
    """Stop a waitress server whose loop runs in ``thread``, and wait for the thread.

    The sockets are closed from the loop itself (a thunk of waitress's trigger): closed from
    another thread, one can go while the loop polls it, and the loop's thread then dies of
    "Bad file descriptor". With nothing left to poll, the loop returns.
    """
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    if not thread.is_alive():  # the loop is over: what it left open can go from here
        wasyncore.close_all(server._map)
