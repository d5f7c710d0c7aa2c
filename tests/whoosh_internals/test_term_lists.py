"""Whole terms written by `TermLists` against the same terms through W3's field writer
(``start_term``, ``add_arrays``, ``finish_term``): the same postings file and term index,
byte for byte, and Whoosh reads the terms back."""

from __future__ import annotations

from array import array

import pytest
from whoosh import fields
from whoosh.filedb.filestore import RamStorage

from indexer.whoosh_internals.codec import ArrayCodec, offres_codec
from indexer.whoosh_internals.position_blocks import PositionArrays, typed
from indexer.whoosh_internals.term_lists import TermLists, usable


def _positions(counts, step=3, chars=False, big=0):
    deltas = []
    for n, count in enumerate(counts):
        for p in range(count):
            deltas += (p * step + big, n % 7, 4 + p % 3) if chars else (p * step + big,)
    return PositionArrays(array("I", counts), array("i" if big < 1 << 31 else "q", deltas), chars)


def _term(ids, weights, lengths, values):
    return array("I", ids), array("d", weights), list(lengths), values


# field -> terms (bytes, ids, weights, each posting's field length or 0, values)
TERMS = {
    "text": (fields.TEXT(), [
        (b"one", *_term([42], [1.0], [5], _positions([1]))),
        (b"one-boosted", *_term([7], [2.5], [0], _positions([2]))),
        (b"three-blocks", *_term(range(0, 900, 3), [float(d % 4 + 1) for d in range(300)],
                                 [d % 9 * 3 for d in range(300)], _positions([d % 4 + 1 for d in range(300)]))),
        (b"large-gaps", *_term([d * 70_001 for d in range(200)], [2.0] * 200, [40] * 200,
                               _positions([2] * 200, step=40_000))),
        (b"many-in-one", *_term([3], [900.0], [900], _positions([900]))),
        (b"none-in-a-posting", *_term(range(5), [1.0] * 5, [3] * 5, _positions([0, 1, 0, 1, 0]))),
        (b"same-weights", *_term(range(0, 40, 2), [3.0] * 20, [12] * 20, _positions([3] * 20))),
    ]),
    "title": (fields.TEXT(chars=True), [
        (b"chars-one", *_term([0], [1.0], [10], _positions([1], chars=True))),
        (b"chars-five-blocks", *_term(range(0, 1200, 2), [float(d % 5 + 1) for d in range(600)],
                                      [d % 5 + 1 for d in range(600)],
                                      _positions([d % 5 + 1 for d in range(600)], chars=True))),
    ]),
    "zz-overflow": (fields.TEXT(), [  # positions past 32 bits keep Whoosh's bytes
        (b"past-32-bits", *_term([1, 2], [1.0, 1.0], [1, 1], _positions([1, 1], big=1 << 33))),
    ]),
    "id": (fields.ID(), [
        (b"existence-130", *_term(range(130), [1.0] * 130, [0] * 130, None)),
        (b"existence-one", *_term([9], [1.0], [0], None)),
    ]),
    "refs": (fields.KEYWORD(scorable=False), [
        (b"frequency", *_term(range(0, 1000, 7), [1.5 * (d % 3 + 1) for d in range(143)], [0] * 143,
                              b"".join((d % 3 + 1).to_bytes(4, "big") for d in range(143)))),
        (b"frequency-one", *_term([4], [1.0], [0], (1).to_bytes(4, "big"))),
    ]),
}


# W3's 128 postings a block (the terms above span several) and the build's codec.
CODECS = {"128 a block": ArrayCodec, "offres_codec": offres_codec}


def _written(whole: bool, codec) -> dict[str, bytes]:
    storage = RamStorage()
    segment = codec.new_segment(storage, "test")
    fieldwriter = codec.field_writer(storage, segment)
    terms = TermLists(fieldwriter) if whole else None
    assert not whole or usable(fieldwriter)
    for name in sorted(TERMS):
        fieldobj, postings = TERMS[name]
        fieldwriter.start_field(name, fieldobj)
        assert not whole or terms.start_field(fieldobj)
        for tbytes, ids, weights, lengths, values in sorted(postings, key=lambda term: term[0]):
            if whole:
                terms.add(tbytes, ids, weights, lengths, values)
            else:
                fieldwriter.start_term(tbytes)
                fieldwriter._postwriter.add_arrays(ids, weights, lengths, values)
                fieldwriter.finish_term()
        fieldwriter.finish_field()
    fieldwriter.close()
    return {ext: storage.open_file(segment.make_filename(ext)).read() for ext in (".trm", ".pst")}


@pytest.mark.parametrize("codec", CODECS)
def test_whole_terms_write_the_field_writers_bytes(codec):
    whole, through = _written(True, CODECS[codec]()), _written(False, CODECS[codec]())
    assert len(whole[".pst"]) > 5000
    assert whole == through


@pytest.mark.parametrize("codec", CODECS)
def test_whoosh_reads_the_whole_terms_back(codec):
    storage = RamStorage()
    codec = CODECS[codec]()
    segment = codec.new_segment(storage, "test")
    fieldwriter = codec.field_writer(storage, segment)
    terms = TermLists(fieldwriter)
    fieldobj, postings = TERMS["text"]
    fieldwriter.start_field("text", fieldobj)
    assert terms.start_field(fieldobj)
    for tbytes, ids, weights, lengths, values in sorted(postings, key=lambda term: term[0]):
        terms.add(tbytes, ids, weights, lengths, values)
    fieldwriter.finish_field()
    fieldwriter.close()
    reader = codec.terms_reader(storage, segment)
    for tbytes, ids, weights, _, _ in postings:
        info = reader.term_info("text", tbytes)
        assert info.doc_frequency() == len(ids)
        matcher = reader.matcher("text", tbytes, fieldobj.format)
        found = []
        while matcher.is_active():
            found.append((matcher.id(), matcher.weight()))
            matcher.next()
        assert found == [(d, pytest.approx(w)) for d, w in zip(ids, weights)]


@pytest.mark.parametrize("numbers", [[], [0], [255], [256], [-1], [3, -200], [70_000], [1, 2, 3],
                                     array("i", [5, 300]), array("I", [4]), [-129], [2**31 - 1]])
def test_typed_picks_the_smallest_type(numbers):
    numbers = list(numbers)
    if not numbers:
        assert typed(numbers) == b"B"
        return
    low, high = min(numbers), max(numbers)
    for code in "BbHhIi":
        item = array(code)
        bits = 8 * item.itemsize
        signed = code.islower()
        if (low >= -(1 << (bits - 1)) and high < 1 << (bits - 1)) if signed else (low >= 0 and high < 1 << bits):
            if signed == (low < 0):
                break
    assert typed(numbers) == code.encode() + array(code, numbers).tobytes()
