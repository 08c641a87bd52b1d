"""SMS in a real browser: the agency's administrator authorises the clerk; the clerk sends the staff member an SMS
about the incoming document waiting for her and sees it recorded as sent, the message in the outbox (the embedded
gateway); a unit leader who was not authorised is refused."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.test_collab_sms import assigned_doc
from vpdt.collab.sms import services
from vpdt.collab.sms.models import SmsMessage, SmsStatus

pytestmark = pytest.mark.e2e


def test_an_authorised_clerk_sends_an_sms_about_pending_work_and_an_unauthorised_leader_is_refused(
    org, transactional_db, live_server, new_page, settings, tmp_path
):
    settings.VPDT_SMS_GATEWAY = "outbox"
    settings.VPDT_SMS_OUTBOX = outbox = tmp_path / "sms-outbox.jsonl"
    doc = assigned_doc(org)
    services.set_mobile(org.sxd_staff, "0912 345 678")

    admin = _log_in(new_page, org.sxd_admin)
    admin.goto("/tin-nhan/quyen-gui/")
    admin.get_by_label("Người được cấp quyền").select_option(str(org.sxd_clerk.pk))
    admin.get_by_label("Ghi chú").fill("Theo Quyết định số 12/QĐ-SXD")
    _submit(admin, "grant")
    expect(admin.get_by_test_id("grant-row")).to_contain_text(org.sxd_clerk.full_name)

    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/tin-nhan/")
    _submit(clerk, "sms-new")
    clerk.get_by_label("Người nhận").select_option(str(org.sxd_staff.pk))
    item = clerk.get_by_label(f"Văn bản đến chờ xử lý: văn bản đến số {doc.arrival_number}/{doc.year}", exact=False)
    item.check()  # loaded for the chosen person without a reload
    clerk.get_by_label("Lời nhắn thêm").fill("Đề nghị chị Lan xử lý gấp")
    _submit(clerk, "send")
    expect(clerk.get_by_test_id("sms-status")).to_have_text("Đã gửi")
    expect(clerk.get_by_test_id("sms-recipient")).to_have_text(org.sxd_staff.full_name)
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT and message.text.isascii() and len(message.text) <= 160
    expect(clerk.get_by_test_id("sms-text")).to_have_text(message.text)
    assert "De nghi chi Lan xu ly gap - Le Thi Hong Nhung" in message.text
    written = json.loads(outbox.read_text())
    assert (written["id"], written["phone"], written["text"]) == (message.pk, "0912345678", message.text)
    clerk.goto("/tin-nhan/?hop=gui")
    expect(clerk.get_by_test_id("sms-row")).to_have_count(1)
    expect(clerk.get_by_test_id("sms-row").get_by_test_id("sms-status")).to_have_text("Đã gửi")

    leader = _log_in(new_page, org.sxd_unit_leader)
    leader.goto("/tin-nhan/")
    expect(leader.get_by_test_id("sms-new")).to_have_count(0)
    response = leader.goto("/tin-nhan/gui/")
    assert response.status == 403
    expect(leader.locator("body")).to_contain_text("chưa được quản trị hệ thống của cơ quan cấp quyền gửi tin nhắn SMS")
    assert SmsMessage.objects.count() == 1
