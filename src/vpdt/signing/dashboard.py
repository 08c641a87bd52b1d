"""The home page banner of certificates that expire soon or have expired (registered in
``SigningConfig.ready()``)."""

from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu
from vpdt.core.roles import Role

from .admin_views import status_of
from .tasks import warnings_for


def certificate_warnings(request) -> dict | None:
    rows = [(c, *status_of(c)) for c in warnings_for(request.user)]
    return {"rows": rows} if rows else None


def register() -> None:
    menu.register(
        "signing.credentials", section="tools", label=_("Chữ ký số"), url="signing:credentials", order=20,
        shown=lambda scope: scope.is_admin or scope.has_role(Role.CLERK, Role.LEADER, Role.UNIT_LEADER),
    )  # fmt: skip
    dashboard.register(
        "signing.certificates",
        region="alerts",
        order=10,
        template="signing/widgets/cert_warnings.html",
        data=certificate_warnings,
    )
