"""How the shared services find outgoing documents: registered in ``OutgoingConfig.ready()``, so digitization
never imports this app."""

from __future__ import annotations

from vpdt.core import authz
from vpdt.digitize import texts
from vpdt.storage import access

from .models import FileKind, OutgoingFile


def record_files(document_id: int) -> list[int]:
    """The files whose text is the drafting record's: the issued files, appendices, signed copies and the files of
    the latest draft (not older drafts, nor the documents "related" for the reviewers)."""
    rows = list(
        OutgoingFile.objects.filter(document_id=document_id)
        .exclude(kind=FileKind.RELATED)
        .values_list("kind", "version_id", "file_id")
    )
    drafts = [version for kind, version, _ in rows if kind == FileKind.DRAFT and version is not None]
    latest = max(drafts, default=None)
    return [file_id for kind, version, file_id in rows if kind != FileKind.DRAFT or version in (None, latest)]


def published_files(document_id: int) -> list[int]:
    """The issued document's own entry: its issued files only."""
    return list(OutgoingFile.objects.filter(document_id=document_id, published=True).values_list("file_id", flat=True))


def holding(file_id: int) -> list[int]:
    return list(OutgoingFile.objects.filter(file_id=file_id).values_list("document_id", flat=True))


def holding_published(file_id: int) -> list[int]:
    return list(OutgoingFile.objects.filter(file_id=file_id, published=True).values_list("document_id", flat=True))


def readable_files(scope):
    """Outgoing files by their part (a draft with the drafting record, an issued file with the issued document) and
    the issued files of deliveries waiting for the scope's clerks."""
    return OutgoingFile.objects.filter(
        authz.predicate(OutgoingFile, "view", scope) | authz.predicate(OutgoingFile, "delivered", scope)
    ).values("file_id")


def register() -> None:
    access.register(readable_files)
    texts.register("outgoing", files=record_files, holders=holding)
    texts.register("published", files=published_files, holders=holding_published)
