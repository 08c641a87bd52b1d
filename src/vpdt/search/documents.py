"""What the index knows of each kind of object: the row fields and the text (SPEC §2, §3, ND30 Phụ lục V, VI)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone

from vpdt.dossiers.models import Dossier
from vpdt.incoming.models import Assignment, IncomingDocument
from vpdt.outgoing.models import OutgoingDocument, Recipient, ReviewStep, Version

from .models import Kind
from .text import fold, number_key

MODELS = {
    Kind.INCOMING: IncomingDocument,
    Kind.OUTGOING: OutgoingDocument,
    Kind.DOSSIER: Dossier,
    Kind.PUBLISHED: OutgoingDocument,
}
DETAIL_URLS = {
    Kind.INCOMING: "/van-ban-den/{}/",
    Kind.OUTGOING: "/van-ban-di/{}/",
    Kind.DOSSIER: "/ho-so/{}/",
    Kind.PUBLISHED: "/van-ban-di/{}/",
}
# Which predicate of the object's model lets a user find each kind of entry: the whole incoming document and
# dossier; the drafting record of an outgoing document (its full text, drafts included); its issued part for those
# who see only that part (the same object is never found twice).
PREDICATES = {Kind.INCOMING: "view", Kind.OUTGOING: "record", Kind.DOSSIER: "view", Kind.PUBLISHED: "published_only"}
PUBLISHED_STATES = ("issued", "recalled")


def source(kind: str):
    """The objects that have an entry of ``kind``."""
    qs = MODELS[kind].objects.all()
    return qs.filter(status__in=PUBLISHED_STATES) if kind == Kind.PUBLISHED else qs


def _lines(*parts) -> str:
    return "\n".join(str(p).strip() for p in parts if p and str(p).strip())


def _incoming(doc: IncomingDocument) -> dict:
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
        body=_lines(
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


def _outgoing(doc: OutgoingDocument, *, with_draft: bool = True) -> dict:
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
        body=_lines(
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


def _published(doc: OutgoingDocument) -> dict:
    """The issued document only: no draft text (the issued files' text comes as the entry's extra text)."""
    return _outgoing(doc, with_draft=False)


def _dossier(dossier: Dossier) -> dict:
    agency = dossier.agency
    return dict(
        agency_id=dossier.agency_id,
        doc_type_id=None,
        number=dossier.file_code,
        number_key=number_key(dossier.file_code),
        title=dossier.title,
        issuer=agency.name,
        issuer_key=fold(f"{agency.name} {agency.code} {agency.short_name}"),
        doc_date=dossier.start_date or timezone.localtime(dossier.created_at).date(),
        urgency=None,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        body=_lines(dossier.title, dossier.file_code, dossier.creator, dossier.description),
    )


EXTRACTORS = {Kind.INCOMING: _incoming, Kind.OUTGOING: _outgoing, Kind.DOSSIER: _dossier, Kind.PUBLISHED: _published}


def loader(kind: str):
    """The objects of ``kind`` with what :func:`fields_of` reads, in a fixed number of queries."""
    qs = source(kind)
    if kind == Kind.INCOMING:
        return qs.select_related("agency")
    if kind == Kind.DOSSIER:
        return qs.select_related("agency", "unit", "owner")
    if kind == Kind.PUBLISHED:
        return qs.select_related("agency", "signer").prefetch_related(
            Prefetch("recipients", queryset=Recipient.objects.select_related("unit", "user", "agency"))
        )
    return qs.select_related("agency", "signer").prefetch_related(
        Prefetch("versions", queryset=Version.objects.only("id", "document_id", "number", "text")),
        Prefetch("recipients", queryset=Recipient.objects.select_related("unit", "user", "agency")),
    )


def load(kind: str, object_id: int):
    return loader(kind).filter(pk=object_id).first()


def fields_of(kind: str, obj) -> dict:
    return EXTRACTORS[kind](obj)


# ------------------------------------------------------------------------------------------------ filters

OUTGOING_KINDS = (Kind.OUTGOING, Kind.PUBLISHED)


def unit_q(unit_id: int) -> Q:
    """Entries whose object belongs to or was assigned to a unit."""
    return (
        Q(kind=Kind.INCOMING, object_id__in=Assignment.objects.filter(unit_id=unit_id).values("document_id"))
        | Q(kind__in=OUTGOING_KINDS, object_id__in=OutgoingDocument.objects.filter(unit_id=unit_id).values("pk"))
        | Q(kind=Kind.DOSSIER, object_id__in=Dossier.objects.filter(unit_id=unit_id).values("pk"))
    )


def handler_q(user_id: int) -> Q:
    """Entries a person handles: assigned incoming documents, drafts and reviews, dossiers they keep."""
    return (
        Q(kind=Kind.INCOMING, object_id__in=Assignment.objects.filter(user_id=user_id).values("document_id"))
        | Q(kind__in=OUTGOING_KINDS, object_id__in=OutgoingDocument.objects.filter(drafter_id=user_id).values("pk"))
        | Q(kind__in=OUTGOING_KINDS, object_id__in=ReviewStep.objects.filter(reviewer_id=user_id).values("document_id"))
        | Q(kind=Kind.DOSSIER, object_id__in=Dossier.objects.filter(owner_id=user_id).values("pk"))
    )
