"""Drafting outgoing documents (SPEC §3): the draft and its recipients, versions, comments and their differences."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from vpdt.accounts.models import User
from vpdt.catalog.models import Secrecy
from vpdt.core.authz import scope_of, visible
from vpdt.delegation import services as delegation
from vpdt.digitize import services as digitize
from vpdt.directory import members
from vpdt.directory.models import Agency, Role, Unit, validate_organ_id
from vpdt.incoming import lifecycle as incoming_lifecycle
from vpdt.incoming.models import IncomingDocument
from vpdt.journal import services as journal
from vpdt.storage import services as storage
from vpdt.storage import uploads

from .. import delivery
from ..lifecycle import COMMENTABLE, DOCUMENT, EDITABLE
from ..models import (
    Authority,
    Comment,
    FileKind,
    OutgoingDocument,
    OutgoingFile,
    OutStatus,
    Recipient,
    RecipientKind,
    Relation,
    ReviewStep,
    StepStatus,
    Version,
)

S = OutStatus
T = StepStatus


def document_url(document: OutgoingDocument) -> str:
    return reverse("outgoing:detail", args=[document.pk])


def unit_leaders(unit: Unit | None) -> list[User]:
    if unit is None:
        return []
    return list(
        User.objects.filter(
            positions__unit=unit, positions__role=Role.UNIT_LEADER, positions__is_active=True, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


@dataclass
class RecipientSpec:
    kind: str
    unit: Unit | None = None
    user: User | None = None
    agency: Agency | None = None
    name: str = ""
    email: str = ""
    for_information: bool = False
    organ_id: str = ""  # an agency of another system, sent to through the exchange


DRAFT_FIELDS = (
    "doc_type",
    "is_legal_normative",
    "subject",
    "field",
    "urgency",
    "secrecy",
    "language",
    "page_amount",
    "description",
    "to_places",
    "due_date",
    "signer",
    "authority",
    "signer_position",
)


SIGNER_ROLES = (Role.LEADER, Role.UNIT_LEADER)
SIGNER_MESSAGE = (
    "Người ký phải là lãnh đạo đang công tác của cơ quan (hoặc lãnh đạo đơn vị được giao ký), tài khoản đang hoạt động."
)


def _validate_fields(data: dict, agency_id: int) -> dict:
    errors = {}
    if "subject" in data:
        data["subject"] = (data["subject"] or "").strip()
        if not data["subject"]:
            errors["subject"] = "Trích yếu là bắt buộc."
        elif len(data["subject"]) > 500:
            errors["subject"] = "Trích yếu tối đa 500 ký tự."
    if "doc_type" in data and data["doc_type"] is None:
        errors["doc_type"] = "Loại văn bản là bắt buộc."
    doc_type = data.get("doc_type")
    if data.get("is_legal_normative") and doc_type is not None and not doc_type.abbreviation:
        errors["is_legal_normative"] = "Công văn không phải văn bản quy phạm pháp luật."
    if "authority" in data and data["authority"] not in Authority.values:
        errors["authority"] = "Thẩm quyền ký không hợp lệ."
    signer = data.get("signer")
    if signer is not None and not members.is_member(signer, agency_id, roles=SIGNER_ROLES):
        errors["signer"] = SIGNER_MESSAGE
    if data.get("secrecy") not in (None, "", Secrecy.NONE):
        errors["secrecy"] = (
            "Văn bản mật không được soạn thảo, phát hành trên hệ thống: lấy số ở sổ đăng ký văn bản "
            "mật và xử lý bằng văn bản giấy theo quy định bảo vệ bí mật nhà nước."
        )
    for name in ("description",):
        if name in data and len(data[name] or "") > 500:
            errors[name] = "Ghi chú tối đa 500 ký tự."
    if "to_places" in data and len(data["to_places"] or "") > 1000:
        errors["to_places"] = "Nơi nhận tối đa 1000 ký tự."
    if errors:
        raise ValidationError(errors)
    return data


def _check_recipients(agency: Agency, specs: list[RecipientSpec]) -> None:
    errors = []
    seen = set()
    for spec in specs:
        key = (
            spec.kind,
            getattr(spec.unit, "pk", None),
            getattr(spec.user, "pk", None),
            getattr(spec.agency, "pk", None),
            spec.name.strip().lower(),
            spec.organ_id.strip(),
        )
        if key in seen:
            errors.append("Nơi nhận bị trùng.")
        seen.add(key)
        if spec.kind == RecipientKind.UNIT and not members.is_agency_unit(spec.unit, agency.pk):
            errors.append("Đơn vị nhận phải là đơn vị đang hoạt động thuộc cơ quan ban hành.")
        elif spec.kind == RecipientKind.USER and not members.is_member(spec.user, agency.pk):
            errors.append("Cá nhân nhận phải là cán bộ đang công tác thuộc cơ quan ban hành.")
        elif spec.kind == RecipientKind.AGENCY:
            if spec.agency is None or spec.agency.pk == agency.pk:
                errors.append("Cơ quan nhận không hợp lệ (không gửi cho chính cơ quan mình).")
            else:
                problem = delivery.exchange_problem(agency, spec.agency)
                if problem:
                    errors.append(problem)
        elif spec.kind == RecipientKind.EXTERNAL and not spec.name.strip():
            errors.append("Tên nơi nhận ngoài hệ thống là bắt buộc.")
        elif spec.kind == RecipientKind.EXTERNAL and spec.organ_id.strip():
            try:
                validate_organ_id(spec.organ_id.strip())
            except ValidationError:
                errors.append(f"Mã định danh “{spec.organ_id.strip()[:40]}” không đúng dạng (ví dụ 000.00.12.H41).")
            if spec.organ_id.strip() == agency.code:
                errors.append("Cơ quan nhận không hợp lệ (không gửi cho chính cơ quan mình).")
        elif spec.kind not in RecipientKind.values:
            errors.append("Loại nơi nhận không hợp lệ.")
    if errors:
        raise ValidationError({"recipients": sorted(set(errors))})


def _save_recipients(document: OutgoingDocument, specs: list[RecipientSpec]) -> None:
    document.recipients.all().delete()
    Recipient.objects.bulk_create(
        [
            Recipient(
                document=document,
                kind=s.kind,
                unit=s.unit,
                user=s.user,
                agency=s.agency,
                name=(s.name or str(s.unit or s.user or s.agency or "")).strip()[:300],
                email=s.email,
                organ_id=s.organ_id.strip() if s.kind == RecipientKind.EXTERNAL else "",
                for_information=s.for_information,
            )
            for s in specs
        ]
    )


def store_files(actor, document, version, files, kind) -> list:
    checked = [uploads.check(f) for f in files]
    saved = []
    for upload in checked:
        stored = storage.store(
            upload.file, upload.name, folder="outgoing", content_type=upload.mime, agency=document.agency, actor=actor
        )
        saved.append(stored)
        digitize.enqueue_outgoing(
            actor,
            OutgoingFile.objects.create(document=document, version=version, kind=kind, file=stored, added_by=actor),
        )
    return saved


def create_draft(
    actor,
    *,
    doc_type,
    subject: str,
    text: str = "",
    recipients: list[RecipientSpec] = (),
    files=(),
    related_files=(),
    appendix_files=(),
    reply_to: IncomingDocument | None = None,
    unit: Unit | None = None,
    related_to: OutgoingDocument | None = None,
    relation: str = Relation.NONE,
    **data,
) -> OutgoingDocument:
    """A new draft by a staff member (or any official) of the actor's agency; version 1."""
    scope = scope_of(actor)
    if scope.agency_id is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan nào nên không soạn được văn bản.")
    agency = Agency.objects.get(pk=scope.agency_id)
    data = _validate_fields({"doc_type": doc_type, "subject": subject, **data}, agency.pk)
    if unit is None and scope.unit_ids:
        unit = Unit.objects.filter(pk__in=scope.unit_ids, agency=agency).order_by("pk").first()
    if unit is not None and (
        unit.agency_id != agency.pk or not (unit.pk in scope.unit_ids or scope.has_role(Role.LEADER, Role.CLERK))
    ):
        raise ValidationError({"unit": "Đơn vị soạn thảo phải là đơn vị của bạn."})
    if reply_to is not None:
        if not visible(IncomingDocument.objects.filter(pk=reply_to.pk), actor).exists():
            raise PermissionDenied("Bạn không có quyền với văn bản đến cần trả lời.")
        # Before anything is stored: the incoming document's machine decides (not for a withdrawn document).
        incoming_lifecycle.DOCUMENT.check(reply_to, "draft_reply", actor=actor)
    if related_to is not None:
        if relation not in (Relation.REPLACES, Relation.CORRECTS):
            raise ValidationError({"relation": "Chọn thay thế hoặc đính chính."})
        if related_to.agency_id != agency.pk or related_to.status not in (S.ISSUED, S.RECALLED):
            raise ValidationError({"related_to": "Chỉ thay thế, đính chính văn bản đã phát hành của cơ quan mình."})
    recipients = list(recipients)
    _check_recipients(agency, recipients)
    with transaction.atomic():
        document = OutgoingDocument(
            agency=agency,
            unit=unit,
            drafter=actor,
            reply_to=reply_to,
            related_to=related_to,
            relation=relation if related_to else Relation.NONE,
            **{k: v for k, v in data.items() if k in DRAFT_FIELDS},
        )
        document.full_clean(exclude=["chain", "current_step"])
        document.save()
        version = Version.objects.create(
            document=document, number=1, text=text or "", author=actor, note="Dự thảo lần đầu"
        )
        _save_recipients(document, recipients)
        store_files(actor, document, version, files, FileKind.DRAFT)
        store_files(actor, document, None, related_files, FileKind.RELATED)
        store_files(actor, document, None, appendix_files, FileKind.APPENDIX)  # phụ lục in separate files
        if reply_to is not None:
            from vpdt.incoming import services as incoming

            incoming.link_draft_reply(actor, reply_to, document)
        journal.record(
            "outgoing.create",
            actor=actor,
            obj=document,
            agency=agency,
            details={
                "subject": document.subject,
                "reply_to": reply_to.pk if reply_to else None,
                "related_to": related_to.pk if related_to else None,
                "relation": relation,
            },
        )
    return document


def lock_document(document: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("agency", "unit", "doc_type")
        .get(pk=document.pk)
    )


def update_draft(
    actor, document: OutgoingDocument, *, recipients: list[RecipientSpec] | None = None, **changes
) -> OutgoingDocument:
    """The drafter edits the fields (not the text: see :func:`revise`) while the draft is theirs."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = lock_document(document)
        DOCUMENT.authorize(locked, "edit", actor)
        if locked.status not in EDITABLE:
            raise ValidationError("Dự thảo đang trình duyệt hoặc đã phát hành, không sửa được.", code="locked")
        data = _validate_fields(dict(changes), locked.agency_id)
        if data.get("is_legal_normative") and "doc_type" not in data and not locked.doc_type.abbreviation:
            raise ValidationError({"is_legal_normative": "Công văn không phải văn bản quy phạm pháp luật."})
        diff = {}
        for name, value in data.items():
            old = getattr(locked, name)
            if old != value:
                diff[name] = {"from": getattr(old, "pk", old), "to": getattr(value, "pk", value)}
                setattr(locked, name, value)
        if recipients is not None:
            _check_recipients(locked.agency, list(recipients))
            _save_recipients(locked, list(recipients))
            diff["recipients"] = len(recipients)
        if diff:
            locked.full_clean(exclude=["chain", "current_step"])
            locked.save()
            journal.record("outgoing.update", actor=actor, obj=locked, agency=locked.agency, details=diff)
    return locked


def active_step(document: OutgoingDocument) -> ReviewStep | None:
    if document.status != S.IN_REVIEW:
        return None
    return document.steps.filter(status=T.ACTIVE).select_related("reviewer").first()


def reviewer_principal(actor, document: OutgoingDocument, *args, **kwargs) -> int | None:
    step = active_step(document)
    return step.reviewer_id if step is not None else None


def latest_version(document: OutgoingDocument) -> Version:
    return document.versions.order_by("-number").first()


@delegation.acting("approval", reviewer_principal)
def revise(actor, document: OutgoingDocument, *, text: str, note: str = "", files=()) -> Version:
    """A new version: by the drafter while the draft is theirs, or by the reviewer of the active step
    (the reviewer's edits replace the blue and red pen; they are shown as differences)."""
    with transaction.atomic():
        locked = lock_document(document)
        DOCUMENT.authorize(locked, "revise", actor)
        if locked.status not in DOCUMENT.get("revise").sources:
            raise ValidationError("Dự thảo không còn sửa được.", code="locked")
        step = active_step(locked)
        if len(note or "") > 500:
            raise ValidationError({"note": "Ghi chú phiên bản tối đa 500 ký tự."})
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = Version.objects.create(
            document=locked, number=number, text=text or "", note=(note or "").strip(), author=actor, step=step
        )
        store_files(actor, locked, version, files, FileKind.DRAFT)
        journal.record(
            "outgoing.revise",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"version": number, "step": step.pk if step else None, "note": version.note},
        )
    return version


def add_comment(actor, version: Version, text: str) -> Comment:
    """A comment on a version belongs to the drafting record: only those who see the record, while the draft is
    still being worked on (not once issued, recalled or cancelled)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Nội dung ý kiến là bắt buộc."})
    DOCUMENT.authorize(version.document, "comment", actor)
    if version.document.status not in COMMENTABLE:
        raise ValidationError("Văn bản đã phát hành, thu hồi hoặc đã hủy: không góp ý thêm được.", code="closed")
    with transaction.atomic():
        comment = Comment.objects.create(version=version, author=actor, text=text[:5000])
        journal.record(
            "outgoing.comment",
            actor=actor,
            obj=version.document,
            agency=version.document.agency,
            details={"version": version.number, "text": comment.text[:500]},
        )
    return comment
