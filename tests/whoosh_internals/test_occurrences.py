"""`term_block`'s reading of `ArrayCodec`'s blocks straight from their bytes against the
matcher's block API (`stepped_term_block`) and against Whoosh's own decoding of each
posting's value bytes: every shape of positions and characters, one block and many,
all the blocks of a term and some of them."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.filedb.structfile import BufferFile
from whoosh.formats import Characters, Positions

from indexer.whoosh_internals.codec import ArrayCodec, offres_codec, posting_list
from indexer.whoosh_internals.occurrences import stepped_term_block, term_block
from indexer.whoosh_internals.postings import _blocks

# W3's 128 postings a block, not offres_codec()'s BLOCK_LIMIT: the lists here then span
# several blocks, and the readers are the same at any limit.
CODEC = ArrayCodec()

_CHARS, _POSES = Characters(), Positions()
WORDS = "éducatrice spécialisée à Nouméa, CDI temps plein".split()


def _french(d: int) -> list[tuple[int, int, int]]:
    """The characters of a French sentence's words, the word ``d`` picks repeated."""
    found, start = [], 0
    for position, word in enumerate(WORDS):
        if position % (d % 4 + 1) == 0:
            found.append((position, start, start + len(word)))
        start += len(word) + 1
    return found


SHAPES = {
    "positions, one posting": (_POSES, [(7, 1.0, _POSES.encode([0]))]),
    "positions, none in a posting": (_POSES, [(d, 1.0, _POSES.encode([] if d % 2 else [d]))
                                              for d in range(5)]),
    "positions, many in one posting": (_POSES, [(3, 900.0, _POSES.encode(range(0, 2700, 3)))]),
    "positions, 5 blocks, large": (_POSES, [
        (d * 70_001, 2.0, _POSES.encode([d * 40_000 % 90_001, d * 40_000 % 90_001 + 70_000]))
        for d in range(600)]),
    "positions, weights all equal": (_POSES, [(d, 2.0, _POSES.encode([4, 4, 9])) for d in range(300)]),
    "characters, one posting": (_CHARS, [(0, 1.0, _CHARS.encode([(0, 0, 10)]))]),
    "characters, French, 4 blocks": (_CHARS, [(d * 2 + d // 100, float(d % 5 + 1),
                                                _CHARS.encode(_french(d))) for d in range(500)]),
    "characters, large offsets, 2 blocks": (_CHARS, [
        (d, 1.0, _CHARS.encode([(200_000 + d, 1_900_000 + d * 11, 1_900_000 + d * 11 + 9)]))
        for d in range(150)]),
    # A hyphenated whole and its part at one position: the part starts before the whole ends.
    "characters, overlapping": (_CHARS, [(d, 2.0, _CHARS.encode([(5, 30, 45), (5, 30, 38)]))
                                         for d in range(130)]),
    "characters, long tokens": (_CHARS, [(1, 1.0, _CHARS.encode([(0, 0, 70_000),
                                                                  (1, 70_001, 70_100)]))]),
}


def _generated(seed: int):
    """A term's postings drawn at random: gaps, counts and token sizes of every width."""
    rng = np.random.default_rng(seed)
    fmt = _CHARS if seed % 2 else _POSES
    docs = np.cumsum(rng.integers(1, [3, 300, 70_000][seed % 3], rng.integers(1, 700)))
    postings = []
    for d in docs.tolist():
        positions = np.cumsum(rng.integers(0, [2, 40, 300][seed % 3], rng.integers(1, 12)))
        if fmt is _POSES:
            postings.append((d, float(len(positions)), fmt.encode(positions.tolist())))
        else:
            starts = positions * 6 + rng.integers(0, 3, len(positions))
            lengths = rng.integers(1, [5, 300, 70_000][seed % 3], len(positions))
            postings.append((d, 1.0, fmt.encode(list(zip(positions.tolist(), starts.tolist(),
                                                         (starts + lengths).tolist())))))
    return fmt, postings


def _whooshs(fmt, postings, docs: set[int]):
    """(doc, occurrences) of the postings of ``docs``, decoded by Whoosh's format."""
    kind = "characters" if fmt is _CHARS else "positions"
    return [(d, fmt.decode_as(kind, v)) for d, _, v in postings if d in docs]


def _occurrences(block, chars: bool):
    found = []
    for i, d in enumerate(block.ids.tolist()):
        a, b = block.offsets[i], block.offsets[i + 1]
        if chars:
            found.append((d, list(zip(block.positions[a:b].tolist(), block.starts[a:b].tolist(),
                                      block.ends[a:b].tolist()))))
        else:
            found.append((d, block.positions[a:b].tolist()))
    return found


def _same(a, b) -> bool:
    return all((x is None and y is None) or (x.dtype == y.dtype and np.array_equal(x, y))
               for x, y in ((a.ids, b.ids), (a.offsets, b.offsets), (a.positions, b.positions),
                            (a.starts, b.starts), (a.ends, b.ends)))


def _check(fmt, postings):
    data, terminfo, matcher = posting_list(CODEC, fmt, postings, 3)
    assert isinstance(offres_codec(), ArrayCodec)  # what CODEC stands for
    fresh = lambda: posting_list(CODEC, fmt, postings, 3)[2]  # noqa: E731
    blocks = _blocks(matcher)
    where = [position for _, position in blocks]
    for chosen in (where, where[:1], where[-1:], where[1::2], where[::-1][:2][::-1]):
        if not chosen:
            continue
        fast = term_block(fresh(), chosen, fmt)
        assert _same(fast, stepped_term_block(fresh(), chosen, fmt))
        in_place = CODEC.postings_reader(BufferFile(data), terminfo, fmt)
        assert _same(term_block(in_place, chosen, fmt), fast)
        assert _occurrences(fast, fmt is _CHARS) == _whooshs(fmt, postings,
                                                             set(fast.ids.tolist()))
        assert len(fast.ids) == sum(
            min(128, len(postings) - where.index(p) * 128) for p in chosen)
    return len(blocks)


@pytest.mark.parametrize("name", SHAPES)
def test_the_bytes_read_as_the_matcher_and_whoosh_read_them(name):
    fmt, postings = SHAPES[name]
    blocks = _check(fmt, postings)
    assert blocks == (len(postings) + 127) // 128


@pytest.mark.parametrize("seed", range(12))
def test_generated_postings_read_the_same(seed):
    _check(*_generated(seed))


def test_blocks_keeping_whooshs_bytes_are_read_through_the_matcher():
    """A block whose values are not Whoosh's encoding of positions keeps the bytes: the
    fast reader steps aside and the matcher's path decodes them."""
    values = [_POSES.encode([d]) for d in range(300)]
    values[200] = b"\x00\x00\x00\x02" + values[200][4:]  # its count is not its positions''' count
    postings = [(d, 1.0, v) for d, v in enumerate(values)]
    _, _, matcher = posting_list(CODEC, _POSES, postings, 3)
    where = [position for _, position in _blocks(matcher)]
    matcher._goto(where[1])
    assert matcher.position_arrays() is None
    fresh = lambda: posting_list(CODEC, _POSES, postings, 3)[2]  # noqa: E731
    for chosen in (where, where[:1], where[1:]):
        assert _same(term_block(fresh(), chosen, _POSES),
                     stepped_term_block(fresh(), chosen, _POSES))
