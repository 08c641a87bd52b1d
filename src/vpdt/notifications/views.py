"""The notifications screen (Thông báo): a person's own notifications, opening one (marked read on the way),
marking read; and the preferences section of the account page."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vpdt.core.pagination import page_of, query_without_cursor

from . import channels, push, queries, services
from .forms import PreferencesForm

UNREAD = "chua-doc"


def _local(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def notification_list(request):
    unread_only = request.GET.get("xem") == UNREAD
    page = page_of(request, queries.inbox(request.user, unread_only=unread_only), order=("-id",))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "query": query_without_cursor(request), "unread_only": unread_only, "UNREAD": UNREAD},
    )


@login_required
def open_notification(request, pk):
    """Go where the notification leads, marking it read."""
    notification = get_object_or_404(queries.inbox(request.user), pk=pk)
    services.mark_read(request.user, notification)
    return redirect(notification.url if _local(request, notification.url) else "notifications:list")


STOP_POLLING = 286  # htmx stops polling on this status: the session ended, the page stays as it is
BELL_LATEST = 8


def _signed_out(request):
    user = request.user
    return not user.is_authenticated or user.must_change_password


@never_cache
@require_GET
def bell(request):
    """The bell's count, asked by the page every VPDT_BELL_POLL_SECONDS: one query over at most 100 ids of the
    person's unread index. A session that ended stops the polling (never a login page inside the top bar)."""
    if _signed_out(request):
        return HttpResponse(status=STOP_POLLING)
    return render(request, "notifications/_bell_count.html", {"notifications_unread": queries.bell_badge(request.user)})


@never_cache
@require_GET
def bell_menu(request):
    """The bell's dropdown, loaded when opened: the latest notifications, unread ones in bold."""
    if _signed_out(request):
        return HttpResponse(status=STOP_POLLING)
    latest = list(queries.inbox(request.user).only("id", "text", "url", "created_at", "read_at")[:BELL_LATEST])
    return render(
        request,
        "notifications/_bell_menu.html",
        {"latest": latest, "notifications_unread": queries.unread_badge(request.user), "UNREAD": UNREAD},
    )


def _back(request):
    target = request.POST.get("next", "")
    return redirect(target if _local(request, target) else "notifications:list")


@login_required
@require_POST
def read(request, pk):
    services.mark_read(request.user, get_object_or_404(queries.inbox(request.user), pk=pk))
    return _back(request)


@login_required
@require_POST
def read_all(request):
    updated = services.mark_all_read(request.user)
    messages.success(request, f"Đã đánh dấu {updated} thông báo là đã đọc.")
    return _back(request)


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.user, request.POST)
    form.full_clean()  # checkboxes only: nothing to refuse
    services.set_preferences(request.user, form.choices())
    messages.success(request, "Đã lưu cách nhận thông báo.")
    return redirect("accounts:profile")


def preferences_section(request) -> dict:
    """The account page's section (see vpdt.accounts.profile_sections)."""
    return {
        "preferences": PreferencesForm(request.user),
        "channels": channels.every(),
        "channel_notes": [note for c in channels.every() if c.optional and (note := c.unavailable(request.user))],
        "push_devices": push.devices(request.user),
    }


# ---------------------------------------------------------------------------------------------- web push
MAX_BODY = 4096


@login_required
def push_key(request):
    """The application server key the page's script subscribes with."""
    return JsonResponse({"key": push.public_key()})


def _json_body(request):
    if len(request.body) > MAX_BODY:
        raise ValidationError("Dữ liệu đăng ký thông báo đẩy quá lớn.")
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("Dữ liệu đăng ký thông báo đẩy không hợp lệ.") from exc


@login_required
@require_POST
def push_subscribe(request):
    try:
        subscription = push.subscribe(
            request.user, _json_body(request), user_agent=request.headers.get("User-Agent", "")
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"device": subscription.device, "message": "Đã bật thông báo đẩy trên thiết bị này."})


@login_required
@require_POST
def push_unsubscribe(request):
    try:
        data = _json_body(request)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return JsonResponse({"error": "Thiếu địa chỉ thiết bị."}, status=400)
    push.unsubscribe(request.user, endpoint=endpoint)
    return JsonResponse({"message": "Đã tắt thông báo đẩy trên thiết bị này."})


@login_required
@require_POST
def push_remove(request, pk):
    """The account page's “Gỡ” button on one of the person's devices."""
    if push.unsubscribe(request.user, pk=pk):
        messages.success(request, "Đã gỡ thiết bị khỏi danh sách nhận thông báo đẩy.")
    else:
        messages.error(request, "Không tìm thấy thiết bị này.")
    return redirect("accounts:profile")
