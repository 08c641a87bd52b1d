"""Web push (thông báo đẩy): a copy of a notification shown by the person's browser or phone even when no page of
vpdt is open (RFC 8030 delivery, RFC 8291 encryption, RFC 8292 VAPID, through pywebpush).

* **Keys.** The VAPID key pair identifies this deployment to the browsers' push services. It is read from
  ``VPDT_VAPID_PRIVATE_KEY_FILE`` (default ``<data dir>/vapid.pem``), created the first time it is needed (P-256,
  permissions 0600), so ``make run`` needs no configuration. Keep it in the backups: a new key invalidates every
  device's subscription (the devices subscribe again the next time their person opens vpdt).
* **Devices.** A browser that its person allowed to show notifications subscribes
  (:func:`subscribe`): its push service address and keys are stored as a :class:`.models.PushSubscription`. Only
  addresses of the push services listed in ``VPDT_WEBPUSH_SERVICES`` are accepted, so the server never posts to an
  address a user made up (an intranet host, say), and redirects are not followed.
* **Sending** runs in the notifications' Celery task, after the action's transaction commits. A push service that
  answers 404 or 410 has forgotten the device: the subscription is removed. Other failures are logged and counted
  on the device; they never stop the other devices nor the other channels.
"""

from __future__ import annotations

import base64
import json
import logging
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from vpdt.core import keyfiles
from vpdt.core.authz import visible
from vpdt.journal import services as journal

from .models import PushSubscription

log = logging.getLogger(__name__)

TIMEOUT = 10  # seconds for one push service answer
TTL = 24 * 3600  # a push service keeps an undelivered message one day (the notification stays in vpdt anyway)
MAX_ENDPOINT = 1000
GONE = {404, 410}


# ---------------------------------------------------------------------------------------------- keys


def key_file() -> Path:
    return Path(settings.VPDT_VAPID_PRIVATE_KEY_FILE)


def _create_key(path: Path) -> None:
    """A new P-256 private key in PEM, 0600; never replaces a key another process wrote first."""
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    if keyfiles.create(path, pem):
        log.info("Đã tạo khóa VAPID cho thông báo đẩy %s.", path)


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> Vapid02:
    return Vapid02.from_file(path)


def vapid() -> Vapid02:
    path = key_file()
    if not path.exists():
        _create_key(path)
    return _load(str(path), path.stat().st_mtime_ns)


def public_key() -> str:
    """The application server key a browser subscribes with (base64url of the uncompressed P-256 point)."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    configured = settings.VPDT_VAPID_SUBJECT
    if configured:
        return configured
    site = settings.VPDT_SITE_URL.rstrip("/")
    return site if site.startswith("https://") else f"mailto:{settings.DEFAULT_FROM_EMAIL}"


# ---------------------------------------------------------------------------------------------- devices


def allowed_endpoint(endpoint: str) -> bool:
    """Whether ``endpoint`` belongs to one of the push services of ``VPDT_WEBPUSH_SERVICES`` (patterns of
    ``scheme://host[:port]``, ``*`` as a wildcard)."""
    try:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password:
        return False
    return any(fnmatchcase(origin.lower(), pattern.lower()) for pattern in settings.VPDT_WEBPUSH_SERVICES)


def _b64_key(value, name: str, size: int) -> str:
    try:
        text = str(value)
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != size:
        raise ValidationError(f"Khóa “{name}” của thiết bị không hợp lệ.")
    return text


def clean(data) -> dict:
    """The subscription a browser sent (``PushSubscription.toJSON()``), checked; ValidationError in Vietnamese."""
    if not isinstance(data, dict):
        raise ValidationError("Dữ liệu đăng ký thông báo đẩy không hợp lệ.")
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise ValidationError("Thiếu địa chỉ dịch vụ thông báo đẩy của trình duyệt.")
    if not allowed_endpoint(endpoint):
        raise ValidationError("Dịch vụ thông báo đẩy của trình duyệt này không nằm trong danh sách được phép.")
    if not isinstance(keys, dict):
        raise ValidationError("Thiếu khóa mã hóa của thiết bị.")
    return {
        "endpoint": endpoint,
        "p256dh": _b64_key(keys.get("p256dh"), "p256dh", 65),
        "auth": _b64_key(keys.get("auth"), "auth", 16),
    }


def device_name(user_agent: str) -> str:
    """“Chrome trên Android” from a User-Agent header, for the list of the person's devices."""
    ua = user_agent or ""
    browser = next(
        (name for token, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")) if token in ua),
        "Safari" if "Safari/" in ua else "Trình duyệt",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    return f"{browser} trên {system}" if system else browser


def subscribe(user, data, *, user_agent: str = "") -> PushSubscription:
    """Remember the browser ``data`` of ``user`` (the same address again updates its keys and owner)."""
    fields = clean(data)
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=fields["endpoint"],
            defaults={
                "user": user,
                "p256dh": fields["p256dh"],
                "auth": fields["auth"],
                "device": device_name(user_agent)[:100],
                "failures": 0,
            },
        )
        if created:
            journal.record("notifications.push_on", actor=user, obj=user, details={"device": subscription.device})
    return subscription


def unsubscribe(user, *, endpoint: str = "", pk: int | None = None) -> bool:
    """Forget one of the person's own devices (by its address or its id). False when there was none."""
    qs = visible(PushSubscription, user)
    qs = qs.filter(pk=pk) if pk is not None else qs.filter(endpoint=endpoint)
    with transaction.atomic():
        found = qs.select_for_update().first()
        if found is None:
            return False
        found.delete()
        journal.record("notifications.push_off", actor=user, obj=user, details={"device": found.device})
    return True


def devices(user) -> list[PushSubscription]:
    return list(visible(PushSubscription, user).order_by("-created_at"))


def reaching(user_ids: set[int]) -> set[int]:
    """Which of ``user_ids`` have at least one device."""
    if not user_ids:
        return set()
    return set(PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())


def unavailable(user) -> str:
    if PushSubscription.objects.filter(user=user).exists():
        return ""
    return "Chưa có thiết bị nào nhận thông báo đẩy: bấm “Bật thông báo đẩy trên thiết bị này”."


# ---------------------------------------------------------------------------------------------- sending


def payload(notification) -> str:
    return json.dumps(
        {
            "title": "Văn phòng điện tử",
            "body": notification.text,
            "url": f"/thong-bao/{notification.pk}/",
            "tag": f"vpdt-{notification.pk}",
        },
        ensure_ascii=False,
    )


def _session() -> requests.Session:
    session = requests.Session()
    session.max_redirects = 0  # a push service answers itself; a redirect would lead the server elsewhere
    session.trust_env = False
    return session


def send(notifications: list) -> None:
    """Push each of ``notifications`` to every device of its person (the notifications channel's sender)."""
    people = {n.user_id for n in notifications if n.user.is_active}
    if not people:
        return
    by_user: dict[int, list[PushSubscription]] = {}
    for sub in PushSubscription.objects.filter(user_id__in=people):
        by_user.setdefault(sub.user_id, []).append(sub)
    key = vapid()
    claims_sub = subject()
    session = _session()
    try:
        for notification in notifications:
            for sub in by_user.get(notification.user_id, []):
                _push(session, key, claims_sub, sub, notification)
    finally:
        session.close()


def _push(session, key, claims_sub: str, sub: PushSubscription, notification) -> None:
    if not allowed_endpoint(sub.endpoint):  # the list was narrowed since the device subscribed
        sub.delete()
        return
    try:
        webpush(
            {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
            data=payload(notification),
            vapid_private_key=key,
            vapid_claims={"sub": claims_sub},
            timeout=TIMEOUT,
            ttl=TTL,
            requests_session=session,
        )
    except WebPushException as exc:
        status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
        if status in GONE:
            PushSubscription.objects.filter(pk=sub.pk).delete()
            return
        log.warning("Dịch vụ thông báo đẩy từ chối thông báo %s (%s): %s", notification.pk, sub.device, status)
        PushSubscription.objects.filter(pk=sub.pk).update(failures=F("failures") + 1)
    except requests.RequestException as exc:
        log.warning("Không gửi được thông báo đẩy %s tới %s: %s", notification.pk, sub.device, exc)
        PushSubscription.objects.filter(pk=sub.pk).update(failures=F("failures") + 1)
    else:
        PushSubscription.objects.filter(pk=sub.pk).update(failures=0, last_sent_at=timezone.now())
