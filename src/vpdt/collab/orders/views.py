"""Task screens. Thin: parse input, call services, render.

A task the person may not see is a 404 (another agency's, or one they have no part in); a step they may not take
on a task they see is a 403 with the machine's Vietnamese reason. Buttons are :func:`.lifecycle.available_actions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vpdt.core import work
from vpdt.core.authz import scope_of, visible
from vpdt.core.pagination import ROWS_PER_PAGE, page_of, query_without_cursor
from vpdt.core.viewer import file_response
from vpdt.directory import members
from vpdt.directory.models import Unit
from vpdt.notifications import channels

from . import forms, queries, services
from .lifecycle import TASK, available_actions
from .models import FollowUpDelivery, FollowUpKind, Task, TaskFile

PAGE_SIZE = ROWS_PER_PAGE[0]


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _channel_label(code: str) -> str:
    try:
        return str(channels.get(code).label)
    except KeyError:
        return code


def _task(request, pk) -> Task:
    return get_object_or_404(queries.tasks(request.user).select_related("agency", "parent"), pk=pk)


@login_required
def task_list(request):
    scope = scope_of(request.user)
    views = dict(queries.VIEWS)
    if not scope.led_unit_ids:
        views.pop("don-vi")
    view = request.GET.get("v") or "cua-toi"
    if view not in views:
        messages.warning(request, gettext("Danh sách không hợp lệ; đang hiển thị nhiệm vụ của tôi."))
        view = "cua-toi"
    qs = queries.listing(request.user, view)
    which, bad = work.due_param(request.GET)
    if bad:
        messages.warning(request, work.BAD_DUE)
    status = request.GET.get("trang-thai") or ("" if which else "dang-mo")
    if which:
        qs = queries.due(qs, which)
    elif status == "dang-mo":
        qs = queries.open_only(qs)
    page = page_of(request, qs, order=queries.ORDER, default=PAGE_SIZE)
    context = {
        "page": page,
        "views": views,
        "view": view,
        "which": which,
        "status": status,
        "can_assign": services.may_assign(request.user),
        "today": timezone.localdate(),
        "query": query_without_cursor(request),
    }
    return render(request, "orders/list.html", context)


@login_required
def create(request):
    people, units = services.assignable(request.user)
    if not people.exists() and not units.exists():
        raise PermissionDenied(services.NOT_ASSIGNER)
    source = request.GET.get(services.INCOMING_PARAM) or request.GET.get("van-ban-den")
    initial = services.incoming_prefill(request.user, source)
    form = forms.TaskForm(
        request.user,
        request.POST or None,
        request.FILES or None,
        people=people,
        units=units,
        initial={k: v for k, v in initial.items() if k != "incoming_label"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(request.user, **form.arguments())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã giao nhiệm vụ."))
            return redirect("orders:detail", task.pk)
    context = {"form": form, "heading": gettext("Giao nhiệm vụ"), "incoming_label": initial.get("incoming_label", "")}
    return render(request, "orders/form.html", context)


@login_required
def detail(request, pk):
    task = _task(request, pk)
    actions = available_actions(request.user, task)
    deliveries = {}
    followups = list(task.followups.select_related("author").order_by("-id"))
    for d in visible(FollowUpDelivery, request.user).filter(followup__task=task).select_related("user").order_by("id"):
        d.channel_label = _channel_label(d.channel)
        deliveries.setdefault(d.followup_id, []).append(d)
    for f in followups:
        f.delivered = deliveries.get(f.pk, [])
    context = {
        "task": task,
        "actions": actions,
        "cooperators": list(task.cooperators.select_related("user", "unit")),
        "links": list(task.links.order_by("kind", "object_id")),
        "files": list(task.files.filter(report__isnull=True).select_related("file")),
        "reports": list(task.reports.select_related("author").prefetch_related("files__file")),
        "followups": followups,
        "followup_counts": [
            (label, queries.followup_counts(task).get(code, 0)) for code, label in FollowUpKind.choices
        ],
        "subtasks": list(queries.tasks(request.user).filter(parent=task).order_by("deadline", "id")),
        "report_form": forms.ReportForm(),
        "reason_form": forms.ReasonForm(),
        "submit_form": forms.SubmitForm(),
        "extension_form": forms.ExtensionForm(),
        "followup_form": forms.FollowUpForm(),
    }
    return render(request, "orders/detail.html", context)


def _done(request, task, message):
    messages.success(request, message)
    return redirect("orders:detail", task.pk)


def _refused(request, task, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)
    return redirect("orders:detail", task.pk)


def _form_refused(request, task, form):
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("orders:detail", task.pk)


@login_required
@require_POST
def act(request, pk, slug):
    """One step of the machine, from a button of the task's page."""
    task = _task(request, pk)
    name = STEPS.get(slug)
    if name is None:
        raise Http404(gettext("Thao tác không tồn tại."))
    TASK.authorize(task, name, request.user)
    form_class, run, message = HANDLERS[name]
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _form_refused(request, task, form)
    try:
        run(request.user, task, form.cleaned_data if form else {})
    except ValidationError as exc:
        return _refused(request, task, exc)
    return _done(request, task, message)


STEPS = {
    "tiep-nhan": "accept",
    "tra-lai": "return",
    "bao-cao": "report",
    "trinh": "submit",
    "hoan-thanh": "complete",
    "tra-lai-ket-qua": "send_back",
    "giao-lai": "reassign",
    "de-nghi-gia-han": "request_extension",
    "gia-han": "grant_extension",
    "khong-gia-han": "refuse_extension",
    "don-doc": "follow_up",
}
HANDLERS = {
    "accept": (None, lambda u, t, d: services.accept(u, t), _("Đã tiếp nhận nhiệm vụ.")),
    "return": (forms.ReasonForm, lambda u, t, d: services.return_task(u, t, d["reason"]), _("Đã trả lại nhiệm vụ.")),
    "report": (
        forms.ReportForm,
        lambda u, t, d: services.report(u, t, progress=d["progress"], text=d["text"], files=d["files"]),
        _("Đã báo cáo tiến độ."),
    ),
    "submit": (forms.SubmitForm, lambda u, t, d: services.submit(u, t, d["result"]), _("Đã trình kết quả.")),
    "complete": (None, lambda u, t, d: services.complete(u, t), _("Đã đánh giá hoàn thành nhiệm vụ.")),
    "send_back": (
        forms.ReasonForm,
        lambda u, t, d: services.send_back(u, t, d["reason"]),
        _("Đã trả lại kết quả để thực hiện tiếp."),
    ),
    "reassign": (None, lambda u, t, d: services.reassign(u, t), _("Đã giao lại nhiệm vụ.")),
    "request_extension": (
        forms.ExtensionForm,
        lambda u, t, d: services.request_extension(u, t, until=d["until"], reason=d["reason"]),
        _("Đã gửi đề nghị gia hạn."),
    ),
    "grant_extension": (None, lambda u, t, d: services.grant_extension(u, t), _("Đã gia hạn nhiệm vụ.")),
    "refuse_extension": (
        forms.ReasonForm,
        lambda u, t, d: services.refuse_extension(u, t, d["reason"]),
        _("Đã trả lời không gia hạn."),
    ),
    "follow_up": (
        forms.FollowUpForm,
        lambda u, t, d: services.follow_up(u, t, kind=d["kind"], text=d["text"]),
        _("Đã gửi đôn đốc."),
    ),
}


@login_required
def delegate(request, pk):
    """The head of the lead unit gives part of the task to a person of the unit."""
    task = _task(request, pk)
    TASK.authorize(task, "delegate", request.user)
    people, _units = services.assignable(request.user)
    people = people.filter(pk__in=members.members(task.agency_id, unit_id=task.lead_unit_id).values("pk"))
    form = forms.TaskForm(
        request.user,
        request.POST or None,
        request.FILES or None,
        people=people,
        units=Unit.objects.none(),
        subtask=True,
        initial={"title": task.title, "deadline": task.deadline, "priority": task.priority},
    )
    if request.method == "POST" and form.is_valid():
        try:
            sub = services.create_task(request.user, parent=task, **form.arguments())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã giao nhiệm vụ con."))
            return redirect("orders:detail", sub.pk)
    return render(request, "orders/form.html", {"form": form, "heading": gettext("Giao nhiệm vụ con"), "parent": task})


@login_required
def download(request, pk, file_pk):
    _task(request, pk)
    item = get_object_or_404(visible(TaskFile, request.user).select_related("file"), pk=file_pk, task_id=pk)
    stored = item.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(gettext("Tệp không còn trong kho lưu trữ.")) from None
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


@login_required
def summary(request):
    scope = scope_of(request.user)
    if not (scope.has_role("leader") or scope.led_unit_ids):
        raise PermissionDenied(gettext("Chỉ lãnh đạo cơ quan và lãnh đạo đơn vị xem tổng hợp giao việc."))
    by = "unit" if request.GET.get("theo") == "don-vi" else "person"
    lines = queries.summary(request.user, by=by)
    for line in lines:
        line.kind_counts = [line.followups.get(code, 0) for code, _label in FollowUpKind.choices]
    return render(request, "orders/summary.html", {"lines": lines, "by": by, "kinds": FollowUpKind.choices})
