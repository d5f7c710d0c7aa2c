"""The structured offer: what every parser produces and the index stores."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Offer:
    """One job offer (avis de vacance de poste), independent of its file format.

    Dates are ``datetime.date`` or ``None``; ``sections`` keeps the offer's headings in
    order, each mapped to its text; ``warnings`` lists what could not be extracted.
    """

    reference: str | None = None
    title: str = ""
    employer: str | None = None
    corps: str | None = None
    direction: str | None = None
    location: str | None = None
    commune: str | None = None
    province: str | None = None
    residence: str | None = None
    posted: dt.date | None = None
    deadline: dt.date | None = None
    start: str | None = None
    respnc: str | None = None
    # How to apply and where the offer comes from, as the source states them.
    contact_email: str | None = None
    contact_phone: str | None = None
    url: str | None = None  # the original offer's page
    pdf_url: str | None = None  # the original offer's PDF
    # What the offer is, as job boards classify it.
    rome_code: str | None = None  # e.g. "M1607"
    rome_label: str | None = None  # e.g. "Secrétariat"
    contract: str | None = None  # "titulaire" or "contractuel"
    category: str | None = None  # "A", "B", "C" (or "D")
    latitude: float | None = None
    longitude: float | None = None
    republished: dt.date | None = None  # the "du <date>" of a republished reference
    sections: tuple[tuple[str, str], ...] = ()
    text: str = ""
    source: str = ""
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: dates as ISO strings, sections as a list of pairs."""
        # Field by field rather than dataclasses.asdict (a deep copy): this runs twice per
        # offer at build time.
        data = {f.name: getattr(self, f.name) for f in _FIELDS}
        for name in _DATES:
            if data[name] is not None:
                data[name] = data[name].isoformat()
        data["sections"] = [list(pair) for pair in self.sections]
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Offer":
        """Inverse of :meth:`to_dict`."""
        values = {f.name: data.get(f.name, f.default) for f in _FIELDS}
        for name in _DATES:
            if isinstance(values[name], str):
                values[name] = dt.date.fromisoformat(values[name])
        values["sections"] = tuple(tuple(pair) for pair in values["sections"] or ())
        values["warnings"] = tuple(values["warnings"] or ())
        return cls(**values)

    def replace(self, **changes: Any) -> "Offer":
        return dataclasses.replace(self, **changes)


_FIELDS = dataclasses.fields(Offer)
_DATES = ("posted", "deadline", "republished")
