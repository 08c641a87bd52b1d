"""The chat screens (Hội thoại): the list of the person's conversations with their unread counts, a conversation
with its history and the box to write in, new one-to-one and group conversations, and the members of a group.

An open conversation asks for the messages after the last one it shows (``tin-nhan-moi/?sau=``) when a live nudge
says there are some (``data-live="chat"``, event ``vpdt:refresh``) and, in any case, every VPDT_CHAT_POLL_SECONDS:
without the live process (a proxy that blocks WebSockets) it is only slower. The answer appends the new messages
and moves the page's "last id" (out-of-band swaps); with nothing new it is an empty 204."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vpdt.accounts.models import User
from vpdt.core.authz import scope_of
from vpdt.core.pagination import page_of, query_without_cursor
from vpdt.core.params import int_param
from vpdt.core.viewer import file_response

from . import queries, services
from .forms import AddMembersForm, DirectForm, GroupForm

STOP_POLLING = 286  # htmx stops polling on this status: the session ended
SENT = "chat-sent"  # the event the page hears when its message was accepted


def _signed_out(request) -> bool:
    return not request.user.is_authenticated or request.user.must_change_password


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.error(request, str(exc) or gettext("Bạn không có quyền thực hiện thao tác này."))


def _conversation(request, pk):
    return get_object_or_404(queries.conversations(request.user), pk=pk)


def _agency(request) -> int:
    agency_id = scope_of(request.user).agency_id
    if agency_id is None:
        raise PermissionDenied(gettext("Tài khoản chưa thuộc cơ quan nào."))
    return agency_id


def _rows_context(request, page) -> dict:
    names = queries.partners(request.user, [m.conversation_id for m in page])
    rows = [(m, queries.title_of(request.user, m.conversation, names)) for m in page]
    return {"rows": rows, "page": page, "query": query_without_cursor(request)}


@never_cache
def conversation_list(request):
    if request.htmx and _signed_out(request):
        return HttpResponse(status=STOP_POLLING)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = page_of(request, queries.memberships(request.user), order=("-conversation__last_message_id", "-id"))
    context = {**_rows_context(request, page), "poll_seconds": settings.VPDT_CHAT_POLL_SECONDS}
    if request.htmx:
        return render(request, "chat/_rows.html", context)
    return render(request, "chat/list.html", context)


@login_required
def new_direct(request):
    agency_id = _agency(request)
    form = DirectForm(request.user, agency_id, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.open_direct(request.user, form.cleaned_data["person"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            return redirect("chat:detail", pk=conversation.pk)
    return render(request, "chat/new_direct.html", {"form": form})


@login_required
def new_group(request):
    agency_id = _agency(request)
    form = GroupForm(request.user, agency_id, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.create_group(request.user, form.cleaned_data["title"], form.cleaned_data["members"])
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("Đã lập nhóm hội thoại."))
            return redirect("chat:detail", pk=conversation.pk)
    return render(request, "chat/new_group.html", {"form": form})


def _seen(request, conversation, shown) -> None:
    if shown:
        services.mark_read(request.user, conversation, shown[-1].pk)


@login_required
def detail(request, pk):
    conversation = _conversation(request, pk)
    shown = queries.messages(request.user, conversation)
    _seen(request, conversation, shown)
    current = list(queries.members(request.user, conversation))
    me = next((m for m in current if m.user_id == request.user.pk), None)
    context = {
        "conversation": conversation,
        "title": queries.title_of(request.user, conversation),
        "shown": shown,
        "last_id": shown[-1].pk if shown else 0,
        "first_id": shown[0].pk if len(shown) >= queries.PAGE else None,
        "members": current,
        "others": [m for m in current if m.user_id != request.user.pk],
        "is_manager": bool(me and me.is_manager),
        "poll_seconds": settings.VPDT_CHAT_POLL_SECONDS,
        "max_text": services.MAX_TEXT,
    }
    return render(request, "chat/detail.html", context)


@never_cache
@require_GET
def newer(request, pk):
    """The messages after ``?sau=`` (the page's poller): 204 when none."""
    if _signed_out(request):
        return HttpResponse(status=STOP_POLLING)
    conversation = queries.conversations(request.user).filter(pk=pk).first()
    if conversation is None:  # no longer a member: the page stops asking
        return HttpResponse(status=STOP_POLLING)
    after = int_param(request.GET.get("sau"))
    shown = queries.messages(request.user, conversation, after=after or 0, limit=100)
    if not shown:
        return HttpResponse(status=204)
    _seen(request, conversation, shown)
    return render(request, "chat/_newer.html", {"conversation": conversation, "shown": shown, "last_id": shown[-1].pk})


@login_required
@require_GET
def older(request, pk):
    conversation = _conversation(request, pk)
    before = int_param(request.GET.get("truoc"))
    if before is None:
        raise Http404(gettext("Thiếu tin nhắn mốc."))
    shown = queries.messages(request.user, conversation, before=before)
    return render(
        request,
        "chat/_older.html",
        {
            "conversation": conversation,
            "shown": shown,
            "first_id": shown[0].pk if len(shown) >= queries.PAGE else None,
        },
    )


@login_required
@require_POST
def send(request, pk):
    conversation = _conversation(request, pk)
    mentions = [i for i in (int_param(v) for v in request.POST.getlist("mentions")) if i is not None]
    try:
        services.send(
            request.user,
            conversation,
            request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
            mentions=mentions,
        )
    except (ValidationError, PermissionDenied) as exc:
        if not request.htmx:
            _errors(request, exc)
            return redirect("chat:detail", pk=pk)
        errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return render(request, "chat/_send_errors.html", {"errors": errors})
    if not request.htmx:
        return redirect("chat:detail", pk=pk)
    response = HttpResponse("")
    response["HX-Trigger"] = SENT
    return response


@login_required
def download(request, pk, att_pk):
    attachment = queries.attachment(request.user, pk, att_pk)
    if attachment is None:
        raise Http404(gettext("Không tìm thấy tệp."))
    stored = attachment.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404(gettext("Tệp không còn trong kho lưu trữ."))
    return file_response(request, handle, filename=stored.original_name, content_type=stored.content_type)


@login_required
def members(request, pk):
    conversation = _conversation(request, pk)
    current = list(queries.members(request.user, conversation))
    is_manager = queries.managed(request.user).filter(pk=conversation.pk).exists()
    form = AddMembersForm(request.user, conversation, [m.user_id for m in current]) if is_manager else None
    return render(
        request,
        "chat/members.html",
        {
            "conversation": conversation,
            "title": queries.title_of(request.user, conversation),
            "members": current,
            "is_manager": is_manager,
            "form": form,
        },
    )


@login_required
@require_POST
def add_members(request, pk):
    conversation = _conversation(request, pk)
    current = list(queries.members(request.user, conversation).values_list("user_id", flat=True))
    form = AddMembersForm(request.user, conversation, current, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for msg in errors:
                messages.error(request, msg)
        return redirect("chat:members", pk=pk)
    try:
        added = services.add_members(request.user, conversation, form.cleaned_data["members"])
        messages.success(request, gettext("Đã thêm %(count)s thành viên vào nhóm.") % {"count": len(added)})
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("chat:members", pk=pk)


@login_required
@require_POST
def remove_member(request, pk, user_pk):
    conversation = _conversation(request, pk)
    member = queries.members(request.user, conversation).filter(user_id=user_pk).first()
    if member is None:
        raise Http404(gettext("Người này không ở trong nhóm."))
    try:
        services.remove_member(request.user, conversation, User.objects.get(pk=member.user_id))
        messages.success(request, gettext("Đã mời %(name)s ra khỏi nhóm.") % {"name": member.user.full_name})
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("chat:members", pk=pk)


@login_required
@require_POST
def leave(request, pk):
    conversation = _conversation(request, pk)
    try:
        services.leave(request.user, conversation)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("chat:detail", pk=pk)
    messages.success(request, gettext("Đồng chí đã rời nhóm “%(title)s”.") % {"title": conversation.title})
    return redirect("chat:list")
