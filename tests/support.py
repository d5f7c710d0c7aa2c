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


def postings_of(reader, fieldname: str, text: bytes) -> list[tuple]:
    """A term's postings as a Whoosh reader steps through them: (document, weight, value bytes)."""
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def segment_analyses(schema) -> dict:
    """field -> the analysis function the build's workers give `ArraySegmentWriter`."""
    from indexer.analysis.memo import positions_function

    return {name: analysis for name, field in schema.items()
            if (analysis := positions_function(getattr(field, "analyzer", None)))}


def write_segment(folder: Path, docs: list[dict], make_writer, finish) -> Path:
    """A new index in ``folder`` of one segment: ``docs`` added to ``make_writer(ix)``, the
    segment ``finish(writer)`` returns committed."""
    from whoosh import index as whoosh_index

    from indexer.schema import make_schema
    from indexer.whoosh_internals.segments import commit_segments

    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    main = ix.writer()
    writer = make_writer(ix)
    for doc in docs:
        writer.add_document(**doc)
    commit_segments(main, [finish(writer)])
    return folder


def index_contents(folder: Path) -> dict:
    """Everything a reader sees of an index, posting by posting: terms with their statistics
    and postings, stored fields, field lengths and columns."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        schema = ix.schema
        postings = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            postings[fieldname, text] = (info.doc_frequency(), info.weight(), info.min_length(),
                                         info.max_length(), info.max_weight(),
                                         postings_of(reader, fieldname, text))
        count = reader.doc_count_all()
        scorable = [name for name, field in schema.items() if field.scorable]
        return {
            "postings": postings,
            "stored": list(reader.all_stored_fields()),
            # Whoosh 2.7.4's min/max field length fail on a field no document fills.
            "lengths": {name: ([reader.doc_field_length(d, name) for d in range(count)],
                               reader.field_length(name),
                               *((reader.min_field_length(name), reader.max_field_length(name))
                                 if reader.field_length(name) else ())) for name in scorable},
            "columns": {name: list(reader.column_reader(name)) for name, field in schema.items()
                        if field.column_type},
        }
