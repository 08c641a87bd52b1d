"""The home page widget of the scans waiting to be registered, for the clerks of an agency (registered in
``DigitizeConfig.ready()``)."""

from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu, work
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


def _agency_clerk(scope) -> bool:
    return bool(scope.agency_id) and scope.has_role(Role.CLERK)


def register() -> None:
    work.register(
        work.Queue(
            "digitize.scans",
            _("Bản quét chờ vào sổ"),
            "digitize:scans",
            scans.waiting,
            applies=_agency_clerk,
            always=True,
            order=4,
            icon="bi-upc-scan",
        )
    )
    menu.register(
        "digitize.scans", section="incoming", label=_("Vào sổ từ bản quét"), url="digitize:scans", order=2,
        queue="digitize.scans",
    )  # fmt: skip
    dashboard.register(
        "digitize.scans", region="main", order=50, template="digitize/widgets/scans.html", data=waiting_scans
    )
