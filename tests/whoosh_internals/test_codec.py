"""offres' codec (typed-array posting blocks) against Whoosh's W3 codec: the same postings,
block statistics, search results, scores and highlights, read by Whoosh's own searcher."""

from __future__ import annotations

import pickle
from array import array
from io import BytesIO
from pathlib import Path

import pytest
import whoosh
from whoosh import highlight
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Characters, Existence, Frequency, Positions
from whoosh.qparser import MultifieldParser

from indexer import build_index, open_index
from indexer.schema import body_text, make_schema, stored_offer
from indexer.searching.scoring import TermScores
from indexer.store import live_build
from indexer.whoosh_internals.codec import (BLOCK_LIMIT, ArrayCodec, array_kind, choose_codec,
                                            offres_codec)
from indexer.whoosh_internals.position_blocks import PositionArrays
from indexer.whoosh_internals.postings import positions, term_values

from support import AS_OF, SEED_CORPUS, generated_documents

WHOOSH_QUERIES = ["social", "comptable", "travailleur social", "educateur OR infirmier",
                  '"protection de l\'enfance"', "santé -publique", "educ*", "title:comptable",
                  "koné", "employer_text:province", '"santé publique"', '"travailleur social"',
                  'title:"chargé de mission"', '"aide sociale"', 'direction_text:"de la"']
USER_QUERIES = ["travailleur social", "educatrice", '"santé publique"', "comptable -nuit",
                "educateur OU infirmier", "houailou", "mot-introuvable"]


def test_this_whoosh_gets_the_array_codec():
    codec = offres_codec()
    if whoosh.versionstring() == "2.7.4":
        assert isinstance(codec, ArrayCodec)
        assert codec._blocklimit == BLOCK_LIMIT
    assert isinstance(codec, W3Codec)  # ArrayCodec is one; the fallback is W3's own


def test_a_whoosh_without_the_internals_gets_w3s_own_codec():
    from whoosh.codec.whoosh3 import W3LeafMatcher

    codec = choose_codec({W3LeafMatcher: ("_read_ids", "_a_method_no_whoosh_has")})
    assert type(codec) is W3Codec
    assert isinstance(choose_codec({W3LeafMatcher: ("_read_ids",)}), ArrayCodec)


POSTING_SETS = {
    "characters, 3 blocks": (Characters(), [
        (d * 3 + 1, float(d % 4 + 1), Characters().encode([(p, p * 5, p * 5 + 4) for p in range(d % 4 + 1)]))
        for d in range(300)]),
    "positions, large gaps": (Positions(), [
        (d * 70_001, 2.0, Positions().encode([d % 9, d % 9 + 40])) for d in range(200)]),
    "frequency, boosted weights": (Frequency(), [(d, 1.5 * (d % 3 + 1), (d % 3 + 1).to_bytes(4, "big"))
                                                 for d in range(0, 1000, 7)]),
    "existence, weights all one": (Existence(), [(d, 1.0, b"") for d in range(130)]),
    "one posting": (Positions(), [(42, 1.0, Positions().encode([3]))]),
}

_CHARS, _POSES = Characters(), Positions()
# Shapes of positions and characters the array format must give back exactly.
POSITION_SETS = {
    "positions, none in a posting": (_POSES, [(d, 1.0, _POSES.encode([] if d % 2 else [d]))
                                              for d in range(5)]),
    "positions, one": (_POSES, [(7, 1.0, _POSES.encode([0]))]),
    "positions, many in one posting": (_POSES, [(3, 900.0, _POSES.encode(range(0, 2700, 3)))]),
    "positions, large": (_POSES, [(d, 2.0, _POSES.encode([d * 40_000, d * 40_000 + 70_000]))
                                  for d in range(0, 600, 3)]),
    "positions, the same twice": (_POSES, [(d, 2.0, _POSES.encode([4, 4, 9])) for d in range(3)]),
    "characters, one": (_CHARS, [(0, 1.0, _CHARS.encode([(0, 0, 10)]))]),
    "characters, 5 blocks": (_CHARS, [
        (d * 2, float(d % 5 + 1), _CHARS.encode([(p * 3, p * 20 + d, p * 20 + d + 7)
                                                 for p in range(d % 5 + 1)]))
        for d in range(600)]),
    "characters, large offsets": (_CHARS, [
        (d, 1.0, _CHARS.encode([(200_000 + d, 1_900_000 + d * 11, 1_900_000 + d * 11 + 9)]))
        for d in range(150)]),
    # A hyphenated whole and its part at one position: the part starts before the whole ends.
    "characters, overlapping": (_CHARS, [(d, 2.0, _CHARS.encode([(5, 30, 45), (5, 30, 38)]))
                                         for d in range(130)]),
    "characters, long tokens": (_CHARS, [(1, 1.0, _CHARS.encode([(0, 0, 70_000), (1, 70_001, 70_100)]))]),
}


# W3's 128 postings a block (the lists here then span several blocks) and ours.
BLOCK_LIMITS = (128, BLOCK_LIMIT)


@pytest.mark.parametrize("limit", BLOCK_LIMITS)
@pytest.mark.parametrize("name", POSITION_SETS)
def test_positions_read_back_as_whoosh_wrote_them(name, limit):
    """Whoosh's value bytes in, the same bytes out of ``value()`` (re-encoded from the
    arrays), the same as W3's codec; the blocks keep arrays, not pickles."""
    fmt, postings = POSITION_SETS[name]
    ours = _write_read(ArrayCodec(blocklimit=limit), fmt, postings)
    assert ours == _write_read(W3Codec(blocklimit=limit), fmt, postings)
    assert ours[0] == [(d, pytest.approx(w), v) for d, w, v in postings]
    decoded = [fmt.decode_as("characters" if fmt is _CHARS else "positions", v) for _, _, v in postings]
    assert _arrays_read(fmt, postings) == decoded


def _arrays_read(fmt, postings, add=None):
    """Every posting's positions (or characters) from `position_arrays`, undoing the deltas."""
    sink = BytesIO()
    writer = offres_codec().postings_writer(StructFile(sink))
    terminfo = W3TermInfo()
    writer.start_postings(fmt, terminfo)
    for docnum, weight, value in postings:
        if add is None:
            writer.add_posting(docnum, weight, value, 3)
        else:
            add(writer, docnum, weight, value)
    writer.finish_postings()
    matcher = offres_codec().postings_reader(StructFile(BytesIO(sink.getvalue())), terminfo, fmt)
    read = []
    while matcher.is_active():
        arrays = matcher.position_arrays()
        assert arrays is not None
        counts, deltas, starts, lengths = arrays
        at = 0
        for count in counts:
            position = end = 0
            occurrences = []
            for i in range(at, at + count):
                position += deltas[i]
                if starts is None:
                    occurrences.append(position)
                else:
                    start = end + starts[i]
                    end = start + lengths[i]
                    occurrences.append((position, start, end))
            read.append(occurrences)
            at += count
        matcher._next_block()
    return read


def _written(fmt, postings, lengths, bulk: bool) -> tuple[bytes, bytes]:
    """The posting file and term info bytes of ``postings`` written one at a time by
    ``add_posting`` or at once by ``add_arrays``."""
    sink = BytesIO()
    writer = offres_codec().postings_writer(StructFile(sink))
    writer.start_postings(fmt, W3TermInfo())
    if bulk:
        kind = array_kind(fmt)
        values = None
        if kind == "fixed":
            values = b"".join(v for _, _, v in postings)
        elif kind in ("positions", "characters"):
            codes = [pickle.loads(v[4:]) for _, _, v in postings]
            deltas = [n for code in codes for item in code
                      for n in (item if kind == "characters" else (item,))]
            values = PositionArrays(array("I", map(len, codes)), array("i", deltas),
                                    kind == "characters")
        writer.add_arrays(array("I", [d for d, _, _ in postings]),
                          array("d", [w for _, w, _ in postings]), lengths, values)
    else:
        for (docnum, weight, value), length in zip(postings, lengths):
            writer.add_posting(docnum, weight, value, length or None)
    terminfo = writer.finish_postings()
    return sink.getvalue(), terminfo.to_bytes()


@pytest.mark.parametrize("name", [*POSTING_SETS, *POSITION_SETS])
def test_add_arrays_writes_what_add_posting_writes(name):
    """A whole term given as arrays: the same blocks and term statistics, byte for byte,
    field lengths missing (0) or not."""
    fmt, postings = {**POSTING_SETS, **POSITION_SETS}[name]
    assert array_kind(fmt) is not None
    for lengths in ([0] * len(postings), [d % 7 * 13 for d, _, _ in postings]):
        assert _written(fmt, postings, lengths, True) == _written(fmt, postings, lengths, False)


def test_values_not_of_whooshs_encoding_stay_bytes():
    """A block whose values are not Whoosh's pickled positions keeps them as bytes."""
    postings = [(d, 1.0, b"\x00\x00\x00\x01not a pickle") for d in range(3)]
    assert _write_read(offres_codec(), _POSES, postings)[0] == [(d, 1.0, v) for d, w, v in postings]


def _write_read(codec, fmt, postings):
    sink = BytesIO()
    writer = codec.postings_writer(StructFile(sink))
    terminfo = W3TermInfo()
    writer.start_postings(fmt, terminfo)
    for docnum, weight, value in postings:
        writer.add_posting(docnum, weight, value, docnum % 50 + 1)
    writer.finish_postings()
    matcher = codec.postings_reader(StructFile(BytesIO(sink.getvalue())), terminfo, fmt)
    read, blocks = [], []
    while matcher.is_active():
        blocks.append((matcher.block_min_id(), matcher.block_max_id(), matcher.block_max_weight(),
                       matcher.block_min_length(), matcher.block_max_length()))
        read.append((matcher.id(), matcher.weight(), matcher.value()))
        while not matcher.next():
            read.append((matcher.id(), matcher.weight(), matcher.value()))
    stats = (terminfo.weight(), terminfo.doc_frequency(), terminfo.min_id(), terminfo.max_id(),
             terminfo.max_weight(), terminfo.min_length(), terminfo.max_length())
    return read, blocks, stats


@pytest.mark.parametrize("limit", BLOCK_LIMITS)
@pytest.mark.parametrize("name", POSTING_SETS)
def test_posting_lists_read_back_as_w3_reads_them(name, limit):
    fmt, postings = POSTING_SETS[name]
    ours = _write_read(ArrayCodec(blocklimit=limit), fmt, postings)
    w3 = _write_read(W3Codec(blocklimit=limit), fmt, postings)
    assert ours == w3
    read, _, _ = ours
    if fmt.fixed_value_size() != 0:
        assert read == [(d, pytest.approx(w), v) for d, w, v in postings]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[dict]:
    return generated_documents(tmp_path_factory.mktemp("codec"), 250, seed=7)


def _index(folder: Path, codec, documents: list[dict]):
    """Two segments (no merge), then deletions in both."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    half = len(documents) // 2
    for part in (documents[:half], documents[half:]):
        writer = ix.writer(codec=codec)
        for document in part:
            writer.add_document(**document)
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for docnum in (2, 30, half + 5):
        writer.delete_document(docnum)
    writer.commit(merge=False)
    return whoosh_index.open_dir(str(folder))


@pytest.fixture(scope="module")
def both(documents, tmp_path_factory):
    folder = tmp_path_factory.mktemp("both")
    return _index(folder / "w3", W3Codec(), documents), _index(folder / "ours", offres_codec(), documents)


def _hits(searcher, query, limit):
    results = searcher.search(query, limit=limit)
    return [(hit.docnum, hit.score, hit.highlights("title")) for hit in results], len(results)


def test_whoosh_searcher_gives_the_same_results(both):
    w3, ours = both
    parser = MultifieldParser(["title", "body"], w3.schema)
    with w3.searcher() as a, ours.searcher() as b:
        assert type(b.reader().leaf_readers()[0][0].segment().codec()) is type(offres_codec())
        found = 0
        for text in WHOOSH_QUERIES:
            query = parser.parse(text)
            for limit in (None, 10):
                assert _hits(b, query, limit) == _hits(a, query, limit), (text, limit)
            found += bool(a.search(query).scored_length())
        assert found >= 7


def _body_highlights(searcher, query) -> list[tuple[int, str]]:
    """Whoosh's "pinpoint" highlights of the body: the matched terms' characters read from
    the postings (``value_as("characters")``), never re-analyzed."""
    results = searcher.search(query, limit=10, terms=True)
    # Every fragment, in text order: which ones make the top 3 is not stable between runs
    # (ties), with either codec.
    results.highlighter = highlight.Highlighter(
        fragmenter=highlight.PinpointFragmenter(autotrim=True), order=highlight.FIRST)
    assert results.highlighter.can_load_chars(results, "body")
    return [(hit.docnum, hit.highlights("body", text=body_text(stored_offer(hit.fields())),
                                        top=10_000))
            for hit in results]


def test_whoosh_highlights_the_body_from_the_same_characters(both):
    w3, ours = both
    parser = MultifieldParser(["title", "body"], w3.schema)
    with w3.searcher() as a, ours.searcher() as b:
        marked = 0
        for text in ('"protection de l\'enfance"', "travailleur social", "santé", '"santé publique"'):
            query = parser.parse(text)
            expected = _body_highlights(a, query)
            assert _body_highlights(b, query) == expected, text
            marked += sum("<b" in html for _, html in expected)
        assert marked >= 10


def test_our_evaluator_reads_the_same_scores_and_positions(both):
    w3, ours = both
    with w3.searcher() as a, ours.searcher() as b:
        live = [d for d in range(a.doc_count_all()) if not a.reader().is_deleted(d)]
        for field, text in [("body", "social"), ("title", "comptabl"), ("body", "enfanc"),
                            ("place_text", "kon"), ("employer_text", "provinc")]:
            query = Q.Term(field, text)
            assert (TermScores().evaluate(b, ("b", 1), query, live)
                    == TermScores().evaluate(a, ("a", 1), query, live))
            assert positions(b, field, text) == positions(a, field, text)
            btext = text.encode("utf-8")
            for cache in (None, {}):
                get = None if cache is None else (lambda entry, build, c=cache: c.setdefault(entry, build()))
                assert (term_values(b.reader(), field, btext, live[::7], get)
                        == term_values(a.reader(), field, btext, live[::7], get and None))


def test_a_built_index_uses_the_codec_and_whoosh_reads_it(tmp_path):
    build_index(SEED_CORPUS, tmp_path / "index")
    ix = whoosh_index.open_dir(str(live_build(tmp_path / "index")))
    with ix.searcher() as searcher:
        codecs = {type(leaf.segment().codec()) for leaf, _ in searcher.reader().leaf_readers()}
        assert codecs == {type(offres_codec())}
        live = list(range(searcher.doc_count_all()))
        terms = [(field, text.decode("utf-8")) for field in ("title", "body")
                 for _, text in searcher.reader().most_frequent_terms(field, 3)]
        assert len(terms) == 6
        for field, text in terms:
            query = Q.Term(field, text)
            expected = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
            assert expected
            got = TermScores().evaluate(searcher, ("g", 1), query, live)
            assert got.keys() == expected.keys()
            assert all(got[d] == pytest.approx(score, rel=1e-12) for d, score in expected.items())


def test_user_queries_give_the_same_pages(documents, tmp_path):
    """The whole search (`Index.search`) over an index of each codec: same pages."""
    pages = {}
    for name, codec in (("w3", W3Codec()), ("ours", offres_codec())):
        folder = tmp_path / name
        build_index(SEED_CORPUS, folder)  # the index folder (manifest, vocabulary)...
        ix = whoosh_index.create_in(str(live_build(folder)), make_schema())  # ...new offers
        writer = ix.writer(codec=codec)
        for document in documents:
            writer.add_document(**document)
        writer.commit()
        with open_index(folder) as index:
            pages[name] = [index.search(text, as_of=AS_OF) for text in USER_QUERIES]
    assert any(page.total for page in pages["w3"])
    for w3_page, our_page in zip(pages["w3"], pages["ours"]):
        assert our_page.total == w3_page.total
        assert our_page.hits == w3_page.hits  # references, scores, snippets, titles
        assert our_page.facets == w3_page.facets
