"""The installable application in a real browser: the service worker takes control, a lost network shows the
"Mất kết nối" banner and, for a page asked for meanwhile, the offline page, which comes back by itself; the
account page offers web push on this device."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in

pytestmark = pytest.mark.e2e


def test_offline_shell_and_push_panel(org, transactional_db, live_server, new_page):
    page = _log_in(new_page, org.sxd_staff)
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => Boolean(r.active))") is True
    page.reload()  # now controlled by the worker
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)") is True
    banner = page.get_by_test_id("offline-banner")
    expect(banner).to_be_hidden()

    page.context.set_offline(True)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Mất kết nối mạng")
    page.goto("/van-ban-den/")
    expect(page.get_by_test_id("offline-page")).to_be_visible()
    expect(page.get_by_role("heading", name="Mất kết nối")).to_be_visible()

    page.context.set_offline(False)  # the offline page reloads itself when the network is back
    expect(page.get_by_test_id("offline-page")).to_have_count(0, timeout=15_000)
    page.wait_for_load_state()
    assert page.url.endswith("/van-ban-den/")
    expect(page.get_by_test_id("offline-banner")).to_be_hidden()

    page.context.grant_permissions(["notifications"])
    page.goto("/tai-khoan/")
    expect(page.get_by_role("button", name="Bật thông báo đẩy trên thiết bị này")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Thông báo đẩy")).to_be_visible()
