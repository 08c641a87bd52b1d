"""Announcement and board screens. Thin: parse input, call services, render.

An object the person may not read is a 404 (another agency's announcement, a group board's post for a non-member);
an action they may not take on an object they read is a 403, with the service's Vietnamese reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from vpdt.core.authz import permitted, scope_of, visible
from vpdt.core.pagination import ROWS_PER_PAGE, page_of

from . import forms, queries, services
from .models import Announcement, Board, BoardMember, Post

PAGE_SIZE = ROWS_PER_PAGE[0]


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _announcement(request, pk) -> Announcement:
    return get_object_or_404(visible(Announcement, request.user).select_related("author", "agency"), pk=pk)


def _board(request, pk) -> Board:
    return get_object_or_404(queries.boards(request.user), pk=pk)


# ------------------------------------------------------------------------------------------ announcements


@login_required
def announcements(request):
    page = page_of(request, queries.announcements(request.user), order=("-created_at", "-id"), default=PAGE_SIZE)
    context = {
        "page": page,
        "can_post": bool(services.capacities(request.user)),
        "can_extend": bool(scope_of(request.user).admin_agency_ids),
    }
    return render(request, "boards/announcements.html", context)


@login_required
def announcement_create(request):
    form = forms.AnnouncementForm(request.user, request.POST or None, initial={"whole_agency": True})
    if not form.capacities:
        raise PermissionDenied(
            gettext("Chỉ lãnh đạo cơ quan, cấp ủy, ban chấp hành các đoàn thể và lãnh đạo đơn vị được đăng thông báo.")
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            announcement = services.post_announcement(
                request.user,
                capacity=data["capacity"],
                title=data["title"],
                body=data["body"],
                whole_agency=data["whole_agency"] and not data["units"],
                units=list(data["units"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã đăng thông báo."))
            return redirect("boards:announcement", announcement.pk)
    return render(request, "boards/form.html", {"form": form, "heading": gettext("Đăng thông báo")})


@login_required
def announcement(request, pk):
    item = _announcement(request, pk)
    actions = queries.announcement_actions(request.user, item)
    context = {
        "item": item,
        "actions": actions,
        "is_read": item.reads.filter(user=request.user).exists(),
        "audience": list(item.audience.select_related("unit").order_by("unit__name")),
        "receipts": list(queries.receipts(request.user, item)) if "receipts" in actions else None,
        "extension_form": forms.ExtensionRequestForm(),
        "extend_form": forms.ExtendForm(),
        "decline_form": forms.DeclineForm(),
    }
    return render(request, "boards/announcement.html", context)


@login_required
def announcement_edit(request, pk):
    item = _announcement(request, pk)
    if "edit" not in queries.announcement_actions(request.user, item):
        raise PermissionDenied(services.NOT_YOURS)
    form = forms.EditForm(request.POST or None, initial={"title": item.title, "body": item.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_announcement(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã lưu thông báo."))
            return redirect("boards:announcement", item.pk)
    return render(request, "boards/form.html", {"form": form, "heading": gettext("Sửa thông báo"), "item": item})


@login_required
@require_POST
def announcement_remove(request, pk):
    services.remove_announcement(request.user, _announcement(request, pk))
    messages.success(request, gettext("Đã gỡ thông báo."))
    return redirect("boards:announcements")


@login_required
@require_POST
def announcement_read(request, pk):
    services.mark_read(request.user, _announcement(request, pk))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("boards:announcement", args=[pk])
    return redirect(target)


def _dated_action(request, pk, form_class, act, done: str):
    item = _announcement(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("boards:announcement", item.pk)


@login_required
@require_POST
def request_extension(request, pk):
    return _dated_action(
        request,
        pk,
        forms.ExtensionRequestForm,
        services.request_extension,
        gettext("Đã gửi đề nghị gia hạn đến quản trị."),
    )


@login_required
@require_POST
def extend(request, pk):
    return _dated_action(request, pk, forms.ExtendForm, services.extend, gettext("Đã gia hạn lưu thông báo."))


@login_required
@require_POST
def decline_extension(request, pk):
    return _dated_action(request, pk, forms.DeclineForm, services.decline_extension, gettext("Đã từ chối gia hạn."))


@login_required
def extension_requests(request):
    if not scope_of(request.user).admin_agency_ids and not request.user.is_superuser:
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống của cơ quan xét đề nghị gia hạn thông báo."))
    rows = list(queries.extension_requests(request.user)[:200])
    return render(request, "boards/extensions.html", {"rows": rows})


# ------------------------------------------------------------------------------------------ boards


@login_required
def boards(request):
    rows = list(queries.boards(request.user))
    return render(request, "boards/boards.html", {"rows": rows})


@login_required
def board(request, pk):
    item = _board(request, pk)
    posts = None
    if item.can_post:
        posts = page_of(request, queries.posts(request.user, item), order=("-created_at", "-id"), default=PAGE_SIZE)
    context = {"board": item, "page": posts, "form": forms.PostForm(), "me": request.user.pk}
    return render(request, "boards/board.html", context)


@login_required
@require_POST
def post_create(request, pk):
    item = _board(request, pk)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        try:
            services.create_post(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, gettext("Đã đăng tin."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("boards:board", item.pk)


@login_required
@require_POST
def post_remove(request, pk):
    post = get_object_or_404(visible(Post, request.user), pk=pk)
    services.remove_post(request.user, post)
    messages.success(request, gettext("Đã gỡ tin."))
    return redirect("boards:board", post.board_id)


@login_required
def board_members(request, pk):
    item = _board(request, pk)
    if not item.is_group:
        raise PermissionDenied(gettext("Bảng tin công cộng không có danh sách thành viên."))
    can_name = permitted(Board.objects.filter(pk=item.pk), request.user, "managers").exists()
    form = forms.MemberForm(item, can_name, request.POST or None) if item.can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                gettext("Chỉ người quản lý bảng tin hoặc quản trị hệ thống của cơ quan được thêm thành viên.")
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_member(
                    request.user,
                    item,
                    data["user"],
                    is_manager=data.get("is_manager", False),
                    may_announce=data["may_announce"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã thêm thành viên."))
                return redirect("boards:members", item.pk)
    context = {
        "board": item,
        "rows": list(queries.board_members(request.user, item)),
        "form": form,
        "can_name": can_name,
    }
    return render(request, "boards/members.html", context)


def _member(request, pk) -> BoardMember:
    return get_object_or_404(visible(BoardMember, request.user).select_related("board", "user"), pk=pk)


@login_required
@require_POST
def member_change(request, pk):
    member = _member(request, pk)
    flags = {}
    for name in ("is_manager", "may_announce"):
        if name in request.POST:
            flags[name] = request.POST[name] == "1"
    services.change_member(request.user, member, **flags)
    messages.success(request, gettext("Đã lưu quyền của thành viên."))
    return redirect("boards:members", member.board_id)


@login_required
@require_POST
def member_remove(request, pk):
    member = _member(request, pk)
    services.remove_member(request.user, member)
    messages.success(request, gettext("Đã đưa thành viên ra khỏi bảng tin."))
    return redirect("boards:members", member.board_id)
