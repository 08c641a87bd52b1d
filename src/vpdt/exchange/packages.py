"""From vpdt's documents to edXML packages and status messages, and back to what a clerk registers.

* An issued outgoing document becomes a package: its number, symbol, date, type, subject, signer and urgency in the
  MessageHeader, the agency as ``From``, the recipients' agencies as ``To``, the reply it answers as ``ResponseFor``,
  and the files that travel (the issued, signed and sealed PDFs) as attachments bound by ContentId.
* A received package becomes the fields of a proposed incoming document (prefilled registration).
"""

from __future__ import annotations

from django.utils import timezone

from vpdt.directory.models import Agency
from vpdt.outgoing.models import OutgoingDocument
from vpdt.outgoing.signatures import final_files
from vpdt.storage.services import open_stored

from .edxml.model import (
    Attachment,
    Business,
    BusinessType,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    Priority,
    ResponseFor,
    StaffInfo,
    Status,
    StatusCode,
    SteeringType,
    Trace,
)
from .models import Direction, Message, MessageType


def organ_of(agency: Agency) -> Organ:
    return Organ(
        organ_id=agency.code,
        organization_in_charge=agency.name[:200],
        organ_name=agency.name[:200],
        organ_add=agency.address[:250],
        email=agency.email[:100],
        telephone=agency.phone,
        fax=agency.fax,
        website=agency.website,
    )


def document_id(document: OutgoingDocument) -> str:
    """``OrganId,yyyy/MM/dd,Số/Ký hiệu``, as the national axis names documents."""
    issued = document.issued_date or timezone.localdate()
    return f"{document.agency.code},{issued:%Y/%m/%d},{document.code_number}/{document.code_notation}"


def staff_of(user) -> StaffInfo:
    """The clerk who sends: ``StaffInfo`` (department: their unit, or their agency)."""
    if user is None:
        return StaffInfo()
    position = user.positions.select_related("unit", "agency").order_by("-is_primary", "id").first()
    department = position.unit.name if position and position.unit_id else (position.agency.name if position else "")
    return StaffInfo(department=department[:100], staff=user.full_name, mobile=user.phone, email=user.email)


def _reply(document: OutgoingDocument) -> list[ResponseFor]:
    answered = document.reply_to
    if answered is None:
        return []
    code = f"{answered.code_number}/{answered.code_notation}".strip("/")
    received = (
        Message.objects.filter(direction=Direction.IN, kind=MessageType.EDOC, incoming_id=answered.pk)
        .values_list("document_id", flat=True)
        .first()
    )
    if not (received or answered.issuer_code):
        return []  # a paper document from an agency outside the exchange directory: nothing to link to
    known = received or f"{answered.issuer_code},{answered.issued_date:%Y/%m/%d},{code}"
    return [ResponseFor(answered.issuer_code, code, answered.issued_date, known)]


def package_for(
    document: OutgoingDocument,
    recipients: list[Organ],
    *,
    business: Business | None = None,
    staff=None,
    with_files: bool = True,
) -> Package:
    """The package of ``document`` for ``recipients``; its attachments are open storage files (close the package)."""
    agency = document.agency
    header = MessageHeader(
        sender=organ_of(agency),
        to=recipients,
        code_number=document.code_number[:11],
        code_notation=document.code_notation[:30],
        subject=document.subject[:500],
        document_id=document_id(document),
        place=_place(agency),
        promulgation_date=document.issued_date,
        type_code=None,
        type_detail=0,
        type_name=document.doc_type.name[:100],
        signer_competence=document.authority[:100],
        signer_position=document.signer_position,
        signer_full_name=(document.signer.full_name if document.signer_id else "")[:50],
        due_date=document.due_date,
        to_places=[line.strip()[:150] for line in document.to_places.splitlines() if line.strip()],
        other=OtherInfo(priority=Priority(document.urgency), page_amount=document.page_amount),
        response_for=_reply(document),
        steering_type=SteeringType.NONE,
    )
    package = Package(
        header=header,
        business=business or Business(BusinessType.NEW, "Văn bản điện tử mới", staff=staff_of(staff)),
        traces=[Trace(agency.code, timezone.now())],
    )
    if with_files:
        for number, stored in enumerate(final_files(document), start=1):
            package.attachments.append(
                Attachment(
                    content_id=f"cid:{number}",
                    name=stored.original_name,
                    content_type=stored.content_type or "application/pdf",
                    description=stored.original_name,
                    content=open_stored(stored),
                )
            )
    return package


def _place(agency: Agency) -> str:
    """The place written before the date ("Nghệ An, ngày…"): the province's name, read from the agency's name."""
    for marker in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
        if marker in agency.name:
            return agency.name.split(marker, 1)[1][:50]
    return ""


def status_for(about: ResponseFor, sender: Agency, code: StatusCode, description: str = "", staff=None) -> Status:
    """A status message from ``sender`` about the document ``about`` names."""
    return Status(
        response_for=about,
        sender=organ_of(sender),
        code=code,
        timestamp=timezone.now(),
        description=description[:1000],
        staff=staff_of(staff),
        traces=[Trace(sender.code, timezone.now())],
    )


def incoming_fields(package: Package) -> dict:
    """What the clerk's registration form is prefilled with."""
    header = package.header
    return {
        "issuer_name": header.sender.organ_name or header.sender.organization_in_charge,
        "issuer_code": header.sender.organ_id,
        "code_number": header.code_number,
        "code_notation": header.code_notation,
        "issued_date": header.promulgation_date,
        "doc_type_name": header.type_name,
        "subject": header.subject,
        "signer_name": header.signer_full_name,
        "signer_position": " ".join(p for p in (header.signer_competence, header.signer_position) if p),
        "urgency": int(header.other.priority),
        "deadline": header.due_date,
        "page_amount": header.other.page_amount,
        "exchange_document_id": header.document_id,
    }


def answered_document(package: Package, agency: Agency) -> int | None:
    """The document ``agency`` issued that ``package`` answers (its ``ResponseFor``): by the DocumentId it travelled
    under, else by its number, notation and date for systems that send only those."""
    references = package.header.response_for
    ids = [r.document_id for r in references if r.document_id]
    if ids:
        found = (
            Message.objects.filter(
                direction=Direction.OUT,
                kind=MessageType.EDOC,
                document_id__in=ids,
                agency=agency,
                outgoing_id__isnull=False,
            )
            .values_list("outgoing_id", flat=True)
            .first()
        )
        if found:
            return found
    for reference in references:
        number, _slash, notation = reference.code.partition("/")
        if reference.organ_id == agency.code and number and notation and reference.promulgation_date:
            found = (
                OutgoingDocument.objects.filter(
                    agency=agency, code_number=number, code_notation=notation, issued_date=reference.promulgation_date
                )
                .values_list("pk", flat=True)
                .first()
            )
            if found:
                return found
    return None
