"""How internal mail reads in the journal (see :mod:`vpdt.journal.sentences`). The subject and the addressees are
shown only to those who see the message (its sender and recipients); anyone else reads the hidden sentence."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import Kind

sentences.detail_labels(
    "internalmail.",
    {
        "kind": _("Loại thư"),
        "to": _("Gửi đến"),
        "recipients": _("Số người nhận"),
        "reply_to": None,
        "forwarded_from": None,
        "folder": _("Thư mục"),
        "old_name": _("Tên cũ"),
        "moved": _("Số thư trả về hộp thư"),
        "removed": _("Số bản thư đã xóa"),
        "days": _("Số ngày lưu trong thùng rác"),
    },
    values={"kind": Kind},
)

register(
    "internalmail.send",
    compose(_("%(who)s gửi thư “%(object)s”"), ("to", _(" đến %(to)s"))),
    hidden=_("%(who)s gửi một thư nội bộ"),
    label=_("Gửi thư"),
)
register(
    "internalmail.draft",
    _("%(who)s lưu nháp thư “%(object)s”"),
    hidden=_("%(who)s lưu nháp một thư nội bộ"),
    label=_("Lưu nháp thư"),
)
register(
    "internalmail.move",
    _("%(who)s chuyển thư “%(object)s” vào %(folder)s"),
    hidden=_("%(who)s sắp xếp một thư nội bộ"),
    label=_("Chuyển thư vào thư mục"),
)
register(
    "internalmail.trash",
    _("%(who)s chuyển thư “%(object)s” vào thùng rác"),
    hidden=_("%(who)s chuyển một thư nội bộ vào thùng rác"),
    label=_("Chuyển thư vào thùng rác"),
)
register(
    "internalmail.restore",
    _("%(who)s khôi phục thư “%(object)s” từ thùng rác"),
    hidden=_("%(who)s khôi phục một thư nội bộ"),
    label=_("Khôi phục thư"),
)
register(
    "internalmail.delete",
    _("%(who)s xóa hẳn bản thư “%(object)s” của mình"),
    hidden=_("%(who)s xóa hẳn một thư nội bộ của mình"),
    label=_("Xóa hẳn thư"),
)
register(
    "internalmail.folder_create",
    _("%(who)s tạo thư mục thư “%(object)s”"),
    hidden=_("%(who)s tạo một thư mục thư"),
    label=_("Tạo thư mục thư"),
)
register(
    "internalmail.folder_rename",
    _("%(who)s đổi tên thư mục thư “%(old_name)s” thành “%(object)s”"),
    hidden=_("%(who)s đổi tên một thư mục thư"),
    label=_("Đổi tên thư mục thư"),
)
register(
    "internalmail.folder_delete",
    _("%(who)s xóa thư mục thư “%(object)s”"),
    hidden=_("%(who)s xóa một thư mục thư"),
    label=_("Xóa thư mục thư"),
)
register(
    "internalmail.empty_trash",
    _("Hệ thống xóa %(removed)s bản thư để trong thùng rác quá %(days)s ngày"),
    hidden=_("Hệ thống dọn thùng rác thư nội bộ"),
    label=_("Dọn thùng rác thư"),
)
