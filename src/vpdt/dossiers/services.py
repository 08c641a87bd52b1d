"""Work dossiers: the yearly file list, opening and keeping dossiers, filing completed documents.

Rules (ND30 Điều 28–30, SPEC §2.4 and §8):

* A dossier belongs to its agency's file list of one year; its ordinal in the list is gapless and its
  file code (số và ký hiệu hồ sơ) is derived from the ordinal and the unit's abbreviation unless given.
* Only completed documents are filed, only into open dossiers, by someone who may open the document and
  keep the dossier. A document may be filed into several dossiers, once each.
* A filed document is never removed, except by an administrator of the agency, with a reason; the item
  is kept, marked withdrawn, and the withdrawal journaled.
* Totals (documents, pages) and the start and end dates are recomputed on every change.
* A closed dossier is deposited in the agency archive within one year; a warning shows 30 days before.

Who may act is decided by :mod:`vpdt.dossiers.lifecycle` (and, for the document filed, by
:mod:`vpdt.incoming.lifecycle`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from vpdt.core.authz import manageable, permitted, scope_of
from vpdt.core.services import next_value
from vpdt.directory import members
from vpdt.directory.models import Role, Unit
from vpdt.incoming import lifecycle as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.journal import services as journal

from .lifecycle import DOSSIER, TRANSITIONS
from .models import Dossier, DossierItem, DossierStatus, FileList, Maintenance, Rights

log = logging.getLogger(__name__)

S = DossierStatus
ARCHIVE_WITHIN_DAYS = 365
ARCHIVE_WARNING_DAYS = 30
FILE_CODE_RE = re.compile(r"^[0-9A-Za-zĐđ][0-9A-Za-zĐđ.\-/_]*$")
EDITABLE = ("title", "maintenance", "rights", "language", "description", "file_code", "unit")


# ------------------------------------------------------------------------------------------ file list


def file_list_for(agency, year: int) -> FileList:
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": "Năm của danh mục hồ sơ không hợp lệ."}, code="year")
    try:
        with transaction.atomic():
            file_list, _ = FileList.objects.get_or_create(agency=agency, year=year)
    except IntegrityError:  # created concurrently
        file_list = FileList.objects.get(agency=agency, year=year)
    return file_list


# ------------------------------------------------------------------------------------------ dossiers


def _actor_agency(actor):
    """The owner of a new dossier is the actor: a current member of their agency."""
    scope = scope_of(actor)
    if scope.agency_id is None:
        raise PermissionDenied("Tài khoản chưa thuộc cơ quan nào nên không lập được hồ sơ.")
    if not (scope.is_superuser or members.is_member(actor, scope.agency_id)):
        raise PermissionDenied("Bạn không còn giữ chức vụ nào tại cơ quan nên không lập được hồ sơ.")
    return scope


def _check_unit(scope, unit: Unit | None) -> None:
    if unit is None:
        return
    members.require_unit(
        unit,
        scope.agency_id,
        field="unit",
        message="Đơn vị lập hồ sơ phải là đơn vị đang hoạt động thuộc cơ quan của bạn.",
    )
    if scope.is_superuser or scope.has_role(Role.CLERK, Role.LEADER) or unit.pk in scope.unit_ids:
        return
    raise ValidationError({"unit": "Bạn chỉ lập hồ sơ cho đơn vị mình công tác."}, code="unit_member")


def _clean_text(data: dict) -> dict:
    errors = {}
    title = (data.get("title") or "").strip()
    if "title" in data:
        if not title:
            errors["title"] = "Tiêu đề hồ sơ là bắt buộc."
        elif len(title) > 500:
            errors["title"] = "Tiêu đề hồ sơ tối đa 500 ký tự."
        data["title"] = title
    if "maintenance" in data and data["maintenance"] not in Maintenance.values:
        errors["maintenance"] = "Thời hạn bảo quản không hợp lệ."
    if "rights" in data and data["rights"] not in Rights.values:
        errors["rights"] = "Chế độ sử dụng không hợp lệ."
    if "language" in data:
        data["language"] = (data["language"] or "").strip() or "Tiếng Việt"
        if len(data["language"]) > 50:
            errors["language"] = "Ngôn ngữ tối đa 50 ký tự."
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
        if len(data["description"]) > 2000:
            errors["description"] = "Chú giải tối đa 2000 ký tự."
    if "file_code" in data:
        code = (data["file_code"] or "").strip()
        if code and (len(code) > 50 or not FILE_CODE_RE.match(code)):
            errors["file_code"] = (
                "Số và ký hiệu hồ sơ chỉ gồm chữ, số và các dấu . - / _ (tối đa 50 ký tự), ví dụ 01.VP."
            )
        data["file_code"] = code
    if errors:
        raise ValidationError(errors)
    return data


def _unique_code(file_list: FileList, code: str, exclude_pk=None) -> None:
    clash = Dossier.objects.filter(file_list=file_list, file_code__iexact=code)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"file_code": f"Số và ký hiệu hồ sơ “{code}” đã có trong danh mục năm {file_list.year}."}, code="duplicate"
        )


def create_dossier(
    actor,
    *,
    title: str,
    year: int | None = None,
    maintenance: str = Maintenance.Y10,
    rights: str = Rights.OPEN,
    unit: Unit | None = None,
    language: str = "Tiếng Việt",
    description: str = "",
    file_code: str = "",
) -> Dossier:
    """Open a dossier in the actor's agency file list of ``year`` (default: this year)."""
    scope = _actor_agency(actor)
    data = _clean_text(
        {
            "title": title,
            "maintenance": maintenance,
            "rights": rights,
            "language": language,
            "description": description,
            "file_code": file_code,
        }
    )
    if unit is None and scope.unit_ids and not scope.has_role(Role.CLERK, Role.LEADER):
        unit = Unit.objects.filter(pk__in=scope.unit_ids, agency_id=scope.agency_id).order_by("pk").first()
    _check_unit(scope, unit)
    year = year or timezone.localdate().year
    from vpdt.directory.models import Agency

    agency = Agency.objects.get(pk=scope.agency_id)
    file_list = file_list_for(agency, year)
    with transaction.atomic():
        ordinal = next_value(f"dossier:{file_list.pk}")
        code = data["file_code"] or f"{ordinal:02d}" + (f".{unit.short_name}" if unit else "")
        _unique_code(file_list, code)
        dossier = Dossier.objects.create(
            agency=agency,
            file_list=file_list,
            ordinal=ordinal,
            file_code=code,
            title=data["title"],
            maintenance=data["maintenance"],
            rights=data["rights"],
            unit=unit,
            owner=actor,
            language=data["language"],
            description=data["description"],
        )
        journal.record(
            "dossier.create",
            actor=actor,
            obj=dossier,
            agency=agency,
            details={"year": year, "file_code": code, "title": dossier.title},
        )
    return dossier


def update_dossier(actor, dossier: Dossier, **changes) -> Dossier:
    """The keepers edit an open dossier (đang lập)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Không sửa được trường: {', '.join(sorted(unknown))}.", code="field")
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        DOSSIER.check(locked, "edit", actor=actor)
        data = _clean_text(dict(changes))
        if "unit" in data and data["unit"] != locked.unit:
            _check_unit(scope_of(actor), data["unit"])
        if "file_code" in data:
            if not data["file_code"]:
                raise ValidationError({"file_code": "Số và ký hiệu hồ sơ là bắt buộc."}, code="required")
            _unique_code(locked.file_list, data["file_code"], exclude_pk=locked.pk)
        diff = {}
        for name, value in data.items():
            old = getattr(locked, name)
            if old != value:
                diff[name] = {"from": getattr(old, "pk", old), "to": getattr(value, "pk", value)}
                setattr(locked, name, value)
        if diff:
            locked.save()
            journal.record("dossier.update", actor=actor, obj=locked, agency=locked.agency, details=diff)
    return locked


def transition(actor, dossier: Dossier, name: str) -> Dossier:
    """close / reopen / archive. Archiving (nộp lưu) is the clerk's act."""
    if name not in TRANSITIONS:
        raise ValidationError("Thao tác không hợp lệ.", code="action")
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        DOSSIER.check(locked, name, actor=actor)
        extra = []
        if name == "close":
            locked.closed_at = timezone.now()
            extra = ["closed_at", "updated_at"]
        elif name == "archive":
            locked.archived_at = timezone.now()
            extra = ["archived_at", "updated_at"]
        elif name == "reopen":
            locked.closed_at = None
            extra = ["closed_at", "updated_at"]
        DOSSIER.apply(locked, name, actor=actor, authorized=True, extra_fields=extra)
    return locked


# ------------------------------------------------------------------------------------------ filing


def _pdf_pages(stored) -> int | None:
    from django.core.files.storage import default_storage
    from pypdf import PdfReader

    try:
        with default_storage.open(stored.name, "rb") as fh:
            return len(PdfReader(fh).pages)
    except Exception:
        log.warning("Không đếm được số trang của tệp %s", stored.pk)
        return None


def page_count(document: IncomingDocument) -> int:
    """The document's page amount as registered, else counted from its files (a picture is one page)."""
    if document.page_amount:
        return document.page_amount
    total = 0
    for attachment in document.attachments.select_related("file"):
        stored = attachment.file
        if stored.content_type == "application/pdf":
            total += _pdf_pages(stored) or 0
        elif stored.content_type.startswith("image/"):
            total += 1
    return total


def _recompute(dossier: Dossier) -> None:
    totals = dossier.items.filter(removed_at__isnull=True).aggregate(
        docs=Count("id"), pages=Sum("page_amount"), start=Min("doc_date"), end=Max("doc_date")
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        doc_total=totals["docs"] or 0,
        page_total=totals["pages"] or 0,
        start_date=totals["start"],
        end_date=totals["end"],
        updated_at=timezone.now(),
    )


def fileable_dossiers(actor, document: IncomingDocument | None = None):
    """Open dossiers the actor keeps, in the document's agency, newest year first: where the dossier's ``file``
    rule allows the actor (the manage predicate, as SQL)."""
    qs = manageable(Dossier, actor).filter(status=S.OPEN)
    if document is not None:
        qs = qs.filter(agency_id=document.agency_id)
    return qs.select_related("file_list").order_by("-file_list__year", "ordinal")


def has_place_for(actor, document: IncomingDocument) -> bool:
    """An open dossier the actor keeps that does not hold the document yet (the incoming "file" guard)."""
    holding = DossierItem.objects.filter(incoming_id=document.pk, removed_at__isnull=True).values("dossier_id")
    return fileable_dossiers(actor, document).exclude(pk__in=holding).exists()


def file_document(actor, document: IncomingDocument, dossiers) -> list[DossierItem]:
    """File one completed document into one or more dossiers (all or nothing)."""
    dossiers = list(dossiers)
    if not dossiers:
        raise ValidationError({"dossiers": "Chọn ít nhất một hồ sơ."}, code="required")
    items = []
    with transaction.atomic():
        doc = IncomingDocument.objects.select_for_update().get(pk=document.pk)
        incoming.DOCUMENT.authorize(doc, "file", actor)
        pages = None
        for dossier in dossiers:
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if locked.agency_id != doc.agency_id:
                raise ValidationError(f"Hồ sơ {locked.file_code} thuộc cơ quan khác.", code="agency")
            DOSSIER.check(locked, "file", actor=actor)
            if locked.items.filter(incoming=doc, removed_at__isnull=True).exists():
                raise ValidationError(f"Văn bản đã có trong hồ sơ {locked.file_code}.", code="duplicate")
            incoming.DOCUMENT.check(doc, "file", actor=actor, authorized=True)
            pages = page_count(doc) if pages is None else pages
            item = DossierItem.objects.create(
                dossier=locked, incoming=doc, doc_date=doc.issued_date, page_amount=pages, filed_by=actor
            )
            _recompute(locked)
            journal.record(
                "dossier.file",
                actor=actor,
                obj=locked,
                agency=locked.agency,
                details={
                    "incoming": doc.pk,
                    "arrival_number": doc.arrival_number,
                    "year": doc.year,
                    "number_symbol": doc.number_symbol,
                    "pages": pages,
                },
            )
            journal.record(
                "incoming.filed",
                actor=actor,
                obj=doc,
                agency=doc.agency,
                details={"dossier": locked.pk, "file_code": locked.file_code},
            )
            items.append(item)
    return items


def remove_item(actor, item: DossierItem, reason: str) -> DossierItem:
    """Withdraw a filed document. Administrators of the agency only, with a reason; the item is kept."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = DossierItem.objects.select_for_update().select_related("dossier", "incoming").get(pk=item.pk)
        DOSSIER.check(locked.dossier, "remove_item", actor=actor)
        if len(reason) < 10:
            raise ValidationError({"reason": "Ghi rõ lý do rút văn bản khỏi hồ sơ (ít nhất 10 ký tự)."}, code="reason")
        if locked.removed_at is not None:
            raise ValidationError("Văn bản này đã được rút khỏi hồ sơ.", code="removed")
        locked.removed_at = timezone.now()
        locked.removed_by = actor
        locked.removal_reason = reason
        locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        _recompute(locked.dossier)
        journal.record(
            "dossier.remove_item",
            actor=actor,
            obj=locked.dossier,
            agency=locked.dossier.agency,
            details={"incoming": locked.incoming_id, "item": locked.pk, "reason": reason},
        )
    return locked


# ------------------------------------------------------------------------------------------ reading


def items_of(actor, dossier: Dossier, *, include_removed: bool = False, part: str = "view"):
    """Items the actor may see (``part="content"``: whose documents they may read, for exports), in chronological
    order (document date, then filing order)."""
    qs = permitted(DossierItem, actor, part).filter(dossier=dossier)
    if not include_removed:
        qs = qs.filter(removed_at__isnull=True)
    return qs.select_related("incoming", "incoming__doc_type", "filed_by", "removed_by").order_by("doc_date", "id")


@dataclass(frozen=True)
class ArchiveState:
    deadline: dt.date | None
    level: str  # "", "soon", "late"
    label: str


def archive_state(dossier: Dossier, today: dt.date | None = None) -> ArchiveState:
    """Nộp lưu within one year after the work ends (the dossier is closed); warn 30 days before."""
    if dossier.status != S.CLOSED or dossier.closed_at is None:
        return ArchiveState(None, "", "")
    today = today or timezone.localdate()
    deadline = timezone.localtime(dossier.closed_at).date() + dt.timedelta(days=ARCHIVE_WITHIN_DAYS)
    if today > deadline:
        return ArchiveState(deadline, "late", f"Quá hạn nộp lưu (hạn {deadline:%d/%m/%Y})")
    if (deadline - today).days <= ARCHIVE_WARNING_DAYS:
        return ArchiveState(deadline, "soon", f"Sắp đến hạn nộp lưu ({deadline:%d/%m/%Y})")
    return ArchiveState(deadline, "", f"Hạn nộp lưu {deadline:%d/%m/%Y}")


def archive_due_filter(today: dt.date | None = None) -> Q:
    """Closed dossiers whose deposit deadline is at most 30 days away (or past)."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    limit = today - dt.timedelta(days=ARCHIVE_WITHIN_DAYS - ARCHIVE_WARNING_DAYS) + dt.timedelta(days=1)
    return Q(status=S.CLOSED, closed_at__lt=timezone.make_aware(dt.datetime.combine(limit, dt.time.min), tz))


def record_export(actor, dossier: Dossier, fmt: str, count: int) -> None:
    journal.record(
        "dossier.export", actor=actor, obj=dossier, agency=dossier.agency, details={"format": fmt, "documents": count}
    )
