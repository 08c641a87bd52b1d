"""How outgoing documents read in the journal and in their trail (see :mod:`vpdt.journal.sentences`).

A document is named as it was when the event happened (“dự thảo “V/v …”” before its number, “văn bản 01/SXD-KHTC”
after), from the entry's object name; the events of a review step name the step and its document, looked up once
per page.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.core.params import int_param
from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import DeliveryStatus, OutgoingDocument, OutStatus, Recipient, ReviewStep, StepStatus

DOCUMENT = OutgoingDocument._meta.label_lower
STEP = ReviewStep._meta.label_lower
DRAFT = "Dự thảo: "  # OutgoingDocument.__str__ before the document has a number


def name(text: str) -> str:
    """How a sentence names the document whose ``str`` is ``text``."""
    if text.startswith(DRAFT):
        return gettext("dự thảo “%(subject)s”") % {"subject": text[len(DRAFT) :]}
    return gettext("văn bản %(number)s") % {"number": text}


def _ids(values) -> list[int]:
    return [pk for pk in map(int_param, values) if pk is not None]


def _documents(facts) -> None:
    """``doc`` (the document as named above), ``sender`` (its agency) and, for a step's events, ``step`` (its
    name): two queries for a page."""
    steps = {
        str(s.pk): s
        for s in ReviewStep.objects.filter(
            pk__in=_ids(f.entry.object_id for f in facts if f.entry.object_type == STEP)
        ).select_related("document", "document__agency")
    }
    documents = {
        str(d.pk): d
        for d in OutgoingDocument.objects.filter(
            pk__in=_ids(f.entry.object_id for f in facts if f.entry.object_type == DOCUMENT)
        ).select_related("agency")
    }
    for item in facts:
        entry = item.entry
        step = steps.get(entry.object_id) if entry.object_type == STEP else None
        if step is not None:  # review comes before the number: the document was a draft
            item.extra.update(
                doc=name(DRAFT + step.document.subject[:80]), step=step.label, sender=step.document.agency.name
            )
            continue
        item.extra["doc"] = name(entry.object_repr)
        document = documents.get(entry.object_id) if entry.object_type == DOCUMENT else None
        if document is not None:
            item.extra["sender"] = document.agency.name


def _arrivals(facts) -> None:
    """``arrival``: where the recipient's clerk registered the document (“15/2026”)."""
    wanted = [(int_param(f.entry.object_id), f.details.get("recipient")) for f in facts]
    wanted = [(d, a) for d, a in wanted if d is not None]
    rows = Recipient.objects.filter(
        document_id__in={d for d, a in wanted},
        incoming__isnull=False,
        agency_id__in={a for d, a in wanted if isinstance(a, int)},
    )
    found = {(r.document_id, r.agency_id): r.incoming for r in rows.select_related("incoming")}
    for item in facts:
        key = (int_param(item.entry.object_id), item.details.get("recipient"))
        if key in found:
            item.extra["arrival"] = f"{found[key].arrival_number}/{found[key].year}"


def _outside(facts) -> None:
    """``recipient`` of the events an agency of another system caused (its status came back through the exchange,
    ``recipient_organ``): the name the sender gave it, with its code (mã định danh); one query for a page."""
    wanted = [
        (int_param(f.entry.object_id), f.details.get("recipient_organ"))
        for f in facts
        if f.details.get("recipient_organ") and not f.details.get("recipient")
    ]
    wanted = [(d, o) for d, o in wanted if d is not None and isinstance(o, str)]
    if not wanted:
        return
    rows = Recipient.objects.filter(document_id__in={d for d, _o in wanted}, organ_id__in={o for _d, o in wanted})
    found = {(r.document_id, r.organ_id): r.name for r in rows.only("document_id", "organ_id", "name")}
    for item in facts:
        organ = item.details.get("recipient_organ")
        if not isinstance(organ, str) or not organ or item.details.get("recipient"):
            continue
        name = found.get((int_param(item.entry.object_id), organ))
        item.extra["recipient"] = f"{name} ({organ})" if name else organ
        item.extra["recipient_organ"] = item.extra["recipient"]


RECIPIENT = sentences.together(sentences.names("directory.agency", "recipient"), _outside)
DOCUMENTS = sentences.together(_documents, RECIPIENT)


def _state(value) -> str:
    return {"late": gettext("quá hạn"), "due_soon": gettext("sắp đến hạn")}.get(value, value)


def _steps(value) -> str:
    """A review chain's steps: “Lãnh đạo phòng (2 ngày) → Lãnh đạo cơ quan duyệt ký (3 ngày)”."""
    if not isinstance(value, list):
        return sentences.show(value)
    return " → ".join(
        gettext("%(label)s (%(days)s ngày)") % {"label": s.get("label", ""), "days": s.get("days", "")}
        for s in value
        if isinstance(s, dict)
    )


sentences.detail_labels(
    "outgoing.",
    {
        "subject": _("Trích yếu"),
        "reply_to": None,
        "related_to": None,
        "relation": None,
        "version": _("Phiên bản"),
        "step": None,
        "note": _("Ghi chú"),
        "text": _("Góp ý"),
        "round": _("Lượt trình"),
        "users": _("Người được xin ý kiến"),
        "question": _("Nội dung xin ý kiến"),
        "opinion": _("Ý kiến"),
        "by": None,
        "number_symbol": _("Số, ký hiệu"),
        "files": _("Tệp"),
        "comment": _("Ý kiến"),
        "disagreement": _("Ý kiến khác"),
        "document": None,
        "reviewer": None,
        "label": _("Bước"),
        "series": None,
        "issued_date": _("Ngày ban hành"),
        "signed": _("Có ký số"),
        "sha256": None,
        "client_side": _("Ký bằng thiết bị riêng"),
        "sealed": _("Có ký số cơ quan"),
        "signed_by_signer": _("Có chữ ký số của người ký"),
        "recipient": _("Cơ quan nhận"),
        "due_date": _("Hạn"),
        "state": _("Tình trạng"),
        "name": _("Tên quy trình"),
        "doc_type": None,
        "steps": _("Các bước"),
        "recipients": _("Số nơi nhận"),
    },
    values={"state": _state, "steps": _steps},
)
for prefix, states in (
    ("outgoing.", OutStatus),
    ("outgoing.step.", StepStatus),
    ("outgoing.delivery.", DeliveryStatus),
):
    sentences.detail_labels(prefix, {}, values={"from": states, "to": states})

COMMENT = ("comment", _(": “%(comment)s”"))
REASON = ("reason", _(", lý do: %(reason)s"))


def _doc(action, text, *, hidden, label, **kwargs):
    register(action, text, hidden=hidden, label=label, prefetch=kwargs.pop("prefetch", DOCUMENTS), **kwargs)


# ---------------------------------------------------------------------------------------------- drafting

_doc(
    "outgoing.create", _("%(who)s tạo %(doc)s"), hidden=_("%(who)s tạo một dự thảo văn bản đi"), label=_("Tạo dự thảo")
)
_doc(
    "outgoing.update",
    _("%(who)s sửa thông tin %(doc)s"),
    hidden=_("%(who)s sửa thông tin một dự thảo"),
    label=_("Sửa thông tin dự thảo"),
    diff=True,
)
_doc(
    "outgoing.revise",
    compose(_("%(who)s sửa %(doc)s thành phiên bản %(version)s"), ("note", _(": %(note)s"))),
    hidden=_("%(who)s sửa một dự thảo"),
    label=_("Sửa dự thảo (phiên bản mới)"),
)
_doc(
    "outgoing.comment",
    _("%(who)s góp ý %(doc)s (phiên bản %(version)s): “%(text)s”"),
    hidden=_("%(who)s góp ý một dự thảo"),
    label=_("Cho ý kiến"),
)
_doc(
    "outgoing.consult",
    compose(_("%(who)s xin ý kiến %(users)s về %(doc)s"), ("question", _(": “%(question)s”"))),
    hidden=_("%(who)s xin ý kiến về một dự thảo"),
    label=_("Xin ý kiến"),
    prefetch=sentences.together(_documents, sentences.names("accounts.user", "users", attr="full_name")),
)
_doc(
    "outgoing.consult_answer",
    _("%(who)s cho ý kiến về %(doc)s: “%(opinion)s”"),
    hidden=_("%(who)s cho ý kiến về một dự thảo"),
    label=_("Cho ý kiến (được xin ý kiến)"),
)
_doc(
    "outgoing.cancel",
    compose(_("%(who)s hủy %(doc)s"), REASON),
    hidden=_("%(who)s hủy một dự thảo"),
    label=_("Hủy dự thảo"),
)

# ---------------------------------------------------------------------------------------------- review

_doc(
    "outgoing.submit",
    _("%(who)s trình duyệt %(doc)s (lượt %(round)s, phiên bản %(version)s)"),
    hidden=_("%(who)s trình duyệt một dự thảo"),
    label=_("Trình duyệt"),
)
_doc(
    "outgoing.return",
    compose(_("%(who)s trả lại %(doc)s ở bước %(step)s"), COMMENT),
    hidden=_("%(who)s trả lại một dự thảo"),
    label=_("Trả lại dự thảo"),
    details={"step": _("Bước")},
)
_doc(
    "outgoing.approve",
    compose(_("%(who)s duyệt ký %(doc)s"), ("signed", _(" và ký số"))),
    hidden=_("%(who)s duyệt ký một dự thảo"),
    label=_("Duyệt ký"),
)
_doc(
    "outgoing.step.skip",
    compose(_("%(who)s trình %(doc)s, bỏ qua bước %(label)s"), ("reason", _(": %(reason)s"))),
    hidden=_("%(who)s trình một dự thảo, bỏ qua một bước duyệt"),
    label=_("Bỏ qua bước duyệt"),
)
_doc(
    "outgoing.step.remind",
    _("Nhắc %(reviewer)s duyệt %(doc)s ở bước %(label)s: %(state)s (hạn %(due_date)s)"),
    hidden=_("Nhắc hạn duyệt một dự thảo"),
    label=_("Nhắc hạn duyệt"),
    prefetch=sentences.together(_documents, sentences.names("accounts.user", "reviewer", attr="full_name")),
)
_doc(
    "outgoing.step.activate",
    _("%(doc)s chuyển đến bước %(step)s, chờ %(reviewer)s duyệt"),
    hidden=_("Một dự thảo chuyển đến bước duyệt tiếp theo"),
    label=_("Chuyển đến bước duyệt"),
    prefetch=sentences.together(_documents, sentences.names("accounts.user", "reviewer", attr="full_name")),
)
_doc(
    "outgoing.step.approve",
    compose(
        _("%(who)s đồng ý %(doc)s ở bước %(step)s"), COMMENT, ("disagreement", _(" (ý kiến khác: %(disagreement)s)"))
    ),
    hidden=_("%(who)s đồng ý một dự thảo ở một bước duyệt"),
    label=_("Đồng ý"),
)
_doc(
    "outgoing.step.return",
    compose(_("%(who)s trả lại %(doc)s ở bước %(step)s"), COMMENT),
    hidden=_("%(who)s trả lại một dự thảo ở một bước duyệt"),
    label=_("Trả lại"),
)
_doc(
    "outgoing.step.cancel",
    _("Bước %(step)s của %(doc)s không còn cần duyệt (dự thảo bị trả lại)"),
    hidden=_("Một bước duyệt dự thảo không còn cần duyệt"),
    label=_("Hủy bước"),
)

# ---------------------------------------------------------------------------------------------- issue and after

_doc(
    "outgoing.issue",
    _("%(who)s cấp số và phát hành %(doc)s, ngày ban hành %(issued_date)s"),
    hidden=_("%(who)s cấp số và phát hành một văn bản đi"),
    label=_("Phát hành"),
)
_doc(
    "outgoing.confirm",
    _("%(who)s xác nhận số, ngày của %(doc)s"),
    hidden=_("%(who)s xác nhận số, ngày một văn bản"),
    label=_("Xác nhận số, ngày"),
)
_doc(
    "outgoing.recall",
    compose(_("%(who)s thu hồi %(doc)s"), REASON),
    hidden=_("%(who)s thu hồi một văn bản đi"),
    label=_("Thu hồi"),
)
_doc(
    "outgoing.replaces",
    _("%(doc)s bị thay thế bởi văn bản %(number_symbol)s"),
    hidden=_("Một văn bản đi bị thay thế"),
    label=_("Bị thay thế"),
)
_doc(
    "outgoing.corrects",
    _("%(doc)s được đính chính bởi văn bản %(number_symbol)s"),
    hidden=_("Một văn bản đi được đính chính"),
    label=_("Được đính chính"),
)
# Recorded by earlier versions, before deliveries had their own lifecycle: still in old journals.
_doc(
    "outgoing.deliver",
    _("%(who)s gửi %(doc)s đến các cơ quan nhận"),
    hidden=_("%(who)s gửi một văn bản đi"),
    label=_("Gửi đến cơ quan nhận"),
)
_doc(
    "outgoing.delivery_status",
    _("Trạng thái gửi nhận của %(doc)s thay đổi"),
    hidden=_("Trạng thái gửi nhận của một văn bản đi thay đổi"),
    label=_("Trạng thái gửi nhận"),
)

# ---------------------------------------------------------------------------------------------- deliveries

_doc(
    "outgoing.delivery.deliver",
    _("%(who)s gửi %(doc)s đến %(recipient)s"),
    hidden=_("%(who)s gửi một văn bản đi đến cơ quan nhận"),
    label=_("Gửi đến cơ quan nhận"),
)
_doc(
    "outgoing.delivery.receive",
    compose(
        _("%(who)s tiếp nhận %(doc)s của %(sender)s, vào sổ văn bản đến của %(recipient)s"),
        ("arrival", _(", số đến %(arrival)s")),
    ),
    hidden=_("%(who)s tiếp nhận một văn bản đi"),
    label=_("Tiếp nhận, vào sổ"),
    prefetch=sentences.together(_documents, RECIPIENT, _arrivals),
)
_doc(
    "outgoing.delivery.refuse",
    compose(_("%(who)s (%(recipient)s) từ chối tiếp nhận %(doc)s của %(sender)s"), REASON),
    hidden=_("%(who)s từ chối tiếp nhận một văn bản đi"),
    label=_("Từ chối tiếp nhận"),
)
_doc(
    "outgoing.delivery.registered",
    _("%(recipient)s đã vào sổ %(doc)s"),
    hidden=_("Nơi nhận đã vào sổ một văn bản đi"),
    label=_("Nơi nhận đã vào sổ"),
)
_doc(
    "outgoing.delivery.assigned",
    _("%(recipient)s đã phân công xử lý %(doc)s"),
    hidden=_("Nơi nhận đã phân công xử lý một văn bản đi"),
    label=_("Nơi nhận đã phân công xử lý"),
)
_doc(
    "outgoing.delivery.processing",
    _("%(recipient)s đang xử lý %(doc)s"),
    hidden=_("Nơi nhận đang xử lý một văn bản đi"),
    label=_("Nơi nhận đang xử lý"),
)
_doc(
    "outgoing.delivery.completed",
    _("%(recipient)s đã hoàn thành xử lý %(doc)s"),
    hidden=_("Nơi nhận đã hoàn thành xử lý một văn bản đi"),
    label=_("Nơi nhận đã hoàn thành"),
)
_doc(
    "outgoing.delivery.withdraw",
    compose(_("%(who)s thu hồi %(doc)s gửi %(recipient)s (nơi nhận chưa tiếp nhận)"), REASON),
    hidden=_("%(who)s thu hồi một văn bản đi nơi nhận chưa tiếp nhận"),
    label=_("Thu hồi văn bản chưa được tiếp nhận"),
)
_doc(
    "outgoing.delivery.request_recall",
    compose(_("%(who)s đề nghị %(recipient)s xác nhận thu hồi %(doc)s"), REASON),
    hidden=_("%(who)s đề nghị nơi nhận xác nhận thu hồi một văn bản đi"),
    label=_("Đề nghị nơi nhận xác nhận thu hồi"),
)
_doc(
    "outgoing.delivery.confirm_recall",
    _("%(who)s (%(recipient)s) xác nhận thu hồi %(doc)s của %(sender)s"),
    hidden=_("%(who)s xác nhận thu hồi một văn bản đi"),
    label=_("Xác nhận thu hồi"),
)
_doc(
    "outgoing.delivery.refuse_recall",
    compose(_("%(who)s (%(recipient)s) từ chối thu hồi %(doc)s của %(sender)s"), REASON),
    hidden=_("%(who)s từ chối thu hồi một văn bản đi"),
    label=_("Từ chối thu hồi"),
)

# ---------------------------------------------------------------------------------------------- registers, chains

register(
    "outgoing.register_exported",
    _("%(who)s xuất sổ văn bản đi của %(object)s từ %(date_from)s đến %(date_to)s (%(format)s)"),
    hidden=_("%(who)s xuất sổ văn bản đi"),
    label=_("Xuất sổ văn bản đi"),
)
register(
    "outgoing.chain.create",
    _("%(who)s tạo quy trình duyệt “%(object)s”: %(steps)s"),
    hidden=_("%(who)s tạo một quy trình duyệt"),
    label=_("Tạo quy trình duyệt"),
)
register(
    "outgoing.chain.update",
    _("%(who)s sửa quy trình duyệt “%(object)s”"),
    hidden=_("%(who)s sửa một quy trình duyệt"),
    label=_("Sửa quy trình duyệt"),
    diff=True,
)
register(
    "outgoing.chain.activate",
    _("%(who)s dùng lại quy trình duyệt “%(object)s”"),
    hidden=_("%(who)s dùng lại một quy trình duyệt"),
    label=_("Dùng lại quy trình duyệt"),
)
register(
    "outgoing.chain.deactivate",
    _("%(who)s ngừng dùng quy trình duyệt “%(object)s”"),
    hidden=_("%(who)s ngừng dùng một quy trình duyệt"),
    label=_("Ngừng dùng quy trình duyệt"),
)
