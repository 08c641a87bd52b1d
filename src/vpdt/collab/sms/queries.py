"""What the SMS screens and the API read: a person's messages (sent, received, or all they may see: an agency
administrator sees the agency's), the grants, and whether a person may send."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vpdt.core.authz import manageable, scope_of, visible

from .models import SmsGrant, SmsMessage

BOXES = {"gui": _("Đã gửi"), "nhan": _("Đã nhận"), "tat-ca": _("Tất cả")}


def messages(user, box: str = "tat-ca") -> QuerySet:
    qs = visible(SmsMessage, user).select_related("sender", "recipient")
    if box == "gui":
        qs = qs.filter(sender_id=user.pk)
    elif box == "nhan":
        qs = qs.filter(recipient_id=user.pk)
    return qs


def grants(user) -> QuerySet:
    """The grants the person administers (in force first, then revoked), with names."""
    return manageable(SmsGrant, user).select_related("user", "agency", "granted_by", "revoked_by")


def may_administer(scope) -> bool:
    return scope.is_superuser or bool(scope.admin_agency_ids) or scope.province_path is not None


def may_send(user) -> bool:
    """Whether the person has a grant in force in their agency (one query)."""
    scope = scope_of(user)
    return (
        bool(scope.agency_id)
        and SmsGrant.objects.filter(user_id=user.pk, agency_id=scope.agency_id, revoked_at__isnull=True).exists()
    )
