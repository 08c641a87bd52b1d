"""Outgoing document in a real browser: a staff member drafts a reply to an incoming document for another agency,
the unit leader returns it, the staff member revises and resubmits, the unit leader approves and the director
approves WITH her digital signature (typing the passphrase), the clerk issues it WITH the agency seal, the recipient
agency's clerk sees the signatures verified and registers it from the queue of electronic arrivals, and the sender
sees the delivery status; the director recalls it, the recipient's clerk refuses the recall with a reason, and the
sender sees that too."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_person
from tests.signing_support import PASSPHRASE, equip, nd30
from vpdt.catalog.models import DocumentType
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.outgoing.models import DeliveryStatus, FileKind, OutgoingDocument, OutStatus
from vpdt.signing import pades
from vpdt.signing import services as signing
from vpdt.signing.models import Verdict
from vpdt.storage.services import read_stored

pytestmark = pytest.mark.e2e

REPLY_TEXT = (
    "Kính gửi: Sở Thông tin và Truyền thông tỉnh Nghệ An\n"
    "Sở Xây dựng báo cáo hiện trạng hạ tầng công nghệ thông tin như sau:\n"
    "1. Máy chủ: 04 máy chủ đặt tại phòng máy của Sở."
)


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


def _pdf(name: str, body_line: str) -> dict:
    """The draft as the drafter exported it from the word processor: an ND30 layout with blank number and date."""
    return {
        "name": name,
        "mimeType": "application/pdf",
        "buffer": nd30(
            doc_type="CÔNG VĂN",
            notation="SXD-KHTC",
            authority="",
            position="GIÁM ĐỐC",
            subject="V/v báo cáo hiện trạng hạ tầng công nghệ thông tin",
            body=["Kính gửi: Sở Thông tin và Truyền thông tỉnh Nghệ An", body_line],
        ),
    }


def _verify(data: bytes):
    """Verify in another thread: pyHanko runs its own asyncio loop, and Playwright keeps one running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(signing.verify_bytes, data).result()


def _incoming_for_staff(org) -> IncomingDocument:
    """An incoming request from STTTT, directed by the director to Hoàng Thị Lan (set up with services)."""
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name=org.stttt.name,
        issuer_code=org.stttt.code,
        code_number="812",
        code_notation="STTTT-CNTT",
        issued_date=timezone.localdate() - dt.timedelta(days=2),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="đề nghị báo cáo hiện trạng hạ tầng công nghệ thông tin",
        needs_reply=True,
        reply_due=timezone.localdate() + dt.timedelta(days=10),
    ).document
    incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
    doc.refresh_from_db()
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Chị Lan dự thảo văn bản trả lời.",
        targets=[incoming.Target("lead", user=org.sxd_staff)],
    )
    return doc


def test_reply_drafted_reviewed_issued_and_registered_by_recipient(org, transactional_db, live_server, new_page):
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    equip(org)  # trust root, the director's and the agency's certificates, signature image and seal
    request = _incoming_for_staff(org)

    # 1. The staff member drafts a reply from the incoming document, to STTTT as an agency of the deployment.
    staff = _log_in(new_page, org.sxd_staff)
    staff.goto(f"/van-ban-den/{request.pk}/")
    _submit(staff, "draft-reply")
    expect(staff.get_by_test_id("reply-to")).to_contain_text("812/STTTT-CNTT")
    expect(staff.locator("[name=subject]")).to_have_value(
        "V/v trả lời Văn bản số 812/STTTT-CNTT của Sở Thông tin và Truyền thông tỉnh Nghệ An về đề nghị báo cáo "
        "hiện trạng hạ tầng công nghệ thông tin"
    )
    staff.locator("[name=subject]").fill("V/v báo cáo hiện trạng hạ tầng công nghệ thông tin của Sở Xây dựng")
    staff.locator("[name=doc_type]").select_option(label="Công văn")
    staff.locator("[name=signer]").select_option(label=org.sxd_leader.full_name)
    staff.locator("[name=agencies]").select_option(label=org.stttt.name)
    staff.locator("[name=to_places]").fill("- Như trên;\n- Lưu: VT, KHTC.")
    staff.locator("[name=text]").fill(REPLY_TEXT)
    staff.locator("[name=files]").set_input_files(_pdf("bao-cao-ha-tang.pdf", "1. Máy chủ: 04 máy chủ."))
    _submit(staff, "save-draft")
    expect(staff.get_by_test_id("reply-to-link")).to_contain_text("812/STTTT-CNTT")
    doc = OutgoingDocument.objects.get()
    assert doc.reply_to == request
    _submit(staff, "submit")
    expect(staff.get_by_test_id("status")).to_have_text(OutStatus.IN_REVIEW.label)

    # 2. The head of KH-TC returns it with a comment.
    unit_leader = _log_in(new_page, org.sxd_unit_leader)
    unit_leader.goto("/van-ban-di/cho-duyet/")
    with unit_leader.expect_navigation():
        unit_leader.get_by_role("link", name="báo cáo hiện trạng hạ tầng").click()
    unit_leader.locator("form[action$='/tra-lai/'] [name=comment]").fill("Bổ sung số liệu đường truyền, phần mềm.")
    _submit(unit_leader, "return")
    expect(unit_leader.get_by_test_id("status")).to_have_text(OutStatus.RETURNED.label)

    # 3. The staff member sees the comment, writes a new version and submits again.
    staff.goto(f"/van-ban-di/{doc.pk}/")
    expect(staff.get_by_test_id("step-comment")).to_contain_text("Bổ sung số liệu đường truyền")
    _submit(staff, "revise")
    expect(staff.locator("[name=text]")).to_have_value(REPLY_TEXT)
    staff.locator("[name=text]").fill(REPLY_TEXT + "\n2. Đường truyền: 100 Mbps, mạng truyền số liệu chuyên dùng.")
    staff.locator("[name=note]").fill("Bổ sung số liệu đường truyền")
    staff.locator("[name=files]").set_input_files(_pdf("bao-cao-ha-tang-v2.pdf", "2. Đường truyền: 100 Mbps."))
    _submit(staff, "revise-save")
    expect(staff.get_by_test_id("version-2")).to_contain_text("Bổ sung số liệu đường truyền")
    _submit(staff, "submit")
    expect(staff.get_by_test_id("status")).to_have_text(OutStatus.IN_REVIEW.label)

    # 4. The unit leader checks the differences and agrees; the director approves for signature.
    unit_leader.goto(f"/van-ban-di/{doc.pk}/so-sanh/")
    expect(unit_leader.locator("[data-kind=added]")).to_contain_text("Đường truyền: 100 Mbps")
    unit_leader.goto(f"/van-ban-di/{doc.pk}/")
    unit_leader.locator("form[action$='/dong-y/'] [name=comment]").fill("Đồng ý nội dung.")
    _submit(unit_leader, "approve")
    leader = _log_in(new_page, org.sxd_leader)
    leader.goto(f"/van-ban-di/{doc.pk}/")
    leader.locator("form[action$='/dong-y/'] [name=comment]").fill("Đồng ý ký ban hành.")
    expect(leader.get_by_test_id("sign-file")).to_have_text("bao-cao-ha-tang-v2.pdf")
    leader.get_by_label("Ký số văn bản khi duyệt").check()
    leader.get_by_label("Mật khẩu chứng thư số").fill(PASSPHRASE)
    _submit(leader, "approve")
    expect(leader.get_by_test_id("status")).to_have_text(OutStatus.APPROVED.label)
    expect(leader.get_by_test_id("signed-badge").first).to_have_text("Đã ký số")
    signed = doc.files.get(kind=FileKind.SIGNED)
    report = _verify(read_stored(signed.file))
    assert report.verdict == Verdict.VALID and [s.signer for s in report.signatures] == [org.sxd_leader.full_name]

    # 5. The clerk numbers, seals and issues it (the clerk's screen).
    clerk = _log_in(new_page, org.sxd_clerk)
    clerk.goto("/van-ban-di/cho-phat-hanh/")
    row = clerk.get_by_test_id("to-issue-row")
    row.get_by_label("Ký số cơ quan và đóng dấu").check()
    row.get_by_test_id("seal-passphrase").fill(PASSPHRASE)
    with clerk.expect_navigation():
        row.get_by_role("button", name="Cấp số, phát hành").click()
    expect(clerk.locator(".alert-success")).to_contain_text("đóng dấu")
    doc.refresh_from_db()
    assert doc.status == OutStatus.ISSUED and doc.number_symbol
    sealed = read_stored(doc.files.get(kind=FileKind.FINAL).file)
    assert sealed.startswith(read_stored(signed.file))
    report = _verify(sealed)
    assert report.verdict == Verdict.VALID and {s.field for s in report.signatures} == {
        pades.SIGNER_FIELD,
        pades.AGENCY_FIELD,
    }

    # 6. STTTT's clerk registers it with one action.
    recipient_clerk = _log_in(new_page, stttt_clerk)
    recipient_clerk.goto("/lien-thong/den/")
    row = recipient_clerk.get_by_test_id("arrival-row")
    expect(row.get_by_test_id("arrival-route")).to_have_text("Trong hệ thống")
    expect(row).to_contain_text(doc.number_symbol)
    with recipient_clerk.expect_navigation():
        row.get_by_role("button", name="Tiếp nhận, vào sổ").click()
    assert doc.recipients.get(agency=org.stttt).status == DeliveryStatus.REGISTERED
    # The received document shows the signatures checked, in plain Vietnamese.
    expect(recipient_clerk.get_by_text(f"Hợp lệ, ký bởi {org.sxd_leader.full_name}").first).to_be_visible()

    # 7. The drafter sees the number and the recipient's status; an outsider cannot open the document.
    staff.goto(f"/van-ban-di/{doc.pk}/")
    expect(staff.get_by_test_id("number-symbol")).to_have_text(doc.number_symbol)
    expect(staff.get_by_test_id("delivery-status")).to_have_text("Đã tiếp nhận (vào sổ)")
    outsider = _log_in(new_page, org.ht_staff)
    assert outsider.goto(f"/van-ban-di/{doc.pk}/").status == 404

    # 8. The director recalls it; STTTT's clerk answers from the recalls queue: not agreed, with a reason.
    leader.goto(f"/van-ban-di/{doc.pk}/")
    leader.get_by_label("Lý do thu hồi").fill("Sai số liệu phụ lục.")
    _submit(leader, "recall")
    recipient_clerk.goto("/lien-thong/thu-hoi/")
    row = recipient_clerk.get_by_test_id("recall-row")
    expect(row).to_contain_text("Sai số liệu phụ lục.")
    row.get_by_label("Lý do không đồng ý").fill("Văn bản đã được triển khai thực hiện.")
    with recipient_clerk.expect_navigation():
        row.get_by_test_id("recall-refuse").click()
    assert doc.recipients.get(agency=org.stttt).status == DeliveryStatus.RECALL_REFUSED
    staff.goto(f"/van-ban-di/{doc.pk}/")
    expect(staff.get_by_test_id("delivery-status")).to_have_text("Từ chối thu hồi")
    expect(staff.get_by_text("Văn bản đã được triển khai thực hiện.")).to_be_visible()
