"""Poll screens. Thin: parse input, call services, render.

A poll the person may not see is a 404 (another agency's, or one they were not asked); an action they may not
take on a poll they see is a 403, with the lifecycle's Vietnamese reason. The page offers exactly
:func:`.lifecycle.available_actions`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from vpdt.core.authz import visible
from vpdt.core.pagination import ROWS_PER_PAGE, page_of
from vpdt.core.viewer import file_response
from vpdt.outgoing.models import FileKind, OutgoingFile
from vpdt.storage.models import StoredFile

from . import exports, forms, lifecycle, queries, services
from .models import DeadlineRequest, Poll, PollGrant

PAGE_SIZE = ROWS_PER_PAGE[0]


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _poll(request, pk) -> Poll:
    return get_object_or_404(visible(Poll, request.user).select_related("poller", "agency", "version__document"), pk=pk)


@login_required
def polls(request):
    page = page_of(request, queries.polls(request.user), order=("-created_at", "-id"), default=PAGE_SIZE)
    can_open = services.active_grants(request.user).exists()
    return render(request, "polls/polls.html", {"page": page, "can_open": can_open})


@login_required
def grants(request):
    may_grant = queries.may_grant(request.user)
    form = forms.GrantForm(request.user, request.POST or None) if may_grant else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(gettext("Chỉ lãnh đạo cơ quan được giao quyền lấy ý kiến."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.grant(
                    request.user, data["grantee"], document=data["document"], valid_until=data["valid_until"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã giao quyền lấy ý kiến."))
                return redirect("polls:grants")
    rows = list(queries.grants(request.user)[:200])
    return render(request, "polls/grants.html", {"rows": rows, "form": form, "may_grant": may_grant})


@login_required
@require_POST
def revoke(request, pk):
    item = get_object_or_404(visible(PollGrant, request.user), pk=pk)
    services.revoke(request.user, item)
    messages.success(request, gettext("Đã thu hồi quyền lấy ý kiến."))
    return redirect("polls:grants")


@login_required
def create(request):
    if not services.active_grants(request.user).exists():
        raise PermissionDenied(services.NO_GRANT)
    form = forms.PollForm(request.user, request.POST or None, request.FILES or None, initial={"whole_agency": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poll = services.open_poll(
                request.user,
                title=data["title"],
                question=data["question"],
                deadline=data["deadline"],
                version=data["version"],
                upload=data["upload"],
                whole_agency=data["whole_agency"] and not data["units"],
                units=list(data["units"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã mở đợt lấy ý kiến và thông báo đến người được hỏi."))
            return redirect("polls:poll", poll.pk)
    return render(request, "polls/form.html", {"form": form})


def _draft_files(poll: Poll) -> list[StoredFile]:
    files = [poll.file] if poll.file_id else []
    if poll.version_id:
        files += [
            f.file
            for f in OutgoingFile.objects.filter(version_id=poll.version_id, kind=FileKind.DRAFT).select_related("file")
        ]
    return files


@login_required
def poll(request, pk):
    item = _poll(request, pk)
    actions = lifecycle.available_actions(request.user, item)
    mine = queries.own_answer(request.user, item)
    initial = {"choice": mine.choice, "text": mine.text} if mine else {}
    requests = queries.deadline_requests(request.user, item)
    for row in requests:
        if "grant" in row.actions:
            row.grant_form = forms.GrantMoreTimeForm(prefix=f"r{row.pk}", initial={"until": row.until})
        if "decline" in row.actions:
            row.decline_form = forms.DeclineForm(prefix=f"r{row.pk}")
    context = {
        "item": item,
        "actions": actions,
        "mine": mine,
        "draft_files": _draft_files(item),
        "units": list(item.units.select_related("unit").order_by("unit__name")),
        "summary": queries.summary(item) if "results" in actions else None,
        "answers": list(queries.answers(request.user, item)) if "results" in actions else None,
        "answer_form": forms.AnswerForm(initial=initial),
        "deadline_form": forms.DeadlineForm(),
        "extension_form": forms.ExtensionRequestForm(),
        "extend_form": forms.ExtendForm(),
        "requests": requests,
        "more_time_form": forms.MoreTimeForm(),
    }
    return render(request, "polls/poll.html", context)


@login_required
@require_POST
def answer(request, pk):
    item = _poll(request, pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, gettext("Đã gửi ý kiến."))
    else:
        _form_errors(request, form)
    return redirect("polls:poll", item.pk)


def _dated(request, pk, form_class, act, done: str, **extra):
    item = _poll(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(request.user, item, **form.cleaned_data, **extra)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, done)
    else:
        _form_errors(request, form)
    return redirect("polls:poll", item.pk)


@login_required
@require_POST
def extend_deadline(request, pk):
    return _dated(request, pk, forms.DeadlineForm, services.extend_deadline, gettext("Đã gia hạn trả lời."))


@login_required
@require_POST
def request_extension(request, pk):
    return _dated(
        request,
        pk,
        forms.ExtensionRequestForm,
        services.request_extension,
        gettext("Đã gửi đề nghị gia hạn đến quản trị."),
    )


@login_required
@require_POST
def extend(request, pk):
    return _dated(request, pk, forms.ExtendForm, services.extend, gettext("Đã gia hạn lưu đợt lấy ý kiến."))


@login_required
@require_POST
def ask_more_time(request, pk):
    return _dated(
        request,
        pk,
        forms.MoreTimeForm,
        services.ask_more_time,
        gettext("Đã gửi đề nghị gia hạn trả lời đến người lấy ý kiến."),
    )


def _request(request, pk, rpk) -> DeadlineRequest:
    item = _poll(request, pk)
    found = get_object_or_404(visible(DeadlineRequest, request.user).select_related("user"), pk=rpk, poll_id=item.pk)
    found.poll = item
    return found


@login_required
@require_POST
def grant_more_time(request, pk, rpk):
    found = _request(request, pk, rpk)
    form = forms.GrantMoreTimeForm(request.POST, prefix=f"r{rpk}")
    if form.is_valid():
        try:
            services.grant_more_time(request.user, found, until=form.cleaned_data["until"])
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, gettext("Đã gia hạn trả lời."))
    else:
        _form_errors(request, form)
    return redirect("polls:poll", pk)


@login_required
@require_POST
def decline_more_time(request, pk, rpk):
    found = _request(request, pk, rpk)
    form = forms.DeclineForm(request.POST, prefix=f"r{rpk}")
    if form.is_valid():
        try:
            services.decline_more_time(request.user, found, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, gettext("Đã trả lời không gia hạn."))
    else:
        _form_errors(request, form)
    return redirect("polls:poll", pk)


@login_required
@require_POST
def close(request, pk):
    item = _poll(request, pk)
    try:
        item = services.close(request.user, item, attach=request.POST.get("attach") == "1")
    except ValidationError as exc:
        _flash(request, exc)
    else:
        if item.summary_comment:
            messages.success(
                request, gettext("Đã kết thúc lấy ý kiến; bản tổng hợp đã được gửi vào dự thảo dưới dạng góp ý.")
            )
        else:
            messages.success(request, gettext("Đã kết thúc lấy ý kiến; bản tổng hợp được lưu cùng đợt lấy ý kiến."))
    return redirect("polls:poll", item.pk)


def _results(request, pk) -> Poll:
    item = _poll(request, pk)
    lifecycle.POLL.authorize(item, "export", request.user)
    return item


@login_required
def export_pdf(request, pk):
    item = _results(request, pk)
    response = HttpResponse(exports.pdf(item, queries.summary(item)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tong-hop-y-kien-{item.pk}.pdf"'
    return response


@login_required
def export_xlsx(request, pk):
    item = _results(request, pk)
    response = HttpResponse(
        exports.xlsx(item, queries.summary(item)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tong-hop-y-kien-{item.pk}.xlsx"'
    return response


@login_required
def download(request, pk, file_pk):
    item = _poll(request, pk)
    allowed = {f.pk: f for f in _draft_files(item)}
    allowed.update({a.file_id: a.file for a in queries.answer_files(request.user, item)})
    stored = allowed.get(file_pk)
    if stored is None:
        raise Http404(gettext("Tệp không tồn tại hoặc bạn không có quyền tải."))
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(gettext("Tệp không còn trong kho lưu trữ.")) from None
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)
