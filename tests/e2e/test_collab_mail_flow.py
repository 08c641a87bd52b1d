"""Internal mail in a real browser: the office clerk sends a request with an attachment to a unit, picking it in the
searchable recipient list; a member of the unit sees it unread in their inbox (on a phone), opens it and replies;
the clerk sees the reply."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.e2e.test_layout import _overflow
from vpdt.collab.mail.models import MailboxEntry, Message

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBJECT = "Đề nghị tổng hợp số liệu giải ngân vốn đầu tư công năm 2026"


def test_a_mail_to_a_unit_is_read_and_answered(org, transactional_db, live_server, new_page, tmp_path):
    attachment = tmp_path / "bieu-mau-giai-ngan.pdf"
    attachment.write_bytes(PDF)

    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.get_by_test_id("menu-collab").get_by_role("button").click()  # the section opens
    with clerk.expect_navigation():
        clerk.get_by_test_id("menu-internalmail.compose").click()
    expect(clerk.locator("h1")).to_have_text("Soạn thư")
    control = clerk.locator("#id_recipients-ts-control")
    control.fill("kế hoạch")
    clerk.locator(".ts-dropdown .option", has_text="Phòng Kế hoạch - Tài chính").click()
    chosen = clerk.locator("select[name=recipients]").evaluate(
        "s => Array.from(s.selectedOptions).map(o => o.textContent.trim())"
    )
    assert chosen == ["Phòng Kế hoạch - Tài chính"]
    clerk.locator("select[name=kind]").select_option("request")
    clerk.get_by_label("Tiêu đề").fill(SUBJECT)
    clerk.get_by_label("Nội dung").fill("Đề nghị Phòng gửi số liệu về Văn phòng trước ngày 20/12/2026.")
    clerk.locator("[name=files]").set_input_files(str(attachment))
    _submit(clerk, "send")
    expect(clerk.get_by_test_id("mail-row")).to_contain_text(SUBJECT)
    expect(clerk.get_by_test_id("mail-row")).to_contain_text("Phòng Kế hoạch - Tài chính")
    message = Message.objects.get()

    staff = _log_in(new_page, org.sxd_staff)
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.goto("/thu-noi-bo/")
    row = staff.locator('[data-testid="mail-row"][data-unread="1"]')
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Lê Thị Hồng Nhung")
    expect(staff.get_by_test_id("mail-unread").first).to_have_text("1")
    assert not _overflow(staff)
    with staff.expect_navigation():
        row.click()
    expect(staff.get_by_test_id("mail-to")).to_contain_text("Phòng Kế hoạch - Tài chính")
    expect(staff.get_by_test_id("mail-file")).to_have_text("bieu-mau-giai-ngan.pdf")
    assert not _overflow(staff)
    assert MailboxEntry.objects.get(message=message, owner=org.sxd_staff).read_at is not None
    with staff.expect_download() as download:
        staff.get_by_test_id("mail-file").click()
    assert download.value.suggested_filename == "bieu-mau-giai-ngan.pdf"
    _submit(staff, "reply")
    expect(staff.get_by_test_id("reply-to")).to_have_text("Lê Thị Hồng Nhung")
    staff.get_by_label("Nội dung").fill("Phòng Kế hoạch - Tài chính sẽ gửi số liệu trước ngày 18/12/2026.")
    _submit(staff, "send")
    expect(staff.get_by_test_id("mail-row")).to_contain_text("Trả lời: " + SUBJECT)

    clerk.goto("/thu-noi-bo/")
    reply = clerk.locator('[data-testid="mail-row"][data-unread="1"]')
    expect(reply).to_contain_text("Trả lời: " + SUBJECT)
    expect(reply).to_contain_text("Hoàng Thị Lan")
    with clerk.expect_navigation():
        reply.click()
    expect(clerk.get_by_test_id("mail-body")).to_contain_text("trước ngày 18/12/2026")
    expect(clerk.get_by_test_id("replied")).to_have_text(SUBJECT)
