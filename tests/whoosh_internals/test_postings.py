"""Reading positions and characters from the posting blocks (`term_positions`,
`positions`) against Whoosh's own decoding of each posting, on a real index of two
segments with deleted documents, written by offres' codec and by W3's."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.offer import Offer
from indexer.schema import make_schema, offer_to_document
from indexer.searching.scoring import TermScores
from indexer.whoosh_internals.codec import ArrayCodec
from indexer.whoosh_internals.postings import positions, term_positions

WORDS = "social santé enfance protection service public chargé mission accueil".split()
DELETED = (3, 200, 371)


def _text(n: int) -> str:
    """A body where word k comes back every k + 1 words, with n's own variations: some
    postings hold one occurrence, others hundreds, in several blocks of 128 postings."""
    words = [WORDS[(n * 7 + i) % (i % 9 + 1) % len(WORDS)] if i % (n % 5 + 2) else "travail"
             for i in range(n % 40 * 9 + 3)]
    return " ".join(words)


@pytest.fixture(scope="module", params=["ours", "w3"])
def index(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("postings") / request.param
    folder.mkdir()
    # W3's 128 postings a block (not BLOCK_LIMIT): the terms span several blocks.
    codec = ArrayCodec() if request.param == "ours" else W3Codec()
    ix = whoosh_index.create_in(str(folder), make_schema())
    for part in (range(0, 300), range(300, 420)):
        writer = ix.writer(codec=codec)
        for n in part:
            offer = Offer(title=f"Chargé de mission {WORDS[n % len(WORDS)]}", text=_text(n),
                          employer=("Province Sud", "Province Nord", "Ville de Nouméa")[n % 3])
            writer.add_document(**offer_to_document(offer, f"o{n}", str(n)))
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for docnum in DELETED:
        writer.delete_document(docnum)
    writer.commit(merge=False)
    return whoosh_index.open_dir(str(folder))


def _expected(searcher, field: str, btext: bytes, docnums) -> list[tuple]:
    """(doc, position, start, end) of every occurrence, from Whoosh's matcher API."""
    fmt = searcher.schema[field].format
    found = []
    matcher = searcher.reader().postings(field, btext)  # deleted documents left out
    while matcher.is_active():
        d = matcher.id()
        if docnums is None or d in docnums:
            if fmt.supports("characters"):
                found += [(d, *c) for c in fmt.decode_as("characters", matcher.value())]
            else:
                found += [(d, p, None, None) for p in fmt.decode_as("positions", matcher.value())]
        matcher.next()
    return found


def _cache_for(kept: dict):
    """A cache of `TermScores.cache_for`'s kind, over a plain dict."""
    def cached(entry, build):
        if entry not in kept:
            kept[entry] = build()
        return kept[entry]
    return cached


def _got(found) -> list[tuple]:
    starts = found.starts.tolist() if found.starts is not None else [None] * len(found.docs)
    ends = found.ends.tolist() if found.ends is not None else [None] * len(found.docs)
    return list(zip(found.docs.tolist(), found.positions.tolist(), starts, ends))


@pytest.mark.parametrize("field", ["body", "title", "employer_text"])
@pytest.mark.parametrize("which", ["all", "every third", "a few", "one", "none"])
def test_term_positions_are_whooshs(index, field, which):
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert len(reader.leaf_readers()) == 2
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        docnums = {"all": None, "every third": live[::3], "a few": [live[5], live[299], live[-1]],
                   "one": [live[150]], "none": []}[which]
        terms = [t for _, t in reader.most_frequent_terms(field, 6)]
        assert terms
        for btext in terms:
            expected = _expected(searcher, field, btext, None if docnums is None else set(docnums))
            cached = _cache_for({})
            for use in (None, cached, cached):  # the last from the decoded blocks
                assert _got(term_positions(reader, field, btext, docnums, use)) == expected
            # A page's few documents read from the whole term a phrase decoded before.
            warmed = TermScores().cache_for(("warmed", 1))
            term_positions(reader, field, btext, None, warmed)
            assert _got(term_positions(reader, field, btext, docnums, warmed)) == expected
            if docnums:
                array = np.array(docnums, dtype=np.int64)
                assert _got(term_positions(reader, field, btext, array)) == expected
            assert not {d for d, *_ in expected} & set(DELETED)
        chars = searcher.schema[field].format.supports("characters")
        found = term_positions(reader, field, b"mot-absent", docnums)
        assert len(found.docs) == 0 and (found.starts is not None) == chars


def test_positions_by_document(index):
    with index.searcher() as searcher:
        btext = searcher.reader().most_frequent_terms("body", 1)[0][1]
        text = btext.decode("utf-8")
        expected: dict[int, set] = {}
        for d, p, _, _ in _expected(searcher, "body", btext, None):
            expected.setdefault(d, set()).add(p)
        assert positions(searcher, "body", text) == {d: frozenset(p) for d, p in expected.items()}
        few = sorted(expected)[::50]
        assert positions(searcher, "body", text, few) == {d: frozenset(expected[d]) for d in few}


def test_blocks_that_kept_whooshs_bytes_are_read_from_them():
    """A block that kept Whoosh's value bytes (an OfA1 file, or values of another shape:
    here a count prefix that is not the count) is decoded from them, through
    `TermScores`' cache too."""
    import pickle
    import struct
    from io import BytesIO

    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.filedb.structfile import StructFile
    from whoosh.formats import Positions

    from indexer.whoosh_internals.occurrences import few_documents, term_block
    from indexer.whoosh_internals.postings import _blocks

    fmt, codec = Positions(), ArrayCodec()
    values = [struct.pack(">I", 9) + pickle.dumps([d % 3, 2], 2) for d in range(200)]
    sink = BytesIO()
    writer = codec.postings_writer(StructFile(sink))
    terminfo = W3TermInfo()
    writer.start_postings(fmt, terminfo)
    for docnum, value in enumerate(values):
        writer.add_posting(docnum, 1.0, value, 3)
    writer.finish_postings()

    def matcher():
        return codec.postings_reader(StructFile(BytesIO(sink.getvalue())), terminfo, fmt)

    assert matcher().position_arrays() is None
    blocks = _blocks(matcher())
    assert len(blocks) == 2
    cache = TermScores().cache_for(("test", 1))
    assert few_documents(matcher(), ("t",), blocks, [3, 150], 0, cache, False) is None
    block = term_block(matcher(), [position for _, position in blocks], fmt)
    assert block.ids.tolist() == list(range(200))
    assert block.positions.tolist() == [p for v in values for p in fmt.decode_positions(v)]
