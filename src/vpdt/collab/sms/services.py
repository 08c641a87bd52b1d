"""SMS commands, one transaction each, journaled.

* **Grants.** An administrator of an agency gives one of its people the right to send SMS (``sms.grant``) and
  takes it back with a reason (``sms.revoke``).
* **Sending** (:func:`send`). Only a person with a grant in force in their agency, to a person of the same agency,
  about an item of pending work (:mod:`.pending`) the sender may see and that waits for the recipient; not a type
  of message the recipient opted out of; to their mobile number; within the sender's rate limit
  (``VPDT_SMS_RATE_LIMIT`` messages per ``VPDT_SMS_RATE_MINUTES``, counted in the database under a lock of the
  sender's row, so two requests at once cannot both pass the last place). A refusal for want of a grant is itself
  journaled (``sms.refused``). The message is stored "chờ gửi" and journaled (``sms.send``); the Celery task
  (:mod:`.tasks`) hands it to the gateway once the transaction commits.
* **Delivery** (:mod:`.delivery`): the message becomes "đã gửi" only when the gateway accepted it, "lỗi" when
  refused or after the last try, "đã nhận" on the gateway's report (:mod:`.lifecycle`).
* **The notifications channel** (:func:`send_notifications`): a notification to a person who chose SMS for its
  topic becomes a message from the system, delivered and journaled the same way.
* **A person's settings**: their mobile number (``sms.mobile``) and the types of message they refuse
  (``sms.opt_out``).
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from vpdt.accounts.models import User
from vpdt.core.authz import manageable, scope_of
from vpdt.directory.models import Agency
from vpdt.journal import services as journal

from . import pending, tasks
from .models import SmsGrant, SmsMessage, SmsOptOut, SmsProfile
from .text import BAD_MOBILE, ELLIPSIS, fit, fold, masked, mobile

NOTIFICATION_KIND = "notification"
NOTE_MAX = 70
NOT_AUTHORISED = (
    "Bạn chưa được quản trị hệ thống của cơ quan cấp quyền gửi tin nhắn SMS. Chỉ người được cấp quyền mới gửi tin "
    "nhắn, và chỉ về việc đang chờ xử lý."
)


def _name(user) -> str:
    return user.full_name or user.username


# ------------------------------------------------------------------------------------------------ grants


def grant_in_force(user) -> SmsGrant | None:
    """The person's grant in force in their own agency, or None."""
    agency_id = scope_of(user).agency_id
    if not agency_id or not user.is_active:
        return None
    return SmsGrant.objects.filter(user=user, agency_id=agency_id, revoked_at__isnull=True).first()


def administered_agencies(actor):
    return Agency.objects.filter(scope_of(actor).administered(""))


def grant(actor, user: User, note: str = "") -> SmsGrant:
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": gettext("Ghi chú tối đa 300 ký tự.")})
    if not user.agency_id or not administered_agencies(actor).filter(pk=user.agency_id).exists():
        raise PermissionDenied(
            gettext("Chỉ quản trị hệ thống của cơ quan cấp quyền gửi tin nhắn SMS cho người của cơ quan.")
        )
    if not user.is_active:
        raise ValidationError(
            {"user": gettext("Tài khoản này không còn hoạt động nên không được cấp quyền gửi tin nhắn.")}
        )
    try:
        with transaction.atomic():
            created = SmsGrant.objects.create(agency_id=user.agency_id, user=user, granted_by=actor, note=note)
            journal.record(
                "sms.grant",
                actor=actor,
                obj=created,
                agency=user.agency_id,
                details={"person": _name(user), "note": note},
            )
    except IntegrityError:
        raise ValidationError(
            {"user": gettext("%(name)s đã có quyền gửi tin nhắn SMS.") % {"name": _name(user)}}, code="granted"
        ) from None
    return created


def revoke(actor, grant_obj: SmsGrant, reason: str) -> SmsGrant:
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = manageable(SmsGrant, actor).select_for_update().filter(pk=grant_obj.pk).first()
        if locked is None:
            raise PermissionDenied(gettext("Chỉ quản trị hệ thống của cơ quan thu hồi quyền gửi tin nhắn SMS."))
        if not reason:
            raise ValidationError({"reason": gettext("Cần ghi lý do thu hồi quyền gửi tin nhắn.")})
        if len(reason) > 300:
            raise ValidationError({"reason": gettext("Lý do tối đa 300 ký tự.")})
        if locked.revoked_at is not None:
            raise ValidationError(gettext("Quyền gửi tin nhắn này đã được thu hồi trước đó."), code="revoked")
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), actor, reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        journal.record("sms.revoke", actor=actor, obj=locked, details={"person": _name(locked.user), "reason": reason})
    return locked


# ------------------------------------------------------------------------------------------ a person's settings


def mobile_of(user) -> str | None:
    """The number SMS go to: the one the person gave for SMS, else the account's telephone if it is a mobile."""
    own = SmsProfile.objects.filter(user_id=user.pk).values_list("mobile", flat=True).first()
    return mobile(own or "") or mobile(user.phone or "")


def reachable(user_ids: set[int]) -> set[int]:
    """Which of ``user_ids`` (active accounts of an agency) have a mobile number (two queries)."""
    own = dict(SmsProfile.objects.filter(user_id__in=user_ids).exclude(mobile="").values_list("user_id", "mobile"))
    rows = User.objects.filter(pk__in=user_ids, is_active=True, agency__isnull=False).values_list("pk", "phone")
    return {pk for pk, phone in rows if mobile(own.get(pk, "")) or mobile(phone or "")}


def set_mobile(user, raw: str) -> str:
    """Set the person's own number for SMS ("" falls back to the account's telephone)."""
    raw = (raw or "").strip()
    number = mobile(raw) if raw else ""
    if number is None:
        raise ValidationError({"mobile": BAD_MOBILE}, code="mobile")
    with transaction.atomic():
        profile, _created = SmsProfile.objects.select_for_update().get_or_create(user=user)
        if profile.mobile == number:
            return number
        profile.mobile = number
        profile.save(update_fields=["mobile", "updated_at"])
        journal.record("sms.mobile", actor=user, obj=user, details={"phone": masked(number) if number else ""})
    return number


def opted_out(user) -> set[str]:
    return set(SmsOptOut.objects.filter(user_id=user.pk).values_list("kind", flat=True))


def set_opt_outs(user, refused: set[str]) -> set[str]:
    """The types of message (codes of :mod:`.pending`) the person does not want; journaled when it changes."""
    known = {k.code for k in pending.every()}
    unknown = set(refused) - known
    if unknown:
        raise ValidationError(
            {"kinds": gettext("Loại tin nhắn không hợp lệ: %(value)s.") % {"value": ", ".join(sorted(unknown))}}
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        current = opted_out(user)
        if current == set(refused):
            return current
        SmsOptOut.objects.filter(user=user, kind__in=current - set(refused)).delete()
        SmsOptOut.objects.bulk_create([SmsOptOut(user=user, kind=k) for k in sorted(set(refused) - current)])
        labels = {k.code: str(k.label) for k in pending.every()}
        journal.record(
            "sms.opt_out",
            actor=user,
            obj=user,
            details={
                "refused": sorted(labels[k] for k in set(refused) - current),
                "accepted": sorted(labels[k] for k in current - set(refused)),
            },
        )
    return set(refused)


# ------------------------------------------------------------------------------------------------ sending


def require_grant(sender) -> SmsGrant:
    """The sender's grant in force; else the refusal is journaled (``sms.refused``) and PermissionDenied raised."""
    found = grant_in_force(sender)
    if found is None:
        journal.record("sms.refused", actor=sender, obj=sender, agency=sender.agency_id)
        raise PermissionDenied(NOT_AUTHORISED)
    return found


def compose(item: pending.Item, sender, note: str, limit: int) -> str:
    """The message: the item (cut with "..." when too long), then the sender's note and name, always whole:
    "<item>. <note> - <sender>"."""
    tail = fold(f"{note} - {_name(sender)}" if note else f"- {_name(sender)}")
    head = fit(f"{item.kind.label}: {item.kind.describe(item.obj)}", max(limit - len(tail) - 2, 20))
    if head.endswith(ELLIPSIS):
        joined = f"{head} {tail}"
    else:
        head = head.rstrip(".")
        joined = f"{head}. {tail}" if note else f"{head} {tail}"
    return joined[:limit]


def sent_recently(sender, now=None) -> int:
    since = (now or timezone.now()) - dt.timedelta(minutes=settings.VPDT_SMS_RATE_MINUTES)
    return SmsMessage.objects.filter(sender=sender, created_at__gte=since).count()


def send(sender, recipient: User, item_key: str, note: str = "") -> SmsMessage:
    """Send ``recipient`` an SMS about the pending item ``item_key`` ("incoming:12"), with an optional short note."""
    require_grant(sender)
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": gettext("Lời nhắn thêm tối đa %(note_max)s ký tự.") % {"note_max": NOTE_MAX}}, code="note"
        )
    agency_id = scope_of(sender).agency_id
    if recipient.agency_id != agency_id or not recipient.is_active:
        raise ValidationError(
            {"recipient": gettext("Chỉ gửi tin nhắn cho người đang làm việc tại cơ quan của bạn.")}, code="recipient"
        )
    item = pending.find(sender, recipient, item_key)
    if item.kind.code in opted_out(recipient):
        raise ValidationError(
            {
                "item": gettext("%(name)s đã chọn không nhận tin nhắn SMS về “%(label)s”.")
                % {"name": _name(recipient), "label": item.kind.label}
            },
            code="opted_out",
        )
    phone = mobile_of(recipient)
    if not phone:
        raise ValidationError(
            {
                "recipient": gettext("%(name)s chưa có số điện thoại di động hợp lệ để nhận tin nhắn.")
                % {"name": _name(recipient)}
            },
            code="no_mobile",
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=sender.pk).first()  # one count of a sender's messages at a time
        limit = settings.VPDT_SMS_RATE_LIMIT
        if sent_recently(sender) >= limit:
            raise ValidationError(
                gettext(
                    "Bạn đã gửi %(limit)s tin nhắn trong %(vpdt_sms_rate_minutes)s phút qua, là mức tối đa. Xin gửi lại sau."
                )
                % {"limit": limit, "vpdt_sms_rate_minutes": settings.VPDT_SMS_RATE_MINUTES},
                code="rate_limit",
            )
        message = SmsMessage.objects.create(
            agency_id=agency_id,
            sender=sender,
            recipient=recipient,
            phone=phone,
            kind=item.kind.code,
            subject_type=item.obj._meta.label_lower,
            subject_id=item.obj.pk,
            subject_url=item.url,
            text=compose(item, sender, note, settings.VPDT_SMS_MAX_LENGTH),
        )
        _journal_queued(message, sender, str(item.kind.label))
        transaction.on_commit(partial(tasks.send.delay, message.pk), robust=True)
    return message


def _journal_queued(message: SmsMessage, actor, kind_label: str) -> None:
    journal.record(
        "sms.send",
        actor=actor,
        obj=message,
        details={
            "recipient": _name(message.recipient),
            "phone": masked(message.phone),
            "kind": kind_label,
            "text": message.text,
        },
    )


def send_notifications(notifications: list) -> None:
    """The SMS channel of the notifications app: one message from the system per notification whose person has a
    mobile number and an agency (run in the notifications' Celery task)."""
    wanted = [n for n in notifications if n.user.is_active and n.user.agency_id]
    reach = reachable({n.user_id for n in wanted})
    for notification in wanted:
        if notification.user_id not in reach:
            continue
        user = notification.user
        with transaction.atomic():
            message = SmsMessage.objects.create(
                agency_id=user.agency_id,
                recipient=user,
                phone=mobile_of(user),
                kind=NOTIFICATION_KIND,
                subject_type=notification.target_type,
                subject_id=notification.target_id,
                subject_url=notification.url,
                notification_id=notification.pk,
                text=fit(notification.text, settings.VPDT_SMS_MAX_LENGTH),
            )
            _journal_queued(message, None, "Thông báo")
            transaction.on_commit(partial(tasks.send.delay, message.pk), robust=True)


def no_mobile(user) -> str:
    """Why the SMS channel cannot reach ``user`` ("" when it can)."""
    if mobile_of(user):
        return ""
    return "Chưa có số điện thoại di động hợp lệ: khai báo ở mục Tin nhắn SMS, trang Cài đặt tin nhắn."
