"""Recall (thu hồi) across systems, both ways (ND30: a recalled document is frozen at the sender and withdrawn at
the recipient, the recall kept on record).

Rules:

* The sender recalls an issued document as inside the deployment; every recipient in another system that was sent
  the document gets a recall package (business type 1, with the reason). One that had registered it is asked to
  confirm (13); the answers 15 (agreed) and 16 (refused) come back to the sender's view of that recipient.
* A recall that arrives here for a document not registered yet withdraws it at once (the clerk never sees it
  again) and answers 15. For a registered one, the agency's clerk confirms (the incoming document is withdrawn,
  15) or refuses with a reason (16). A recall for a document never received answers 15: nothing is held.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.core.authz import permitted
from vpdt.incoming import services as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.journal import services as journal
from vpdt.outgoing.models import DeliveryStatus, RecipientKind

from . import outbox, packages, replies
from .edxml import writer
from .edxml.model import Business, BusinessType, Organ, ResponseFor, StatusCode
from .lifecycle import DELIVERY, RECEIVED
from .models import Direction, Message, MessageState, MessageType, PartnerRole

S = MessageState


def send_recall(actor, document, reason: str) -> list[Message]:
    """Called inside the sender's recall transaction: a recall package to each outside recipient sent the document."""
    sent = {
        m.recipient_id: m
        for m in Message.objects.filter(
            direction=Direction.OUT, kind=MessageType.EDOC, business_type=BusinessType.NEW, outgoing_id=document.pk
        )
    }
    recipients = [
        r
        for r in document.recipients.filter(kind=RecipientKind.EXTERNAL, pk__in=list(sent))
        if r.status not in (DeliveryStatus.REFUSED, DeliveryStatus.RECALLED, DeliveryStatus.RECALL_REFUSED)
    ]
    if not recipients:
        return []
    organs = [Organ(r.organ_id, organ_name=r.name[:200]) for r in recipients]
    document_id = sent[recipients[0].pk].document_id
    business = Business(BusinessType.RECALL, reason[:500], document_id, staff=packages.staff_of(actor))
    package = packages.package_for(document, organs, business=business, staff=actor, with_files=False)
    data = writer.package_bytes(package)
    queued = []
    now = timezone.now()
    for recipient in recipients:
        original = sent[recipient.pk]
        queued.append(
            outbox.queue(
                kind=MessageType.EDOC,
                data=data,
                document_id=document_id,
                from_organ=document.agency.code,
                to_organ=recipient.organ_id,
                partner=original.partner,
                business_type=BusinessType.RECALL,
                state=S.WAITING if original.partner.role == PartnerRole.CONNECTED else S.QUEUED,  # fetched or pushed
                urgent=True,
                actor=actor,
                agency=document.agency,
                outgoing_id=document.pk,
                recipient_id=recipient.pk,
            )
        )
        if recipient.status in RECEIVED:
            recipient.status_at, recipient.reason = now, reason
            DELIVERY.apply(
                recipient,
                "request_recall",
                actor=actor,
                extra_fields=["status_at", "reason"],
                journal_obj=document,
                journal_agency=document.agency,
                details={"reason": reason, "recipient_organ": recipient.organ_id},
            )
    return queued


def _about(message: Message, code: str = "", promulgation_date=None) -> ResponseFor:
    return ResponseFor(
        message.from_organ, code or message.code, promulgation_date or message.promulgation_date, message.document_id
    )


def arrive(message: Message, package, agency) -> None:
    """A recall package arrived for ``agency`` (called by the inbox)."""
    original = (
        Message.objects.select_for_update(of=("self",))
        .filter(
            direction=Direction.IN,
            kind=MessageType.EDOC,
            business_type=BusinessType.NEW,
            document_id=message.document_id,
            to_organ=message.to_organ,
        )
        .first()
    )
    reason = package.business.reason or "Cơ quan gửi thu hồi văn bản."
    if original is None or original.state in (S.REFUSED,) or (original.state == S.APPLIED and not original.incoming_id):
        _close(message, "Không có văn bản này để thu hồi.")
        replies.answer(message, package, agency, StatusCode.RECALL_AGREED, "Không giữ văn bản này.")
        return
    if original.state == S.RECEIVED:  # not registered: withdrawn at once
        Message.objects.filter(pk=original.pk).update(
            state=S.REFUSED, reason=f"Cơ quan gửi đã thu hồi: {reason}"[:2000], done_at=timezone.now()
        )
        _close(message, "Đã thu hồi văn bản chưa vào sổ.")
        journal.record(
            "exchange.recall_withdrawn",
            obj=original,
            agency=agency,
            details={"document_id": message.document_id, "reason": reason},
        )
        replies.answer(message, package, agency, StatusCode.RECALL_AGREED, "Đã thu hồi (văn bản chưa vào sổ).")
        return
    Message.objects.filter(pk=message.pk).update(incoming_id=original.incoming_id, reason=reason[:2000])
    journal.record(
        "exchange.recall_requested",
        obj=message,
        agency=agency,
        details={"document_id": message.document_id, "reason": reason},
    )


def _close(message: Message, reason: str) -> None:
    Message.objects.filter(pk=message.pk).update(state=S.APPLIED, reason=reason, done_at=timezone.now())


def _lock(actor, message: Message) -> Message:
    locked = (
        permitted(Message, actor, "recalled")
        .select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=message.pk)
        .first()
    )
    if locked is None:
        if Message.objects.filter(pk=message.pk, state=S.RECEIVED).exists():
            raise PermissionDenied("Chỉ văn thư của cơ quan nhận được xác nhận thu hồi.")
        raise ValidationError("Không có yêu cầu thu hồi chờ xác nhận.", code="not_recalling")
    return locked


def confirm(actor, message: Message) -> Message:
    """The clerk agrees: the incoming document is withdrawn, 15 goes back."""
    with transaction.atomic():
        locked = _lock(actor, message)
        document = IncomingDocument.objects.get(pk=locked.incoming_id)
        incoming.withdraw(actor, document, reason=f"Thu hồi theo yêu cầu của cơ quan gửi: {locked.reason}")
        Message.objects.filter(pk=locked.pk).update(state=S.APPLIED, handled_by=actor, done_at=timezone.now())
        about = _about(locked, f"{document.code_number}/{document.code_notation}", document.issued_date)
        replies.answer_about(locked, about, locked.agency, StatusCode.RECALL_AGREED, "Đã thu hồi văn bản đến.", actor)
    locked.refresh_from_db()
    return locked


def refuse(actor, message: Message, reason: str) -> Message:
    """The clerk refuses the recall with a reason: 16 goes back."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do không đồng ý thu hồi."})
    with transaction.atomic():
        locked = _lock(actor, message)
        Message.objects.filter(pk=locked.pk).update(state=S.REFUSED, handled_by=actor, done_at=timezone.now())
        journal.record(
            "exchange.recall_declined",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"document_id": locked.document_id, "reason": reason},
        )
        document = IncomingDocument.objects.get(pk=locked.incoming_id)
        about = _about(locked, f"{document.code_number}/{document.code_notation}", document.issued_date)
        replies.answer_about(locked, about, locked.agency, StatusCode.RECALL_REFUSED, reason, actor)
    locked.refresh_from_db()
    return locked
