"""The lifecycle of a poll — and who may act on it.

đang lấy ý kiến (open) → đã kết thúc (closed): the poller closes it, or the system does once the deadline has
passed (``auto_close``, a system step: nobody is offered it). While it is open the people asked answer (until the
deadline) and may ask for more time with a reason (:data:`REQUEST`: the poller grants it with a new deadline, or
declines it with a reason); the poller extends the deadline. The poller and the agency's leaders read the results
and export them. Once closed, the poller asks to keep it longer and the agency's administrators keep it longer.

The ``allow`` rules below are the only place deciding who may act: services check them, screens and the API offer
exactly :func:`available_actions` (and :func:`request_actions` for a request for more time).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import manageable, permitted, scope_of
from vpdt.core.fsm import Machine, Transition

from .models import DeadlineRequest, Poll, PollStatus, RequestStatus, Respondent

S = PollStatus
EVER = {S.OPEN, S.CLOSED}
NOT_POLLER = _("Chỉ người lấy ý kiến được làm việc này.")


def _one(poll: Poll):
    return Poll.objects.filter(pk=poll.pk)


def _known(poll: Poll, actor, rule: str, ask) -> bool:
    """A rule's answer for this person, asked once per poll object (who someone is to a poll does not change with
    its state: a page asking for every action reads each rule once)."""
    answers = poll.__dict__.setdefault("_rule_answers", {})
    key = (rule, actor.pk)
    if key not in answers:
        answers[key] = ask()
    return answers[key]


def is_poller(poll: Poll, actor) -> bool:
    return _known(poll, actor, "poller", lambda: manageable(_one(poll), actor).exists())


def is_respondent(poll: Poll, actor) -> bool:
    return _known(
        poll,
        actor,
        "respondent",
        lambda: (
            scope_of(actor).agency_id == poll.agency_id
            and Respondent.objects.filter(poll_id=poll.pk, user_id=actor.pk).exists()
        ),
    )


# ------------------------------------------------------------------------------------------ who


def _poller(poll, actor) -> str | None:
    return None if is_poller(poll, actor) else NOT_POLLER


def _respondent(poll, actor) -> str | None:
    return None if is_respondent(poll, actor) else gettext("Bạn không thuộc phạm vi được lấy ý kiến của đợt này.")


def _results(poll, actor) -> str | None:
    if _known(poll, actor, "results", lambda: permitted(_one(poll), actor, "results").exists()):
        return None
    return gettext("Chỉ người lấy ý kiến và lãnh đạo cơ quan xem được kết quả.")


def _keeper(poll, actor) -> str | None:
    if _known(poll, actor, "extend", lambda: permitted(_one(poll), actor, "extend").exists()):
        return None
    return gettext("Chỉ quản trị hệ thống của cơ quan được gia hạn lưu đợt lấy ý kiến.")


# ------------------------------------------------------------------------------------------ when


def _before_deadline(poll, **_context) -> str | None:
    return gettext("Đợt lấy ý kiến đã hết hạn trả lời.") if timezone.now() > poll.deadline else None


def _deadline_passed(poll, **_context) -> str | None:
    return None if timezone.now() > poll.deadline else gettext("Đợt lấy ý kiến chưa hết hạn trả lời.")


def _may_ask_more_time(poll, actor=None, **_context) -> str | None:
    problem = _before_deadline(poll)
    if problem or actor is None:
        return problem
    if DeadlineRequest.objects.filter(poll_id=poll.pk, user_id=actor.pk, status=RequestStatus.PENDING).exists():
        return gettext("Bạn đã có đề nghị gia hạn trả lời đang chờ người lấy ý kiến trả lời.")
    return None


def _no_pending_retention(poll, **_context) -> str | None:
    return gettext("Đã có đề nghị gia hạn lưu đang chờ quản trị trả lời.") if poll.extension_requested_at else None


POLL = Machine(
    "status",
    [
        Transition("answer", {S.OPEN}, None, _("Cho ý kiến"), guard=_before_deadline, allow=_respondent),
        Transition(
            "ask_more_time", {S.OPEN}, None, _("Đề nghị gia hạn trả lời"), guard=_may_ask_more_time, allow=_respondent
        ),
        Transition("results", EVER, None, _("Xem kết quả"), allow=_results),
        Transition("export", EVER, None, _("Xuất bản tổng hợp"), allow=_results),
        Transition("extend_deadline", {S.OPEN}, None, _("Gia hạn trả lời"), allow=_poller),
        Transition("close", {S.OPEN}, S.CLOSED, _("Kết thúc lấy ý kiến"), allow=_poller),
        # The system's step (no actor): the deadline has passed.
        Transition("auto_close", {S.OPEN}, S.CLOSED, _("Tự động đóng khi hết hạn"), guard=_deadline_passed),
        Transition(
            "request_extension", {S.CLOSED}, None, _("Đề nghị gia hạn lưu"), guard=_no_pending_retention, allow=_poller
        ),
        Transition("extend", {S.CLOSED}, None, _("Gia hạn lưu"), allow=_keeper),
    ],
    action_prefix="polls",
    choices=S,
)
SYSTEM = {"auto_close"}
ACTIONS = tuple(t.name for t in POLL.transitions if t.name not in SYSTEM)


def available_actions(user, poll: Poll) -> set[str]:
    """What ``user`` may do with ``poll`` now: the buttons of its page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()  # no actor means a system step to the machine: nobody is offered anything
    return {name for name in ACTIONS if POLL.can(poll, name, actor=user)}


# ------------------------------------------------------------------------------------------ requests for more time

R = RequestStatus


def _request_poller(request: DeadlineRequest, actor) -> str | None:
    return _poller(request.poll, actor)


def _poll_open(request: DeadlineRequest, **_context) -> str | None:
    return None if request.poll.is_open else gettext("Đợt lấy ý kiến đã kết thúc.")


def _open_and_reason(request, *, reason: str = "", **_context) -> str | None:
    return _poll_open(request) or (None if (reason or "").strip() else gettext("Cần ghi lý do không gia hạn."))


REQUEST = Machine(
    "status",
    [
        Transition("grant", {R.PENDING}, R.GRANTED, _("Gia hạn trả lời"), guard=_poll_open, allow=_request_poller),
        Transition(
            "decline",
            {R.PENDING},
            R.DECLINED,
            _("Không gia hạn"),
            guard=_open_and_reason,
            allow=_request_poller,
        ),
        # The system's step: the poll ended with the request still waiting.
        Transition("lapse", {R.PENDING}, R.LAPSED, _("Hết hiệu lực")),
    ],
    action_prefix="polls.deadline_request",
    choices=R,
)
REQUEST_ACTIONS = ("grant", "decline")
INPUT_GUARDED = {"decline"}  # its guard reads the input (a reason), checked when taken


def request_actions(user, request: DeadlineRequest) -> set[str]:
    """What ``user`` may do with a request for more time now (the poll's page, ``actions`` of the API)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        name
        for name in REQUEST_ACTIONS
        if REQUEST.permits(request, name, user)
        and (REQUEST.can(request, name, actor=user) if name not in INPUT_GUARDED else not _poll_open(request))
    }
