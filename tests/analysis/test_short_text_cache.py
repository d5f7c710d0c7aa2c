"""`short_text_cache`: the label and folding caches keep short texts (labels, names) and
compute long ones (paragraphs) every time, with the same answers either way."""

from __future__ import annotations

import pytest

from indexer.analysis.folding import fold_key, short_text_cache
from indexer.parsing import labels


def test_short_texts_are_kept_and_long_ones_computed_each_time():
    calls: list[str] = []

    @short_text_cache(maxsize=2, longest=10)
    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert [upper(t) for t in ("ab", "ab", "x" * 11, "x" * 11)] == ["AB", "AB", "X" * 11, "X" * 11]
    assert calls == ["ab", "x" * 11, "x" * 11]
    assert upper.cache_info().currsize == 1
    for t in ("cd", "ef", "gh"):  # bounded: the least recently used goes
        upper(t)
    assert upper.cache_info().currsize == 2
    upper.cache_clear()
    assert upper.cache_info().currsize == 0
    assert upper.__name__ == "upper"


@pytest.mark.parametrize("text, folded", [
    ("Lieu d’affectation :", "lieu d affectation"),
    ("Corps ou Cadre d’emploi /Domaine (1) :", "corps ou cadre d emploi domaine"),
    ("Œuvre " * 40, " ".join(["oeuvre"] * 40)),  # longer than any cached text
])
def test_cached_and_computed_folds_agree(text, folded):
    labels.fold.cache_clear()
    fold_key.cache_clear()
    assert labels.fold(text) == labels.fold(text) == folded
    assert fold_key(text) == fold_key(text)
    assert (labels.fold.cache_info().currsize == 1) == (len(text) <= 120)
