"""Postings read as numpy arrays (`indexer.whoosh_internals.arrays`) against Whoosh's own
matchers: the same doc numbers and weights, for indexes written by offres' codec and by
Whoosh's W3 codec, with several segments and deleted documents."""

from __future__ import annotations


import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.schema import make_schema
from indexer.whoosh_internals.arrays import live_mask, reads_array_blocks, segment_postings
from indexer.whoosh_internals.codec import ArrayCodec, offres_codec

from support import generated_documents

FIELDS = ("title", "body", "employer_text", "place_text", "refs")


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The same 220 generated offers written by each codec in two segments, then deletions
    in both segments."""
    folder = tmp_path_factory.mktemp("arrays")
    documents = generated_documents(folder, 220, seed=11)
    out = {}
    for name, codec in (("ours", offres_codec()), ("w3", W3Codec())):
        path = folder / name
        path.mkdir()
        ix = whoosh_index.create_in(str(path), make_schema())
        for part in (documents[:130], documents[130:]):
            writer = ix.writer(codec=codec)
            for document in part:
                writer.add_document(**document)
            writer.commit(merge=False)
        writer = ix.writer(codec=codec)
        for docnum in (0, 3, 64, 129, 130, 200):
            writer.delete_document(docnum)
        writer.commit(merge=False)
        out[name] = whoosh_index.open_dir(str(path))
    return out


def _whoosh_postings(leaf, field, btext):
    """Live postings stepped one at a time with Whoosh's public matcher API."""
    matcher = leaf.postings(field, btext)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def test_this_codec_reads_as_arrays():
    assert reads_array_blocks()


@pytest.mark.parametrize("name", ["ours", "w3"])
def test_every_term_reads_as_whooshs_matcher_reads_it(indexes, name):
    with indexes[name].searcher() as searcher:
        reader = searcher.reader()
        live = live_mask(reader)
        assert live.tolist() == [not reader.is_deleted(d) for d in range(reader.doc_count_all())]
        checked, from_blocks = 0, 0
        for leaf, offset in reader.leaf_readers():
            assert leaf.has_deletions()
            for field in FIELDS:
                for btext in leaf.lexicon(field):
                    ids, weights, live_only = segment_postings(leaf, field, btext)
                    assert ids.dtype == np.int64 and weights.dtype == np.float64
                    from_blocks += not live_only
                    if not live_only:
                        keep = live[ids + offset]
                        ids, weights = ids[keep], weights[keep]
                    assert list(zip(ids.tolist(), weights.tolist())) == \
                        _whoosh_postings(leaf, field, btext), (field, btext)
                    checked += 1
        assert checked > 1000
        # W3's blocks are pickles: read by the fallback; ours straight from the blocks
        # (but for the terms inlined in the term index).
        assert from_blocks == 0 if name == "w3" else from_blocks > checked // 4


POSTING_LISTS = {
    "one-byte gaps, weights of each posting, 3 blocks": [
        (d * 3 + 1, float(d % 4 + 1)) for d in range(300)],
    "two-byte gaps, one weight for all": [(d * 300, 2.0) for d in range(200)],
    "four-byte gaps": [(d * 70_001, 1.5 * (d % 3 + 1)) for d in range(150)],
    "weights all one, exactly one block": [(d, 1.0) for d in range(128)],
    "one posting": [(42, 3.0)],
}


@pytest.mark.parametrize("name", POSTING_LISTS)
def test_block_layouts_read_back(name):
    from io import BytesIO

    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.filedb.structfile import StructFile
    from whoosh.formats import Positions

    from indexer.whoosh_internals.arrays import block_arrays

    postings = POSTING_LISTS[name]
    sink = BytesIO()
    # W3's 128 postings a block, as the names of the lists say.
    writer = ArrayCodec().postings_writer(StructFile(sink))
    terminfo = W3TermInfo()
    fmt = Positions()
    writer.start_postings(fmt, terminfo)
    for docnum, weight in postings:
        writer.add_posting(docnum, weight, fmt.encode([1, 5]), 3)
    writer.finish_postings()
    offset, length = terminfo.extent()
    data = sink.getvalue()
    ids, weights = block_arrays(memoryview(data)[offset:offset + length])
    assert list(zip(ids.tolist(), weights.tolist())) == postings
