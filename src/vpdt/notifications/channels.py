"""Channels (kênh): how a notification reaches a person. A registry, so a later app adds SMS or push by
registering a :class:`Channel` in its ``ready()``.

* ``in_app`` (trong hệ thống) is the stored notification itself, read on the notifications screen and counted in
  the top bar. It is always on: work is never announced only outside the application.
* ``push`` (thông báo đẩy, :mod:`.push`) shows a copy on the browsers and phones the person allowed, even when no
  page of vpdt is open; new work uses it by default, for people with such a device.
* ``email`` (thư điện tử) sends a copy through Django's e-mail backend, after the transaction that created the
  notification commits, from a Celery task (:mod:`.tasks`): an action never waits for the mail server, and a
  rolled-back action sends nothing. A person without an address, or whose account is not active, gets no mail; a
  mail server that refuses one message does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.utils.translation import gettext_lazy as _

from . import push

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Channel:
    code: str
    label: str
    # Sends stored notifications (in a Celery task); None: the stored notification is the delivery.
    send: Callable[[list], None] | None = None
    optional: bool = True  # the person may turn it off
    unavailable: Callable[[object], str] = lambda user: ""  # why it cannot reach ``user`` ("" when it can)
    # Which of a set of user ids it can reach at all (one query), so nothing is queued for the others.
    reaches: Callable[[set[int]], set[int]] | None = None


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    if channel.code in _channels:
        raise ValueError(f"Kênh thông báo “{channel.code}” đã được khai báo.")
    _channels[channel.code] = channel
    return channel


def get(code: str) -> Channel:
    return _channels[code]


def every() -> list[Channel]:
    return list(_channels.values())


def sending() -> list[Channel]:
    """The channels that send something (every one but the in-app channel)."""
    return [c for c in _channels.values() if c.send is not None]


# ---------------------------------------------------------------------------------------------- e-mail

SUBJECT_PREFIX = "[Văn phòng điện tử] "


def email_message(notification) -> mail.EmailMessage:
    user = notification.user
    subject = (SUBJECT_PREFIX + " ".join(notification.text.split()))[:200]
    lines = [f"Kính gửi {user.full_name or user.username},", "", notification.body or notification.text]
    if notification.url:
        lines += ["", f"Xem trên hệ thống: {settings.VPDT_SITE_URL.rstrip('/')}{notification.url}"]
    lines += ["", "Thư này được gửi tự động, xin không trả lời."]
    return mail.EmailMessage(subject, "\n".join(lines), None, [user.email])


def send_email(notifications: list) -> None:
    wanted = [n for n in notifications if n.user.is_active and n.user.email]
    if not wanted:
        return
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception:  # the mail server is down: the notifications stay in the application
        log.exception("Không kết nối được máy chủ thư: %d thư thông báo không gửi được", len(wanted))
        return
    try:
        for notification in wanted:
            try:
                connection.send_messages([email_message(notification)])
            except Exception:  # one refused address must not stop the others
                log.exception("Không gửi được thư thông báo %s cho %s", notification.pk, notification.user.username)
    finally:
        connection.close()


def _no_address(user) -> str:
    return "" if user.email else str(_("Tài khoản chưa có địa chỉ thư điện tử: không gửi được thư."))


IN_APP = register(Channel("in_app", _("Trong hệ thống"), optional=False))
EMAIL = register(Channel("email", _("Thư điện tử"), send=send_email, unavailable=_no_address))
PUSH = register(
    Channel("push", _("Thông báo đẩy"), send=push.send, unavailable=push.unavailable, reaches=push.reaching)
)
