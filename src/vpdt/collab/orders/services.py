"""Tasks as official orders: the commands, one transaction each, journaled.

* **Who assigns** (:func:`assignable`): an order goes from superior to subordinate within one agency. A leader of
  the agency assigns to anyone and any unit of the agency; a unit head to the people of the units they lead and to
  the sub-units of those units. The same rule names the cooperating people and units.
* **Linked documents**: incoming and outgoing documents and dossiers the assigner can see; a task may be created
  from an incoming document's direction (its id prefills the task and links the document).
* **Lifecycle**: :mod:`.lifecycle` decides who may take each step; every step is journaled in Vietnamese and the
  people concerned are told through the notifications app.
* **Follow-up** (:func:`follow_up`): told through :func:`vpdt.notifications.services.notify` with the reminder
  topic, so every channel the person has (in the application, e-mail, push, SMS where they opted in) carries it.
  What happened on each channel is recorded from what the notifications app did: the stored notification (in the
  application), a channel the notification was handed to (it sends after the transaction, in its own task), or
  the reason a channel was not used. Nothing claims a message was sent that was not handed to a channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of, visible
from vpdt.core.roles import Role
from vpdt.directory import members
from vpdt.directory.models import Position, Unit
from vpdt.dossiers.models import Dossier
from vpdt.incoming.models import Assignment, AssignmentRole, IncomingDocument
from vpdt.journal import services as journal
from vpdt.notifications import queries as notification_queries
from vpdt.notifications import services as notifications
from vpdt.notifications import topics
from vpdt.outgoing.models import OutgoingDocument
from vpdt.storage import services as storage
from vpdt.storage import uploads

from .lifecycle import TASK
from .models import (
    Cooperator,
    DeliveryStatus,
    FollowUp,
    FollowUpDelivery,
    FollowUpKind,
    LinkKind,
    Priority,
    ProgressReport,
    Task,
    TaskFile,
    TaskLink,
)

TITLE_MAX, TEXT_MAX, REASON_MAX, MAX_FILES = 300, 10000, 500, 10
INCOMING_PARAM = "tu-van-ban-den"  # the task form's query parameter: the incoming document the task comes from
NOT_ASSIGNER = (
    "Chỉ lãnh đạo cơ quan (giao cho mọi người, đơn vị trong cơ quan) hoặc lãnh đạo đơn vị (giao cho người, đơn vị "
    "trong đơn vị mình) được giao nhiệm vụ."
)


def dmy(day) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


# ------------------------------------------------------------------------------------------ who assigns


def assignable(actor) -> tuple[QuerySet, QuerySet]:
    """The people and the units ``actor`` may give an order to (empty when they give none)."""
    scope = scope_of(actor)
    none = (User.objects.none(), Unit.objects.none())
    if scope.agency_id is None or scope.user_id is None:
        return none
    people = members.members(scope.agency_id).exclude(pk=actor.pk)
    units = Unit.objects.filter(agency_id=scope.agency_id, is_active=True)
    if scope.has_role(Role.LEADER) and not scope.is_superuser:
        return people, units
    if scope.led_unit_ids:
        led = sorted(scope.led_unit_ids)
        people = people.filter(
            pk__in=Position.objects.filter(unit_id__in=led, is_active=True, agency_id=scope.agency_id).values("user_id")
        )
        return people, units.filter(parent_id__in=led)
    return none


def may_assign(actor) -> bool:
    people, units = assignable(actor)
    return people.exists() or units.exists()


def lead_people(task: Task) -> list:
    """Who answers for the task: the lead person, or the heads of the lead unit."""
    if task.lead_user_id:
        return [task.lead_user]
    return list(members.members(task.agency_id, roles=(Role.UNIT_LEADER,), unit_id=task.lead_unit_id))


def cooperating_people(task: Task) -> list:
    found = {}
    for coop in task.cooperators.select_related("user"):
        if coop.user_id:
            found[coop.user_id] = coop.user
        else:
            for user in members.members(task.agency_id, unit_id=coop.unit_id):
                found[user.pk] = user
    return list(found.values())


# ------------------------------------------------------------------------------------------ helpers


def _text(value: str, field: str, limit: int, message: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: gettext("Tối đa %(limit)s ký tự.") % {"limit": limit}})
    return value


def _check_files(files) -> list:
    checked = [uploads.check(f) for f in files or ()]
    if len(checked) > MAX_FILES:
        raise ValidationError(
            {"files": gettext("Mỗi lần đính kèm tối đa %(max_files)s tệp.") % {"max_files": MAX_FILES}}
        )
    return checked


def _store_files(actor, task: Task, checked, report: ProgressReport | None = None) -> list[str]:
    names, saved = [], []
    try:
        for upload in checked:
            stored = storage.store(
                upload.file, upload.name, folder="orders", content_type=upload.mime, agency=task.agency, actor=actor
            )
            saved.append(stored.name)
            TaskFile.objects.create(task=task, report=report, file=stored)
            names.append(upload.name)
    except Exception:
        for name in saved:
            default_storage.delete(name)
        raise
    return names


def _links(actor, incoming_ids: Iterable, outgoing_ids: Iterable, dossier_ids: Iterable) -> list[TaskLink]:
    links = []
    for kind, model, ids, label in (
        (LinkKind.INCOMING, IncomingDocument, incoming_ids, "văn bản đến"),
        (LinkKind.OUTGOING, OutgoingDocument, outgoing_ids, "văn bản đi"),
        (LinkKind.DOSSIER, Dossier, dossier_ids, "hồ sơ"),
    ):
        for pk in sorted({int(i) for i in ids or ()}):
            obj = visible(model, actor).filter(pk=pk).first()
            if obj is None:
                raise ValidationError(
                    {
                        "links": gettext("Không có %(label)s mã %(pk)s hoặc bạn không có quyền xem.")
                        % {"label": label, "pk": pk}
                    }
                )
            links.append(TaskLink(kind=kind, object_id=pk, label=str(obj)[:300]))
    return links


def incoming_prefill(actor, incoming_id) -> dict:
    """What a task created from an incoming document's direction starts with (empty when the person cannot see it):
    its subject, the direction as the description, its deadline, and the lead and cooperators the direction named
    (as the task form's choices ``u:<unit>`` / ``p:<person>``; the form offers only those the person may assign)."""
    try:
        pk = int(incoming_id)
    except (TypeError, ValueError):
        return {}
    doc = visible(IncomingDocument, actor).filter(pk=pk).first()
    if doc is None:
        return {}
    named = {AssignmentRole.LEAD: [], AssignmentRole.COOPERATE: []}
    for role, unit_id, user_id, deadline in (
        Assignment.objects.filter(document_id=doc.pk, parent__isnull=True, role__in=list(named))
        .order_by("id")
        .values_list("role", "unit_id", "user_id", "deadline")
    ):
        named[role].append((f"u:{unit_id}" if unit_id else f"p:{user_id}", deadline))
    lead = named[AssignmentRole.LEAD][0] if named[AssignmentRole.LEAD] else ("", None)
    found = {
        "title": doc.subject[:TITLE_MAX],
        "description": doc.direction or "",
        "deadline": doc.deadline or lead[1] or doc.due_date,
        "incoming_id": doc.pk,
        "incoming_label": str(doc),
    }
    if lead[0]:
        found["lead"] = lead[0]
    if named[AssignmentRole.COOPERATE]:
        found["cooperators"] = [code for code, _deadline in named[AssignmentRole.COOPERATE]]
    return found


def from_incoming_url(actor, document) -> str | None:
    """The address of the task form prefilled from ``document`` (the incoming document's page offers it as
    "Giao việc"), for a person who gives orders and sees the document; None otherwise."""
    if not getattr(actor, "is_authenticated", False) or not may_assign(actor):
        return None
    if not visible(IncomingDocument, actor).filter(pk=document.pk).exists():
        return None
    return f"{reverse('orders:create')}?{INCOMING_PARAM}={document.pk}"


def _tell(people, verb: str, text: str, task: Task, topic=topics.WORK, actor=None) -> list:
    return notifications.notify(
        [p for p in people if actor is None or p.pk != actor.pk], verb, text=text, topic=topic, target=task
    )


def _locked(task: Task) -> Task:
    return (
        Task.objects.select_for_update(of=("self",))
        .select_related("agency", "assigner", "lead_user", "lead_unit")
        .get(pk=task.pk)
    )


# ------------------------------------------------------------------------------------------ assigning


def create_task(
    actor,
    *,
    title: str,
    deadline: dt.date,
    description: str = "",
    priority: int = Priority.NORMAL,
    lead_user=None,
    lead_unit=None,
    cooperator_users: Iterable = (),
    cooperator_units: Iterable = (),
    files: Iterable = (),
    incoming_id=None,
    outgoing_ids: Iterable = (),
    dossier_ids: Iterable = (),
    parent: Task | None = None,
) -> Task:
    """Assign a task (an order) to one lead with cooperators. ``parent``: a sub-task the head of the parent's lead
    unit delegates to a person of the unit."""
    people, units = assignable(actor)
    if not people.exists() and not units.exists():
        raise PermissionDenied(NOT_ASSIGNER)
    title = _text(title, "title", TITLE_MAX, "Cần nhập tên nhiệm vụ.")
    description = _text(description, "description", TEXT_MAX, "", required=False)
    if (lead_user is None) == (lead_unit is None):
        raise ValidationError({"lead": gettext("Chọn đúng một người hoặc một đơn vị chủ trì.")})
    if lead_user is not None and not people.filter(pk=lead_user.pk).exists():
        raise ValidationError({"lead": gettext("Người chủ trì không thuộc phạm vi bạn được giao việc.")})
    if lead_unit is not None and not units.filter(pk=lead_unit.pk).exists():
        raise ValidationError({"lead": gettext("Đơn vị chủ trì không thuộc phạm vi bạn được giao việc.")})
    cooperator_users = [u for u in cooperator_users if u is not None]
    cooperator_units = [u for u in cooperator_units if u is not None]
    for user in cooperator_users:
        if not people.filter(pk=user.pk).exists() or (lead_user is not None and user.pk == lead_user.pk):
            raise ValidationError(
                {"cooperators": gettext("Không giao phối hợp được cho %(name)s.") % {"name": user.full_name}}
            )
    for unit in cooperator_units:
        if not units.filter(pk=unit.pk).exists() or (lead_unit is not None and unit.pk == lead_unit.pk):
            raise ValidationError(
                {"cooperators": gettext("Không giao phối hợp được cho %(name)s.") % {"name": unit.name}}
            )
    if not isinstance(deadline, dt.date):
        raise ValidationError({"deadline": gettext("Cần nhập hạn hoàn thành (dd/mm/yyyy).")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": gettext("Hạn hoàn thành không được trước hôm nay.")})
    if priority not in Priority.values:
        raise ValidationError({"priority": gettext("Độ ưu tiên không hợp lệ.")})
    if parent is not None:
        TASK.check(parent, "delegate", actor=actor)
        if lead_user is None:
            raise ValidationError({"lead": gettext("Nhiệm vụ con giao cho một người trong đơn vị.")})
        if parent.deadline < deadline:
            raise ValidationError(
                {
                    "deadline": gettext("Hạn của nhiệm vụ con không được sau hạn %(date)s.")
                    % {"date": dmy(parent.deadline)}
                }
            )
    checked = _check_files(files)
    links = _links(actor, [incoming_id] if incoming_id else [], outgoing_ids, dossier_ids)
    scope = scope_of(actor)
    with transaction.atomic():
        task = Task.objects.create(
            agency_id=scope.agency_id,
            parent=parent,
            assigner=actor,
            lead_user=lead_user,
            lead_unit=lead_unit,
            title=title,
            description=description,
            priority=priority,
            deadline=deadline,
            incoming_id=int(incoming_id) if incoming_id else None,
        )
        Cooperator.objects.bulk_create(
            [Cooperator(task=task, user=u) for u in cooperator_users]
            + [Cooperator(task=task, unit=u) for u in cooperator_units]
        )
        for link in links:
            link.task = task
        TaskLink.objects.bulk_create(links)
        names = _store_files(actor, task, checked)
        cooperators = [u.full_name for u in cooperator_users] + [u.name for u in cooperator_units]
        details = {
            "lead": task.lead_name,
            "deadline": dmy(deadline),
            "priority": task.get_priority_display(),
            "cooperators": ", ".join(cooperators),
            "files": names,
            "links": [link.label for link in links],
        }
        if parent is not None:
            details["parent"] = parent.title
            journal.record("orders.task.delegate", actor=actor, obj=parent, details={"lead": task.lead_name})
        journal.record("orders.task.create", actor=actor, obj=task, details=details)
        _tell(
            lead_people(task),
            "orders.assigned",
            f"{actor.full_name} giao nhiệm vụ “{title}”, hạn {dmy(deadline)}",
            task,
            actor=actor,
        )
        _tell(
            cooperating_people(task),
            "orders.cooperate",
            f"{actor.full_name} giao phối hợp nhiệm vụ “{title}”, hạn {dmy(deadline)}",
            task,
            actor=actor,
        )
    return task


def _step(actor, task: Task, name: str, *, details=None, extra_fields=(), prepare=None, **context) -> Task:
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, name, actor=actor, **context)
        if prepare is not None:
            extra_fields = prepare(task)
        TASK.apply(task, name, actor=actor, details=details, extra_fields=extra_fields, authorized=True, **context)
    return task


def accept(actor, task: Task) -> Task:
    task = _step(actor, task, "accept")
    with transaction.atomic():
        _tell([task.assigner], "orders.accepted", f"{actor.full_name} đã tiếp nhận nhiệm vụ “{task.title}”", task)
    return task


def return_task(actor, task: Task, reason: str) -> Task:
    reason = _text(reason, "reason", REASON_MAX, "Cần ghi lý do trả lại.")

    def prepare(t):
        t.reason = reason
        return ["reason", "updated_at"]

    with transaction.atomic():
        task = _step(actor, task, "return", details={"reason": reason}, prepare=prepare, reason=reason)
        _tell([task.assigner], "orders.returned", f"{actor.full_name} trả lại nhiệm vụ “{task.title}”: {reason}", task)
    return task


def report(actor, task: Task, *, progress: int, text: str, files: Iterable = ()) -> ProgressReport:
    """A progress report of the lead: the first one starts the work (đang thực hiện)."""
    text = _text(text, "text", TEXT_MAX, "Cần nhập nội dung báo cáo.")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": gettext("Tiến độ là số phần trăm từ 0 đến 100.")}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": gettext("Tiến độ là số phần trăm từ 0 đến 100.")})
    checked = _check_files(files)
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, "report", actor=actor)
        entry = ProgressReport.objects.create(task=task, author=actor, progress=progress, text=text)
        names = _store_files(actor, task, checked, report=entry)
        task.progress = progress
        TASK.apply(
            task,
            "report",
            actor=actor,
            details={"progress": f"{progress}%", "files": names},
            extra_fields=["progress", "updated_at"],
            authorized=True,
        )
        _tell(
            [task.assigner],
            "orders.progress",
            f"{actor.full_name} báo cáo tiến độ {progress}% nhiệm vụ “{task.title}”",
            task,
        )
    return entry


def submit(actor, task: Task, result: str = "") -> Task:
    result = _text(result, "result", TEXT_MAX, "", required=False)

    def prepare(t):
        t.result, t.progress = result, 100
        return ["result", "progress", "updated_at"]

    with transaction.atomic():
        task = _step(actor, task, "submit", prepare=prepare)
        _tell(
            [task.assigner],
            "orders.submitted",
            f"{actor.full_name} trình kết quả nhiệm vụ “{task.title}”, chờ đánh giá",
            task,
        )
    return task


def complete(actor, task: Task) -> Task:
    def prepare(t):
        t.completed_at = timezone.now()
        return ["completed_at", "updated_at"]

    with transaction.atomic():
        task = _step(actor, task, "complete", prepare=prepare)
        late = task.completed_at and timezone.localdate(task.completed_at) > task.deadline
        _tell(
            lead_people(task),
            "orders.completed",
            f"{actor.full_name} đánh giá hoàn thành nhiệm vụ “{task.title}”" + (" (quá hạn)" if late else ""),
            task,
            topic=topics.NEWS,
        )
    return task


def send_back(actor, task: Task, reason: str) -> Task:
    reason = _text(reason, "reason", REASON_MAX, "Cần ghi lý do trả lại kết quả.")

    def prepare(t):
        t.reason = reason
        return ["reason", "updated_at"]

    with transaction.atomic():
        task = _step(actor, task, "send_back", details={"reason": reason}, prepare=prepare, reason=reason)
        _tell(
            lead_people(task),
            "orders.sent_back",
            f"{actor.full_name} trả lại kết quả nhiệm vụ “{task.title}”: {reason}",
            task,
        )
    return task


def reassign(actor, task: Task) -> Task:
    with transaction.atomic():
        task = _step(actor, task, "reassign")
        _tell(lead_people(task), "orders.assigned", f"{actor.full_name} giao lại nhiệm vụ “{task.title}”", task)
    return task


def request_extension(actor, task: Task, *, until: dt.date, reason: str) -> Task:
    reason = _text(reason, "reason", REASON_MAX, "Cần ghi lý do đề nghị gia hạn.")
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, "request_extension", actor=actor)
        if not isinstance(until, dt.date) or until <= task.deadline:
            raise ValidationError(
                {"until": gettext("Ngày đề nghị phải sau hạn hiện tại %(date)s.") % {"date": dmy(task.deadline)}}
            )
        task.extension_until, task.extension_reason = until, reason
        task.save(update_fields=["extension_until", "extension_reason", "updated_at"])
        journal.record(
            "orders.task.request_extension", actor=actor, obj=task, details={"until": dmy(until), "reason": reason}
        )
        _tell(
            [task.assigner],
            "orders.extension_requested",
            f"{actor.full_name} đề nghị gia hạn nhiệm vụ “{task.title}” đến {dmy(until)}",
            task,
        )
    return task


def grant_extension(actor, task: Task) -> Task:
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, "grant_extension", actor=actor)
        before = task.deadline
        task.deadline, task.extension_until, task.extension_reason = task.extension_until, None, ""
        task.save(update_fields=["deadline", "extension_until", "extension_reason", "updated_at"])
        journal.record(
            "orders.task.grant_extension",
            actor=actor,
            obj=task,
            details={"before": dmy(before), "until": dmy(task.deadline)},
        )
        _tell(
            lead_people(task),
            "orders.extension_granted",
            f"{actor.full_name} gia hạn nhiệm vụ “{task.title}” đến {dmy(task.deadline)}",
            task,
        )
    return task


def refuse_extension(actor, task: Task, reason: str) -> Task:
    reason = _text(reason, "reason", REASON_MAX, "Cần ghi lý do không gia hạn.")
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, "refuse_extension", actor=actor)
        asked = task.extension_until
        task.extension_until, task.extension_reason = None, ""
        task.save(update_fields=["extension_until", "extension_reason", "updated_at"])
        journal.record(
            "orders.task.refuse_extension", actor=actor, obj=task, details={"until": dmy(asked), "reason": reason}
        )
        _tell(
            lead_people(task),
            "orders.extension_refused",
            f"{actor.full_name} không gia hạn nhiệm vụ “{task.title}”: {reason}",
            task,
        )
    return task


# ------------------------------------------------------------------------------------------ follow-up


def _record_deliveries(followup: FollowUp, people: list, rows: list) -> list[FollowUpDelivery]:
    """Per person and channel, what the notifications app did with the follow-up (see the module's doc)."""
    return FollowUpDelivery.objects.bulk_create(
        FollowUpDelivery(
            followup=followup,
            user=o.user,
            channel=o.channel,
            status=o.status,
            note=o.note,
            notification_id=o.notification_id,
        )
        for o in notification_queries.outcomes(people, topics.REMINDER, rows)
    )


def follow_up(actor, task: Task, *, kind: str, text: str) -> FollowUp:
    """The assigner's follow-up (nhắc nhở, phê bình, kiểm điểm) of the lead, counted per assignee."""
    if kind not in FollowUpKind.values:
        raise ValidationError({"kind": gettext("Chọn hình thức đôn đốc: nhắc nhở, phê bình hoặc kiểm điểm.")})
    text = _text(text, "text", 2000, "Cần nhập nội dung đôn đốc.")
    with transaction.atomic():
        task = _locked(task)
        TASK.check(task, "follow_up", actor=actor)
        followup = FollowUp.objects.create(
            task=task,
            author=actor,
            assignee_user_id=task.lead_user_id,
            assignee_unit_id=task.lead_unit_id,
            kind=kind,
            text=text,
        )
        people = [p for p in lead_people(task) if p.pk != actor.pk]
        label = followup.get_kind_display()
        rows = notifications.notify(
            people,
            "orders.follow_up",
            text=f"{label}: {actor.full_name} đôn đốc nhiệm vụ “{task.title}” (hạn {dmy(task.deadline)})",
            body=f"{label} về nhiệm vụ “{task.title}”, hạn {dmy(task.deadline)}.\n\n{text}",
            topic=topics.REMINDER,
            target=task,
        )
        deliveries = _record_deliveries(followup, people, rows)
        journal.record(
            "orders.task.follow_up",
            actor=actor,
            obj=task,
            details={
                "kind": label,
                "text": text,
                "recipients": ", ".join(p.full_name for p in people),
                "channels": sorted({d.channel for d in deliveries if d.status != DeliveryStatus.SKIPPED}),
            },
        )
    return followup


# ------------------------------------------------------------------------------------------ reminders


def remind_due(today: dt.date | None = None) -> int:
    """The daily reminder: open tasks due tomorrow or late, told to their lead through the reminder topic."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    told = 0
    tasks = Task.objects.filter(status__in=["assigned", "accepted", "in_progress"], deadline__lte=tomorrow)
    for task in tasks.select_related("lead_user").order_by("id").iterator():
        late = task.deadline < today
        text = (
            f"Nhiệm vụ “{task.title}” đã quá hạn (hạn {dmy(task.deadline)})"
            if late
            else f"Nhiệm vụ “{task.title}” đến hạn ngày mai {dmy(task.deadline)}"
        )
        with transaction.atomic():
            told += len(_tell(lead_people(task), "orders.due", text, task, topic=topics.REMINDER))
    return told
