"""How well a build reads the real OPT-NC sample: references found, each field right, pages refused.

    python bench/real_nc_check.py [../shared/real-nc-dev]

builds ``<sample>/corpus`` into a temporary folder and compares every offer of
``<sample>/expected.json`` with what the index holds. A field is right when the indexed
value is one of the values the offer's own sources state. Titles are compared after a light
normalisation (:func:`title_key`): case, Unicode form, apostrophes, dashes and spaces, the
differences a reader does not see. ``tests/test_real_corpus.py`` asserts the same figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indexer import build_index, open_index  # noqa: E402
from indexer.offer import Offer  # noqa: E402

FIELDS = ("title", "deadline", "employer", "posted")
DEFAULT_SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "real-nc-dev"
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʼ´`", "'"))


def title_key(title: str) -> str:
    """A title as a reader sees it: "DT – Chef(fe)  de centre" and "dt - chef(fe) de centre" are one key."""
    text = unicodedata.normalize("NFC", title).translate(_DASHES).translate(_APOSTROPHES).casefold()
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split())


def _indexed_value(offer: Offer, name: str) -> str | None:
    value = getattr(offer, name)
    if value is None:
        return None
    if name == "title":
        return title_key(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _expected_values(values: list[str], name: str) -> set[str]:
    return {title_key(v) for v in values} if name == "title" else set(values)


@dataclass
class Figures:
    """What the check measured: per-field hits over the offers that state the field, and the misses."""

    references: int = 0
    found: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    stated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    not_offers: list[str] = field(default_factory=list)  # indexed, though no expected offer
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def share(self, name: str) -> float:
        return self.right[name] / self.stated[name] if self.stated[name] else 1.0

    @property
    def found_share(self) -> float:
        return self.found / self.references if self.references else 1.0


def check(sample: Path, workdir: Path) -> Figures:
    """Build ``sample/corpus`` under ``workdir`` and compare it with ``sample/expected.json``."""
    expected: dict[str, dict[str, list[str]]] = json.loads((sample / "expected.json").read_text(encoding="utf-8"))
    report = build_index(sample / "corpus", workdir / "index")
    figures = Figures(references=len(expected), skipped=[(s.path, s.reason) for s in report.skipped])
    with open_index(workdir / "index") as index:
        indexed = [hit.reference for hit in index.search("", per_page=100_000).hits]
        figures.not_offers = sorted(ref for ref in indexed if ref not in expected)
        for reference, stated in sorted(expected.items()):
            offer = index.get(reference)
            if offer is None:
                figures.misses.append(f"{reference}: introuvable")
                continue
            figures.found += 1
            for name in FIELDS:
                if not stated.get(name):
                    continue
                figures.stated[name] += 1
                got = _indexed_value(offer, name)
                if got in _expected_values(stated[name], name):
                    figures.right[name] += 1
                else:
                    figures.misses.append(f"{reference}: {name} = {got!r}, attendu parmi {stated[name]!r}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", nargs="?", type=Path, default=DEFAULT_SAMPLE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        figures = check(args.sample, Path(workdir))
    print(f"références trouvées : {figures.found}/{figures.references} ({figures.found_share:.1%})")
    for name in FIELDS:
        print(f"{name:>9} : {figures.right[name]}/{figures.stated[name]} ({figures.share(name):.1%})")
    print(f"pages indexées qui ne sont pas des offres : {len(figures.not_offers)}")
    for reference in figures.not_offers:
        print(f"  - {reference}")
    print(f"fichiers écartés : {len(figures.skipped)}")
    for path, reason in figures.skipped:
        print(f"  - {Path(path).name} : {reason}")
    print(f"écarts : {len(figures.misses)}")
    for miss in figures.misses:
        print(f"  - {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
