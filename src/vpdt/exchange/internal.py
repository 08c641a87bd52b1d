"""Delivery to the agencies of this deployment, and their recall (SPEC §3.5–3.6, §4): the steps of
:data:`.lifecycle.DELIVERY` taken here, each in one transaction, journaled on the sender's document.

* Issuing makes the document *arrive* (edXML status 01) at every recipient agency. That agency's clerk registers it
  with one action, its metadata prefilled and its files attached (03), or refuses it with a reason (02). From then
  on the recipient's processing moves the sender's view: direction → 04, processing → 05, completion → 06.
* Recall: a copy not registered yet is withdrawn at once (15); a registered one waits for the recipient clerk, who
  confirms (the incoming document is withdrawn there, 15) or refuses with a reason (16). The sender is told.
* The same steps are moved by the status messages of recipients in other systems (:mod:`.delivery`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core.fsm import transitioned
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument, Source
from vpdt.notifications import topics
from vpdt.notifications.services import notify
from vpdt.outgoing.delivery import exchange_problem
from vpdt.outgoing.models import DeliveryStatus, OutgoingDocument, OutStatus, Recipient, RecipientKind
from vpdt.outgoing.policies import RECEIVABLE
from vpdt.outgoing.signatures import final_files
from vpdt.signing import receipt, tasks_verify

from .lifecycle import DELIVERY, FOLLOW, RECEIVED

D = DeliveryStatus
# Incoming status at the recipient → what the sender sees.
FROM_INCOMING = {
    DocStatus.REGISTERED: D.REGISTERED,
    DocStatus.SUBMITTED: D.REGISTERED,
    DocStatus.DIRECTED: D.ASSIGNED,
    DocStatus.IN_PROGRESS: D.PROCESSING,
    DocStatus.COMPLETED: D.COMPLETED,
}


def clerks_of(agency_ids: list[int]):
    return User.objects.filter(
        positions__agency_id__in=agency_ids, positions__role=Role.CLERK, positions__is_active=True, is_active=True
    ).distinct()


def deliver(actor, document: OutgoingDocument, recipients: list[Recipient]) -> None:
    """Make the issued ``document`` arrive at its recipient agencies of this deployment (inside the issue
    transaction)."""
    agencies = [r for r in recipients if r.kind == RecipientKind.AGENCY]
    if not agencies:
        return
    for recipient in agencies:
        problem = exchange_problem(document.agency, recipient.agency)
        if problem:
            raise ValidationError({"recipients": [problem]})
    tasks_verify.after_delivery(final_files(document))  # signatures checked once committed, before reception
    now = timezone.now()
    # One update, one journal insert and one notification insert for every agency: issuing to a whole province
    # costs a few queries, not a dozen per agency.
    DELIVERY.apply_many(
        agencies,
        "deliver",
        actor=actor,
        values={"delivered_at": now, "status_at": now},
        journal_obj=document,
        journal_agency=document.agency,
        details_of=lambda recipient: {"recipient": recipient.agency_id},
    )
    notify(
        clerks_of([r.agency_id for r in agencies]),
        "outgoing.delivered",
        topic=topics.WORK,
        target=document,
        url_name="exchange:arrivals",
        text=f"Văn bản điện tử đến: {document.number_symbol} của {document.agency.name} – {document.subject}",
    )


def _move(recipient: Recipient, name: str, *, actor, agency, extra_fields=(), details: dict | None = None):
    """Apply a DELIVERY step: journaled on the sender's document (its trail reads from one place), filed under
    ``agency`` (the recipient's, for what its clerk does)."""
    return DELIVERY.apply(
        recipient,
        name,
        actor=actor,
        extra_fields=extra_fields,
        journal_obj=recipient.document,
        journal_agency=agency,
        details={"recipient": recipient.agency_id, **(details or {})},
    )


def _lock(recipient: Recipient) -> Recipient:
    return (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "agency")
        .get(pk=recipient.pk)
    )


def _still_waiting(locked: Recipient) -> None:
    if locked.status not in RECEIVABLE:
        raise ValidationError(
            f"Văn bản không còn chờ tiếp nhận (trạng thái: {locked.get_status_display()}).", code="not_waiting"
        )


def receive(
    actor,
    recipient: Recipient,
    *,
    register=None,
    leader=None,
    submit_now: bool = False,
    confirm_duplicate: bool = False,
):
    """The recipient clerk registers the delivered document with one action (metadata prefilled)."""
    DELIVERY.authorize(recipient, "receive", actor)
    # Signatures of the delivered PDFs: under the "refuse" policy a failure blocks reception (only refusal left).
    if recipient.status in RECEIVABLE:
        receipt.check_delivery(actor, recipient.agency, final_files(recipient.document))
    with transaction.atomic():
        locked = _lock(recipient)
        _still_waiting(locked)
        document = locked.document
        if document.status != OutStatus.ISSUED:
            raise ValidationError("Văn bản đã bị thu hồi.", code="recalled")
        signer = document.signer
        registered = incoming.register_document(
            actor,
            register=register,
            agency=locked.agency,
            leader=leader,
            submit_now=submit_now,
            confirm_duplicate=confirm_duplicate,
            stored_files=final_files(document),
            source=Source.ELECTRONIC,
            issuer_name=document.agency.name,
            issuer_code=document.agency.code,
            code_number=document.code_number,
            code_notation=document.code_notation,
            issued_date=document.issued_date,
            doc_type=document.doc_type,
            subject=document.subject,
            language=document.language,
            page_amount=document.page_amount,
            signer_position=(f"{document.authority}. " if document.authority else "") + document.signer_position,
            signer_name=signer.full_name if signer else "",
            urgency=document.urgency,
            to_places=document.to_places,
            due_date=document.due_date,
        )
        locked.incoming = registered.document
        locked.status_at, locked.handled_by = timezone.now(), actor
        _move(
            locked, "receive", actor=actor, agency=locked.agency, extra_fields=["incoming", "status_at", "handled_by"]
        )
    return registered


def refuse(actor, recipient: Recipient, reason: str) -> Recipient:
    """The recipient clerk refuses the delivered document with a reason; the sender is told."""
    reason = (reason or "").strip()
    DELIVERY.authorize(recipient, "refuse", actor)
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do từ chối tiếp nhận."})
    with transaction.atomic():
        locked = _lock(recipient)
        _still_waiting(locked)
        locked.status_at, locked.reason, locked.handled_by = timezone.now(), reason, actor
        _move(
            locked,
            "refuse",
            actor=actor,
            agency=locked.agency,
            extra_fields=["status_at", "reason", "handled_by"],
            details={"reason": reason},
        )
        document = locked.document
        notify(
            [document.drafter, document.issued_by],
            "outgoing.refused",
            topic=topics.NEWS,
            target=document,
            text=f"{locked.agency.name} từ chối tiếp nhận văn bản {document.number_symbol}: {reason}",
        )
    return locked


@receiver(transitioned, sender=IncomingDocument)
def follow_incoming(sender, obj=None, transition=None, actor=None, **kwargs):
    """The recipient's processing flows back to the sender's view of the delivery."""
    status = FROM_INCOMING.get(transition.target)
    if status is None:
        return
    for recipient in (
        Recipient.objects.select_for_update()
        .select_related("document")
        .filter(incoming_id=obj.pk, status__in=RECEIVED)
        .exclude(status=status)
    ):
        recipient.status_at = timezone.now()
        _move(recipient, FOLLOW[status], actor=actor, agency=obj.agency, extra_fields=["status_at"])


def recall(actor, document: OutgoingDocument, reason: str) -> None:
    """Inside the sender's recall transaction: each recipient agency of this deployment still holding the document
    has it withdrawn (not registered yet) or is asked to confirm (registered)."""
    now = timezone.now()
    for recipient in (
        document.recipients.filter(kind=RecipientKind.AGENCY)
        .exclude(status__in=[D.PENDING, D.REFUSED, D.RECALLED, D.RECALL_REFUSED])
        .select_related("agency")
    ):
        recipient.document = document
        recipient.status_at, recipient.reason = now, reason
        _move(
            recipient,
            "withdraw" if recipient.incoming_id is None else "request_recall",
            actor=actor,
            agency=document.agency,
            extra_fields=["status_at", "reason"],
            details={"reason": reason},
        )
        notify(
            clerks_of([recipient.agency_id]),
            "outgoing.recall_requested",
            topic=topics.WORK,
            target=document,
            url_name="exchange:recalls",
            text=f"{document.agency.name} thu hồi văn bản {document.number_symbol}: {reason}. Đề nghị xác nhận.",
        )


def _recall_waiting(locked: Recipient) -> None:
    if locked.status != D.RECALL_REQUESTED:
        raise ValidationError("Không có yêu cầu thu hồi chờ xác nhận.", code="not_recalling")


def confirm_recall(actor, recipient: Recipient) -> Recipient:
    """The recipient clerk confirms the recall: the incoming copy is withdrawn there."""
    DELIVERY.authorize(recipient, "confirm_recall", actor)
    with transaction.atomic():
        locked = _lock(recipient)
        _recall_waiting(locked)
        incoming.withdraw(
            actor, locked.incoming, reason=f"Thu hồi theo yêu cầu của {locked.document.agency.name}: {locked.reason}"
        )
        locked.status_at, locked.handled_by = timezone.now(), actor
        _move(locked, "confirm_recall", actor=actor, agency=locked.agency, extra_fields=["status_at", "handled_by"])
    return locked


def tell_sender_recall_refused(recipient: Recipient, recipient_name: str, reason: str) -> None:
    """The sender's drafter and issuing clerk learn that a recipient keeps the document it was asked to give back."""
    document = recipient.document
    notify(
        [document.drafter, document.issued_by],
        "outgoing.recall_refused",
        topic=topics.NEWS,
        target=document,
        text=f"{recipient_name} từ chối thu hồi văn bản {document.number_symbol}: {reason}",
    )


def refuse_recall(actor, recipient: Recipient, reason: str) -> Recipient:
    """The recipient clerk refuses the recall with a reason: the incoming copy stays, the sender is told (16)."""
    reason = (reason or "").strip()
    DELIVERY.authorize(recipient, "refuse_recall", actor)
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do không đồng ý thu hồi."})
    with transaction.atomic():
        locked = _lock(recipient)
        _recall_waiting(locked)
        locked.status_at, locked.reason, locked.handled_by = timezone.now(), reason, actor
        _move(
            locked,
            "refuse_recall",
            actor=actor,
            agency=locked.agency,
            extra_fields=["status_at", "reason", "handled_by"],
            details={"reason": reason},
        )
        tell_sender_recall_refused(locked, locked.agency.name, reason)
    return locked
