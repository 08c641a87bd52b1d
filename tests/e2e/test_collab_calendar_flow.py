"""The work calendar in a real browser: a specialist books a meeting in a room already taken (refused, with the
other meeting named), moves it to the hall, the office approves it from its queue of entries waiting for approval,
and the meeting shows in the agency's printed week, Tuesday morning."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from vpdt.collab.calendar import calendars, queries, services
from vpdt.collab.calendar.models import Entry, EntryStatus
from vpdt.notifications.models import Notification

pytestmark = pytest.mark.e2e

TITLE = "Họp thẩm định hồ sơ thiết kế cơ sở dự án đường ven biển Nghi Sơn – Cửa Lò"


def test_book_with_a_room_clash_fix_it_approve_and_see_it_in_the_week(org, transactional_db, live_server, new_page):
    tuesday = queries.monday_of(timezone.localdate()) + dt.timedelta(days=8)
    room = services.create_room(org.sxd_admin, name="Phòng họp số 1", location="Tầng 2", capacity=30)
    services.create_room(org.sxd_admin, name="Hội trường", location="Tầng 1", capacity=150)
    services.grant(org.sxd_leader, org.sxd_clerk, calendars.agency_calendar(org.sxd))
    (briefing,) = services.book(
        org.sxd_clerk,
        calendars.agency_calendar(org.sxd),
        title="Giao ban lãnh đạo Sở",
        day=tuesday,
        start=dt.time(8, 0),
        end=dt.time(10, 0),
        chair=org.sxd_leader,
        room=room,
    )
    services.approve(org.sxd_clerk, briefing)

    staff = _log_in(new_page, org.sxd_staff)
    staff.goto("/lich-cong-tac/")
    staff.get_by_test_id("entry-new").click()
    staff.get_by_test_id("title").fill(TITLE)
    staff.get_by_test_id("day").fill(tuesday.strftime("%d/%m/%Y"))
    staff.keyboard.press("Escape")
    staff.get_by_label("Từ giờ").fill("09:00")
    staff.get_by_label("Đến giờ").fill("10:30")
    staff.get_by_test_id("chair").select_option(str(org.sxd_unit_leader.pk))
    staff.get_by_test_id("attend").select_option([f"p:{org.sxd_staff.pk}", f"u:{org.sxd_vp.pk}"])
    staff.get_by_test_id("prepare").select_option([f"u:{org.sxd_khtc.pk}"])
    staff.get_by_test_id("room").select_option(str(room.pk))
    _submit(staff, "entry-save")
    expect(staff.get_by_test_id("entry-form")).to_contain_text("Phòng họp số 1 đã được đặt cho “Giao ban lãnh đạo Sở”")
    expect(staff.get_by_test_id("entry-form")).to_contain_text("08:00–10:00")
    assert not Entry.objects.filter(title=TITLE).exists()

    staff.get_by_test_id("room").select_option(label="Hội trường (150 chỗ)")
    _submit(staff, "entry-save")
    expect(staff.get_by_test_id("entry-title")).to_have_text(TITLE)
    expect(staff.get_by_test_id("entry-status")).to_have_text("Chờ duyệt")
    expect(staff.get_by_test_id("entry-where")).to_contain_text("Hội trường")
    entry = Entry.objects.get(title=TITLE)
    assert Notification.objects.filter(user=org.sxd_clerk, verb="calendar.pending", target_id=entry.pk).exists()

    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/lich-cong-tac/cho-duyet/")
    clerk.get_by_test_id("waiting-row").filter(has_text=TITLE).click()
    _submit(clerk, "approve")
    expect(clerk.get_by_test_id("entry-status")).to_have_text("Đã duyệt")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.decided_by == org.sxd_clerk

    outsider = _log_in(new_page, org.sxd_admin)
    outsider.goto("/lich-cong-tac/")
    outsider.get_by_label("Tuần có ngày").fill(tuesday.strftime("%d/%m/%Y"))
    outsider.keyboard.press("Escape")
    _submit(outsider, "calendar-show")
    expect(outsider.get_by_test_id("week-label")).to_contain_text(
        f"từ ngày {(tuesday - dt.timedelta(days=1)):%d/%m/%Y}"
    )
    row = outsider.get_by_test_id("week-entry").filter(has_text=TITLE)
    expect(row).to_contain_text("09:00–10:30")
    expect(row.get_by_test_id("week-place")).to_have_text("Hội trường, Tầng 1")
    expect(row).to_contain_text("Phạm Văn Dũng")
    expect(row).to_contain_text("Phòng Kế hoạch - Tài chính")
    expect(outsider.get_by_test_id("week-entry")).to_have_count(2)
