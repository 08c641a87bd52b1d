"""How the shared services find outgoing documents: registered in ``OutgoingConfig.ready()``, so digitization
never imports this app."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from vpdt.core import authz
from vpdt.digitize import texts
from vpdt.search import sources as search
from vpdt.search.documents import Source, lines
from vpdt.search.models import Kind
from vpdt.search.text import fold, number_key
from vpdt.storage import access

from .models import FileKind, OutgoingDocument, OutgoingFile, OutStatus, Recipient, ReviewStep, Version

PUBLISHED_STATES = ("issued", "recalled")


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


def search_fields(doc: OutgoingDocument, *, with_draft: bool = True) -> dict:
    number = doc.number_symbol
    agency = doc.agency
    version = max(doc.versions.all(), key=lambda v: v.number, default=None) if with_draft else None
    recipients = [r.name or str(r) for r in doc.recipients.all()]
    signer = doc.signer.full_name if doc.signer_id else ""
    return dict(
        agency_id=doc.agency_id,
        doc_type_id=doc.doc_type_id,
        number=number,
        number_key=number_key(number),
        title=doc.subject,
        issuer=agency.name,
        issuer_key=fold(f"{agency.name} {agency.code} {agency.short_name}"),
        doc_date=doc.issued_date or timezone.localtime(doc.created_at).date(),
        urgency=doc.urgency,
        status=doc.status,
        status_label=doc.get_status_display(),
        body=lines(
            doc.subject,
            number,
            agency.name,
            doc.signer_position,
            signer,
            doc.to_places,
            "; ".join(recipients),
            doc.description,
            version.text if version else "",
        ),
    )


def published_fields(doc: OutgoingDocument) -> dict:
    """The issued document only: no draft text (the issued files' text comes as the entry's extra text)."""
    return search_fields(doc, with_draft=False)


def _recipients():
    return Prefetch("recipients", queryset=Recipient.objects.select_related("unit", "user", "agency"))


def _record_loader():
    return OutgoingDocument.objects.select_related("agency", "signer").prefetch_related(
        Prefetch("versions", queryset=Version.objects.only("id", "document_id", "number", "text")), _recipients()
    )


def _published_loader():
    return (
        OutgoingDocument.objects.filter(status__in=PUBLISHED_STATES)
        .select_related("agency", "signer")
        .prefetch_related(_recipients())
    )


def _of_unit(unit_id: int):
    return [OutgoingDocument.objects.filter(unit_id=unit_id).values("pk")]


def _handled_by(user_id: int):
    return [
        OutgoingDocument.objects.filter(drafter_id=user_id).values("pk"),
        ReviewStep.objects.filter(reviewer_id=user_id).values("document_id"),
    ]


def register() -> None:
    access.register(readable_files)
    texts.register("outgoing", files=record_files, holders=holding)
    texts.register("published", files=published_files, holders=holding_published)
    # The drafting record (its full text, drafts included) for those who see it; the issued part for those who
    # see only that part: the same document is never found twice.
    search.register(
        Source(
            kind=Kind.OUTGOING,
            model=OutgoingDocument,
            url="/van-ban-di/{}/",
            predicate="record",
            fields=search_fields,
            loader=_record_loader,
            units=_of_unit,
            handlers=_handled_by,
            statuses=("Văn bản đi", list(OutStatus.choices)),
            watched=((Version, "document_id"), (Recipient, "document_id")),
        )
    )
    search.register(
        Source(
            kind=Kind.PUBLISHED,
            model=OutgoingDocument,
            url="/van-ban-di/{}/",
            predicate="published_only",
            fields=published_fields,
            loader=_published_loader,
            units=_of_unit,
            handlers=_handled_by,
            watched=((Recipient, "document_id"),),
        )
    )
