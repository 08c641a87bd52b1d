"""The screens people live in, in a real browser: the left menu grouped by work with its count badges, the
notification bell counting a new notification without a reload, the director's home with its counters and the
chart of this month's documents, the menu collapsed to icons on a desktop and a drawer on a phone, no Content
Security Policy violation and no sideways scrolling at 1366 × 768 and 390 × 844."""

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, transaction
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_csp import _watch
from tests.test_waiting_work import _submitted
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument
from vpdt.notifications import services as notifications

pytestmark = pytest.mark.e2e


def _signed_in(new_page, live_server, user, viewport=(1366, 768)):
    """A page whose browser holds the person's session (signing in is not the subject here).

    Signing in writes (the last login, the journal). On the in-memory SQLite the tests share with the live server
    and the live process, a page or socket reading at that instant holds a table lock that SQLite reports at once
    ("database table is locked") instead of waiting: the sign-in is tried again after a moment."""
    client = Client()
    for attempt in range(40):
        try:
            with transaction.atomic():
                client.force_login(user)
            break
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 39:
                raise
            time.sleep(0.05)
    page = new_page()
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _month_of_documents(org):
    """Four documents arrived this month: two waiting for the director, one completed on time, one late."""
    waiting = [
        _submitted(org, "2101", "V/v triển khai kế hoạch cải cách hành chính năm 2027"),
        _submitted(org, "2102", "V/v báo cáo tình hình giải ngân vốn đầu tư công"),
    ]
    today = timezone.localdate()
    done = _submitted(org, "2103", "V/v kiểm tra an toàn công trình trước mùa mưa bão")
    late = _submitted(org, "2104", "V/v rà soát quy hoạch khu công nghiệp Nam Cấm")
    now = timezone.now()
    IncomingDocument.objects.filter(pk=done.pk).update(
        status=DocStatus.COMPLETED, deadline=today + dt.timedelta(days=3), completed_at=now
    )
    IncomingDocument.objects.filter(pk=late.pk).update(
        status=DocStatus.COMPLETED, deadline=today - dt.timedelta(days=1), completed_at=now
    )
    return waiting


def test_menu_badges_bell_and_the_directors_home(org, transactional_db, live_server, new_page, settings):
    settings.VPDT_BELL_POLL_SECONDS = 1
    waiting = _month_of_documents(org)
    incoming.direct(
        org.sxd_leader,
        waiting[1],
        direction="Giao Phòng KH-TC chủ trì tham mưu.",
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
    )
    leader = _signed_in(new_page, live_server, org.sxd_leader)
    violations = _watch(leader)
    leader.goto("/")

    # The menu: grouped by work, the director's queue counted ("Chờ cho ý kiến 1"), the register shown to them.
    menu = leader.get_by_test_id("menu")
    expect(menu).to_be_visible()
    to_direct = menu.get_by_test_id("menu-incoming.to_direct")
    expect(to_direct).to_contain_text("Chờ cho ý kiến")
    expect(to_direct.get_by_test_id("badge")).to_have_text("1")
    expect(menu.get_by_test_id("menu-outgoing.register")).to_be_visible()
    expect(menu.get_by_test_id("menu-incoming.create")).to_have_count(0)  # a clerk's link

    # The home: counters linking to the filtered lists, and this month's chart with its table.
    counter = leader.get_by_test_id("counter-incoming.to_direct")
    expect(counter.get_by_test_id("counter-n")).to_have_text("1")
    expect(leader.get_by_test_id("month-on_time")).to_contain_text("1")
    expect(leader.get_by_test_id("month-late")).to_contain_text("1")
    expect(leader.get_by_test_id("month-pending")).to_contain_text("2")
    leader.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas.vpdt-chart'))")
    drawn = leader.evaluate("Chart.getChart(document.querySelector('canvas.vpdt-chart')).data.datasets[0].data")
    assert drawn == [1, 1, 2]
    _no_sideways_scroll(leader)
    with leader.expect_navigation():
        counter.get_by_role("link").first.click()
    expect(leader.get_by_test_id("box-to_direct")).to_have_attribute("aria-current", "page")
    expect(leader.locator("table")).to_contain_text("cải cách hành chính")

    # The bell counts a notification sent while the page is open, without a reload; opening it lists the newest,
    # and following it marks it read.
    leader.goto("/")
    bell = leader.get_by_test_id("nav-notifications")
    count = bell.get_by_test_id("nav-unread")  # on the bell itself, seen
    before = count.all_inner_texts()
    unread = int(before[0]) if before else 0
    notifications.notify(
        [org.sxd_leader], "test.ping", text="Văn bản số 2105/UBND-KT chờ đồng chí cho ý kiến", url_name="incoming:list"
    )
    expect(count).to_have_text(str(unread + 1), timeout=10_000)
    expect(count).to_be_visible()
    assert leader.evaluate("performance.getEntriesByType('navigation').length") == 1  # still the same page
    bell.click()
    item = leader.get_by_test_id("bell-item").first
    expect(item).to_contain_text("2105/UBND-KT")
    leader.wait_for_timeout(2_500)  # the count is polled every second meanwhile: the open list stays
    expect(item).to_be_visible()
    expect(count).to_have_text(str(unread + 1))
    with leader.expect_navigation():
        item.click()
    assert leader.url.endswith("/van-ban-den/")
    if unread:
        expect(count).to_have_text(str(unread))
    else:
        expect(count).to_have_count(0)

    # Collapsed to icons, and remembered on the next page.
    leader.goto("/")
    leader.get_by_test_id("menu-collapse").click()
    assert menu.bounding_box()["width"] < 80
    leader.reload()
    assert leader.get_by_test_id("menu").bounding_box()["width"] < 80
    leader.get_by_test_id("menu-incoming").hover()
    expect(leader.get_by_test_id("menu-incoming.to_direct")).to_be_visible()
    assert violations == []

    # On a phone the menu is a drawer, with the same badges; nothing scrolls sideways.
    unit_leader = _signed_in(new_page, live_server, org.sxd_unit_leader, viewport=(390, 844))
    unit_leader.goto("/")
    expect(unit_leader.get_by_test_id("menu")).not_to_be_visible()
    _no_sideways_scroll(unit_leader)
    unit_leader.get_by_test_id("menu-open").click()
    queue = unit_leader.get_by_test_id("menu-incoming.unit_waiting")
    expect(queue).to_be_visible()
    expect(queue.get_by_test_id("badge")).to_have_text("1")
    expect(unit_leader.get_by_test_id("unit-queue")).to_contain_text("giải ngân vốn đầu tư công")
