"""Delivering a stored SMS message: one try through the gateway (:func:`attempt`, from the Celery task), and the
gateway's delivery reports (:func:`report`). Each change of status is a step of :mod:`.lifecycle`, journaled."""

from __future__ import annotations

import logging

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone

from . import gateway
from .lifecycle import DELIVERY
from .models import SmsMessage, SmsStatus

log = logging.getLogger(__name__)

RETRY, DONE = "retry", "done"


def attempt(message_id: int, *, last: bool) -> str:
    """Hand a waiting message to the gateway once. ``RETRY`` when the failure is transient and ``last`` is not
    set (the task tries again later); ``DONE`` otherwise (sent, refused, failed for good, or not waiting)."""
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id, status=SmsStatus.PENDING).first()
        if message is None:
            return DONE
        message.attempts += 1
        message.save(update_fields=["attempts"])
    try:
        outcome = gateway.send(message)
    except ImproperlyConfigured as exc:
        log.error("Cổng SMS chưa được cấu hình đúng: %s", exc)
        outcome = gateway.refused(f"Cổng SMS chưa được cấu hình đúng: {exc}")
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().get(pk=message_id)
        if message.status != SmsStatus.PENDING:
            return DONE
        if outcome.accepted:
            message.gateway_ref, message.sent_at, message.error = outcome.ref, timezone.now(), ""
            DELIVERY.apply(
                message,
                "sent",
                extra_fields=["gateway_ref", "sent_at", "error"],
                details={"attempts": message.attempts, "ref": outcome.ref},
            )
            return DONE
        message.error = outcome.error
        if outcome.transient and not last:
            message.save(update_fields=["error"])
            return RETRY
        DELIVERY.apply(
            message, "failed", extra_fields=["error"], details={"attempts": message.attempts, "error": outcome.error}
        )
    return DONE


REPORTED = {"delivered": "delivered", "failed": "failed"}


def report(ref: str, status: str) -> SmsMessage:
    """The gateway's delivery report of the message it numbered ``ref``: ``delivered`` or ``failed``."""
    if status not in REPORTED or not ref:
        raise ValidationError("Báo cáo chuyển tin không hợp lệ: cần mã tin và trạng thái delivered hoặc failed.")
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(gateway_ref=ref).order_by("-id").first()
        if message is None:
            raise ValidationError("Không có tin nhắn nào mang mã này.", code="unknown")
        if status == "delivered":
            message.delivered_at = timezone.now()
            DELIVERY.apply(message, "delivered", extra_fields=["delivered_at"], details={"ref": ref})
        else:
            message.error = "Cổng SMS báo tin nhắn không đến được máy người nhận."
            DELIVERY.apply(message, "failed", extra_fields=["error"], details={"ref": ref, "error": message.error})
    return message
