"""The lifecycles of outgoing documents and their review steps — and who may act on them. (The delivery to each
recipient agency is the exchange app's machine, :mod:`vpdt.exchange.lifecycle`.)

The ``allow`` rules on these transitions are the only place that decides who may act: the services check them
(``DOCUMENT.check(doc, name, actor=...)`` / ``apply``), and the screens and the API offer exactly
:func:`available_actions`.

Steps that keep the document's state (editing, revising, consulting, commenting, confirming) are transitions
without a target: they are checked, never applied.
"""

from __future__ import annotations

from vpdt.core.authz import permitted, scope_of
from vpdt.core.fsm import Machine, Transition
from vpdt.directory.models import Position, Role

from .models import OutgoingDocument, OutStatus, ReviewStep, StepStatus

S = OutStatus
EDITABLE = (S.DRAFTING, S.RETURNED)
COMMENTABLE = (S.DRAFTING, S.IN_REVIEW, S.RETURNED, S.APPROVED)


def is_agency_leader(user, agency_id: int) -> bool:
    """A leader of the agency in person (not by delegation)."""
    return (
        user is not None
        and Position.objects.filter(user=user, agency_id=agency_id, role=Role.LEADER, is_active=True).exists()
    )


def is_clerk(user, agency_id: int) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or (scope.has_role(Role.CLERK) and scope.agency_id == agency_id)


def reviewer_of(document: OutgoingDocument) -> int | None:
    """The main handler of the step waiting for a decision, if the draft is in review."""
    if document.status != S.IN_REVIEW or document.current_step_id is None:
        return None
    return (
        ReviewStep.objects.filter(pk=document.current_step_id, status=StepStatus.ACTIVE)
        .values_list("reviewer_id", flat=True)
        .first()
    )


def acts_for(user, person_id: int | None) -> bool:
    """The user is ``person_id`` or holds their delegation for approval (duyệt, ký) now."""
    return person_id is not None and person_id in scope_of(user).within("approval").person_ids


# --------------------------------------------------------------------------------------------- who may act


def _drafter(refusal: str):
    def allow(doc, actor) -> str | None:
        return None if actor.pk == doc.drafter_id else refusal

    return allow


def _reviewer(doc, actor) -> str | None:
    reviewer = reviewer_of(doc)
    if reviewer is None:
        return "Dự thảo không ở bước duyệt nào."
    return None if acts_for(actor, reviewer) else "Bạn không phải người xử lý chính của bước duyệt này."


def _reviser(doc, actor) -> str | None:
    if doc.status in EDITABLE:
        return None if actor.pk == doc.drafter_id else "Chỉ người soạn thảo được sửa dự thảo lúc này."
    return None if acts_for(actor, reviewer_of(doc)) else "Chỉ người đang duyệt dự thảo được sửa dự thảo lúc này."


def _clerk(doc, actor) -> str | None:
    return None if is_clerk(actor, doc.agency_id) else "Chỉ văn thư của cơ quan được cấp số, phát hành văn bản."


def _recaller(doc, actor) -> str | None:
    if is_clerk(actor, doc.agency_id) or is_agency_leader(actor, doc.agency_id):
        return None
    return "Chỉ lãnh đạo hoặc văn thư cơ quan ban hành được thu hồi văn bản."


def _in_record(doc, actor) -> str | None:
    if permitted(OutgoingDocument.objects.filter(pk=doc.pk), actor, "record").exists():
        return None
    return "Bạn không có quyền góp ý trên hồ sơ soạn thảo của văn bản này."


DOCUMENT = Machine(
    "status",
    [
        Transition(
            "submit", EDITABLE, S.IN_REVIEW, "Trình duyệt", allow=_drafter("Chỉ người soạn thảo được trình dự thảo.")
        ),
        Transition("return", {S.IN_REVIEW}, S.RETURNED, "Trả lại dự thảo", allow=_reviewer),
        # Đồng ý at any step; the document becomes approved at the last one.
        Transition("approve", {S.IN_REVIEW}, S.APPROVED, "Duyệt ký", allow=_reviewer),
        Transition("issue", {S.APPROVED}, S.ISSUED, "Phát hành", allow=_clerk),
        Transition("recall", {S.ISSUED}, S.RECALLED, "Thu hồi", allow=_recaller),
        Transition(
            "cancel", EDITABLE, S.CANCELLED, "Hủy dự thảo", allow=_drafter("Chỉ người soạn thảo được hủy dự thảo.")
        ),
        Transition(
            "edit",
            EDITABLE,
            None,
            "Sửa thông tin dự thảo",
            allow=_drafter("Chỉ người soạn thảo được sửa thông tin dự thảo."),
        ),
        Transition("revise", {*EDITABLE, S.IN_REVIEW}, None, "Sửa dự thảo", allow=_reviser),
        Transition("consult", {S.IN_REVIEW}, None, "Xin ý kiến", allow=_reviewer),
        Transition("comment", COMMENTABLE, None, "Góp ý", allow=_in_record),
        Transition(
            "confirm",
            {S.ISSUED},
            None,
            "Xác nhận số, ngày văn bản",
            allow=_drafter("Chỉ người soạn thảo xác nhận số, ngày văn bản."),
        ),
    ],
    action_prefix="outgoing",
    choices=S,
)

T = StepStatus
STEP = Machine(
    "status",
    [
        Transition("activate", {T.WAITING}, T.ACTIVE, "Chuyển đến bước duyệt"),
        Transition("approve", {T.ACTIVE}, T.APPROVED, "Đồng ý"),
        Transition("return", {T.ACTIVE}, T.RETURNED, "Trả lại"),
        Transition("cancel", {T.WAITING, T.ACTIVE}, T.CANCELLED, "Hủy bước"),
    ],
    action_prefix="outgoing.step",
    choices=T,
)


def available_actions(user, document: OutgoingDocument) -> set[str]:
    """What ``user`` may do with ``document`` now: the buttons of the screens, ``actions`` of the API."""
    return set(DOCUMENT.available(document, user))


def answer_refusal(user, consultation) -> str | None:
    """Why ``user`` may not answer a request for their opinion now, or None."""
    if consultation.user_id != user.pk:
        return "Đây không phải yêu cầu xin ý kiến của bạn."
    if consultation.answered_at is not None:
        return "Bạn đã cho ý kiến."
    if consultation.step.status != StepStatus.ACTIVE:
        return "Bước duyệt đã có quyết định, không cho ý kiến được nữa."
    return None
