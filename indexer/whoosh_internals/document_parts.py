"""The parts of Whoosh 3's per-document writer a build worker fills for each document:
stored fields, column values, field lengths."""

from __future__ import annotations

from whoosh.codec import whoosh3
from whoosh.util.numeric import length_to_byte

from indexer.errors import OffresError

_PERDOC_PARTS = ("_colwriters", "_fieldlengths", "_storedfields", "_create_column")
_MEMO_VALUES = 4096  # distinct values of a field remembered by `DocumentParts`


class DocumentParts:
    """W3's per-document writer's parts, reached once: the schema's fields (``plans``,
    fields of ``analysed`` taking an analysis, of ``values`` postings with value bytes),
    its stored fields, its column
    writers and field-length totals (``add_field`` and ``add_column_value`` less their
    calls per field), and each value's postings and column value for fields without
    analysis, which repeat (facets, dates), remembered up to ``_MEMO_VALUES`` per field."""

    def __init__(self, perdocwriter, schema, analysed: set[str], values: set[str]) -> None:
        if type(perdocwriter) is not whoosh3.W3PerDocWriter or not all(
                hasattr(perdocwriter, name) for name in _PERDOC_PARTS):
            raise OffresError("version de Whoosh non prise en charge pour l'indexation "
                              "parallèle (écriture des documents)")
        self._perdoc = perdocwriter
        self._writers = perdocwriter._colwriters
        self._totals = perdocwriter._fieldlengths
        self._lenfields: dict[str, str] = {}
        self._memo: dict[str, dict | None] = {}
        # Per field: (field, indexed, analysed, scorable, stored, column type, whether
        # its postings keep value bytes), what the writer asks of each field.
        self.plans = {name: (field, field.indexed, name in analysed, field.scorable,
                             field.stored, field.column_type, name in values)
                      for name, field in schema.items()}

    def column(self, fieldname: str, column):
        writer = self._writers.get(fieldname)
        if writer is None:
            self._perdoc._create_column(fieldname, column)
            writer = self._writers[fieldname]
        return writer

    def length(self, fieldname: str, docnum: int, length: int) -> None:
        """W3's ``add_field`` for a field's length: its byte in the length column, its total."""
        lenfield = self._lenfields.get(fieldname)
        if lenfield is None:
            lenfield = self._lenfields[fieldname] = whoosh3._lenfield(fieldname)
        self.column(lenfield, whoosh3.LENGTHS_COLUMN).add(docnum, length_to_byte(length))
        self._totals[fieldname] += length

    def indexed(self, fieldname: str, field, value, with_column: bool) -> tuple:
        """(``field.index(value)`` as a list, ``field.to_column_value(value)``, None
        without a column or not ``with_column``)."""
        if not with_column:
            return list(field.index(value)), None
        memo = self._memo.get(fieldname, {})
        key = (type(value), value) if isinstance(value, (str, int, float)) else None
        found = None if memo is None or key is None else memo.get(key)
        if found is None:
            found = (list(field.index(value)),
                     field.to_column_value(value) if field.column_type else None)
            if memo is not None and key is not None:
                if len(memo) >= _MEMO_VALUES:  # a field of distinct values: stop
                    self._memo[fieldname] = None
                else:
                    memo[key] = found
                    self._memo[fieldname] = memo
        return found
