"""The home page widget of the documents from other systems waiting for an agency's clerks, the recalls to answer
and what could not be sent (registered in ``ExchangeConfig.ready()``)."""

from vpdt.core import dashboard
from vpdt.core.authz import permitted, scope_of
from vpdt.directory.models import Role

from . import arrivals, recalls
from .models import Message

LIMIT = 8
FIELDS = ("id", "code", "subject", "sender_name", "urgency")


def waiting(request) -> dict | None:
    scope = scope_of(request.user)
    if not (scope.has_role(Role.CLERK) and scope.agency_id):
        return None
    rows = list(arrivals.waiting_for(request.user).only(*FIELDS)[: LIMIT + 1])
    recall_rows = list(recalls.waiting_for(request.user).only(*FIELDS)[:LIMIT])
    failed = permitted(Message, request.user, "resend").exists()
    if not (rows or recall_rows or failed):
        return None
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT, "recalls": recall_rows, "failed": failed}


def register() -> None:
    dashboard.register(
        "exchange.arrivals", region="main", order=41, template="exchange/widgets/arrivals.html", data=waiting
    )
