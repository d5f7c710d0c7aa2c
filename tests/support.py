"""What several test modules share: the repository's paths and the fixed "today".

Tests import these from here, never from conftest (pytest loads conftest itself, and a
second import under another name would define its fixtures twice)."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"

# A fixed "today" for status facets, so tests do not depend on the calendar.
AS_OF = dt.date(2025, 8, 15)


@functools.cache
def bench_generator():
    """``bench/generate.py`` (a script, not a package) loaded once as a module: the
    generated offers several tests build real indexes of."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def generated_documents(folder: Path, offers: int, seed: int) -> list[dict]:
    """``offers`` generated offers built by `build_index` under ``folder``, read back as the
    Whoosh documents the build wrote (for writing the same documents again, with another
    codec or in other segments)."""
    from whoosh import index as whoosh_index

    from indexer import build_index
    from indexer.offer import Offer
    from indexer.schema import offer_to_document
    from indexer.store import live_build

    bench_generator().generate(offers, folder / "corpus", seed=seed)
    build_index(folder / "corpus", folder / "built")
    with whoosh_index.open_dir(str(live_build(folder / "built"))).searcher() as searcher:
        stored = [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]
    return [offer_to_document(Offer.from_dict(json.loads(s["offer"])), s["id"], s["digest"])
            for s in stored]
