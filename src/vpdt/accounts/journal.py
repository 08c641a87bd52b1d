"""How the account and sign-in events read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .lockout import PAIR, USERNAME, WAIT
from .models import AccountStatus, StatusReason

FAILED_LOGINS = "failed_logins"  # account.unlock of an active account kept out by failed logins


def _reason(value) -> str:
    if value == FAILED_LOGINS:
        return gettext("đăng nhập sai nhiều lần")
    return sentences.choice(StatusReason, value)


def _lockout(value) -> str:
    return {
        PAIR: gettext("tên đăng nhập từ địa chỉ này"),
        USERNAME: gettext("tên đăng nhập từ mọi địa chỉ"),
        WAIT: gettext("phải chờ trước lần thử sau"),
    }.get(value, value)


sentences.detail_labels(
    "account.",
    {
        "reason": _("Lý do"),
        "note": _("Ghi chú"),
        "username": _("Tên đăng nhập"),
        "full_name": _("Họ và tên"),
        "tokens_revoked": _("Số khóa truy cập API bị thu hồi"),
        "sessions_ended": _("Số phiên đăng nhập bị kết thúc"),
    },
    values={"reason": _reason, "from": AccountStatus, "to": AccountStatus},
)
sentences.detail_labels(
    "auth.",
    {"username": _("Tên đăng nhập"), "ip": _("Địa chỉ IP"), "scope": _("Bị chặn"), "status": _("Trạng thái tài khoản")},
    values={"scope": _lockout, "status": AccountStatus},
)

WHY = (("reason", _(", lý do: %(reason)s")), ("note", _(" (%(note)s)")))

register(
    "account.create",
    _("%(who)s tạo tài khoản %(object)s"),
    hidden=_("%(who)s tạo một tài khoản"),
    label=_("Tạo tài khoản"),
)
register(
    "account.password_reset",
    _("%(who)s cấp lại mật khẩu cho tài khoản %(object)s"),
    hidden=_("%(who)s cấp lại mật khẩu cho một tài khoản"),
    label=_("Cấp lại mật khẩu"),
)
register(
    "account.password_change",
    _("%(who)s đổi mật khẩu của mình"),
    hidden=_("%(who)s đổi mật khẩu của mình"),
    label=_("Đổi mật khẩu"),
)
register(
    "account.lock",
    compose(_("%(who)s khóa tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s khóa một tài khoản"),
    label=_("Khóa tài khoản"),
)
register(
    "account.unlock",
    compose(_("%(who)s mở khóa tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s mở khóa một tài khoản"),
    label=_("Mở khóa tài khoản"),
)
register(
    "account.revoke",
    compose(_("%(who)s thu hồi tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s thu hồi một tài khoản"),
    label=_("Thu hồi tài khoản"),
)
register(
    "account.reinstate",
    compose(_("%(who)s cấp lại tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s cấp lại một tài khoản"),
    label=_("Cấp lại tài khoản"),
)
register(
    "account.deactivate",
    compose(_("%(who)s vô hiệu hóa tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s vô hiệu hóa một tài khoản"),
    label=_("Vô hiệu hóa tài khoản"),
)
register(
    "account.reactivate",
    compose(_("%(who)s kích hoạt lại tài khoản %(object)s"), *WHY),
    hidden=_("%(who)s kích hoạt lại một tài khoản"),
    label=_("Kích hoạt lại tài khoản"),
)

FROM = (("ip", _(" từ địa chỉ %(ip)s")),)
register("auth.login", compose(_("%(who)s đăng nhập"), *FROM), hidden=_("%(who)s đăng nhập"), label=_("Đăng nhập"))
register("auth.logout", _("%(who)s đăng xuất"), hidden=_("%(who)s đăng xuất"), label=_("Đăng xuất"))
register(
    "auth.login_failed",
    compose(_("Đăng nhập không thành công vào tài khoản %(object)s"), *FROM),
    hidden=_("Một lần đăng nhập không thành công"),
    label=_("Đăng nhập không thành công"),
)
register(
    "auth.login_refused",
    compose(_("Từ chối đăng nhập vào tài khoản %(object)s (trạng thái: %(status)s)"), *FROM),
    hidden=_("Từ chối một lần đăng nhập vào tài khoản không hoạt động"),
    label=_("Từ chối đăng nhập"),
)
register(
    "auth.login_throttled",
    compose(_("Tạm hoãn đăng nhập vào tài khoản %(object)s sau nhiều lần nhập sai mật khẩu"), *FROM),
    hidden=_("Tạm hoãn đăng nhập vào một tài khoản sau nhiều lần nhập sai mật khẩu"),
    label=_("Tạm hoãn đăng nhập"),
)
register(
    "auth.lockout",
    compose(_("Chặn đăng nhập vào tài khoản %(object)s sau nhiều lần nhập sai mật khẩu"), *FROM),
    hidden=_("Chặn đăng nhập vào một tài khoản sau nhiều lần nhập sai mật khẩu"),
    label=_("Chặn đăng nhập"),
)
