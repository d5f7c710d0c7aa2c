"""The build's segment writer fills W3's per-document parts (stored fields, columns, field
lengths) as Whoosh's own writer does, boosts and ``_stored_`` values included, and the
postings of repeated facet values it remembers are each document's own."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import UnknownFieldError

from indexer.schema import make_schema
from indexer.whoosh_internals import document_parts
from indexer.whoosh_internals.segments import finish_segment, segment_writer
from indexer.whoosh_internals.writer import ArraySegmentWriter
from support import index_contents, segment_analyses, write_segment

_BASE = {"id": "a", "slug": "a", "source": "a.md", "digest": "d", "refs": "3134-25-0977",
         "title": "Éducateur spécialisé", "body": "Accompagner les familles à Koné.",
         "employer_text": "Province Nord", "direction_text": "", "place_text": "Koné",
         "family_text": "social", "corps_text": "", "posted": 739000, "deadline": 0,
         "offer": "{}", "employer": "Province Nord", "commune": "Koné", "province": "Nord",
         "respnc": "", "corps": "", "direction": "", "zone": "Nord", "contract": "CDD",
         "category": "A", "residence": "", "rome": "K12"}

DOCUMENTS = [
    _BASE,
    {**_BASE, "id": "b", "slug": "b", "commune": "Nouméa", "posted": 739001},
    {**_BASE, "id": "c", "slug": "c", "_boost": 2.0, "_title_boost": 3.0},
    {**_BASE, "id": "d", "slug": "d", "_stored_title": "Titre gardé", "_stored_commune": "Autre"},
    {**_BASE, "id": "e", "slug": "e", "title": "Comptable", "commune": "Koné", "posted": 739000},
    {**_BASE, "id": "f", "slug": "f", "employer": None, "deadline": 739100},
    *({**_BASE, "id": f"g{n}", "slug": f"g{n}", "commune": f"Commune {n % 5}", "posted": n}
      for n in range(40)),
]


@pytest.mark.parametrize("memo", [4096, 2])  # values remembered; past the limit at once
def test_documents_are_written_as_whooshs_writer_writes_them(tmp_path, monkeypatch, memo):
    monkeypatch.setattr(document_parts, "_MEMO_VALUES", memo)
    schema = make_schema()
    analyses = segment_analyses(schema)
    whoosh = write_segment(tmp_path / "whoosh", DOCUMENTS, lambda ix: segment_writer(ix, 64),
                           finish_segment)
    ours = write_segment(tmp_path / "ours", DOCUMENTS, lambda ix: ArraySegmentWriter(ix, 64, analyses),
                         lambda writer: writer.finish())
    expected, got = index_contents(whoosh), index_contents(ours)
    assert expected["stored"][3]["title"] == "Titre gardé"
    assert expected["columns"]["commune"][3] == "Autre"
    assert got == expected


def test_an_unknown_field_is_refused(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = ArraySegmentWriter(ix, 64)
    with pytest.raises(UnknownFieldError):
        writer.add_document(**_BASE, nofield="x")
    writer.cancel()
