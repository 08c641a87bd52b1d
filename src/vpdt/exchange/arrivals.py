"""Documents from other systems in the clerk's hands.

Rules:

* An arrival is a package for an agency of this deployment, waiting (status 01 was sent back when it arrived). The
  agency's clerks see it (:mod:`vpdt.exchange.policies`, ``arrived``): its metadata, its files and their signatures.
* The clerk registers it with one action: the incoming document is created from the package's metadata, with its
  files (zipped attachments opened with limits), through the same registration as any other, so the files are
  checked (type, size, malware) and every PDF's signatures verified first (under the agency's "refuse" policy a
  failing signature blocks registration, and only refusal is left). Status 03 goes back to the sender.
* Or the clerk refuses it with a reason: status 02 goes back with the reason.
* Afterwards, the incoming document's processing goes back by itself: directed → 04, in progress → 05,
  completed → 06.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from vpdt.catalog.models import DocumentType
from vpdt.core.authz import permitted
from vpdt.core.fsm import transitioned
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument, Source
from vpdt.journal import services as journal
from vpdt.storage import uploads
from vpdt.storage.services import open_stored

from . import amendments, inbox, packages, replies
from .edxml import archive, reader
from .edxml.model import BusinessType, ResponseFor, StatusCode
from .edxml.values import PackageError
from .models import Direction, Message, MessageState, MessageType

S = MessageState
PROCESSING_STATUS = {
    DocStatus.DIRECTED: StatusCode.ASSIGNED,
    DocStatus.IN_PROGRESS: StatusCode.PROCESSING,
    DocStatus.COMPLETED: StatusCode.COMPLETED,
}


def read_package(message: Message):
    """The package of an arrival, read again from storage (close it when done)."""
    with open_stored(message.file) as source:
        return reader.read(source, inbox._limits()).package


def _files(package) -> list[UploadedFile]:
    """The attachments as files to register: a zip's files when each of them may be registered, else the zip."""
    out = []
    for attachment in package.attachments:
        members = archive.expand(attachment)
        files = [UploadedFile(m.content, m.name, m.content_type, m.size) for m in members]
        if members != [attachment]:
            try:
                for file in files:
                    uploads.check(file)
            except ValidationError:
                files = [UploadedFile(attachment.content, attachment.name, attachment.content_type, attachment.size)]
        out.extend(files)
    return out


def _doc_type(name: str) -> DocumentType:
    found = DocumentType.objects.filter(name__iexact=name.strip(), is_active=True).first() if name.strip() else None
    return found or DocumentType.objects.filter(is_active=True).order_by("order", "id").first()


def _not_waiting(actor, message: Message):
    """Raise why ``actor`` cannot act on ``message``: not their agency's arrival, or no longer waiting."""
    if Message.objects.filter(pk=message.pk, state=S.RECEIVED, direction=Direction.IN).exists():
        raise PermissionDenied("Chỉ văn thư của cơ quan nhận được tiếp nhận hoặc từ chối văn bản này.")
    raise ValidationError("Văn bản không còn chờ tiếp nhận.", code="not_waiting")


def _lock(actor, message: Message) -> Message:
    locked = (
        permitted(Message, actor, "arrived")
        .select_for_update(of=("self",))
        .select_related("agency", "partner")
        .filter(pk=message.pk)
        .first()
    )
    if locked is None:
        _not_waiting(actor, message)
    return locked


def register(
    actor, message: Message, *, register=None, leader=None, submit_now: bool = False, confirm_duplicate: bool = False
):
    """Register the arrival as an incoming document of its agency; status 03 goes back to the sender."""
    if not permitted(Message, actor, "arrived").filter(pk=message.pk).exists():
        _not_waiting(actor, message)
    try:
        package = read_package(message)
    except PackageError as err:
        raise ValidationError(f"Không đọc lại được gói tin: {err}", code="bad_package") from None
    try:
        fields = packages.incoming_fields(package)
        with transaction.atomic():
            locked = _lock(actor, message)
            original = amendments.registered_original(locked, package)
            if original is not None and package.business.doc_type == BusinessType.UPDATE:
                return _update(actor, locked, package, original, fields)
            registered = incoming.register_document(
                actor,
                register=register,
                agency=locked.agency,
                leader=leader,
                submit_now=submit_now,
                confirm_duplicate=confirm_duplicate,
                files=_files(package),
                source=Source.ELECTRONIC,
                issuer_name=fields["issuer_name"][:200] or fields["issuer_code"],
                issuer_code=fields["issuer_code"][:40],
                code_number=fields["code_number"],
                code_notation=fields["code_notation"],
                issued_date=fields["issued_date"] or timezone.localdate(),
                doc_type=_doc_type(fields["doc_type_name"]),
                subject=fields["subject"],
                page_amount=fields["page_amount"],
                signer_position=fields["signer_position"][:100],
                signer_name=fields["signer_name"][:50],
                urgency=fields["urgency"],
                due_date=fields["deadline"],
            )
            Message.objects.filter(pk=locked.pk).update(
                state=S.APPLIED, incoming_id=registered.document.pk, handled_by=actor, done_at=timezone.now()
            )
            locked.incoming_id = registered.document.pk
            journal.record(
                "exchange.register",
                actor=actor,
                obj=registered.document,
                agency=locked.agency,
                details={"document_id": locked.document_id, "from": locked.from_organ},
            )
            if locked.outgoing_id:  # it answers a document this agency issued
                IncomingDocument.objects.filter(pk=registered.document.pk).update(answers_outgoing=locked.outgoing_id)
            if original is not None:
                incoming.supersede(actor, original, registered.document, reason=package.business.reason)
            replies.answer(
                locked, package, locked.agency, StatusCode.ACCEPTED, "Đã tiếp nhận, vào sổ văn bản đến.", actor
            )
    finally:
        package.close()
    return registered


def _update(actor, locked: Message, package, original, fields: dict):
    """An update of a document registered here: applied to it (the arrival is done, 03 goes back)."""
    values = {
        "code_number": fields["code_number"],
        "code_notation": fields["code_notation"],
        "issued_date": fields["issued_date"],
        "doc_type": _doc_type(fields["doc_type_name"]) if fields["doc_type_name"] else None,
        "subject": fields["subject"],
        "page_amount": fields["page_amount"],
        "signer_position": fields["signer_position"][:100],
        "signer_name": fields["signer_name"][:50],
        "urgency": fields["urgency"],
        "due_date": fields["deadline"],
    }
    amendments.apply_update(actor, locked, original, values, _files(package), package.business.reason)
    Message.objects.filter(pk=locked.pk).update(
        state=S.APPLIED, incoming_id=original.pk, handled_by=actor, done_at=timezone.now()
    )
    replies.answer(
        locked,
        package,
        locked.agency,
        StatusCode.ACCEPTED,
        "Đã cập nhật văn bản đã vào sổ theo văn bản cập nhật.",
        actor,
    )
    return incoming.Registered(document=original, submitted=False)


def refuse(actor, message: Message, reason: str) -> Message:
    """Refuse the arrival with a reason; status 02 goes back to the sender."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do từ chối tiếp nhận."})
    with transaction.atomic():
        locked = _lock(actor, message)
        Message.objects.filter(pk=locked.pk).update(
            state=S.REFUSED, reason=reason[:2000], handled_by=actor, done_at=timezone.now()
        )
        journal.record(
            "exchange.refuse",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"document_id": locked.document_id, "reason": reason},
        )
        try:
            package = read_package(locked)
        except PackageError:
            package = None
        if package is not None:
            try:
                replies.answer(locked, package, locked.agency, StatusCode.REFUSED, reason, actor)
            finally:
                package.close()
    locked.refresh_from_db()
    return locked


@receiver(transitioned, sender=IncomingDocument)
def follow_processing(sender, obj=None, transition=None, actor=None, **kwargs):
    """The recipient's processing of a document from another system goes back to its sender (04, 05, 06)."""
    code = PROCESSING_STATUS.get(transition.target)
    if code is None:
        return
    arrival = (
        Message.objects.filter(direction=Direction.IN, kind=MessageType.EDOC, incoming_id=obj.pk)
        .select_related("agency")
        .first()
    )
    if arrival is None:
        return
    about = ResponseFor(
        organ_id=arrival.from_organ,
        code=f"{obj.code_number}/{obj.code_notation}".strip("/"),
        promulgation_date=obj.issued_date,
        document_id=arrival.document_id,
    )
    replies.answer_about(arrival, about, obj.agency, code, transition.label, actor)
