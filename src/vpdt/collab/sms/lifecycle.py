"""The delivery lifecycle of an SMS message: chờ gửi → đã gửi (the gateway accepted it) → đã nhận (the gateway
reported it reached the telephone), or lỗi (refused, no answer after every try, or reported undelivered). Every step
is the system's (the sending task, the gateway's report) and is journaled as ``sms.<step>``."""

from django.utils.translation import gettext_lazy as _

from vpdt.core.fsm import Machine, Transition

from .models import SmsStatus

S = SmsStatus

DELIVERY = Machine(
    "status",
    [
        Transition("sent", {S.PENDING}, S.SENT, _("Ghi nhận đã gửi")),
        Transition("failed", {S.PENDING, S.SENT}, S.FAILED, _("Ghi nhận gửi lỗi")),
        Transition("delivered", {S.SENT}, S.DELIVERED, _("Ghi nhận đã nhận")),
    ],
    action_prefix="sms",
    choices=S,
)
