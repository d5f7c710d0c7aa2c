"""The French analyzer: tables of (input, expected tokens), the stemmer's merge table, offsets,
pickling, and a tiny real Whoosh index for what a job seeker types."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import fields, highlight
from whoosh.index import create_in, open_dir
from whoosh.qparser import QueryParser

from indexer.analysis import STOP_WORDS, analyze, fold, french_analyzer, stem

# -- tokenizing, folding, stop words ------------------------------------------------------

INDEX_TOKENS = [
    # elision, with each apostrophe
    ("l'enfance", ["enfanc"]),
    ("l’enfance", ["enfanc"]),
    ("l‘équipe", ["equip"]),
    ("lʼaccueil", ["acueil"]),
    ("d'accueillir", ["acueili"]),  # light stemmer: verbs keep their own stem
    ("qu'il", []),
    ("jusqu'à lorsqu'elle puisqu'on", []),
    ("quoiqu'isolé", ["isol"]),
    # Places also carry the tokens of the areas that cover them (analysis/data/places.txt).
    ("L'Assemblée D’Ouvéa", ["asembl", "ouvea", "province des iles"]),
    # decided: "aujourd'hui" is one harmless token, and other inner apostrophes join too
    ("aujourd'hui", ["aujourdhui"]),
    ("prud’hommes presqu'île", ["prudhom", "presquil"]),
    # ligatures and special letters
    ("œuvre", ["oeuvr"]),
    ("cœur", ["coeu"]),
    ("ŒUVRE", ["oeuvr"]),
    ("curriculum vitæ", ["curiculum", "vita"]),
    # superscripts
    ("1ᵉʳ mars", ["1er", "mar"]),
    ("le 1er juin", ["1er", "juin"]),
    # hyphens: whole at index time, plus the parts
    ("socio-éducatif", ["socioeducatif", "socio", "educatif"]),
    ("médico-sociaux", ["medicosocial", "medico", "social"]),
    ("Vallée-des-Colons", ["valedescolon", "vale", "colon"]),
    ("Grand-Nouméa", ["grandnoumea", "grand", "noumea", "grand noumea", "province sud",
                      "grand noumea"]),
    ("socio‑éducatif", ["socioeducatif", "socio", "educatif"]),  # U+2011 non-breaking hyphen
    # references and numbers keep their separators in the whole
    ("3134-25-0977/SR", ["3134-25-0977/sr", "3134", "25", "0977", "sr"]),
    ("25-0977", ["25-0977", "25", "0977"]),
    ("n° 2023-03/APN", ["2023-03/apn", "2023", "03", "apn"]),
    ("4 pôles, 90 agents", ["4", "pole", "90", "agent"]),
    # slashes between words just separate them
    ("le/la usagers/clients et/ou", ["usag", "client"]),
    # inclusive writing
    # ... and a term of the synonym table also carries its group's tokens (AS, ASS)
    ("Assistant(e) social(e) retenu(e)s", ["asistant", "social", "ass", "as", "retenu"]),
    ("éducateur·rice·s", ["educateu"]),
    # typographic punctuation and spaces
    ("« tout public » …", ["tout", "public"]),
    ("santé – prévention — soins", ["sant", "prevention", "soin"]),
    ("Missions\u202f: Profil\u00a0; Attention\u202f! Qui\u00a0?", ["mision", "profil", "atention"]),
    # acronyms are lowercased; AS and ES stay searchable
    ("CESF DPASS ASE", ["cesf", "dpas", "ase"]),
    ("AS ES", ["as", "es"]),
    # stop words, including those Whoosh's list lacks
    ("les enfants de cette famille", ["enfant", "famil"]),
    ("des aux du au ces", []),
]


@pytest.mark.parametrize("text, expected", INDEX_TOKENS)
def test_index_tokens(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


# Every inclusive-writing form of a job title analyses as the masculine and feminine words
# the stemmer already merges: (inclusive form, masculine, feminine).
INCLUSIVE_FORMS = [
    ("Assistant(e)", "assistant", "assistante"),
    ("Chargé (e) de communication", "chargé de communication", "chargée de communication"),
    ("Chef(fe)", "chef", "cheffe"),
    ("Technicien(ne)", "technicien", "technicienne"),
    ("Conducteur(trice)", "conducteur", "conductrice"),
    ("Vendeur(se)", "vendeur", "vendeuse"),
    ("Vendeur(euse)", "vendeur", "vendeuse"),
    ("Sportif(ve)", "sportif", "sportive"),
    ("Boulanger(ère)", "boulanger", "boulangère"),
    ("Fonctionnel(le)", "fonctionnel", "fonctionnelle"),
    ("Salarié·e", "salarié", "salariée"),
    ("salarié·e·s", "salariés", "salariées"),
    ("Salarié.e", "salarié", "salariée"),
    ("salarié.e.s", "salariés", "salariées"),
    ("Employé/e", "employé", "employée"),
    ("Ingénieur-e", "ingénieur", "ingénieure"),
    ("Technicien·ne·s", "techniciens", "techniciennes"),
    ("Éducateur·rice", "éducateur", "éducatrice"),
    ("CHEF(FE) DE SECTION", "chef de section", "cheffe de section"),
]


@pytest.mark.parametrize("inclusive, masculine, feminine", INCLUSIVE_FORMS)
@pytest.mark.parametrize("mode", ["index", "query"])
def test_inclusive_forms(inclusive: str, masculine: str, feminine: str, mode: str) -> None:
    assert analyze(inclusive, mode=mode) == analyze(masculine, mode=mode) == analyze(feminine, mode=mode)


# What looks like an ending but is not one stays a word.
NOT_INCLUSIVE = [
    ("e-mail", ["email", "e", "mail"]),
    ("3134-25-0977/SR", ["3134-25-0977/sr", "3134", "25", "0977", "sr"]),
    # after a dot, a capital starts a word (a sentence typed without its space)
    ("Accueil.Rice", ["acueil", "rice"]),
    ("usagers/clients", ["usag", "client"]),
    ("Bac (ES)", ["bac", "es"]),
]


@pytest.mark.parametrize("text, expected", NOT_INCLUSIVE)
def test_not_inclusive(text: str, expected: list[str]) -> None:
    assert analyze(text) == expected


QUERY_TOKENS = [
    # queries get the parts only: "socio-éducatif" asks what "socio éducatif" asks
    ("socio-éducatif", ["socio", "educatif"]),
    ("socio educatif", ["socio", "educatif"]),
    ("socioéducatif", ["socioeducatif"]),
    ("3134-25-0977/SR", ["3134", "25", "0977", "sr"]),
    ("aide sociale à l’enfance", ["aide", "social", "enfanc"]),
    ("Éducatrices", ["educateu"]),
]


@pytest.mark.parametrize("text, expected", QUERY_TOKENS)
def test_query_tokens(text: str, expected: list[str]) -> None:
    assert analyze(text, mode="query") == expected


FOLDS = [
    ("Éducatrice", "educatrice"),
    ("Œuvre", "oeuvre"),
    ("cœur", "coeur"),
    ("Æ", "ae"),
    ("ß", "ss"),
    ("1ᵉʳ", "1er"),
    ("Houaïlou", "houailou"),
    ("NOUMÉA", "noumea"),
    ("ça", "ca"),
]


@pytest.mark.parametrize("word, folded", FOLDS)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_stop_words_are_folded_and_complete() -> None:
    assert {"les", "cette", "ces", "aux", "du", "des", "au", "a", "ete", "meme"} <= STOP_WORDS
    assert all(w.isascii() and w == w.lower() for w in STOP_WORDS)
    assert "as" not in STOP_WORDS and "es" not in STOP_WORDS  # acronyms


# -- the stemmer ---------------------------------------------------------------------------

SAME_STEM = [
    "éducateur éducatrice educatrices éducateurs",
    "infirmier infirmière infirmiere infirmières",
    "directeur directrice",
    "chargé chargée chargés",
    "assistant assistante",
    "social sociale sociaux",
    "spécialisé spécialisée",
    "accompagnement accompagnements",
    "logement logements",
    "évaluation evaluations",
    "enfant enfants",
    "agent agents",
    "travailleur travailleuse travailleurs",
    "conseiller conseillère",
    "animateur animatrice",
    "secrétaire secrétaires",
    "médecin médecins",
    "technicien technicienne",
    "psychologue psychologues",
    "sociaux social",
    # beyond the brief's table
    "éducatif éducative éducatives",
    "supérieur supérieure",
    "généreux généreuse",
    "premier première",
    "médico-social médico-sociaux médico-sociale",
]


@pytest.mark.parametrize("group", SAME_STEM)
def test_same_stem(group: str) -> None:
    """Every member, written with or without accents, gives the same tokens."""
    words = group.split()
    variants = words + [fold(w) for w in words] + [w.upper() for w in words]
    assert len({tuple(analyze(w)) for w in variants}) == 1, {w: analyze(w) for w in variants}


DIFFERENT_STEMS = [
    ("poste", "postal"),
    ("général", "généreux"),
    ("chat", "châtiment"),
    # decided: the job is not the field it works in
    ("éducateur", "éducation"),
    ("directeur", "direction"),
    ("animateur", "animation"),
    # decided: "enfance" names services ("protection de l'enfance", "petite enfance"),
    # "enfants" people ("éducateur de jeunes enfants"); see stem()'s docstring
    ("enfant", "enfance"),
    ("spécialisé", "spécialité"),
]


@pytest.mark.parametrize("first, second", DIFFERENT_STEMS)
def test_different_stems(first: str, second: str) -> None:
    assert stem(fold(first)) != stem(fold(second))


@pytest.mark.parametrize("word", ["3134", "1er", "25-0977", "sr", "ase", "ass", "cms"])
def test_stem_leaves_short_words_and_references_alone(word: str) -> None:
    assert stem(word) == word


# -- offsets and positions -----------------------------------------------------------------


def test_offsets_point_into_the_original_text() -> None:
    text = "L’éducatrice spécialisée"
    tokens = [(t.text, text[t.startchar:t.endchar])
              for t in french_analyzer()(text, positions=True, chars=True)]
    assert tokens == [("educateu", "éducatrice"), ("specialis", "spécialisée"),
                      ("es", "éducatrice spécialisée")]  # the synonym token spans the term


@pytest.mark.parametrize(
    "text, query",
    [
        ("le service de l’aide sociale à l’enfance", "ASE"),
        ("un centre médico-social", "CMS"),
        ("conseillère en économie sociale et familiale", "CESF"),
        ("la DPASS recrute", "direction provinciale de l'action sanitaire et sociale"),
        ("éducatrices spécialisées", "ES"),
    ],
)
def test_synonym_terms_meet_in_the_index(tmp_path, text: str, query: str) -> None:
    """Acronym and spelled-out form find each other, whichever is written or typed."""
    from indexer import build_index, open_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "o.txt").write_text(f"Agent\nRéférence : 26-1 du 01/07/2025\n\n# Missions :\n\n{text}\n",
                                  encoding="utf-8")
    build_index(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as index:
        assert index.search(query, prefix=False).total == 1


def test_hyphenated_whole_shares_the_first_parts_position() -> None:
    text = "Assistant socio-éducatif, à l'enfance"
    tokens = [(t.text, t.pos, text[t.startchar:t.endchar])
              for t in french_analyzer()(text, positions=True, chars=True)]
    assert tokens == [
        ("asistant", 0, "Assistant"),
        ("socioeducatif", 1, "socio-éducatif"),
        ("socio", 1, "socio"),
        ("educatif", 2, "éducatif"),
        ("enfanc", 3, "enfance"),
    ]


def test_stop_words_kept_for_highlighting_are_marked() -> None:
    tokens = [(t.text, t.stopped) for t in french_analyzer()("l'aide à domicile", removestops=False)]
    assert tokens == [("aide", False), ("a", True), ("domicil", False)]


# -- pickling: Whoosh stores the analyzer inside the index ---------------------------------


def test_pickle_round_trip() -> None:
    analyzer = french_analyzer()
    restored = pickle.loads(pickle.dumps(analyzer))
    assert restored == analyzer
    text = "L’éducatrice socio-éducative de l'ASE, réf. 3134-25-0977/SR"
    for mode in ("index", "query"):
        assert ([t.text for t in restored(text, mode=mode)]
                == [t.text for t in analyzer(text, mode=mode)])


# -- a tiny real index ---------------------------------------------------------------------

DOCS = {
    "hyphen": "Assistant socio-éducatif, spécialité conseiller en économie sociale et familiale",
    "ase": "Le service de l'aide sociale à l'enfance recrute une éducatrice spécialisée",
    "ref": "Référence : 3134-25-0977/SR du 27/06/2025, infirmière de secteur",
    "children": "Éducateur de jeunes enfants au centre médico-social de Houaïlou",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    schema = fields.Schema(id=fields.ID(stored=True),
                           body=fields.TEXT(analyzer=french_analyzer(), stored=True, chars=True))
    ix = create_in(str(tmp_path_factory.mktemp("index")), schema)
    with ix.writer() as writer:
        for key, body in DOCS.items():
            writer.add_document(id=key, body=body)
    with ix.searcher() as s:
        yield s


def found(searcher, user_query: str) -> set[str]:
    query = QueryParser("body", searcher.schema).parse(user_query)
    return {hit["id"] for hit in searcher.search(query, limit=None)}


@pytest.mark.parametrize("user_query, expected", [
    ("socio-éducatif", {"hyphen"}),
    ("socio educatif", {"hyphen"}),
    ("socioéducatif", {"hyphen"}),
    ("éducatif", {"hyphen"}),
    ('"assistant socio-éducatif"', {"hyphen"}),
    ('"socio-éducatif spécialité"', {"hyphen"}),
    ('"aide sociale à l’enfance"', {"ase"}),
    ('"Aide Sociale Enfance"', {"ase"}),
    ("educateurs", {"ase", "children"}),
    ("EDUCATRICE", {"ase", "children"}),
    ("infirmiere", {"ref"}),
    ("3134-25-0977/SR", {"ref"}),
    ("25-0977", {"ref"}),
    ("medico-social", {"children"}),
    ("médicosocial", {"children"}),
    ("houailou", {"children"}),
    ("enfance", {"ase"}),
    ("enfants", {"children"}),
    ("education", set()),
])
def test_search(searcher, user_query: str, expected: set[str]) -> None:
    assert found(searcher, user_query) == expected


def test_real_index_on_disk(tmp_path) -> None:
    """The analyzer survives Whoosh's own pickling of the schema into a file index."""
    schema = fields.Schema(body=fields.TEXT(analyzer=french_analyzer(), stored=True, chars=True))
    with create_in(str(tmp_path), schema).writer() as writer:
        writer.add_document(body="L’éducatrice socio-éducative")
    ix = open_dir(str(tmp_path))
    with ix.searcher() as s:
        for user_query in ("educateurs", "socioeducatives", "socio-éducatif"):
            assert len(s.search(QueryParser("body", ix.schema).parse(user_query))) == 1


def test_highlight_wraps_the_accented_original() -> None:
    text = "L'éducatrice spécialisée et les éducateurs"
    terms = frozenset({"educateu"})
    html = highlight.highlight(text, terms, french_analyzer(), highlight.WholeFragmenter(),
                               highlight.HtmlFormatter(tagname="b"))
    assert html == ("L'<b class=\"match term0\">éducatrice</b> spécialisée et les "
                    "<b class=\"match term1\">éducateurs</b>")


# -- properties ----------------------------------------------------------------------------

FRENCHY = st.text(alphabet=st.sampled_from(
    list("abcdeéèêàâçîïôœæùûÉÀŒ'’-/ ()·0123456789") + ["\u00a0", "\u202f", "ᵉ", "ʼ", "ß"]),
    max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.one_of(FRENCHY, st.text(max_size=40)))
def test_any_text_analyzes_with_offsets_in_range(text: str) -> None:
    for t in french_analyzer()(text, positions=True, chars=True):
        assert t.text
        assert 0 <= t.startchar < t.endchar <= len(text)


@settings(max_examples=200, deadline=None)
@given(FRENCHY)
def test_a_text_used_as_query_finds_itself(text: str) -> None:
    assert set(analyze(text, mode="query")) <= set(analyze(text, mode="index"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_fold_is_idempotent_ascii_lowercase(word: str) -> None:
    folded = fold(word)
    assert folded.isascii() and folded == folded.lower() and fold(folded) == folded
