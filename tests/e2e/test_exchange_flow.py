"""Exchange in a real browser: a document from another province's system arrives through the hub; the department's
clerk finds it from the menu, reads its file and the package check, and registers it with one click; the answer
"accepted" waits in the hub for the sending system."""

import io

import pytest
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.test_edxml import rich_package
from vpdt.exchange import auth, inbox
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import Attachment, Organ
from vpdt.exchange.models import Direction, ExternalAgency, Message, MessageState, Partner, PartnerRole
from vpdt.incoming.models import IncomingDocument

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_document_from_another_system_is_registered_by_the_clerk(org, transactional_db, live_server, new_page):
    partner = Partner.objects.create(
        code="qlvb-quang-tri", name="QLVB tỉnh Quảng Trị", role=PartnerRole.CONNECTED, secret=auth.seal_secret("k")
    )
    ExternalAgency.objects.create(organ_id="000.00.00.H45", name="UBND tỉnh Quảng Trị", partner=partner)
    package = rich_package()
    package.header.sender = Organ("000.00.00.H45", organ_name="Ủy ban nhân dân tỉnh Quảng Trị")
    package.header.to = [Organ(org.sxd.code, organ_name=org.sxd.name)]
    package.header.document_id = "000.00.00.H45,2026/12/07,4410/UBND-KT"
    package.header.code_number, package.header.code_notation = "4410", "UBND-KT"
    package.attachments = [Attachment("cid:1", "4410-UBND-KT.pdf", "application/pdf", content=io.BytesIO(PDF))]
    inbox.receive(writer.package_bytes(package), partner=partner)

    clerk = _log_in(new_page, org.sxd_clerk)
    arrivals = clerk.get_by_test_id("menu").get_by_role("link", name="Văn bản điện tử chờ tiếp nhận")  # Văn bản đến
    expect(arrivals.get_by_test_id("badge")).to_have_text("1")
    with clerk.expect_navigation():
        arrivals.click()
    card = clerk.get_by_test_id("arrival-row")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("4410/UBND-KT")
    expect(card).to_contain_text("Ủy ban nhân dân tỉnh Quảng Trị")
    expect(card.get_by_test_id("package-signature")).to_contain_text("không có chữ ký XML")
    with clerk.expect_download() as download:
        card.get_by_test_id("arrival-file").click()
    assert download.value.suggested_filename == "4410-UBND-KT.pdf"
    card.locator("select[name=leader]").select_option(str(org.sxd_leader.pk))
    _submit(clerk, "arrival-register")
    document = IncomingDocument.objects.get()
    assert clerk.url.endswith(f"/van-ban-den/{document.pk}/")
    expect(clerk.locator("body")).to_contain_text("V/v triển khai kế hoạch đầu tư công trung hạn")
    answer = Message.objects.get(direction=Direction.OUT, status_code="03")
    assert answer.state == MessageState.WAITING and answer.partner == partner
