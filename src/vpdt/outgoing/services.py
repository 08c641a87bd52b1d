"""Outgoing documents: drafting, versions, the review chain and issuing (SPEC §3).

Every change goes through these functions, inside one transaction, and is journaled. The lifecycle is the
explicit :data:`DOCUMENT` machine; review steps follow :data:`STEP`.

Drafting → (submit) in review → steps approve one after another → approved → (clerk issues) issued.
Any step may return the draft to the drafter, who revises and submits again (a new round). Reviewers may
edit (a new version) and consult others; disagreement notes are carried up the chain.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from vpdt.accounts.models import User
from vpdt.catalog.models import URGENT_LEVELS, Secrecy
from vpdt.core.authz import scope_of, visible
from vpdt.core.workdays import add_working_days
from vpdt.delegation import services as delegation
from vpdt.digitize import services as digitize
from vpdt.directory import members
from vpdt.directory.models import Agency, Position, Role, Unit
from vpdt.incoming import lifecycle as incoming_lifecycle
from vpdt.incoming import uploads
from vpdt.incoming.models import IncomingDocument
from vpdt.journal import services as journal
from vpdt.notifications import topics
from vpdt.notifications.services import notify
from vpdt.storage import services as storage

from . import delivery, numbering, signatures
from .lifecycle import COMMENTABLE, DOCUMENT, EDITABLE, STEP, answer_refusal
from .models import (
    Authority,
    Comment,
    Consultation,
    FileKind,
    OutgoingDocument,
    OutgoingFile,
    OutStatus,
    Recipient,
    RecipientKind,
    Relation,
    ReviewChain,
    ReviewStep,
    StepKind,
    StepStatus,
    Version,
)

log = logging.getLogger(__name__)

S = OutStatus
T = StepStatus
DEFAULT_STEPS = [
    (StepKind.UNIT_LEADER, "Lãnh đạo đơn vị soạn thảo duyệt nội dung"),
    (StepKind.SIGNER, "Lãnh đạo cơ quan duyệt ký"),
]


def document_url(document: OutgoingDocument) -> str:
    return reverse("outgoing:detail", args=[document.pk])


# ------------------------------------------------------------------------------------------ people


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


# ------------------------------------------------------------------------------------------ drafting


@dataclass
class RecipientSpec:
    kind: str
    unit: Unit | None = None
    user: User | None = None
    agency: Agency | None = None
    name: str = ""
    email: str = ""
    for_information: bool = False


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
                for_information=s.for_information,
            )
            for s in specs
        ]
    )


def _store_files(actor, document, version, files, kind) -> list:
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
        _store_files(actor, document, version, files, FileKind.DRAFT)
        _store_files(actor, document, None, related_files, FileKind.RELATED)
        _store_files(actor, document, None, appendix_files, FileKind.APPENDIX)  # phụ lục in separate files
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


def _lock(document: OutgoingDocument) -> OutgoingDocument:
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
        locked = _lock(document)
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


def _reviewer_principal(actor, document: OutgoingDocument, *args, **kwargs) -> int | None:
    step = active_step(document)
    return step.reviewer_id if step is not None else None


def latest_version(document: OutgoingDocument) -> Version:
    return document.versions.order_by("-number").first()


@delegation.acting("approval", _reviewer_principal)
def revise(actor, document: OutgoingDocument, *, text: str, note: str = "", files=()) -> Version:
    """A new version: by the drafter while the draft is theirs, or by the reviewer of the active step
    (the reviewer's edits replace the blue and red pen; they are shown as differences)."""
    with transaction.atomic():
        locked = _lock(document)
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
        _store_files(actor, locked, version, files, FileKind.DRAFT)
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


def diff(older: Version, newer: Version) -> list[tuple[str, str]]:
    """Line differences between two versions: (kind, text) with kind in ``same``, ``added``, ``removed``."""
    rows = []
    for line in difflib.ndiff(older.text.splitlines(), newer.text.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            rows.append(("same", text))
        elif tag == "+ ":
            rows.append(("added", text))
        elif tag == "- ":
            rows.append(("removed", text))
    return rows


# ------------------------------------------------------------------------------------------ review chain


def chain_for(agency_id: int, doc_type_id: int) -> ReviewChain | None:
    chains = ReviewChain.objects.filter(agency_id=agency_id, is_active=True).filter(
        Q(doc_type_id=doc_type_id) | Q(doc_type__isnull=True)
    )
    return sorted(chains, key=lambda c: c.doc_type_id is None)[0] if chains else None


@dataclass
class PlannedStep:
    order: int
    label: str
    kind: str
    reviewer: User | None
    days: int = 3
    skipped_reason: str = ""
    notes: list = field(default_factory=list)


def plan(document: OutgoingDocument) -> list[PlannedStep]:
    """The steps a submission would go through, with their reviewers (before anything is written)."""
    chain = chain_for(document.agency_id, document.doc_type_id)
    default_days = getattr(settings, "VPDT_REVIEW_DAYS", 3)
    templates = (
        [(s.kind, s.label, s.user, s.days) for s in chain.steps.select_related("user")]
        if chain
        else [(kind, label, None, default_days) for kind, label in DEFAULT_STEPS]
    )
    planned = []
    for order, (kind, label, user, days) in enumerate(templates, start=1):
        step = PlannedStep(order=order, label=label, kind=kind, reviewer=None, days=days)
        if kind == StepKind.UNIT_LEADER:
            leaders = [u for u in unit_leaders(document.unit) if u.pk != document.drafter_id]
            if document.drafter_id in [u.pk for u in unit_leaders(document.unit)]:
                step.skipped_reason = "Người soạn thảo là lãnh đạo đơn vị."
            elif not leaders:
                step.skipped_reason = "Đơn vị soạn thảo chưa có lãnh đạo."
            else:
                step.reviewer = leaders[0]
        elif kind == StepKind.USER:
            step.reviewer = user
        elif kind == StepKind.SIGNER:
            step.reviewer = document.signer
        planned.append(step)
    return planned


def _due(document, days: int):
    days = 1 if document.urgency in URGENT_LEVELS else days
    return add_working_days(timezone.localdate(), days)


def _activate(step: ReviewStep, actor) -> None:
    step.started_at = timezone.now()
    step.due_date = _due(step.document, step.days)
    STEP.apply(
        step,
        "activate",
        actor=actor,
        extra_fields=["started_at", "due_date"],
        details={"document": step.document_id, "reviewer": step.reviewer_id},
    )
    document = step.document
    notify(
        [step.reviewer],
        "outgoing.review_requested",
        topic=topics.WORK,
        target=document,
        text=f"Dự thảo chờ bạn duyệt ({step.label}): {document.subject}. Hạn: {step.due_date:%d/%m/%Y}",
    )


def _check_reviewers(document: OutgoingDocument, steps: list[PlannedStep]) -> None:
    """Everyone the chain names is still with the agency: a chain's person or the signer may have left since."""
    for step in steps:
        if step.reviewer is None:
            continue
        if step.kind == StepKind.SIGNER:
            if not members.is_member(step.reviewer, document.agency_id, roles=SIGNER_ROLES):
                raise ValidationError({"signer": SIGNER_MESSAGE})
        elif not members.is_member(step.reviewer, document.agency_id):
            who = step.reviewer.full_name or step.reviewer.username
            raise ValidationError(
                f"Bước “{step.label}”: {who} không còn công tác tại cơ quan (hoặc tài khoản đã bị "
                "khóa). Quản trị cần sửa quy trình duyệt.",
                code="not_member",
            )


def submit(actor, document: OutgoingDocument) -> OutgoingDocument:
    """The drafter submits (again, after a return): a new round of the chain starts at its first step."""
    with transaction.atomic():
        locked = _lock(document)
        DOCUMENT.check(locked, "submit", actor=actor)
        if locked.signer_id is None:
            raise ValidationError({"signer": "Chọn người ký trước khi trình."})
        steps = plan(locked)
        missing = [s.label for s in steps if s.reviewer is None and not s.skipped_reason]
        if missing:
            raise ValidationError(f"Chưa xác định được người xử lý cho bước: {', '.join(missing)}.")
        if not any(s.reviewer for s in steps):
            raise ValidationError("Quy trình duyệt không có bước nào.")
        _check_reviewers(locked, steps)
        locked.review_round += 1
        DOCUMENT.apply(
            locked,
            "submit",
            actor=actor,
            extra_fields=["review_round", "updated_at"],
            details={"round": locked.review_round, "version": latest_version(locked).number},
        )
        created = []
        for planned in steps:
            if planned.reviewer is None:
                journal.record(
                    "outgoing.step.skip",
                    actor=actor,
                    obj=locked,
                    agency=locked.agency,
                    details={"label": planned.label, "reason": planned.skipped_reason},
                )
                continue
            step = ReviewStep.objects.create(
                document=locked,
                round=locked.review_round,
                order=planned.order,
                label=planned.label,
                kind=planned.kind,
                reviewer=planned.reviewer,
                days=planned.days,
            )
            created.append(step)
        first = created[0]
        first.document = locked
        _activate(first, actor)
        locked.current_step = first
        locked.save(update_fields=["current_step"])
    return locked


def _require_reviewer(actor, document: OutgoingDocument, action: str) -> ReviewStep:
    """The active step, when ``actor`` may take ``action`` on it (the document's machine decides)."""
    DOCUMENT.authorize(document, action, actor)
    step = active_step(document)
    if step is None:
        raise ValidationError("Dự thảo không ở bước duyệt nào.", code="not_in_review")
    return step


@delegation.acting("approval", _reviewer_principal)
def approve(
    actor,
    document: OutgoingDocument,
    *,
    comment: str = "",
    disagreement: str = "",
    passphrase=None,
    signed_pdf: bytes | None = None,
) -> OutgoingDocument:
    """Đồng ý và chuyển tiếp; at the last step (the signer), the draft is approved for issue.

    At that last step the signer may sign digitally: with ``passphrase`` (server-side, the actor's own personal
    certificate, also when approving for a delegator) or with ``signed_pdf`` (client-side, verified by the
    caller). The signed PDF is stored as the SIGNED file in the same transaction; a signing failure raises
    ``ValidationError`` and the draft stays in review."""
    signing_wanted = bool(passphrase) or signed_pdf is not None
    with transaction.atomic():
        locked = _lock(document)
        step = _require_reviewer(actor, locked, "approve")
        step.comment = (comment or "").strip()
        step.disagreement = (disagreement or "").strip()
        step.decided_at = timezone.now()
        step.decided_by = actor
        STEP.apply(
            step,
            "approve",
            actor=actor,
            extra_fields=["comment", "disagreement", "decided_at", "decided_by"],
            details={"document": locked.pk, "comment": step.comment, "disagreement": step.disagreement},
        )
        following = locked.steps.filter(round=locked.review_round, status=T.WAITING).order_by("order").first()
        if following is not None and signing_wanted:
            raise ValidationError(
                {"passphrase": "Chỉ ký số ở bước duyệt ký cuối cùng (người ký văn bản)."}, code="not_final"
            )
        if following is not None:
            following.document = locked
            _activate(following, actor)
            locked.current_step = following
            locked.save(update_fields=["current_step", "updated_at"])
            return locked
        version = latest_version(locked)
        details = {"version": version.number}
        if signing_wanted:
            signed = signatures.sign_at_approval(actor, locked, version, passphrase=passphrase, signed_pdf=signed_pdf)
            details.update(signed=True, sha256=signed.file.sha256, client_side=signed_pdf is not None)
        locked.current_step = None
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        DOCUMENT.apply(
            locked,
            "approve",
            actor=actor,
            authorized=True,
            extra_fields=["current_step", "approved_by", "approved_at", "updated_at"],
            details=details,
        )
        notify(
            [locked.drafter],
            "outgoing.approved",
            topic=topics.NEWS,
            target=locked,
            text=f"Dự thảo đã được duyệt ký, chờ văn thư phát hành: {locked.subject}",
        )
        clerks = User.objects.filter(
            positions__agency=locked.agency, positions__role=Role.CLERK, positions__is_active=True, is_active=True
        ).distinct()
        notify(
            clerks,
            "outgoing.to_issue",
            topic=topics.WORK,
            target=locked,
            text=f"Văn bản chờ cấp số, phát hành: {locked.subject}",
        )
    return locked


@delegation.acting("approval", _reviewer_principal)
def return_draft(actor, document: OutgoingDocument, *, comment: str) -> OutgoingDocument:
    """Trả lại người soạn thảo, with the reason; the rest of the round is cancelled."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Ghi rõ lý do trả lại, nội dung cần sửa."})
    with transaction.atomic():
        locked = _lock(document)
        step = _require_reviewer(actor, locked, "return")
        step.comment = comment
        step.decided_at = timezone.now()
        step.decided_by = actor
        STEP.apply(
            step,
            "return",
            actor=actor,
            extra_fields=["comment", "decided_at", "decided_by"],
            details={"document": locked.pk, "comment": comment},
        )
        for waiting in locked.steps.filter(round=locked.review_round, status=T.WAITING):
            STEP.apply(waiting, "cancel", actor=actor, details={"document": locked.pk})
        locked.current_step = None
        DOCUMENT.apply(
            locked,
            "return",
            actor=actor,
            authorized=True,
            extra_fields=["current_step", "updated_at"],
            details={"step": step.label, "comment": comment},
        )
        notify(
            [locked.drafter],
            "outgoing.returned",
            topic=topics.WORK,
            target=locked,
            text=f"Dự thảo bị trả lại ({step.label}): {comment}",
        )
    return locked


@delegation.acting("approval", _reviewer_principal)
def consult(actor, document: OutgoingDocument, users: list[User], *, question: str = "") -> list[Consultation]:
    """The main handler of the active step asks others for an opinion (they are notified)."""
    with transaction.atomic():
        locked = _lock(document)
        step = _require_reviewer(actor, locked, "consult")
        users = [u for u in users if u.pk != actor.pk]
        if not users:
            raise ValidationError({"users": "Chọn người cần xin ý kiến."})
        if any(not members.is_member(u, locked.agency_id) for u in users):
            raise ValidationError({"users": "Chỉ xin ý kiến người đang công tác trong cơ quan."})
        created = []
        for user in users:
            consultation, made = Consultation.objects.get_or_create(
                step=step, user=user, defaults={"requested_by": actor}
            )
            if made:
                created.append(consultation)
        journal.record(
            "outgoing.consult",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"step": step.pk, "users": [u.pk for u in users], "question": question[:500]},
        )
        text = f"Xin ý kiến về dự thảo: {locked.subject}"
        if question:
            text += f" — {question}"
        notify([c.user for c in created], "outgoing.consulted", text=text, topic=topics.WORK, target=locked)
    return created


def answer(actor, consultation: Consultation, opinion: str) -> Consultation:
    opinion = (opinion or "").strip()
    if consultation.user_id != actor.pk:
        raise PermissionDenied("Đây không phải yêu cầu xin ý kiến của bạn.")
    if not opinion:
        raise ValidationError({"opinion": "Nội dung ý kiến là bắt buộc."})
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().select_related("step__document").get(pk=consultation.pk)
        problem = answer_refusal(actor, locked)
        if problem:
            raise ValidationError(problem, code="closed")
        locked.opinion = opinion[:5000]
        locked.answered_at = timezone.now()
        locked.save(update_fields=["opinion", "answered_at"])
        document = locked.step.document
        journal.record(
            "outgoing.consult_answer",
            actor=actor,
            obj=document,
            agency=document.agency,
            details={"step": locked.step_id, "opinion": locked.opinion[:500]},
        )
        notify(
            [locked.step.reviewer],
            "outgoing.consult_answered",
            topic=topics.NEWS,
            target=document,
            text=f"{actor.full_name} đã cho ý kiến về dự thảo: {document.subject}",
        )
    return locked


def cancel(actor, document: OutgoingDocument, reason: str = "") -> OutgoingDocument:
    with transaction.atomic():
        locked = _lock(document)
        DOCUMENT.apply(locked, "cancel", actor=actor, details={"reason": (reason or "").strip()[:500]})
    return locked


# ------------------------------------------------------------------------------------------ issue


def issue(actor, document: OutgoingDocument, *, issued_date=None, passphrase=None) -> OutgoingDocument:
    """Cấp số và phát hành, by the agency's clerk, only for drafts approved in the system.

    The number is taken from the series counter inside this transaction: concurrent clerks serialise on the
    counter row, a failure gives the number back, and no two documents share a number.

    With ``passphrase`` (the agency certificate's), the number and date are stamped into the signed PDF and the
    agency's seal signature is added (a new FINAL file), PDF appendices get the invisible signature and line;
    all before delivery, in the same transaction (a failure gives the number back).
    """
    DOCUMENT.authorize(document, "issue", actor)
    with transaction.atomic():
        locked = _lock(document)
        if locked.status != S.APPROVED:
            raise ValidationError("Chỉ phát hành văn bản đã được duyệt ký trên hệ thống.", code="not_approved")
        today = timezone.localdate()
        issued_date = issued_date or today
        if issued_date > today:
            raise ValidationError({"issued_date": "Ngày ban hành không được ở tương lai."})
        problem = signatures.require_both_problem(
            locked,
            passphrase=passphrase,
            has_signed=signatures.signed_file(locked) is not None,
            electronic=locked.recipients.filter(kind=RecipientKind.AGENCY).exists(),
        )
        if problem:
            raise ValidationError({"passphrase": problem}, code="require_both")
        year = issued_date.year
        assigned = numbering.assign(locked, year)
        locked.year, locked.series, locked.number = year, assigned.series, assigned.number
        locked.code_number, locked.code_notation = assigned.code_number, assigned.code_notation
        locked.issued_date, locked.issued_at, locked.issued_by = issued_date, timezone.now(), actor
        if not locked.signer_position and locked.signer_id:
            position = (
                Position.objects.filter(user_id=locked.signer_id, agency=locked.agency, is_active=True)
                .order_by("-is_primary")
                .first()
            )
            locked.signer_position = position.title if position else ""
        details = {
            "number_symbol": locked.number_symbol,
            "series": assigned.series,
            "issued_date": issued_date.isoformat(),
        }
        if passphrase:
            details.update(signatures.seal_at_issue(actor, locked, passphrase=passphrase))
        DOCUMENT.apply(
            locked,
            "issue",
            actor=actor,
            extra_fields=[
                "year",
                "series",
                "number",
                "code_number",
                "code_notation",
                "issued_date",
                "issued_at",
                "issued_by",
                "signer_position",
                "updated_at",
            ],
            details=details,
        )
        signatures.publish_files(locked)
        delivery.deliver(actor, locked)
        if locked.reply_to_id:
            from vpdt.incoming import services as incoming

            incoming.link_issued_reply(actor, locked.reply_to, locked)
        if locked.related_to_id:
            journal.record(
                f"outgoing.{locked.relation}",
                actor=actor,
                obj=locked.related_to,
                agency=locked.agency,
                details={"by": locked.pk, "number_symbol": locked.number_symbol},
            )
        notify(
            [locked.drafter],
            "outgoing.issued",
            topic=topics.WORK,
            target=locked,
            text=f"Văn bản đã phát hành số {locked.number_symbol}. Kiểm tra số, ngày và đính kèm bản gốc.",
        )
    return locked


def confirm(actor, document: OutgoingDocument, *, files=()) -> OutgoingDocument:
    """The drafter checks the number and date the clerk assigned and attaches the final originals."""
    with transaction.atomic():
        locked = _lock(document)
        DOCUMENT.authorize(locked, "confirm", actor)
        if locked.status != S.ISSUED:
            raise ValidationError("Văn bản chưa phát hành.")
        stored = _store_files(actor, locked, None, files, FileKind.FINAL)
        signatures.publish_files(locked)
        if locked.confirmed_at is None:
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["confirmed_at", "updated_at"])
        journal.record(
            "outgoing.confirm",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"number_symbol": locked.number_symbol, "files": [f.original_name for f in stored]},
        )
    return locked
