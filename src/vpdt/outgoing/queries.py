"""What the outgoing screens and the API read without changing anything: the document's trail, and the sender's
view of each recipient agency."""

from __future__ import annotations

from django.db.models import Q

from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry

from .models import OutgoingDocument, RecipientKind, ReviewStep


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
            "who": sentences.person(e.actor_repr) or "Hệ thống",
            "on_behalf_of": sentences.person(e.on_behalf_of_repr),
            "action": e.action,
            "label": e.label,
            "sentence": e.sentence,
            "details": e.details or {},
        }
        for e in rows
    ]


def sender_view(document: OutgoingDocument):
    """Each recipient agency with its delivery status, for the sender: inside the deployment, and in other systems
    (reached through the exchange by their OrganId; the same statuses come back from there)."""
    electronic = Q(kind=RecipientKind.AGENCY) | (Q(kind=RecipientKind.EXTERNAL) & ~Q(organ_id=""))
    return document.recipients.filter(electronic).select_related("agency", "incoming")
