"""How the shared services find incoming documents: registered in ``IncomingConfig.ready()``, so digitization
never imports this app."""

from __future__ import annotations

from vpdt.digitize import texts

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


def register() -> None:
    texts.register("incoming", files=text_files, holders=holding)
