"""A deterministic corpus of realistic job offers for benchmarks: ``generate(n, out_dir, seed)``.

The offers look like the five seeds in ``corpus/`` (same labels, headings, dates, quotes)
and cover many job families, employers and the 33 communes. Body words are drawn with
Zipf weights from a French vocabulary built from the seed texts, domain word lists and
derived forms, so term statistics look like a real corpus (a few very common words, a
long tail of rare ones). About 85 % of the files use the seeds' text format; the rest are
Markdown with front matter, HTML pages and JSON-LD ``JobPosting`` files.

    python bench/generate.py 10000 bench/out/corpus-10000   # ~3 s
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import html
import itertools
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from unidecode import unidecode

from indexer.parsing.places import COMMUNES, PROVINCE_ILES, PROVINCE_NORD, PROVINCE_SUD

# Bump when the output changes, so cached corpora under bench/out/ are regenerated.
GENERATOR_VERSION = 2

SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

# (family, titles, corps, RESPNC job, family words). Titles mix inclusive forms,
# feminine forms, hyphens, parentheses and acronyms, as real offers do.
FAMILIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str], ...] = (
    ("social",
     ("Travailleur social", "Assistant(e) social(e) de secteur", "Éducateur spécialisé",
      "Éducatrice de jeunes enfants", "Conseiller(ère) en économie sociale et familiale",
      "Travailleur social au service de protection de l'enfance", "Médiateur(trice) familial(e)"),
     ("Assistant socio-éducatif", "Assistant", "Éducateur spécialisé"),
     "Travailleur social",
     "accompagnement familles enfance protection insertion évaluation médiation prévention "
     "signalement usagers aide éducative domicile hébergement logement précarité solidarité"),
    ("santé",
     ("Infirmier(e) en santé publique", "Infirmière scolaire", "Médecin généraliste",
      "Sage-femme", "Aide-soignant(e)", "Kinésithérapeute", "Pharmacien(ne) hospitalier(ère)",
      "Psychologue clinicien(ne)", "Manipulateur(trice) en électroradiologie"),
     ("Infirmier", "Médecin", "Sage-femme", "Aide-soignant", "Psychologue"),
     "Infirmier",
     "soins patients dispensaire vaccination dépistage consultation hospitalisation urgences "
     "pharmacie prescription hygiène santé publique prévention épidémiologie garde astreinte"),
    ("éducation",
     ("Professeur(e) des écoles", "Conseiller(ère) pédagogique", "Animateur(trice) périscolaire",
      "Directeur(trice) d'internat", "Surveillant(e) d'externat", "Formateur(trice) pour adultes"),
     ("Professeur", "Conseiller pédagogique", "Animateur", "Formateur"),
     "Enseignant",
     "élèves classe enseignement pédagogie apprentissage scolarité programmes évaluation "
     "internat collège lycée formation stagiaires tutorat projet éducatif"),
    ("administration",
     ("Gestionnaire des ressources humaines", "Secrétaire de direction", "Assistant(e) administratif(ve)",
      "Chargé(e) de mission juridique", "Rédacteur(trice) territorial(e)", "Chef(fe) de bureau du courrier",
      "Attaché(e) d'administration"),
     ("Rédacteur", "Attaché", "Adjoint administratif", "Secrétaire administratif"),
     "Gestionnaire administratif",
     "dossiers courrier accueil réglementation délibérations arrêtés carrière paie recrutement "
     "marchés publics actes juridiques archives secrétariat agenda procédures"),
    ("technique",
     ("Technicien(ne) des travaux publics", "Ingénieur(e) en génie civil", "Agent(e) d'entretien des routes",
      "Conducteur(trice) d'engins", "Électricien(ne) du bâtiment", "Chef(fe) de chantier",
      "Technicien(ne) de l'environnement"),
     ("Technicien", "Ingénieur", "Agent technique", "Ouvrier professionnel"),
     "Technicien",
     "chantier travaux voirie réseaux bâtiments maintenance entretien engins assainissement "
     "eau potable ouvrages études topographie sécurité environnement déchets"),
    ("informatique",
     ("Technicien(ne) informatique", "Développeur(se) d'applications", "Administrateur(trice) systèmes et réseaux",
      "Chef(fe) de projet SI", "Responsable de la sécurité des SI (RSSI)", "Data analyst"),
     ("Technicien", "Ingénieur", "Analyste"),
     "Informaticien",
     "applications logiciels serveurs réseaux cybersécurité données base support utilisateurs "
     "développement messagerie infrastructure cloud sauvegarde SIG web"),
    ("finances",
     ("Comptable", "Contrôleur(euse) de gestion", "Chargé(e) des finances", "Régisseur(euse) de recettes",
      "Analyste budgétaire", "Agent(e) de recouvrement"),
     ("Contrôleur", "Attaché", "Rédacteur", "Adjoint administratif"),
     "Comptable",
     "budget comptabilité mandatement recettes dépenses factures trésorerie subventions "
     "exécution budgétaire fiscalité contrôle gestion marchés engagements régie"),
    ("culture et sport",
     ("Bibliothécaire", "Médiateur(trice) culturel(le)", "Éducateur(trice) sportif(ve)",
      "Maître-nageur sauveteur", "Archiviste"),
     ("Assistant de conservation", "Éducateur des activités physiques", "Bibliothécaire"),
     "Animateur culturel",
     "médiathèque patrimoine coutume kanak expositions public animations sport piscine "
     "manifestations associations événementiel lecture collections"),
    ("agriculture et mer",
     ("Technicien(ne) agricole", "Vétérinaire", "Garde-nature", "Agent(e) des pêches",
      "Chargé(e) de développement rural"),
     ("Technicien", "Ingénieur", "Garde"),
     "Technicien agricole",
     "élevage cultures tribus foncier pêche lagon aquaculture forêt biosécurité récifs "
     "espèces protégées agriculteurs filières développement rural"),
)

EMPLOYERS: tuple[tuple[str, str | None, str, float], ...] = (
    # (name, fixed province or None = the commune's, reference code/suffix, weight)
    ("Province Sud", PROVINCE_SUD, "3134|SR", 40.0),
    ("Province Nord", PROVINCE_NORD, "26|MPRH", 18.0),
    ("Province des Îles Loyauté", PROVINCE_ILES, "4321|PIL", 7.0),
    ("Gouvernement de la Nouvelle-Calédonie", None, "2025|DRHFPNC", 14.0),
    ("CAFAT", PROVINCE_SUD, "81|CAFAT", 4.0),
    ("CHT Gaston-Bourret", PROVINCE_SUD, "77|CHT", 5.0),
    ("CHS Albert-Bousquet", PROVINCE_SUD, "78|CHS", 2.0),
    ("OPT", None, "90|OPT", 2.0),
    ("Université de la Nouvelle-Calédonie", PROVINCE_SUD, "55|UNC", 2.0),
    ("IFAP", PROVINCE_SUD, "56|IFAP", 1.0),
)

DIRECTIONS = (
    "Direction Provinciale de l'Action Sanitaire et Sociale", "Direction de l’Emploi et du Logement",
    "Direction de l’Enseignement", "Direction des Ressources Humaines", "Direction des Finances",
    "Direction de l'Équipement", "Direction du Développement Économique et de l’Environnement",
    "Direction des Affaires Sanitaires et Sociales et des Problèmes de Société (DASSPS)",
    "Direction des Systèmes d’Information", "Direction de la Culture, de la Jeunesse et des Sports",
)

STREAM_WORDS = 400_000

SUFFIXES = ("ation", "ement", "ité", "iste", "age", "eur", "rice", "ique", "ance", "isme", "oire", "el")
PREFIXES = ("co", "inter", "pré", "ré", "sous", "auto", "multi", "péri", "extra", "télé")


@dataclass(frozen=True)
class _Seeds:
    words: tuple[str, ...]        # seed vocabulary, most frequent first
    sentences: tuple[str, ...]    # boilerplate sentences reused verbatim
    bullets: tuple[str, ...]      # mission lines ("- d'accueillir ...")


def _folded(word: str) -> str:
    return unidecode(word).lower()


_PLACE_WORDS = {_folded(part) for name in COMMUNES for part in re.split(r"[\s-]+", name) if len(part) > 3}


@functools.lru_cache(maxsize=1)
def _load_seeds() -> _Seeds:
    counts: dict[str, int] = {}
    sentences: list[str] = []
    bullets: list[str] = []
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            text = raw.strip().lstrip("#").strip()
            if not text or text.startswith("|") or ":" in text[:60] and len(text) < 90:
                continue
            if text.startswith("- "):
                bullets.append(text)
            elif len(text) > 80:
                sentences.extend(s.strip() for s in re.split(r"(?<=\.)\s+", text) if len(s) > 40)
            for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text):
                # Acronyms and commune names stay out of the random vocabulary: they belong
                # to the offers whose employer or place they are, or "DPASS" would match half
                # the corpus.
                if len(word) > 1 and not word.isupper() and _folded(word) not in _PLACE_WORDS:
                    counts[word.lower()] = counts.get(word.lower(), 0) + 1
    words = tuple(sorted(counts, key=lambda w: (-counts[w], w)))
    return _Seeds(words, tuple(dict.fromkeys(sentences)), tuple(dict.fromkeys(bullets)))


def build_vocabulary(rng: random.Random, size: int = 30_000) -> list[str]:
    """Seed words first (the head of the Zipf curve), then family words, then derived forms."""
    seeds = _load_seeds()
    vocab = list(seeds.words)
    for family in FAMILIES:
        vocab.extend(family[4].split())
    vocab = list(dict.fromkeys(vocab))
    stems = [w[:-1] if w[-1] in "es" else w for w in vocab if len(w) > 4 and "-" not in w]
    derived: set[str] = set(vocab)
    # Derived forms make the long tail: "accompagnement" -> "co-accompagnement", "socialiste"...
    while len(vocab) < size:
        stem = rng.choice(stems)
        kind = rng.random()
        if kind < 0.55:
            word = stem + rng.choice(SUFFIXES)
        elif kind < 0.92:
            word = rng.choice(PREFIXES) + ("-" if rng.random() < 0.3 else "") + stem
        else:
            word = stem + "-" + rng.choice(stems)
        if word not in derived:
            derived.add(word)
            vocab.append(word)
    return vocab


@functools.lru_cache(maxsize=4)
def _vocabulary_and_stream(seed: int) -> tuple[list[str], list[str]]:
    """The vocabulary, and one long Zipf-distributed stream of its words.

    Drawing each word with choices() would dominate the run time; each sentence reads a
    window of this stream at a random offset instead.
    """
    rng = random.Random(f"vocab-{seed}")
    vocab = build_vocabulary(rng)
    return vocab, rng.choices(vocab, cum_weights=zipf_cum_weights(len(vocab)), k=STREAM_WORDS)


def zipf_cum_weights(n: int, s: float = 1.07) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, n + 1)))


def french_date(day: dt.date, rng: random.Random) -> str:
    """A date the way offers write it: 'Vendredi 27 juin 2025', 'vendredi 04 juillet 2025' or '27/06/2025'."""
    kind = rng.random()
    if kind < 0.15:
        return day.strftime("%d/%m/%Y")
    weekday = DAYS[day.weekday()]
    if kind < 0.6:
        weekday = weekday.capitalize()
    number = f"{day.day:02d}" if rng.random() < 0.3 else str(day.day)
    if day.day == 1 and rng.random() < 0.5:
        number = "1er"
    return f"{weekday} {number} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Spec:
    """What one generated offer is about (its expected parsed fields, for the tests)."""

    reference: str
    title: str
    employer: str
    corps: str
    direction: str
    location: str
    commune: str | None
    posted: dt.date
    deadline: dt.date
    start: str
    respnc: str
    fmt: str
    sections: tuple[tuple[str, str], ...]


_COMMUNES = tuple(COMMUNES)
_BY_PROVINCE = {p: tuple(c for c, q in COMMUNES.items() if q == p)
                for p in (PROVINCE_SUD, PROVINCE_NORD, PROVINCE_ILES)}
_COMMUNE_WEIGHTS = {"Nouméa": 30.0, "Dumbéa": 6.0, "Mont-Dore": 5.0, "Païta": 5.0, "Koné": 6.0,
                    "Lifou": 4.0, "Maré": 2.0, "Ouvéa": 1.5, "Bourail": 2.0, "Koumac": 2.0,
                    "Poindimié": 2.0, "Houaïlou": 1.5}


class Generator:
    """Holds the vocabulary and weights; ``offer(i)`` is deterministic for (seed, i)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.seeds = _load_seeds()
        self.vocab, self.stream = _vocabulary_and_stream(seed)
        self.employer_cum = list(itertools.accumulate(e[3] for e in EMPLOYERS))
        self.commune_cum = {p: list(itertools.accumulate(_COMMUNE_WEIGHTS.get(c, 1.0) for c in cs))
                            for p, cs in _BY_PROVINCE.items()}
        self.all_commune_cum = list(itertools.accumulate(_COMMUNE_WEIGHTS.get(c, 1.0) for c in _COMMUNES))
        self.counters: dict[tuple[str, int], int] = {}

    # -- the offer's content -------------------------------------------------------------

    def _words(self, rng: random.Random, k: int) -> list[str]:
        start = rng.randrange(STREAM_WORDS - k)
        return self.stream[start:start + k]

    def _sentence(self, rng: random.Random, family_words: list[str]) -> str:
        words = self._words(rng, rng.randint(8, 22))
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words)), rng.choice(family_words))
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + "."

    def _paragraph(self, rng: random.Random, family_words: list[str], sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            if rng.random() < 0.35:
                parts.append(rng.choice(self.seeds.sentences))
            else:
                parts.append(self._sentence(rng, family_words))
        return " ".join(parts)

    def _bullets(self, rng: random.Random, family_words: list[str], n: int) -> str:
        lines = []
        for _ in range(n):
            if rng.random() < 0.3:
                lines.append(rng.choice(self.seeds.bullets))
            else:
                words = self._words(rng, rng.randint(5, 12))
                verb = rng.choice(("d'assurer", "de participer à", "d’élaborer", "de suivre",
                                   "d'accueillir", "de coordonner", "de contribuer à", "d'encadrer"))
                lines.append(f"- {verb} {rng.choice(family_words)} {' '.join(words)} ;")
        return "\n".join(lines)

    def spec(self, i: int) -> Spec:
        rng = random.Random(f"{self.seed}-{i}")
        employer, fixed_province, code, _ = rng.choices(EMPLOYERS, cum_weights=self.employer_cum)[0]
        family = FAMILIES[min(int(rng.paretovariate(1.2)) - 1, len(FAMILIES) - 1)
                          if rng.random() < 0.5 else rng.randrange(len(FAMILIES))]
        if fixed_province:
            communes = _BY_PROVINCE[fixed_province]
            commune = rng.choices(communes, cum_weights=self.commune_cum[fixed_province])[0]
        else:
            commune = rng.choices(_COMMUNES, cum_weights=self.all_commune_cum)[0]
        if employer == "Province Sud" and rng.random() < 0.2:
            employer = f"Mairie de {commune}" if rng.random() < 0.5 else employer
        kind = rng.random()
        if kind < 0.1 and commune in ("Nouméa", "Dumbéa", "Mont-Dore", "Païta"):
            location, found = "Grand Nouméa", None
        elif kind < 0.3:
            location, found = f"CMS de {commune}", commune
        elif kind < 0.35 and commune == "Lifou":
            location, found = "Wé, Lifou", commune
        else:
            location, found = commune, commune
        posted = dt.date(2022, 1, 3) + dt.timedelta(days=rng.randrange(4 * 365))
        deadline = posted + dt.timedelta(days=rng.randrange(14, 75))
        number, suffix = code.split("|")
        year = posted.year % 100
        seq = self.counters.get((code, year), 0) + 1
        self.counters[(code, year)] = seq
        reference = f"{number}-{year:02d}-{seq:04d}/{suffix}"
        start = rng.choice(("Immédiatement", "Susceptible d'être vacant", "dès que possible",
                            french_date(deadline + dt.timedelta(days=rng.randrange(10, 60)), rng)))
        family_words = family[4].split()
        sections = [
            ("Détails de l’offre", self._paragraph(rng, family_words, rng.randint(2, 5))),
            ("Missions", "Sous l'autorité du chef de service, le/la candidat(e) retenu(e) aura pour missions :\n"
                         + self._bullets(rng, family_words, rng.randint(4, 10))),
        ]
        if rng.random() < 0.6:
            sections.append(("Profil du candidat", self._bullets(rng, family_words, rng.randint(2, 6))))
        if rng.random() < 0.3:
            sections.append(("Caractéristiques particulières de l’emploi",
                             self._paragraph(rng, family_words, rng.randint(1, 2))))
        fmt = rng.choices(("text", "markdown", "html", "jsonld"), cum_weights=(85, 92, 97, 100))[0]
        return Spec(reference, rng.choice(family[1]), employer, rng.choice(family[2]),
                    rng.choice(DIRECTIONS), location, found, posted, deadline, start, family[3],
                    fmt, tuple(sections))

    # -- the four file formats -------------------------------------------------------------

    def render(self, spec: Spec, rng: random.Random) -> tuple[str, str]:
        """(file suffix, file text)."""
        if spec.fmt == "markdown":
            return ".md", _markdown(spec)
        if spec.fmt == "html":
            return ".html", _html(spec)
        if spec.fmt == "jsonld":
            return ".json", _jsonld(spec)
        return ".txt", _text(spec, rng)


def _text(spec: Spec, rng: random.Random) -> str:
    heading = "# " if rng.random() < 0.5 else ""
    apostrophe = "’" if rng.random() < 0.7 else "'"
    lines = [
        f"{heading}{spec.title}", "",
        f"Référence : {spec.reference} du {spec.posted.strftime('%d/%m/%Y')}", "",
        spec.employer.upper() if spec.employer.startswith("Province") else spec.employer, "",
        f"Employeur : {spec.employer}", "",
        f"Corps ou Cadre d{apostrophe}emploi /Domaine : {spec.corps}", "",
        spec.direction, "",
        f"Lieu de travail : {spec.location}", "",
        "Durée de résidence exigée pour le recrutement sur titre (1): au moins égale à 5 ans", "",
        f"Date de dépôt de l{apostrophe}offre : {french_date(spec.posted, rng)}", "",
        f"Poste à pourvoir : {spec.start}", "",
        f"Date limite de candidature : {french_date(spec.deadline, rng)}", "",
    ]
    for name, text in spec.sections:
        lines += [f"# {name} :", "", text, ""]
        if name == "Détails de l’offre":
            lines += [f"Emploi RESPNC : {spec.respnc}", ""]
    return "\n".join(lines)


def _markdown(spec: Spec) -> str:
    front = [
        "---",
        f'numero: "{spec.reference}"',
        f"titre: {spec.title}",
        f"corps_grade: {spec.corps}",
        "direction: '" + spec.direction.replace("'", "''") + "'",
        f"lieu_travail: {spec.location}",
        f"date_cloture: {spec.deadline.isoformat()}",
        f"disponibilite: {spec.start}",
        "---", "",
        f"Employeur : {spec.employer}", "",
    ]
    for name, text in spec.sections:
        front += [f"## {name}", "", text, ""]
    return "\n".join(front)


def _html(spec: Spec) -> str:
    esc = html.escape
    body = []
    for name, text in spec.sections:
        body.append(f"<h2>{esc(name)} :</h2>")
        items = [line[2:] for line in text.splitlines() if line.startswith("- ")]
        prose = [line for line in text.splitlines() if not line.startswith("- ")]
        body += [f"<p>{esc(p)}</p>" for p in prose]
        if items:
            body.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>")
    return (
        "<!DOCTYPE html>\n<html lang=\"fr\"><head>\n"
        f"<title>{esc(spec.title)} | Emploi {esc(spec.employer)}</title>\n</head>\n<body>\n<main>\n"
        f"<h1>{esc(spec.title)}</h1>\n"
        f"<p>Référence : <b>{esc(spec.reference)}</b> du {spec.posted.strftime('%d/%m/%Y')}</p>\n"
        f"<dl><dt>Employeur</dt><dd>{esc(spec.employer)}</dd>"
        f"<dt>Lieu d&rsquo;affectation</dt><dd>{esc(spec.location)}</dd>"
        f"<dt>Corps</dt><dd>{esc(spec.corps)}</dd></dl>\n"
        "<table>"
        f"<tr><th>Date limite de candidature :</th><td>{spec.deadline.strftime('%d/%m/%Y')}</td></tr>"
        f"<tr><th>Poste à pourvoir</th><td>{esc(spec.start)}</td></tr></table>\n"
        + "\n".join(body) + "\n</main>\n</body></html>\n"
    )


def _jsonld(spec: Spec) -> str:
    description = "".join(
        f"<h2>{html.escape(name)}</h2><p>{html.escape(text)}</p>" for name, text in spec.sections
    )
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": spec.employer, "value": spec.reference},
        "title": spec.title,
        "datePosted": spec.posted.isoformat(),
        "validThrough": f"{spec.deadline.isoformat()}T23:59:00+11:00",
        "hiringOrganization": {"@type": "Organization", "name": spec.employer},
        "jobLocation": {"@type": "Place", "address": {
            "@type": "PostalAddress", "addressLocality": spec.location}},
        "occupationalCategory": spec.respnc,
        "description": description,
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def file_name(spec: Spec, suffix: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", spec.reference).strip("-") + suffix


def generate(n: int, out_dir: str | os.PathLike, seed: int = 0) -> list[Spec]:
    """Write ``n`` offers into ``out_dir`` (created; files spread over subfolders of 1,000).

    Same (n, seed) -> byte-identical files. Returns the specs in generation order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed)
    specs = []
    for i in range(n):
        spec = gen.spec(i)
        suffix, text = gen.render(spec, random.Random(f"render-{seed}-{i}"))
        folder = out / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(exist_ok=True)
        (folder / file_name(spec, suffix)).write_text(text, encoding="utf-8")
        specs.append(spec)
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.n, args.out_dir, args.seed)
    print(f"{args.n} offers in {args.out_dir} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
