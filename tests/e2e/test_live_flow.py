"""Live updates in a real browser: with the live process running (``vpdt.asgi`` under uvicorn, as ``vpdt serve``
runs it), the bell counts a new notification within seconds although the page would ask only every ten minutes,
another open page of the same person follows when it is read, and nothing breaks the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_csp import _watch
from tests.e2e.test_shell_flow import _signed_in
from tests.live import LiveProcess
from vpdt.notifications import services as notifications
from vpdt.notifications.models import Notification

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_process(settings):
    process = LiveProcess().start()
    settings.VPDT_REALTIME_BIND = f"127.0.0.1:{process.port}"  # pages open it on their own host, with its cookie
    settings.VPDT_BELL_POLL_SECONDS = 600  # the page would ask only every ten minutes
    yield process
    process.stop()


def test_the_bell_counts_a_new_notification_at_once_and_other_pages_follow(
    org, transactional_db, live_server, new_page, live_process
):
    leader = _signed_in(new_page, live_server, org.sxd_leader)
    violations = _watch(leader)
    leader.goto("/")
    expect(leader.locator("html")).to_have_attribute("data-live-state", "on")
    other = _signed_in(new_page, live_server, org.sxd_leader, viewport=(390, 844))
    other.goto("/van-ban-den/")
    expect(other.locator("html")).to_have_attribute("data-live-state", "on")

    count = leader.get_by_test_id("nav-notifications").get_by_test_id("nav-unread")
    expect(count).to_have_count(0)
    notifications.notify(
        [org.sxd_leader], "test.ping", text="Văn bản số 2106/UBND-KT chờ đồng chí cho ý kiến", url_name="incoming:list"
    )
    expect(count).to_have_text("1", timeout=5_000)
    other_count = other.get_by_test_id("nav-notifications").get_by_test_id("nav-unread")
    expect(other_count).to_have_text("1", timeout=5_000)
    assert leader.evaluate("performance.getEntriesByType('navigation').length") == 1  # still the same page

    notifications.mark_read(org.sxd_leader, Notification.objects.get(user=org.sxd_leader, verb="test.ping"))
    expect(other_count).to_have_count(0, timeout=5_000)  # read elsewhere: this page follows
    assert violations == []


def test_without_the_live_process_the_page_still_counts_at_its_pace(
    org, transactional_db, live_server, new_page, settings
):
    settings.VPDT_REALTIME_URL = "ws://127.0.0.1:9/"  # nothing listens there: the socket cannot open
    settings.VPDT_BELL_POLL_SECONDS = 1
    leader = _signed_in(new_page, live_server, org.sxd_leader)
    leader.goto("/")
    expect(leader.locator("html")).to_have_attribute("data-live-state", "off")
    notifications.notify([org.sxd_leader], "test.ping", text="Văn bản số 2107/UBND-KT chờ đồng chí cho ý kiến")
    expect(leader.get_by_test_id("nav-notifications").get_by_test_id("nav-unread")).to_have_text("1", timeout=5_000)
