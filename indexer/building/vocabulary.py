"""The build's vocabulary: each word's corpus spelling and document frequency, for the
suggestions ("Vouliez-vous dire", as-you-type) and typo corrections of the read side.

    >>> words(Offer(title="L’Éducatrice"))
    {'educatrice': 'éducatrice'}
"""

from __future__ import annotations

import re
from typing import Iterable

from indexer.analysis import fold
from indexer.offer import Offer

# Words for the vocabulary: hyphenated compounds count by their parts, like the analyzer's
# query mode, so a suggestion or prefix expansion is always one searchable word.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def searched_text(offer: Offer) -> str:
    """Every text free text searches in an offer (title, labels, body), for its words."""
    labels = (offer.employer, offer.direction, offer.location, offer.commune, offer.province,
              offer.respnc, offer.rome_label, offer.corps)
    return "\n".join([offer.title, *(label for label in labels if label), offer.text])


def words(offer: Offer) -> dict[str, str]:
    """folded word -> its spelling in this offer: "L’Éducatrice" -> {"educatrice": "éducatrice"}."""
    found: dict[str, str] = {}
    memo = _FORMS
    if len(memo) > _FORMS_LIMIT:
        memo.clear()
    # Each distinct word once, in order of first use (the first spelling of a folded word wins).
    for word in dict.fromkeys(_WORD.findall(searched_text(offer))):
        form = memo.get(word)
        if form is None:
            form = memo[word] = _form(word)
        if form and form[0] not in found:
            found[form[0]] = form[1]
    return found


_FORMS: dict[str, tuple[str, str] | tuple[()]] = {}  # word as found -> (folded, spelling) or ()
_FORMS_LIMIT = 50_000  # words remembered (a few thousand cover most of a text)


def _form(word: str) -> tuple[str, str] | tuple[()]:
    word = word.replace("’", "'").split("'")[-1]
    if len(word) < 2:
        return ()
    return fold(word), word if word.isupper() else word.lower()


class Spellings:
    """One worker's count of what it indexed: folded word -> {spelling: [document frequency,
    smallest id of a document using it]} (the smallest id settles ties when workers merge)."""

    def __init__(self) -> None:
        self.forms: dict[str, dict[str, list]] = {}

    def add(self, offer: Offer, doc_id: str) -> None:
        forms_of = self.forms
        for folded, spelling in words(offer).items():
            forms = forms_of.get(folded)
            if forms is None:
                forms_of[folded] = {spelling: [1, doc_id]}
            elif (seen := forms.get(spelling)) is None:
                forms[spelling] = [1, doc_id]
            else:
                seen[0] += 1
                if doc_id < seen[1]:
                    seen[1] = doc_id

    def forget(self, offer: Offer) -> None:
        """Take an offer that is not kept (a losing duplicate) out of the counts."""
        for folded, spelling in words(offer).items():
            seen = self.forms.get(folded, {}).get(spelling)
            if seen is not None:
                seen[0] -= 1


def merge_spellings(parts: Iterable[dict[str, dict[str, list]]]) -> dict[str, list]:
    """folded word -> [most frequent spelling, document frequency]; on a tie, the spelling
    of the smallest id (what counting the offers in id order gives)."""
    merged: dict[str, dict[str, list]] = {}
    for part in parts:
        for folded, forms in part.items():
            into = merged.get(folded)
            if into is None:
                merged[folded] = forms
                continue
            for spelling, (count, first) in forms.items():
                seen = into.get(spelling)
                if seen is None:
                    into[spelling] = [count, first]
                else:
                    seen[0] += count
                    if first < seen[1]:
                        seen[1] = first
    vocabulary: dict[str, list] = {}
    for folded in sorted(merged):
        forms = [(-count, first, spelling) for spelling, (count, first) in merged[folded].items()
                 if count > 0]
        if forms:
            best = min(forms)
            vocabulary[folded] = [best[2], -sum(f[0] for f in forms)]
    return vocabulary


def update_vocabulary(vocab: dict[str, list], gone: Iterable[Offer], new: Iterable[Offer]) -> None:
    """Take the offers that left the index out of the document frequencies, add the new ones."""
    for offer in gone:
        for folded in words(offer):
            if folded in vocab:
                vocab[folded][1] -= 1
                if vocab[folded][1] <= 0:
                    del vocab[folded]
    for offer in new:
        for folded, spelling in words(offer).items():
            vocab.setdefault(folded, [spelling, 0])[1] += 1
