"""How incoming documents read in the journal and in their processing trail (see :mod:`vpdt.journal.sentences`).

A document is named as it was registered (“văn bản đến số 15/2026 (01/SXD-KHTC)”), from the entry's object name;
the issuer of a registered document is looked up once per page.
"""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.params import int_param
from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import AssignmentRole, AssignmentStatus, DocStatus, IncomingDocument, NoteKind

DOCUMENT = IncomingDocument._meta.label_lower
_NAMED = re.compile(r"^Số đến (\d+/\d+): (.*)$", re.S)  # IncomingDocument.__str__


def name(text: str) -> str:
    """How a sentence names the incoming document whose ``str`` is ``text``."""
    match = _NAMED.match(text or "")
    if match is None:
        return gettext("văn bản đến “%(name)s”") % {"name": text}
    return gettext("văn bản đến số %(number)s (%(reference)s)") % {
        "number": match.group(1),
        "reference": match.group(2),
    }


def _documents(facts) -> None:
    """``doc`` (the document as named above), ``reference`` (its number and symbol, or subject), ``issuer``."""
    ids = [int_param(f.entry.object_id) for f in facts if f.entry.object_type == DOCUMENT]
    ids = [pk for pk in ids if pk is not None]
    issuers = dict(IncomingDocument.objects.filter(pk__in=ids).values_list("pk", "issuer_name")) if ids else {}
    for item in facts:
        item.extra["doc"] = name(item.entry.object_repr)
        match = _NAMED.match(item.entry.object_repr or "")
        item.extra["reference"] = match.group(2) if match else item.entry.object_repr
        pk = int_param(item.entry.object_id)
        if pk in issuers:
            item.extra["issuer"] = issuers[pk]


def _targets(value) -> str:
    """The direction's handlers: “Xử lý chính: Phòng Kế hoạch - Tài chính (hạn 20/01/2026); Để biết: …”."""
    if not isinstance(value, list):
        return sentences.show(value)
    parts = []
    for target in value:
        if not isinstance(target, dict):
            continue
        text = (
            f"{sentences.choice(AssignmentRole, target.get('role'))}: "
            f"{target.get('to') or target.get('unit') or target.get('user') or ''}"
        )
        if target.get("deadline"):
            text += gettext(" (hạn %(deadline)s)") % {"deadline": sentences.when(target["deadline"])}
        parts.append(text)
    return "; ".join(parts)


def _state(value) -> str:
    return {"late": gettext("quá hạn"), "due_soon": gettext("sắp đến hạn")}.get(value, value)


def _changes(value) -> str:
    if not isinstance(value, dict):
        return sentences.show(value)
    labels = {
        "name": gettext("Tên"),
        "code": gettext("Mã"),
        "is_default": gettext("Sổ mặc định"),
        "is_active": gettext("Đang dùng"),
    }
    return "; ".join(f"{labels.get(k, k)}: {sentences.change(v)}" for k, v in value.items())


def _note_label(facts) -> str:
    return {NoteKind.PROGRESS: gettext("Báo cáo tiến độ"), NoteKind.PROPOSAL: gettext("Ý kiến đề xuất")}.get(
        facts.details.get("kind"), gettext("Ghi ý kiến")
    )


sentences.detail_labels(
    "incoming.",
    {
        "register": _("Sổ"),
        "number": _("Số đến"),
        "duplicate_confirmed": _("Đã xác nhận vào sổ dù có thể trùng"),
        "scan_files": None,
        "leader": _("Lãnh đạo"),
        "batch": _("Trình tự động theo lịch"),
        "direction": _("Ý kiến chỉ đạo"),
        "deadline": _("Hạn xử lý"),
        "superseded": None,
        "fields": _("Thông tin đã cập nhật"),
        "reference": _("Văn bản thay thế"),
        "replacement": None,
        "targets": _("Giao xử lý"),
        "assignment": None,
        "by": _("Người xử lý"),
        "result": _("Kết quả"),
        "reply": None,
        "reply_due": _("Hạn trả lời"),
        "outgoing_reference": _("Văn bản trả lời"),
        "outgoing": None,
        "parent": None,
        "replaces": None,
        "role": _("Vai trò"),
        "unit": _("Đơn vị"),
        "opinion": _("Ý kiến giao việc"),
        "kind": _("Loại"),
        "text": _("Nội dung"),
        "state": _("Tình trạng"),
        "recipients": _("Người được nhắc"),
        "new_user": _("Người xử lý mới"),
        "status": _("Trạng thái phần việc"),
        "previous_default": None,
        "is_default": _("Sổ mặc định"),
        "is_active": _("Đang dùng"),
        "changes": _("Thay đổi"),
        "filename": _("Tên tệp"),
    },
    values={
        "targets": _targets,
        "role": AssignmentRole,
        "state": _state,
        "kind": NoteKind,
        "changes": _changes,
        "from": DocStatus,
        "to": DocStatus,
    },
)
sentences.detail_labels(
    "incoming.assignment.",
    {"to": _("Người xử lý")},
    values={"from": AssignmentStatus, "status": AssignmentStatus, "to": sentences.show},
)
sentences.detail_labels("incoming.register_", {"register": None, "kind": None, "code": _("Mã sổ")})

LEADER = sentences.names("accounts.user", "leader", field="username", attr="full_name")
REASON = ("reason", _(", lý do: %(reason)s"))
DEADLINE = ("deadline", _(", hạn %(deadline)s"))


def _doc(action, text, *, hidden, label, **kwargs):
    register(action, text, hidden=hidden, label=label, prefetch=kwargs.pop("prefetch", _documents), **kwargs)


# ---------------------------------------------------------------------------------------------- the document

_doc(
    "incoming.register",
    compose(
        _("%(who)s vào sổ văn bản %(reference)s của %(issuer)s, số đến %(number)s/%(year)s"),
        ("duplicate_confirmed", _(" (đã xác nhận vào sổ dù có thể trùng)")),
    ),
    hidden=_("%(who)s vào sổ một văn bản đến"),
    label=_("Vào sổ văn bản đến"),
)
_doc(
    "incoming.submit",
    compose(_("%(who)s trình %(doc)s lên %(leader)s"), ("batch", _(" (theo lịch trình tự động)"))),
    hidden=_("%(who)s trình một văn bản đến lên lãnh đạo"),
    label=_("Trình lãnh đạo"),
    prefetch=sentences.together(_documents, LEADER),
)
_doc(
    "incoming.direct",
    compose(_("%(who)s cho ý kiến chỉ đạo %(doc)s: “%(direction)s”; giao %(targets)s"), DEADLINE),
    hidden=_("%(who)s cho ý kiến chỉ đạo một văn bản đến"),
    label=_("Cho ý kiến chỉ đạo"),
)
_doc(
    "incoming.start",
    _("%(who)s bắt đầu xử lý %(doc)s"),
    hidden=_("%(who)s bắt đầu xử lý một văn bản đến"),
    label=_("Bắt đầu xử lý"),
)
_doc(
    "incoming.complete",
    compose(_("%(who)s hoàn thành xử lý %(doc)s"), ("result", _(": “%(result)s”"))),
    hidden=_("%(who)s hoàn thành xử lý một văn bản đến"),
    label=_("Hoàn thành xử lý văn bản"),
)
_doc(
    "incoming.reopen",
    compose(_("%(who)s trả lại %(doc)s cho lãnh đạo cơ quan"), REASON),
    hidden=_("%(who)s trả lại một văn bản đến cho lãnh đạo cơ quan"),
    label=_("Trả lại lãnh đạo cơ quan"),
)
_doc(
    "incoming.withdraw",
    compose(_("%(who)s thu hồi %(doc)s theo yêu cầu nơi gửi"), REASON),
    hidden=_("%(who)s thu hồi một văn bản đến theo yêu cầu nơi gửi"),
    label=_("Thu hồi theo yêu cầu nơi gửi"),
)
_doc(
    "incoming.amend",
    compose(
        _("%(who)s cập nhật %(doc)s theo văn bản cập nhật của nơi gửi"),
        ("fields", _(": %(fields)s")),
        ("files", _(", thêm tệp")),
    ),
    hidden=_("%(who)s cập nhật một văn bản đến theo yêu cầu nơi gửi"),
    label=_("Cập nhật theo nơi gửi"),
)
_doc(
    "incoming.replaced",
    compose(_("%(who)s ghi nhận %(doc)s được thay thế bởi văn bản %(reference)s"), REASON),
    hidden=_("%(who)s ghi nhận một văn bản đến được thay thế"),
    label=_("Được thay thế"),
)
_doc(
    "incoming.reply_request",
    compose(_("%(who)s yêu cầu soạn văn bản trả lời %(doc)s: “%(subject)s”"), ("reply_due", _(", hạn %(reply_due)s"))),
    hidden=_("%(who)s yêu cầu soạn văn bản trả lời một văn bản đến"),
    label=_("Yêu cầu soạn văn bản trả lời"),
)
_doc(
    "incoming.reply_link",
    _("%(who)s gắn văn bản trả lời %(outgoing_reference)s cho %(doc)s"),
    hidden=_("%(who)s gắn văn bản trả lời cho một văn bản đến"),
    label=_("Gắn văn bản trả lời"),
)
_doc(
    "incoming.reply_draft",
    _("%(who)s soạn dự thảo trả lời %(doc)s: “%(subject)s”"),
    hidden=_("%(who)s soạn dự thảo trả lời một văn bản đến"),
    label=_("Soạn dự thảo văn bản trả lời"),
)
_doc(
    "incoming.slip_printed",
    _("%(who)s in phiếu giải quyết %(doc)s"),
    hidden=_("%(who)s in phiếu giải quyết một văn bản đến"),
    label=_("In phiếu giải quyết"),
)

# ---------------------------------------------------------------------------------------------- assignments

_doc(
    "incoming.assignment.distribute",
    compose(_("%(who)s giao %(to)s xử lý %(doc)s (%(role)s)"), DEADLINE, ("opinion", _(": “%(opinion)s”"))),
    hidden=_("%(who)s giao cán bộ xử lý một văn bản đến"),
    label=_("Giao cán bộ xử lý"),
)
_doc(
    "incoming.assignment.note",
    _("%(who)s ghi %(kind)s về %(doc)s: “%(text)s”"),
    hidden=_("%(who)s ghi ý kiến về một văn bản đến"),
    label=_note_label,
    values={"kind": lambda value: sentences.choice(NoteKind, value).lower()},
)
_doc(
    "incoming.assignment.remind",
    _("Nhắc %(recipients)s hạn xử lý %(doc)s (phần việc của %(to)s): %(state)s, hạn %(deadline)s"),
    hidden=_("Nhắc hạn xử lý một văn bản đến"),
    label=_("Nhắc hạn xử lý"),
)
_doc(
    "incoming.assignment.start",
    _("%(who)s nhận xử lý %(doc)s (%(role)s: %(to)s)"),
    hidden=_("%(who)s nhận xử lý một văn bản đến"),
    label=_("Nhận xử lý"),
)
_doc(
    "incoming.assignment.complete",
    compose(_("%(who)s hoàn thành phần việc (%(role)s: %(to)s) của %(doc)s"), ("result", _(": “%(result)s”"))),
    hidden=_("%(who)s hoàn thành một phần việc xử lý văn bản đến"),
    label=_("Hoàn thành phần việc"),
)
_doc(
    "incoming.assignment.read",
    _("%(who)s đã đọc %(doc)s (để biết)"),
    hidden=_("%(who)s đã đọc một văn bản đến"),
    label=_("Đã đọc (để biết)"),
)
_doc(
    "incoming.assignment.return",
    compose(_("%(who)s trả lại phần việc (%(role)s: %(to)s) của %(doc)s"), REASON),
    hidden=_("%(who)s trả lại một phần việc xử lý văn bản đến"),
    label=_("Trả lại"),
)
_doc(
    "incoming.assignment.reassign",
    compose(_("%(who)s chuyển phần việc của %(to)s về %(doc)s cho %(new_user)s"), REASON),
    hidden=_("%(who)s chuyển người khác xử lý một văn bản đến"),
    label=_("Chuyển người khác xử lý"),
)
_doc(
    "incoming.assignment.withdraw",
    _("Phần việc (%(role)s: %(to)s) của %(doc)s được thu hồi vì nơi gửi thu hồi văn bản"),
    hidden=_("Một phần việc xử lý văn bản đến được thu hồi vì nơi gửi thu hồi văn bản"),
    label=_("Thu hồi phân công (nơi gửi thu hồi văn bản)"),
)

# ---------------------------------------------------------------------------------------------- registers

register(
    "incoming.register_created",
    _("%(who)s tạo sổ văn bản đến “%(object)s” (mã %(code)s)"),
    hidden=_("%(who)s tạo một sổ văn bản đến"),
    label=_("Tạo sổ văn bản đến"),
)
register(
    "incoming.register_updated",
    _("%(who)s sửa sổ văn bản đến “%(object)s”: %(changes)s"),
    hidden=_("%(who)s sửa một sổ văn bản đến"),
    label=_("Sửa sổ văn bản đến"),
)
register(
    "incoming.register_default_set",
    _("%(who)s đặt “%(object)s” làm sổ văn bản đến mặc định"),
    hidden=_("%(who)s đặt một sổ văn bản đến làm sổ mặc định"),
    label=_("Đặt sổ mặc định"),
)
register(
    "incoming.register_deactivated",
    _("%(who)s ngừng dùng sổ văn bản đến “%(object)s”"),
    hidden=_("%(who)s ngừng dùng một sổ văn bản đến"),
    label=_("Ngừng dùng sổ văn bản đến"),
)
register(
    "incoming.register_activated",
    _("%(who)s dùng lại sổ văn bản đến “%(object)s”"),
    hidden=_("%(who)s dùng lại một sổ văn bản đến"),
    label=_("Dùng lại sổ văn bản đến"),
)
register(
    "incoming.register_exported",
    _("%(who)s xuất %(kind)s “%(object)s” từ %(date_from)s đến %(date_to)s (%(format)s)"),
    hidden=_("%(who)s xuất một sổ văn bản đến"),
    label=_("Xuất sổ văn bản đến"),
    values={
        "kind": lambda value: {
            "register": gettext("sổ văn bản đến"),
            "followup": gettext("sổ theo dõi giải quyết"),
        }.get(value, value)
    },
)

# Recorded by the upload check of every file form (incoming documents, scans).
register(
    "security.malware_blocked",
    _("Chặn tệp “%(file)s” chứa mã độc (%(signature)s) do %(who)s tải lên"),
    hidden=_("Chặn một tệp chứa mã độc do %(who)s tải lên"),
    label=_("Chặn tệp chứa mã độc"),
    details={"signature": _("Mã độc")},
)
