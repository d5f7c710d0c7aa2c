"""Parsing's fast paths against the reference paths they replace: the same answer on tables of
French inputs, on generated text and on generated offers.

Each reference below is the code the fast path replaced, kept here as the definition of what
the fast one must give.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis.folding import fold_words
from indexer.errors import OfferFileError
from indexer.parsing import _EXTENSIONS, _document, parse_offer, parse_text, read_text, sniff_format
from indexer.parsing import fields, frontmatter, labels, values
from indexer.parsing.document import Block
from tests.support import bench_generator

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent

# ---------------------------------------------------------------- references


def reference_field_of_label(label: str) -> str | None:
    """One pattern per field, tried in the order of `labels._LABELS`."""
    if label in labels.CANONICAL:
        return label
    folded = labels.fold(label)
    for field, pattern in labels._LABELS.items():
        if re.fullmatch(pattern, folded):
            return field
    return None


def reference_split_label(text: str) -> tuple[str, str, str] | None:
    m = labels._LABEL_LINE.match(text)
    if not m:
        return None
    field = reference_field_of_label(m.group(1))
    return (field, m.group(1).strip(), m.group(2)) if field else None


def reference_clean_heading(text: str) -> str:
    text = text.strip()
    start = 0
    while start < len(text) and (labels._is_ornament(text[start]) or text[start].isspace()):
        start += 1
    return " ".join(text[start:].rstrip(":").split())


def reference_line_label(text: str) -> tuple[str, str, str] | None:
    return reference_split_label(reference_clean_heading(text) + (" :" if text.rstrip().endswith(":") else ""))


def reference_phone_in(text: str | None, *, labelled: bool = False) -> str | None:
    for line in (text or "").split("\n"):
        if labelled or values._PHONE_CONTEXT.search(labels.fold(line)):
            found = [m.group(0).strip() for m in values._PHONE.finditer(line)]
            if found and labelled:
                return " ".join(line.split()).strip(" .;,")
            if found:
                return " ou ".join(found)
    return None


def reference_yaml(source: str) -> tuple:
    """What PyYAML's pure BaseLoader gives: the data, or the error and its line."""
    return _outcome(lambda text: yaml.load(text, Loader=yaml.BaseLoader), source)  # noqa: S506 - str, list, dict


def _outcome(load, source: str) -> tuple:
    try:
        return ("data", load(source))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return ("error", type(exc).__name__, mark.line if mark is not None else None)
    except RecursionError:
        return ("too deep",)


# ---------------------------------------------------------------- inputs

_LINES = [
    "Référence : 26-1246", "Référence: 3134-25-2001/SR du 8 mai 2026", "N° : 12", "Numéro de l’offre : 26-65092/MPRH",
    "Employeur : Province Sud", "EMPLOYEUR :PROVINCE NORD", "Organisme employeur : OPT", "Collectivité : Mairie de Koné",
    "Corps ou Cadre d’emploi /Domaine : Psychologue", "Corps (1) : Attaché", "Grade* : B", "Cadre d'emploi : Rédacteur",
    "Direction : DRH", "Direction ou service : Bureau AED", "Lieu de travail : Nouméa", "Lieu d’affectation : CMS de Houaïlou",
    "Ville : Lifou", "Durée de résidence exigée pour le recrutement sur titre (1): au moins égale à 5 ans",
    "Date de dépôt de l’offre : dimanche 16 octobre 2022", "Publié le : 2026-05-29",
    "Date limite de candidature : samedi 10 décembre 2022", "Date de clôture : 18/07/2025",
    "Clôture des candidatures : 1er août 2025", "Poste à pourvoir : Immédiatement", "Disponibilité : dès que possible",
    "Emploi RESPNC : Infirmier", "Type de contrat : Contractuel (CDD 1 an)", "Province : Sud", "Région : Nord",
    "Modification de la date de clôture : reportée au 12/09/2025", "Courriel : drh@province-sud.nc",
    "Par e-mail : DRH-candidature@opt.nc", "Tél : 26.79.38", "Téléphone : +687 20 64 60", "Code ROME : M1607",
    "Catégorie : B", "Catégorie de l’emploi : A", "Missions :", "## 🎯 Missions :", "# Profil recherché :",
    "Profil du candidat", "Sous l'autorité du chef de service, le/la candidat(e) retenu(e) aura pour missions :",
    "- de suivre les dossiers ;", "Titre : Travailleur social", "Intitulé du poste : Agent(e) des pêches",
    " : sans libellé", ":", "::", "Lieu :", "Lieu", "lieu de travail", "Date : 12/09/2025", "Url : https://x.nc",
    "Description du poste (2) : voir ci-dessous", "\u00a0Référence\u00a0: 26-1246", "#Référence : 26-1246",
    "🔹 Employeur : Province des Îles Loyauté", "\u200bEmployeur : Province Sud", "x" * 130 + " : trop long",
    "Libellé ROME : Éducateur", "Latitude : -22.27", "Lien : https://x.nc/offre.pdf", "Référence 26-1246",
    "1. Référence : 26-1246", "Poste à pourvoir le : 1er janvier 2026", "Emploi : Infirmier", "Rome : m1607",
]
_NOTES = [
    "Date de clôture reportée au 12/09/2025", "La date limite est prolongée jusqu'au 1er août 2025.",
    "Nouvelle date de clôture : 29/04/25", "Clôture repoussée au vendredi 8 août 2025",
    "Date de clôture initialement prévue le 18/07/2025", "Date limite : voir ci-dessous",
    "La clôture est décalée au ⑫/09/2025", "Date limite prorogée au 1ᵉʳ septembre 2025",
    "Clôture reportée au ²⁰/09/2025", "Clôture reportée au ١٢/٠٩/٢٠٢٥", "Date limite reportée au １２/０９/２０２５",
    "Clôture reportée au 12\u00a0septembre\u00a02025", "clôture reportée au 3 mars 2026 (1)",
    "Date(1) limite reportée au 2026-03-03", "CLÔTURE REPORTÉE AU 12/09/2025", "Plus de date limite",
]
_TEXTS = [
    "Contact : M. X - Tél : 26.79.38", "Tél. 26 82 65 ou 77.88.99\nFax : 26 82 66", "Joindre le 267770",
    "Appeler le +687 20 64 60", "Référence 2025-22-0002/DRHFPNC du 16/10/2022\nTel : 2025-22-00",
    "Téléphone :\n26.79.38", "tel 26-79-38 ou 26.79.38", "Mobile : 77 88 99\nTél : 26 79 38", "2026-05-29 tél",
    "tél : 26\u00a079\u00a038", "tél : 26\u200979\u200938", "tél 12 34 567", "tél 1234 56", "tél ١٢٣٤٥٦",
    "tél 26.79.38.\nautre ligne", "\n\ntél 26.79.38\n", "tél 26 79\n38", "", "tél", "26.79.38 (tél)",
]


def _generated_files(tmp_path_factory, offers: int = 300, seed: int = 3) -> list[Path]:
    folder = tmp_path_factory.mktemp("generated")
    bench_generator().generate(offers, folder, seed=seed)
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    return _generated_files(tmp_path_factory)


def _files() -> list[Path]:
    return sorted(p for p in [*(TESTS / "fixtures").rglob("*"), *(ROOT / "corpus").rglob("*")] if p.is_file())


def _blocks(path: Path) -> list[Block]:
    text, _ = read_text(path)
    fmt = _EXTENSIONS.get(path.suffix.lower()) or sniff_format(text)
    return list(_document(text, fmt, str(path)).blocks)


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize("text", _LINES + _NOTES + _TEXTS)
def test_labelled_lines_read_as_the_reference_reads_them(text: str) -> None:
    assert labels.field_of_label(text) == reference_field_of_label(text)
    assert labels.split_label(text) == reference_split_label(text)
    assert labels.clean_heading(text) == reference_clean_heading(text)
    assert fields._line_label(text) == reference_line_label(text)


def test_every_spelling_of_every_label_names_its_field() -> None:
    """The combined pattern against each field's own, on each alternative every pattern spells out."""
    spellings = {s for pattern in labels._LABELS.values() for s in re.split(r"[|()?:]+", pattern) if s}
    for spelling in sorted(spellings):
        for label in (spelling, spelling.replace(" ", "  ").title(), spelling + " x", spelling.rstrip(".*")):
            assert labels.field_of_label(label) == reference_field_of_label(label), label


_LABEL_PIECES = ["Référence", "Lieu", " de ", " travail", "Date", " limite", " de clôture", "Corps", " ou ",
                 "Cadre d’emploi", "Emploi", "Tél", ":", " : ", " ", "  ", "#", "## ", "🎯 ", "\u00a0", "(1)", "*",
                 "Nouméa", "26-1246", "é", "’", "-", "\t", "Missions", "Profil", "e-mail", "RESPNC", "\u200b"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_LABEL_PIECES), max_size=12).map("".join))
def test_generated_lines_read_as_the_reference_reads_them(text: str) -> None:
    assert fields._line_label(text) == reference_line_label(text)
    assert labels.field_of_label(text) == reference_field_of_label(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_reads_as_the_reference_reads_it(text: str) -> None:
    assert fields._line_label(text) == reference_line_label(text)
    assert labels.clean_heading(text) == reference_clean_heading(text)


# ---------------------------------------------------------------- notes


def _may_matter(text: str) -> bool:
    """What the reference kept a note for: it names a closing date and announces a new one."""
    return fields._is_note(text) and fields._new_deadline(text) is not None


@pytest.mark.parametrize("text", _NOTES + _LINES)
def test_a_note_that_announces_a_date_is_kept(text: str) -> None:
    if _may_matter(text):
        assert fields._is_dated_note(text)
    assert fields._is_dated_note(text) == (fields._is_note(text) and fields._MAY_DATE.search(text) is not None)


def test_the_notes_that_announce_a_date() -> None:
    kept = [n for n in _NOTES if _may_matter(n)]
    assert "Date de clôture reportée au 12/09/2025" in kept
    assert "Date de clôture initialement prévue le 18/07/2025" not in kept
    assert all(fields._is_dated_note(n) for n in kept)


def test_no_character_of_the_skipped_set_folds_to_a_digit() -> None:
    for char in fields._NO_DIGIT:
        assert not any(c.isdigit() for c in fold_words(char) + labels.fold(char)), repr(char)
    # and the digits other scripts write are not skipped
    for char in "²①١１٣߁𝟏":
        assert fields._MAY_DATE.search(char), repr(char)


_SCRIPTS = st.characters(blacklist_categories=("Cs",))


@settings(max_examples=1500, deadline=None)
@given(st.text(_SCRIPTS, max_size=30))
def test_a_text_skipped_as_dateless_folds_to_no_digit(text: str) -> None:
    """Folding goes character by character: a text the date scan skips has no digit once folded."""
    if fields._MAY_DATE.search(text) is None:
        assert not any(c.isdigit() for c in fold_words(text))
        assert not _may_matter(text)


_NOTE_PIECES = ["Date", " de ", "clôture", "limite", " reportée", " prolongée", " au ", " le ", "nouvelle date",
                "12/09/2025", "1er", " août ", "2025", "29/04/25", "²", "①", "é", "’", " ", ":", "(1)", "initialement"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_NOTE_PIECES), max_size=12).map("".join))
def test_generated_notes_that_announce_a_date_are_kept(text: str) -> None:
    if _may_matter(text):
        assert fields._is_dated_note(text)


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize("text", _TEXTS + _LINES + _NOTES)
@pytest.mark.parametrize("labelled", [False, True])
def test_phones_read_as_the_reference_reads_them(text: str, labelled: bool) -> None:
    assert values.phone_in(text, labelled=labelled) == reference_phone_in(text, labelled=labelled)


_PHONE_PIECES = ["26", "79", "38", "687", "+", " ", ".", "-", "/", "\n", "tél", "Tel", " : ", "ou", "2025", "a",
                 "\u00a0", "\u2009", "\x0c", "١٢", "joindre", "mobile"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PHONE_PIECES), max_size=20).map("".join), st.booleans())
def test_generated_phones_read_as_the_reference_reads_them(text: str, labelled: bool) -> None:
    assert values.phone_in(text, labelled=labelled) == reference_phone_in(text, labelled=labelled)


# ---------------------------------------------------------------- front matter

_HEADERS = [
    'numero: "26-1246"\ntitre: Travailleur social\ndate_cloture: 2026-05-29',
    "ville: Koné # Nord\ncode: 0123\nactif: yes\nvide:\nnul: ~",
    "titre: Chef : de service", "titre: 'L''agent'\nlieu: \"Nouméa\\u00e9\"", "tags:\n  - a\n  - b\nparams:\n  lieu: Lifou",
    "titre: X\ntitre: Y", "a: &x v\nb: *x", "? complexe\n: valeur", "liste: [a, b, {c: d}]", "texte: |\n  ligne 1\n  ligne 2",
    "plie: >-\n  un\n  deux", "titre: avec\ttabulation", "\ttitre: X", "titre: X\n\tsuite: Y", "titre: \ufeffX",
    "%YAML 1.1\n---\ntitre: X", "titre: X\n---\nautre: Y", "titre: [non fermé", "titre: \"non fermé", "- a\n- b",
    "just a string", "", "titre: \\x", 'titre: "\\x41"', "a:\n  b:\n    c:\n      d: e", "@titre: X", "titre: `x`",
    "titre: X # commentaire\n# ligne\nlieu: Y", "a: b: c", "key with spaces: v", "a: 'multi\n  ligne'",
    "date: 2026-05-29 10:00:00", "nombre: 1_000", "vrai: on", "titre: X\u0085suite: Y", "titre: X\x0bY",
    "a: " + "[" * 400 + "]" * 400, "a: " + "[" * 60 + "]" * 60, "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v",
    "- " * 200 + "x", "titre: \ud800", "|#", "titre: >+#", "- |2#", "titre: !~!", "titre: !&yes! x",
    "titre: a > b | c !", "a: [b?]", "{lieu?-}", "a: {b?: c}", "[a, ? b]", "titre: Pourquoi ?", "titre: " + "x" * 1030 + ": y", "%TAG !e! tag:x,2000:\n---\ntitre: !e!x y",
]


def _fixture_headers() -> list[str]:
    headers = []
    for path in sorted(TESTS.rglob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
            if end is not None:
                headers.append("\n".join(lines[1:end]))
    return headers


@pytest.mark.parametrize("source", _HEADERS + _fixture_headers())
def test_headers_load_as_the_pure_loader_loads_them(source: str) -> None:
    assert _outcome(frontmatter.load_yaml, source) == reference_yaml(source)


def test_deep_or_lenient_headers_are_left_to_the_pure_loader() -> None:
    assert not frontmatter._fast_loadable("titre: avec\ttabulation")
    assert not frontmatter._fast_loadable("a: [b?]")
    assert not frontmatter._fast_loadable("a: " + "[" * 400 + "]" * 400)
    assert _outcome(frontmatter.load_yaml, "a: " + "[" * 400 + "]" * 400) == ("too deep",)


@pytest.mark.skipif(frontmatter._FAST_LOADER is None, reason="PyYAML without libyaml: the pure loader only")
def test_plain_headers_take_the_fast_loader() -> None:
    assert frontmatter._fast_loadable('numero: "26-1246"\ntitre: Travailleur social\ndate_cloture: 2026-05-29')


_YAML_PIECES = ["titre", "lieu", ":", ": ", " ", "  ", "\n", "\n  ", "- ", "-", "[", "]", "{", "}", ",", "#", " #",
                "'", "''", '"', "\\", "\\x", "\\u00e9", "&a ", "*a", "!!str ", "? ", "|", ">", "%", "@", "`", "~",
                "Nouméa", "é", "’", "2026-05-29", "0123", "yes", "---", "...", "\u00a0", "\x85", "\t", "!", "|-", ">+",
                "|2", "\\N", "\\\n", "<<", "%YAML 1.1\n", "\x0b", "😀", "?", "a?"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=25).map("".join))
def test_generated_headers_load_as_the_pure_loader_loads_them(source: str) -> None:
    assert _outcome(frontmatter.load_yaml, source) == reference_yaml(source)


# ---------------------------------------------------------------- whole files


def test_generated_offers_read_as_the_references_read_them(generated: list[Path]) -> None:
    headers = 0
    for path in generated:
        blocks = _blocks(path)
        for b in blocks:
            if b.kind == "pair":
                assert labels.field_of_label(b.text) == reference_field_of_label(b.text)
            else:
                assert fields._line_label(b.text) == reference_line_label(b.text), b.text
            text = " ".join(b.text.split())
            if _may_matter(text):
                assert fields._is_dated_note(text)
        try:
            offer_text = parse_offer(path).text
        except OfferFileError:
            offer_text = path.read_text(encoding="utf-8")
        for labelled in (False, True):
            assert values.phone_in(offer_text, labelled=labelled) == reference_phone_in(offer_text, labelled=labelled)
        raw = path.read_text(encoding="utf-8").split("\n")
        if raw[0].strip() == "---":
            end = next(i for i in range(1, len(raw)) if raw[i].strip() in ("---", "..."))
            source = "\n".join(raw[1:end])
            assert _outcome(frontmatter.load_yaml, source) == reference_yaml(source)
            headers += 1
    assert headers > 0  # the generator writes Markdown with front matter


def test_files_read_as_their_decoded_text_normalised_again(generated: list[Path]) -> None:
    """parse_offer skips the second `normalise_text` parse_text applies: the same offers."""
    for path in [*_files(), *generated]:
        text, _ = read_text(path)
        fmt = _EXTENSIONS.get(path.suffix.lower()) or sniff_format(text)
        try:
            expected = parse_text(text, str(path), fmt)
        except OfferFileError as exc:
            with pytest.raises(OfferFileError, match=re.escape(exc.reason)):
                parse_offer(path)
            continue
        assert parse_offer(path) == expected, path.name


@pytest.mark.parametrize("size", [1, 99, 100, 101, 5000])
def test_files_read_whole_up_to_the_limit(tmp_path: Path, size: int) -> None:
    """Read at its size, a file is still read whole, and refused one byte past the limit."""
    path = tmp_path / "offre.txt"
    path.write_bytes(("Référence : 26-1246 " * 300).encode("utf-8")[:size].rstrip(b"\xc3"))
    data = path.read_bytes()
    if len(data) > 100:
        with pytest.raises(OfferFileError, match="trop volumineux"):
            read_text(path, 100)
    else:
        assert read_text(path, 100) == (data.decode("utf-8"), "utf-8")
