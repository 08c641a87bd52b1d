"""What the outgoing screens and the API read without changing anything: what waits for a person (drafts to
review, opinions asked, returned drafts, documents to issue), the document's trail, and the sender's view of each
recipient agency."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from vpdt.core.authz import manageable, scope_of
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry

from .models import Consultation, OutgoingDocument, OutStatus, RecipientKind, ReviewStep, StepStatus


def to_review(user) -> QuerySet:
    """Review steps waiting for the person: theirs, or of a reviewer who delegated approval to them."""
    reviewers = scope_of(user).within("approval").person_ids
    return ReviewStep.objects.filter(reviewer_id__in=reviewers, status=StepStatus.ACTIVE).order_by("due_date", "id")


def opinions(user) -> QuerySet:
    """Opinions asked of the person (xin ý kiến) on a step still under review, not answered yet."""
    return Consultation.objects.filter(user=user, answered_at__isnull=True, step__status=StepStatus.ACTIVE).order_by(
        "id"
    )


def returned(user) -> QuerySet:
    """The person's drafts returned to them for revision: theirs to revise, nobody else's to review."""
    return OutgoingDocument.objects.filter(drafter=user, status=OutStatus.RETURNED).order_by("-updated_at", "-id")


def to_issue(user) -> QuerySet:
    """For the agency's clerks: approved documents waiting for a number and issuing."""
    scope = scope_of(user)
    if not scope.agency_id:
        return OutgoingDocument.objects.none()
    return manageable(OutgoingDocument, user).filter(agency_id=scope.agency_id, status=OutStatus.APPROVED)


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
