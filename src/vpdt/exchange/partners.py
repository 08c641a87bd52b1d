"""Connected systems, administered by the province's administrators: the hub above, and the systems that use this
deployment as their hub; the exchange directory synced from the hub above; each system's health.

Rules:

* Only a province administrator (or the superuser) registers, changes or disconnects a system.
* A connected system's secret is made here and shown once, when it is registered (or renewed); the hub above's
  secret is the one its operator issued. Secrets are stored encrypted, never shown again.
* At most one hub above is active.
* Syncing the directory adds and updates the outside agencies the hub above knows, and marks those it no longer
  lists inactive; agencies of this deployment are never copied into it.
* Everything is journaled.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from vpdt.core.authz import scope_of
from vpdt.directory.models import Agency, validate_organ_id
from vpdt.journal import services as journal

from . import auth
from .models import Direction, ExternalAgency, Message, MessageState, Partner, PartnerRole
from .transport import TransportError, transport_for


def require_admin(user) -> None:
    scope = scope_of(user)
    if not (scope.is_superuser or scope.province_path):
        raise PermissionDenied("Chỉ quản trị hệ thống cấp tỉnh được quản lý kết nối liên thông.")


def _clean(code: str, name: str, role: str, base_url: str) -> dict:
    errors = {}
    code, name, base_url = code.strip(), name.strip(), base_url.strip()
    if not code or len(code) > 100 or not all(ch.isalnum() or ch in "-_." for ch in code):
        errors["code"] = "Mã hệ thống chỉ gồm chữ, số, dấu gạch ngang, gạch dưới, dấu chấm (tối đa 100 ký tự)."
    if not name:
        errors["name"] = "Tên hệ thống là bắt buộc."
    if role not in PartnerRole.values:
        errors["role"] = "Vai trò không hợp lệ."
    if role == PartnerRole.UPSTREAM and not base_url.startswith(("http://", "https://")):
        errors["base_url"] = "Trục cấp trên cần địa chỉ API (http:// hoặc https://)."
    if errors:
        raise ValidationError(errors)
    return {"code": code, "name": name[:200], "role": role, "base_url": base_url[:200]}


@dataclass
class Registered:
    partner: Partner
    secret: str  # shown once


def register(
    actor,
    *,
    code: str,
    name: str,
    role: str,
    base_url: str = "",
    own_code: str = "",
    secret: str = "",
    api: dict | None = None,
):
    """Register a system. A connected system gets a new secret (shown once); the hub above's is given."""
    require_admin(actor)
    data = _clean(code, name, role, base_url)
    if role == PartnerRole.UPSTREAM and not secret.strip():
        raise ValidationError({"secret": "Nhập khóa bí mật do trục cấp trên cấp cho hệ thống này."})
    secret = secret.strip() if role == PartnerRole.UPSTREAM else auth.new_secret()
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                **data, own_code=own_code.strip()[:100], secret=auth.seal_secret(secret), settings=api or {}
            )
            journal.record(
                "exchange.partner.register", actor=actor, obj=partner, details={"role": role, "code": data["code"]}
            )
    except IntegrityError:
        raise ValidationError(
            {"code": "Mã hệ thống đã có, hoặc đã có một trục cấp trên đang kết nối."}, code="duplicate"
        ) from None
    return Registered(partner, secret)


def renew_secret(actor, partner: Partner) -> str:
    require_admin(actor)
    if partner.role != PartnerRole.CONNECTED:
        raise ValidationError("Khóa của trục cấp trên do trục cấp; nhập lại khi đăng ký lại.")
    secret = auth.new_secret()
    with transaction.atomic():
        Partner.objects.filter(pk=partner.pk).update(secret=auth.seal_secret(secret))
        journal.record("exchange.partner.renew", actor=actor, obj=partner, details={"code": partner.code})
    return secret


def set_active(actor, partner: Partner, active: bool) -> Partner:
    require_admin(actor)
    try:
        with transaction.atomic():
            Partner.objects.filter(pk=partner.pk).update(is_active=active)
            journal.record(
                "exchange.partner.connect" if active else "exchange.partner.disconnect",
                actor=actor,
                obj=partner,
                details={"code": partner.code},
            )
    except IntegrityError:
        raise ValidationError("Đã có một trục cấp trên đang kết nối.", code="duplicate") from None
    partner.refresh_from_db()
    return partner


def sync_directory(actor, partner: Partner) -> dict:
    """Add and update the outside agencies the hub above lists; mark those it no longer lists inactive."""
    if actor is not None:
        require_admin(actor)
    try:
        rows = transport_for(partner).organizations()
    except TransportError as err:
        raise ValidationError(f"Không đồng bộ được danh bạ: {err}") from None
    local = set(Agency.objects.values_list("code", flat=True))
    now, added, updated, seen = timezone.now(), 0, 0, set()
    with transaction.atomic():
        for row in rows:
            organ_id = str(row.get("organ_id") or row.get("OrganId") or "").strip()
            try:
                validate_organ_id(organ_id)
            except ValidationError:
                continue
            if organ_id in local or organ_id in seen:
                continue
            seen.add(organ_id)
            values = {
                "name": str(row.get("name") or row.get("OrganName") or organ_id)[:200],
                "address": str(row.get("address") or "")[:250],
                "email": str(row.get("email") or "")[:100],
                "telephone": str(row.get("telephone") or "")[:50],
                "partner": partner,
                "is_active": True,
                "synced_at": now,
            }
            _agency, created = ExternalAgency.objects.update_or_create(organ_id=organ_id, defaults=values)
            added += created
            updated += not created
        gone = (
            ExternalAgency.objects.filter(partner=partner, is_active=True)
            .exclude(organ_id__in=seen)
            .update(is_active=False)
        )
        summary = {"added": added, "updated": updated, "inactive": gone}
        journal.record("exchange.directory.sync", actor=actor, obj=partner, details=summary)
    return summary


def health():
    """Each system with its last contact, failures and queue depth (waiting to be sent, or to be fetched)."""
    return Partner.objects.annotate(
        queued=Count(
            "messages",
            filter=Q(
                messages__direction=Direction.OUT, messages__state__in=[MessageState.QUEUED, MessageState.RETRYING]
            ),
        ),
        waiting=Count("messages", filter=Q(messages__state=MessageState.WAITING)),
        dead=Count("messages", filter=Q(messages__state=MessageState.DEAD)),
    ).order_by("role", "name")


def dead_letters():
    return Message.objects.filter(state=MessageState.DEAD).select_related("partner", "agency").order_by("-id")
