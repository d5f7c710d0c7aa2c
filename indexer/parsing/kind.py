"""Whether a parsed file is a job offer at all: site pages (news, home, index pages) are not."""

from __future__ import annotations

import re

from indexer.parsing.document import Document
from indexer.parsing.labels import fold

NOT_AN_OFFER = "pas une offre d’emploi"

# Fields only an offer states. A date, a title, a contact address or a link are not among
# them: news posts and home pages have those too.
_OFFER_FIELDS = ("deadline", "employer", "corps", "direction", "residence", "start", "respnc", "contract",
                 "rome_code", "modification")
_OFFER_SECTIONS = re.compile(
    r"\b(?:missions?|activites|taches|profil|competences|savoir faire|description du poste|fiche de poste)\b"
)
# A stub this short (a title and a line or two) may be an offer being written: indexed, with warnings.
_PAGE_BLOCKS = 3


def is_offer(doc: Document, reference: str | None, fields: dict[str, str], section_names: list[str],
             body_blocks: int) -> bool:
    """Whether a document reads as an offer: a reference, a JobPosting, an offer field, or
    (without front matter) an offer section.

    Without any of them, a page with front matter or with a few paragraphs of prose is a
    site page (news, home, index), not an offer: "---\\ntitle: Le mot de la DRH\\n---\\n..." → False.
    """
    if reference or doc.posting:
        return True
    if any(fields.get(name) for name in _OFFER_FIELDS):
        return True
    if doc.meta:
        # A page whose front matter states nothing of an offer is a site page, even with a
        # heading an offer could have ("Nos missions" on a home page).
        return False
    if any(_OFFER_SECTIONS.search(fold(name)) for name in section_names):
        return True
    return body_blocks < _PAGE_BLOCKS
