"""The lifecycle of a calendar entry — and who may act on it.

đăng ký (chờ duyệt) → đã duyệt, or từ chối (with a reason); chờ duyệt or đã duyệt → hủy (with a reason). Editing an
entry (its time, room, people) sends it back to chờ duyệt, also after a refusal: the keeper looks at it again.

* The keepers of the entry's calendar (:mod:`.rights`) approve, refuse and cancel.
* Whoever registered the entry, and its chair, edit it and cancel it.

The ``allow`` rules below are the only place deciding who may act: services check them, screens and the API offer
exactly :func:`available_actions`.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import scope_of
from vpdt.core.fsm import Machine, Transition

from . import rights
from .models import Entry, EntryStatus

S = EntryStatus


def is_keeper(entry: Entry, actor) -> bool:
    if actor is None or not getattr(actor, "pk", None):
        return False
    return rights.keeps(
        scope_of(actor), entry.agency_id, entry.calendar_kind, entry.calendar_unit_id, entry.calendar_leader_id
    )


def is_owner(entry: Entry, actor) -> bool:
    return actor is not None and actor.pk in (entry.created_by_id, entry.chair_id)


def _keeper(entry, actor) -> str | None:
    if is_keeper(entry, actor):
        return None
    return gettext(
        "Chỉ người quản lý lịch này (văn phòng, lãnh đạo hoặc người được giao quyền quản lý lịch) được làm việc này."
    )


def _owner_or_keeper(entry, actor) -> str | None:
    if is_owner(entry, actor) or is_keeper(entry, actor):
        return None
    return gettext("Chỉ người đăng ký, người chủ trì hoặc người quản lý lịch được làm việc này.")


def _reason(entry, *, reason: str = "", **_context) -> str | None:
    return None if (reason or "").strip() else gettext("Cần ghi lý do.")


ENTRY = Machine(
    "status",
    [
        Transition("approve", {S.PENDING}, S.APPROVED, _("Duyệt lịch"), allow=_keeper),
        Transition("refuse", {S.PENDING}, S.REFUSED, _("Từ chối lịch"), guard=_reason, allow=_keeper),
        Transition(
            "cancel", {S.PENDING, S.APPROVED}, S.CANCELLED, _("Hủy lịch"), guard=_reason, allow=_owner_or_keeper
        ),
        Transition("edit", {S.PENDING, S.APPROVED, S.REFUSED}, S.PENDING, _("Sửa lịch"), allow=_owner_or_keeper),
    ],
    action_prefix="calendar.entry",
    choices=S,
)
ACTIONS = tuple(t.name for t in ENTRY.transitions)
INPUT_GUARDED = {"refuse", "cancel"}  # their guard reads the input (a reason), checked when taken


def available_actions(user, entry: Entry) -> set[str]:
    """What ``user`` may do with ``entry`` now: the buttons of its page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        name
        for name in ACTIONS
        if ENTRY.permits(entry, name, user) and (name in INPUT_GUARDED or ENTRY.can(entry, name, actor=user))
    }
