"""The write side: corpus folder -> a verified index, built in full or incrementally."""

from indexer.building.build import build_index
from indexer.building.corpus import Skipped
from indexer.building.report import BuildReport, Progress

__all__ = ["BuildReport", "Progress", "Skipped", "build_index"]
