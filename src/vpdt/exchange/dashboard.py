"""The home page widget of the agency's clerks: electronic documents arrived (from the agencies of this deployment
and from other systems), recalls to answer, and what could not be sent (registered in ``ExchangeConfig.ready()``).
"""

from vpdt.core import dashboard
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
    dashboard.register(
        "exchange.arrivals", region="main", order=41, template="exchange/widgets/arrivals.html", data=waiting
    )
