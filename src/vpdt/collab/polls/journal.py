"""How polls read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import PollStatus, RequestStatus

sentences.register_group("polls", _("Lấy ý kiến dự thảo"))
sentences.detail_labels(
    "polls.",
    {
        "grantee": _("Người được giao"),
        "draft": _("Dự thảo"),
        "valid_until": _("Hiệu lực đến"),
        "audience": _("Lấy ý kiến"),
        "deadline": _("Hạn trả lời"),
        "respondents": _("Số người được hỏi"),
        "until": _("Đến ngày"),
        "expires_at": _("Lưu đến"),
        "answered": _("Số người đã trả lời"),
        "not_answered": _("Số người chưa trả lời"),
        "attached": _("Đã gửi tổng hợp vào dự thảo"),
        "reminded": _("Số người được nhắc"),
        "requester": _("Người đề nghị"),
    },
    values={"from": PollStatus, "to": PollStatus},
)
REQUEST_VALUES = {"from": RequestStatus, "to": RequestStatus}

register(
    "polls.grant",
    _("%(who)s giao %(grantee)s lấy ý kiến về %(draft)s"),
    hidden=_("%(who)s giao quyền lấy ý kiến"),
    label=_("Giao quyền lấy ý kiến"),
)
register(
    "polls.revoke",
    _("%(who)s thu hồi quyền lấy ý kiến của %(grantee)s về %(draft)s"),
    hidden=_("%(who)s thu hồi quyền lấy ý kiến"),
    label=_("Thu hồi quyền lấy ý kiến"),
)
register(
    "polls.open",
    _("%(who)s mở đợt lấy ý kiến “%(object)s” của %(audience)s, hạn trả lời %(deadline)s"),
    hidden=_("%(who)s mở một đợt lấy ý kiến"),
    label=_("Mở đợt lấy ý kiến"),
)
register(
    "polls.answer",
    _("%(who)s cho ý kiến về “%(object)s”"),
    hidden=_("%(who)s cho ý kiến trong một đợt lấy ý kiến"),
    label=_("Cho ý kiến"),
)
register(
    "polls.answer_edit",
    _("%(who)s sửa ý kiến về “%(object)s”"),
    hidden=_("%(who)s sửa ý kiến trong một đợt lấy ý kiến"),
    label=_("Sửa ý kiến"),
)
register(
    "polls.extend_deadline",
    _("%(who)s gia hạn trả lời đợt lấy ý kiến “%(object)s” đến ngày %(until)s"),
    hidden=_("%(who)s gia hạn trả lời một đợt lấy ý kiến"),
    label=_("Gia hạn trả lời"),
)
register(
    "polls.close",
    _("%(who)s kết thúc đợt lấy ý kiến “%(object)s”"),
    hidden=_("%(who)s kết thúc một đợt lấy ý kiến"),
    label=_("Kết thúc lấy ý kiến"),
)
register(
    "polls.auto_close",
    _("Hệ thống tự động đóng đợt lấy ý kiến “%(object)s” khi hết hạn trả lời"),
    hidden=_("Hệ thống tự động đóng một đợt lấy ý kiến khi hết hạn trả lời"),
    label=_("Tự động đóng khi hết hạn"),
)
register(
    "polls.ask_more_time",
    compose(
        _("%(who)s đề nghị gia hạn trả lời đợt lấy ý kiến “%(object)s” đến ngày %(until)s"),
        ("reason", _(", lý do: %(reason)s")),
    ),
    hidden=_("%(who)s đề nghị gia hạn trả lời một đợt lấy ý kiến"),
    label=_("Đề nghị gia hạn trả lời"),
)
register(
    "polls.deadline_request.grant",
    _("%(who)s gia hạn trả lời đợt lấy ý kiến “%(object)s” đến ngày %(until)s theo đề nghị của %(requester)s"),
    hidden=_("%(who)s gia hạn trả lời một đợt lấy ý kiến theo đề nghị"),
    label=_("Gia hạn trả lời theo đề nghị"),
    values=REQUEST_VALUES,
)
register(
    "polls.deadline_request.decline",
    compose(
        _("%(who)s không gia hạn trả lời đợt lấy ý kiến “%(object)s” theo đề nghị của %(requester)s"),
        ("reason", _(", lý do: %(reason)s")),
    ),
    hidden=_("%(who)s không gia hạn trả lời một đợt lấy ý kiến"),
    label=_("Không gia hạn trả lời"),
    values=REQUEST_VALUES,
)
register(
    "polls.deadline_request.lapse",
    _("Đề nghị gia hạn trả lời của %(requester)s hết hiệu lực vì đợt lấy ý kiến “%(object)s” đã kết thúc"),
    hidden=_("Một đề nghị gia hạn trả lời hết hiệu lực vì đợt lấy ý kiến đã kết thúc"),
    label=_("Đề nghị gia hạn trả lời hết hiệu lực"),
    values=REQUEST_VALUES,
)
register(
    "polls.remind",
    _("Hệ thống nhắc người chưa trả lời đợt lấy ý kiến “%(object)s”"),
    hidden=_("Hệ thống nhắc người chưa trả lời một đợt lấy ý kiến"),
    label=_("Nhắc trả lời ý kiến"),
)
register(
    "polls.request_extension",
    compose(
        _("%(who)s đề nghị gia hạn lưu đợt lấy ý kiến “%(object)s” đến ngày %(until)s"),
        ("reason", _(", lý do: %(reason)s")),
    ),
    hidden=_("%(who)s đề nghị gia hạn lưu một đợt lấy ý kiến"),
    label=_("Đề nghị gia hạn lưu đợt lấy ý kiến"),
)
register(
    "polls.extend",
    _("%(who)s gia hạn lưu đợt lấy ý kiến “%(object)s” đến ngày %(until)s"),
    hidden=_("%(who)s gia hạn lưu một đợt lấy ý kiến"),
    label=_("Gia hạn lưu đợt lấy ý kiến"),
)
register(
    "polls.expire",
    _("Hệ thống xóa đợt lấy ý kiến “%(object)s” đã hết thời hạn lưu (lưu đến %(expires_at)s)"),
    hidden=_("Hệ thống xóa một đợt lấy ý kiến hết thời hạn lưu"),
    label=_("Xóa đợt lấy ý kiến hết hạn lưu"),
)
