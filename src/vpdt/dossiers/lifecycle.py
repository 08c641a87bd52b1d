"""The lifecycle of a work dossier — and who may act on it.

The ``allow`` rules on these transitions are the only place that decides who may act: the services check them
(``DOSSIER.check(dossier, name, actor=...)`` / ``apply``), and the screens and the API offer exactly
:func:`available_actions`. Keepers (the manage predicate: the person who keeps the dossier, the leaders of its
unit, the agency's clerks) edit, file documents, close and reopen; the agency's clerk receives it into the
archive (nộp lưu); the agency's administrators withdraw a filed document, with a reason.

Editing, filing and withdrawing a document keep the state: transitions without a target, checked, never applied.
"""

from __future__ import annotations

from vpdt.core.authz import manageable, permitted, scope_of
from vpdt.core.fsm import Machine, Transition
from vpdt.directory.models import Role

from .models import Dossier, DossierStatus

S = DossierStatus


def _keeper(dossier, actor) -> str | None:
    if manageable(Dossier.objects.filter(pk=dossier.pk), actor).exists():
        return None
    return "Chỉ người lập hồ sơ, lãnh đạo đơn vị lập hồ sơ hoặc văn thư cơ quan được thao tác trên hồ sơ này."


def _archivist(dossier, actor) -> str | None:
    scope = scope_of(actor)
    if scope.is_superuser or (scope.has_role(Role.CLERK) and scope.agency_id == dossier.agency_id):
        return None
    return "Chỉ văn thư cơ quan nhận hồ sơ nộp lưu."


def _withdrawer(dossier, actor) -> str | None:
    if permitted(Dossier.objects.filter(pk=dossier.pk), actor, "withdraw").exists():
        return None
    return (
        "Không được rút văn bản đã hoàn thành khỏi hồ sơ. Chỉ quản trị hệ thống của cơ quan được làm việc "
        "này, có ghi lý do."
    )


def _has_documents(dossier, **_context) -> str | None:
    if not dossier.items.filter(removed_at__isnull=True).exists():
        return "Hồ sơ chưa có văn bản nào, không thể kết thúc."
    return None


def _has_items(dossier, **_context) -> str | None:
    if not dossier.items.filter(removed_at__isnull=True).exists():
        return "Hồ sơ không có văn bản nào để rút."
    return None


DOSSIER = Machine(
    "status",
    [
        Transition("edit", {S.OPEN}, None, "Sửa hồ sơ", allow=_keeper),
        Transition("file", {S.OPEN}, None, "Đưa văn bản vào hồ sơ", allow=_keeper),
        Transition("close", {S.OPEN}, S.CLOSED, "Kết thúc hồ sơ", guard=_has_documents, allow=_keeper),
        Transition("reopen", {S.CLOSED}, S.OPEN, "Mở lại hồ sơ", allow=_keeper),
        Transition("archive", {S.CLOSED}, S.ARCHIVED, "Nộp lưu hồ sơ", allow=_archivist),
        # Until the dossier is archived.
        Transition(
            "remove_item", {S.OPEN, S.CLOSED}, None, "Rút văn bản khỏi hồ sơ", guard=_has_items, allow=_withdrawer
        ),
    ],
    action_prefix="dossier",
    choices=S,
)
# What the dossier's page and the API offer. Filing is offered on the document (the incoming document's
# ``file`` action, into the dossiers where ``file`` is allowed).
ACTIONS = ("edit", "close", "reopen", "archive", "remove_item")
TRANSITIONS = ("close", "reopen", "archive")


def available_actions(user, dossier: Dossier) -> set[str]:
    """What ``user`` may do with ``dossier`` now: the buttons of its page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()  # no actor means a system step to the machine: nobody is offered anything
    return {name for name in ACTIONS if DOSSIER.can(dossier, name, actor=user)}
