"""Sending SMS messages in the background, with retries after transient failures (no answer, a connection
error, HTTP 429 or 5xx): ``VPDT_SMS_RETRIES`` further tries, waiting ``VPDT_SMS_RETRY_SECONDS`` then twice as long
each time. The last failure leaves the message "lỗi"."""

from celery import shared_task
from django.conf import settings

from . import delivery


@shared_task(bind=True, name="vpdt.collab.sms.tasks.send", max_retries=None)
def send(self, message_id: int) -> str:
    retries = self.request.retries or 0
    outcome = delivery.attempt(message_id, last=retries >= settings.VPDT_SMS_RETRIES)
    if outcome == delivery.RETRY:
        raise self.retry(countdown=settings.VPDT_SMS_RETRY_SECONDS * 2**retries)
    return outcome
