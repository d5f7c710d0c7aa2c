"""The project's named exceptions. Messages are French: they reach HR staff and job seekers."""

from __future__ import annotations


class OffresError(Exception):
    """Base class for every error this project raises on purpose."""


class OfferFileError(OffresError):
    """An offer file that cannot be used; ``reason`` says why, in French."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class CorpusNotFoundError(OffresError):
    """The corpus folder does not exist or is not a folder."""


class IndexNotFoundError(OffresError):
    """No built index where one was expected."""


class BuildFailedError(OffresError):
    """A build that stopped before switching anything in (full disk, no usable offer); the
    index that serves is the one that served before."""


class IndexLockedError(OffresError):
    """Another indexer is already running on this index."""


class QueryError(OffresError):
    """A user query that is refused (too long, too many terms...); the message is French."""
