"""Incoming-document screens: registration form, register list, detail and the leader's direction."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_person, unbounded_counts
from tests.test_incoming_services import PDF, fields
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Role
from vpdt.incoming import services
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument, Register

ISSUED = timezone.localdate() - dt.timedelta(days=5)


def form_data(org, **over):
    data = {
        "issuer_name": "Ủy ban nhân dân tỉnh Nghệ An",
        "issuer_code": "000.00.00.H41",
        "code_number": "1234",
        "code_notation": "UBND-KT",
        "issued_date": ISSUED.strftime("%d/%m/%Y"),
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "subject": "V/v triển khai kế hoạch cải cách hành chính năm 2027",
        "page_amount": "3",
        "signer_name": "Nguyễn Đức Trung",
        "signer_position": "Chủ tịch",
        "urgency": "0",
        "secrecy": "",
        "restricted_category": "",
        "leader": org.sxd_leader.pk,
    }
    data.update(over)
    if "register" not in data:
        data["register"] = services.default_register(org.sxd).pk
    return data


def pdf(name="cong-van.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def page(response):
    return response.content.decode()


def test_clerk_registers_with_pdf_upload(org, login):
    c = login(org.sxd_clerk)
    assert c.get("/van-ban-den/vao-so/").status_code == 200
    r = c.post("/van-ban-den/vao-so/", {**form_data(org), "files": [pdf(), pdf("phu-luc.pdf")]}, follow=True)
    assert r.status_code == 200
    doc = IncomingDocument.objects.get()
    assert doc.attachments.count() == 2 and doc.issued_date == ISSUED
    assert f"Đã vào sổ: số đến {doc.arrival_number}" in page(r)
    assert r.redirect_chain[-1][0] == f"/van-ban-den/{doc.pk}/"
    # Download and integrity check go through visibility.
    att = doc.attachments.get(order=0)
    d = c.get(f"/van-ban-den/{doc.pk}/tep/{att.pk}/")
    assert d.status_code == 200 and b"".join(d.streaming_content) == PDF
    v = c.post(f"/van-ban-den/{doc.pk}/tep/{att.pk}/kiem-tra/", follow=True)
    assert "Tệp toàn vẹn" in page(v)
    assert login(org.ht_staff).get(f"/van-ban-den/{doc.pk}/tep/{att.pk}/").status_code == 404


def test_staff_cannot_open_registration(org, login):
    assert login(org.sxd_staff).get("/van-ban-den/vao-so/").status_code == 403


def test_secret_document_is_refused_and_nothing_saved(org, login):
    c = login(org.sxd_clerk)
    r = c.post("/van-ban-den/vao-so/", {**form_data(org, secrecy="toi_mat"), "files": [pdf()]})
    assert r.status_code == 200
    assert "Sổ đăng ký văn bản mật" in page(r) and "Tối mật" in page(r)
    assert not IncomingDocument.objects.exists()


def test_duplicate_warning_then_confirm(org, login):
    c = login(org.sxd_clerk)
    c.post("/van-ban-den/vao-so/", form_data(org))
    r = c.post("/van-ban-den/vao-so/", form_data(org, code_notation="ubnd-kt"))
    assert r.status_code == 200 and "có thể trùng" in page(r) and "Tôi xác nhận đây là văn bản khác" in page(r)
    assert IncomingDocument.objects.count() == 1
    r = c.post("/van-ban-den/vao-so/", form_data(org, code_notation="ubnd-kt", confirm_duplicate="on"), follow=True)
    assert "Đã vào sổ: số đến 2" in page(r)
    assert IncomingDocument.objects.count() == 2


def test_bad_file_and_bad_input_give_vietnamese_errors(org, login):
    c = login(org.sxd_clerk)
    r = c.post("/van-ban-den/vao-so/", {**form_data(org), "files": [pdf("cong-van.pdf", b"MZ\x90\x00 executable")]})
    assert r.status_code == 200 and "không phải định dạng được chấp nhận" in page(r)
    r = c.post(
        "/van-ban-den/vao-so/", form_data(org, issued_date="31/02/2026", urgency="9", register="abc", subject="")
    )
    assert r.status_code == 200
    text = page(r)
    assert "Ngày không hợp lệ" in text and "Trích yếu là bắt buộc" in text and "Độ khẩn không hợp lệ" in text
    assert not IncomingDocument.objects.exists()


def _make_docs(org, n, **over):
    start = IncomingDocument.objects.count()
    for i in range(start, start + n):
        services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_number=str(1000 + i), **over))


def test_register_list_filters_pages_and_isolation(org, login, settings):
    _make_docs(org, 3)
    services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        **fields(code_number="77", subject="Về phòng cháy chữa cháy", urgency=Urgency.FLASH),
    )
    c = login(org.sxd_clerk)
    r = c.get("/van-ban-den/")
    assert r.status_code == 200 and page(r).count('data-testid="doc-row"') == 4
    r = c.get("/van-ban-den/", {"q": "cháy"})
    assert page(r).count('data-testid="doc-row"') == 1 and "Hỏa tốc" in page(r)
    r = c.get("/van-ban-den/", {"urgency": str(Urgency.FLASH), "number": "4"})
    assert page(r).count('data-testid="doc-row"') == 1
    r = c.get("/van-ban-den/", {"number": "2", "year": str(timezone.localdate().year)})
    assert page(r).count('data-testid="doc-row"') == 1
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert page(c.get("/van-ban-den/", {"date_from": today, "date_to": today})).count('data-testid="doc-row"') == 4
    # HTMX live filtering returns only the rows.
    r = c.get("/van-ban-den/", {"q": "cháy"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="doc-rows")
    assert "<html" not in page(r) and page(r).count('data-testid="doc-row"') == 1
    # Bad filters: a Vietnamese message, never a 500.
    r = c.get("/van-ban-den/", {"date_from": "99/99/2026", "urgency": "x", "year": "abc", "cursor": "%%%"})
    assert r.status_code == 200 and "Ngày không hợp lệ" in page(r) and "Năm không hợp lệ" in page(r)
    # Next page.
    from vpdt.incoming import views

    views.PAGE_SIZE, old = 3, views.PAGE_SIZE
    try:
        first = c.get("/van-ban-den/")
        assert page(first).count('data-testid="doc-row"') == 3 and 'data-testid="next-page"' in page(first)
        cursor = first.content.decode().split("cursor=")[1].split('"')[0]
        second = c.get(f"/van-ban-den/?cursor={cursor}")
        assert page(second).count('data-testid="doc-row"') == 1 and 'data-testid="next-page"' not in page(second)
    finally:
        views.PAGE_SIZE = old
    # Another agency's clerk, and staff not involved, see nothing.
    other_clerk = make_person(org.stttt, "Ngô Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    for person in (other_clerk, org.ht_staff, org.sxd_staff):
        r = login(person).get("/van-ban-den/")
        assert r.status_code == 200 and 'data-testid="doc-row"' not in page(r)


def test_detail_is_404_for_outsiders(org, login):
    doc = services.register_document(org.sxd_clerk, agency=org.sxd, files=[pdf()], **fields()).document
    assert login(org.sxd_clerk).get(f"/van-ban-den/{doc.pk}/").status_code == 200
    for person in (org.ht_staff, org.stttt_staff, org.sxd_staff):
        assert login(person).get(f"/van-ban-den/{doc.pk}/").status_code == 404
    assert login(org.sxd_clerk).get("/van-ban-den/999999/").status_code == 404


def test_clerk_submits_then_leader_directs_with_one_lead(org, login):
    doc = services.register_document(org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields()).document
    clerk = login(org.sxd_clerk)
    assert "Trình lãnh đạo" in page(clerk.get(f"/van-ban-den/{doc.pk}/"))
    r = clerk.post(f"/van-ban-den/{doc.pk}/trinh/", {"leader": org.sxd_leader.pk}, follow=True)
    assert "Đã trình lãnh đạo" in page(r)
    doc.refresh_from_db()
    assert doc.status == DocStatus.SUBMITTED
    leader = login(org.sxd_leader)
    r = leader.get(f"/van-ban-den/{doc.pk}/")
    assert 'data-testid="direction-form"' in page(r)
    deadline = (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    # Two leads: refused with the service's message, nothing assigned.
    r = leader.post(
        f"/van-ban-den/{doc.pk}/chi-dao/",
        {
            "direction": "Hai phòng cùng chủ trì",
            "deadline": deadline,
            "lead": [f"u{org.sxd_khtc.pk}", f"u{org.sxd_vp.pk}"],
        },
        follow=True,
    )
    assert "đồng xử lý" in page(r) and not Assignment.objects.exists()
    # Bad input: a message, not a 500.
    r = leader.post(
        f"/van-ban-den/{doc.pk}/chi-dao/",
        {"direction": "x", "deadline": "32/13/2026", "lead": ["u999999"]},
        follow=True,
    )
    assert r.status_code == 200 and "Ngày không hợp lệ" in page(r)
    r = leader.post(
        f"/van-ban-den/{doc.pk}/chi-dao/",
        {
            "direction": "Giao Phòng KH-TC chủ trì, Văn phòng phối hợp.",
            "deadline": deadline,
            "lead": [f"u{org.sxd_khtc.pk}"],
            "cooperate": [f"u{org.sxd_vp.pk}"],
            "inform": [f"p{org.sxd_admin.pk}"],
        },
        follow=True,
    )
    assert "Đã cho ý kiến chỉ đạo" in page(r) and "Giao Phòng KH-TC chủ trì" in page(r)
    doc.refresh_from_db()
    assert doc.status == DocStatus.DIRECTED
    assert sorted(Assignment.objects.values_list("role", flat=True)) == ["cooperate", "inform", "lead"]
    # The unit leader now sees the document and its assignment.
    r = login(org.sxd_unit_leader).get(f"/van-ban-den/{doc.pk}/")
    assert r.status_code == 200 and "Phòng Kế hoạch - Tài chính" in page(r)
    # A staff member cannot direct.
    r = login(org.sxd_staff).post(f"/van-ban-den/{doc.pk}/chi-dao/", {"direction": "x"})
    assert r.status_code == 404


def test_my_work_page_renders_every_box(org, login):
    c = login(org.sxd_staff)
    for box in ("to_process", "in_progress", "for_information", "done", "late", "bogus"):
        assert c.get("/van-ban-den/viec-cua-toi/", {"hop": box}).status_code == 200
    assert login(org.sxd_unit_leader).get("/van-ban-den/viec-cua-toi/").status_code == 200


def test_a_list_shows_twenty_rows_unless_asked_for_more(org, login):
    c = login(org.sxd_clerk)
    _make_docs(org, 25 - IncomingDocument.objects.count(), urgency=Urgency.URGENT)
    first = c.get("/van-ban-den/", {"q": "cải cách"})
    assert page(first).count('data-testid="doc-row"') == 20 and first.context["page"].next_cursor
    sizes = dict(first.context["page"].sizes)
    assert list(sizes) == [20, 50, 100] and sizes[50] == "q=c%E1%BA%A3i+c%C3%A1ch&so_dong=50"
    assert 'href="?q=c%E1%BA%A3i+c%C3%A1ch&amp;so_dong=50"' in page(first)
    assert page(c.get("/van-ban-den/?" + sizes[50])).count('data-testid="doc-row"') == 25
    rest = c.get("/van-ban-den/", {"q": "cải cách", "cursor": first.context["page"].next_cursor})
    assert page(rest).count('data-testid="doc-row"') == 5
    for odd in ("7", "٥٠", "-50", "50.0", "9" * 30, ""):  # not an offered size: the default
        r = c.get("/van-ban-den/", {"q": "cải cách", "so_dong": odd})
        assert r.status_code == 200 and page(r).count('data-testid="doc-row"') == 20, odd


def test_register_list_queries_do_not_grow(org, login, django_assert_max_num_queries):
    c = login(org.sxd_clerk)
    counts = []
    for total in (5, 40):
        _make_docs(org, total - IncomingDocument.objects.count(), urgency=Urgency.URGENT)
        c.get("/van-ban-den/")  # warm session and scope
        with django_assert_max_num_queries(12) as ctx:
            r = c.get("/van-ban-den/", {"q": "cải cách", "so_dong": 50})
        assert page(r).count('data-testid="doc-row"') == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert not unbounded_counts(ctx.captured_queries)


def _directed(org, **over):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT, **over)
    ).document
    T = services.Target
    services.direct(
        org.sxd_leader,
        doc,
        direction="Phòng KH-TC chủ trì xử lý.",
        targets=[T("lead", unit=org.sxd_khtc), T("inform", user=org.sxd_admin)],
        deadline=timezone.localdate() + dt.timedelta(days=1),
    )
    return doc


def test_processing_actions_through_the_screens(org, login):
    doc = _directed(org, needs_reply=True, reply_due=timezone.localdate() + dt.timedelta(days=5))
    lead = Assignment.objects.get(document=doc, role="lead")
    unit_leader = login(org.sxd_unit_leader)
    r = unit_leader.get(f"/van-ban-den/{doc.pk}/")
    assert 'data-testid="distribute"' in page(r) and 'data-testid="due-due_soon"' in page(r)
    assert "Vào sổ văn bản đến" in page(r)  # the trail
    assert str(doc.arrival_number) in page(unit_leader.get("/van-ban-den/viec-cua-toi/"))  # unit queue
    # Bad input to an action: a message, nothing assigned.
    r = unit_leader.post(
        f"/van-ban-den/phan-cong/{lead.pk}/giao/", {"prefix": f"d{lead.pk}", f"d{lead.pk}-user": "abc"}, follow=True
    )
    assert r.status_code == 200 and "Chuyên viên" in page(r) and not lead.children.exists()
    r = unit_leader.post(
        f"/van-ban-den/phan-cong/{lead.pk}/giao/",
        {"prefix": f"d{lead.pk}", f"d{lead.pk}-user": org.sxd_staff.pk, f"d{lead.pk}-opinion": "Đề nghị chị Lan xử lý"},
        follow=True,
    )
    assert "Đã giao chuyên viên xử lý" in page(r)
    child = lead.children.get()
    staff = login(org.sxd_staff)
    r = staff.get("/van-ban-den/viec-cua-toi/", {"hop": "to_process"})
    assert f"/van-ban-den/{doc.pk}/" in page(r)
    r = staff.post(
        f"/van-ban-den/phan-cong/{child.pk}/cap-nhat/", {"kind": "proposal", "text": "Đề xuất trả lời"}, follow=True
    )
    assert "Đã cập nhật" in page(r) and "Đề xuất trả lời" in page(r)
    r = staff.post(f"/van-ban-den/phan-cong/{child.pk}/hoan-thanh/", {"result": ""}, follow=True)
    assert "Phải ghi kết quả xử lý" in page(r)
    r = staff.post(f"/van-ban-den/phan-cong/{child.pk}/hoan-thanh/", {"result": "Đã dự thảo báo cáo"}, follow=True)
    assert "Đã hoàn thành xử lý" in page(r)
    r = staff.post(f"/van-ban-den/{doc.pk}/tra-loi/", {"subject": ""}, follow=True)
    assert "Đã ghi nhận yêu cầu soạn văn bản trả lời" in page(r) and "V/v trả lời" in page(r)
    # Another person's assignment: refused with a message, never a 500.
    r = login(org.sxd_admin).post(f"/van-ban-den/phan-cong/{lead.pk}/hoan-thanh/", {"result": "x"}, follow=True)
    assert r.status_code == 200 and "Chỉ người được giao" in page(r)
    info = Assignment.objects.get(document=doc, role="inform")
    r = login(org.sxd_admin).post(f"/van-ban-den/phan-cong/{info.pk}/da-xem/", follow=True)
    assert "Đã đánh dấu đã xem" in page(r)
    # Outsiders cannot reach an assignment at all.
    assert login(org.ht_staff).post(f"/van-ban-den/phan-cong/{lead.pk}/hoan-thanh/", {"result": "x"}).status_code == 404


def test_registration_without_register_uses_default_and_urgent_goes_to_leader(org, login):
    c = login(org.sxd_clerk)
    assert not Register.objects.exists()
    r = c.post("/van-ban-den/vao-so/", form_data(org, register="", urgency=str(Urgency.FLASH)), follow=True)
    assert "Đã vào sổ: số đến 1, đã trình lãnh đạo Trần Thị Thu Hà." in page(r)
    assert IncomingDocument.objects.get().status == DocStatus.SUBMITTED and Register.objects.count() == 1


def test_trinh_lanh_dao_submits_at_once_unless_the_clerk_waits_for_the_batch(org, login, settings):
    """A document that is not urgent goes to the chosen leader when it is registered; it waits for the day's batch
    only when the clerk ticks it (the agency's regulation of two batches a day)."""
    settings.VPDT_INCOMING_BATCH_CRON = "30 8,14 * * 1-5"
    c = login(org.sxd_clerk)
    html = page(c.get("/van-ban-den/vao-so/"))
    assert "Chờ đợt trình theo lịch (8:30, 14:30), không trình ngay" in html
    r = c.post("/van-ban-den/vao-so/", form_data(org, leader=org.sxd_leader.pk), follow=True)
    now = IncomingDocument.objects.get(code_number="1234")
    assert now.status == DocStatus.SUBMITTED and now.leader == org.sxd_leader and now.submitted_at
    assert "đã trình lãnh đạo Trần Thị Thu Hà" in page(r)
    r = c.post(
        "/van-ban-den/vao-so/", form_data(org, code_number="1235", leader=org.sxd_leader.pk, batch="on"), follow=True
    )
    later = IncomingDocument.objects.get(code_number="1235")
    assert later.status == DocStatus.REGISTERED and later.leader == org.sxd_leader
    assert "sẽ trình lãnh đạo Trần Thị Thu Hà theo đợt trình trong ngày" in page(r)
    assert services.submit_batch() == 1
