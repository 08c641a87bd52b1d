"""The home page widget of the scans waiting to be registered, for the clerks of an agency (registered in
``DigitizeConfig.ready()``)."""

from vpdt.core import dashboard
from vpdt.core.authz import scope_of
from vpdt.directory.models import Role

from . import scans

LIMIT = 8


def waiting_scans(request) -> dict | None:
    scope = scope_of(request.user)
    if not (scope.has_role(Role.CLERK) and scope.agency_id):
        return None
    rows = list(
        scans.waiting(request.user)
        .select_related(None)
        .select_related("file")
        .only("id", "status", "file__original_name", "created_at")[: LIMIT + 1]
    )
    return {"rows": rows[:LIMIT], "more": len(rows) > LIMIT} if rows else None


def register() -> None:
    dashboard.register(
        "digitize.scans", region="main", order=50, template="digitize/widgets/scans.html", data=waiting_scans
    )
