"""The text of documents for search: a document's search entry of ``kind`` (an incoming document, an outgoing
document's drafting record, its issued part) carries the text of the digitized files that make it up.

The document apps say, in their ``AppConfig.ready()``, how to find them (:func:`register`): which files make up a
document's text, and which of their documents hold a file. Digitization never imports them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from vpdt.search import services as search

from .models import Digitization, Status

log = logging.getLogger(__name__)
S = Status


@dataclass(frozen=True)
class Source:
    files: Callable[[int], Iterable[int]]  # document id → the stored files whose text is the document's
    holders: Callable[[int], Iterable[int]]  # stored file id → the documents of this kind holding it


_sources: dict[str, Source] = {}


def register(kind: str, *, files: Callable[[int], Iterable[int]], holders: Callable[[int], Iterable[int]]) -> None:
    _sources[kind] = Source(files, holders)


def index(item: Digitization) -> None:
    """Search text of every document attaching the file: the texts of all its digitized files, sent to the index
    after commit."""
    for kind, document_id in sorted(documents_of(item.file_id)):
        index_document_text(kind, document_id)


def documents_of(file_id: int) -> set[tuple[str, int]]:
    return {(kind, document_id) for kind, source in _sources.items() for document_id in source.holders(file_id)}


def index_document_text(kind: str, document_id: int) -> None:
    """Send the text of a document's digitized files to its search entry of ``kind``, after commit (also when the
    files that make up the entry change, e.g. an outgoing document's issued files at issue)."""
    texts = (
        Digitization.objects.filter(file_id__in=list(_sources[kind].files(document_id)), status__in=[S.DONE, S.SKIPPED])
        .exclude(text="")
        .order_by("file_id")
        .values_list("text", flat=True)
    )
    text = "\n\n".join(texts)
    transaction.on_commit(lambda: _safe_index_text(kind, document_id, text))


def _safe_index_text(kind: str, document_id: int, text: str) -> None:
    try:
        search.index_text(kind, document_id, text)
    except Exception:  # the search reconciliation does not know the OCR text: "Số hóa lại" indexes it again
        log.exception("Không đưa được văn bản số hóa vào chỉ mục của văn bản %s %s", kind, document_id)
