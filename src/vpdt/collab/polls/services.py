"""Opinion polls on drafts: the commands, one transaction each, journaled.

Rules (SPEC §5):

* **Who polls.** An agency leader assigns a person (:func:`grant`): for one outgoing draft, or for any draft until
  a date. Only a person holding such a grant opens a poll (:func:`open_poll`), of the whole agency or of chosen
  units, about a version of a draft they see in its drafting record (the grant's draft, when the grant names one)
  or about an uploaded file (a general grant). The audience is resolved when the poll opens and told.
* **Answers** (:func:`answer`): Đồng ý, Không đồng ý or Ý kiến khác, with text and attachments; one per person,
  editable until the deadline, which the poller may extend (:func:`extend_deadline`).
* **Closing** (:func:`close`) writes the summary on the poll and, for a poll about an outgoing draft, adds it to
  the draft's version as a comment through the outgoing documents' own service (when the poller may still comment
  on it: otherwise the summary stays on the poll only).
* **Retention**: a closed poll is kept ``VPDT_POLL_RETENTION_MONTHS`` months; the poller may ask the agency's
  administrator to keep it longer, who extends it. :func:`expire_polls` (daily) removes what is past its date,
  journaling each; :func:`remind_non_responders` (daily) reminds once those who have not answered, shortly before
  the deadline.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vpdt.core.authz import manageable, permitted, scope_of, visible
from vpdt.core.dates import day_bounds
from vpdt.directory import members
from vpdt.directory.models import Agency, Position, Role, Unit
from vpdt.journal import services as journal
from vpdt.notifications import services as notifications
from vpdt.notifications import topics
from vpdt.outgoing import services as outgoing
from vpdt.outgoing.models import OutgoingDocument, Version
from vpdt.storage import services as storage
from vpdt.storage import uploads
from vpdt.storage.models import StoredFile

from .models import Answer, AnswerFile, Choice, Poll, PollGrant, PollStatus, PollUnit, Respondent

TITLE_MAX, TEXT_MAX, REASON_MAX, MAX_FILES = 300, 5000, 500, 5
NOT_POLLER = "Chỉ người lấy ý kiến được làm việc này."
NO_GRANT = "Chỉ người được lãnh đạo cơ quan giao mới được lấy ý kiến về dự thảo này."


# ------------------------------------------------------------------------------------------ grants


def _draft_label(document: OutgoingDocument | None) -> str:
    return f"dự thảo “{document.subject[:120]}”" if document is not None else "mọi dự thảo"


def grant(actor, grantee, *, document: OutgoingDocument | None = None, valid_until: dt.date | None = None):
    """An agency leader assigns ``grantee`` to poll about ``document`` (or, with ``valid_until``, any draft)."""
    scope = scope_of(actor)
    if scope.agency_id is None or not scope.has_role(Role.LEADER):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan được giao quyền lấy ý kiến.")
    members.require_member(
        grantee, scope.agency_id, field="grantee", message="Người được giao phải đang công tác tại cơ quan."
    )
    if document is not None and document.agency_id != scope.agency_id:
        raise ValidationError({"document": "Dự thảo không thuộc cơ quan."})
    if document is None and valid_until is None:
        raise ValidationError({"valid_until": "Giao quyền chung phải có ngày hết hiệu lực (dd/mm/yyyy)."})
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "Ngày hết hiệu lực không được trước hôm nay."})
    with transaction.atomic():
        item = PollGrant.objects.create(
            agency_id=scope.agency_id, grantee=grantee, granted_by=actor, document=document, valid_until=valid_until
        )
        journal.record(
            "polls.grant",
            actor=actor,
            obj=item,
            agency=Agency.objects.get(pk=scope.agency_id),
            details={"grantee": grantee.full_name, "draft": _draft_label(document), "valid_until": valid_until},
        )
        notifications.notify(
            [grantee],
            "polls.granted",
            text=f"{actor.full_name} giao bạn lấy ý kiến về {_draft_label(document)}",
            topic=topics.WORK,
            url_name="polls:create",
        )
    return item


def revoke(actor, item: PollGrant) -> PollGrant:
    with transaction.atomic():
        locked = PollGrant.objects.select_for_update().filter(pk=item.pk).first()
        if locked is None or not manageable(PollGrant.objects.filter(pk=item.pk), actor).exists():
            raise PermissionDenied("Chỉ lãnh đạo cơ quan được thu hồi quyền lấy ý kiến.")
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            journal.record(
                "polls.revoke",
                actor=actor,
                obj=locked,
                agency=locked.agency,
                details={"grantee": locked.grantee.full_name, "draft": _draft_label(locked.document)},
            )
    return locked


def active_grants(user):
    """The person's grants in force today."""
    scope = scope_of(user)
    if scope.agency_id is None:
        return PollGrant.objects.none()
    return PollGrant.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()),
        grantee_id=user.pk,
        agency_id=scope.agency_id,
        revoked_at__isnull=True,
    ).select_related("document")


def pollable_versions(user):
    """The draft versions the person may poll about: of drafts they see in the drafting record, covered by a grant
    (a draft's own, or a general one)."""
    grants = active_grants(user)
    if not grants.exists():
        return Version.objects.none()
    documents = permitted(OutgoingDocument, user, "record")
    if not grants.filter(document__isnull=True).exists():
        documents = documents.filter(pk__in=grants.values("document_id"))
    return (
        Version.objects.filter(document_id__in=documents.values("pk"))
        .select_related("document")
        .order_by("-document_id", "-number")
    )


# ------------------------------------------------------------------------------------------ polls


def _clean_text(value: str, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: f"{label} là bắt buộc."})
    if len(value) > limit:
        raise ValidationError({field: f"{label} dài tối đa {limit} ký tự."})
    return value


def _future_date(value, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: f"{label} là bắt buộc (dd/mm/yyyy)."}, code="required")
    if value < timezone.localdate():
        raise ValidationError({field: f"{label} không được trước hôm nay."}, code="past")
    return value


def _audience(agency_id: int, whole_agency: bool, units: list[Unit]) -> dict[int, int | None]:
    """Person id → the unit through which they are asked (their primary unit for the whole agency)."""
    found: dict[int, int | None] = {}
    if whole_agency:
        people = members.members(agency_id).values_list("pk", flat=True)
        primary = dict(
            Position.objects.filter(agency_id=agency_id, is_active=True, unit__isnull=False)
            .order_by("is_primary", "-pk")  # the last one wins: the primary position
            .values_list("user_id", "unit_id")
        )
        for pk in people:
            found[pk] = primary.get(pk)
        return found
    for unit in units:
        for pk in members.members(agency_id, unit_id=unit.pk).values_list("pk", flat=True):
            found.setdefault(pk, unit.pk)
    return found


def _store(actor, upload, agency_id: int, folder: str) -> StoredFile:
    checked = uploads.check(upload)
    return storage.store(
        checked.file,
        checked.name,
        folder=folder,
        content_type=checked.mime,
        agency=Agency.objects.get(pk=agency_id),
        actor=actor,
    )


def open_poll(
    actor,
    *,
    title: str,
    question: str,
    deadline: dt.date,
    version: Version | None = None,
    upload=None,
    whole_agency: bool = True,
    units=(),
) -> Poll:
    """Open a poll about a draft version (or an uploaded file) of the whole agency or of chosen units."""
    scope = scope_of(actor)
    title = _clean_text(title, "title", "Tiêu đề", TITLE_MAX)
    question = _clean_text(question, "question", "Nội dung xin ý kiến", TEXT_MAX)
    deadline = _future_date(deadline, "deadline", "Hạn trả lời")
    grants = active_grants(actor)
    if scope.agency_id is None or not grants.exists():
        raise PermissionDenied(NO_GRANT)
    if (version is None) == (upload is None):
        raise ValidationError({"version": "Chọn một phiên bản dự thảo hoặc tải lên một tệp dự thảo."})
    if version is not None:
        if not pollable_versions(actor).filter(pk=version.pk).exists():
            raise PermissionDenied(NO_GRANT)
        chosen_grant = grants.filter(document_id=version.document_id).first() or grants.first()
    else:
        chosen_grant = grants.filter(document__isnull=True).first()
        if chosen_grant is None:
            raise PermissionDenied("Lấy ý kiến về một tệp tải lên cần được lãnh đạo giao quyền lấy ý kiến chung.")
    units = list({u.pk: u for u in units or []}.values())
    if not whole_agency and not units:
        raise ValidationError({"units": "Chọn đơn vị được lấy ý kiến, hoặc lấy ý kiến toàn cơ quan."})
    for unit in units:
        members.require_unit(
            unit, scope.agency_id, field="units", message="Đơn vị phải là đơn vị đang hoạt động thuộc cơ quan."
        )
    whole_agency = whole_agency and not units
    audience = _audience(scope.agency_id, whole_agency, units)
    audience.pop(actor.pk, None)
    if not audience:
        raise ValidationError({"units": "Không có ai trong phạm vi được lấy ý kiến."})
    saved = []
    try:
        with transaction.atomic():
            stored = _store(actor, upload, scope.agency_id, "polls") if upload is not None else None
            if stored is not None:
                saved.append(stored.name)
            poll = Poll.objects.create(
                agency_id=scope.agency_id,
                poller=actor,
                grant=chosen_grant,
                title=title,
                question=question,
                version=version,
                file=stored,
                whole_agency=whole_agency,
                deadline=day_bounds(deadline)[1],
            )
            PollUnit.objects.bulk_create([PollUnit(poll=poll, unit=u) for u in units])
            Respondent.objects.bulk_create(
                [Respondent(poll=poll, user_id=pk, unit_id=unit) for pk, unit in sorted(audience.items())]
            )
            label = "toàn cơ quan" if whole_agency else ", ".join(u.name for u in units)
            journal.record(
                "polls.open",
                actor=actor,
                obj=poll,
                agency=poll.agency,
                details={
                    "audience": label,
                    "deadline": deadline,
                    "respondents": len(audience),
                    "draft": _draft_label(version.document) if version else stored.original_name,
                },
            )
            notifications.notify(
                members.members(scope.agency_id).filter(pk__in=list(audience)),
                "polls.opened",
                text=f"{actor.full_name} xin ý kiến: {title} (hạn {deadline:%d/%m/%Y})",
                topic=topics.WORK,
                target=poll,
                body=question,
            )
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().get(pk=poll.pk)


def answer(actor, poll: Poll, *, choice: str, text: str = "", files=()) -> Answer:
    """The person's answer (a new one, or theirs changed) while the poll is open and before its deadline."""
    if choice not in Choice.values:
        raise ValidationError({"choice": "Chọn Đồng ý, Không đồng ý hoặc Ý kiến khác."})
    text = _clean_text(text, "text", "Nội dung ý kiến", TEXT_MAX, required=choice != Choice.AGREE)
    if (
        not Respondent.objects.filter(poll_id=poll.pk, user_id=actor.pk).exists()
        or not visible(Poll.objects.filter(pk=poll.pk), actor).exists()
    ):
        raise PermissionDenied("Bạn không thuộc phạm vi được lấy ý kiến của đợt này.")
    checked = [uploads.check(f) for f in files]
    saved = []
    try:
        with transaction.atomic():
            locked = _locked(poll)
            if not locked.is_open or timezone.now() > locked.deadline:
                raise ValidationError("Đợt lấy ý kiến đã hết hạn trả lời.", code="closed")
            item, created = Answer.objects.get_or_create(
                poll=locked, user=actor, defaults={"choice": choice, "text": text}
            )
            if not created:
                item.choice, item.text = choice, text
                item.save(update_fields=["choice", "text", "updated_at"])
            if item.files.count() + len(checked) > MAX_FILES:
                raise ValidationError({"files": f"Một ý kiến có tối đa {MAX_FILES} tệp đính kèm."})
            for upload in checked:
                stored = storage.store(
                    upload.file,
                    upload.name,
                    folder="polls",
                    content_type=upload.mime,
                    agency=locked.agency,
                    actor=actor,
                )
                saved.append(stored.name)
                AnswerFile.objects.create(answer=item, file=stored)
            journal.record(
                "polls.answer" if created else "polls.answer_edit", actor=actor, obj=locked, agency=locked.agency
            )
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return item


def _poller(actor, poll: Poll) -> Poll:
    locked = Poll.objects.select_for_update().filter(pk=poll.pk).first()
    if locked is None or not manageable(Poll.objects.filter(pk=poll.pk), actor).exists():
        raise PermissionDenied(NOT_POLLER)
    return locked


def non_responders(poll: Poll):
    return Respondent.objects.filter(poll_id=poll.pk).exclude(
        user_id__in=Answer.objects.filter(poll_id=poll.pk).values("user_id")
    )


def extend_deadline(actor, poll: Poll, *, until: dt.date) -> Poll:
    until = _future_date(until, "until", "Hạn trả lời mới")
    with transaction.atomic():
        locked = _poller(actor, poll)
        if not locked.is_open:
            raise ValidationError("Đợt lấy ý kiến đã kết thúc.", code="closed")
        new = day_bounds(until)[1]
        if new <= locked.deadline:
            raise ValidationError({"until": "Hạn mới phải sau hạn trả lời hiện tại."}, code="not_later")
        locked.deadline, locked.reminded_at = new, None
        locked.save(update_fields=["deadline", "reminded_at"])
        journal.record("polls.extend_deadline", actor=actor, obj=locked, agency=locked.agency, details={"until": until})
        notifications.notify(
            [r.user for r in non_responders(locked).select_related("user")],
            "polls.deadline_extended",
            text=f"Đợt lấy ý kiến “{locked.title}” được gia hạn trả lời đến {until:%d/%m/%Y}",
            topic=topics.WORK,
            target=locked,
        )
    return locked


def retention_end(start: dt.datetime) -> dt.datetime:
    return start + relativedelta(months=settings.VPDT_POLL_RETENTION_MONTHS)


def close(actor, poll: Poll, *, attach: bool = True) -> Poll:
    """End the poll: no more answers; the summary is written on the poll and, for an outgoing draft, added to the
    version as a comment when ``attach`` and the poller may comment there."""
    from . import queries

    with transaction.atomic():
        locked = _poller(actor, poll)
        if not locked.is_open:
            raise ValidationError("Đợt lấy ý kiến đã kết thúc.", code="closed")
        now = timezone.now()
        locked.status, locked.closed_at, locked.expires_at = PollStatus.CLOSED, now, retention_end(now)
        summary = queries.summary(locked)
        locked.summary = queries.summary_text(locked, summary)
        if attach and locked.version_id:
            try:
                with transaction.atomic():
                    outgoing.add_comment(actor, locked.version, locked.summary)
                locked.summary_comment = True
            except (PermissionDenied, ValidationError):
                locked.summary_comment = False
        locked.save(update_fields=["status", "closed_at", "expires_at", "summary", "summary_comment"])
        journal.record(
            "polls.close",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={
                "answered": summary["answered"],
                "not_answered": summary["not_answered"],
                "attached": locked.summary_comment,
                "expires_at": locked.expires_at,
            },
        )
    return locked


# ------------------------------------------------------------------------------------------ retention


def request_extension(actor, poll: Poll, *, until: dt.date, reason: str) -> Poll:
    reason = _clean_text(reason, "reason", "Lý do đề nghị gia hạn", REASON_MAX)
    until = _future_date(until, "until", "Ngày gia hạn")
    with transaction.atomic():
        locked = _poller(actor, poll)
        if locked.expires_at is None:
            raise ValidationError("Đợt lấy ý kiến chưa kết thúc nên chưa tính thời hạn lưu.", code="open")
        if until <= timezone.localtime(locked.expires_at).date():
            raise ValidationError({"until": "Ngày gia hạn phải sau ngày hết hạn lưu hiện tại."}, code="not_later")
        locked.extension_until, locked.extension_reason = until, reason
        locked.extension_requested_at = timezone.now()
        locked.save(update_fields=["extension_until", "extension_reason", "extension_requested_at"])
        journal.record(
            "polls.request_extension",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"until": until, "reason": reason},
        )
        notifications.notify(
            members.members(locked.agency_id, roles=[Role.ADMIN]),
            "polls.extension_requested",
            text=f"{actor.full_name} đề nghị gia hạn lưu đợt lấy ý kiến “{locked.title}” đến {until:%d/%m/%Y}",
            topic=topics.WORK,
            target=locked,
        )
    return locked


def extend(actor, poll: Poll, *, until: dt.date | None = None) -> Poll:
    """The agency's administrator keeps a closed poll until ``until`` (default: the date asked for)."""
    with transaction.atomic():
        locked = Poll.objects.select_for_update().filter(pk=poll.pk).first()
        if locked is None or not permitted(Poll.objects.filter(pk=poll.pk), actor, "extend").exists():
            raise PermissionDenied("Chỉ quản trị hệ thống của cơ quan được gia hạn lưu đợt lấy ý kiến.")
        if locked.expires_at is None:
            raise ValidationError("Đợt lấy ý kiến chưa kết thúc nên chưa tính thời hạn lưu.", code="open")
        until = _future_date(until or locked.extension_until, "until", "Ngày gia hạn")
        locked.expires_at = day_bounds(until)[1]
        locked.extension_until, locked.extension_reason, locked.extension_requested_at = None, "", None
        locked.save(update_fields=["expires_at", "extension_until", "extension_reason", "extension_requested_at"])
        journal.record("polls.extend", actor=actor, obj=locked, agency=locked.agency, details={"until": until})
        notifications.notify(
            [locked.poller],
            "polls.extended",
            text=f"Đợt lấy ý kiến “{locked.title}” được gia hạn lưu đến {until:%d/%m/%Y}",
            target=locked,
        )
    return locked


def expire_polls(now: dt.datetime | None = None) -> int:
    """Remove the closed polls past their retention date that wait for no extension decision, with their answers
    and files, journaling each. Returns how many were removed."""
    now = now or timezone.now()
    names = []
    with transaction.atomic():
        expired = list(
            Poll.objects.select_for_update()
            .filter(status=PollStatus.CLOSED, expires_at__lte=now, extension_requested_at__isnull=True)
            .select_related("agency")
            .order_by("id")
        )
        ids = [p.pk for p in expired]
        file_ids = set(AnswerFile.objects.filter(answer__poll_id__in=ids).values_list("file_id", flat=True))
        file_ids |= {p.file_id for p in expired if p.file_id}
        for poll in expired:
            journal.record(
                "polls.expire",
                actor=None,
                obj=poll,
                agency=poll.agency,
                details={"expires_at": poll.expires_at, "answered": poll.answers.count()},
            )
        Poll.objects.filter(pk__in=ids).delete()
        files = StoredFile.objects.filter(pk__in=file_ids)
        names = list(files.values_list("name", flat=True))
        files.delete()
    for name in names:
        default_storage.delete(name)
    return len(expired)


def remind_non_responders(now: dt.datetime | None = None) -> int:
    """Remind once, ``VPDT_POLL_REMIND_DAYS`` before the deadline, those who have not answered. Returns how many
    people were reminded."""
    now = now or timezone.now()
    soon = now + dt.timedelta(days=settings.VPDT_POLL_REMIND_DAYS)
    total = 0
    with transaction.atomic():
        polls = list(
            Poll.objects.select_for_update()
            .filter(status=PollStatus.OPEN, reminded_at__isnull=True, deadline__gt=now, deadline__lte=soon)
            .select_related("agency")
            .order_by("id")
        )
        for poll in polls:
            people = [r.user for r in non_responders(poll).select_related("user")]
            poll.reminded_at = now
            poll.save(update_fields=["reminded_at"])
            if not people:
                continue
            notifications.notify(
                people,
                "polls.reminder",
                text=f"Nhắc trả lời ý kiến: {poll.title} (hạn {timezone.localtime(poll.deadline):%d/%m/%Y})",
                topic=topics.REMINDER,
                target=poll,
            )
            journal.record("polls.remind", actor=None, obj=poll, agency=poll.agency, details={"reminded": len(people)})
            total += len(people)
    return total
