"""The home page widgets of accounts: the person's own logins, and for administrators the accounts they manage
and the recent failed logins (registered in ``AccountsConfig.ready()``)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vpdt.core import dashboard, menu
from vpdt.core.authz import manageable, scope_of, visible
from vpdt.core.roles import Role
from vpdt.journal.models import JournalEntry

from .models import AccountStatus, User


def logins(request) -> dict:
    mine = JournalEntry.objects.filter(actor=request.user, action="auth.login")
    last = list(mine.order_by("-seq").values_list("created_at", flat=True)[:2])
    return {
        "previous_login": last[1] if len(last) > 1 else None,
        "logins_today": mine.filter(created_at__date=timezone.localdate()).count(),
    }


def administration(request) -> dict | None:
    if not scope_of(request.user).is_admin:
        return None
    managed = manageable(User, request.user)
    counts = dict(managed.values_list("status").annotate(n=Count("id")).order_by())
    warn_from = timezone.now() - timedelta(days=max(settings.VPDT_LOCK_UNUSED_DAYS - 7, 0))
    return {
        "status_counts": [(s.label, s.value, counts.get(s.value, 0)) for s in AccountStatus],
        "soon_locked": managed.filter(
            status=AccountStatus.ACTIVE, must_change_password=True, password_issued_at__lt=warn_from
        ).order_by("password_issued_at")[:10],
        "failed_logins": visible(JournalEntry, request.user)
        .filter(action__in=["auth.login_failed", "auth.lockout"])
        .order_by("-seq")[:10],
    }


def register() -> None:
    menu.register(
        "accounts.users", section="directory", label=_("Cán bộ, công chức"), url="accounts:user_list", order=3
    )
    menu.register(
        "accounts.locked", section="admin", label=_("Tài khoản bị khóa"), url="accounts:user_list",
        query="status=locked", order=10, shown=lambda scope: scope.is_admin or scope.has_role(Role.IT_OFFICER),
    )  # fmt: skip
    dashboard.register("accounts.logins", region="side", order=20, template="accounts/widgets/logins.html", data=logins)
    dashboard.register(
        "accounts.administration",
        region="admin",
        order=10,
        template="accounts/widgets/administration.html",
        data=administration,
    )
