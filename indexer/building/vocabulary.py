"""The build's vocabulary: each word's corpus spelling and document frequency, for the
suggestions ("Vouliez-vous dire", as-you-type) and typo corrections of the read side.

    >>> words(Offer(title="L’Éducatrice"))
    {'educatrice': 'éducatrice'}
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain, islice
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
    return dict(_offer_forms(offer))


def _offer_forms(offer: Offer) -> list[tuple[str, str]]:
    """`words` as (folded, spelling) pairs, in order of first use, each folded word once (its
    first spelling wins).

    A word never holds whitespace, so the text's words are those of its whitespace-separated
    tokens, in order, each token's found once per worker (`_TOKEN_FORMS`).
    """
    memo = _TOKEN_FORMS
    if len(memo) > _TOKEN_FORMS_LIMIT:
        memo.clear()
    # Each distinct (folded, spelling) pair once, in order of first use; the loops run in C.
    pairs = list(dict.fromkeys(chain.from_iterable(map(memo.__getitem__, searched_text(offer).split()))))
    if len(dict(pairs)) == len(pairs):  # no folded word with two spellings: most offers
        return pairs
    first: dict[str, str] = {}
    for folded, spelling in pairs:
        first.setdefault(folded, spelling)
    return list(first.items())


def _form(word: str) -> tuple[str, str] | None:
    word = word.replace("’", "'").split("'")[-1]
    if len(word) < 2:
        return None
    return fold(word), word if word.isupper() else word.lower()


class _TokenForms(dict):
    """Whitespace-separated token -> the (folded, spelling) pairs of its words, in order:
    "(L’Éducatrice," -> (("educatrice", "éducatrice"),). Filled on first use."""

    def __missing__(self, token: str) -> tuple[tuple[str, str], ...]:
        found = self[token] = tuple(form for form in map(_form, _WORD.findall(token)) if form)
        return found


_TOKEN_FORMS = _TokenForms()
_TOKEN_FORMS_LIMIT = 50_000  # tokens remembered (a few thousand cover most of a text)


class Spellings:
    """One worker's count of what it indexed: folded word -> {spelling: [document frequency,
    smallest id of a document using it]} (the smallest id settles ties when workers merge)."""

    def __init__(self) -> None:
        # Kept flat, by (folded, spelling) pair in order of first use, so that an offer is
        # counted in C; `forms` gives them nested.
        self._counts: Counter[tuple[str, str]] = Counter()
        self._first: dict[tuple[str, str], str] = {}
        self._largest_id = ""  # no id added so far is larger

    @property
    def forms(self) -> dict[str, dict[str, list]]:
        forms: dict[str, dict[str, list]] = {}
        first = self._first
        for pair, count in self._counts.items():
            forms.setdefault(pair[0], {})[pair[1]] = [count, first[pair]]
        return forms

    def add(self, offer: Offer, doc_id: str) -> None:
        pairs = _offer_forms(offer)
        counts, first = self._counts, self._first
        before = len(counts)
        counts.update(pairs)  # Counter's loop in C
        if doc_id > self._largest_id:
            # Ids in increasing order (files named after their reference): every id seen so
            # far is smaller, only the pairs new to the counts (the last ones) take this one.
            self._largest_id = doc_id
            first.update(dict.fromkeys(islice(reversed(counts), len(counts) - before), doc_id))
        else:
            for pair in pairs:
                seen = first.get(pair)
                if seen is None or doc_id < seen:
                    first[pair] = doc_id

    def forget(self, offer: Offer) -> None:
        """Take an offer that is not kept (a losing duplicate) out of the counts."""
        counts = self._counts
        for pair in _offer_forms(offer):
            if pair in counts:
                counts[pair] -= 1


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
