"""Chat in a group between two browsers: with the live process (``vpdt.asgi`` under uvicorn, as ``vpdt serve`` runs
it), a message typed by one person appears in the other's open conversation within seconds, although the page
would ask only every ten minutes, and the list of a third member counts it as unread, all without a reload; on a
phone-sized screen nothing scrolls sideways. Without the live process (WebSockets blocked), the page's own polling
still delivers."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_csp import _watch
from tests.e2e.test_shell_flow import _no_sideways_scroll, _signed_in
from tests.live import LiveProcess
from vpdt.collab.chat import services

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_process(settings):
    process = LiveProcess().start()
    settings.VPDT_REALTIME_BIND = f"127.0.0.1:{process.port}"
    settings.VPDT_CHAT_POLL_SECONDS = 600  # the pages would ask only every ten minutes
    settings.VPDT_BELL_POLL_SECONDS = 600
    yield process
    process.stop()


def _group(org):
    return services.create_group(
        org.sxd_leader, "Tổ công tác giải ngân vốn đầu tư công", [org.sxd_staff, org.sxd_unit_leader]
    )


def _thread(page):
    return page.get_by_test_id("chat-messages")


def test_a_message_arrives_in_the_other_browser_without_a_reload(
    org, transactional_db, live_server, new_page, live_process
):
    group = _group(org)
    leader = _signed_in(new_page, live_server, org.sxd_leader)
    violations = _watch(leader)
    leader.goto(f"/hoi-thoai/{group.pk}/")
    staff = _signed_in(new_page, live_server, org.sxd_staff, viewport=(390, 844))
    staff.goto(f"/hoi-thoai/{group.pk}/")
    unit_leader = _signed_in(new_page, live_server, org.sxd_unit_leader)
    unit_leader.goto("/hoi-thoai/")
    for page in (leader, staff, unit_leader):
        expect(page.locator("html")).to_have_attribute("data-live-state", "on")
    expect(unit_leader.get_by_test_id("chat-unread")).to_have_text("1")  # "đã lập nhóm"

    leader.get_by_label("Nội dung tin nhắn").fill("Đề nghị @Hoàng Thị Lan tổng hợp số liệu giải ngân trước thứ Sáu.")
    leader.get_by_test_id("chat-send").click()
    expect(leader.get_by_label("Nội dung tin nhắn")).to_have_value("")  # accepted: the box is emptied
    arrived = _thread(staff).get_by_test_id("chat-message").filter(has_text="tổng hợp số liệu giải ngân")
    expect(arrived).to_be_visible(timeout=5_000)
    expect(arrived.get_by_test_id("chat-mentioned")).to_be_visible()
    expect(arrived).to_contain_text("Trần Thị Thu Hà")
    expect(unit_leader.get_by_test_id("chat-unread")).to_have_text("2", timeout=5_000)
    expect(_thread(leader).get_by_test_id("chat-message")).to_have_count(1)  # shown once to its sender too

    reply = staff.get_by_label("Nội dung tin nhắn")
    reply.fill("Em nhận, chiều thứ Năm em gửi ạ.")
    reply.press("Enter")
    expect(_thread(leader).get_by_text("Em nhận, chiều thứ Năm em gửi ạ.")).to_be_visible(timeout=5_000)
    expect(_thread(staff).get_by_test_id("chat-message")).to_have_count(2)

    for page in (leader, staff, unit_leader):
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # still the same page
    _no_sideways_scroll(staff)
    expect(staff.get_by_role("button", name="Gửi")).to_be_visible()
    assert violations == []


def test_without_the_live_process_the_conversation_still_arrives_by_polling(
    org, transactional_db, live_server, new_page, settings
):
    settings.VPDT_REALTIME_URL = "ws://127.0.0.1:9/"  # nothing listens there: the socket cannot open
    settings.VPDT_CHAT_POLL_SECONDS = 1
    group = _group(org)
    staff = _signed_in(new_page, live_server, org.sxd_staff, viewport=(390, 844))
    staff.goto(f"/hoi-thoai/{group.pk}/")
    expect(staff.locator("html")).to_have_attribute("data-live-state", "off")
    leader = _signed_in(new_page, live_server, org.sxd_leader)
    leader.goto(f"/hoi-thoai/{group.pk}/")
    leader.get_by_label("Nội dung tin nhắn").fill("Cuộc họp tổ công tác chuyển sang 14:00 ngày 11/12/2026.")
    leader.get_by_test_id("chat-send").click()
    expect(_thread(staff).get_by_text("Cuộc họp tổ công tác chuyển sang 14:00")).to_be_visible(timeout=5_000)
    assert staff.evaluate("performance.getEntriesByType('navigation').length") == 1
    for url in ("/hoi-thoai/", f"/hoi-thoai/{group.pk}/thanh-vien/", "/hoi-thoai/nhom-moi/"):
        staff.goto(url)  # the other chat screens fit a phone too
        _no_sideways_scroll(staff)


def test_while_the_socket_is_open_the_page_does_not_keep_asking(org, transactional_db, live_server, new_page, settings):
    process = LiveProcess().start()
    try:
        settings.VPDT_REALTIME_BIND = f"127.0.0.1:{process.port}"
        settings.VPDT_CHAT_POLL_SECONDS = 1
        group = _group(org)
        staff = _signed_in(new_page, live_server, org.sxd_staff)
        asked = []
        staff.on("request", lambda request: asked.append(request.url) if "/tin-nhan-moi/" in request.url else None)
        staff.goto(f"/hoi-thoai/{group.pk}/")
        expect(staff.locator("html")).to_have_attribute("data-live-state", "on")
        staff.wait_for_timeout(3_000)  # three timed polls would have gone out
        assert asked == []
        services.send(org.sxd_leader, group, "Đã có kết quả thẩm định dự án.")
        expect(_thread(staff).get_by_text("Đã có kết quả thẩm định dự án.")).to_be_visible(timeout=5_000)
        assert len(asked) == 1  # asked once, on the nudge
    finally:
        process.stop()
