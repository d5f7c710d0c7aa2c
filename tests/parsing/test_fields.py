"""Field extraction in order of trust (JSON-LD, front matter, labelled lines): literal inputs → Offer values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from indexer.parsing import parse_text

D = dt.date
OPT = "Office des postes et télécommunications"


def _md(front: str, body: str = "## Missions\n\n- accueillir\n") -> str:
    return f"---\n{front}\n---\n\n{body}"


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        # the employer as real files state it
        (_md(f'title: Agent\nOrganisation: "{OPT}"'), {"employer": OPT, "direction": None}),
        (_md("title: Agent", f"- **Structure d'embauche :** {OPT}\n"), {"employer": OPT}),
        ('{"@type": "JobPosting", "title": "Agent", "hiringOrganization": {"name": "%s"}}' % OPT,
         {"employer": OPT}),
        # a direction that names the organisation is the employer; the internal direction is the direction
        (_md(f'title: Agent\ndirection: "{OPT}"\ndirection_interne: "Direction des finances"'),
         {"employer": OPT, "direction": "Direction des finances"}),
        (_md(f'title: Agent\nOrganisation: "{OPT}"\ndirection: "{OPT}"', "- **Direction :** Direction des finances\n"),
         {"employer": OPT, "direction": "Direction des finances"}),
        (_md('title: Agent\ndirection: "de la poste et des services de proximité"'),
         {"employer": None, "direction": "de la poste et des services de proximité"}),
        # schema.org names used as front-matter keys
        (_md('title: Agent\nhiringOrganization: "OPT"\nvalidThrough: "2026-07-10"\ndatePosted: "2026-06-19"'),
         {"employer": "OPT", "deadline": D(2026, 7, 10), "posted": D(2026, 6, 19)}),
        # front matter wins over the body's labelled lines
        (_md('title: Agent\nref: 26-1\nville: "Koné"', "Lieu de travail : Nouméa\n\n## Missions\n"), {"location": "Koné"}),
        # keys for how to apply and what the offer is
        (_md('title: Agent\ncode_rome: "m1607"\nlibelle_rome: "Secrétariat"\nlatitude: -21.05\nlongitude: 164.86'
             '\nurl_pdf: "https://example.nc/a.pdf"\njob_url: "https://example.nc/a/"'),
         {"rome_code": "M1607", "rome_label": "Secrétariat", "latitude": -21.05, "longitude": 164.86,
          "pdf_url": "https://example.nc/a.pdf", "url": "https://example.nc/a/"}),
        (_md('title: Agent\nref: 26-1\njob_url: ""\nurl_pdf: "voir le site"'), {"url": None, "pdf_url": None}),
        ("Agent\nRéférence : 26-1\nType de contrat : Contractuel (CDD)\nCatégorie : B\n",
         {"contract": "contractuel", "category": "B"}),
        # contacts: stated, else found in the text
        ("Agent\nRéférence : 26-1\nCourriel : rh@mairie.nc\nTéléphone : 27 12 34\n",
         {"contact_email": "rh@mairie.nc", "contact_phone": "27 12 34"}),
        (_md("title: Agent\nref: 26-1", "Candidatures à <drh@province-sud.nc>.\n\nContact : Mme X - Tél : 26.79.38\n"),
         {"contact_email": "drh@province-sud.nc", "contact_phone": "26.79.38"}),
        # a reference's "du <date>": the deposit date, or the republication after a stated deposit
        ("Agent\nRéférence : 3134-26-0677 SR du 8 mai 2026\n",
         {"reference": "3134-26-0677/SR", "posted": D(2026, 5, 8), "republished": None}),
        ("Agent\nRéférence : 3134-26-0677_SR du 22 mai 2026\nDate de dépôt de l’offre : 08/05/2026\n",
         {"reference": "3134-26-0677/SR", "posted": D(2026, 5, 8), "republished": D(2026, 5, 22)}),
        (_md('title: Agent\nnumero: "3134-26-0677/SR du 8 mai 2026"'),
         {"reference": "3134-26-0677/SR", "posted": D(2026, 5, 8)}),
        # emoji headings name their section without the emoji
        (_md("title: Agent\nref: 26-1", "## 🎯 Missions et activités\n\n- accueillir\n"),
         {"sections": (("Missions et activités", "- accueillir"),)}),
    ],
)
def test_fields(text: str, fields: dict[str, Any]) -> None:
    offer = parse_text(text, source="offre")
    assert {name: getattr(offer, name) for name in fields} == fields


def test_autolinks_and_reference_links_stay_in_the_text() -> None:
    offer = parse_text(_md(
        "title: Agent\nref: 26-1",
        "Candidatures à <drh@province-sud.nc> ou sur <https://emploi.example.nc>.\n\n"
        "Poste basé à [Koné][1].\n\n[1]: http://example.nc/kone\n",
    ))
    assert offer.text.splitlines()[2:] == [
        "Candidatures à drh@province-sud.nc ou sur https://emploi.example.nc.",
        "Poste basé à Koné.",
    ]


def test_a_reference_the_file_does_not_state_is_read_in_its_name() -> None:
    text = _md('title: Agent\ndate_cloture: "2026-07-10"')
    offer = parse_text(text, source="corpus/content__dsi__3134-26-1047_SR.md")
    assert (offer.reference, offer.warnings) == ("3134-26-1047/SR", ("référence lue dans le nom du fichier",))
    assert parse_text(text, source="corpus/agent.md").reference is None
