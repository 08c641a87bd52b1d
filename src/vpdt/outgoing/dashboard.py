"""What waits for a person at a glance, outgoing side (registered in ``OutgoingConfig.ready()``): the queues of
drafts to review, opinions asked, returned drafts and, for clerks, documents to issue (:mod:`vpdt.core.work`, each
queue's rule in :mod:`.queries`), the menu's links, and the home page cards. Documents arrived and recalls to
answer are the exchange's, every route in one list."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu, work
from vpdt.core.authz import scope_of
from vpdt.directory.models import Role

from . import queries

LIMIT = 8


def _capped(qs):
    rows = list(qs[: LIMIT + 1])
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT}


def _member(scope) -> bool:
    return bool(scope.user_id)


def _agency_clerk(scope) -> bool:
    return bool(scope.agency_id) and scope.has_role(Role.CLERK)


def _register_reader(scope) -> bool:
    """Who may open the outgoing register: the agency's clerks and leaders (and a superuser)."""
    return scope.is_superuser or (bool(scope.agency_id) and scope.has_role(Role.CLERK, Role.LEADER))


QUEUES = (
    work.Queue(
        "outgoing.to_review",
        _("Dự thảo chờ tôi duyệt"),
        "outgoing:reviews",
        queries.to_review,
        applies=_member,
        due="due_date",
        order=30,
        icon="bi-check2-square",
    ),
    work.Queue(
        "outgoing.opinions",
        _("Xin ý kiến về dự thảo"),
        "outgoing:reviews",
        queries.opinions,
        applies=_member,
        order=31,
        icon="bi-chat-left-text",
    ),
    work.Queue(
        "outgoing.returned",
        _("Dự thảo bị trả lại"),
        "outgoing:my_drafts",
        queries.returned,
        applies=_member,
        query="hop=returned",
        order=32,
        icon="bi-arrow-counterclockwise",
    ),
    work.Queue(
        "outgoing.to_issue",
        _("Chờ cấp số, phát hành"),
        "outgoing:to_issue",
        queries.to_issue,
        applies=_agency_clerk,
        always=True,
        order=40,
        icon="bi-send-check",
    ),
)


def to_review(request) -> dict | None:
    data = {
        "today": timezone.localdate(),
        "to_review": _capped(
            queries.to_review(request.user)
            .select_related("document")
            .only("id", "label", "due_date", "reviewer_id", "document__id", "document__subject", "document__urgency")
        ),
        "opinions": _capped(
            queries.opinions(request.user)
            .select_related("step__document")
            .only("id", "step__document__id", "step__document__subject")
        ),
    }
    return data if any(data[key]["rows"] for key in ("to_review", "opinions")) else None


def returned(request) -> dict | None:
    """The person's drafts returned for revision: a card of their own, never among the drafts to review."""
    data = _capped(queries.returned(request.user).only("id", "subject", "updated_at"))
    return data if data["rows"] else None


def clerk(request) -> dict | None:
    if not _agency_clerk(scope_of(request.user)):
        return None
    data = {
        "today": timezone.localdate(),
        "to_issue": _capped(
            queries.to_issue(request.user).only("id", "subject", "approved_at", "urgency").order_by("approved_at", "id")
        ),
    }
    return data if data["to_issue"]["rows"] else None


def _menu() -> None:
    section = "outgoing"
    menu.register("outgoing.create", section=section, label=_("Soạn thảo"), url="outgoing:create", order=1)
    menu.register(
        "outgoing.my_drafts", section=section, label=_("Văn bản đi của tôi"), url="outgoing:my_drafts", order=2
    )
    menu.register(
        "outgoing.returned", section=section, label=_("Dự thảo bị trả lại"), url="outgoing:my_drafts",
        query="hop=returned", order=3, queue="outgoing.returned",
    )  # fmt: skip
    menu.register(
        "outgoing.reviews", section=section, label=_("Dự thảo chờ tôi duyệt"), url="outgoing:reviews", order=10,
        queue="outgoing.to_review",
    )  # fmt: skip
    menu.register(
        "outgoing.opinions", section=section, label=_("Xin ý kiến"), url="outgoing:reviews", query="#xin-y-kien",
        order=11, queue="outgoing.opinions",
    )  # fmt: skip
    menu.register(
        "outgoing.to_issue", section=section, label=_("Chờ cấp số, phát hành"), url="outgoing:to_issue", order=20,
        queue="outgoing.to_issue",
    )  # fmt: skip
    menu.register(
        "outgoing.register", section=section, label=_("Sổ văn bản đi"), url="outgoing:register", order=30,
        shown=_register_reader,
    )  # fmt: skip


def register() -> None:
    for queue in QUEUES:
        work.register(queue)
    _menu()
    dashboard.register(
        "outgoing.to_review", region="main", order=30, template="outgoing/widgets/to_review.html", data=to_review
    )
    dashboard.register(
        "outgoing.returned", region="main", order=35, template="outgoing/widgets/returned.html", data=returned
    )
    dashboard.register("outgoing.clerk", region="main", order=40, template="outgoing/widgets/clerk.html", data=clerk)
