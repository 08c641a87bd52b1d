"""Approving a draft with a signature made on the signer's own device (USB token, remote service): the purpose
"approval" of the client-side signing sessions (:mod:`vpdt.signing.external`), registered in
``OutgoingConfig.ready()``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from vpdt.delegation import services as delegation
from vpdt.signing import external
from vpdt.signing.models import SessionPurpose

from . import services, signatures
from .models import OutgoingDocument, StepStatus


def final_step_of(actor, document: OutgoingDocument):
    """The active step when it is the last of the round and the actor handles it (in person or delegated)."""
    step = services.active_step(document)
    if step is None:
        raise ValidationError("Dự thảo không ở bước duyệt nào nên không ký số được.", code="not_in_review")
    if step.reviewer_id != actor.pk and step.reviewer_id not in delegation.delegator_ids(actor, "approval"):
        raise PermissionDenied("Bạn không phải người duyệt ký của dự thảo này.")
    if document.steps.filter(round=document.review_round, status=StepStatus.WAITING).exists():
        raise ValidationError("Chỉ ký số ở bước duyệt cuối cùng (người ký).", code="not_final_step")
    return step


def signable(document: OutgoingDocument):
    found = signatures.signable_file(document)
    if found is None:
        raise ValidationError("Dự thảo chưa có tệp PDF để ký số. Người soạn thảo cần đính kèm bản PDF.", code="no_pdf")
    return found


def approve_signed(actor, document: OutgoingDocument, signed_pdf: bytes):
    """Approve the draft with the signed PDF; the approval stores the bytes once, as the SIGNED file."""
    services.approve(actor, document, signed_pdf=signed_pdf)
    return signatures.signed_file(document).file


def register() -> None:
    external.register_purpose(
        SessionPurpose.APPROVAL,
        external.Purpose(
            model=OutgoingDocument,
            check=final_step_of,
            source=signable,
            accept=approve_signed,
            url=services.document_url,
            fallback_url="outgoing:reviews",
        ),
    )
