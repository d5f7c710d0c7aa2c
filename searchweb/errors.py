"""Error answers in French: an HTML page for the site, JSON for the API."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request

ERROR_MESSAGES = {
    400: "Requête invalide.",
    404: "Cette page n’existe pas (ou l’offre a été retirée).",
    405: "Méthode non autorisée : cette adresse ne se consulte qu’en lecture.",
    413: "Requête trop volumineuse.",
    429: "Trop de requêtes : merci de patienter un instant avant de réessayer.",
    500: "Une erreur inattendue s’est produite. Réessayez dans un moment.",
    503: "L’index des offres est en cours de construction. Réessayez dans quelques instants.",
}
ERROR_TITLES = {
    400: "Requête invalide",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    413: "Requête trop volumineuse",
    429: "Trop de requêtes",
    500: "Erreur du serveur",
    503: "Service momentanément indisponible",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str | None = None, headers: dict | None = None):
    message = message or ERROR_MESSAGES.get(status, "Erreur.")
    if wants_json():
        response = jsonify({"error": message, "status": status})
        response.status_code = status
    else:
        response = current_app.make_response((
            render_template("error.html", status=status, message=message,
                            title=ERROR_TITLES.get(status, "Erreur")),
            status,
        ))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
