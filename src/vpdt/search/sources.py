"""Where the document apps declare their kinds of search entries, in their ``AppConfig.ready()``."""

from . import documents, signals
from .documents import Source


def register(source: Source) -> None:
    documents.add(source)
    signals.watch(source)
