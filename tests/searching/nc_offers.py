"""Small offers of our own that reproduce the real OPT-NC cases (places, directions, job
families, acronyms, a news page that names places), built into a real index."""

from __future__ import annotations

from pathlib import Path

OFFERS = {
    "lifou": ("Chef d'agence - Agence de Lifou", "26-1001", "Office des postes et télécommunications",
              "Direction de la distribution", "Lifou", "Poste et logistique",
              "Encadrer l'équipe de l'agence et garantir la qualité du service aux usagers."),
    "kone": ("Chargé de contact clientèle - Agence de Koné", "26-1002",
             "Office des postes et télécommunications", "Direction de la distribution", "Koné",
             "Vente et relation client", "Accueillir la clientèle et conseiller les usagers."),
    "dev": ("Concepteur-développeur d'applications", "26-1003",
            "Office des postes et télécommunications", "Direction des systèmes d'information",
            "Nouméa", "Systèmes d'information",
            "Concevoir des applications en Java et maintenir le parc applicatif."),
    "bank": ("Conseiller financier multi canal", "26-1004", "Office des postes et télécommunications",
             "Direction des services financiers", "Koumac", "Services bancaires",
             "Conseiller les clients et proposer les produits d'épargne."),
    "sales": ("Vendeur en agence", "26-1005", "Office des postes et télécommunications",
              "Direction commerciale", "Dumbéa", "Vente et relation client",
              "Accueillir et renseigner les clients, encaisser les paiements."),
    "accounts": ("Comptable", "26-1006", "Gouvernement de la Nouvelle-Calédonie",
                 "Direction du budget et des affaires financières", "Païta",
                 "Administration, finance et juridique",
                 "Tenir la comptabilité générale et préparer les clôtures."),
    "works": ("Technicien des travaux", "26-1007", "Province Sud", "Direction de l'équipement",
              "Mont-Dore", "Infrastructures",
              "Suivre les chantiers de bâtiment et travaux publics de la province."),
    "support": ("Technicien support informatique", "26-1008", "Province des Îles Loyauté",
                "Direction des ressources humaines", "Maré", "Systèmes d'information",
                "Assurer le support aux agents et le suivi du parc."),
    "noumea": ("Secrétaire de direction", "26-1009", "Office des postes et télécommunications",
               "Direction des télécommunications", "Nouméa", "Secrétariat",
               "Gérer l'agenda et le courrier de la direction."),
}
REF = {key: f"3134-{values[1]}/SR" for key, values in OFFERS.items()}

NEWS = """Le mot de la DRH : nos opportunités

Rejoignez-nous ! Cette semaine, nous recrutons un chef d'agence à Lifou, un chargé de contact
clientèle à Koné, un conseiller financier en province Nord et aux îles, des développeurs à la
DSI et des comptables. L'OPT recrute aussi dans le Grand Nouméa, à Dumbéa et à Païta.
"""


def offer_text(title, number, employer, direction, place, family, body) -> str:
    return (f"{title}\nRéférence : 3134-{number}/SR du 02/06/2026\n\n"
            f"Employeur : {employer}\n\nDirection : {direction}\n\nLieu de travail : {place}\n\n"
            f"Date de dépôt de l’offre : Mardi 2 juin 2026\n\n"
            f"Date limite de candidature : Vendredi 26 juin 2026\n\n"
            f"Emploi RESPNC : {family}\n\n# Missions :\n\n{body}\n")


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, values in OFFERS.items():
        (folder / f"{key}.txt").write_text(offer_text(*values), encoding="utf-8")
    (folder / "mot-drh.md").write_text(NEWS, encoding="utf-8")
    return folder
