"""Forms and buttons as people met them: a role an administrator may not give comes back as a form error with what
was typed (not a 403 page), one reply button on an incoming document, the result told once on the assignment card,
and no link a reader cannot open (“Trả lời văn bản đến” to a 404)."""

import lxml.html

from tests.conftest import make_person
from tests.test_outgoing_api import approve_all, draft
from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutStatus, RecipientKind


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_role_the_administrator_may_not_give_keeps_the_form_and_what_was_typed(org, login):
    admin = login(org.sxd_admin)
    form = _page(admin.get("/can-bo/tao/"))
    assert 'value="province_admin"' not in form and 'value="admin"' in form  # not even offered
    typed = {
        "full_name": "Nguyễn Thị Minh Khai",
        "agency": org.sxd.pk,
        "unit": org.sxd_vp.pk,
        "title": "Chuyên viên phụ trách CNTT",
        "email": "khaintm@sxd.nghean.gov.vn",
        "phone": "0912 345 678",
        "role": "province_admin",  # sent all the same (an old page, a crafted request)
        "username": "khaintm",
    }
    response = admin.post("/can-bo/tao/", typed)
    html = _page(response)
    assert "Bạn không được giao vai trò này" in html
    for value in ("Nguyễn Thị Minh Khai", "Chuyên viên phụ trách CNTT", "khaintm@sxd.nghean.gov.vn", "0912 345 678"):
        assert f'value="{value}"' in html, value
    assert not User.objects.filter(username="khaintm").exists()
    # The same on the position form; the province's administrator may give the role.
    html = _page(admin.post(f"/danh-ba/can-bo/{org.sxd_staff.pk}/chuc-vu/them/", {**typed, "is_primary": "on"}))
    assert "Bạn không được giao vai trò này" in html and 'value="Chuyên viên phụ trách CNTT"' in html
    assert 'value="province_admin"' in _page(login(org.province_admin).get("/can-bo/tao/"))


def test_an_administrator_refused_by_the_service_gets_the_form_back(org, login, monkeypatch):
    """Whatever the service refuses (here: the agency, changed under the form's feet) comes back on the form."""
    from django.core.exceptions import PermissionDenied

    from vpdt.accounts import services

    def refuse(*args, **kwargs):
        raise PermissionDenied("Bạn không quản trị cơ quan này.")

    monkeypatch.setattr(services, "create_account", refuse)
    html = _page(
        login(org.sxd_admin).post(
            "/can-bo/tao/", {"full_name": "Trần Văn Bình", "agency": org.sxd.pk, "role": Role.STAFF}
        )
    )
    assert "Bạn không quản trị cơ quan này." in html and 'value="Trần Văn Bình"' in html


def _directed_needing_reply(org):
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Sở Tài chính tỉnh Nghệ An",
        code_number="715",
        code_notation="STC-QLNS",
        issued_date=org.today,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v thẩm định dự toán kinh phí giải phóng mặt bằng",
        urgency=Urgency.URGENT,
        needs_reply=True,
        reply_due=org.today,
    ).document
    incoming.direct(
        org.sxd_leader, doc, direction="Giao Phòng KH-TC chủ trì.", targets=[incoming.Target("lead", unit=org.sxd_khtc)]
    )
    return doc


def test_one_reply_button_and_the_result_told_once(org, login):
    from django.utils import timezone

    org.today = timezone.localdate()
    doc = _directed_needing_reply(org)
    lead = doc.assignments.get()
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    incoming.add_note(org.sxd_staff, child, "progress", "Đã làm việc với Sở Tài chính.")
    incoming.complete(org.sxd_staff, child, "Đã dự thảo Công văn trả lời Sở Tài chính.")
    html = _page(login(org.sxd_staff).get(f"/van-ban-den/{doc.pk}/"))
    tree = lxml.html.fromstring(html)
    replies = [" ".join(e.text_content().split()) for e in tree.xpath("//a|//button") if "trả lời" in e.text_content()]
    assert replies == ["Soạn văn bản trả lời"], replies
    assignments = tree.xpath('//*[@data-testid="assignments"]')[0].text_content()
    assert assignments.count("Đã dự thảo Công văn trả lời Sở Tài chính.") == 1
    assert assignments.count("Kết quả") == 1


def test_no_link_to_an_incoming_document_the_reader_cannot_open(org, login):
    """The head of the unit that drafts a reply reviews it, but does not see the incoming document it answers
    (assigned to one of the unit's staff): the page names no link to it."""
    stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    stttt_head = make_person(org.stttt, "Trần Đình Phong", Role.UNIT_LEADER, org.stttt_cntt)
    sent = out.issue(
        org.sxd_clerk,
        approve_all(org, draft(org, recipients=[out.RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)])),
    )
    received = internal.receive(stttt_clerk, sent.recipients.get(agency=org.stttt), leader=stttt_leader).document
    incoming.submit(stttt_clerk, received)
    incoming.direct(
        stttt_leader,
        received,
        direction="Đ/c Khoa tham mưu trả lời.",
        targets=[incoming.Target("lead", user=org.stttt_staff)],
    )
    reply = out.submit(
        org.stttt_staff,
        out.create_draft(
            org.stttt_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="V/v phối hợp báo cáo tình hình thực hiện kế hoạch đầu tư công",
            signer=stttt_leader,
            recipients=[out.RecipientSpec(RecipientKind.AGENCY, agency=org.sxd)],
            reply_to=received,
        ),
    )
    assert reply.status == OutStatus.IN_REVIEW and reply.current_step.reviewer == stttt_head
    head = login(stttt_head)
    assert head.get(f"/van-ban-den/{received.pk}/").status_code == 404
    html = _page(head.get(f"/van-ban-di/{reply.pk}/"))
    assert f'href="/van-ban-den/{received.pk}/"' not in html and "reply-to-link" not in html
    assert f"{received.number_symbol} — {received.subject}" in html  # named, as plain text
    # Who may open it still finds the link.
    html = _page(login(org.stttt_staff).get(f"/van-ban-di/{reply.pk}/"))
    assert f'href="/van-ban-den/{received.pk}/" data-testid="reply-to-link"' in html
