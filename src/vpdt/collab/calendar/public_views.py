"""Pages read without logging in.

* The agency's published weekly calendar for its portal (cổng thông tin): the latest publication of the week, its
  entries marked public only, and of them only time, content, place, chair (name and title) and the units taking
  part or preparing — no other person's name, no note, no online-meeting link. An unknown or inactive agency is a
  404; a week not published is a page saying so.
* A calendar feed (iCalendar) at its secret address: a wrong or revoked token is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from vpdt.core.dates import DateInputError, parse_date
from vpdt.directory.models import Agency

from . import feeds, publishing, queries
from .publish_views import with_rows


@require_GET
def public_week(request, code):
    agency = Agency.objects.filter(code=code, is_active=True).only("pk", "name", "code").first()
    if agency is None:
        raise Http404("Không có cơ quan này.")
    bad_date = ""
    try:
        day = parse_date(request.GET.get("tuan"))
    except DateInputError as exc:
        bad_date, day = str(exc), None
    monday = queries.monday_of(day or timezone.localdate())
    item = publishing.public_latest(agency, monday)
    days = with_rows(publishing.public_days(item)) if item else []
    context = {
        "agency": agency,
        "item": item,
        "days": days,
        "public_count": sum(len(h["entries"]) for d in days for h in d["halves"]),
        "bad_date": bad_date,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "week_number": monday.isocalendar()[1],
        "previous": monday - dt.timedelta(days=7),
        "next": monday + dt.timedelta(days=7),
        "this_week": queries.monday_of(timezone.localdate()),
    }
    return render(request, "calendar/published/public.html", context)


@never_cache
@require_GET
def feed(request, token):
    item = publishing.feed_of(token)
    if item is None:
        raise Http404("Địa chỉ đồng bộ lịch không đúng hoặc đã bị thu hồi.")
    publishing.touch_feed(item)
    response = HttpResponse(
        feeds.calendar_bytes(item, feeds.feed_name(item)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="lich-cong-tac.ics"'
    return response
