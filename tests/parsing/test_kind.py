"""Pages that are not offers (news posts, home and index pages) are refused; stubs and offers are not."""

from __future__ import annotations

import pytest

from indexer.errors import OfferFileError
from indexer.parsing import parse_text

NEWS = (
    "---\ntitle: \"Le mot de la DRH\"\ndate: 2026-07-01\ncover: \"images/drh.jpg\"\n---\n\n"
    "Cette semaine, nous recrutons un [technicien](/metiers/3134-26-0939_SR/).\n\n"
    "Rejoignez une équipe engagée !\n"
)
HOME = ("---\ntitle: \"Bourse de l'emploi\"\n---\n\n{{< hero >}}\n\n## Nos métiers\n\nDécouvrez nos familles de métiers.\n"
        "\n## Nos missions\n\nServir la Nouvelle-Calédonie.\n")
INDEX_PAGE = "---\ntitle: \"Informatique et technologies\"\n---\n"
PROSE = "# Vie de l'office\n\nLe nouveau siège ouvre.\n\nLes agences déménagent.\n\nMerci à tous.\n"


@pytest.mark.parametrize("text", [NEWS, HOME, INDEX_PAGE, PROSE], ids=["news", "home", "index", "prose"])
def test_site_pages_are_refused(text: str) -> None:
    with pytest.raises(OfferFileError) as caught:
        parse_text(text, source="page.md", fmt="markdown")
    assert caught.value.reason == "pas une offre d’emploi"


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (NEWS.replace("date: 2026-07-01", "ref: 3134-26-0939/SR"), "markdown"),  # a reference
        (NEWS.replace("date: 2026-07-01", "date_cloture: 2026-07-10"), "markdown"),  # a deadline
        (NEWS.replace("date: 2026-07-01", "type: JobPosting"), "markdown"),  # says it is a posting
        (NEWS.replace("date: 2026-07-01", "Organisation: OPT"), "markdown"),  # an employer
        ("# Agent d'accueil\n\nLe service recrute.\n\nIl accueille.\n\n## 🎯 Missions\n\n- accueillir\n",
         "markdown"),  # an offer's section, in a file without front matter
        (PROSE + "\nCorps : Technicien\n", "markdown"),
        ("Titre seul\n", "text"),  # a stub: indexed, with warnings
        ("<html><body><p>Publié hier</p><h2>Agent d'accueil</h2><p>Texte</p></body></html>", "html"),
    ],
)
def test_offers_and_stubs_are_kept(text: str, fmt: str) -> None:
    assert parse_text(text, source="page", fmt=fmt).text
