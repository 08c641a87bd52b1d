"""Opinion polls on drafts: the commands, one transaction each, journaled.

Rules (SPEC §5):

* **Who polls.** An agency leader assigns a person (:func:`grant`): for one outgoing draft, or for any draft until
  a date. Only a person holding such a grant opens a poll (:func:`open_poll`), of the whole agency or of chosen
  units, about a version of a draft they see in its drafting record (the grant's draft, when the grant names one)
  or about an uploaded file (a general grant). The audience is resolved when the poll opens and told.
* **Who acts**: :mod:`.lifecycle` decides who may take each step (its ``allow`` rules); every command checks it
  under a lock of the poll.
* **Answers** (:func:`answer`): Đồng ý, Không đồng ý or Ý kiến khác, with text and attachments; one per person,
  editable until the deadline, which the poller may extend (:func:`extend_deadline`). A person asked may ask for
  more time with a reason (:func:`ask_more_time`); the poller grants it with a new deadline
  (:func:`grant_more_time`) or declines it with a reason (:func:`decline_more_time`); both are journaled and told.
* **Closing** (:func:`close`, or :func:`close_expired` every few minutes for the polls whose deadline has passed,
  journaled as closed automatically) writes the summary on the poll and, for a poll about an outgoing draft, adds
  it to the draft's version as a comment of the poller through the outgoing documents' own service (when the poller
  may still comment on it: otherwise the summary stays on the poll only); those who did not answer are told, and
  the poller when the system closed it. Requests for more time still waiting lapse. Closing reads the poll under a
  row lock, so a poll the task and the poller close at the same moment is closed once.
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
from django.utils import timezone, translation
from django.utils.translation import gettext

from vpdt.core.authz import manageable, permitted, scope_of
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

from .lifecycle import POLL, REQUEST
from .models import (
    Answer,
    AnswerFile,
    Choice,
    DeadlineRequest,
    Poll,
    PollGrant,
    PollStatus,
    PollUnit,
    RequestStatus,
    Respondent,
)

TITLE_MAX, TEXT_MAX, REASON_MAX, MAX_FILES = 300, 5000, 500, 5
NO_GRANT = "Chỉ người được lãnh đạo cơ quan giao mới được lấy ý kiến về dự thảo này."


# ------------------------------------------------------------------------------------------ grants


def _draft_label(document: OutgoingDocument | None) -> str:
    return f"dự thảo “{document.subject[:120]}”" if document is not None else "mọi dự thảo"


def grant(actor, grantee, *, document: OutgoingDocument | None = None, valid_until: dt.date | None = None):
    """An agency leader assigns ``grantee`` to poll about ``document`` (or, with ``valid_until``, any draft)."""
    scope = scope_of(actor)
    if scope.agency_id is None or not scope.has_role(Role.LEADER):
        raise PermissionDenied(gettext("Chỉ lãnh đạo cơ quan được giao quyền lấy ý kiến."))
    members.require_member(
        grantee, scope.agency_id, field="grantee", message=gettext("Người được giao phải đang công tác tại cơ quan.")
    )
    if document is not None and document.agency_id != scope.agency_id:
        raise ValidationError({"document": gettext("Dự thảo không thuộc cơ quan.")})
    if document is None and valid_until is None:
        raise ValidationError({"valid_until": gettext("Giao quyền chung phải có ngày hết hiệu lực (dd/mm/yyyy).")})
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError({"valid_until": gettext("Ngày hết hiệu lực không được trước hôm nay.")})
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
            raise PermissionDenied(gettext("Chỉ lãnh đạo cơ quan được thu hồi quyền lấy ý kiến."))
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
        raise ValidationError({field: gettext("%(label)s là bắt buộc.") % {"label": label}})
    if len(value) > limit:
        raise ValidationError(
            {field: gettext("%(label)s dài tối đa %(limit)s ký tự.") % {"label": label, "limit": limit}}
        )
    return value


def _future_date(value, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError(
            {field: gettext("%(label)s là bắt buộc (dd/mm/yyyy).") % {"label": label}}, code="required"
        )
    if value < timezone.localdate():
        raise ValidationError({field: gettext("%(label)s không được trước hôm nay.") % {"label": label}}, code="past")
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
    title = _clean_text(title, "title", gettext("Tiêu đề"), TITLE_MAX)
    question = _clean_text(question, "question", gettext("Nội dung xin ý kiến"), TEXT_MAX)
    deadline = _future_date(deadline, "deadline", gettext("Hạn trả lời"))
    grants = active_grants(actor)
    if scope.agency_id is None or not grants.exists():
        raise PermissionDenied(NO_GRANT)
    if (version is None) == (upload is None):
        raise ValidationError({"version": gettext("Chọn một phiên bản dự thảo hoặc tải lên một tệp dự thảo.")})
    if version is not None:
        if not pollable_versions(actor).filter(pk=version.pk).exists():
            raise PermissionDenied(NO_GRANT)
        chosen_grant = grants.filter(document_id=version.document_id).first() or grants.first()
    else:
        chosen_grant = grants.filter(document__isnull=True).first()
        if chosen_grant is None:
            raise PermissionDenied(
                gettext("Lấy ý kiến về một tệp tải lên cần được lãnh đạo giao quyền lấy ý kiến chung.")
            )
    units = list({u.pk: u for u in units or []}.values())
    if not whole_agency and not units:
        raise ValidationError({"units": gettext("Chọn đơn vị được lấy ý kiến, hoặc lấy ý kiến toàn cơ quan.")})
    for unit in units:
        members.require_unit(
            unit, scope.agency_id, field="units", message=gettext("Đơn vị phải là đơn vị đang hoạt động thuộc cơ quan.")
        )
    whole_agency = whole_agency and not units
    audience = _audience(scope.agency_id, whole_agency, units)
    audience.pop(actor.pk, None)
    if not audience:
        raise ValidationError({"units": gettext("Không có ai trong phạm vi được lấy ý kiến.")})
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
    return Poll.objects.select_for_update(of=("self",)).select_related("agency", "poller").get(pk=poll.pk)


def answer(actor, poll: Poll, *, choice: str, text: str = "", files=()) -> Answer:
    """The person's answer (a new one, or theirs changed) while the poll is open and before its deadline."""
    if choice not in Choice.values:
        raise ValidationError({"choice": gettext("Chọn Đồng ý, Không đồng ý hoặc Ý kiến khác.")})
    text = _clean_text(text, "text", gettext("Nội dung ý kiến"), TEXT_MAX, required=choice != Choice.AGREE)
    POLL.authorize(poll, "answer", actor)
    checked = [uploads.check(f) for f in files]
    saved = []
    try:
        with transaction.atomic():
            locked = _locked(poll)
            POLL.check(locked, "answer", actor=actor)
            item, created = Answer.objects.get_or_create(
                poll=locked, user=actor, defaults={"choice": choice, "text": text}
            )
            if not created:
                item.choice, item.text = choice, text
                item.save(update_fields=["choice", "text", "updated_at"])
            if item.files.count() + len(checked) > MAX_FILES:
                raise ValidationError(
                    {"files": gettext("Một ý kiến có tối đa %(max_files)s tệp đính kèm.") % {"max_files": MAX_FILES}}
                )
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


def non_responders(poll: Poll):
    return Respondent.objects.filter(poll_id=poll.pk).exclude(
        user_id__in=Answer.objects.filter(poll_id=poll.pk).values("user_id")
    )


def _move_deadline(poll: Poll, until: dt.date, field: str, skip=()) -> None:
    """Set the locked open poll's deadline to the end of ``until`` and tell those who have not answered."""
    new = day_bounds(until)[1]
    if new <= poll.deadline:
        raise ValidationError(
            {
                field: gettext("Hạn mới phải sau hạn trả lời hiện tại %(date)s.")
                % {"date": f"{timezone.localtime(poll.deadline):%d/%m/%Y}"}
            },
            code="not_later",
        )
    poll.deadline, poll.reminded_at = new, None
    poll.save(update_fields=["deadline", "reminded_at"])
    notifications.notify(
        [r.user for r in non_responders(poll).exclude(user_id__in=list(skip)).select_related("user")],
        "polls.deadline_extended",
        text=f"Đợt lấy ý kiến “{poll.title}” được gia hạn trả lời đến {until:%d/%m/%Y}",
        topic=topics.WORK,
        target=poll,
    )


def extend_deadline(actor, poll: Poll, *, until: dt.date) -> Poll:
    with transaction.atomic():
        locked = _locked(poll)
        POLL.check(locked, "extend_deadline", actor=actor)
        until = _future_date(until, "until", gettext("Hạn trả lời mới"))
        _move_deadline(locked, until, "until")
        journal.record("polls.extend_deadline", actor=actor, obj=locked, agency=locked.agency, details={"until": until})
    return locked


# ------------------------------------------------------------------------------------------ more time to answer


def ask_more_time(actor, poll: Poll, *, until: dt.date, reason: str) -> DeadlineRequest:
    """A person asked asks the poller for more time to answer, until ``until``, with a reason."""
    with transaction.atomic():
        locked = _locked(poll)
        POLL.check(locked, "ask_more_time", actor=actor)
        reason = _clean_text(reason, "reason", gettext("Lý do đề nghị gia hạn"), REASON_MAX)
        until = _future_date(until, "until", gettext("Ngày đề nghị gia hạn"))
        if day_bounds(until)[1] <= locked.deadline:
            raise ValidationError(
                {
                    "until": gettext("Ngày đề nghị phải sau hạn trả lời %(date)s.")
                    % {"date": f"{timezone.localtime(locked.deadline):%d/%m/%Y}"}
                },
                code="not_later",
            )
        item = DeadlineRequest.objects.create(poll=locked, user=actor, until=until, reason=reason)
        journal.record(
            "polls.ask_more_time",
            actor=actor,
            obj=locked,
            agency=locked.agency,
            details={"until": until, "reason": reason},
        )
        notifications.notify(
            [locked.poller],
            "polls.more_time_asked",
            text=f"{actor.full_name} đề nghị gia hạn trả lời “{locked.title}” đến {until:%d/%m/%Y}: {reason}",
            topic=topics.WORK,
            target=locked,
        )
    return item


def _locked_request(item: DeadlineRequest) -> DeadlineRequest:
    poll = _locked(item.poll)
    locked = DeadlineRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=item.pk)
    locked.poll = poll
    return locked


def grant_more_time(actor, item: DeadlineRequest, *, until: dt.date | None = None) -> DeadlineRequest:
    """The poller grants a request for more time: the poll's deadline moves to ``until`` (default: the date asked)
    for everyone; the person who asked and those who have not answered are told."""
    with transaction.atomic():
        locked = _locked_request(item)
        REQUEST.check(locked, "grant", actor=actor)
        poll = locked.poll
        until = _future_date(until or locked.until, "until", gettext("Hạn trả lời mới"))
        _move_deadline(poll, until, "until", skip=[locked.user_id])
        locked.granted_until, locked.decided_by, locked.decided_at = until, actor, timezone.now()
        REQUEST.apply(
            locked,
            "grant",
            actor=actor,
            details={"requester": locked.user.full_name, "until": until},
            extra_fields=["granted_until", "decided_by", "decided_at"],
            journal_obj=poll,
            journal_agency=poll.agency,
            authorized=True,
        )
        notifications.notify(
            [locked.user],
            "polls.more_time_granted",
            text=f"{actor.full_name} gia hạn trả lời “{poll.title}” đến {until:%d/%m/%Y}",
            topic=topics.WORK,
            target=poll,
        )
    return locked


def decline_more_time(actor, item: DeadlineRequest, *, reason: str) -> DeadlineRequest:
    """The poller declines a request for more time (Không gia hạn), with a reason the person who asked is told."""
    with transaction.atomic():
        locked = _locked_request(item)
        REQUEST.authorize(locked, "decline", actor)
        reason = _clean_text(reason, "reason", gettext("Lý do không gia hạn"), REASON_MAX)
        poll = locked.poll
        locked.decision_reason, locked.decided_by, locked.decided_at = reason, actor, timezone.now()
        REQUEST.apply(
            locked,
            "decline",
            actor=actor,
            details={"requester": locked.user.full_name, "until": locked.until, "reason": reason},
            extra_fields=["decision_reason", "decided_by", "decided_at"],
            journal_obj=poll,
            journal_agency=poll.agency,
            authorized=True,
            reason=reason,
        )
        notifications.notify(
            [locked.user],
            "polls.more_time_declined",
            text=f"{actor.full_name} không gia hạn trả lời “{poll.title}”: {reason}",
            topic=topics.WORK,
            target=poll,
        )
    return locked


def retention_end(start: dt.datetime) -> dt.datetime:
    return start + relativedelta(months=settings.VPDT_POLL_RETENTION_MONTHS)


def _close(actor, locked: Poll, step: str, *, attach: bool) -> Poll:
    """Close the locked poll (``step``: the poller's ``close`` or the system's ``auto_close``): the summary on the
    poll and, with ``attach``, as the poller's comment on the draft's version; waiting requests lapse; journaled
    and told."""
    from . import queries

    POLL.check(locked, step, actor=actor)
    now = timezone.now()
    locked.closed_at, locked.expires_at = now, retention_end(now)
    with translation.override(settings.LANGUAGE_CODE):  # kept on the poll and the draft: in Vietnamese
        summary = queries.summary(locked)
        locked.summary = queries.summary_text(locked, summary)
    locked.summary_comment = False
    if attach and locked.version_id:
        try:
            with transaction.atomic():
                outgoing.add_comment(locked.poller, locked.version, locked.summary)
            locked.summary_comment = True
        except (PermissionDenied, ValidationError):
            locked.summary_comment = False
    silent = [r.user for r in non_responders(locked).select_related("user")]
    POLL.apply(
        locked,
        step,
        actor=actor,
        details={
            "answered": summary["answered"],
            "not_answered": summary["not_answered"],
            "attached": locked.summary_comment,
            "expires_at": locked.expires_at,
        },
        extra_fields=["closed_at", "expires_at", "summary", "summary_comment"],
        journal_agency=locked.agency,
        authorized=True,
    )
    waiting = list(
        DeadlineRequest.objects.filter(poll_id=locked.pk, status=RequestStatus.PENDING).select_related("user")
    )
    for item in waiting:
        item.poll = locked
    REQUEST.apply_many(
        waiting,
        "lapse",
        details_of=lambda r: {"requester": r.user.full_name, "until": r.until},
        journal_obj=locked,
        journal_agency=locked.agency,
    )
    how = "đã kết thúc" if actor is not None else "đã tự động kết thúc khi hết hạn trả lời"
    notifications.notify(
        silent, "polls.closed", text=f"Đợt lấy ý kiến “{locked.title}” {how}", topic=topics.WORK, target=locked
    )
    if actor is None:
        where = "; bản tổng hợp đã được gửi vào dự thảo" if locked.summary_comment else ""
        notifications.notify(
            [locked.poller],
            "polls.auto_closed",
            text=f"Đợt lấy ý kiến “{locked.title}” {how}{where}",
            topic=topics.WORK,
            target=locked,
        )
    return locked


def close(actor, poll: Poll, *, attach: bool = True) -> Poll:
    """The poller ends the poll: no more answers; the summary is written on the poll and, for an outgoing draft,
    added to the version as a comment when ``attach`` and the poller may comment there."""
    with transaction.atomic():
        return _close(actor, _locked(poll), "close", attach=attach)


def close_expired() -> int:
    """Close, as the poller's close would (the summary attached to the draft), every open poll whose deadline has
    passed, each in its own transaction under its row lock (one the poller closed meanwhile is left alone),
    journaled as closed automatically. Returns how many were closed."""
    closed = 0
    due = Poll.objects.filter(status=PollStatus.OPEN, deadline__lt=timezone.now()).order_by("id")
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            locked = (
                Poll.objects.select_for_update(of=("self",))
                .select_related("agency", "poller")
                .filter(pk=pk, status=PollStatus.OPEN)
                .first()
            )
            if locked is None or not POLL.can(locked, "auto_close"):
                continue
            _close(None, locked, "auto_close", attach=True)
            closed += 1
    return closed


# ------------------------------------------------------------------------------------------ retention


def request_extension(actor, poll: Poll, *, until: dt.date, reason: str) -> Poll:
    with transaction.atomic():
        locked = _locked(poll)
        POLL.check(locked, "request_extension", actor=actor)
        reason = _clean_text(reason, "reason", gettext("Lý do đề nghị gia hạn"), REASON_MAX)
        until = _future_date(until, "until", gettext("Ngày gia hạn"))
        if until <= timezone.localtime(locked.expires_at).date():
            raise ValidationError(
                {"until": gettext("Ngày gia hạn phải sau ngày hết hạn lưu hiện tại.")}, code="not_later"
            )
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
        locked = _locked(poll)
        POLL.check(locked, "extend", actor=actor)
        until = _future_date(until or locked.extension_until, "until", gettext("Ngày gia hạn"))
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
