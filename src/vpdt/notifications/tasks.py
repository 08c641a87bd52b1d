"""Sending notifications through the channels that send (e-mail…), after the action's transaction commits."""

from celery import shared_task

from . import channels
from .models import Notification


@shared_task(name="vpdt.notifications.tasks.deliver")
def deliver(channel: str, ids: list[int]) -> int:
    """Send the notifications ``ids`` through ``channel``. Returns how many were handed to it."""
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("user").order_by("id"))
    channels.get(channel).send(notifications)
    return len(notifications)
