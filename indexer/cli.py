"""`offres`: a thin command line over the Python API (also `python -m indexer`).

Options default to their OFFRES_* environment variable where one exists; a flag given on
the command line wins over it.

Exit codes: 0 done; 1 built, but some files were skipped or warned about; 2 failed
(the previous index, if any, still serves).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import sys
from typing import Sequence

from indexer import BuildReport, OffresError, build_index, open_index, rollback
from indexer.parsing import DEFAULT_MAX_BYTES

EXIT_OK, EXIT_WARNINGS, EXIT_FAILED = 0, 1, 2


def _progress_printer(stream):
    """A progress bar on a terminal; otherwise a plain line at every tenth of the files."""
    if stream.isatty():
        def show(done: int, total: int, path: str) -> None:
            width = 30
            filled = int(width * done / max(total, 1))
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                stream.write("\n")
            stream.flush()
    else:
        def show(done: int, total: int, path: str) -> None:
            step = max(total // 10, 1)
            if done % step == 0 or done == total:
                print(f"lecture des fichiers : {done}/{total}", file=stream, flush=True)

    return show


def _print_report(report: BuildReport, incremental: bool) -> None:
    out = sys.stdout
    if incremental:
        print(f"{report.indexed} offres indexées ({report.added} ajoutées, {report.updated} "
              f"modifiées, {report.removed} retirées, {report.unchanged} inchangées) "
              f"en {report.seconds:.1f} s", file=out)
    else:
        print(f"{report.indexed} offres indexées en {report.seconds:.1f} s", file=out)
    if report.skipped:
        print(f"{len(report.skipped)} fichier(s) ignoré(s) :", file=out)
        for skipped in report.skipped:
            print(f"  - {skipped.path} : {skipped.reason}", file=out)
    for message in report.duplicates:
        print(f"  doublon : {message}", file=out)
    if report.warnings:
        print(f"{len(report.warnings)} avertissement(s) :", file=out)
        for warning in report.warnings:
            print(f"  - {warning}", file=out)


def cmd_build(args) -> int:
    try:
        report = build_index(args.corpus, args.index, incremental=args.incremental,
                             max_bytes=args.max_bytes, progress=_progress_printer(sys.stderr))
    except OffresError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever stopped it, nothing was switched in: exit 2
        print(f"offres: construction abandonnée ({type(exc).__name__} : {exc}) ; "
              "l’index en service n’a pas changé", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, args.incremental)
    return report.exit_code


def cmd_search(args) -> int:
    filters = {}
    for item in args.filter or ():
        name, _, value = item.partition("=")
        filters.setdefault(name, []).append(value)
    with open_index(args.index) as index:
        page = index.search(args.query, filters=filters, sort=args.sort, page=args.page,
                            per_page=args.limit)
    if args.json:
        print(json.dumps(page.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    if page.fallback:
        print("Aucun résultat exact, voici des résultats approchants.")
    if page.suggestion:
        print(f"Vouliez-vous dire : {page.suggestion} ?")
    print(f"{page.total} résultat(s)")
    for hit in page.hits:
        where = ", ".join(x for x in (hit.employer, hit.commune or hit.location) if x)
        print(f"{hit.reference}  {hit.title}  [{where}]  {hit.status}")
    return EXIT_OK


def cmd_show(args) -> int:
    with open_index(args.index) as index:
        offer = index.get(args.reference)
    if offer is None:
        print(f"offres: aucune offre avec la référence « {args.reference} »", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps(offer.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    data = offer.to_dict()
    for name in ("reference", "title", "employer", "corps", "direction", "location", "commune",
                 "province", "residence", "posted", "deadline", "start", "respnc"):
        if data[name]:
            print(f"{name}: {data[name]}")
    for heading, text in offer.sections:
        print(f"\n## {heading}\n{text}")
    return EXIT_OK


def cmd_serve(args) -> int:
    from searchweb import (ConfigError, ServeSettings, configure_logging, create_app,
                           create_server, warm_up)

    try:
        settings = ServeSettings.from_env(
            host=args.host, port=args.port, threads=args.threads,
            trusted_proxy=args.trusted_proxy, url_scheme=args.url_scheme,
            connection_limit=args.connection_limit,
            connections_per_client=args.connections_per_client,
            channel_timeout=args.channel_timeout)
        overrides = {key: value for key, value in (
            ("INDEX_DIR", args.index), ("RATELIMIT_PER_MINUTE", args.rate_limit),
            ("PUBLIC_URL", args.public_url), ("TRUSTED_HOSTS", args.trusted_hosts),
            ("LOG_LEVEL", args.log_level),
        ) if value is not None}
        app = create_app({**overrides, "BIND_HOST": settings.host})
    except ConfigError as exc:
        print(f"offres: {exc}", file=sys.stderr)
        return EXIT_FAILED
    configure_logging(app.config["LOG_LEVEL"])
    # Fail early, with the CLI's message, when nothing is built.
    open_index(app.config["INDEX_DIR"]).close()
    warm_up(app)
    server = create_server(app, settings)
    # A name that resolves to several addresses (localhost: 127.0.0.1 and ::1) gets one
    # socket each, and no single effective port.
    port = getattr(server, "effective_port", settings.port)
    print(f"offres : http://{settings.host}:{port}/", flush=True)
    try:
        server.run()
    finally:
        server.close()
    return EXIT_OK


def cmd_rollback(args) -> int:
    target = rollback(args.index)
    print(f"construction précédente remise en service : {target.name}")
    return EXIT_OK


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes "" when it builds a subcommand's prog: keep that one empty.
        return super().add_usage(usage, actions, groups,
                                 "utilisation : " if prefix is None else prefix)


# argparse's own messages, which it does not translate, for the errors users meet.
_ARGPARSE_FRENCH = (
    (re.compile(r"the following arguments are required: (.*)"), r"arguments obligatoires : \1"),
    (re.compile(r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)"),
     r"argument \1 : choix invalide : \2 (au choix : \3)"),
    (re.compile(r"argument (.*?): invalid int value: (.*)"),
     r"argument \1 : nombre entier attendu, reçu \2"),
    (re.compile(r"argument (.*?): expected one argument"), r"argument \1 : une valeur attendue"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments inconnus : \1"),
)


class FrenchParser(argparse.ArgumentParser):
    """argparse in French: usage, section titles, -h and the common error messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.arguments = self.add_argument_group("arguments")
        self.options = self.add_argument_group("options")
        self.options.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                                  help="afficher cette aide et quitter")

    def error(self, message: str):
        for pattern, french in _ARGPARSE_FRENCH:
            message = pattern.sub(french, message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, f"{self.prog} : erreur : {message}\n")


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def make_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="offres",
                          description="Moteur de recherche d’offres d’emploi public en français.")
    parser.options.add_argument("--version", action="version", version=f"offres {version()}",
                                help="afficher la version et quitter")
    sub = parser.add_subparsers(dest="command", required=True, title="commandes",
                                metavar="COMMANDE", parser_class=FrenchParser)

    def command(name: str, help: str):
        p = sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".")
        p.options.add_argument("--index", default=_env("OFFRES_INDEX", "index"), metavar="DOSSIER",
                               help="dossier de l’index (défaut : $OFFRES_INDEX, sinon index/)")
        return p

    p = command("build", "construire l’index à partir du corpus")
    p.arguments.add_argument("corpus", nargs="?", default=_env("OFFRES_CORPUS", "corpus"),
                             metavar="CORPUS",
                             help="dossier des offres (défaut : $OFFRES_CORPUS, sinon corpus/)")
    p.options.add_argument("--incremental", action="store_true",
                           help="ne relire que les fichiers ajoutés, modifiés ou retirés")
    p.options.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                           help="taille maximale d’un fichier en octets (défaut : 2000000)")
    p.options.add_argument("--json", action="store_true", help="rapport en JSON")
    p.set_defaults(func=cmd_build)

    p = command("search", "rechercher des offres")
    p.arguments.add_argument("query", nargs="?", default="", metavar="REQUÊTE",
                             help="les mots cherchés (vide : toutes les offres)")
    p.options.add_argument("--limit", type=int, default=10, metavar="N",
                           help="offres par page (défaut : 10)")
    p.options.add_argument("--page", type=int, default=1, metavar="N",
                           help="numéro de la page (défaut : 1)")
    p.options.add_argument("--sort", default="pertinence", choices=("pertinence", "date", "cloture"),
                           help="ordre des résultats (défaut : pertinence)")
    p.options.add_argument("--filter", action="append", metavar="FACETTE=VALEUR",
                           help="ne garder qu’une valeur d’une facette, ex. employer=Province Sud "
                                "(répétable)")
    p.options.add_argument("--json", action="store_true", help="résultats en JSON")
    p.set_defaults(func=cmd_search)

    p = command("show", "afficher une offre")
    p.arguments.add_argument("reference", metavar="RÉFÉRENCE",
                             help="référence de l’offre, ex. 3134-25-1255/SR")
    p.options.add_argument("--json", action="store_true", help="l’offre en JSON")
    p.set_defaults(func=cmd_show)

    # Every serve option defaults to None: unset, the OFFRES_* variable or the default applies.
    p = command("serve", "servir le site de recherche (waitress)")
    o = p.options
    o.add_argument("--host", metavar="ADRESSE", help="adresse d’écoute (défaut : $OFFRES_HOST, sinon 127.0.0.1)")
    o.add_argument("--port", type=int, help="port d’écoute (défaut : $OFFRES_PORT, sinon 5000)")
    o.add_argument("--threads", type=int, metavar="N",
                   help="fils de traitement (défaut : $OFFRES_THREADS, sinon 4)")
    o.add_argument("--trusted-proxy", metavar="ADRESSE",
                   help="adresse du proxy inverse dont on croit X-Forwarded-For et "
                        "X-Forwarded-Proto (défaut : $OFFRES_TRUSTED_PROXY, sinon aucun)")
    o.add_argument("--url-scheme", choices=("http", "https"),
                   help="schéma des requêtes qui ne le disent pas (défaut : $OFFRES_URL_SCHEME, "
                        "sinon http)")
    o.add_argument("--public-url", metavar="URL",
                   help="adresse publique du site, pour les liens absolus "
                        "(défaut : $OFFRES_PUBLIC_URL, sinon l’en-tête Host)")
    o.add_argument("--trusted-hosts", metavar="NOMS",
                   help="noms de site acceptés, séparés par des virgules "
                        "(défaut : $OFFRES_TRUSTED_HOSTS, sinon localhost,127.0.0.1,[::1])")
    o.add_argument("--rate-limit", type=int, metavar="N",
                   help="recherches par minute et par client, 0 : sans limite "
                        "(défaut : $OFFRES_RATE_LIMIT, sinon 120)")
    o.add_argument("--connection-limit", type=int, metavar="N",
                   help="connexions ouvertes au plus (défaut : $OFFRES_CONNECTION_LIMIT, sinon 500)")
    o.add_argument("--connections-per-client", type=int, metavar="N",
                   help="connexions ouvertes au plus par adresse, 0 : sans limite "
                        "(défaut : $OFFRES_CONNECTIONS_PER_CLIENT, sinon 20)")
    o.add_argument("--channel-timeout", type=int, metavar="SECONDES",
                   help="fermer une connexion inactive après ce délai "
                        "(défaut : $OFFRES_CHANNEL_TIMEOUT, sinon 20)")
    o.add_argument("--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                   type=str.upper, help="niveau du journal (défaut : $OFFRES_LOG_LEVEL, sinon INFO)")
    p.set_defaults(func=cmd_serve)

    p = command("rollback", "revenir à la construction précédente")
    p.set_defaults(func=cmd_rollback)
    return parser


def version() -> str:
    try:
        return importlib.metadata.version("offres")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "inconnue"


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except OffresError as exc:
        print(f"offres: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("offres: interrompu", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
