"""How the shared services find incoming documents: registered in ``IncomingConfig.ready()``, so digitization
never imports this app."""

from __future__ import annotations

from vpdt.core import authz
from vpdt.digitize import texts
from vpdt.search import sources as search
from vpdt.search.documents import Source, lines
from vpdt.search.models import Kind
from vpdt.search.text import fold, number_key
from vpdt.storage import access

from .models import Assignment, Attachment, DocStatus, IncomingDocument


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


def search_fields(doc: IncomingDocument) -> dict:
    number = doc.number_symbol
    return dict(
        agency_id=doc.agency_id,
        doc_type_id=doc.doc_type_id,
        number=number,
        number_key=number_key(number),
        title=doc.subject,
        issuer=doc.issuer_name,
        issuer_key=fold(f"{doc.issuer_name} {doc.issuer_code}"),
        doc_date=doc.issued_date,
        urgency=doc.urgency,
        status=doc.status,
        status_label=doc.get_status_display(),
        body=lines(
            doc.subject,
            number,
            doc.issuer_name,
            doc.issuer_code,
            doc.signer_position,
            doc.signer_name,
            doc.to_places,
            doc.description,
            doc.direction,
        ),
        # A withdrawn document (recalled by its sender) keeps its register entry, not the text of its files.
        **({"extra_text": ""} if doc.is_withdrawn else {}),
    )


def register() -> None:
    access.register(readable_files)
    texts.register("incoming", files=text_files, holders=holding)
    search.register(
        Source(
            kind=Kind.INCOMING,
            model=IncomingDocument,
            url="/van-ban-den/{}/",
            predicate="view",
            fields=search_fields,
            loader=lambda: IncomingDocument.objects.select_related("agency"),
            units=lambda unit_id: [Assignment.objects.filter(unit_id=unit_id).values("document_id")],
            handlers=lambda user_id: [Assignment.objects.filter(user_id=user_id).values("document_id")],
            statuses=("Văn bản đến", list(DocStatus.choices)),
        )
    )
