"""How the shared services find incoming documents: registered in ``IncomingConfig.ready()``, so digitization
never imports this app."""

from __future__ import annotations

from vpdt.core import authz
from vpdt.digitize import texts
from vpdt.storage import access

from .models import Attachment, DocStatus


def text_files(document_id: int) -> list[int]:
    """An incoming document's attachments; a withdrawn document's files are no longer its text."""
    return list(
        Attachment.objects.filter(document_id=document_id)
        .exclude(document__status=DocStatus.WITHDRAWN)
        .values_list("file_id", flat=True)
    )


def holding(file_id: int) -> list[int]:
    return list(Attachment.objects.filter(file_id=file_id).values_list("document_id", flat=True))


def readable_files(scope):
    """The attachments of the incoming documents the scope sees."""
    return Attachment.objects.filter(authz.predicate(Attachment, "view", scope)).values("file_id")


def register() -> None:
    access.register(readable_files)
    texts.register("incoming", files=text_files, holders=holding)
