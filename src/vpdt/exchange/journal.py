"""How the exchange reads in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.directory.models import Agency
from vpdt.journal import sentences
from vpdt.journal.sentences import compose
from vpdt.journal.sentences import register as _register
from vpdt.outgoing.models import DeliveryStatus

from .edxml.model import BUSINESS_LABELS, BusinessType
from .models import ExternalAgency, MessageType

ORGANS = ("from", "to", "recipient_organ")  # details keys that hold an agency's code (mã định danh)
STATUSES = {choice.value: choice.label for choice in DeliveryStatus if choice.value}


def _organs(facts) -> None:
    """The agencies the details name by code, told by name (“Ủy ban nhân dân tỉnh Hà Tĩnh (000.00.00.H42)”), from
    the agencies of this deployment and the exchange directory: two queries for a page."""
    codes = {f.details.get(key) for f in facts for key in ORGANS}
    codes = {code for code in codes if isinstance(code, str) and code}
    if not codes:
        return
    names = dict(ExternalAgency.objects.filter(organ_id__in=codes).values_list("organ_id", "name"))
    names.update(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    for item in facts:
        for key in ORGANS:
            code = item.details.get(key)
            if isinstance(code, str) and code in names:
                item.extra[key] = f"{names[code]} ({code})"


def _code(value) -> str:
    """A status code (“03”) or a business type (“0”) of a message, by its name."""
    text = str(value)
    if text in STATUSES:
        return f"{STATUSES[text]} ({text})"
    try:
        return BUSINESS_LABELS[BusinessType(int(text))]
    except (ValueError, KeyError):
        return text


def register(action, text, *, hidden, label, **kwargs):
    """A sentence of the exchange: the agencies its details name by code are told by name."""
    _register(action, text, hidden=hidden, label=label, prefetch=kwargs.pop("prefetch", _organs), **kwargs)


sentences.detail_labels(
    "exchange.",
    {
        "document_id": _("Mã văn bản liên thông"),
        "to": _("Cơ quan nhận"),
        "from": _("Cơ quan gửi"),
        "kind": _("Loại gói tin"),
        "code": _("Nghiệp vụ hoặc trạng thái"),
        "attempts": _("Số lần gửi"),
        "error": _("Lỗi"),
        "dead": _("Ngừng gửi lại"),
        "reason": _("Lý do"),
        "partner": _("Hệ thống"),
        "path": _("Đường dẫn"),
        "recipient_organ": _("Cơ quan nhận"),
        "role": _("Vai trò"),
        "added": _("Số cơ quan thêm mới"),
        "updated": _("Số cơ quan cập nhật"),
        "inactive": _("Số cơ quan ngừng liên thông"),
        "fields": _("Thông tin đã cập nhật"),
        "answers": None,
    },
    {"kind": MessageType},
)
sentences.detail_labels(
    "outgoing.delivery.",
    {
        "recipient_organ": _("Cơ quan nhận (hệ thống khác)"),
        "status": _("Trạng thái"),
        "remote": _("Từ hệ thống khác"),
    },
    {"status": DeliveryStatus},
)

register(
    "exchange.queue",
    _("%(who)s đưa gói tin %(document_id)s gửi %(to)s vào hàng đợi liên thông"),
    hidden=_("%(who)s đưa một gói tin vào hàng đợi liên thông"),
    label=_("Chờ gửi liên thông"),
    values={"code": _code},
)
register(
    "exchange.send",
    _("%(who)s gửi gói tin %(document_id)s tới %(to)s (lần %(attempts)s)"),
    hidden=_("%(who)s gửi một gói tin liên thông"),
    label=_("Đã gửi liên thông"),
)
register(
    "exchange.fail",
    _("Gửi gói tin %(document_id)s tới %(to)s không thành công: %(error)s"),
    hidden=_("Gửi một gói tin liên thông không thành công"),
    label=_("Gửi liên thông lỗi"),
)
register(
    "exchange.resend",
    _("%(who)s gửi lại gói tin %(document_id)s"),
    hidden=_("%(who)s gửi lại một gói tin liên thông"),
    label=_("Gửi lại liên thông"),
)
register(
    "exchange.refuse_package",
    compose(_("Từ chối nhận một gói tin liên thông: %(reason)s"), ("partner", _(" (từ hệ thống %(partner)s)"))),
    hidden=_("Từ chối nhận một gói tin liên thông"),
    label=_("Từ chối gói tin"),
)
register(
    "exchange.arrive",
    _("Văn bản %(document_id)s của %(from)s đến qua liên thông cho %(to)s"),
    hidden=_("Một văn bản đến qua liên thông"),
    label=_("Văn bản đến qua liên thông"),
)
register(
    "exchange.forward",
    _("Chuyển tiếp văn bản %(document_id)s của %(from)s tới %(to)s qua hệ thống %(partner)s"),
    hidden=_("Chuyển tiếp một văn bản liên thông"),
    label=_("Chuyển tiếp liên thông"),
)
register(
    "exchange.refuse",
    _("Từ chối tiếp nhận văn bản liên thông %(document_id)s: %(reason)s"),
    hidden=_("Từ chối tiếp nhận một văn bản liên thông"),
    label=_("Từ chối văn bản liên thông"),
)
register(
    "exchange.status",
    _("Nhận trạng thái %(code)s của văn bản %(document_id)s từ %(from)s"),
    hidden=_("Nhận trạng thái của một văn bản liên thông"),
    label=_("Nhận trạng thái liên thông"),
    values={"code": _code},
)
# Recorded by earlier versions, before a refused recall (16) moved the delivery machine: still in old journals.
register(
    "exchange.recall_refused",
    _("%(recipient_organ)s không đồng ý thu hồi %(object)s: %(reason)s"),
    hidden=_("Nơi nhận không đồng ý thu hồi một văn bản"),
    label=_("Không đồng ý thu hồi"),
)
register(
    "exchange.auth_refused",
    _("Từ chối một yêu cầu tới trục liên thông (%(path)s): %(reason)s"),
    hidden=_("Từ chối một yêu cầu tới trục liên thông"),
    label=_("Từ chối xác thực liên thông"),
)
register(
    "exchange.fetched",
    _("Hệ thống %(partner)s đã lấy gói tin %(document_id)s"),
    hidden=_("Một hệ thống kết nối đã lấy một gói tin"),
    label=_("Hệ thống nhận đã lấy gói tin"),
)
register(
    "exchange.poll_failed",
    _("Không lấy được gói tin từ hệ thống %(partner)s: %(error)s"),
    hidden=_("Không lấy được gói tin từ trục liên thông"),
    label=_("Lấy gói tin lỗi"),
)
register(
    "exchange.not_ours",
    _("Bỏ qua gói tin %(document_id)s: không gửi cho cơ quan nào của hệ thống này"),
    hidden=_("Bỏ qua một gói tin không thuộc hệ thống này"),
    label=_("Gói tin không thuộc hệ thống"),
)
register(
    "exchange.register",
    _("%(who)s tiếp nhận văn bản liên thông %(document_id)s của %(from)s, vào sổ thành %(object)s"),
    hidden=_("%(who)s tiếp nhận một văn bản liên thông"),
    label=_("Tiếp nhận văn bản liên thông"),
)
register(
    "exchange.update_applied",
    _("%(who)s cập nhật %(object)s theo văn bản cập nhật liên thông %(document_id)s của %(from)s"),
    hidden=_("%(who)s cập nhật một văn bản đến theo văn bản cập nhật liên thông"),
    label=_("Áp dụng văn bản cập nhật liên thông"),
)
register(
    "exchange.partner.register",
    _("%(who)s đăng ký hệ thống liên thông %(object)s (mã %(code)s)"),
    hidden=_("%(who)s đăng ký một hệ thống liên thông"),
    label=_("Đăng ký hệ thống liên thông"),
)
register(
    "exchange.partner.renew",
    _("%(who)s cấp lại khóa bí mật cho hệ thống %(object)s"),
    hidden=_("%(who)s cấp lại khóa của một hệ thống liên thông"),
    label=_("Cấp lại khóa liên thông"),
)
register(
    "exchange.partner.connect",
    _("%(who)s kết nối lại hệ thống %(object)s"),
    hidden=_("%(who)s kết nối lại một hệ thống liên thông"),
    label=_("Kết nối hệ thống liên thông"),
)
register(
    "exchange.partner.disconnect",
    _("%(who)s ngừng kết nối hệ thống %(object)s"),
    hidden=_("%(who)s ngừng kết nối một hệ thống liên thông"),
    label=_("Ngừng kết nối liên thông"),
)
register(
    "exchange.directory.sync",
    _("%(who)s đồng bộ danh bạ liên thông từ %(object)s: thêm %(added)s, cập nhật %(updated)s, ngừng %(inactive)s"),
    hidden=_("%(who)s đồng bộ danh bạ liên thông"),
    label=_("Đồng bộ danh bạ liên thông"),
)
register(
    "exchange.recall_withdrawn",
    _("Cơ quan gửi thu hồi văn bản %(document_id)s chưa vào sổ: đã rút khỏi danh sách chờ tiếp nhận (%(reason)s)"),
    hidden=_("Một văn bản liên thông chưa vào sổ được cơ quan gửi thu hồi"),
    label=_("Thu hồi văn bản chưa vào sổ"),
)
register(
    "exchange.recall_requested",
    _("Cơ quan gửi đề nghị thu hồi văn bản %(document_id)s đã vào sổ: %(reason)s"),
    hidden=_("Cơ quan gửi đề nghị thu hồi một văn bản liên thông"),
    label=_("Đề nghị thu hồi"),
)
register(
    "exchange.recall_declined",
    _("%(who)s không đồng ý thu hồi văn bản %(document_id)s: %(reason)s"),
    hidden=_("%(who)s không đồng ý thu hồi một văn bản liên thông"),
    label=_("Không đồng ý thu hồi"),
)
