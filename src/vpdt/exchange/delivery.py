"""What the sender sees of a recipient in another system: the status messages it returns move the same delivery
machine as a recipient inside the deployment (:data:`.lifecycle.DELIVERY`), so the sender's timeline of each
recipient reads the same whatever the route: 16 (recall refused) included."""

from __future__ import annotations

from django.utils import timezone

from vpdt.outgoing.models import DeliveryStatus, Recipient

from .edxml.model import StatusCode
from .internal import tell_sender_recall_refused
from .lifecycle import DELIVERY, FOLLOW, RECEIVED
from .models import Direction, Message, MessageState, MessageType

D = DeliveryStatus
FOLLOWED = {
    StatusCode.ACCEPTED: D.REGISTERED,
    StatusCode.ASSIGNED: D.ASSIGNED,
    StatusCode.PROCESSING: D.PROCESSING,
    StatusCode.COMPLETED: D.COMPLETED,
}


def _transition(recipient: Recipient, code: StatusCode) -> str | None:
    """The delivery step a status code stands for, from where the recipient is now (None: nothing to move)."""
    current = recipient.status
    if code == StatusCode.ARRIVED:
        return "deliver" if current == D.PENDING else None
    if code == StatusCode.REFUSED:
        return "refuse" if current in (D.PENDING, D.ARRIVED) else None
    if code in FOLLOWED:
        target = FOLLOWED[code]
        if current == target:
            return None
        if current == D.PENDING:  # its 01 was lost or overtaken: the later status says it arrived
            return "deliver"
        if current == D.ARRIVED and target == D.REGISTERED:
            return "receive"
        return FOLLOW[target] if current in (*RECEIVED, D.ARRIVED) else None
    if code == StatusCode.RECALL_AGREED:
        if current == D.RECALL_REQUESTED:
            return "confirm_recall"
        return "withdraw" if current == D.ARRIVED else None
    if code == StatusCode.RECALL_REFUSED:
        return "refuse_recall" if current == D.RECALL_REQUESTED else None
    return None


def apply_status(message: Message, status) -> Recipient | None:
    """Move the delivery of the document ``status`` is about, to the agency that sent it."""
    sent = (
        Message.objects.filter(
            direction=Direction.OUT,
            kind=MessageType.EDOC,
            document_id=status.response_for.document_id,
            to_organ=status.sender.organ_id,
            recipient_id__isnull=False,
        )
        .order_by("-id")
        .first()
    )
    if sent is None:
        Message.objects.filter(pk=message.pk).update(
            state=MessageState.REFUSED, reason="Không có văn bản gửi đi nào ứng với trạng thái này."
        )
        return None
    recipient = (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency")
        .get(pk=sent.recipient_id)
    )
    code = status.code
    moved = 0
    while (name := _transition(recipient, code)) is not None and moved < 3:
        recipient.status_at = timezone.now()
        details = {"recipient_organ": status.sender.organ_id, "status": code.value, "remote": True}
        if name in ("refuse", "refuse_recall"):
            recipient.reason = details["reason"] = status.description[:2000]
        DELIVERY.apply(
            recipient,
            name,
            actor=None,
            extra_fields=["status_at", "reason"],
            journal_obj=recipient.document,
            journal_agency=recipient.document.agency,
            details=details,
        )
        moved += 1
        if name == "refuse_recall":
            tell_sender_recall_refused(recipient, recipient.name or status.sender.organ_id, recipient.reason)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.APPLIED,
        outgoing_id=recipient.document_id,
        recipient_id=recipient.pk,
        agency=recipient.document.agency,
    )
    return recipient
