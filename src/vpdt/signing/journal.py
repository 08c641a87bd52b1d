"""How digital signatures, certificates and signing sessions read in the journal (see
:mod:`vpdt.journal.sentences`). Sessions, images and policies have no name of their own: their sentences say what
they are for instead of naming the object."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vpdt.journal import sentences
from vpdt.journal.sentences import compose, register

from .models import CredentialKind, ImageKind, KeyStore, OnFailure, SessionPurpose, SessionStatus, Verdict

sentences.detail_labels(
    "signing.",
    {
        "kind": _("Loại"),
        "keystore": _("Nơi giữ khóa"),
        "user": _("Người dùng"),
        "subject": _("Chủ thể chứng thư"),
        "serial": _("Số hiệu chứng thư"),
        "not_after": _("Hiệu lực đến"),
        "fingerprint": _("Dấu vân tay SHA-256"),
        "new": _("Thêm mới"),
        "on_failure": _("Khi chữ ký số không hợp lệ"),
        "require_both": _("Phát hành điện tử phải có đủ chữ ký lãnh đạo và cơ quan"),
        "verdict": _("Kết quả"),
        "summary": _("Tóm tắt"),
        "signers": _("Người ký"),
        "credential": None,
        "role": None,
        "field": None,
        "number": _("Số, ký hiệu"),
        "line": _("Dòng chữ ký số bản sao"),
        "threshold": _("Báo trước (ngày)"),
        "notified": _("Số người được báo"),
        "document": _("Văn bản"),
        "purpose": _("Mục đích"),
        "prepared_sha256": _("Mã băm tệp chuẩn bị ký"),
        "source_sha256": _("Mã băm tệp gốc"),
        "signed_sha256": _("Mã băm tệp đã ký"),
        "expires_at": _("Hết hạn lúc"),
        "files": _("Tệp"),
        "reason": _("Lý do"),
    },
    values={
        "kind": lambda value: sentences.choice(ImageKind if value in ImageKind.values else CredentialKind, value),
        "keystore": KeyStore,
        "on_failure": OnFailure,
        "verdict": Verdict,
        "purpose": SessionPurpose,
        "notified": sentences.count,
        "from": SessionStatus,
        "to": SessionStatus,
    },
)

DOCUMENT_NAME = sentences.names("outgoing.outgoingdocument", "document", attr="subject")

register(
    "signing.credential.register",
    _("%(who)s đăng ký chứng thư số %(object)s (%(kind)s)"),
    hidden=_("%(who)s đăng ký một chứng thư số"),
    label=_("Đăng ký chứng thư số"),
    prefetch=sentences.names("accounts.user", "user", attr="full_name"),
)
register(
    "signing.credential.deactivate",
    compose(_("%(who)s ngừng dùng chứng thư số %(object)s"), ("reason", _(", lý do: %(reason)s"))),
    hidden=_("%(who)s ngừng dùng một chứng thư số"),
    label=_("Ngừng dùng chứng thư số"),
)
register(
    "signing.credential.expiry",
    _("Chứng thư số %(object)s sắp hết hiệu lực (đến %(not_after)s): đã báo %(notified)s người"),
    hidden=_("Một chứng thư số sắp hết hiệu lực"),
    label=_("Báo chứng thư số sắp hết hiệu lực"),
)
register(
    "signing.trust_root.add",
    _("%(who)s thêm chứng thư gốc tin cậy %(object)s"),
    hidden=_("%(who)s thêm một chứng thư gốc tin cậy"),
    label=_("Thêm chứng thư gốc tin cậy"),
)
register(
    "signing.trust_root.activate",
    _("%(who)s dùng lại chứng thư gốc tin cậy %(object)s"),
    hidden=_("%(who)s dùng lại một chứng thư gốc tin cậy"),
    label=_("Dùng lại chứng thư gốc"),
)
register(
    "signing.trust_root.deactivate",
    _("%(who)s ngừng tin cậy chứng thư gốc %(object)s"),
    hidden=_("%(who)s ngừng tin cậy một chứng thư gốc"),
    label=_("Ngừng tin cậy chứng thư gốc"),
)
register(
    "signing.image.upload",
    lambda facts: gettext("%(who)s tải lên hình %(kind)s") % {**facts, "kind": facts["kind"].lower()},
    hidden=_("%(who)s tải lên một hình chữ ký hoặc con dấu"),
    label=_("Tải lên hình chữ ký, con dấu"),
    prefetch=sentences.names("accounts.user", "user", attr="full_name"),
)
register(
    "signing.policy",
    lambda facts: (
        gettext("%(who)s đặt chính sách chữ ký số của cơ quan: khi chữ ký số không hợp lệ thì %(on_failure)s")
        % {**facts, "on_failure": facts["on_failure"].lower()}
    ),
    hidden=_("%(who)s đặt chính sách chữ ký số của cơ quan"),
    label=_("Đặt chính sách chữ ký số"),
)
register(
    "signing.verify",
    _("%(who)s kiểm tra chữ ký số của tệp %(object)s: %(verdict)s"),
    hidden=_("%(who)s kiểm tra chữ ký số của một tệp"),
    label=_("Kiểm tra chữ ký số"),
)
register(
    "signing.sign",
    _("%(who)s ký số %(object_label)s “%(object)s” bằng chứng thư của %(subject)s"),
    hidden=_("%(who)s ký số một văn bản"),
    label=_("Ký số"),
)
register(
    "signing.seal",
    _("%(who)s ký số cơ quan lên %(object_label)s “%(object)s” bằng chứng thư của %(subject)s"),
    hidden=_("%(who)s ký số cơ quan lên một văn bản"),
    label=_("Ký số cơ quan"),
)
register(
    "signing.seal_attachment",
    _("%(who)s ký số cơ quan lên văn bản kèm theo của %(object_label)s “%(object)s” bằng chứng thư của %(subject)s"),
    hidden=_("%(who)s ký số cơ quan lên văn bản kèm theo của một văn bản"),
    label=_("Ký số văn bản kèm theo"),
)
register(
    "signing.receipt.refuse",
    _("%(who)s không vào sổ được tệp %(object)s vì chữ ký số không hợp lệ: %(reason)s"),
    hidden=_("%(who)s không vào sổ được một tệp vì chữ ký số không hợp lệ"),
    label=_("Từ chối tệp có chữ ký số không hợp lệ"),
)
register(
    "signing.receipt.flag",
    _("Văn bản đến %(object)s có chữ ký số không hợp lệ (tệp %(files)s): %(reason)s"),
    hidden=_("Một văn bản đến có chữ ký số không hợp lệ"),
    label=_("Cảnh báo chữ ký số không hợp lệ"),
)
register(
    "signing.session.start",
    _("%(who)s mở phiên ký số bằng thiết bị riêng cho dự thảo “%(document)s”, hết hạn lúc %(expires_at)s"),
    hidden=_("%(who)s mở một phiên ký số bằng thiết bị riêng"),
    label=_("Mở phiên ký số"),
    prefetch=DOCUMENT_NAME,
)
register(
    "signing.session.complete",
    _("%(who)s hoàn tất phiên ký số cho dự thảo “%(document)s” bằng chứng thư của %(subject)s"),
    hidden=_("%(who)s hoàn tất một phiên ký số"),
    label=_("Hoàn tất phiên ký số"),
    prefetch=DOCUMENT_NAME,
)
register(
    "signing.session.fail",
    compose(
        _("%(who)s không chấp nhận tệp đã ký của phiên ký số cho dự thảo “%(document)s”"), ("reason", _(": %(reason)s"))
    ),
    hidden=_("%(who)s không chấp nhận tệp đã ký của một phiên ký số"),
    label=_("Từ chối tệp đã ký"),
    prefetch=DOCUMENT_NAME,
)
register(
    "signing.session.expire",
    _("Phiên ký số cho dự thảo “%(document)s” hết hạn mà chưa có tệp đã ký"),
    hidden=_("Một phiên ký số hết hạn mà chưa có tệp đã ký"),
    label=_("Phiên ký số hết hạn"),
    prefetch=DOCUMENT_NAME,
)
