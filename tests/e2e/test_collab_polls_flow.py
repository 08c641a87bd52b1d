"""Opinion polling on a draft in a real browser: the agency leader assigns the KHTC office's leader to poll about
a draft; the assignee opens a poll of the office on the draft's version; two members answer (one on a phone-sized
screen), one does not; the poller sees the non-responder per person and per unit, and exports the summary."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import make_person
from tests.e2e.test_incoming_flow import _log_in, _submit
from tests.signing_support import nd30
from vpdt.catalog.models import DocumentType
from vpdt.collab.polls.models import Answer, Poll, PollGrant
from vpdt.directory.models import Role
from vpdt.outgoing import services as out

pytestmark = pytest.mark.e2e

SUBJECT = "Dự thảo Kế hoạch tài chính năm 2027"
TITLE = "Xin ý kiến dự thảo Kế hoạch tài chính 2027"


def test_a_poll_on_a_draft_with_one_non_responder_and_its_summary(org, transactional_db, live_server, new_page):
    draft = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer=org.sxd_leader,
        subject=SUBJECT,
        text="Kế hoạch thu, chi ngân sách năm 2027.",
        files=[SimpleUploadedFile("ke-hoach.pdf", nd30(subject=SUBJECT))],
    )
    silent = make_person(org.sxd, "Vũ Thị Mai", Role.STAFF, org.sxd_khtc)
    answering = make_person(org.sxd, "Bùi Quang Huy", Role.STAFF, org.sxd_khtc)

    leader = _log_in(new_page, org.sxd_leader)
    leader.goto("/lay-y-kien/giao-quyen/")
    leader.locator("select[name=grantee]").select_option(label="Phạm Văn Dũng")
    leader.locator("select[name=document]").select_option(label=SUBJECT)
    _submit(leader, "grant")
    expect(leader.get_by_test_id("grant-row")).to_contain_text("Phạm Văn Dũng")
    assert PollGrant.objects.get(grantee=org.sxd_unit_leader).document_id == draft.pk

    poller = _log_in(new_page, org.sxd_unit_leader)
    poller.goto("/lay-y-kien/")
    poller.get_by_test_id("poll-new").click()
    poller.get_by_label("Tiêu đề").fill(TITLE)
    poller.get_by_label("Nội dung xin ý kiến").fill("Đề nghị góp ý phần chi đầu tư phát triển.")
    poller.locator("select[name=version]").select_option(label=f"{SUBJECT} — phiên bản 1")
    deadline = timezone.localdate() + dt.timedelta(days=5)
    poller.get_by_label("Hạn trả lời").fill(deadline.strftime("%d/%m/%Y"))
    poller.get_by_label("Lấy ý kiến toàn cơ quan").uncheck()
    poller.locator("#id_units-ts-control").fill("kế hoạch")
    # The list filters what was typed a moment later (Tom Select's refresh throttle), and opens again when it does:
    # choose once it has filtered, so that it stays closed once closed.
    expect(poller.locator(".ts-dropdown .option:not(:has-text('Kế hoạch'))")).to_have_count(0)
    poller.locator(".ts-dropdown .option", has_text="Phòng Kế hoạch - Tài chính").click()
    expect(poller.locator(".ts-control .item", has_text="Phòng Kế hoạch - Tài chính")).to_be_visible()
    poller.keyboard.press("Escape")
    poller.get_by_label("Tiêu đề").click()  # away from the list, which closes
    expect(poller.locator(".ts-dropdown").filter(visible=True)).to_have_count(0)
    _submit(poller, "save")
    expect(poller.get_by_test_id("poll-title")).to_have_text(TITLE)
    expect(poller.get_by_test_id("deadline")).to_have_text(deadline.strftime("%d/%m/%Y"))
    poll = Poll.objects.get(title=TITLE)

    staff = _log_in(new_page, org.sxd_staff)
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.goto("/lay-y-kien/")
    staff.get_by_test_id("poll-row").filter(has_text=TITLE).click()
    expect(staff.get_by_test_id("draft-file")).to_have_text("ke-hoach.pdf")
    staff.get_by_label("Đồng ý", exact=True).check()
    staff.get_by_label("Nội dung").fill("Nhất trí, đề nghị bổ sung dự phòng.")
    _submit(staff, "answer")
    expect(staff.get_by_test_id("my-answer")).to_contain_text("Đồng ý")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    expect(staff.get_by_test_id("results")).to_have_count(0)

    huy = _log_in(new_page, answering)
    huy.goto(f"/lay-y-kien/{poll.pk}/")
    huy.get_by_label("Không đồng ý").check()
    huy.get_by_label("Nội dung").fill("Chi đầu tư vượt khả năng cân đối.")
    _submit(huy, "answer")
    expect(huy.get_by_test_id("my-answer")).to_contain_text("Không đồng ý")
    assert Answer.objects.filter(poll=poll).count() == 2

    poller.reload()
    expect(poller.get_by_test_id("non-responder")).to_have_text([silent.full_name])
    expect(poller.get_by_test_id("unit-row")).to_contain_text("2/3")
    expect(poller.get_by_test_id("count-agree")).to_contain_text("1")
    expect(poller.get_by_test_id("count-disagree")).to_contain_text("1")
    with poller.expect_download() as download:
        poller.get_by_test_id("export-pdf").click()
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert "TỔNG HỢP Ý KIẾN" in text and "Vũ Thị Mai" in text
    with poller.expect_download() as download:
        poller.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == f"tong-hop-y-kien-{poll.pk}.xlsx"
