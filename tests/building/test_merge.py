"""Merging the files of one reference field by field (pure): tables of offers → the merged offer."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.building.merge import is_placeholder_title, merge_offers
from indexer.offer import Offer

D = dt.date
REF = "3134-26-0712/SR"


def offer(source: str, **fields) -> Offer:
    return Offer(reference=REF, source=source, **fields)


@pytest.mark.parametrize(
    ("title", "placeholder"),
    [("Poste sans titre", True), ("Sans titre", True), ("POSTE SANS TITRE", True), ("Offre sans intitulé", True),
     ("Intitulé non renseigné", True), ("Titre", True), ("", True), ("—", True),
     ("Chef(fe) de centre", False), ("Poste de secrétaire", False), ("Chef de poste", False)],
)
def test_is_placeholder_title(title: str, placeholder: bool) -> None:
    assert is_placeholder_title(title) is placeholder


@pytest.mark.parametrize(
    ("offers", "expected"),
    [
        # a placeholder title never beats a real one, whichever file won
        ([offer("a", title="Poste sans titre", text="Poste sans titre\nMissions"),
          offer("b", title="Chef(fe) de centre", text="Chef(fe) de centre")],
         dict(title="Chef(fe) de centre", text="Chef(fe) de centre\nMissions", source="a")),
        ([offer("a", title="Poste sans titre"), offer("b", title="Sans titre")], dict(title="Poste sans titre")),
        # a deadline years away from the one the other sources agree on loses to theirs
        ([offer("a", deadline=D(2029, 5, 29)), offer("b", deadline=D(2026, 5, 29)),
          offer("c", deadline=D(2026, 5, 29))], dict(deadline=D(2026, 5, 29))),
        # a few weeks apart is a republication's new deadline: the best file's stands
        ([offer("a", deadline=D(2026, 6, 12)), offer("b", deadline=D(2026, 5, 29)),
          offer("c", deadline=D(2026, 5, 29))], dict(deadline=D(2026, 6, 12))),
        # two sources that disagree: neither is the outlier, the best file's stands
        ([offer("a", deadline=D(2029, 5, 29)), offer("b", deadline=D(2026, 5, 29))], dict(deadline=D(2029, 5, 29))),
        # ... unless the deposit dates say which one is years off
        ([offer("a", deadline=D(2029, 5, 29), posted=D(2026, 5, 8)), offer("b", deadline=D(2026, 5, 29))],
         dict(deadline=D(2026, 5, 29), posted=D(2026, 5, 8))),
        ([offer("a", posted=D(2021, 5, 8), deadline=D(2026, 5, 29)), offer("b", posted=D(2026, 5, 8))],
         dict(posted=D(2026, 5, 8), deadline=D(2026, 5, 29))),
        ([offer("a", posted=D(2021, 5, 8)), offer("b", posted=D(2026, 5, 8)), offer("c", posted=D(2026, 5, 8))],
         dict(posted=D(2026, 5, 8), republished=None)),
        # one reference published on several dates: the first is the deposit, the last a republication
        ([offer("a", posted=D(2026, 5, 15)), offer("b", posted=D(2026, 4, 24))],
         dict(posted=D(2026, 4, 24), republished=D(2026, 5, 15))),
        ([offer("a", posted=D(2026, 5, 8), republished=D(2026, 5, 22)), offer("b", posted=D(2026, 4, 24))],
         dict(posted=D(2026, 4, 24), republished=D(2026, 5, 22))),
        # what the best file leaves empty comes from the next one that states it
        ([offer("a", employer=None, contact_email=None, rome_code=None),
          offer("b", employer="Office des postes et télécommunications", contact_email="drh@example.nc"),
          offer("c", employer="OPT", rome_code="I1307")],
         dict(employer="Office des postes et télécommunications", contact_email="drh@example.nc",
              rome_code="I1307")),
        ([offer("a", deadline=None), offer("b", deadline=D(2026, 5, 29))], dict(deadline=D(2026, 5, 29))),
        # a place and its coordinates come together from one file
        ([offer("a", location=None, latitude=None),
          offer("b", location="Koné", commune="Koné", province="Province Nord"),
          offer("c", location="KONE", commune="Koné", province="Province Nord", latitude=-21.05, longitude=164.86)],
         dict(location="Koné", commune="Koné", province="Province Nord", latitude=-21.05, longitude=164.86)),
        # what the best file states stands
        ([offer("a", employer="Province Sud", direction="DPASS"), offer("b", employer="Province Nord", direction="X")],
         dict(employer="Province Sud", direction="DPASS", source="a")),
        # the same publication in another format gives the body when it states more of it
        ([offer("a", title="Développeur", posted=D(2026, 5, 8), text="Développeur\nCodage",
                sections=(("Responsabilités", "Codage"),)),
          offer("b", title="DSI - Développeur", text="DSI - Développeur\nCodage\nJava, Excel",
                sections=(("Missions", "Codage"), ("Savoirs", "Java, Excel")))],
         dict(title="Développeur", text="Développeur\nCodage\nJava, Excel", source="a",
              sections=(("Missions", "Codage"), ("Savoirs", "Java, Excel")), posted=D(2026, 5, 8))),
        # another version (its own deposit date) keeps its body, even a shorter one
        ([offer("a", title="Agent", posted=D(2026, 7, 8), text="Agent\nNouvelle version"),
          offer("b", title="Agent", posted=D(2026, 7, 1), text="Agent\nAncienne version, plus longue")],
         dict(text="Agent\nNouvelle version")),
    ],
)
def test_merge_offers(offers: list[Offer], expected: dict) -> None:
    merged, _ = merge_offers(offers)
    assert {name: getattr(merged, name) for name in expected} == expected


def test_the_outlier_is_warned_about_and_nothing_else() -> None:
    offers = [offer("a.md", deadline=D(2029, 5, 29), posted=D(2026, 5, 8)),
              offer("b.json", deadline=D(2026, 5, 29), posted=D(2026, 5, 8)),
              offer("c.md", deadline=D(2026, 5, 29))]
    merged, warnings = merge_offers(offers)
    assert (merged.deadline, merged.posted) == (D(2026, 5, 29), D(2026, 5, 8))
    assert warnings == ["a.md: date limite du 2029-05-29 écartée pour la référence 3134-26-0712/SR : "
                        "les autres sources disent 2026-05-29"]


def test_a_file_alone_or_agreeing_files_give_the_best_file_itself() -> None:
    best = offer("a", title="Agent", deadline=D(2026, 5, 29))
    assert merge_offers([best]) == (best, [])
    assert merge_offers([best, offer("b", title="Agent", deadline=D(2026, 5, 29))])[0] is best
