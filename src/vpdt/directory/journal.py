"""How the agency directory's events read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import Role

sentences.detail_labels(
    "directory.",
    {
        "parent": _("Cơ quan cấp trên"),
        "code": _("Mã định danh"),
        "short_name": _("Tên viết tắt"),
        "user": _("Người giữ chức vụ"),
        "role": _("Vai trò"),
        "title": _("Chức danh"),
        "unit": _("Đơn vị"),
    },
    values={"role": Role},
)

register(
    "directory.agency.create",
    _("%(who)s thêm cơ quan %(object)s (mã định danh %(code)s)"),
    hidden=_("%(who)s thêm một cơ quan"),
    label=_("Thêm cơ quan"),
    prefetch=sentences.names("directory.agency", "parent"),
)
register(
    "directory.agency.update",
    _("%(who)s sửa thông tin cơ quan %(object)s"),
    hidden=_("%(who)s sửa thông tin một cơ quan"),
    label=_("Sửa thông tin cơ quan"),
    diff=True,
)
register(
    "directory.unit.create",
    _("%(who)s thêm đơn vị %(object)s"),
    hidden=_("%(who)s thêm một đơn vị"),
    label=_("Thêm đơn vị"),
)
register(
    "directory.unit.update",
    _("%(who)s sửa thông tin đơn vị %(object)s"),
    hidden=_("%(who)s sửa thông tin một đơn vị"),
    label=_("Sửa thông tin đơn vị"),
    diff=True,
)
register(
    "directory.position.assign",
    compose(_("%(who)s giao chức vụ %(object)s cho %(user)s"), ("role", _(" (vai trò %(role)s)"))),
    hidden=_("%(who)s giao một chức vụ"),
    label=_("Giao chức vụ"),
    prefetch=sentences.names("accounts.user", "user", field="username", attr="full_name"),
)
register(
    "directory.position.end",
    _("%(who)s kết thúc chức vụ %(object)s của %(user)s"),
    hidden=_("%(who)s kết thúc một chức vụ"),
    label=_("Kết thúc chức vụ"),
    prefetch=sentences.names("accounts.user", "user", field="username", attr="full_name"),
)
