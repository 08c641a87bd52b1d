"""Delivery of issued documents inside the deployment, and their recall (SPEC §3.5–3.6, §4).

* Issuing makes the document *arrive* (edXML status 01) at every recipient agency. That agency's clerk
  registers it with one action, its metadata prefilled and its files attached (03), or refuses it with a
  reason (02). From then on the recipient's processing moves the sender's view: direction → 04, processing
  → 05, completion → 06. These are the status codes the inter-deployment exchange will carry later.
* Internal recipients (units and people of the issuing agency) are notified.
* An agency marked "exchange only with parent" sends to and receives from its parent agency only.
* Recall freezes the sender's copy; a copy not yet registered is withdrawn at once, a registered one waits
  for the recipient clerk to confirm, which withdraws the incoming document there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.core.authz import manageable, permitted
from vpdt.core.fsm import transitioned
from vpdt.directory.models import Agency, Role
from vpdt.incoming.models import DocStatus, IncomingDocument, Source
from vpdt.notifications import topics
from vpdt.notifications.services import notify
from vpdt.signing import receipt, tasks_verify

from .lifecycle import DELIVERY, DOCUMENT, FOLLOW, RECEIVED
from .models import DeliveryStatus, OutgoingDocument, OutStatus, Recipient, RecipientKind
from .policies import RECEIVABLE
from .signatures import final_files

D = DeliveryStatus
# Incoming status at the recipient → what the sender sees.
FROM_INCOMING = {
    DocStatus.REGISTERED: D.REGISTERED,
    DocStatus.SUBMITTED: D.REGISTERED,
    DocStatus.DIRECTED: D.ASSIGNED,
    DocStatus.IN_PROGRESS: D.PROCESSING,
    DocStatus.COMPLETED: D.COMPLETED,
}


def exchange_problem(sender: Agency, recipient: Agency) -> str:
    """Why ``sender`` may not send to ``recipient`` ("" when it may)."""
    if sender.exchange_only_with_parent:
        parent = Agency.objects.get_parent(sender)
        if parent is None or parent.pk != recipient.pk:
            return (
                f"{sender.name} chỉ được trao đổi văn bản với cơ quan cấp trên trực tiếp, không gửi được cho "
                f"{recipient.name}."
            )
    if recipient.exchange_only_with_parent:
        parent = Agency.objects.get_parent(recipient)
        if parent is None or parent.pk != sender.pk:
            return f"{recipient.name} chỉ nhận văn bản từ cơ quan cấp trên trực tiếp, không gửi trực tiếp được."
    if not recipient.is_active:
        return f"{recipient.name} đã ngừng hoạt động."
    return ""


def _clerks_of(agency_ids: list[int]):
    return User.objects.filter(
        positions__agency_id__in=agency_ids, positions__role=Role.CLERK, positions__is_active=True, is_active=True
    ).distinct()


def _clerks(agency_id: int):
    return User.objects.filter(
        positions__agency_id=agency_id, positions__role=Role.CLERK, positions__is_active=True, is_active=True
    ).distinct()


_issue_hooks: list = []
_recall_hooks: list = []


def register_issue_hook(hook) -> None:
    """``hook(actor, document, recipients, passphrase=…)`` runs inside the issue transaction after the recipients inside the
    deployment are served: the exchange app sends to the agencies of other systems this way."""
    if hook not in _issue_hooks:
        _issue_hooks.append(hook)


def register_recall_hook(hook) -> None:
    """``hook(actor, document, reason)`` runs inside the recall transaction after the recipients inside the
    deployment are asked: the exchange app sends the recall to the agencies of other systems this way."""
    if hook not in _recall_hooks:
        _recall_hooks.append(hook)


def deliver(actor, document: OutgoingDocument, *, passphrase: str | None = None) -> None:
    """Called by :func:`services.issue` inside its transaction (``passphrase``: the agency certificate's, when the
    clerk gave it to sign at issue)."""
    now = timezone.now()
    label = f"{document.number_symbol} của {document.agency.name}"
    recipients = list(document.recipients.select_related("agency", "unit", "user"))
    agencies = [r for r in recipients if r.kind == RecipientKind.AGENCY]
    if agencies:
        tasks_verify.after_delivery(final_files(document))  # signatures checked once committed, before reception
        for recipient in agencies:
            problem = exchange_problem(document.agency, recipient.agency)
            if problem:
                raise ValidationError({"recipients": [problem]})
        # One update, one journal insert and one notification insert for every agency: issuing to a whole
        # province costs a few queries, not a dozen per agency.
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
            _clerks_of([r.agency_id for r in agencies]),
            "outgoing.delivered",
            topic=topics.WORK,
            target=document,
            url_name="outgoing:deliveries",
            text=f"Văn bản điện tử đến: {label} – {document.subject}",
        )
    for recipient in recipients:
        if recipient.kind == RecipientKind.UNIT:
            leaders = User.objects.filter(
                positions__unit=recipient.unit, positions__role=Role.UNIT_LEADER, positions__is_active=True
            ).distinct()
            notify(
                leaders,
                "outgoing.sent_to_unit",
                topic=topics.WORK,
                target=document,
                text=f"Văn bản {label} gửi đơn vị: {document.subject}",
            )
        elif recipient.kind == RecipientKind.USER:
            notify(
                [recipient.user],
                "outgoing.sent_to_user",
                topic=topics.WORK,
                target=document,
                text=f"Văn bản {label} gửi bạn: {document.subject}",
            )
    for hook in _issue_hooks:
        hook(actor, document, recipients, passphrase=passphrase)


def waiting_for(user):
    """Deliveries waiting for the user's agency clerk (status 01), newest first."""
    return (
        permitted(Recipient, user, "delivered")
        .select_related("document", "document__agency", "document__doc_type")
        .order_by("-delivered_at", "-id")
    )


def _move(
    recipient: Recipient,
    name: str,
    *,
    actor,
    document: OutgoingDocument,
    agency,
    extra_fields=(),
    details: dict | None = None,
) -> Recipient:
    """Apply a DELIVERY transition: journaled on the sender's document (its trail reads from one place), filed
    under ``agency`` (the recipient's, for what its clerk does)."""
    return DELIVERY.apply(
        recipient,
        name,
        actor=actor,
        extra_fields=extra_fields,
        journal_obj=document,
        journal_agency=agency,
        details={"recipient": recipient.agency_id, **(details or {})},
    )


def _lock(recipient: Recipient) -> Recipient:
    return (
        Recipient.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "agency")
        .get(pk=recipient.pk)
    )


def receive(actor, recipient: Recipient, *, register=None, leader=None, confirm_duplicate: bool = False):
    """The recipient clerk registers the delivered document with one action (metadata prefilled)."""
    from vpdt.incoming import services as incoming

    DELIVERY.authorize(recipient, "receive", actor)
    # Signatures of the delivered PDFs: under the "refuse" policy a failure blocks reception (only refusal left).
    if recipient.status in RECEIVABLE:
        receipt.check_delivery(actor, recipient.agency, final_files(recipient.document))
    with transaction.atomic():
        locked = _lock(recipient)
        if locked.status not in RECEIVABLE:
            raise ValidationError(
                f"Văn bản không còn chờ tiếp nhận (trạng thái: {locked.get_status_display()}).", code="not_waiting"
            )
        document = locked.document
        if document.status != OutStatus.ISSUED:
            raise ValidationError("Văn bản đã bị thu hồi.", code="recalled")
        signer = document.signer
        registered = incoming.register_document(
            actor,
            register=register,
            agency=locked.agency,
            leader=leader,
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
            locked,
            "receive",
            actor=actor,
            document=document,
            agency=locked.agency,
            extra_fields=["incoming", "status_at", "handled_by"],
        )
    return registered


def refuse(actor, recipient: Recipient, reason: str) -> Recipient:
    reason = (reason or "").strip()
    DELIVERY.authorize(recipient, "refuse", actor)
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do từ chối tiếp nhận."})
    with transaction.atomic():
        locked = _lock(recipient)
        if locked.status not in RECEIVABLE:
            raise ValidationError(
                f"Văn bản không còn chờ tiếp nhận (trạng thái: {locked.get_status_display()}).", code="not_waiting"
            )
        locked.status_at, locked.reason, locked.handled_by = timezone.now(), reason, actor
        _move(
            locked,
            "refuse",
            actor=actor,
            document=locked.document,
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
        _move(
            recipient,
            FOLLOW[status],
            actor=actor,
            document=recipient.document,
            agency=obj.agency,
            extra_fields=["status_at"],
        )


def recall(actor, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Thu hồi: the agency's leaders or clerk freeze the document and withdraw every recipient's copy."""
    reason = (reason or "").strip()
    DOCUMENT.authorize(document, "recall", actor)
    if not reason:
        raise ValidationError({"reason": "Ghi rõ lý do thu hồi."})
    with transaction.atomic():
        locked = OutgoingDocument.objects.select_for_update().get(pk=document.pk)
        locked.recalled_at, locked.recall_reason = timezone.now(), reason
        DOCUMENT.apply(
            locked,
            "recall",
            actor=actor,
            extra_fields=["recalled_at", "recall_reason", "updated_at"],
            details={"reason": reason},
        )
        now = timezone.now()
        for recipient in (
            locked.recipients.filter(kind=RecipientKind.AGENCY)
            .exclude(status__in=[D.PENDING, D.REFUSED, D.RECALLED])
            .select_related("agency")
        ):
            recipient.status_at, recipient.reason = now, reason
            _move(
                recipient,
                "withdraw" if recipient.incoming_id is None else "request_recall",
                actor=actor,
                document=locked,
                agency=locked.agency,
                extra_fields=["status_at", "reason"],
                details={"reason": reason},
            )
            notify(
                _clerks(recipient.agency_id),
                "outgoing.recall_requested",
                topic=topics.WORK,
                target=locked,
                url_name="outgoing:recalls",
                text=f"{locked.agency.name} thu hồi văn bản {locked.number_symbol}: {reason}. Đề nghị xác nhận.",
            )
        for hook in _recall_hooks:
            hook(actor, locked, reason)
    return locked


def recalls_waiting_for(user):
    """Recall requests waiting for the user's agency clerk to confirm."""
    return (
        manageable(Recipient, user)
        .filter(status=D.RECALL_REQUESTED)
        .select_related("document", "document__agency", "incoming")
        .order_by("-status_at", "-id")
    )


def confirm_recall(actor, recipient: Recipient) -> Recipient:
    """The recipient clerk confirms the recall: the incoming copy is withdrawn there."""
    from vpdt.incoming import services as incoming

    DELIVERY.authorize(recipient, "confirm_recall", actor)
    with transaction.atomic():
        locked = _lock(recipient)
        if locked.status != D.RECALL_REQUESTED:
            raise ValidationError("Không có yêu cầu thu hồi chờ xác nhận.", code="not_recalling")
        incoming.withdraw(
            actor, locked.incoming, reason=f"Thu hồi theo yêu cầu của {locked.document.agency.name}: {locked.reason}"
        )
        locked.status_at, locked.handled_by = timezone.now(), actor
        _move(
            locked,
            "confirm_recall",
            actor=actor,
            document=locked.document,
            agency=locked.agency,
            extra_fields=["status_at", "handled_by"],
        )
    return locked


def sender_view(document: OutgoingDocument):
    """Each recipient agency with its status, for the sender: inside the deployment, and in other systems (reached
    through the exchange by their OrganId; the same statuses come back from there)."""
    electronic = Q(kind=RecipientKind.AGENCY) | (Q(kind=RecipientKind.EXTERNAL) & ~Q(organ_id=""))
    return document.recipients.filter(electronic).select_related("agency", "incoming")
