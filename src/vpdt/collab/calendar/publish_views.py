"""Screens of the published weekly calendar and of calendar feed addresses (logged in). Thin: parse input, call
:mod:`.publishing`, render. A publication of another agency is a 404; publishing without the right is a 403 with
the machine's Vietnamese reason; the button is :func:`.publish_lifecycle.available_actions`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from vpdt.core.authz import scope_of
from vpdt.core.dates import DateInputError, parse_date
from vpdt.directory.models import Agency

from . import exports, publishing, queries
from .publish_lifecycle import WEEK, WeekState, WeekStatus, available_actions

NOT_IN_AGENCY = "Lịch công tác dành cho người đang công tác tại một cơ quan."


def _agency(request) -> Agency:
    scope = scope_of(request.user)
    if scope.agency_id is None:
        raise PermissionDenied(NOT_IN_AGENCY)
    return Agency.objects.get(pk=scope.agency_id)


def week_of(request, source) -> dt.date:
    """The Monday of the week named by ``tuan`` (dd/mm/yyyy, any day of it); this week when absent or wrong."""
    try:
        day = parse_date(source.get("tuan"))
    except DateInputError as exc:
        messages.warning(request, str(exc))
        day = None
    return queries.monday_of(day or timezone.localdate())


def with_rows(days: list[dict]) -> list[dict]:
    """Days of a snapshot with how many table rows each spans (a half without entries is one row)."""
    for d in days:
        d["rows"] = sum(max(len(h["entries"]), 1) for h in d["halves"])
    return days


def _nav(monday: dt.date) -> dict:
    return {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "this_week": queries.monday_of(timezone.localdate()),
        "week_number": monday.isocalendar()[1],
        "today": timezone.localdate(),
    }


@login_required
def publishing_page(request):
    """Lịch tuần phát hành: the week's state, its latest publication, its versions, the button to publish."""
    agency = _agency(request)
    monday = week_of(request, request.GET)
    state = publishing.week_state(agency, monday, request.user)
    versions = list(publishing.published(request.user).filter(monday=monday).defer("snapshot"))
    context = {
        **_nav(monday),
        "agency": agency,
        "state": state,
        "status_label": WeekStatus(state.status).label,
        "actions": available_actions(request.user, state),
        "refusal": WEEK.refusal(state, "publish", request.user),
        "latest": state.latest,
        "days": with_rows(publishing.days_of(state.latest)) if state.latest else [],
        "live_count": state.live_count,
        "versions": versions,
    }
    return render(request, "calendar/published/week.html", context)


@login_required
@require_POST
def publish(request):
    agency = _agency(request)
    monday = week_of(request, request.POST)
    WEEK.authorize(WeekState(agency.pk, monday, WeekStatus.UNPUBLISHED), "publish", request.user)
    try:
        item = publishing.publish(request.user, agency, monday)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"Đã phát hành lịch công tác {publishing.week_label(monday).lower()}, lần {item.version}."
        )
    return redirect(f"{reverse('calendar:publishing')}?tuan={monday:%d/%m/%Y}")


def _published(request, pk):
    return get_object_or_404(publishing.published(request.user), pk=pk)


@login_required
def published(request, pk):
    """One publication, as it was published."""
    item = _published(request, pk)
    newest = publishing.latest(item.agency_id, item.monday)
    context = {
        **_nav(item.monday),
        "item": item,
        "days": with_rows(publishing.days_of(item)),
        "superseded": newest is not None and newest.version > item.version,
    }
    return render(request, "calendar/published/version.html", context)


def download(item, data: bytes, ext: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(item, ext))
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def published_pdf(request, pk):
    item = _published(request, pk)
    return download(item, exports.pdf(item), "pdf", "application/pdf")


@login_required
def published_xlsx(request, pk):
    item = _published(request, pk)
    return download(item, exports.xlsx(item), "xlsx", XLSX)


# ------------------------------------------------------------------------------------------ feed addresses


def feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar:feed", args=[token]))


@login_required
def feeds(request):
    """Đồng bộ lịch: the person's feed addresses. A new address is shown once, on the page answering its making
    (only its SHA-256 is kept): to see it again, make a new one (the old one stops working)."""
    _agency(request)
    units = list(publishing.feed_units(request.user))
    made = None
    if request.method == "POST":
        raw = (request.POST.get("unit") or "").strip()
        unit = None
        if raw:
            unit = next((u for u in units if str(u.pk) == raw), None)
            if unit is None:
                messages.error(request, "Bạn chỉ đồng bộ được lịch của đơn vị mình.")
                return redirect("calendar:feeds")
        try:
            item, token = publishing.make_feed(request.user, unit)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            made = {"item": item, "url": feed_url(request, token)}
    context = {"rows": list(publishing.feeds(request.user)), "units": units, "made": made}
    return render(request, "calendar/published/feeds.html", context)


@login_required
@require_POST
def revoke_feed(request, pk):
    item = get_object_or_404(publishing.feeds(request.user), pk=pk)
    try:
        publishing.revoke_feed(request.user, item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, "Đã thu hồi địa chỉ đồng bộ lịch: lịch đã đăng ký bằng địa chỉ này không cập nhật nữa."
        )
    return redirect("calendar:feeds")
