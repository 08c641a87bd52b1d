"""How digitization and scans read in the journal (see :mod:`vpdt.journal.sentences`)."""

import re

from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import Method, Status

sentences.detail_labels(
    "digitize.",
    {
        "file": None,
        "document": None,
        "archive": None,
        "owner": None,
        "name": _("Tệp"),
        "method": _("Cách số hóa"),
        "reason": _("Lý do"),
        "error": _("Lỗi"),
        "pages": _("Số trang"),
        "pdfa": _("Đã chuyển sang PDF/A"),
        "attempts": _("Số lần chạy"),
        "stale": _("Bộ xử lý bị dừng giữa chừng"),
        "colour": _("Bản quét màu (đã tách mực dấu, chữ ký)"),
        "detail": None,
    },
    values={"method": Method, "from": Status, "to": Status},
)


def _files(facts) -> None:
    """Each entry's file name, ``%(file)s``: in the details, else in the digitization's name (“Số hóa “x.pdf””)."""
    for item in facts:
        match = re.search(r"“(.+)”", item["object"])
        item.extra["file"] = item["name"] or (match.group(1) if match else item["object"])


def _register(action, text, **kwargs):
    register(action, text, prefetch=_files, **kwargs)


_register(
    "digitize.enqueue",
    _("%(who)s đưa tệp “%(file)s” vào hàng đợi số hóa"),
    hidden=_("%(who)s đưa một tệp vào hàng đợi số hóa"),
    label=_("Đưa vào hàng đợi số hóa"),
)
_register(
    "digitize.start", _("Bắt đầu số hóa tệp “%(file)s”"), hidden=_("Bắt đầu số hóa một tệp"), label=_("Bắt đầu số hóa")
)
_register(
    "digitize.done",
    compose(_("Số hóa xong tệp “%(file)s” (%(method)s)"), ("pages", _(", %(pages)s trang"))),
    hidden=_("Số hóa xong một tệp"),
    label=_("Hoàn tất số hóa"),
)
_register(
    "digitize.skip",
    compose(_("Tệp “%(file)s” không cần nhận dạng chữ"), ("reason", _(": %(reason)s"))),
    hidden=_("Một tệp không cần nhận dạng chữ"),
    label=_("Bỏ qua nhận dạng chữ"),
)
_register(
    "digitize.fail",
    compose(_("Số hóa tệp “%(file)s” không thành công"), ("error", _(": %(error)s"))),
    hidden=_("Số hóa một tệp không thành công"),
    label=_("Số hóa không thành công"),
)
_register(
    "digitize.archive",
    _("Tạo xong bản PDF/A lưu trữ có lớp chữ của tệp “%(file)s”"),
    hidden=_("Tạo xong bản PDF/A lưu trữ của một tệp"),
    label=_("Tạo bản PDF/A lưu trữ"),
)
_register(
    "digitize.archive_fail",
    compose(_("Chưa tạo được bản PDF/A lưu trữ của tệp “%(file)s”"), ("error", _(": %(error)s"))),
    hidden=_("Chưa tạo được bản PDF/A lưu trữ của một tệp"),
    label=_("Tạo bản PDF/A lưu trữ không thành công"),
)
_register(
    "digitize.retry",
    _("%(who)s cho số hóa lại tệp “%(file)s”"),
    hidden=_("%(who)s cho số hóa lại một tệp"),
    label=_("Số hóa lại"),
)
_register(
    "digitize.scan.upload",
    _("%(who)s đưa bản quét “%(file)s” vào danh sách chờ vào sổ"),
    hidden=_("%(who)s đưa một bản quét vào danh sách chờ vào sổ"),
    label=_("Đưa bản quét lên"),
)
_register(
    "digitize.scan.discard",
    compose(_("%(who)s bỏ bản quét “%(file)s” khỏi danh sách chờ vào sổ"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s bỏ một bản quét khỏi danh sách chờ vào sổ"),
    label=_("Bỏ bản quét"),
)
_register(
    "digitize.scan.register",
    _("%(who)s vào sổ văn bản đến từ bản quét “%(file)s”"),
    hidden=_("%(who)s vào sổ một văn bản đến từ bản quét"),
    label=_("Vào sổ từ bản quét"),
)
