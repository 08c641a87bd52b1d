"""How tasks (giao việc, nhắc việc) read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import TaskStatus

sentences.register_group("orders", _("Giao việc, nhắc việc"))
sentences.detail_labels(
    "orders.",
    {
        "lead": _("Chủ trì"),
        "deadline": _("Hạn hoàn thành"),
        "priority": _("Độ ưu tiên"),
        "cooperators": _("Phối hợp"),
        "files": _("Tệp đính kèm"),
        "links": _("Văn bản liên quan"),
        "parent": _("Nhiệm vụ cha"),
        "progress": _("Tiến độ"),
        "until": _("Đến ngày"),
        "kind": _("Hình thức"),
        "text": _("Nội dung"),
        "recipients": _("Gửi đến"),
        "before": _("Hạn trước đó"),
        "channels": _("Kênh gửi"),
        "told": _("Số thông báo"),
    },
    values={"from": TaskStatus, "to": TaskStatus},
)

register(
    "orders.task.create",
    _("%(who)s giao nhiệm vụ “%(object)s” cho %(lead)s, hạn %(deadline)s"),
    hidden=_("%(who)s giao một nhiệm vụ"),
    label=_("Giao nhiệm vụ"),
)
register(
    "orders.task.delegate",
    _("%(who)s giao nhiệm vụ con của “%(object)s” cho %(lead)s"),
    hidden=_("%(who)s giao một nhiệm vụ con"),
    label=_("Giao nhiệm vụ con"),
)
register(
    "orders.task.accept",
    _("%(who)s tiếp nhận nhiệm vụ “%(object)s”"),
    hidden=_("%(who)s tiếp nhận một nhiệm vụ"),
    label=_("Tiếp nhận nhiệm vụ"),
)
register(
    "orders.task.return",
    compose(_("%(who)s trả lại nhiệm vụ “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s trả lại một nhiệm vụ"),
    label=_("Trả lại nhiệm vụ"),
)
register(
    "orders.task.report",
    _("%(who)s báo cáo tiến độ %(progress)s nhiệm vụ “%(object)s”"),
    hidden=_("%(who)s báo cáo tiến độ một nhiệm vụ"),
    label=_("Báo cáo tiến độ"),
)
register(
    "orders.task.submit",
    _("%(who)s trình kết quả nhiệm vụ “%(object)s” để đánh giá"),
    hidden=_("%(who)s trình kết quả một nhiệm vụ"),
    label=_("Trình kết quả nhiệm vụ"),
)
register(
    "orders.task.complete",
    _("%(who)s đánh giá hoàn thành nhiệm vụ “%(object)s”"),
    hidden=_("%(who)s đánh giá hoàn thành một nhiệm vụ"),
    label=_("Hoàn thành nhiệm vụ"),
)
register(
    "orders.task.send_back",
    compose(_("%(who)s trả lại kết quả nhiệm vụ “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s trả lại kết quả một nhiệm vụ"),
    label=_("Trả lại kết quả nhiệm vụ"),
)
register(
    "orders.task.reassign",
    _("%(who)s giao lại nhiệm vụ “%(object)s”"),
    hidden=_("%(who)s giao lại một nhiệm vụ"),
    label=_("Giao lại nhiệm vụ"),
)
register(
    "orders.task.request_extension",
    compose(
        _("%(who)s đề nghị gia hạn nhiệm vụ “%(object)s” đến ngày %(until)s"), ("reason", _(", lý do: %(reason)s"))
    ),
    hidden=_("%(who)s đề nghị gia hạn một nhiệm vụ"),
    label=_("Đề nghị gia hạn nhiệm vụ"),
)
register(
    "orders.task.grant_extension",
    _("%(who)s gia hạn nhiệm vụ “%(object)s” đến ngày %(until)s"),
    hidden=_("%(who)s gia hạn một nhiệm vụ"),
    label=_("Gia hạn nhiệm vụ"),
)
register(
    "orders.task.refuse_extension",
    compose(_("%(who)s không gia hạn nhiệm vụ “%(object)s”"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s không gia hạn một nhiệm vụ"),
    label=_("Không gia hạn nhiệm vụ"),
)
register(
    "orders.task.follow_up",
    _("%(who)s đôn đốc (%(kind)s) nhiệm vụ “%(object)s” gửi %(recipients)s"),
    hidden=_("%(who)s đôn đốc một nhiệm vụ"),
    label=_("Đôn đốc nhiệm vụ"),
)
