"""How the work calendar reads in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import EntryStatus

sentences.register_group("calendar", _("Lịch công tác"))
sentences.detail_labels(
    "calendar.",
    {
        "calendar": _("Lịch"),
        "when": _("Thời gian"),
        "where": _("Địa điểm"),
        "chair": pgettext_lazy("meeting", "Chủ trì"),
        "participants": _("Thành phần"),
        "links": _("Tài liệu liên quan"),
        "warnings": _("Trùng lịch đã được xác nhận"),
        "recurrence": _("Lặp lại"),
        "location": _("Vị trí"),
        "active": _("Tình trạng"),
        "grantee": _("Người được giao"),
        "ended": _("Kết thúc lúc"),
        "kept_months": _("Thời hạn lưu (tháng)"),
    },
    values={"from": EntryStatus, "to": EntryStatus},
)

register(
    "calendar.entry.create",
    _("%(who)s đăng ký lịch “%(object)s” lúc %(when)s"),
    hidden=_("%(who)s đăng ký một lịch công tác"),
    label=_("Đăng ký lịch"),
)
register(
    "calendar.entry.edit",
    _("%(who)s sửa lịch “%(object)s”, lúc %(when)s"),
    hidden=_("%(who)s sửa một lịch công tác"),
    label=_("Sửa lịch"),
)
register(
    "calendar.entry.approve",
    _("%(who)s duyệt lịch “%(object)s” lúc %(when)s"),
    hidden=_("%(who)s duyệt một lịch công tác"),
    label=_("Duyệt lịch"),
)
register(
    "calendar.entry.refuse",
    compose(_("%(who)s từ chối lịch “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s từ chối một lịch công tác"),
    label=_("Từ chối lịch"),
)
register(
    "calendar.entry.cancel",
    compose(_("%(who)s hủy lịch “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s hủy một lịch công tác"),
    label=_("Hủy lịch"),
)
register(
    "calendar.entry.expire",
    _("Hệ thống xóa lịch “%(object)s” (kết thúc lúc %(ended)s) đã hết thời hạn lưu"),
    hidden=_("Hệ thống xóa một lịch công tác đã hết thời hạn lưu"),
    label=_("Xóa lịch hết thời hạn lưu"),
)
register(
    "calendar.room.create",
    _("%(who)s thêm phòng họp “%(object)s”"),
    hidden=_("%(who)s thêm một phòng họp"),
    label=_("Thêm phòng họp"),
)
register(
    "calendar.room.update",
    _("%(who)s sửa phòng họp “%(object)s”"),
    hidden=_("%(who)s sửa một phòng họp"),
    label=_("Sửa phòng họp"),
)
register(
    "calendar.grant",
    _("%(who)s giao %(grantee)s quyền quản lý %(calendar)s"),
    hidden=_("%(who)s giao quyền quản lý lịch"),
    label=_("Giao quyền quản lý lịch"),
)
register(
    "calendar.revoke",
    _("%(who)s thu hồi quyền quản lý %(calendar)s của %(grantee)s"),
    hidden=_("%(who)s thu hồi quyền quản lý lịch"),
    label=_("Thu hồi quyền quản lý lịch"),
)
