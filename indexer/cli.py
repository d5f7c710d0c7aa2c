"""`offres`: a thin command line over the Python API.

Exit codes: 0 done; 1 built, but some files were skipped or warned about; 2 failed
(the previous index, if any, still serves).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from indexer import BuildReport, OffresError, build_index, open_index, rollback

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
    import waitress

    from searchweb import create_app, warm_up

    open_index(args.index).close()  # fail early, with the CLI's message, when nothing is built
    app = create_app({"INDEX_DIR": args.index, "RATELIMIT_PER_MINUTE": args.rate_limit})
    warm_up(app)
    print(f"offres : http://{args.host}:{args.port}/", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="offres")
    return EXIT_OK


def cmd_rollback(args) -> int:
    target = rollback(args.index)
    print(f"construction précédente remise en service : {target.name}")
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="offres", description="Moteur de recherche d'offres d'emploi")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_index(p):
        p.add_argument("--index", default="index", help="dossier de l'index (défaut : index/)")
        return p

    p = with_index(sub.add_parser("build", help="construire l'index à partir du corpus"))
    p.add_argument("corpus", nargs="?", default="corpus")
    p.add_argument("--incremental", action="store_true", help="ne relire que les fichiers modifiés")
    p.add_argument("--max-bytes", type=int, default=2_000_000, help="taille maximale d'un fichier")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_build)

    p = with_index(sub.add_parser("search", help="rechercher des offres"))
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--sort", default="pertinence", choices=("pertinence", "date", "cloture"))
    p.add_argument("--filter", action="append", metavar="FACETTE=VALEUR")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = with_index(sub.add_parser("show", help="afficher une offre"))
    p.add_argument("reference")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = with_index(sub.add_parser("serve", help="servir la page de recherche"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--rate-limit", type=int, default=120, metavar="N",
                   help="requêtes de recherche par minute et par client (0 : sans limite)")
    p.set_defaults(func=cmd_serve)

    p = with_index(sub.add_parser("rollback", help="revenir à la construction précédente"))
    p.set_defaults(func=cmd_rollback)
    return parser


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
