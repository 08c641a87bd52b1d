"""Announcements in a real browser: a leader posts an announcement, a staff member sees its banner on every page
until they mark it read (on a phone-sized screen), and the leader sees who read it and when."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from vpdt.collab.boards.models import Announcement, AnnouncementRead

pytestmark = pytest.mark.e2e

TITLE = "Lịch trực cơ quan dịp nghỉ lễ 30/4 và 1/5"


def test_an_announcement_shows_as_a_banner_until_read_and_the_poster_sees_the_receipt(
    org, transactional_db, live_server, new_page
):
    leader = _log_in(new_page, org.sxd_leader)
    leader.goto("/tin-dieu-hanh/thong-bao/")
    leader.get_by_test_id("announcement-new").click()
    leader.get_by_label("Đăng với tư cách").select_option("leader")
    leader.get_by_label("Tiêu đề").fill(TITLE)
    leader.get_by_label("Nội dung").fill("Văn phòng Sở bố trí trực 24/24 từ ngày 30/4 đến hết ngày 01/5.")
    _submit(leader, "save")
    expect(leader.get_by_test_id("announcement-title")).to_have_text(TITLE)
    expect(leader.get_by_test_id("receipts")).to_contain_text("Chưa có ai đánh dấu đã đọc.")
    announcement = Announcement.objects.get(title=TITLE)

    staff = _log_in(new_page, org.sxd_staff)
    staff.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/van-ban-den/", "/ho-so/"):
        staff.goto(path)
        banner = staff.get_by_test_id("announcement-banner")
        expect(banner).to_contain_text(TITLE)
        expect(banner).to_contain_text("Lãnh đạo cơ quan")
        assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    _submit(staff, "banner-read")
    expect(staff).to_have_url(f"{live_server.url}/ho-so/")
    expect(staff.get_by_test_id("announcement-banner")).to_have_count(0)
    staff.goto("/")
    expect(staff.get_by_test_id("announcement-banner")).to_have_count(0)
    read = AnnouncementRead.objects.get(announcement=announcement, user=org.sxd_staff)

    leader.reload()
    receipt = leader.get_by_test_id("receipt")
    expect(receipt).to_have_count(1)
    expect(receipt).to_contain_text("Hoàng Thị Lan")
    expect(receipt).to_contain_text(timezone.localtime(read.read_at).strftime("%d/%m/%Y %H:%M"))
    expect(leader.get_by_test_id("announcement-banner")).to_have_count(0)  # not for the poster
