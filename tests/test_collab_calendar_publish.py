"""The agency's published weekly calendar (lịch công tác tuần phát hành): the office publishes the week of approved
entries in one action, versions and who/when recorded, journaled, the agency told; changes after publication show
the week as changed until published again; the printed copy (PDF), the spreadsheet (XLSX), the portal's public
page (public entries of the published version only, nothing of other agencies or unpublished weeks) and the
iCalendar feeds at secret addresses — and every page and API action for each party."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from icalendar import Calendar as ICal
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.shared_data import over
from vpdt.accounts.models import AccountStatus
from vpdt.collab.calendar import calendars, exports, publishing, queries, services
from vpdt.collab.calendar.models import EntryStatus, FeedToken, ParticipantRole, PublishedWeek
from vpdt.collab.calendar.publish_lifecycle import WeekStatus, available_actions
from vpdt.collab.calendar.services import Part
from vpdt.core.fsm import TransitionNotAllowed
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

T = dt.time
PUBLIC_TITLE = "Hội nghị triển khai quy hoạch xây dựng vùng tỉnh Nghệ An đến năm 2030"
INTERNAL_TITLE = "Họp rà soát nhân sự quy hoạch cán bộ lãnh đạo phòng"
PENDING_TITLE = "Làm việc với đoàn kiểm tra liên ngành về an toàn công trình"
OTHER_TITLE = "Hội thảo chuyển đổi số ngành thông tin và truyền thông"


def _monday(weeks: int = 1) -> dt.date:
    return queries.monday_of(timezone.localdate()) + dt.timedelta(days=7 * weeks)


def _book(o, actor, agency, **kwargs):
    args = {"day": _monday() + dt.timedelta(days=1), "start": T(8, 0), "end": T(10, 0), "chair": o.sxd_leader}
    args.update(kwargs)
    (entry,) = services.book(actor, calendars.agency_calendar(agency), **args)
    return entry


@over("org")
def world(o):
    """Next week of the Sở Xây dựng: a public conference on Tuesday morning chaired by the director (the head of
    KHTC attending, KHTC preparing), an internal meeting on Wednesday afternoon, both approved by the office clerk
    who keeps the agency's calendars; a public visit still waiting for approval on Thursday. The Sở TT&TT has an
    approved public workshop the same week."""
    o.grant = services.grant(o.sxd_leader, o.sxd_clerk, calendars.agency_calendar(o.sxd))
    o.room = services.create_room(o.sxd_admin, name="Hội trường", location="Tầng 1, nhà B", capacity=150)
    o.public = _book(
        o,
        o.sxd_staff,
        o.sxd,
        title=PUBLIC_TITLE,
        room=o.room,
        is_public=True,
        participants=[
            Part(ParticipantRole.ATTEND, user=o.sxd_unit_leader),
            Part(ParticipantRole.PREPARE, unit=o.sxd_khtc),
        ],
        video_url="https://hop.nghean.gov.vn/quy-hoach",
        description="Tài liệu gửi kèm giấy mời số 125/GM-SXD.",
    )
    o.internal = _book(
        o,
        o.sxd_staff,
        o.sxd,
        title=INTERNAL_TITLE,
        day=_monday() + dt.timedelta(days=2),
        start=T(14, 0),
        end=T(16, 30),
        place="Phòng làm việc Giám đốc",
        participants=[Part(ParticipantRole.ATTEND, user=o.sxd_clerk)],
    )
    o.pending = _book(
        o,
        o.sxd_staff,
        o.sxd,
        title=PENDING_TITLE,
        day=_monday() + dt.timedelta(days=3),
        place="Công trình cầu Cửa Hội",
        is_public=True,
    )
    services.approve(o.sxd_clerk, o.public)
    services.approve(o.sxd_clerk, o.internal)
    o.other = _book(
        o,
        o.stttt_staff,
        o.stttt,
        title=OTHER_TITLE,
        chair=o.stttt_staff,
        place="Trung tâm hội nghị tỉnh",
        is_public=True,
    )
    o.other.status, o.other.approved_at = EntryStatus.APPROVED, timezone.now()  # approved by its own office
    o.other.save(update_fields=["status", "approved_at"])
    return o


def _publish(o, actor=None, monday=None):
    return publishing.publish(actor or o.sxd_clerk, o.sxd, monday or _monday())


def _state(o, user=None):
    return publishing.week_state(o.sxd, _monday(), user or o.sxd_clerk)


# ------------------------------------------------------------------------------------------ who publishes


def test_who_may_publish_the_week(world):
    state = _state(world)
    assert state.status == WeekStatus.UNPUBLISHED and state.live_count == 2
    assert available_actions(world.sxd_clerk, state) == {"publish"}  # the office
    assert available_actions(world.sxd_leader, state) == {"publish"}  # keeps the agency's calendar
    for user in (world.sxd_staff, world.sxd_unit_leader, world.sxd_admin, world.stttt_staff):
        assert available_actions(user, _state(world, user)) == set(), user
    for user in (world.sxd_staff, world.sxd_unit_leader, world.stttt_staff):
        with pytest.raises(PermissionDenied, match="Chỉ văn phòng"):
            _publish(world, user)
    assert not PublishedWeek.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="chưa có lịch nào đã duyệt"):
        _publish(world, monday=_monday(3))  # nothing approved that week
    empty = publishing.week_state(world.sxd, _monday(3), world.sxd_clerk)
    assert available_actions(world.sxd_clerk, empty) == set()


def test_publishing_records_journals_tells_the_agency_and_versions(world):
    item = _publish(world)
    assert (item.version, item.published_by, item.entry_count, item.public_count) == (1, world.sxd_clerk, 2, 1)
    assert item.monday == _monday() and item.published_at
    journal = JournalEntry.objects.get(action="calendar.week.publish", object_id=str(item.pk))
    assert journal.details["version"] == 1 and journal.details["week"].startswith(f"Tuần {_monday().isocalendar()[1]}")
    told = set(Notification.objects.filter(verb="calendar.week_published").values_list("user", flat=True))
    sxd = {world.sxd_leader.pk, world.sxd_staff.pk, world.sxd_unit_leader.pk, world.sxd_admin.pk}
    assert sxd <= told and world.sxd_clerk.pk not in told and world.stttt_staff.pk not in told
    note = Notification.objects.filter(verb="calendar.week_published", user=world.sxd_staff).get()
    assert note.url == f"/lich-cong-tac/phat-hanh/{item.pk}/" and "phát hành lịch công tác tuần" in note.text
    state = _state(world)
    assert state.status == WeekStatus.PUBLISHED and available_actions(world.sxd_clerk, state) == set()
    with pytest.raises(TransitionNotAllowed):
        _publish(world)  # nothing changed since

    services.approve(world.sxd_clerk, world.pending)  # approved after publication
    assert _state(world).status == WeekStatus.CHANGED
    second = _publish(world, world.sxd_leader)
    assert (second.version, second.entry_count, second.public_count) == (2, 3, 2)
    assert Notification.objects.filter(verb="calendar.week_published", user=world.sxd_staff).count() == 2
    assert (
        "lần 2" in Notification.objects.filter(verb="calendar.week_published", user=world.sxd_staff).latest("pk").text
    )
    services.cancel(world.sxd_clerk, world.pending, "Đoàn kiểm tra dời lịch.")
    assert _state(world).status == WeekStatus.CHANGED  # a cancellation is a change too
    assert _publish(world).version == 3


def test_what_was_published_stays_as_published(world):
    first = _publish(world)
    entry = world.public
    local = timezone.localtime(entry.starts_at)
    services.edit(
        world.sxd_staff,
        entry,
        title="Hội nghị triển khai quy hoạch (dời sang buổi chiều)",
        day=local.date(),
        start=T(14, 0),
        end=T(16, 0),
        chair=world.sxd_leader,
        room=world.room,
        is_public=True,
    )
    assert _state(world).status == WeekStatus.CHANGED  # back to waiting: no longer in the calendar
    services.approve(world.sxd_clerk, entry)
    first.refresh_from_db()
    tuesday = first.snapshot["days"][1]
    assert [e["title"] for e in tuesday["halves"][0]["entries"]] == [PUBLIC_TITLE] and not tuesday["halves"][1][
        "entries"
    ]
    anonymous = Client()
    url = f"/lich-cong-tac/cong-khai/{world.sxd.code}/?tuan={_monday():%d/%m/%Y}"
    page = anonymous.get(url).content.decode()
    assert PUBLIC_TITLE in page and "dời sang buổi chiều" not in page  # the portal shows the published version
    second = _publish(world)
    page = anonymous.get(url).content.decode()
    assert "dời sang buổi chiều" in page and "14:00–16:00" in page and second.version == 2
    assert _versions(world) == [2, 1]


def _versions(o) -> list[int]:
    return list(PublishedWeek.objects.filter(agency=o.sxd).order_by("-version").values_list("version", flat=True))


# ------------------------------------------------------------------------------------------ printed copies


def test_the_printed_week_as_pdf(world):
    item = PublishedWeek.objects.select_related("agency", "published_by").get(pk=_publish(world).pk)
    data = exports.pdf(item)
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    sunday = _monday() + dt.timedelta(days=6)
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN",
        "SỞ XÂY DỰNG TỈNH NGHỆ AN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"LỊCH CÔNG TÁC TUẦN {_monday().isocalendar()[1]}",
        f"Từ ngày {_monday():%d/%m/%Y} đến ngày {sunday:%d/%m/%Y}",
        "Thứ Ba",
        "Chủ trì",
        "Chuẩn bị",
        "Hội nghị triển khai quy hoạch xây dựng vùng",
        "Trần Thị Thu Hà",
        "Phòng Kế hoạch - Tài chính",
        "Hội trường, Tầng 1, nhà B",
        "Họp rà soát nhân sự",
        "Phát hành lần 1",
    ):
        assert expected in text, expected
    assert PENDING_TITLE[:30] not in text and OTHER_TITLE[:30] not in text
    assert reader.metadata.title.startswith("LỊCH CÔNG TÁC TUẦN")


def test_the_week_as_a_spreadsheet(world):
    item = PublishedWeek.objects.select_related("agency", "published_by").get(pk=_publish(world).pk)
    sheet = load_workbook(io.BytesIO(exports.xlsx(item))).active
    assert sheet["A2"].value == "SỞ XÂY DỰNG TỈNH NGHỆ AN" and sheet["A1"].value == "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"
    assert sheet["A4"].value == f"LỊCH CÔNG TÁC TUẦN {_monday().isocalendar()[1]}"
    assert [c.value for c in sheet[7]] == exports.COLUMNS
    rows = {r[3]: r for r in sheet.iter_rows(min_row=8, values_only=True) if r[3]}
    conference = rows[PUBLIC_TITLE]
    assert conference[2] == "08:00–10:00" and conference[5].startswith("Trần Thị Thu Hà")
    assert conference[6] == "Phạm Văn Dũng" and conference[7] == "Phòng Kế hoạch - Tài chính"
    assert rows[INTERNAL_TITLE][:2] == (None, "Chiều")  # Wednesday's label sits on its morning row
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A8:A9" in merged  # Monday: morning and afternoon rows, one day cell
    labels = [r[0] for r in sheet.iter_rows(min_row=8, max_col=1, values_only=True) if r[0]]
    assert labels[1] == f"Thứ Ba\n{_monday() + dt.timedelta(days=1):%d/%m/%Y}" and labels[6].startswith("Chủ nhật")
    assert labels[7].startswith("Phát hành lần 1") and len(labels) == 8
    assert sheet.page_setup.orientation == "landscape" and sheet.column_dimensions["D"].width == 50
    assert PENDING_TITLE not in rows and OTHER_TITLE not in rows


# ------------------------------------------------------------------------------------------ the public page


def test_the_public_page_shows_only_public_entries_of_the_published_week(world, django_assert_max_num_queries):
    anonymous = Client()
    url = f"/lich-cong-tac/cong-khai/{world.sxd.code}/"
    week = f"?tuan={_monday():%d/%m/%Y}"
    before = anonymous.get(url + week)
    assert before.status_code == 200 and "Lịch công tác tuần này chưa phát hành" in before.content.decode()
    assert PUBLIC_TITLE not in before.content.decode()
    _publish(world)
    services.approve(world.sxd_clerk, world.pending)  # approved after publication: not on the portal yet
    with django_assert_max_num_queries(2):  # the agency, its publication
        response = anonymous.get(url + week)
    page = response.content.decode()
    assert response.status_code == 200 and PUBLIC_TITLE in page
    assert "Trần Thị Thu Hà" in page and "Phòng Kế hoạch - Tài chính" in page and "Hội trường" in page
    for hidden in (INTERNAL_TITLE, PENDING_TITLE, OTHER_TITLE, "Phạm Văn Dũng", "hop.nghean.gov.vn", "125/GM-SXD"):
        assert hidden not in page, hidden
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    other = anonymous.get(f"/lich-cong-tac/cong-khai/{world.stttt.code}/{week}").content.decode()
    assert "chưa phát hành" in other and PUBLIC_TITLE not in other and OTHER_TITLE not in other
    later = anonymous.get(url + f"?tuan={_monday(2):%d/%m/%Y}")
    assert later.status_code == 200 and "chưa phát hành" in later.content.decode()
    assert anonymous.get(url + "?tuan=31/02/2026").status_code == 200
    assert anonymous.get("/lich-cong-tac/cong-khai/000.00.99.H99/").status_code == 404
    nav = anonymous.get(url + week).content.decode()
    assert f"?tuan={_monday(2):%d/%m/%Y}" in nav and f"?tuan={_monday(0):%d/%m/%Y}" in nav


# ------------------------------------------------------------------------------------------ feeds


def _events(response) -> dict:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = ICal.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_the_personal_feed_at_its_secret_address(world):
    item, token = publishing.make_feed(world.sxd_unit_leader)
    assert item.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in item.token_hash
    anonymous = Client()
    url = f"/lich-cong-tac/ical/{token}.ics"
    events = _events(anonymous.get(url))
    assert set(events) == {PUBLIC_TITLE}  # takes part in the conference only; nothing waiting, nobody else's
    event = events[PUBLIC_TITLE]
    start = event.decoded("DTSTART")
    assert (start.hour, str(start.tzinfo)) == (8, "Asia/Ho_Chi_Minh") and start.date() == _monday() + dt.timedelta(1)
    assert event.decoded("DTEND").hour == 10 and str(event["LOCATION"]) == "Hội trường, Tầng 1, nhà B"
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["UID"]).startswith(f"lich-{world.public.pk}@")
    assert "Chủ trì: Trần Thị Thu Hà" in str(event["DESCRIPTION"]) and "LAST-MODIFIED" in event
    assert int(event["SEQUENCE"]) == 1  # registered, then approved
    services.cancel(world.sxd_clerk, world.public, "Dời hội nghị sang tháng sau.")
    event = _events(anonymous.get(url))[PUBLIC_TITLE]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    chair = _events(Client().get(f"/lich-cong-tac/ical/{publishing.make_feed(world.sxd_leader)[1]}.ics"))
    assert set(chair) == {PUBLIC_TITLE, INTERNAL_TITLE}  # chairs both
    staff = _events(Client().get(f"/lich-cong-tac/ical/{publishing.make_feed(world.sxd_staff)[1]}.ics"))
    assert staff == {}  # registered them, takes part in none
    assert FeedToken.objects.get(pk=item.pk).last_used_at is not None
    publishing.revoke_feed(world.sxd_unit_leader, item)
    assert anonymous.get(url).status_code == 404
    assert anonymous.get("/lich-cong-tac/ical/khong-dung.ics").status_code == 404
    renewed, new_token = publishing.make_feed(world.sxd_leader)
    assert anonymous.get(f"/lich-cong-tac/ical/{new_token}.ics").status_code == 200
    actions = set(JournalEntry.objects.filter(action__startswith="calendar.feed.").values_list("action", flat=True))
    assert actions == {"calendar.feed.create", "calendar.feed.renew", "calendar.feed.revoke"}
    assert not JournalEntry.objects.filter(details__icontains=token).exists()
    leader = type(world.sxd_leader).objects.get(pk=world.sxd_leader.pk)
    leader.status = AccountStatus.DEACTIVATED  # left the agency
    leader.save(update_fields=["status"])
    assert anonymous.get(f"/lich-cong-tac/ical/{new_token}.ics").status_code == 404  # the owner left


def test_the_unit_feed_and_who_may_have_it(world):
    _item, token = publishing.make_feed(world.sxd_staff, world.sxd_khtc)
    events = _events(Client().get(f"/lich-cong-tac/ical/{token}.ics"))
    assert set(events) == {PUBLIC_TITLE}  # KHTC prepares the conference
    with pytest.raises(Exception, match="đơn vị mình"):
        publishing.make_feed(world.sxd_staff, world.sxd_vp)
    with pytest.raises(Exception, match="đơn vị mình"):
        publishing.make_feed(world.stttt_staff, world.sxd_khtc)
    office, office_token = publishing.make_feed(world.sxd_clerk, world.sxd_khtc)  # the office: any unit
    assert office.unit == world.sxd_khtc
    assert _events(Client().get(f"/lich-cong-tac/ical/{office_token}.ics")).keys() == {PUBLIC_TITLE}
    with pytest.raises(PermissionDenied):
        publishing.revoke_feed(world.sxd_staff, office)


# ------------------------------------------------------------------------------------------ every page and action


def test_every_page_for_each_party(world, login):
    week = f"?tuan={_monday():%d/%m/%Y}"
    page = "/lich-cong-tac/phat-hanh/"
    clerk, leader, staff, other = (
        login(world.sxd_clerk),
        login(world.sxd_leader),
        login(world.sxd_staff),
        login(world.stttt_staff),
    )
    anonymous = Client()
    assert anonymous.get(page).status_code == 302 and anonymous.post(page + "phat-hanh-tuan/").status_code == 302
    for client in (clerk, leader):
        shown = client.get(page + week).content.decode()
        assert 'data-testid="publish"' in shown and "Chưa phát hành" in shown
    shown = staff.get(page + week).content.decode()
    assert 'data-testid="publish"' not in shown and "Chỉ văn phòng" in shown
    assert staff.post(page + "phat-hanh-tuan/", {"tuan": week[6:]}).status_code == 403
    assert login(world.sxd_unit_leader).post(page + "phat-hanh-tuan/", {"tuan": week[6:]}).status_code == 403
    assert other.post(page + "phat-hanh-tuan/", {"tuan": week[6:]}).status_code == 403
    assert not PublishedWeek.objects.exists()
    response = clerk.post(page + "phat-hanh-tuan/", {"tuan": week[6:]})
    assert response.status_code == 302 and response.url == page + week
    item = PublishedWeek.objects.get()
    shown = clerk.get(page + week).content.decode()
    assert "Đã phát hành" in shown and PUBLIC_TITLE in shown and 'data-testid="publish"' not in shown
    again = clerk.post(page + "phat-hanh-tuan/", {"tuan": week[6:]}, follow=True).content.decode()
    assert "Không thể phát hành lịch tuần" in again and PublishedWeek.objects.count() == 1
    for suffix, kind in (("", "text/html"), ("pdf/", "application/pdf"), ("xlsx/", "application/vnd.openxml")):
        url = f"{page}{item.pk}/{suffix}"
        for client in (clerk, leader, staff):
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"].startswith(kind), (url, client)
        assert other.get(url).status_code == 404
        assert anonymous.get(url).status_code == 302
    assert PUBLIC_TITLE not in other.get(page + week).content.decode()  # their own agency's week
    services.approve(world.sxd_clerk, world.pending)
    assert "Có thay đổi chưa phát hành" in leader.get(page + week).content.decode()


def test_the_feed_screen_for_each_party(world, login):
    url = "/lich-cong-tac/dong-bo/"
    assert Client().get(url).status_code == 302
    staff = login(world.sxd_staff)
    page = staff.get(url).content.decode()
    assert "Phòng Kế hoạch - Tài chính" in page and "Văn phòng Sở" not in page
    made = staff.post(url, {"unit": ""}).content.decode()
    found = re.search(r'value="(http://testserver/lich-cong-tac/ical/[^"]+\.ics)"', made)
    assert found and 'data-testid="feed-row"' in made
    token = found.group(1).rsplit("/", 1)[1][: -len(".ics")]
    assert Client().get(f"/lich-cong-tac/ical/{token}.ics").status_code == 200
    assert token not in staff.get(url).content.decode()  # shown once
    assert staff.post(url, {"unit": str(world.sxd_vp.pk)}).status_code == 302  # not their unit
    assert staff.post(url, {"unit": str(world.sxd_khtc.pk)}).status_code == 200
    mine = FeedToken.objects.filter(user=world.sxd_staff, revoked_at__isnull=True)
    assert mine.count() == 2
    other_feed, _token = publishing.make_feed(world.sxd_leader)
    assert staff.post(f"{url}{other_feed.pk}/thu-hoi/").status_code == 404
    personal = mine.get(unit__isnull=True)
    assert login(world.stttt_staff).post(f"{url}{personal.pk}/thu-hoi/").status_code == 404
    assert staff.post(f"{url}{personal.pk}/thu-hoi/").status_code == 302
    assert Client().get(f"/lich-cong-tac/ical/{token}.ics").status_code == 404
    assert FeedToken.objects.filter(user=world.sxd_staff, revoked_at__isnull=True).count() == 1


def test_the_api_for_each_party(world, api):
    week = f"{_monday():%d/%m/%Y}"
    clerk, leader, staff, other = (
        api(world.sxd_clerk),
        api(world.sxd_leader),
        api(world.sxd_staff),
        api(world.stttt_staff),
    )
    assert clerk.get("/api/v1/calendar-weeks/state/", {"week": week}).data["actions"] == ["publish"]
    assert leader.get("/api/v1/calendar-weeks/state/", {"week": week}).data["actions"] == ["publish"]
    state = staff.get("/api/v1/calendar-weeks/state/", {"week": week}).data
    assert state["actions"] == [] and state["status"] == "unpublished" and state["approved_count"] == 2
    refused = staff.post("/api/v1/calendar-weeks/publish/", {"week": week}, format="json")
    assert refused.status_code == 403 and "Chỉ văn phòng" in refused.data["detail"]
    assert other.post("/api/v1/calendar-weeks/publish/", {"week": week}, format="json").status_code == 403
    assert clerk.post("/api/v1/calendar-weeks/publish/", {"week": "hôm nay"}, format="json").status_code == 400
    done = clerk.post("/api/v1/calendar-weeks/publish/", {"week": week}, format="json")
    assert (
        done.status_code == 201 and done.data["version"] == 1 and done.data["published_by_name"] == "Lê Thị Hồng Nhung"
    )
    assert clerk.post("/api/v1/calendar-weeks/publish/", {"week": week}, format="json").status_code == 400
    pk = done.data["id"]
    assert [r["id"] for r in staff.get("/api/v1/calendar-weeks/").data["results"]] == [pk]
    assert other.get("/api/v1/calendar-weeks/").data["results"] == []
    detail = staff.get(f"/api/v1/calendar-weeks/{pk}/").data
    assert detail["days"][1]["halves"][0]["entries"][0]["title"] == PUBLIC_TITLE
    for suffix, kind in (("pdf/", "application/pdf"), ("xlsx/", "application/vnd.openxml")):
        response = staff.get(f"/api/v1/calendar-weeks/{pk}/{suffix}")
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
        assert other.get(f"/api/v1/calendar-weeks/{pk}/{suffix}").status_code == 404
    assert other.get(f"/api/v1/calendar-weeks/{pk}/").status_code == 404
    from rest_framework.test import APIClient

    anonymous = APIClient()
    assert anonymous.get("/api/v1/calendar-weeks/").status_code in (401, 403)
    assert anonymous.post("/api/v1/calendar-weeks/publish/", {"week": week}, format="json").status_code in (401, 403)
    assert anonymous.get(f"/api/v1/calendar-weeks/{pk}/pdf/").status_code in (401, 403)
    assert staff.get("/api/v1/calendar-weeks/", {"week": "x"}).status_code == 400


def test_lists_of_publications_read_in_a_fixed_number_of_queries(world, api, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, pages = api(world.sxd_staff), login(world.sxd_staff)
    week = f"?tuan={_monday():%d/%m/%Y}"

    def count(call) -> int:
        with CaptureQueriesContext(connection) as context:
            assert call().status_code == 200
        session = ("SAVEPOINT", "RELEASE SAVEPOINT", 'UPDATE "django_session"')  # the idle-session clock
        return sum(1 for q in context.captured_queries if not q["sql"].startswith(session))

    _publish(world)
    one = (
        count(lambda: client.get("/api/v1/calendar-weeks/")),
        count(lambda: pages.get("/lich-cong-tac/phat-hanh/" + week)),
    )
    services.approve(world.sxd_clerk, world.pending)
    _publish(world)
    services.cancel(world.sxd_clerk, world.pending, "Đoàn kiểm tra dời lịch.")
    _publish(world)
    assert PublishedWeek.objects.filter(agency=world.sxd).count() == 3
    more = (
        count(lambda: client.get("/api/v1/calendar-weeks/")),
        count(lambda: pages.get("/lich-cong-tac/phat-hanh/" + week)),
    )
    assert more == one
