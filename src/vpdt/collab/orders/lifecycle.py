"""The lifecycle of a task — and who may act on it.

giao (assigned) → tiếp nhận (accepted) → đang thực hiện (in progress, from the first progress report) → chờ đánh
giá (review) → hoàn thành (done); the lead may return (trả lại) a task they have not started, with a reason, and the
assigner gives it again; the assigner sends a submitted result back with a reason. Extensions (gia hạn): the lead
asks, the assigner grants or refuses. Follow-ups (đôn đốc): the assigner, while the task is open. Sub-tasks: the
head of the lead unit delegates part of the task to a person of the unit.

The ``allow`` rules below are the only place deciding who may act: services check them, screens and the API offer
exactly :func:`available_actions`.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import scope_of
from vpdt.core.fsm import Machine, Transition

from .models import OPEN_STATUSES, Task, TaskStatus

S = TaskStatus
WORKING = {S.ACCEPTED, S.IN_PROGRESS}


def is_assigner(task: Task, actor) -> bool:
    return actor is not None and actor.pk == task.assigner_id


def is_lead(task: Task, actor) -> bool:
    if actor is None or not actor.pk:
        return False
    if task.lead_user_id:
        return actor.pk == task.lead_user_id
    scope = scope_of(actor)
    return scope.agency_id == task.agency_id and task.lead_unit_id in scope.led_unit_ids


def _assigner(task, actor) -> str | None:
    return None if is_assigner(task, actor) else gettext("Chỉ người giao nhiệm vụ được làm việc này.")


def _lead(task, actor) -> str | None:
    if is_lead(task, actor):
        return None
    return gettext("Chỉ người chủ trì (hoặc lãnh đạo đơn vị chủ trì) nhiệm vụ được làm việc này.")


def _unit_head(task, actor) -> str | None:
    if task.lead_unit_id and is_lead(task, actor):
        return None
    return gettext("Chỉ lãnh đạo đơn vị chủ trì được giao tiếp nhiệm vụ con cho người trong đơn vị.")


def _reason(task, *, reason: str = "", **_context) -> str | None:
    return None if (reason or "").strip() else gettext("Cần ghi lý do.")


def _no_pending_extension(task, **_context) -> str | None:
    return gettext("Đã có đề nghị gia hạn đang chờ người giao trả lời.") if task.extension_until else None


def _pending_extension(task, **_context) -> str | None:
    return None if task.extension_until else gettext("Không có đề nghị gia hạn nào đang chờ.")


TASK = Machine(
    "status",
    [
        Transition("accept", {S.ASSIGNED}, S.ACCEPTED, _("Tiếp nhận nhiệm vụ"), allow=_lead),
        Transition("return", {S.ASSIGNED, S.ACCEPTED}, S.RETURNED, _("Trả lại nhiệm vụ"), guard=_reason, allow=_lead),
        Transition("report", WORKING, S.IN_PROGRESS, _("Báo cáo tiến độ"), allow=_lead),
        Transition("submit", WORKING, S.REVIEW, _("Trình kết quả"), allow=_lead),
        Transition("complete", {S.REVIEW}, S.DONE, _("Đánh giá hoàn thành"), allow=_assigner),
        Transition("send_back", {S.REVIEW}, S.IN_PROGRESS, _("Trả lại kết quả"), guard=_reason, allow=_assigner),
        Transition("reassign", {S.RETURNED}, S.ASSIGNED, _("Giao lại nhiệm vụ"), allow=_assigner),
        Transition("request_extension", WORKING, None, _("Đề nghị gia hạn"), guard=_no_pending_extension, allow=_lead),
        Transition(
            "grant_extension", set(OPEN_STATUSES), None, _("Gia hạn"), guard=_pending_extension, allow=_assigner
        ),
        Transition(
            "refuse_extension", set(OPEN_STATUSES), None, _("Không gia hạn"), guard=_pending_extension, allow=_assigner
        ),
        Transition("follow_up", set(OPEN_STATUSES), None, _("Đôn đốc"), allow=_assigner),
        Transition("delegate", WORKING, None, _("Giao nhiệm vụ con"), allow=_unit_head),
    ],
    action_prefix="orders.task",
    choices=S,
)
ACTIONS = tuple(t.name for t in TASK.transitions)
INPUT_GUARDED = {"return", "send_back"}  # their guard reads the input (a reason), checked when taken


def available_actions(user, task: Task) -> set[str]:
    """What ``user`` may do with ``task`` now: the buttons of its page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        name
        for name in ACTIONS
        if TASK.permits(task, name, user) and (name in INPUT_GUARDED or TASK.can(task, name, actor=user))
    }
