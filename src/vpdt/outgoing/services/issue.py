"""Issuing an approved outgoing document (SPEC §3): number, seal and delivery by the clerk, then the drafter's
confirmation of the original; recall of an issued document by the agency's leaders or clerk."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.directory.models import Position
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from .. import delivery, numbering, signatures
from ..lifecycle import DOCUMENT
from ..models import FileKind, OutgoingDocument, OutStatus, RecipientKind
from .drafting import lock_document, store_files

S = OutStatus


def issue(actor, document: OutgoingDocument, *, issued_date=None, passphrase=None) -> OutgoingDocument:
    """Cấp số và phát hành, by the agency's clerk, only for drafts approved in the system.

    The number is taken from the series counter inside this transaction: concurrent clerks serialise on the
    counter row, a failure gives the number back, and no two documents share a number.

    With ``passphrase`` (the agency certificate's), the number and date are stamped into the signed PDF and the
    agency's seal signature is added (a new FINAL file), PDF appendices get the invisible signature and line;
    all before delivery, in the same transaction (a failure gives the number back).
    """
    DOCUMENT.authorize(document, "issue", actor)
    with transaction.atomic():
        locked = lock_document(document)
        if locked.status != S.APPROVED:
            raise ValidationError("Chỉ phát hành văn bản đã được duyệt ký trên hệ thống.", code="not_approved")
        today = timezone.localdate()
        issued_date = issued_date or today
        if issued_date > today:
            raise ValidationError({"issued_date": "Ngày ban hành không được ở tương lai."})
        problem = signatures.require_both_problem(
            locked,
            passphrase=passphrase,
            has_signed=signatures.signed_file(locked) is not None,
            electronic=locked.recipients.filter(kind=RecipientKind.AGENCY).exists(),
        )
        if problem:
            raise ValidationError({"passphrase": problem}, code="require_both")
        year = issued_date.year
        assigned = numbering.assign(locked, year)
        locked.year, locked.series, locked.number = year, assigned.series, assigned.number
        locked.code_number, locked.code_notation = assigned.code_number, assigned.code_notation
        locked.issued_date, locked.issued_at, locked.issued_by = issued_date, timezone.now(), actor
        if not locked.signer_position and locked.signer_id:
            position = (
                Position.objects.filter(user_id=locked.signer_id, agency=locked.agency, is_active=True)
                .order_by("-is_primary")
                .first()
            )
            locked.signer_position = position.title if position else ""
        details = {
            "number_symbol": locked.number_symbol,
            "series": assigned.series,
            "issued_date": issued_date.isoformat(),
        }
        if passphrase:
            details.update(signatures.seal_at_issue(actor, locked, passphrase=passphrase))
        details["files"] = signatures.name_travelling(locked)  # what the recipients receive, officially named
        DOCUMENT.apply(
            locked,
            "issue",
            actor=actor,
            extra_fields=[
                "year",
                "series",
                "number",
                "code_number",
                "code_notation",
                "issued_date",
                "issued_at",
                "issued_by",
                "signer_position",
                "updated_at",
            ],
            details=details,
        )
        signatures.publish_files(locked)
        delivery.hand_over_issued(actor, locked, passphrase=passphrase)
        if locked.reply_to_id:
            from vpdt.incoming import services as incoming

            incoming.link_issued_reply(actor, locked.reply_to, locked)
        if locked.related_to_id:
            journal.record(
                f"outgoing.{locked.relation}",
                actor=actor,
                obj=locked.related_to,
                agency=locked.agency,
                details={"by": locked.pk, "number_symbol": locked.number_symbol},
            )
        notify(
            [locked.drafter],
            "outgoing.issued",
            topic=topics.WORK,
            target=locked,
            text=f"Văn bản đã phát hành số {locked.number_symbol}. Kiểm tra số, ngày và đính kèm bản gốc.",
        )
    return locked


def confirm(actor, document: OutgoingDocument, *, files=()) -> OutgoingDocument:
    """The drafter checks the number and date the clerk assigned and attaches the final originals."""
    with transaction.atomic():
        locked = lock_document(document)
        DOCUMENT.authorize(locked, "confirm", actor)
        if locked.status != S.ISSUED:
            raise ValidationError("Văn bản chưa phát hành.")
        stored = store_files(actor, locked, None, files, FileKind.FINAL)
        signatures.name_travelling(locked)  # the originals that now travel take the official names
        signatures.publish_files(locked)
        for item in stored:
            item.refresh_from_db(fields=["original_name"])
        if locked.confirmed_at is None:
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["confirmed_at", "updated_at"])
        journal.record(
            "outgoing.confirm",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"number_symbol": locked.number_symbol, "files": [f.original_name for f in stored]},
        )
    return locked


def recall(actor, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Thu hồi: the agency's leaders or clerk freeze the document; every recipient agency is asked to withdraw its
    copy (a copy not registered yet is withdrawn at once, a registered one waits for the recipient's answer)."""
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
        delivery.hand_over_recall(actor, locked, reason)
    return locked
