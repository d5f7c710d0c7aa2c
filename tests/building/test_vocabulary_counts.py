"""The vocabulary's words and counts, checked against their definition (the word pattern over
the whole searched text, one dictionary per folded word): tokens memoised, pairs counted flat."""

from __future__ import annotations

import random

import pytest

from indexer.analysis import fold
from indexer.building.vocabulary import _WORD, Spellings, searched_text, words
from indexer.offer import Offer


def reference_words(offer: Offer) -> dict[str, str]:
    found: dict[str, str] = {}
    for word in dict.fromkeys(_WORD.findall(searched_text(offer))):
        word = word.replace("’", "'").split("'")[-1]
        if len(word) < 2:
            continue
        folded = fold(word)
        found.setdefault(folded, word if word.isupper() else word.lower())
    return found


class ReferenceSpellings:
    def __init__(self) -> None:
        self.forms: dict[str, dict[str, list]] = {}

    def add(self, offer: Offer, doc_id: str) -> None:
        for folded, spelling in reference_words(offer).items():
            seen = self.forms.setdefault(folded, {}).setdefault(spelling, [0, doc_id])
            seen[0] += 1
            seen[1] = min(seen[1], doc_id)

    def forget(self, offer: Offer) -> None:
        for folded, spelling in reference_words(offer).items():
            seen = self.forms.get(folded, {}).get(spelling)
            if seen is not None:
                seen[0] -= 1


TEXTS = [
    "",
    "L’Éducatrice",
    "l'éducatrice Éducatrice EDUCATRICE educatrice",  # one folded word, three spellings
    "EDUCATRICE puis éducatrice",  # the first spelling wins
    "aujourd'hui, l’AED (H/F) : 2 postes — Nouméa/Koné; Province-Sud",
    "a b c d'e x1y _z_ ŒUVRE œuvre Œuvre",
    "(L’Éducatrice, « Éducatrice »)\n\tÉducatrice.\u00a0Nouméa\u2028Koné\x1cLifou",
    "C'est-à-dire l''homme l’’ 'quote' ’x’ qu'",
    "Travailleur social\nRéférence : 26-1246\nDate limite : 12/09/2025 ÉTÉ été ete",
]


@pytest.mark.parametrize("text", TEXTS)
def test_words_as_their_definition(text: str) -> None:
    offer = Offer(title="Éducateur spécialisé", employer="PROVINCE SUD", text=text)
    assert list(words(offer).items()) == list(reference_words(offer).items())


def test_spellings_as_their_definition() -> None:
    rng = random.Random(7)
    vocabulary = "Éducateur éducateur EDUCATEUR educateur Nouméa NOUMEA l’AED aujourd'hui Koné a b x".split()
    offers = [Offer(title=rng.choice(vocabulary), text=" ".join(rng.choices(vocabulary, k=rng.randint(0, 12))))
              for _ in range(200)]
    # Ids rising (as files named after their reference give them), then in any order.
    ids = [f"{n:04d}" for n in range(150)] + [f"{rng.randint(0, 9999):04d}" for _ in range(50)]
    fast, reference = Spellings(), ReferenceSpellings()
    for n, (offer, doc_id) in enumerate(zip(offers, ids)):
        fast.add(offer, doc_id)
        reference.add(offer, doc_id)
        if n % 17 == 0:
            fast.forget(offers[n // 2])
            reference.forget(offers[n // 2])
        if n % 50 == 0:
            assert fast.forms == reference.forms
    assert fast.forms == reference.forms
    assert repr(fast.forms) == repr(reference.forms)  # in the same order too
