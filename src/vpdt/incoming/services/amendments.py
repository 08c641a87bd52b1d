"""What the sender changes after a document was registered (SPEC §3.6, edXML business types 2 and 3): an update of
its metadata or files, applied to the registered document; a replacement, registered as a new document that
supersedes the old one.

Rules:

* Only the agency's clerk applies them; a withdrawn document is not changed.
* An update changes only what differs, journals the fields it changed (old and new values) and attaches the new
  files after the old ones (checked and their signatures verified like any registered file); the number and date of
  arrival stay.
* A replacement links both documents: the old one is withdrawn (its open work closed) unless it was already
  completed or withdrawn, and shows which document replaced it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vpdt.journal import services as journal
from vpdt.signing import receipt
from vpdt.storage import services as storage
from vpdt.storage import uploads

from ..lifecycle import DOCUMENT, clerk_refusal
from ..models import Attachment, DocStatus, IncomingDocument
from .processing import withdraw
from .registration import FIELD_NAMES

AMENDABLE = tuple(name for name in FIELD_NAMES if name not in ("source", "field", "needs_reply", "reply_due"))


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def amend(actor, document: IncomingDocument, *, reason: str = "", files=(), **data) -> list[str]:
    """Apply the sender's update to a registered document; the names of the fields that changed."""
    refusal = clerk_refusal(actor, document.agency_id)
    if refusal:
        raise PermissionDenied(refusal)
    unknown = set(data) - set(AMENDABLE)
    if unknown:
        raise ValidationError(f"Không cập nhật được trường: {', '.join(sorted(unknown))}.")
    checked = [uploads.check(f) for f in files]
    receipt.check_uploads(actor, document.agency, checked)
    saved = []
    try:
        with transaction.atomic():
            locked = IncomingDocument.objects.select_for_update().get(pk=document.pk)
            if locked.status == DocStatus.WITHDRAWN:
                raise ValidationError("Văn bản đã bị thu hồi, không cập nhật được.", code="withdrawn")
            changes = {}
            for name, value in data.items():
                if getattr(locked, name) != value:
                    changes[name] = (_shown(getattr(locked, name)), _shown(value))
                    setattr(locked, name, value)
            if changes:
                locked.full_clean(exclude=["duplicate_key"])
                locked.save(update_fields=[*changes, "updated_at"])
            start = locked.attachments.count()
            added = []
            for order, upload in enumerate(checked, start=start):
                stored = storage.store(
                    upload.file,
                    upload.name,
                    folder="incoming",
                    content_type=upload.mime,
                    agency=locked.agency,
                    actor=actor,
                )
                saved.append(stored.name)
                added.append(stored)
                Attachment.objects.create(document=locked, file=stored, order=order)
            journal.record(
                "incoming.amend",
                actor=actor,
                obj=locked,
                agency=locked.agency,
                details={
                    "fields": ", ".join(str(IncomingDocument._meta.get_field(n).verbose_name) for n in changes),
                    "changes": {n: {"old": old, "new": new} for n, (old, new) in changes.items()},
                    "files": [u.name for u in checked],
                    "reason": reason[:500],
                },
            )
            if added:
                receipt.on_registered(actor, locked, uploaded=added, delivered=())
    except Exception:
        from django.core.files.storage import default_storage

        for name in saved:
            default_storage.delete(name)
        raise
    document.refresh_from_db()
    return list(changes)


def supersede(actor, old: IncomingDocument, new: IncomingDocument, *, reason: str = "") -> IncomingDocument:
    """Record that ``new`` (registered) replaces ``old``: linked, and ``old`` withdrawn unless already completed."""
    refusal = clerk_refusal(actor, old.agency_id)
    if refusal or new.agency_id != old.agency_id:
        raise PermissionDenied(refusal or "Hai văn bản không cùng cơ quan.")
    with transaction.atomic():
        IncomingDocument.objects.filter(pk=old.pk).update(replaced_by=new)
        journal.record(
            "incoming.replaced",
            actor=actor,
            obj=old,
            agency=old.agency,
            details={"replacement": new.pk, "reference": new.number_symbol, "reason": reason[:500]},
        )
        old.refresh_from_db()
        if old.status != DocStatus.COMPLETED and DOCUMENT.permits(old, "withdraw", actor):
            withdraw(actor, old, reason=f"Được thay thế bởi văn bản {new.number_symbol}. {reason}".strip())
    old.refresh_from_db()
    return old
