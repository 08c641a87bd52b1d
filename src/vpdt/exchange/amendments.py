"""Updates and replacements from other systems (edXML business types 2 and 3) applied to what this agency already
registered, rather than registered again beside it.

* An update of a registered document changes its metadata where they differ and attaches the files it did not
  have yet (by SHA-256); the arrival is then done, and status 03 goes back.
* A replacement is registered as a new document (the clerk's usual registration) and supersedes the registered one:
  both are linked, and the old one is withdrawn unless its processing was completed.
* An update or replacement of a document not registered yet has already taken its place in the queue
  (:func:`vpdt.exchange.inbox._supersede`).
"""

from __future__ import annotations

import hashlib

from vpdt.incoming import services as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.incoming.services.amendments import AMENDABLE
from vpdt.journal import services as journal

from .edxml.model import BusinessType
from .models import Direction, Message, MessageType

AMENDED = (BusinessType.UPDATE, BusinessType.REPLACE)


def registered_original(message: Message, package) -> IncomingDocument | None:
    """The incoming document this agency registered from the document ``package`` updates or replaces."""
    if package.business.doc_type not in AMENDED:
        return None
    about = [package.business.document_id, *(r.document_id for r in package.business.replacements)]
    earlier = (
        Message.objects.filter(
            direction=Direction.IN,
            kind=MessageType.EDOC,
            to_organ=message.to_organ,
            document_id__in=[d for d in about if d],
            incoming_id__isnull=False,
        )
        .exclude(pk=message.pk)
        .order_by("-id")
        .first()
    )
    return None if earlier is None else IncomingDocument.objects.get(pk=earlier.incoming_id)


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def apply_update(actor, message: Message, original: IncomingDocument, fields: dict, files, reason: str) -> list[str]:
    """Apply an update package to ``original``; the names of the fields it changed."""
    known = set(original.attachments.values_list("file__sha256", flat=True))
    new_files = [f for f in files if _sha256(f) not in known]
    changed = incoming.amend(
        actor,
        original,
        reason=reason,
        files=new_files,
        **{k: v for k, v in fields.items() if k in AMENDABLE and v not in (None, "")},
    )
    journal.record(
        "exchange.update_applied",
        actor=actor,
        obj=original,
        agency=original.agency,
        details={"document_id": message.document_id, "from": message.from_organ, "fields": changed},
    )
    return changed
