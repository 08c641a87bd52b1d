"""What waits for a person at a glance, incoming side (registered in ``IncomingConfig.ready()``): the queues of
waiting work the home page, the menu and the counters read (:mod:`vpdt.core.work`, each queue's rule in
:mod:`.queries`), the menu's links, and the home page cards — documents to direct, the unit's documents to assign,
own work, the agency's late documents and, for leaders, the chart of this month's processing."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu, work
from vpdt.core.authz import scope_of
from vpdt.directory.models import Role

from . import queries
from .models import Assignment, AssignmentRole, AssignmentStatus, DocStatus

LIMIT = 8
OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
A = AssignmentStatus


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def _is_leader(scope) -> bool:
    return scope.within("incoming").has_role(Role.LEADER)


def _leads_units(scope) -> bool:
    return bool(scope.within("incoming").led_unit_ids)


def _agency_clerk_or_leader(scope) -> bool:
    return bool(scope.agency_id) and scope.has_role(Role.LEADER, Role.CLERK)


def _agency_clerk(scope) -> bool:
    return bool(scope.agency_id) and scope.has_role(Role.CLERK)


def _member(scope) -> bool:
    return bool(scope.user_id)


def _mine(user, status, roles=queries.WORK):
    return Assignment.objects.filter(user=user, status__in=status, role__in=roles)


def _my_late(user):
    return work.due_filter(Assignment.objects.filter(user=user, status__in=OPEN), "deadline", work.LATE)


def _agency_late(user):
    return work.due_filter(queries.agency_open(user), "deadline", work.LATE)


def _agency_due_soon(user):
    return work.due_filter(queries.agency_open(user), "deadline", work.DUE_SOON)


QUEUES = (
    work.Queue(
        "incoming.to_submit",
        _("Vào sổ, chờ trình"),
        "incoming:list",
        queries.to_submit,
        applies=_agency_clerk,
        query=f"status={DocStatus.REGISTERED}",
        always=True,
        order=5,
        icon="bi-journal-arrow-up",
    ),
    work.Queue(
        "incoming.to_direct",
        _("Chờ cho ý kiến"),
        "incoming:my_work",
        queries.to_direct,
        applies=_is_leader,
        query="hop=to_direct",
        due="due_date",
        always=True,
        order=10,
        icon="bi-pen",
    ),
    work.Queue(
        "incoming.unit_waiting",
        _("Đơn vị chờ phân công"),
        "incoming:my_work",
        queries.unit_waiting,
        applies=_leads_units,
        query="hop=unit",
        due="deadline",
        always=True,
        order=15,
        icon="bi-diagram-3",
    ),
    work.Queue(
        "incoming.to_process",
        _("Văn bản cần xử lý"),
        "incoming:my_work",
        lambda user: _mine(user, [A.PENDING]),
        applies=_member,
        query="hop=to_process",
        due="deadline",
        always=True,
        order=20,
        icon="bi-inbox",
    ),
    work.Queue(
        "incoming.in_progress",
        _("Văn bản đang xử lý"),
        "incoming:my_work",
        lambda user: _mine(user, [A.IN_PROGRESS]),
        applies=_member,
        query="hop=in_progress",
        due="deadline",
        order=21,
        icon="bi-hourglass-split",
    ),
    work.Queue(
        "incoming.for_information",
        _("Văn bản để biết"),
        "incoming:my_work",
        lambda user: _mine(user, OPEN, [AssignmentRole.INFORM]),
        applies=_member,
        query="hop=for_information",
        order=22,
        icon="bi-eye",
    ),
    work.Queue(
        "incoming.late",
        _("Việc của tôi quá hạn"),
        "incoming:my_work",
        _my_late,
        applies=_member,
        query="hop=late",
        order=23,
        icon="bi-alarm",
        tone="danger",
    ),
    work.Queue(
        "incoming.agency_due_soon",
        _("Văn bản đến sắp đến hạn"),
        "incoming:list",
        _agency_due_soon,
        applies=_agency_clerk_or_leader,
        query=f"han={work.DUE_SOON}",
        waiting=False,
        order=60,
        icon="bi-calendar-event",
        tone="warning",
    ),
    work.Queue(
        "incoming.agency_late",
        _("Văn bản đến quá hạn"),
        "incoming:list",
        _agency_late,
        applies=_agency_clerk_or_leader,
        query=f"han={work.LATE}",
        always=True,
        waiting=False,
        order=61,
        icon="bi-exclamation-triangle",
        tone="danger",
    ),
)


def to_direct(request) -> dict | None:
    """For a leader: documents submitted to them, or to a leader who delegated incoming work to them."""
    if not _is_leader(scope_of(request.user)):
        return None
    return _capped(
        queries.to_direct(request.user).only(
            "id", "arrival_number", "year", "subject", "urgency", "issuer_name", "submitted_at", "due_date"
        )
    )


def unit_queue(request) -> dict | None:
    """For a head of unit: the unit's documents nobody was given yet."""
    if not _leads_units(scope_of(request.user)):
        return None
    data = _capped(
        queries.unit_waiting(request.user)
        .select_related("document", "unit")
        .only(
            "id",
            "role",
            "deadline",
            "unit__short_name",
            "document__id",
            "document__subject",
            "document__arrival_number",
            "document__year",
        )
    )
    return {**data, "today": timezone.localdate()}


MY_QUEUES = ("incoming.to_process", "incoming.in_progress", "incoming.for_information", "incoming.late")


def my_work(request) -> dict | None:
    """The person's own assignments. Left out when empty while other work waits for them (the document to direct,
    the unit's to assign…): "nothing waiting" would then be untrue."""
    data = _capped(
        Assignment.objects.filter(user=request.user, status__in=OPEN)
        .select_related("document")
        .only(
            "id",
            "role",
            "deadline",
            "status",
            "document__id",
            "document__subject",
            "document__arrival_number",
            "document__year",
        )
        .order_by("deadline", "id")
    )
    if not data["rows"]:
        others = work.summary(request).counts
        if any(c.n for c in others if c.queue.home and c.queue.key not in MY_QUEUES):
            return None
    return {**data, "today": timezone.localdate()}


def late(request) -> dict | None:
    """For the leaders and clerks of an agency: its documents past their deadline."""
    if not _agency_clerk_or_leader(scope_of(request.user)):
        return None
    return _capped(_agency_late(request.user).only("id", "arrival_number", "year", "subject", "deadline", "status"))


def month_chart(request) -> dict | None:
    """For the agency's leaders: this month's incoming documents, on time, late and pending."""
    scope = scope_of(request.user)
    if not (scope.agency_id and scope.has_role(Role.LEADER)):
        return None
    data = queries.month_processing(scope.agency_id)
    parts = [
        ("on_time", gettext("Đúng hạn"), "#198754"),
        ("late", gettext("Trễ hạn"), "#dc3545"),
        ("pending", gettext("Đang xử lý trong hạn"), "#0d6efd"),
    ]
    data["parts"] = [{"key": key, "label": label, "color": color, "n": data[key]} for key, label, color in parts]
    data["chart"] = {
        "labels": [p["label"] for p in data["parts"]],
        "values": [p["n"] for p in data["parts"]],
        "colors": [p["color"] for p in data["parts"]],
    }
    return data


def _menu() -> None:
    section = "incoming"
    menu.register(
        "incoming.create", section=section, label=_("Vào sổ văn bản đến"), url="incoming:create", order=1,
        shown=_agency_clerk,
    )  # fmt: skip
    menu.register("incoming.list", section=section, label=_("Sổ văn bản đến"), url="incoming:list", order=3)
    menu.register(
        "incoming.to_submit", section=section, label=_("Chờ trình lãnh đạo"), url="incoming:list",
        query=f"status={DocStatus.REGISTERED}", order=4, queue="incoming.to_submit",
    )  # fmt: skip
    menu.register(
        "incoming.to_direct", section=section, label=_("Chờ cho ý kiến"), url="incoming:my_work",
        query="hop=to_direct", order=10, queue="incoming.to_direct",
    )  # fmt: skip
    menu.register(
        "incoming.unit_waiting", section=section, label=_("Đơn vị chờ phân công"), url="incoming:my_work",
        query="hop=unit", order=15, queue="incoming.unit_waiting",
    )  # fmt: skip
    menu.register(
        "incoming.my_work", section=section, label=_("Việc của tôi"), url="incoming:my_work",
        query="hop=to_process", order=20, queue="incoming.to_process",
    )  # fmt: skip
    menu.register(
        "incoming.agency_late", section=section, label=_("Văn bản quá hạn"), url="incoming:list",
        query=f"han={work.LATE}", order=30, queue="incoming.agency_late",
    )  # fmt: skip
    menu.register(
        "incoming.late_units", section="reports", label=_("Đôn đốc đơn vị chậm xử lý"), url="incoming:late_units",
        order=10, shown=lambda scope: scope.has_role(Role.CLERK, Role.LEADER),
    )  # fmt: skip


def register() -> None:
    for queue in QUEUES:
        work.register(queue)
    _menu()
    dashboard.register(
        "incoming.to_direct", region="main", order=10, template="incoming/widgets/to_direct.html", data=to_direct
    )
    dashboard.register(
        "incoming.unit_queue", region="main", order=15, template="incoming/widgets/unit_queue.html", data=unit_queue
    )
    dashboard.register(
        "incoming.my_work", region="main", order=20, template="incoming/widgets/my_work.html", data=my_work
    )
    dashboard.register("incoming.late", region="main", order=60, template="incoming/widgets/late.html", data=late)
    dashboard.register(
        "incoming.month_chart", region="chart", order=10, template="incoming/widgets/month_chart.html", data=month_chart
    )
