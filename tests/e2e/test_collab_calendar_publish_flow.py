"""The published weekly calendar in a real browser: with a public meeting approved for next Tuesday, the office
publishes the week in one action, the agency's public page shows it to someone not logged in, and the participant's
calendar feed address (made on the feed screen, shown once) returns the meeting as iCalendar."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar as ICal
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from vpdt.collab.calendar import calendars, queries, services
from vpdt.collab.calendar.models import ParticipantRole, PublishedWeek
from vpdt.collab.calendar.services import Part

pytestmark = pytest.mark.e2e

TITLE = "Hội nghị công bố quy hoạch chung đô thị Vinh đến năm 2040"


def test_the_office_publishes_the_week_the_portal_and_the_feed_show_it(org, transactional_db, live_server, new_page):
    tuesday = queries.monday_of(timezone.localdate()) + dt.timedelta(days=8)
    monday = tuesday - dt.timedelta(days=1)
    room = services.create_room(org.sxd_admin, name="Hội trường", location="Tầng 1", capacity=150)
    services.grant(org.sxd_leader, org.sxd_clerk, calendars.agency_calendar(org.sxd))
    (meeting,) = services.book(
        org.sxd_staff,
        calendars.agency_calendar(org.sxd),
        title=TITLE,
        day=tuesday,
        start=dt.time(8, 0),
        end=dt.time(11, 0),
        chair=org.sxd_leader,
        room=room,
        is_public=True,
        participants=[
            Part(ParticipantRole.ATTEND, user=org.sxd_unit_leader),
            Part(ParticipantRole.PREPARE, unit=org.sxd_khtc),
        ],
    )
    services.approve(org.sxd_clerk, meeting)

    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto(f"/lich-cong-tac/phat-hanh/?tuan={tuesday:%d/%m/%Y}")
    expect(clerk.get_by_test_id("week-status")).to_have_text("Chưa phát hành")
    _submit(clerk, "publish")
    expect(clerk.get_by_test_id("week-status")).to_have_text("Đã phát hành")
    expect(clerk.get_by_test_id("week-latest")).to_contain_text("Lần 1, do Lê Thị Hồng Nhung phát hành")
    expect(clerk.get_by_test_id("published-entry").filter(has_text=TITLE)).to_contain_text("08:00–11:00")
    expect(clerk.get_by_test_id("publish")).to_have_count(0)
    assert PublishedWeek.objects.get().monday == monday

    visitor = new_page()  # not logged in
    visitor.goto(f"/lich-cong-tac/cong-khai/{org.sxd.code}/?tuan={tuesday:%d/%m/%Y}")
    expect(visitor.get_by_test_id("public-agency")).to_have_text("Sở Xây dựng tỉnh Nghệ An")
    expect(visitor.get_by_test_id("week-label")).to_contain_text(f"từ ngày {monday:%d/%m/%Y}")
    row = visitor.get_by_test_id("published-entry").filter(has_text=TITLE)
    expect(row).to_contain_text("Trần Thị Thu Hà")
    expect(row).to_contain_text("Phòng Kế hoạch - Tài chính")
    expect(row).not_to_contain_text("Phạm Văn Dũng")  # people other than the chair stay off the portal
    visitor.get_by_test_id("week-next").click()
    expect(visitor.get_by_test_id("public-unpublished")).to_contain_text("chưa phát hành")

    participant = _log_in(new_page, org.sxd_unit_leader)
    participant.goto("/lich-cong-tac/dong-bo/")
    _submit(participant, "feed-create")
    url = participant.get_by_test_id("feed-url").input_value()
    assert url.startswith(live_server.url + "/lich-cong-tac/ical/") and url.endswith(".ics")
    response = visitor.request.get(url)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    (event,) = ICal.from_ical(response.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE and str(event["LOCATION"]) == "Hội trường, Tầng 1"
    assert event.decoded("DTSTART").date() == tuesday and str(event["STATUS"]) == "CONFIRMED"
    participant.goto("/lich-cong-tac/dong-bo/")
    expect(participant.get_by_test_id("feed-url")).to_have_count(0)  # shown once
    expect(participant.get_by_test_id("feed-row")).to_have_count(1)
