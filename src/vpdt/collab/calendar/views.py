"""Calendar screens. Thin: parse input, call services, render.

An entry the person may not see is a 404 (another agency's, or one waiting for approval they have no part in); a
step they may not take on an entry they see is a 403 with the machine's Vietnamese reason. Buttons are
:func:`.lifecycle.available_actions`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from vpdt.core.authz import manageable, scope_of, visible
from vpdt.core.dates import DateInputError, parse_date
from vpdt.core.pagination import page_of
from vpdt.directory.models import Agency

from . import calendars, forms, queries, rights, services
from .lifecycle import ENTRY, available_actions
from .models import CalendarGrant, Entry, EntryStatus, ReminderDelivery, Room

NOT_IN_AGENCY = _("Lịch công tác dành cho người đang công tác tại một cơ quan.")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _agency(request) -> Agency:
    scope = scope_of(request.user)
    if scope.agency_id is None:
        raise PermissionDenied(NOT_IN_AGENCY)
    return Agency.objects.get(pk=scope.agency_id)


def _calendar(request, agency):
    key = request.GET.get("lich") or calendars.AGENCY_KEY
    found = calendars.resolve(agency, key)
    if found is None:
        messages.warning(request, gettext("Không có lịch này; đang hiển thị lịch của cơ quan."))
        found = calendars.agency_calendar(agency)
    return found


def _day(request, name: str) -> dt.date:
    try:
        return parse_date(request.GET.get(name)) or timezone.localdate()
    except DateInputError as exc:
        messages.warning(request, str(exc))
        return timezone.localdate()


def _entry(request, pk) -> Entry:
    return get_object_or_404(queries.entries(request.user), pk=pk)


def _nav(agency, current) -> dict:
    every = calendars.every(agency)
    return {
        "calendar": current,
        "leader_calendars": [c for c in every if c.kind == "leader"],
        "unit_calendars": [c for c in every if c.kind == "unit"],
        "agency_calendar": every[0],
    }


@login_required
def week(request):
    agency = _agency(request)
    current = _calendar(request, agency)
    monday = queries.monday_of(_day(request, "tuan"))
    days = queries.week_entries(current, monday, request.user)
    context = {
        **_nav(agency, current),
        "days": days,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "this_week": queries.monday_of(timezone.localdate()),
        "today": timezone.localdate(),
        "week_number": monday.isocalendar()[1],
    }
    return render(request, "calendar/week.html", context)


def _month(request) -> tuple[int, int]:
    raw = (request.GET.get("thang") or "").strip()
    today = timezone.localdate()
    if not raw:
        return today.year, today.month
    month, _, year = raw.partition("/")
    if month.isdigit() and year.isdigit() and 1 <= int(month) <= 12 and 2000 <= int(year) <= 2100:
        return int(year), int(month)
    messages.warning(request, gettext("Tháng không hợp lệ, hãy nhập theo dạng mm/yyyy; đang hiển thị tháng này."))
    return today.year, today.month


@login_required
def month(request):
    agency = _agency(request)
    current = _calendar(request, agency)
    year, number = _month(request)
    first = dt.date(year, number, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = {
        **_nav(agency, current),
        "weeks": queries.month_weeks(current, year, number, request.user),
        "first": first,
        "label": gettext("Tháng %(month)s năm %(year)s") % {"month": number, "year": year},
        "previous": f"{previous.month:02d}/{previous.year}",
        "next": f"{following.month:02d}/{following.year}",
        "today": timezone.localdate(),
        "day_names": [str(name) for name in queries.DAY_NAMES],
    }
    return render(request, "calendar/month.html", context)


def _rooms(user):
    return list(queries.rooms(user).filter(is_active=True))


def _clash_form(request, form, exc: services.PersonClash) -> None:
    form.add_error(None, gettext("Có người đã có lịch khác trùng thời gian. Đánh dấu ô xác nhận để vẫn đăng ký."))
    for message in exc.clashes:
        form.add_error("confirm", message)


@login_required
def book(request):
    every = services.bookable(request.user)
    if not every:
        raise PermissionDenied(services.NOT_MEMBER)
    key = request.GET.get("lich") or calendars.AGENCY_KEY
    initial = {"calendar": key if key in {c.key for c in every} else calendars.AGENCY_KEY}
    try:
        day = parse_date(request.GET.get("ngay"))
    except DateInputError:
        day = None
    initial["day"] = day or timezone.localdate()
    initial.update({"start": dt.time(8, 0), "end": dt.time(11, 0)})
    form = forms.EntryForm(
        request.user, request.POST or None, calendars=every, rooms=_rooms(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            booked = services.book(request.user, form.cleaned_data["calendar"], **form.arguments())
        except services.PersonClash as exc:
            _clash_form(request, form, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if len(booked) > 1:
                done = gettext("Đã đăng ký lịch (%(count)s buổi), chờ duyệt.") % {"count": len(booked)}
            else:
                done = gettext("Đã đăng ký lịch, chờ duyệt.")
            messages.success(request, done)
            return redirect("calendar:detail", booked[0].pk)
    return render(request, "calendar/form.html", {"form": form, "heading": gettext("Đăng ký lịch công tác, lịch họp")})


def _initial(entry: Entry) -> dict:
    local_start, local_end = timezone.localtime(entry.starts_at), timezone.localtime(entry.ends_at)
    codes = {"attend": [], "prepare": [], "conclude": []}
    for part in entry.participants.all():
        codes[part.role].append(f"p:{part.user_id}" if part.user_id else f"u:{part.unit_id}")
    ids = {"incoming": [], "outgoing": [], "dossier": []}
    for link in entry.links.all():
        ids[link.kind].append(str(link.object_id))
    return {
        "title": entry.title,
        "day": local_start.date(),
        "start": local_start.time(),
        "end": local_end.time(),
        "chair": str(entry.chair_id),
        **codes,
        "room": str(entry.room_id or ""),
        "place": entry.place,
        "video_url": entry.video_url,
        "description": entry.description,
        "remind_minutes": entry.remind_minutes or "",
        "is_public": entry.is_public,
        "incoming_ids": ", ".join(ids["incoming"]),
        "outgoing_ids": ", ".join(ids["outgoing"]),
        "dossier_ids": ", ".join(ids["dossier"]),
    }


@login_required
def edit(request, pk):
    entry = _entry(request, pk)
    ENTRY.authorize(entry, "edit", request.user)
    rooms = _rooms(request.user)
    if entry.room_id and entry.room not in rooms:
        rooms.append(entry.room)
    form = forms.EntryForm(
        request.user,
        request.POST or None,
        calendars=[calendars.of_entry(entry)],
        rooms=rooms,
        editing=True,
        initial=_initial(entry),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit(request.user, entry, **form.arguments())
        except services.PersonClash as exc:
            _clash_form(request, form, exc)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, gettext("Đã sửa lịch, chờ duyệt lại."))
            return redirect("calendar:detail", entry.pk)
    context = {"form": form, "heading": gettext("Sửa lịch"), "entry": entry}
    return render(request, "calendar/form.html", context)


@login_required
def detail(request, pk):
    entry = _entry(request, pk)
    queries.annotate(entry)
    actions = available_actions(request.user, entry)
    clashes = []
    if entry.status == EntryStatus.PENDING and "approve" in actions:
        people = [entry.chair] + [p.user for p in entry.participants.all() if p.user_id]
        seen_ids = visible(Entry, request.user)
        for person, other in services.person_clashes(
            entry.agency_id, people, [(entry.starts_at, entry.ends_at)], [entry.pk]
        ):
            shown = seen_ids.filter(pk=other.pk).exists()
            clashes.append((person, other if shown else None, services.span_shown(other)))
    series = None
    if entry.series_id:
        series = {
            "label": entry.series.get_frequency_display(),
            "count": entry.series.entries.count(),
        }
    deliveries = list(visible(ReminderDelivery, request.user).filter(entry=entry).select_related("user").order_by("id"))
    context = {
        "entry": entry,
        "calendar": calendars.of_entry(entry),
        "actions": actions,
        "links": list(entry.links.all()),
        "clashes": clashes,
        "series": series,
        "deliveries": deliveries,
        "reason_form": forms.ReasonForm(),
        "series_form": forms.SeriesForm(),
    }
    return render(request, "calendar/detail.html", context)


STEPS = {"duyet": "approve", "tu-choi": "refuse", "huy": "cancel"}
DONE = {"approve": _("Đã duyệt lịch."), "refuse": _("Đã từ chối lịch."), "cancel": _("Đã hủy lịch.")}


@login_required
@require_POST
def act(request, pk, slug):
    """One step of the machine, from a button of the entry's page."""
    entry = _entry(request, pk)
    name = STEPS.get(slug)
    if name is None:
        raise Http404(gettext("Thao tác không tồn tại."))
    ENTRY.authorize(entry, name, request.user)
    form = (forms.SeriesForm if name == "approve" else forms.ReasonForm)(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("calendar:detail", entry.pk)
    data = form.cleaned_data
    try:
        if name == "approve":
            services.approve(request.user, entry, whole_series=data["whole_series"])
        elif name == "refuse":
            services.refuse(request.user, entry, data["reason"], whole_series=data["whole_series"])
        else:
            services.cancel(request.user, entry, data["reason"], whole_series=data["whole_series"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("calendar:detail", entry.pk)
    messages.success(request, DONE[name])
    return redirect("calendar:detail", entry.pk)


@login_required
def waiting(request):
    """Lịch chờ duyệt: the entries waiting for the person's approval, soonest first."""
    _agency(request)
    qs = queries.waiting(request.user).select_related("chair", "room", "calendar_unit", "calendar_leader", "created_by")
    page = page_of(request, qs, order=("starts_at", "id"))
    return render(request, "calendar/waiting.html", {"page": page})


# ------------------------------------------------------------------------------------------ rooms


@login_required
def rooms(request):
    _agency(request)
    may_manage = rights.may_manage_rooms(scope_of(request.user))
    form = forms.RoomForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(gettext("Chỉ quản trị hệ thống hoặc văn phòng quản lý phòng họp."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("is_active", None)
            try:
                room = services.create_room(request.user, **data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã thêm %(room)s.") % {"room": room.name})
                return redirect("calendar:rooms")
    context = {"rooms": list(queries.rooms(request.user)), "form": form, "may_manage": may_manage}
    return render(request, "calendar/rooms.html", context)


@login_required
def room(request, pk):
    item = get_object_or_404(queries.rooms(request.user), pk=pk)
    may_manage = manageable(Room, request.user).filter(pk=item.pk).exists()
    form = None
    if may_manage:
        initial = {k: getattr(item, k) for k in ("name", "location", "capacity", "equipment", "is_active")}
        form = forms.RoomForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(gettext("Chỉ quản trị hệ thống hoặc văn phòng quản lý phòng họp."))
        if form.is_valid():
            try:
                services.update_room(request.user, item, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã lưu phòng họp."))
                return redirect("calendar:room", item.pk)
    day = _day(request, "ngay")
    bookings = list(queries.room_bookings(item, day, request.user))
    context = {"room": item, "form": form, "bookings": bookings, "day": day}
    return render(request, "calendar/room.html", context)


# ------------------------------------------------------------------------------------------ grants


@login_required
def grants(request):
    agency = _agency(request)
    may_grant = rights.may_grant(scope_of(request.user))
    form = forms.GrantForm(request.POST or None, calendars=calendars.every(agency)) if may_grant else None
    if request.method == "POST":
        if not may_grant:
            raise PermissionDenied(gettext("Chỉ quản trị hệ thống hoặc lãnh đạo cơ quan giao quyền quản lý lịch."))
        if form.is_valid():
            try:
                services.grant(request.user, form.cleaned_data["grantee"], form.cleaned_data["calendar"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, gettext("Đã giao quyền quản lý lịch."))
                return redirect("calendar:grants")
    rows = list(
        visible(CalendarGrant, request.user)
        .select_related("agency", "grantee", "granted_by", "calendar_unit", "calendar_leader")
        .order_by("revoked_at", "-id")[:500]
    )
    for row in rows:
        row.calendar_name = (
            gettext("Mọi lịch của cơ quan") if row.calendar_kind == "agency" else services.grant_calendar(row).name
        )
    return render(request, "calendar/grants.html", {"rows": rows, "form": form, "may_grant": may_grant})


@login_required
@require_POST
def revoke(request, pk):
    item = get_object_or_404(visible(CalendarGrant, request.user), pk=pk)
    try:
        services.revoke(request.user, item)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, gettext("Đã thu hồi quyền quản lý lịch."))
    return redirect(reverse("calendar:grants"))
