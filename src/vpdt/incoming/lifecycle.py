"""The lifecycles of incoming documents and of their assignments — and who may act on them.

The ``allow`` rules on these transitions are the only place that decides who may act: the services check them
(``DOCUMENT.check(doc, name, actor=...)``, ``ASSIGNMENT.check`` / ``apply``), and the screens and the API offer
exactly :func:`available_actions` (for a document) and :func:`assignment_actions` (for one assignment). The
guards check what does not depend on the input (an assignment's kind, the document's state); the services check
the input itself. So an action is offered exactly when the service accepts it with valid input.

Who acts on incoming work under a delegation is read from ``scope_of(user).within("incoming")``: a person to whom
a leader delegated only approval (duyệt, ký) gains nothing here.

Steps that keep the state (asking for a reply, filing, giving work to a unit's staff, recording progress) are
transitions without a target: they are checked, never applied. Steps that follow from others (the document
starts, completes or returns to the leader with its lead assignment; a withdrawal closes every assignment) have
no ``allow``: the action that causes them was checked.
"""

from __future__ import annotations

from collections.abc import Callable

from vpdt.core.authz import scope_of, visible
from vpdt.core.fsm import Machine, Transition
from vpdt.directory import members
from vpdt.directory.models import Role

from .models import AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument

S = DocStatus
LIVE = (S.REGISTERED, S.SUBMITTED, S.DIRECTED, S.IN_PROGRESS, S.COMPLETED)
PROCESSING = (S.DIRECTED, S.IN_PROGRESS)

A = AssignmentStatus
OPEN = (A.PENDING, A.IN_PROGRESS)


# --------------------------------------------------------------------------------------------- who may act


def clerk_refusal(user, agency_id: int | None, work: str = "vào sổ văn bản đến") -> str | None:
    """Why ``user`` is not a clerk of the agency (registration, submission, withdrawal), or None."""
    scope = scope_of(user)
    if agency_id is not None and (scope.is_superuser or (scope.agency_id == agency_id and scope.has_role(Role.CLERK))):
        return None
    return f"Chỉ văn thư của cơ quan được {work}."


def may_register(user) -> bool:
    """The user registers incoming documents of their own agency."""
    return clerk_refusal(user, getattr(user, "agency_id", None)) is None


def may_print_registers(user) -> bool:
    """The user prints the agency's incoming registers (sổ đăng ký, sổ theo dõi giải quyết): its clerks and
    leaders, who read all of its incoming documents."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.agency_id and scope.has_role(Role.CLERK, Role.LEADER))


def acts_for(user, person_id: int | None) -> bool:
    """The user is ``person_id`` or holds their delegation for incoming documents now."""
    return person_id is not None and person_id in scope_of(user).within("incoming").person_ids


def leads(user, unit_id: int | None) -> bool:
    """The user leads the unit, in person or under a delegation for incoming documents."""
    return unit_id is not None and unit_id in scope_of(user).within("incoming").led_unit_ids


def _unit_of(assignment) -> int | None:
    """The unit an assignment belongs to: its own, or for a staff member's part the unit that gave it."""
    if assignment.unit_id:
        return assignment.unit_id
    return assignment.parent.unit_id if assignment.parent_id else None


def _submitter(doc, actor) -> str | None:
    return clerk_refusal(actor, doc.agency_id, "trình văn bản đến")


def _withdrawer(doc, actor) -> str | None:
    return clerk_refusal(actor, doc.agency_id, "xác nhận thu hồi văn bản đến")


def _director(doc, actor) -> str | None:
    """A leader of the document's agency, in person or as delegate for incoming documents (the leader the
    document was submitted to, or another leader of the agency)."""
    scope = scope_of(actor).within("incoming")
    if scope.agency_id == doc.agency_id and scope.has_role(Role.LEADER):
        return None
    return "Chỉ lãnh đạo cơ quan (hoặc người được ủy quyền xử lý văn bản đến) được cho ý kiến chỉ đạo."


def _reader(doc, actor) -> str | None:
    if visible(IncomingDocument.objects.filter(pk=doc.pk), actor).exists():
        return None
    return "Bạn không có quyền với văn bản này."


def _drafter(doc, actor) -> str | None:
    if scope_of(actor).agency_id is None:
        return "Tài khoản chưa thuộc cơ quan nào nên không soạn được văn bản."
    return _reader(doc, actor)


def _handler(assignment, actor) -> str | None:
    """The assignee (or their delegate); for a unit's assignment, the unit's leader (or their delegate)."""
    if assignment.user_id:
        ok = acts_for(actor, assignment.user_id)
    else:
        ok = leads(actor, assignment.unit_id)
    if ok:
        return None
    return "Chỉ người được giao xử lý (hoặc lãnh đạo đơn vị được giao, người được ủy quyền) được làm việc này."


def _unit_leader(assignment, actor) -> str | None:
    if leads(actor, _unit_of(assignment)):
        return None
    return "Chỉ lãnh đạo đơn vị (hoặc người được ủy quyền) được giao việc, chuyển việc cho cán bộ của đơn vị."


# --------------------------------------------------------------------------------------------- preconditions


def _has_leader(doc, **_context) -> str | None:
    if members.members(doc.agency_id, roles=(Role.LEADER,)).exists():
        return None
    return "Cơ quan chưa có lãnh đạo nào đang công tác để trình văn bản."


def _needs_reply(doc, **_context) -> str | None:
    return None if doc.needs_reply else "Văn bản này không có yêu cầu phúc đáp."


# Where a completed document may be filed: functions ``(actor, doc) -> bool`` registered by the apps that keep
# records in their AppConfig.ready() (the dossiers app: an open dossier of the actor's not holding it yet).
_filing_places: list[Callable] = []


def register_filing_place(has_place: Callable) -> None:
    _filing_places.append(has_place)


def _fileable(doc, actor=None, **_context) -> str | None:
    if doc.status != S.COMPLETED:
        return "Chỉ văn bản đã hoàn thành xử lý mới được đưa vào hồ sơ."
    if actor is None:
        return None
    if any(has_place(actor, doc) for has_place in _filing_places):
        return None
    return "Bạn chưa có hồ sơ đang lập nào để đưa văn bản vào."


def _processing(assignment) -> str | None:
    document = assignment.document
    if document.status in PROCESSING:
        return None
    return f"Văn bản đang ở trạng thái “{document.get_status_display()}”, không thể xử lý."


def _unit_work(assignment, **_context) -> str | None:
    if assignment.unit_id is None:
        return "Chỉ phân công tiếp được phân công giao cho đơn vị."
    return _processing(assignment)


def _work(assignment, **_context) -> str | None:
    if assignment.role == AssignmentRole.INFORM:
        return "Văn bản gửi để biết, không ghi tiến độ hay đề xuất."
    return _processing(assignment)


def _completable(assignment, **_context) -> str | None:
    if assignment.role == AssignmentRole.INFORM:
        return "Văn bản gửi để biết chỉ cần đánh dấu đã đọc."
    problem = _processing(assignment)
    if problem:
        return problem
    if assignment.unit_id and assignment.children.filter(status__in=OPEN).exists():
        return "Còn cán bộ của đơn vị chưa hoàn thành phần việc được giao."
    return None


def _for_information(assignment, **_context) -> str | None:
    if assignment.role != AssignmentRole.INFORM:
        return "Chỉ văn bản gửi để biết mới đánh dấu đã đọc."
    return None


def _top_level(assignment, **_context) -> str | None:
    if assignment.parent_id is not None:
        return "Chỉ trả lại được phân công do lãnh đạo cơ quan giao."
    if assignment.role == AssignmentRole.INFORM:
        return "Văn bản gửi để biết chỉ cần đánh dấu đã đọc, không trả lại."
    return _processing(assignment)


def _staff_work(assignment, **_context) -> str | None:
    if assignment.parent_id is None or assignment.user_id is None or assignment.parent.unit_id is None:
        return "Chỉ chuyển được phân công cán bộ trong đơn vị."
    return _processing(assignment)


# --------------------------------------------------------------------------------------------- machines

DOCUMENT = Machine(
    "status",
    [
        Transition("submit", {S.REGISTERED}, S.SUBMITTED, "Trình lãnh đạo", guard=_has_leader, allow=_submitter),
        Transition("direct", {S.SUBMITTED}, S.DIRECTED, "Cho ý kiến chỉ đạo", allow=_director),
        Transition("start", {S.DIRECTED}, S.IN_PROGRESS, "Bắt đầu xử lý"),
        Transition("complete", PROCESSING, S.COMPLETED, "Hoàn thành xử lý"),
        Transition("reopen", PROCESSING, S.SUBMITTED, "Trả lại lãnh đạo cơ quan"),
        Transition("withdraw", LIVE, S.WITHDRAWN, "Thu hồi theo yêu cầu nơi gửi", allow=_withdrawer),
        Transition("request_reply", LIVE, None, "Yêu cầu soạn văn bản trả lời", guard=_needs_reply, allow=_reader),
        Transition("draft_reply", LIVE, None, "Soạn văn bản trả lời", allow=_drafter),
        # Any state: the guard says why only a completed document is filed.
        Transition("file", S.values, None, "Đưa vào hồ sơ", guard=_fileable, allow=_reader),
    ],
    action_prefix="incoming",
    choices=S,
)
# What the document's page and the API offer. A withdrawal is confirmed from the sender's recall request
# (the confirm_recall step of vpdt.exchange.lifecycle.DELIVERY), not offered on the document.
DOCUMENT_ACTIONS = ("submit", "direct", "request_reply", "draft_reply", "file")

ASSIGNMENT = Machine(
    "status",
    [
        Transition("start", {A.PENDING}, A.IN_PROGRESS, "Bắt đầu xử lý"),
        Transition("distribute", OPEN, None, "Giao cán bộ xử lý", guard=_unit_work, allow=_unit_leader),
        Transition("note", OPEN, None, "Ghi ý kiến", guard=_work, allow=_handler),
        Transition("complete", OPEN, A.DONE, "Hoàn thành", guard=_completable, allow=_handler),
        Transition("read", OPEN, A.DONE, "Đánh dấu đã đọc", guard=_for_information, allow=_handler),
        Transition("return", OPEN, A.RETURNED, "Trả lại", guard=_top_level, allow=_handler),
        Transition("reassign", OPEN, A.REASSIGNED, "Chuyển người khác", guard=_staff_work, allow=_unit_leader),
        Transition("withdraw", OPEN, A.RETURNED, "Thu hồi theo yêu cầu nơi gửi"),
    ],
    action_prefix="incoming.assignment",
    choices=A,
)
ASSIGNMENT_ACTIONS = ("distribute", "note", "complete", "read", "return", "reassign")


def available_actions(user, document: IncomingDocument) -> set[str]:
    """What ``user`` may do with ``document`` now: the buttons of its page, ``actions`` of the API."""
    if not getattr(user, "is_authenticated", False):
        return set()  # no actor means a system step to the machine: nobody is offered anything
    return {name for name in DOCUMENT_ACTIONS if DOCUMENT.can(document, name, actor=user)}


def assignment_actions(user, assignment) -> set[str]:
    """What ``user`` may do with one assignment now (``assignment.document`` is the current document)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {name for name in ASSIGNMENT_ACTIONS if ASSIGNMENT.can(assignment, name, actor=user)}
