"""How announcements and boards read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

sentences.register_group("boards", _("Thông báo và bảng tin"))
sentences.detail_labels(
    "boards.",
    {
        "posted_as": _("Với tư cách"),
        "audience": _("Gửi đến"),
        "expires_at": _("Lưu đến"),
        "until": _("Đến ngày"),
        "board": _("Bảng tin"),
        "member": _("Thành viên"),
        "removed": _("Số thông báo đã xóa"),
        "titles": _("Thông báo đã xóa"),
        "is_manager": _("Quản lý thành viên"),
        "may_announce": _("Được đăng thông báo"),
    },
)

register(
    "boards.announcement.post",
    _("%(who)s đăng thông báo “%(object)s” gửi %(audience)s"),
    hidden=_("%(who)s đăng một thông báo"),
    label=_("Đăng thông báo"),
)
register(
    "boards.announcement.edit",
    _("%(who)s sửa thông báo “%(object)s”"),
    hidden=_("%(who)s sửa một thông báo"),
    label=_("Sửa thông báo"),
    diff=True,
)
register(
    "boards.announcement.remove",
    _("%(who)s gỡ thông báo “%(object)s”"),
    hidden=_("%(who)s gỡ một thông báo"),
    label=_("Gỡ thông báo"),
)
register(
    "boards.announcement.request_extension",
    compose(
        _("%(who)s đề nghị gia hạn lưu thông báo “%(object)s” đến ngày %(until)s"), ("reason", _(", lý do: %(reason)s"))
    ),
    hidden=_("%(who)s đề nghị gia hạn lưu một thông báo"),
    label=_("Đề nghị gia hạn thông báo"),
)
register(
    "boards.announcement.extend",
    _("%(who)s gia hạn lưu thông báo “%(object)s” đến ngày %(until)s"),
    hidden=_("%(who)s gia hạn lưu một thông báo"),
    label=_("Gia hạn thông báo"),
)
register(
    "boards.announcement.decline_extension",
    compose(_("%(who)s không gia hạn lưu thông báo “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s không gia hạn lưu một thông báo"),
    label=_("Không gia hạn thông báo"),
)
register(
    "boards.announcement.expire",
    _("Hệ thống xóa thông báo “%(object)s” đã hết thời hạn lưu (lưu đến %(expires_at)s)"),
    hidden=_("Hệ thống xóa một thông báo hết thời hạn lưu"),
    label=_("Xóa thông báo hết hạn lưu"),
)
register(
    "boards.post.create",
    _("%(who)s đăng tin “%(object)s” lên %(board)s"),
    hidden=_("%(who)s đăng một tin lên bảng tin"),
    label=_("Đăng tin"),
)
register(
    "boards.post.remove",
    _("%(who)s gỡ tin “%(object)s” khỏi %(board)s"),
    hidden=_("%(who)s gỡ một tin khỏi bảng tin"),
    label=_("Gỡ tin"),
)
register(
    "boards.member.add",
    _("%(who)s thêm %(member)s vào %(object)s"),
    hidden=_("%(who)s thêm một thành viên vào bảng tin"),
    label=_("Thêm thành viên bảng tin"),
)
register(
    "boards.member.change",
    _("%(who)s đổi quyền của %(member)s trong %(object)s"),
    hidden=_("%(who)s đổi quyền một thành viên bảng tin"),
    label=_("Đổi quyền thành viên bảng tin"),
)
register(
    "boards.member.remove",
    _("%(who)s đưa %(member)s ra khỏi %(object)s"),
    hidden=_("%(who)s đưa một thành viên ra khỏi bảng tin"),
    label=_("Bớt thành viên bảng tin"),
)
