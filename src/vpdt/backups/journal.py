"""How backups read in the journal (see :mod:`vpdt.journal.sentences`)."""

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

sentences.detail_labels(
    "backup.",
    {
        "file": _("Tệp sao lưu"),
        "size": _("Dung lượng (byte)"),
        "files": _("Số tệp đính kèm"),
        "files_bytes": _("Dung lượng tệp đính kèm (byte)"),
        "database_bytes": _("Dung lượng cơ sở dữ liệu (byte)"),
        "missing_files": _("Số tệp không tìm thấy"),
        "created_at": _("Thời điểm sao lưu"),
        "files_restored": _("Số tệp được khôi phục"),
        "problems": _("Số vấn đề"),
        "checkpoints_set_aside": _("Số điểm kiểm tra được cất riêng"),
    },
    values={"missing_files": sentences.count},
)

register(
    "backup.create",
    compose(
        _("%(who)s sao lưu dữ liệu vào tệp %(object)s"), ("missing_files", _(" (%(missing_files)s tệp không tìm thấy)"))
    ),
    hidden=_("%(who)s sao lưu dữ liệu"),
    label=_("Sao lưu dữ liệu"),
)
register(
    "backup.restore",
    compose(
        _("%(who)s khôi phục dữ liệu từ tệp sao lưu %(object)s"), ("created_at", _(" (sao lưu lúc %(created_at)s)"))
    ),
    hidden=_("%(who)s khôi phục dữ liệu từ một bản sao lưu"),
    label=_("Khôi phục dữ liệu"),
)
