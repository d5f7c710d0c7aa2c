"""Markdown bodies through markdown-it-py and the HTML reader: literal inputs → blocks."""

from __future__ import annotations

import pytest

from indexer.parsing.document import heading, line, pair
from indexer.parsing.markdown import markdown_blocks, parse_markdown


@pytest.mark.parametrize(
    ("body", "blocks"),
    [
        # autolinks keep their address: the e-mail and the URL stay in the indexed text
        ("Candidatures à <drh@province-sud.nc> ou sur <https://emploi.example.nc/postuler>.",
         [line("Candidatures à drh@province-sud.nc ou sur https://emploi.example.nc/postuler.")]),
        # an inline link keeps its text, an e-mail written as a mailto link too
        ("- Par email : [DRH@example.nc](mailto:DRH@example.nc)", [line("- Par email : DRH@example.nc")]),
        # reference-style links read as their text; their definitions are markup
        ("Agence de [Koné][1] et de [Poum][].\n\n[1]: http://x.nc/kone\n[Poum]: http://x.nc/poum \"Poum\"",
         [line("Agence de Koné et de Poum.")]),
        # Hugo shortcodes are markup; a paired one keeps what it wraps
        ("{{< avp-header >}}\n\nTexte.", [line("Texte.")]),
        ('{{% note titre="À lire" %}}Poste ouvert en catégorie B.{{% /note %}}', [line("Poste ouvert en catégorie B.")]),
        ('{{< figure src="/a.png"\n    caption="Équipe" >}}', []),
        # emoji headings and bold label lines
        ("## 🎯 Missions", [heading("🎯 Missions")]),
        ("**Lieu de travail :** Koné", [line("Lieu de travail : Koné")]),
        # a bare section name is a heading; inside a list it is a point
        ("**Profil du candidat** :\n- diplôme d'État", [heading("Profil du candidat :"), line("- diplôme d'État")]),
        ("- **Missions principales :**\n- accueillir", [line("- Missions principales :"), line("- accueillir")]),
        # h4 to h6 are sub-points of a section
        ("### Activités\n#### Suivi de la section :", [heading("Activités"), line("Suivi de la section :")]),
        # tables: two cells are a (label, value) pair, the empty header row is nothing
        ("| | |\n|---|---|\n| **Référence** | 26-1246 |", [pair("Référence", "26-1246")]),
        # HTML fragments read as HTML, inline HTML too
        ("<ul><li>Préparer la paie</li></ul>", [line("- Préparer la paie")]),
        ('Texte <span class="x">en ligne</span>.', [line("Texte en ligne.")]),
        ('<div class="badges" data-cloture="2026-05-29"></div>', []),
        # escapes and entities are decoded once
        (r"Prime \*exceptionnelle\* &amp; 13e mois", [line("Prime *exceptionnelle* & 13e mois")]),
        # an image reads as its description
        ("![Plan d'accès à l'agence](plan.png)", [line("Plan d'accès à l'agence")]),
        # soft line breaks separate lines, as the offer's author wrote them
        ("Employeur : OPT\nLieu : Koné", [line("Employeur : OPT"), line("Lieu : Koné")]),
    ],
)
def test_markdown_blocks(body: str, blocks: list) -> None:
    assert markdown_blocks(body) == blocks


def test_front_matter_type_jobposting_marks_a_posting() -> None:
    document = parse_markdown('---\ntype: "JobPosting"\ntitle: Agent\n---\nTexte')
    assert (document.posting, document.meta) == (True, (("type", "JobPosting"), ("title", "Agent")))
    assert parse_markdown("---\ntitle: Agent\n---\nTexte").posting is False
