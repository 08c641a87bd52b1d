"""Registration of incoming documents by the clerk (vào sổ) and their submission to the leader (trình), SPEC §2.

Every change goes through these functions, inside one transaction, and is journaled. Who may act is decided by
:mod:`vpdt.incoming.lifecycle`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.catalog.models import URGENT_LEVELS, Secrecy
from vpdt.core.services import next_value
from vpdt.digitize import scans as digitize_scans
from vpdt.digitize import services as digitize
from vpdt.directory import members
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.signing import receipt
from vpdt.storage import services as storage
from vpdt.storage import uploads

from ..lifecycle import DOCUMENT, clerk_refusal
from ..models import Attachment, DocStatus, IncomingDocument, Register

S = DocStatus


class RestrictedCategory:
    """Categories SPEC §7 forbids on the system, besides state secrets."""

    NONE = ""
    COMPLAINT = "complaint"
    SENSITIVE = "sensitive"
    HARMFUL = "harmful"
    CHOICES = [
        (NONE, "Không thuộc loại bị cấm"),
        (COMPLAINT, "Đơn thư khiếu nại, tố cáo"),
        (SENSITIVE, "Vấn đề tôn giáo, đối ngoại nhạy cảm chưa giải quyết"),
        (HARMFUL, "Nội dung độc hại"),
    ]


SECRET_MESSAGE = (
    "Văn bản mật ({level}) không được đăng ký trên hệ thống. Hãy vào “Sổ đăng ký văn bản mật” "
    "bằng giấy và xử lý theo quy định về bảo vệ bí mật nhà nước."
)
CATEGORY_MESSAGES = {
    RestrictedCategory.COMPLAINT: "Đơn thư khiếu nại, tố cáo không xử lý trên hệ thống: chuyển bộ phận tiếp công "
    "dân và vào sổ theo dõi đơn thư riêng.",
    RestrictedCategory.SENSITIVE: "Văn bản về vấn đề tôn giáo, đối ngoại nhạy cảm chưa được giải quyết không đưa "
    "lên hệ thống: xử lý bằng văn bản giấy theo quy định.",
    RestrictedCategory.HARMFUL: "Văn bản có nội dung độc hại không được đưa lên hệ thống.",
}
REQUIRED = {
    "issuer_name": "Cơ quan ban hành",
    "issued_date": "Ngày văn bản",
    "doc_type": "Loại văn bản",
    "subject": "Trích yếu",
}
FIELD_NAMES = (
    "source",
    "issuer_name",
    "issuer_code",
    "code_number",
    "code_notation",
    "issued_date",
    "doc_type",
    "subject",
    "language",
    "page_amount",
    "description",
    "signer_position",
    "signer_name",
    "urgency",
    "to_places",
    "due_date",
    "field",
    "needs_reply",
    "reply_due",
)


class DuplicateWarning(ValidationError):
    """Same issuer, number and symbol, and date as an existing document; the clerk may confirm."""

    def __init__(self, existing: IncomingDocument):
        self.existing = existing
        super().__init__(
            f"Văn bản có thể trùng với văn bản đã vào sổ: số đến {existing.arrival_number}/{existing.year} "
            f"ngày {timezone.localtime(existing.arrival_date):%d/%m/%Y} ({existing.number_symbol}). "
            "Kiểm tra lại; nếu đúng là văn bản khác, hãy xác nhận để vào sổ.",
            code="duplicate",
        )


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def duplicate_key(issuer_code: str, issuer_name: str, code_number: str, code_notation: str, issued_date) -> str:
    issuer = (issuer_code or "").strip() or _fold(issuer_name)
    return f"{issuer}|{_fold(code_number)}/{_fold(code_notation)}|{issued_date}"


def find_duplicate(agency_id: int, key: str) -> IncomingDocument | None:
    return IncomingDocument.objects.filter(agency_id=agency_id, duplicate_key=key).order_by("id").first()


def default_register(agency) -> Register:
    register = Register.objects.filter(agency=agency, is_active=True).order_by("-is_default", "id").first()
    if register is None:
        register = Register.objects.create(agency=agency, name="Sổ văn bản đến", code="VBĐ", is_default=True)
    return register


def _validate(data: dict) -> None:
    secrecy = data.get("secrecy") or Secrecy.NONE
    if secrecy != Secrecy.NONE:
        raise ValidationError({"secrecy": SECRET_MESSAGE.format(level=Secrecy(secrecy).label)}, code="secret")
    category = data.get("restricted_category") or RestrictedCategory.NONE
    if category in CATEGORY_MESSAGES:
        raise ValidationError({"restricted_category": CATEGORY_MESSAGES[category]}, code="forbidden")
    missing = {name: f"{label} là bắt buộc." for name, label in REQUIRED.items() if data.get(name) in (None, "", [])}
    if missing:
        raise ValidationError(missing, code="required")
    issued = data["issued_date"]
    if isinstance(issued, datetime) or not isinstance(issued, date):
        raise ValidationError({"issued_date": "Ngày văn bản không hợp lệ."})
    if issued > timezone.localdate():
        raise ValidationError({"issued_date": "Ngày văn bản không được sau ngày hôm nay."})
    if data.get("needs_reply") and not data.get("reply_due"):
        raise ValidationError({"reply_due": "Văn bản cần phúc đáp phải có hạn phúc đáp."})


@dataclass
class Registered:
    document: IncomingDocument
    submitted: bool


def register_document(
    actor,
    *,
    register: Register | None = None,
    agency=None,
    files=(),
    leader: User | None = None,
    submit_now: bool = False,
    confirm_duplicate: bool = False,
    arrival_date: datetime | None = None,
    stored_files=(),
    scans=(),
    **data,
) -> Registered:
    """Register an incoming document with the next gapless số đến of its register and year.

    ``files`` are uploaded files (scans or electronic originals): sniffed, size-checked and scanned before
    anything is written. ``stored_files`` are files already in storage (an electronic document delivered by
    another agency of the deployment): they are attached as they are, never copied or rewritten. ``scans`` are
    ids of the agency's scans waiting for registration (:mod:`vpdt.digitize.scans`): their files come first.
    With a ``leader``, urgent documents go to them at once, others at the next batch (``submit_batch``) unless
    ``submit_now`` (the clerk's screens: “Trình lãnh đạo” submits as it says).
    """
    agency = register.agency if register is not None else agency
    if agency is None:
        raise ValidationError("Chưa chọn cơ quan hoặc sổ đăng ký.")
    refusal = clerk_refusal(actor, agency.pk)
    if refusal:
        raise PermissionDenied(refusal)
    register = register or default_register(agency)
    if register.agency_id != agency.pk or not register.is_active:
        raise ValidationError({"register": "Sổ đăng ký không thuộc cơ quan hoặc đã ngừng sử dụng."})
    _validate(data)
    checked = [uploads.check(f) for f in files]  # raises ValidationError before anything is written
    receipt.check_uploads(actor, agency, checked)  # signature policy "refuse": before anything is written
    if leader is not None:
        _require_leader(leader, agency.pk)
    key = duplicate_key(
        data.get("issuer_code", ""),
        data["issuer_name"],
        data.get("code_number", ""),
        data.get("code_notation", ""),
        data["issued_date"],
    )
    existing = find_duplicate(agency.pk, key)
    if existing is not None and not confirm_duplicate:
        raise DuplicateWarning(existing)
    arrival = arrival_date or timezone.now()
    if arrival > timezone.now():
        raise ValidationError({"arrival_date": "Ngày đến không được ở tương lai."})
    year = timezone.localtime(arrival).year
    values = {k: data[k] for k in FIELD_NAMES if k in data}
    saved_files = []
    try:
        with transaction.atomic():
            number = next_value(f"incoming:{register.pk}:{year}")
            document = IncomingDocument(
                agency=agency,
                register=register,
                year=year,
                arrival_number=number,
                arrival_date=arrival,
                duplicate_key=key,
                created_by=actor,
                leader=leader,
                **values,
            )
            document.full_clean(exclude=["duplicate_key"])
            document.save()
            claimed = digitize_scans.claim(actor, agency, scans, document)  # locked: registered once
            uploaded = list(claimed)
            for order, stored in enumerate(uploaded):
                Attachment.objects.create(document=document, file=stored, order=order)
            for order, upload in enumerate(checked, start=len(uploaded)):
                stored = storage.store(
                    upload.file, upload.name, folder="incoming", content_type=upload.mime, agency=agency, actor=actor
                )
                saved_files.append(stored.name)
                uploaded.append(stored)
                Attachment.objects.create(document=document, file=stored, order=order)
            for order, stored in enumerate(stored_files, start=len(uploaded)):
                Attachment.objects.create(document=document, file=stored, order=order)
            journal.record(
                "incoming.register",
                actor=actor,
                obj=document,
                agency=agency,
                details={
                    "register": register.code,
                    "year": year,
                    "number": number,
                    "duplicate_confirmed": existing is not None,
                    "files": [u.name for u in checked],
                    **({"scan_files": [f.pk for f in claimed]} if claimed else {}),
                },
            )
            receipt.on_registered(actor, document, uploaded=uploaded, delivered=stored_files)  # verify, policy
            # OCR / text extraction of every scan, PDF or office file, sent to the "ocr" queue after commit.
            digitize.enqueue_attachments(actor, document.attachments.select_related("file").order_by("order", "id"))
            submitted = False
            if leader is not None and (submit_now or document.urgency in URGENT_LEVELS):
                submit(actor, document)
                submitted = True
    except Exception:
        from django.core.files.storage import default_storage

        for name in saved_files:
            default_storage.delete(name)
        raise
    return Registered(document=document, submitted=submitted)


LEADER_MESSAGE = "Người được trình phải là lãnh đạo đang công tác tại cơ quan (tài khoản đang hoạt động)."


def _require_leader(leader: User, agency_id: int) -> None:
    members.require_member(leader, agency_id, roles=(Role.LEADER,), field="leader", message=LEADER_MESSAGE)


def submit(actor, document: IncomingDocument, leader: User | None = None) -> IncomingDocument:
    """Trình: pass the document to the agency leader for direction (a current leader of the document's agency)."""
    DOCUMENT.check(document, "submit", actor=actor)
    leader = leader or document.leader
    if leader is None:
        raise ValidationError({"leader": "Chưa chọn lãnh đạo để trình."})
    _require_leader(leader, document.agency_id)
    document.leader = leader
    document.submitted_at = timezone.now()
    DOCUMENT.apply(
        document,
        "submit",
        actor=actor,
        authorized=True,
        extra_fields=["leader", "submitted_at", "updated_at"],
        details={"leader": leader.username},
    )
    return document


def submit_batch(now: datetime | None = None) -> int:
    """Batch submission (default 9:00 and 15:00): every registered document whose leader is still a leader of
    its agency (one who left waits for the clerk to choose another)."""
    count = 0
    pending = (
        IncomingDocument.objects.filter(status=S.REGISTERED, leader__isnull=False)
        .filter(members.holds_position("leader_id", "agency_id", roles=(Role.LEADER,)))
        .order_by("id")
    )
    for document in pending.iterator():
        with transaction.atomic():
            document.submitted_at = timezone.now()
            DOCUMENT.apply(
                document,
                "submit",
                actor=None,
                extra_fields=["submitted_at", "updated_at"],
                details={"leader": document.leader.username, "batch": True},
            )
        count += 1
    return count
