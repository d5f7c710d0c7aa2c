"""The light French stemmer: one folded word to the stem that gender and number share.

    >>> stem("educatrices")
    'educateu'
"""

from __future__ import annotations

import re
from functools import lru_cache


def _undouble(word: str) -> str:
    """Collapse runs of a repeated letter: "travailleur" -> "travaileur"."""
    return re.sub(r"([a-z])\1+", r"\1", word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Light French stemmer on a folded word, merging gender and number: "educatrices" -> "educateu".

    Based on Savoy's UniNE light stemmer (Lucene's FrenchLightStemmer), on
    folded ASCII, with two departures for job titles:

    * agent nouns keep an "-eu" stem of their own: -eur, -eure, -euse, -trice
      all end in "eu" ("directeur", "directrice" -> "directeu"), so the job
      "éducateur" does not match the domain "éducation" ("educ"), nor
      "directeur" the ubiquitous "direction", nor "animateur" "animation";
    * feminine "-ère" -> "-er" from 6 letters on ("infirmière", "conseillère",
      "première"), where Savoy waits for 9.

    "enfance" ("enfanc") and "enfant" stay apart on purpose: "protection de
    l'enfance", "aide sociale à l'enfance" and "petite enfance" name services
    and fields, while "jeunes enfants" names a job (EJE); merging them would
    let every "juge des enfants" mention match the services' names.

    Words holding anything but a-z (digits, references) are returned unchanged.
    """
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    w = word

    # Number: -aux -> -al (sociaux -> social), then a final x or s.
    if len(w) > 5 and w.endswith("aux") and w[-4] != "e":
        w = w[:-3] + "al"
    elif w.endswith("x"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("s"):
        w = w[:-1]

    # Agent nouns and -eux adjectives meet on "-eu".
    if len(w) > 6 and w.endswith("trice"):
        return _normalise(w[:-5] + "teu")
    if len(w) > 5 and w.endswith(("euse", "eure")):
        return _normalise(w[:-2])
    if len(w) > 4 and w.endswith("eur"):
        return _normalise(w[:-1])

    if len(w) > 9 and w.endswith("issement"):  # établissement -> établir
        return _normalise(w[:-6] + "r")
    if len(w) > 8 and w.endswith("issant"):
        return _normalise(w[:-4] + "r")
    if len(w) > 6 and w.endswith("ement"):  # accompagnement -> accompagne
        w = w[:-4]
        if len(w) > 3 and w.endswith("ive"):  # activement -> actif
            w = w[:-2] + "f"
        return _normalise(w)
    if len(w) > 5 and w.endswith("ieme"):  # deuxième -> deux
        return _normalise(w[:-4])
    if len(w) > 5 and w.endswith("ere"):  # infirmière -> infirmier
        return _normalise(w[:-1])
    if len(w) > 7 and w.endswith("ive"):  # éducative -> éducatif
        return _normalise(w[:-2] + "f")
    if len(w) > 9 and w.endswith("nnelle"):  # professionnelle -> professionn
        return _normalise(w[:-5])
    if len(w) > 9 and w.endswith("nnel"):
        return _normalise(w[:-3])
    if len(w) > 4 and w.endswith("ete"):  # complète -> complet
        w = w[:-1]
    if len(w) > 8 and w.endswith("ique"):  # psychologique -> psycholog
        w = w[:-4]
    if len(w) > 8 and w.endswith("esse"):
        return _normalise(w[:-3])
    if len(w) > 7 and w.endswith("inage"):
        return _normalise(w[:-3])
    if len(w) > 9 and w.endswith("isation"):
        return _normalise(w[:-7])
    if len(w) > 8 and w.endswith(("ation", "ition")):  # évaluation -> évalu
        return _normalise(w[:-5])
    return _normalise(w)


def _normalise(w: str) -> str:
    """Savoy's final step: undouble letters, drop -ie, then a final r, e, e and doubled letter."""
    if len(w) > 4:
        w = _undouble(w)
    if len(w) > 4 and w.endswith("ie"):
        w = w[:-2]
    if len(w) > 4:
        if w.endswith("r"):
            w = w[:-1]
        if w.endswith("e"):
            w = w[:-1]
        if w.endswith("e"):
            w = w[:-1]
        if len(w) > 1 and w[-1] == w[-2]:
            w = w[:-1]
    return w
