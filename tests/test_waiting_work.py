"""What waits for a person is where they look for it: the director finds the document waiting for their bút phê
under "Việc của tôi", the head of unit finds on the home page the document their unit waits to assign, and a
returned draft is the drafter's to revise, never under "Dự thảo chờ tôi duyệt"."""

import datetime as dt

import lxml.html
from django.utils import timezone

from vpdt.catalog.models import DocumentType, Urgency
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out


def _submitted(org, number="1021", subject="V/v triển khai kế hoạch cải cách hành chính năm 2027"):
    return incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number=number,
        code_notation="UBND-KT",
        issued_date=timezone.localdate() - dt.timedelta(days=2),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        urgency=Urgency.URGENT,  # submitted to the director at once
    ).document


def _card(page: str, testid: str) -> str:
    found = lxml.html.fromstring(page).xpath(f'//*[@data-testid="{testid}"]')
    return found[0].text_content() if found else ""


def test_the_director_finds_the_document_waiting_for_direction_under_my_work(org, client):
    doc = _submitted(org)
    client.force_login(org.sxd_leader)
    page = client.get("/van-ban-den/viec-cua-toi/").content.decode()
    assert "triển khai kế hoạch cải cách hành chính" in page
    assert "Không có việc nào" not in page
    tab = client.get("/van-ban-den/viec-cua-toi/?hop=to_direct").content.decode()
    assert f"/van-ban-den/{doc.pk}/" in tab and "Chờ lãnh đạo cho ý kiến" in tab
    client.force_login(org.sxd_staff)  # not a leader: no such tab, and the default box is their own work
    staff_page = client.get("/van-ban-den/viec-cua-toi/").content.decode()
    assert "hop=to_direct" not in staff_page and "cải cách hành chính" not in staff_page


def test_the_head_of_unit_finds_the_units_document_on_the_home_page(org, client):
    doc = incoming.direct(
        org.sxd_leader,
        _submitted(org),
        direction="Giao Phòng KH-TC chủ trì tham mưu.",
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    client.force_login(org.sxd_unit_leader)
    home = client.get("/").content.decode()
    card = _card(home, "unit-queue")
    assert "cải cách hành chính" in card and "Không có việc" not in card
    assert f"/van-ban-den/{doc.pk}/" in home and "Không có việc đang chờ" not in home
    lead = doc.assignments.get(role="lead")
    incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, opinion="Đồng chí Lan tham mưu.")
    assert "cải cách hành chính" not in _card(client.get("/").content.decode(), "unit-queue")  # assigned: not waiting
    client.force_login(org.sxd_staff)
    assert "cải cách hành chính" in _card(client.get("/").content.decode(), "my-work")


def test_a_returned_draft_is_the_drafters_not_waiting_for_their_review(org, client):
    draft = out.submit(
        org.sxd_staff,
        out.create_draft(
            org.sxd_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            signer=org.sxd_leader,
            subject="V/v đề nghị bố trí vốn duy tu đường giao thông năm 2027",
        ),
    )
    out.return_draft(org.sxd_unit_leader, draft, comment="Bổ sung số liệu năm 2026.")
    client.force_login(org.sxd_staff)
    home = client.get("/").content.decode()
    assert "bố trí vốn duy tu" not in _card(home, "to-review")
    returned = _card(home, "returned-drafts")
    assert "bố trí vốn duy tu" in returned
    client.force_login(org.sxd_unit_leader)
    assert "bố trí vốn duy tu" not in client.get("/").content.decode()
