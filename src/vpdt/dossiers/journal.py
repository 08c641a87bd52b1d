"""How dossiers (hồ sơ công việc) read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import DossierStatus

sentences.detail_labels(
    "dossier.",
    {
        "year": _("Năm"),
        "file_code": _("Số và ký hiệu hồ sơ"),
        "title": _("Tiêu đề hồ sơ"),
        "incoming": None,
        "item": None,
        "arrival_number": _("Số đến"),
        "number_symbol": _("Số, ký hiệu văn bản"),
        "pages": _("Số trang"),
        "format": _("Định dạng"),
        "documents": _("Số văn bản"),
    },
    values={"from": DossierStatus, "to": DossierStatus},
)

register("dossier.create", _("%(who)s lập hồ sơ %(object)s"), hidden=_("%(who)s lập một hồ sơ"), label=_("Lập hồ sơ"))
register(
    "dossier.update",
    _("%(who)s sửa hồ sơ %(object)s"),
    hidden=_("%(who)s sửa một hồ sơ"),
    label=_("Sửa hồ sơ"),
    diff=True,
)
register(
    "dossier.file",
    compose(
        _("%(who)s đưa vào hồ sơ %(object)s văn bản đến số %(arrival_number)s/%(year)s"),
        ("number_symbol", _(" (%(number_symbol)s)")),
    ),
    hidden=_("%(who)s đưa một văn bản vào hồ sơ"),
    label=_("Đưa văn bản vào hồ sơ"),
)
register(
    "dossier.remove_item",
    compose(_("%(who)s rút một văn bản khỏi hồ sơ %(object)s"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s rút một văn bản khỏi hồ sơ"),
    label=_("Rút văn bản khỏi hồ sơ"),
)
register(
    "dossier.export",
    _("%(who)s xuất hồ sơ %(object)s (%(documents)s văn bản, định dạng %(format)s)"),
    hidden=_("%(who)s xuất một hồ sơ"),
    label=_("Xuất hồ sơ"),
)
register(
    "dossier.close",
    _("%(who)s kết thúc hồ sơ %(object)s"),
    hidden=_("%(who)s kết thúc một hồ sơ"),
    label=_("Kết thúc hồ sơ"),
)
register(
    "dossier.reopen",
    _("%(who)s mở lại hồ sơ %(object)s"),
    hidden=_("%(who)s mở lại một hồ sơ"),
    label=_("Mở lại hồ sơ"),
)
register(
    "dossier.archive",
    _("%(who)s nộp lưu hồ sơ %(object)s"),
    hidden=_("%(who)s nộp lưu một hồ sơ"),
    label=_("Nộp lưu hồ sơ"),
)
# Recorded by this app on the incoming document, so that its trail shows where it was filed.
register(
    "incoming.filed",
    _("%(who)s đưa văn bản đến %(object)s vào hồ sơ %(file_code)s"),
    hidden=_("%(who)s đưa một văn bản đến vào hồ sơ"),
    label=_("Đưa vào hồ sơ công việc"),
    details={"dossier": None, "file_code": _("Số và ký hiệu hồ sơ")},
)
