"""What the outgoing screens and the API read without changing anything: the document's trail."""

from __future__ import annotations

from django.db.models import Q

from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry

from .models import OutgoingDocument, ReviewStep


def trail(document: OutgoingDocument) -> list[dict]:
    """Journal entries of the document and of its review steps, in journal order."""
    step_ids = [str(pk) for pk in document.steps.values_list("pk", flat=True)]
    cond = Q(object_type=OutgoingDocument._meta.label_lower, object_id=str(document.pk))
    if step_ids:
        cond |= Q(object_type=ReviewStep._meta.label_lower, object_id__in=step_ids)
    rows = sentences.annotate(JournalEntry.objects.filter(cond).order_by("seq"), visible=True)
    return [
        {
            "seq": e.seq,
            "when": e.created_at,
            "who": e.actor_repr or "Hệ thống",
            "on_behalf_of": e.on_behalf_of_repr or "",
            "action": e.action,
            "label": e.label,
            "sentence": e.sentence,
            "details": e.details or {},
        }
        for e in rows
    ]
