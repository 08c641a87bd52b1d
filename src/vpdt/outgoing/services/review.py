"""The review chain of an outgoing draft (SPEC §3): the plan, submission, approval or return at each step,
consultations, and cancelling a draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.catalog.models import URGENT_LEVELS
from vpdt.core.workdays import add_working_days
from vpdt.delegation import services as delegation
from vpdt.directory import members
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify

from .. import signatures
from ..lifecycle import DOCUMENT, STEP, answer_refusal
from ..models import Consultation, OutgoingDocument, ReviewChain, ReviewStep, StepKind, StepStatus
from .drafting import (
    SIGNER_MESSAGE,
    SIGNER_ROLES,
    active_step,
    latest_version,
    lock_document,
    reviewer_principal,
    unit_leaders,
)

T = StepStatus
DEFAULT_STEPS = [
    (StepKind.UNIT_LEADER, "Lãnh đạo đơn vị soạn thảo duyệt nội dung"),
    (StepKind.SIGNER, "Lãnh đạo cơ quan duyệt ký"),
]


def chain_for(agency_id: int, doc_type_id: int) -> ReviewChain | None:
    chains = ReviewChain.objects.filter(agency_id=agency_id, is_active=True).filter(
        Q(doc_type_id=doc_type_id) | Q(doc_type__isnull=True)
    )
    return sorted(chains, key=lambda c: c.doc_type_id is None)[0] if chains else None


@dataclass
class PlannedStep:
    order: int
    label: str
    kind: str
    reviewer: User | None
    days: int = 3
    skipped_reason: str = ""
    notes: list = field(default_factory=list)


def plan(document: OutgoingDocument) -> list[PlannedStep]:
    """The steps a submission would go through, with their reviewers (before anything is written)."""
    chain = chain_for(document.agency_id, document.doc_type_id)
    default_days = getattr(settings, "VPDT_REVIEW_DAYS", 3)
    templates = (
        [(s.kind, s.label, s.user, s.days) for s in chain.steps.select_related("user")]
        if chain
        else [(kind, label, None, default_days) for kind, label in DEFAULT_STEPS]
    )
    planned = []
    for order, (kind, label, user, days) in enumerate(templates, start=1):
        step = PlannedStep(order=order, label=label, kind=kind, reviewer=None, days=days)
        if kind == StepKind.UNIT_LEADER:
            leaders = [u for u in unit_leaders(document.unit) if u.pk != document.drafter_id]
            if document.drafter_id in [u.pk for u in unit_leaders(document.unit)]:
                step.skipped_reason = "Người soạn thảo là lãnh đạo đơn vị."
            elif not leaders:
                step.skipped_reason = "Đơn vị soạn thảo chưa có lãnh đạo."
            else:
                step.reviewer = leaders[0]
        elif kind == StepKind.USER:
            step.reviewer = user
        elif kind == StepKind.SIGNER:
            step.reviewer = document.signer
        planned.append(step)
    return planned


def _due(document, days: int):
    days = 1 if document.urgency in URGENT_LEVELS else days
    return add_working_days(timezone.localdate(), days)


def _activate(step: ReviewStep, actor) -> None:
    step.started_at = timezone.now()
    step.due_date = _due(step.document, step.days)
    STEP.apply(
        step,
        "activate",
        actor=actor,
        extra_fields=["started_at", "due_date"],
        details={"document": step.document_id, "reviewer": step.reviewer_id},
    )
    document = step.document
    notify(
        [step.reviewer],
        "outgoing.review_requested",
        topic=topics.WORK,
        target=document,
        text=f"Dự thảo chờ bạn duyệt ({step.label}): {document.subject}. Hạn: {step.due_date:%d/%m/%Y}",
    )


def _check_reviewers(document: OutgoingDocument, steps: list[PlannedStep]) -> None:
    """Everyone the chain names is still with the agency: a chain's person or the signer may have left since."""
    for step in steps:
        if step.reviewer is None:
            continue
        if step.kind == StepKind.SIGNER:
            if not members.is_member(step.reviewer, document.agency_id, roles=SIGNER_ROLES):
                raise ValidationError({"signer": SIGNER_MESSAGE})
        elif not members.is_member(step.reviewer, document.agency_id):
            who = step.reviewer.full_name or step.reviewer.username
            raise ValidationError(
                f"Bước “{step.label}”: {who} không còn công tác tại cơ quan (hoặc tài khoản đã bị "
                "khóa). Quản trị cần sửa quy trình duyệt.",
                code="not_member",
            )


def submit(actor, document: OutgoingDocument) -> OutgoingDocument:
    """The drafter submits (again, after a return): a new round of the chain starts at its first step."""
    with transaction.atomic():
        locked = lock_document(document)
        DOCUMENT.check(locked, "submit", actor=actor)
        if locked.signer_id is None:
            raise ValidationError({"signer": "Chọn người ký trước khi trình."})
        steps = plan(locked)
        missing = [s.label for s in steps if s.reviewer is None and not s.skipped_reason]
        if missing:
            raise ValidationError(f"Chưa xác định được người xử lý cho bước: {', '.join(missing)}.")
        if not any(s.reviewer for s in steps):
            raise ValidationError("Quy trình duyệt không có bước nào.")
        _check_reviewers(locked, steps)
        locked.review_round += 1
        DOCUMENT.apply(
            locked,
            "submit",
            actor=actor,
            extra_fields=["review_round", "updated_at"],
            details={"round": locked.review_round, "version": latest_version(locked).number},
        )
        created = []
        for planned in steps:
            if planned.reviewer is None:
                journal.record(
                    "outgoing.step.skip",
                    actor=actor,
                    obj=locked,
                    agency=locked.agency,
                    details={"label": planned.label, "reason": planned.skipped_reason},
                )
                continue
            step = ReviewStep.objects.create(
                document=locked,
                round=locked.review_round,
                order=planned.order,
                label=planned.label,
                kind=planned.kind,
                reviewer=planned.reviewer,
                days=planned.days,
            )
            created.append(step)
        first = created[0]
        first.document = locked
        _activate(first, actor)
        locked.current_step = first
        locked.save(update_fields=["current_step"])
    return locked


def _require_reviewer(actor, document: OutgoingDocument, action: str) -> ReviewStep:
    """The active step, when ``actor`` may take ``action`` on it (the document's machine decides)."""
    DOCUMENT.authorize(document, action, actor)
    step = active_step(document)
    if step is None:
        raise ValidationError("Dự thảo không ở bước duyệt nào.", code="not_in_review")
    return step


@delegation.acting("approval", reviewer_principal)
def approve(
    actor,
    document: OutgoingDocument,
    *,
    comment: str = "",
    disagreement: str = "",
    passphrase=None,
    signed_pdf: bytes | None = None,
) -> OutgoingDocument:
    """Đồng ý và chuyển tiếp; at the last step (the signer), the draft is approved for issue.

    At that last step the signer may sign digitally: with ``passphrase`` (server-side, the actor's own personal
    certificate, also when approving for a delegator) or with ``signed_pdf`` (client-side, verified by the
    caller). The signed PDF is stored as the SIGNED file in the same transaction; a signing failure raises
    ``ValidationError`` and the draft stays in review."""
    signing_wanted = bool(passphrase) or signed_pdf is not None
    with transaction.atomic():
        locked = lock_document(document)
        step = _require_reviewer(actor, locked, "approve")
        step.comment = (comment or "").strip()
        step.disagreement = (disagreement or "").strip()
        step.decided_at = timezone.now()
        step.decided_by = actor
        STEP.apply(
            step,
            "approve",
            actor=actor,
            extra_fields=["comment", "disagreement", "decided_at", "decided_by"],
            details={"document": locked.pk, "comment": step.comment, "disagreement": step.disagreement},
        )
        following = locked.steps.filter(round=locked.review_round, status=T.WAITING).order_by("order").first()
        if following is not None and signing_wanted:
            raise ValidationError(
                {"passphrase": "Chỉ ký số ở bước duyệt ký cuối cùng (người ký văn bản)."}, code="not_final"
            )
        if following is not None:
            following.document = locked
            _activate(following, actor)
            locked.current_step = following
            locked.save(update_fields=["current_step", "updated_at"])
            return locked
        version = latest_version(locked)
        details = {"version": version.number}
        if signing_wanted:
            signed = signatures.sign_at_approval(actor, locked, version, passphrase=passphrase, signed_pdf=signed_pdf)
            details.update(signed=True, sha256=signed.file.sha256, client_side=signed_pdf is not None)
        locked.current_step = None
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        DOCUMENT.apply(
            locked,
            "approve",
            actor=actor,
            authorized=True,
            extra_fields=["current_step", "approved_by", "approved_at", "updated_at"],
            details=details,
        )
        notify(
            [locked.drafter],
            "outgoing.approved",
            topic=topics.NEWS,
            target=locked,
            text=f"Dự thảo đã được duyệt ký, chờ văn thư phát hành: {locked.subject}",
        )
        clerks = User.objects.filter(
            positions__agency=locked.agency, positions__role=Role.CLERK, positions__is_active=True, is_active=True
        ).distinct()
        notify(
            clerks,
            "outgoing.to_issue",
            topic=topics.WORK,
            target=locked,
            text=f"Văn bản chờ cấp số, phát hành: {locked.subject}",
        )
    return locked


@delegation.acting("approval", reviewer_principal)
def return_draft(actor, document: OutgoingDocument, *, comment: str) -> OutgoingDocument:
    """Trả lại người soạn thảo, with the reason; the rest of the round is cancelled."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Ghi rõ lý do trả lại, nội dung cần sửa."})
    with transaction.atomic():
        locked = lock_document(document)
        step = _require_reviewer(actor, locked, "return")
        step.comment = comment
        step.decided_at = timezone.now()
        step.decided_by = actor
        STEP.apply(
            step,
            "return",
            actor=actor,
            extra_fields=["comment", "decided_at", "decided_by"],
            details={"document": locked.pk, "comment": comment},
        )
        for waiting in locked.steps.filter(round=locked.review_round, status=T.WAITING):
            STEP.apply(waiting, "cancel", actor=actor, details={"document": locked.pk})
        locked.current_step = None
        DOCUMENT.apply(
            locked,
            "return",
            actor=actor,
            authorized=True,
            extra_fields=["current_step", "updated_at"],
            details={"step": step.label, "comment": comment},
        )
        notify(
            [locked.drafter],
            "outgoing.returned",
            topic=topics.WORK,
            target=locked,
            text=f"Dự thảo bị trả lại ({step.label}): {comment}",
        )
    return locked


@delegation.acting("approval", reviewer_principal)
def consult(actor, document: OutgoingDocument, users: list[User], *, question: str = "") -> list[Consultation]:
    """The main handler of the active step asks others for an opinion (they are notified)."""
    with transaction.atomic():
        locked = lock_document(document)
        step = _require_reviewer(actor, locked, "consult")
        users = [u for u in users if u.pk != actor.pk]
        if not users:
            raise ValidationError({"users": "Chọn người cần xin ý kiến."})
        if any(not members.is_member(u, locked.agency_id) for u in users):
            raise ValidationError({"users": "Chỉ xin ý kiến người đang công tác trong cơ quan."})
        created = []
        for user in users:
            consultation, made = Consultation.objects.get_or_create(
                step=step, user=user, defaults={"requested_by": actor}
            )
            if made:
                created.append(consultation)
        journal.record(
            "outgoing.consult",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"step": step.pk, "users": [u.pk for u in users], "question": question[:500]},
        )
        text = f"Xin ý kiến về dự thảo: {locked.subject}"
        if question:
            text += f" — {question}"
        notify([c.user for c in created], "outgoing.consulted", text=text, topic=topics.WORK, target=locked)
    return created


def answer(actor, consultation: Consultation, opinion: str) -> Consultation:
    opinion = (opinion or "").strip()
    if consultation.user_id != actor.pk:
        raise PermissionDenied("Đây không phải yêu cầu xin ý kiến của bạn.")
    if not opinion:
        raise ValidationError({"opinion": "Nội dung ý kiến là bắt buộc."})
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("step__document").get(pk=consultation.pk)
        problem = answer_refusal(actor, locked)
        if problem:
            raise ValidationError(problem, code="closed")
        locked.opinion = opinion[:5000]
        locked.answered_at = timezone.now()
        locked.save(update_fields=["opinion", "answered_at"])
        document = locked.step.document
        journal.record(
            "outgoing.consult_answer",
            actor=actor,
            obj=document,
            agency=document.agency,
            details={"step": locked.step_id, "opinion": locked.opinion[:500]},
        )
        notify(
            [locked.step.reviewer],
            "outgoing.consult_answered",
            topic=topics.NEWS,
            target=document,
            text=f"{actor.full_name} đã cho ý kiến về dự thảo: {document.subject}",
        )
    return locked


def cancel(actor, document: OutgoingDocument, reason: str = "") -> OutgoingDocument:
    with transaction.atomic():
        locked = lock_document(document)
        DOCUMENT.apply(locked, "cancel", actor=actor, details={"reason": (reason or "").strip()[:500]})
    return locked
