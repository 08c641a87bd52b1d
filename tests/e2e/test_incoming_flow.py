"""Incoming document from the mailbag to completion, in a real browser, as four people:
clerk registers a scan, leader directs, unit leader assigns a staff member, staff completes."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from vpdt.incoming.models import DocStatus, IncomingDocument

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBJECT = "V/v triển khai kế hoạch cải cách hành chính năm 2027"


def _submit(page, test_id):
    with page.expect_navigation():
        page.get_by_test_id(test_id).click()


def _log_in(new_page, user):
    page = new_page()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    _submit(page, "login-submit")
    return page


def test_four_people_carry_a_document_to_completion(org, transactional_db, live_server, new_page, tmp_path):
    # 1. The clerk registers the scanned paper document and submits it to the director.
    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/van-ban-den/vao-so/")
    clerk.locator("[name=issuer_name]").fill("Ủy ban nhân dân tỉnh Nghệ An")
    clerk.locator("[name=code_number]").fill("1234")
    clerk.locator("[name=code_notation]").fill("UBND-KT")
    clerk.locator("[name=issued_date]").fill("20/11/2026")
    clerk.locator("[name=doc_type]").select_option(label="Công văn")
    clerk.locator("[name=subject]").fill(SUBJECT)
    clerk.locator("[name=urgency]").select_option(label="Khẩn")
    clerk.locator("[name=leader]").select_option(label=org.sxd_leader.full_name)
    scan = tmp_path / "cong-van-1234-UBND-KT.pdf"
    scan.write_bytes(PDF)
    clerk.locator("input[type=file]").set_input_files(str(scan))
    _submit(clerk, "register-submit")
    expect(clerk.get_by_test_id("arrival-number")).to_have_text("1")
    expect(clerk.get_by_test_id("attachment")).to_contain_text("cong-van-1234-UBND-KT.pdf")
    doc = IncomingDocument.objects.get()
    assert doc.status == DocStatus.SUBMITTED  # urgent: passed to the leader at once

    # 2. The director sees it on the home page and directs: KH-TC leads, Văn phòng cooperates.
    leader = _log_in(new_page, org.sxd_leader)
    expect(leader.get_by_test_id("to-direct")).to_contain_text(SUBJECT[:30])
    leader.goto(f"/van-ban-den/{doc.pk}/")
    form = leader.get_by_test_id("direction-form")
    form.locator("[name=direction]").fill(
        "Giao Phòng Kế hoạch - Tài chính chủ trì, Văn phòng phối hợp; báo cáo kết quả trước hạn."
    )
    form.locator("[name=lead]").select_option(label=org.sxd_khtc.name)
    form.locator("[name=cooperate]").select_option(label=org.sxd_vp.name)
    _submit(leader, "direct-submit")
    expect(leader.get_by_test_id("direction")).to_contain_text("chủ trì")
    doc.refresh_from_db()
    assert doc.status == DocStatus.DIRECTED

    # 3. The head of KH-TC assigns Hoàng Thị Lan.
    unit_leader = _log_in(new_page, org.sxd_unit_leader)
    unit_leader.goto(f"/van-ban-den/{doc.pk}/")
    lead = doc.assignments.get(role="lead", unit=org.sxd_khtc)
    card = unit_leader.get_by_test_id(f"work-{lead.pk}")
    card.locator("select[name$=user]").select_option(label=org.sxd_staff.full_name)
    card.locator("[name$=opinion]").fill("Đề nghị chị Lan tham mưu văn bản trả lời.")
    with unit_leader.expect_navigation():
        card.get_by_test_id("distribute").click()
    expect(unit_leader.get_by_test_id("assignments")).to_contain_text(org.sxd_staff.full_name)

    # 4. The staff member finds it in "Việc của tôi", reports progress, then completes it.
    staff = _log_in(new_page, org.sxd_staff)
    staff.goto("/van-ban-den/viec-cua-toi/")
    with staff.expect_navigation():
        staff.get_by_role("link", name="triển khai kế hoạch cải cách").first.click()
    child = doc.assignments.get(user=org.sxd_staff)
    card = staff.get_by_test_id(f"work-{child.pk}")
    card.locator("textarea[name=text]").fill("Đã làm việc với các phòng, đang tổng hợp số liệu.")
    with staff.expect_navigation():
        card.get_by_test_id("add-note").click()
    card = staff.get_by_test_id(f"work-{child.pk}")
    card.locator("textarea[name=result]").fill("Đã tham mưu Công văn số 456/SXD-KHTC trả lời UBND tỉnh.")
    with staff.expect_navigation():
        card.get_by_test_id("complete").click()

    # The unit leader closes the unit's lead assignment; the document is completed.
    unit_leader.goto(f"/van-ban-den/{doc.pk}/")
    card = unit_leader.get_by_test_id(f"work-{lead.pk}")
    card.locator("textarea[name=result]").fill("Phòng đã hoàn thành, văn bản trả lời đã phát hành.")
    with unit_leader.expect_navigation():
        card.get_by_test_id("complete").click()
    doc.refresh_from_db()
    assert doc.status == DocStatus.COMPLETED
    expect(unit_leader.get_by_test_id("status")).to_have_text(DocStatus.COMPLETED.label)
    # The trail shows every step, and another agency's staff cannot open the document.
    trail = unit_leader.get_by_test_id("trail")
    for text in ("chủ trì", org.sxd_staff.full_name):
        expect(trail).to_contain_text(text)
    outsider = _log_in(new_page, org.stttt_staff)
    response = outsider.goto(f"/van-ban-den/{doc.pk}/")
    assert response.status == 404


def test_trinh_lanh_dao_on_register_and_on_receive_submits_with_the_first_click(
    org, transactional_db, live_server, new_page
):
    """Choosing “Trình lãnh đạo” and pressing “Vào sổ” (or “Tiếp nhận, vào sổ”) once passes the document to the
    leader: a normal (not urgent) document waited for the next batch and the clerk had to press “Trình” again."""
    from tests.conftest import make_person
    from tests.test_outgoing_api import approve_all, draft
    from vpdt.directory.models import Role
    from vpdt.outgoing import services as out
    from vpdt.outgoing.models import RecipientKind

    # 1. A paper document, registered and submitted in one go.
    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/van-ban-den/vao-so/")
    clerk.locator("[name=issuer_name]").fill("Sở Tài chính tỉnh Nghệ An")
    clerk.locator("[name=code_number]").fill("715")
    clerk.locator("[name=code_notation]").fill("STC-QLNS")
    clerk.locator("[name=issued_date]").fill("20/11/2026")
    clerk.locator("[name=doc_type]").select_option(label="Công văn")
    clerk.locator("[name=subject]").fill("V/v thẩm định dự toán kinh phí giải phóng mặt bằng")
    expect(clerk.locator("[name=urgency]")).to_have_value("0")  # Thường: not urgent
    clerk.locator("[name=leader]").select_option(label=org.sxd_leader.full_name)
    _submit(clerk, "register-submit")
    expect(clerk.get_by_test_id("status")).to_have_text(DocStatus.SUBMITTED.label)
    expect(clerk.get_by_test_id("submit-leader")).to_have_count(0)
    expect(clerk.get_by_test_id("trail")).to_contain_text(f"lên {org.sxd_leader.full_name}")
    assert IncomingDocument.objects.get(code_number="715").status == DocStatus.SUBMITTED

    # 2. A document delivered by another agency of the deployment, received and submitted in one go.
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    out.issue(
        org.sxd_clerk,
        approve_all(org, draft(org, recipients=[out.RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)])),
    )
    receiver = _log_in(new_page, stttt_clerk)
    receiver.goto("/lien-thong/den/")
    card = receiver.get_by_test_id("arrival-row")
    card.locator("select[name=leader]").select_option(label=stttt_leader.full_name)
    _submit(receiver, "arrival-register")
    expect(receiver.get_by_test_id("status")).to_have_text(DocStatus.SUBMITTED.label)
    assert IncomingDocument.objects.get(agency=org.stttt).leader == stttt_leader
