"""What a build did (`BuildReport`), for the CLI and for integrators, and the progress hook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from indexer.building.corpus import Skipped

Progress = Callable[[int, int, str], None]  # (files done, files in all, current path)


@dataclass
class BuildReport:
    """What a build did, for the CLI and for integrators."""

    indexed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    build_dir: str = ""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        """0 every file indexed cleanly, 1 built with skipped files or warnings."""
        return 1 if (self.skipped or self.duplicates or self.warnings) else 0

    def to_dict(self) -> dict:
        return {
            "indexed": self.indexed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "duplicates": self.duplicates,
            "warnings": self.warnings,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "build_dir": self.build_dir,
            "seconds": round(self.seconds, 3),
        }
