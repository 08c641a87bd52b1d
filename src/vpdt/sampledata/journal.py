"""How loading sample data reads in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import register

sentences.detail_labels(
    "sampledata.",
    {"accounts": _("Số tài khoản"), "agencies": _("Số cơ quan"), "units": _("Số đơn vị"), "users": _("Số người dùng")},
)

register(
    "sampledata.demo_loaded",
    _("Nạp dữ liệu mẫu để dùng thử (%(accounts)s tài khoản)"),
    hidden=_("Nạp dữ liệu mẫu để dùng thử"),
    label=_("Nạp dữ liệu mẫu"),
)
register(
    "sampledata.generate",
    _("Sinh dữ liệu mẫu: %(agencies)s cơ quan, %(units)s đơn vị, %(users)s người dùng"),
    hidden=_("Sinh dữ liệu mẫu"),
    label=_("Sinh dữ liệu mẫu"),
)
