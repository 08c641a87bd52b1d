"""How SMS reads in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import SmsStatus

sentences.detail_labels(
    "sms.",
    {
        "person": _("Người được cấp quyền"),
        "recipient": _("Người nhận"),
        "phone": _("Số điện thoại"),
        "kind": _("Loại tin nhắn"),
        "attempts": _("Số lần gửi"),
        "ref": _("Mã tin của cổng SMS"),
        "error": _("Lỗi"),
        "refused": _("Không nhận"),
        "accepted": _("Nhận lại"),
    },
    values={"from": SmsStatus, "to": SmsStatus},
)

register(
    "sms.grant",
    compose(_("%(who)s cấp quyền gửi tin nhắn SMS cho %(person)s"), ("note", _(", ghi chú: %(note)s"))),
    hidden=_("%(who)s cấp quyền gửi tin nhắn SMS"),
    label=_("Cấp quyền gửi SMS"),
)
register(
    "sms.revoke",
    _("%(who)s thu hồi quyền gửi tin nhắn SMS của %(person)s, lý do: %(reason)s"),
    hidden=_("%(who)s thu hồi một quyền gửi tin nhắn SMS"),
    label=_("Thu hồi quyền gửi SMS"),
)
register(
    "sms.refused",
    _("%(who)s định gửi tin nhắn SMS nhưng bị từ chối: chưa được cấp quyền"),
    hidden=_("%(who)s định gửi tin nhắn SMS nhưng bị từ chối"),
    label=_("Từ chối gửi SMS"),
)
register(
    "sms.send",
    _("%(who)s gửi tin nhắn SMS (%(kind)s) cho %(recipient)s, số %(phone)s: “%(text)s”"),
    hidden=_("%(who)s gửi một tin nhắn SMS"),
    label=_("Gửi tin nhắn SMS"),
)
register(
    "sms.sent",
    compose(_("Cổng SMS đã nhận để chuyển đi: %(object)s"), ("attempts", _(" (lần gửi thứ %(attempts)s)"))),
    hidden=_("Một tin nhắn SMS đã được cổng SMS nhận"),
    label=_("Đã gửi tin nhắn SMS"),
)
register(
    "sms.failed",
    compose(_("Không gửi được: %(object)s"), ("error", _(". %(error)s"))),
    hidden=_("Một tin nhắn SMS không gửi được"),
    label=_("Gửi tin nhắn SMS lỗi"),
)
register(
    "sms.delivered",
    _("Cổng SMS báo đã đến máy người nhận: %(object)s"),
    hidden=_("Một tin nhắn SMS đã đến máy người nhận"),
    label=_("Tin nhắn SMS đã đến"),
)
register(
    "sms.mobile",
    compose(_("%(who)s đổi số điện thoại nhận tin nhắn SMS"), ("phone", _(" thành %(phone)s"))),
    hidden=_("%(who)s đổi số điện thoại nhận tin nhắn SMS"),
    label=_("Đổi số nhận SMS"),
)
register(
    "sms.opt_out",
    compose(
        _("%(who)s đổi loại tin nhắn SMS nhận"),
        ("refused", _(", không nhận: %(refused)s")),
        ("accepted", _(", nhận lại: %(accepted)s")),
    ),
    hidden=_("%(who)s đổi loại tin nhắn SMS nhận"),
    label=_("Đổi loại tin nhắn SMS nhận"),
)
