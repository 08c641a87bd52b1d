"""The home page banner of certificates that expire soon or have expired (registered in
``SigningConfig.ready()``)."""

from vpdt.core import dashboard

from .admin_views import status_of
from .tasks import warnings_for


def certificate_warnings(request) -> dict | None:
    rows = [(c, *status_of(c)) for c in warnings_for(request.user)]
    return {"rows": rows} if rows else None


def register() -> None:
    dashboard.register(
        "signing.certificates",
        region="alerts",
        order=10,
        template="signing/widgets/cert_warnings.html",
        data=certificate_warnings,
    )
