"""From paper to search in a real browser: the clerk uploads a colour scan (the red seal over the blue signature),
the registration form comes prefilled from the OCR, the clerk corrects one field and registers, the PDF/A copy is
offered on the document; a staff member the document was directed to finds it by typing its subject without
diacritics."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.test_scan_prefill import scan_png
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, IncomingDocument

pytestmark = pytest.mark.e2e


def test_scan_to_prefilled_form_to_search(org, transactional_db, live_server, new_page, tmp_path):
    scan = tmp_path / "cong-van-1250-ubnd-nghi-loc.png"
    scan.write_bytes(scan_png())
    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/van-ban-den/")
    with clerk.expect_navigation():
        clerk.get_by_test_id("register-from-scan").click()
    clerk.get_by_label("Bản quét văn bản đến").set_input_files(str(scan))
    _submit(clerk, "scan-upload-submit")  # OCR runs in the worker (eager here); the page reloads prefilled
    if clerk.get_by_test_id("scan-reading").count():
        clerk.wait_for_selector("[data-testid=register-form]")

    # 2. the form is prefilled from the scan, shown beside it; each field says where it came from
    expect(clerk.get_by_test_id("scan-viewer")).to_be_visible()
    field = lambda name: clerk.locator(f"[name={name}]")  # noqa: E731
    expect(field("code_number")).to_have_value("1250")
    expect(field("code_notation")).to_have_value("UBND-KT")
    expect(field("issued_date")).to_have_value("18/11/2026")
    expect(field("issuer_name")).to_have_value("Ủy ban nhân dân huyện Nghi Lộc")
    expect(field("signer_name")).to_have_value("Nguyễn Văn Hải")  # under the red seal and the blue signature
    expect(field("signer_position")).to_have_value("PHÓ CHỦ TỊCH")
    expect(clerk.get_by_test_id("prefill-code_number")).to_have_attribute("data-level", "ok")
    subject = field("subject")
    assert "thẩm định thiết kế cơ sở" in subject.input_value()

    # 3. the clerk corrects one field (the subject, checked against the scan) and registers
    subject.fill("V/v đề nghị thẩm định thiết kế cơ sở dự án đường giao thông xã Nghi Phong")
    field("leader").select_option(label=org.sxd_leader.full_name)
    _submit(clerk, "register-submit")
    expect(clerk.locator(".alert-success")).to_contain_text("Đã vào sổ: số đến 1")
    doc = IncomingDocument.objects.get()
    assert doc.subject.endswith("xã Nghi Phong") and doc.code_number == "1250"
    assert doc.attachments.count() == 1
    assert doc.status == DocStatus.SUBMITTED and doc.leader == org.sxd_leader  # “Trình lãnh đạo”: submitted at once
    # the searchable PDF/A copy, built after the text (in the background), is offered on the document
    expect(clerk.get_by_test_id("digitized-copy")).to_contain_text("PDF/A")

    # the director sends it to a staff member (services: the direction screens have their own e2e)
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao phòng KHTC chủ trì, tham mưu thẩm định.",
        targets=[incoming.Target(role="lead", user=org.sxd_staff)],
    )

    # 4. the staff member finds it by typing the subject without diacritics
    staff = _log_in(new_page, org.sxd_staff)
    box = staff.get_by_test_id("nav-search").locator("input[name=q]")
    box.fill("de nghi tham dinh thiet ke co so nghi phong")
    with staff.expect_navigation():
        box.press("Enter")
    hits = staff.get_by_test_id("search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("1250/UBND-KT")
    # and by words only the scan holds (OCR text, never typed by the clerk)
    staff.goto("/tim-kiem/?q=lien+thon+tong+muc+dau+tu")
    expect(staff.get_by_test_id("search-hit")).to_have_count(1)
