"""The home page widget of the agency's clerks: electronic documents arrived (from the agencies of this deployment
and from other systems), recalls to answer, and what could not be sent (registered in ``ExchangeConfig.ready()``).
"""

from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu, work
from vpdt.core.authz import permitted, scope_of
from vpdt.directory.models import Role

from . import queries
from .models import Message

LIMIT = 8


def _line(entry) -> dict:
    obj = entry.obj
    if entry.internal:
        return {
            "entry": entry,
            "number": obj.document.number_symbol,
            "subject": obj.document.subject,
            "sender": obj.document.agency.name,
        }
    return {"entry": entry, "number": obj.code, "subject": obj.subject, "sender": obj.sender_name}


def _agency_clerk(scope) -> bool:
    return bool(scope.agency_id) and scope.has_role(Role.CLERK)


def _partners_admin(scope) -> bool:
    return scope.is_superuser or bool(scope.province_path)


QUEUES = (
    work.Queue(
        "exchange.waiting",
        _("Văn bản điện tử chờ tiếp nhận"),
        "exchange:arrivals",
        lambda user: queries.sources(user, queries.WAITING),
        applies=_agency_clerk,
        always=True,
        order=6,
        icon="bi-cloud-download",
    ),
    work.Queue(
        "exchange.recalls",
        _("Đề nghị thu hồi chờ trả lời"),
        "exchange:recalls",
        lambda user: queries.sources(user, queries.RECALLS),
        applies=_agency_clerk,
        order=7,
        icon="bi-arrow-return-left",
        tone="danger",
    ),
)


def waiting(request) -> dict | None:
    scope = scope_of(request.user)
    if not (scope.has_role(Role.CLERK) and scope.agency_id):
        return None
    arrived = queries.page(request.user, queries.WAITING, size=LIMIT)
    asked = queries.page(request.user, queries.RECALLS, size=LIMIT)
    failed = permitted(Message, request.user, "resend").exists()
    if not (arrived.items or asked.items or failed):
        return None
    return {
        "rows": [_line(e) for e in arrived.items],
        "more": arrived.next_cursor is not None,
        "recalls": [_line(e) for e in asked.items],
        "failed": failed,
    }


def register() -> None:
    for queue in QUEUES:
        work.register(queue)
    group = _("Liên thông")
    menu.register(
        "exchange.arrivals", section="incoming", label=_("Văn bản điện tử chờ tiếp nhận"), url="exchange:arrivals",
        order=50, queue="exchange.waiting", group=group,
    )  # fmt: skip
    menu.register(
        "exchange.recalls", section="incoming", label=_("Yêu cầu thu hồi"), url="exchange:recalls", order=51,
        queue="exchange.recalls", group=group,
    )  # fmt: skip
    menu.register(
        "exchange.partners", section="admin", label=_("Kết nối liên thông"), url="exchange:partners", order=40,
        shown=lambda scope: (scope.is_admin or scope.has_role(Role.IT_OFFICER)) and _partners_admin(scope),
    )  # fmt: skip
    dashboard.register(
        "exchange.arrivals", region="main", order=41, template="exchange/widgets/arrivals.html", data=waiting
    )
