"""The clerk's outgoing screens (issue, register, recall), and the queue of electronic arrivals and recalls to answer
for documents delivered by the agencies of the deployment (the exchange's screens)."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from tests.conftest import unbounded_counts
from tests.test_outgoing_services import approve_all, draft, dtype, world  # noqa: F401
from vpdt.exchange import internal
from vpdt.incoming.models import DocStatus, IncomingDocument, Register
from vpdt.outgoing import services as out
from vpdt.outgoing import signatures
from vpdt.outgoing.models import (
    DeliveryStatus,
    OutgoingDocument,
    OutStatus,
    RecipientKind,
)
from vpdt.outgoing.services import RecipientSpec

D = DeliveryStatus
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


# The outgoing world and draft helpers are shared with the service tests.


def page(response) -> str:
    return response.content.decode()


def msgs(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def to_stttt(org):
    return [RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)]


def official(doc) -> str:
    """The name the issued document's file travels under (number, symbol, date)."""
    return f"{doc.code_number}-{doc.code_notation}_{doc.issued_date:%d-%m-%Y}.pdf"


def issued_to_stttt(org, subject="V/v triển khai nền tảng số dùng chung của tỉnh", with_file=True, draft_file=False):
    files = [SimpleUploadedFile("du-thao.pdf", PDF)] if draft_file else []
    doc = out.issue(org.sxd_clerk, approve_all(org, draft(org, subject=subject, recipients=to_stttt(org), files=files)))
    if with_file:
        out.confirm(org.sxd_staff, doc, files=[SimpleUploadedFile("cong-van-ban-goc.pdf", PDF)])
    return doc


# ------------------------------------------------------------------------------------------ issue


def test_issue_through_the_screen(world, login):
    org = world
    doc = approve_all(org, draft(org))
    c = login(org.sxd_clerk)
    r = c.get("/van-ban-di/cho-phat-hanh/")
    assert r.status_code == 200 and page(r).count('data-testid="to-issue-row"') == 1
    assert "V/v báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026" in page(r)
    assert org.sxd_leader.full_name in page(r)
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", {"issued_date": ""}, follow=True)
    assert any("01/SXD-KHTC" in m and "Số, ký hiệu" in m for m in msgs(r)), msgs(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.ISSUED and doc.issued_date == timezone.localdate()
    assert page(r).count('data-testid="to-issue-row"') == 0
    # Issued already: a Vietnamese message, nothing changes.
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", follow=True)
    assert any("Chỉ phát hành văn bản đã được duyệt ký" in m or "Không thể phát hành" in m for m in msgs(r)), msgs(r)
    doc.refresh_from_db()
    assert doc.number == 1


def test_issue_with_a_date_and_bad_dates(world, login):
    org = world
    doc = approve_all(org, draft(org))
    c = login(org.sxd_clerk)
    next_month = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    for bad, expected in (
        ("31/02/2026", "Ngày ban hành không hợp lệ"),
        ("2026-11-20", "Ngày ban hành không hợp lệ"),
        (next_month, "tương lai"),
        ("01/01/2999", "Ngày phải trong khoảng từ 01/01/1945"),
    ):
        r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", {"issued_date": bad}, follow=True)
        assert r.status_code == 200 and any(expected in m for m in msgs(r)), (bad, msgs(r))
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED and doc.number is None  # nothing consumed
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", {"issued_date": yesterday.strftime("%d/%m/%Y")}, follow=True)
    doc.refresh_from_db()
    assert doc.issued_date == yesterday and doc.number_symbol == "01/SXD-KHTC"
    assert any(yesterday.strftime("%d/%m/%Y") in m for m in msgs(r))


def test_issue_refused_for_a_document_not_approved(world, login):
    org = world
    in_review = out.submit(org.sxd_staff, draft(org))
    c = login(org.sxd_clerk)
    # The clerk does not see drafts under review at all.
    assert c.post(f"/van-ban-di/{in_review.pk}/phat-hanh/").status_code == 404
    # The drafter sees it but may not issue: a Vietnamese message.
    r = login(org.sxd_staff).post(f"/van-ban-di/{in_review.pk}/phat-hanh/", follow=True)
    assert any("Chỉ văn thư của cơ quan được cấp số" in m for m in msgs(r)), msgs(r)
    # A recalled document is never issued again.
    doc = out.issue(org.sxd_clerk, approve_all(org, draft(org, subject="Công văn bị thu hồi")))
    out.recall(org.sxd_leader, doc, "Sai số liệu")
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", follow=True)
    assert r.status_code == 200 and msgs(r) and all("phát hành" in m for m in msgs(r))
    in_review.refresh_from_db()
    assert in_review.status == OutStatus.IN_REVIEW


def test_non_clerks_are_refused(world, login):
    org = world
    doc = approve_all(org, draft(org))
    staff = login(org.sxd_staff)
    for url in (
        "/van-ban-di/cho-phat-hanh/",
        "/lien-thong/den/",
        "/lien-thong/thu-hoi/",
        "/van-ban-di/so-van-ban-di/",
        "/van-ban-di/so-van-ban-di/xuat.pdf",
    ):
        assert staff.get(url).status_code == 403, url
    # Another agency's clerk: the document is not theirs.
    assert login(org.stttt_clerk).post(f"/van-ban-di/{doc.pk}/phat-hanh/").status_code == 404
    assert login(org.sxd_leader).get("/van-ban-di/so-van-ban-di/").status_code == 200
    assert login(org.sxd_clerk).get("/van-ban-di/cho-phat-hanh/").status_code == 200
    assert staff.get(f"/van-ban-di/{doc.pk}/phat-hanh/").status_code == 405
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED


def test_late_documents_are_highlighted(world, login):
    org = world
    with freeze_time("2026-11-23 15:00:00+07:00"):  # a Monday
        old = approve_all(org, draft(org, subject="Công văn duyệt hôm thứ Hai"))
    with freeze_time("2026-11-25 09:00:00+07:00"):
        fresh = approve_all(org, draft(org, subject="Công văn duyệt sáng nay"))
        r = login(org.sxd_clerk).get("/van-ban-di/cho-phat-hanh/")
    html = page(r)
    assert html.count('data-testid="to-issue-row"') == 2 and html.count('data-testid="late"') == 1
    late_row = html[html.index(f"/van-ban-di/{old.pk}/") :]
    assert "Chậm phát hành" in late_row[:1500]
    assert html.index(f"/van-ban-di/{old.pk}/") < html.index(f"/van-ban-di/{fresh.pk}/")  # oldest first


def test_to_issue_and_register_queries_do_not_grow(world, login, django_assert_max_num_queries):
    org = world
    c = login(org.sxd_clerk)
    counts = {"to_issue": [], "register": []}
    made = 0
    for total in (2, 6):
        while made < total:
            made += 1
            doc = approve_all(
                org,
                draft(
                    org,
                    subject=f"Công văn số {made} về cải cách hành chính",
                    recipients=to_stttt(org) + [RecipientSpec(RecipientKind.UNIT, unit=org.sxd_vp)],
                ),
            )
            out.issue(org.sxd_clerk, doc)
            approve_all(org, draft(org, subject=f"Dự thảo chờ phát hành {made}"))
        c.get("/van-ban-di/cho-phat-hanh/")
        with django_assert_max_num_queries(15) as ctx:
            r = c.get("/van-ban-di/cho-phat-hanh/")
        assert page(r).count('data-testid="to-issue-row"') == total
        counts["to_issue"].append(len(ctx.captured_queries))
        with django_assert_max_num_queries(15) as ctx:
            r = c.get("/van-ban-di/so-van-ban-di/", {"q": "cải cách"})
        assert page(r).count('data-testid="register-row"') == total
        counts["register"].append(len(ctx.captured_queries))
        assert not unbounded_counts(ctx.captured_queries)
        assert not any('"text"' in q["sql"] for q in ctx.captured_queries)  # never the draft texts
    assert counts["to_issue"][0] == counts["to_issue"][1] and counts["register"][0] == counts["register"][1], counts


# ------------------------------------------------------------------------------------------ register


def test_register_columns_filters_and_pagination(world, login):
    org = world
    cv = out.issue(
        org.sxd_clerk,
        approve_all(
            org, draft(org, recipients=to_stttt(org) + [RecipientSpec(RecipientKind.EXTERNAL, name="Báo Nghệ An")])
        ),
    )
    qd = out.issue(
        org.sxd_clerk,
        approve_all(org, draft(org, doc_type="Quyết định", subject="Quyết định phê duyệt kế hoạch chuyển đổi số")),
    )
    approve_all(org, draft(org, subject="Chưa phát hành"))
    # Another agency's register stays out.
    other = out.create_draft(
        org.district_leader, doc_type=dtype("Báo cáo"), subject="Báo cáo của huyện Nghi Lộc", signer=org.district_leader
    )
    assert other.agency_id == org.district.pk
    c = login(org.sxd_clerk)
    html = page(c.get("/van-ban-di/so-van-ban-di/"))
    for column in (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ):
        assert column in html
    assert html.count('data-testid="register-row"') == 2
    assert "01/SXD-KHTC" in html and "02/QĐ-SXD" in html and "Chưa phát hành" not in html
    assert "Báo Nghệ An" in html and org.stttt.name in html and "Phòng Kế hoạch - Tài chính" in html
    assert html.index("02/QĐ-SXD") < html.index("01/SXD-KHTC")  # newest first
    assert (
        page(c.get("/van-ban-di/so-van-ban-di/", {"doc_type": qd.doc_type_id})).count('data-testid="register-row"') == 1
    )
    html = page(c.get("/van-ban-di/so-van-ban-di/", {"number": "1", "year": str(cv.year)}))
    assert "01/SXD-KHTC" in html and "02/QĐ-SXD" not in html
    assert "02/QĐ-SXD" in page(c.get("/van-ban-di/so-van-ban-di/", {"q": "chuyển đổi số"}))
    today = timezone.localdate().strftime("%d/%m/%Y")
    html = page(c.get("/van-ban-di/so-van-ban-di/", {"date_from": today, "date_to": today, "order": "so"}))
    assert html.count('data-testid="register-row"') == 2
    assert f"xuat.pdf?date_from={today.replace('/', '%2F')}" in html
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert page(c.get("/van-ban-di/so-van-ban-di/", {"date_from": tomorrow})).count('data-testid="register-row"') == 0
    # Keyset pages.
    from vpdt.outgoing import clerk_views

    clerk_views.PAGE_SIZE, saved = 1, clerk_views.PAGE_SIZE
    try:
        r = c.get("/van-ban-di/so-van-ban-di/")
        first = page(r)
        assert first.count('data-testid="register-row"') == 1 and "02/QĐ-SXD" in first
        cursor = first.split("cursor=")[1].split('"')[0]
        second = page(c.get("/van-ban-di/so-van-ban-di/", {"cursor": cursor}))
        assert "01/SXD-KHTC" in second and "02/QĐ-SXD" not in second
        bogus = c.get("/van-ban-di/so-van-ban-di/", {"cursor": "!!!"})
        assert bogus.status_code == 200
    finally:
        clerk_views.PAGE_SIZE = saved


def test_register_bad_filters_give_vietnamese_messages(world, login):
    org = world
    out.issue(org.sxd_clerk, approve_all(org, draft(org)))
    c = login(org.sxd_clerk)
    for params, expected in (
        ({"date_from": "31/02/2026"}, "Từ ngày không hợp lệ"),
        ({"year": "hai nghìn"}, "Năm không hợp lệ"),
        ({"number": "-4"}, "Số văn bản không hợp lệ"),
        ({"doc_type": "999999"}, "Loại văn bản không hợp lệ"),
        ({"order": "drop"}, "Cách sắp xếp không hợp lệ"),
        ({"date_from": "20/11/2026", "date_to": "01/11/2026"}, "phải sau"),
    ):
        r = c.get("/van-ban-di/so-van-ban-di/", params)
        assert r.status_code == 200 and expected in page(r), params
    r = c.get("/van-ban-di/so-van-ban-di/xuat.pdf", {"date_from": "31/02/2026"})
    assert r.status_code == 400 and "không hợp lệ" in page(r)
    assert c.get("/van-ban-di/so-van-ban-di/xuat.docx").status_code == 404


# ------------------------------------------------------------------------------------------ deliveries


def test_deliveries_list_only_for_the_recipient_clerk(world, login):
    org = world
    doc = issued_to_stttt(org)
    r = login(org.stttt_clerk).get("/lien-thong/den/")
    html = page(r)
    assert r.status_code == 200 and html.count('data-testid="arrival-row"') == 1
    for text in (org.sxd.name, "01/SXD-KHTC", doc.subject, org.sxd_leader.full_name, official(doc)):
        assert text in html, text
    assert page(login(org.province_clerk).get("/lien-thong/den/")).count('data-testid="arrival-row"') == 0
    assert login(org.stttt_staff).get("/lien-thong/den/").status_code == 403


def test_receive_waits_for_the_batch_only_when_the_clerk_asks(world, login):
    org = world
    doc = issued_to_stttt(org)
    rpk = doc.recipients.get(agency=org.stttt).pk
    c = login(org.stttt_clerk)
    assert "Chờ đợt trình theo lịch, không trình ngay" in page(c.get("/lien-thong/den/"))
    r = c.post(
        f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/", {"leader": org.stttt_leader.pk, "batch": "on"}, follow=True
    )
    incoming_doc = IncomingDocument.objects.get(agency=org.stttt)
    assert incoming_doc.status == DocStatus.REGISTERED and incoming_doc.leader == org.stttt_leader
    assert any("sẽ trình lãnh đạo Nguyễn Hữu Thắng theo đợt trình trong ngày" in m for m in msgs(r)), msgs(r)


def test_delivery_file_download_permission(world, login):
    org = world
    doc = issued_to_stttt(org, draft_file=True)
    rpk = doc.recipients.get(agency=org.stttt).pk
    [stored] = signatures.final_files(doc)
    assert stored.original_name == official(doc)  # the original, officially named; the draft is no longer served
    assert stored == doc.files.get(kind="final").file
    url = f"/lien-thong/den/trong-he-thong/{rpk}/tep/{stored.pk}/"
    r = login(org.stttt_clerk).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert official(doc) in r["Content-Disposition"]
    for user in (org.province_clerk, org.stttt_staff, org.sxd_staff, org.ht_staff):
        assert login(user).get(url).status_code == 404, user
    # A file of another document through this delivery: 404.
    other = issued_to_stttt(org, subject="Công văn khác")
    [other_file] = signatures.final_files(other)
    assert login(org.stttt_clerk).get(f"/lien-thong/den/trong-he-thong/{rpk}/tep/{other_file.pk}/").status_code == 404
    # A draft file that is not among the final files: 404.
    draft_file = doc.files.get(kind="draft")
    if draft_file:
        assert (
            login(org.stttt_clerk).get(f"/lien-thong/den/trong-he-thong/{rpk}/tep/{draft_file.file_id}/").status_code
            == 404
        )


def test_receive_creates_the_incoming_document_with_the_file(world, login):
    org = world
    doc = issued_to_stttt(org)
    rpk = doc.recipients.get(agency=org.stttt).pk
    c = login(org.stttt_clerk)
    second = Register.objects.create(agency=org.stttt, name="Sổ văn bản đến của Đảng ủy", code="ĐU")
    r = c.post(
        f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/", {"register": second.pk, "leader": org.stttt_leader.pk}
    )
    incoming_doc = IncomingDocument.objects.get(agency=org.stttt)
    assert r.status_code == 302 and r["Location"] == f"/van-ban-den/{incoming_doc.pk}/"
    assert incoming_doc.register == second and (incoming_doc.code_number, incoming_doc.code_notation) == (
        "01",
        "SXD-KHTC",
    )
    assert [a.file.original_name for a in incoming_doc.attachments.select_related("file")] == [official(doc)]
    assert incoming_doc.status == DocStatus.SUBMITTED and incoming_doc.leader == org.stttt_leader  # at once
    assert doc.recipients.get(agency=org.stttt).status == D.REGISTERED
    # Twice: a Vietnamese message, no second incoming document.
    r = c.post(f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/", follow=True)
    assert any("không còn chờ tiếp nhận" in m for m in msgs(r)), msgs(r)
    assert IncomingDocument.objects.filter(agency=org.stttt).count() == 1
    # Another agency's clerk cannot receive it; a register of another agency is refused.
    assert login(org.province_clerk).post(f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/").status_code == 404
    doc2 = issued_to_stttt(org, subject="Công văn thứ hai")
    rpk2 = doc2.recipients.get(agency=org.stttt).pk
    foreign = Register.objects.filter(agency=org.sxd).first() or Register.objects.create(
        agency=org.sxd, name="Sổ văn bản đến", code="VBĐ", is_default=True
    )
    r = c.post(
        f"/lien-thong/den/trong-he-thong/{rpk2}/tiep-nhan/",
        {"register": foreign.pk, "leader": org.sxd_leader.pk},
        follow=True,
    )
    assert any("Sổ văn bản đến không hợp lệ" in m for m in msgs(r)), msgs(r)
    assert doc2.recipients.get(agency=org.stttt).status == D.ARRIVED


def test_receive_duplicate_warning_then_confirm(world, login):
    org = world
    doc = issued_to_stttt(org)
    from vpdt.incoming import services as incoming

    # The paper copy was registered by hand before the electronic one was received.
    incoming.register_document(
        org.stttt_clerk,
        agency=org.stttt,
        issuer_name=org.sxd.name,
        issuer_code=org.sxd.code,
        code_number="01",
        code_notation="SXD-KHTC",
        issued_date=doc.issued_date,
        doc_type=dtype("Công văn"),
        subject=doc.subject,
    )
    rpk = doc.recipients.get(agency=org.stttt).pk
    c = login(org.stttt_clerk)
    r = c.post(f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/", {})
    html = page(r)
    assert r.status_code == 200 and 'data-testid="duplicate-warning"' in html and "trùng" in html
    assert 'name="confirm_duplicate"' in html
    assert IncomingDocument.objects.filter(agency=org.stttt).count() == 1
    r = c.post(f"/lien-thong/den/trong-he-thong/{rpk}/tiep-nhan/", {"confirm_duplicate": "on"})
    assert r.status_code == 302 and IncomingDocument.objects.filter(agency=org.stttt).count() == 2


def test_refuse_requires_a_reason(world, login):
    org = world
    doc = issued_to_stttt(org)
    rpk = doc.recipients.get(agency=org.stttt).pk
    c = login(org.stttt_clerk)
    r = c.post(f"/lien-thong/den/trong-he-thong/{rpk}/tu-choi/", {"reason": "   "}, follow=True)
    assert any("Ghi rõ lý do từ chối" in m for m in msgs(r))
    assert doc.recipients.get(agency=org.stttt).status == D.ARRIVED
    r = c.post(f"/lien-thong/den/trong-he-thong/{rpk}/tu-choi/", {"reason": "x" * 2001}, follow=True)
    assert any("tối đa 2000" in m for m in msgs(r))
    r = c.post(
        f"/lien-thong/den/trong-he-thong/{rpk}/tu-choi/",
        {"reason": "Không thuộc thẩm quyền giải quyết của Sở Thông tin và Truyền thông."},
        follow=True,
    )
    assert any("Đã từ chối tiếp nhận" in m for m in msgs(r))
    recipient = doc.recipients.get(agency=org.stttt)
    assert recipient.status == D.REFUSED and recipient.reason.startswith("Không thuộc thẩm quyền")
    assert page(r).count('data-testid="arrival-row"') == 0
    # Staff of the recipient agency: deliveries are the clerks' business, they do not even see them.
    r = login(org.stttt_staff).post(f"/lien-thong/den/trong-he-thong/{rpk}/tu-choi/", {"reason": "Thử"})
    assert r.status_code == 404


# ------------------------------------------------------------------------------------------ recall


def test_recall_and_confirm_via_screens(world, login):
    org = world
    doc = issued_to_stttt(org)
    internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt))
    incoming_doc = IncomingDocument.objects.get(agency=org.stttt)
    # Staff may not recall; a reason is required.
    r = login(org.sxd_staff).post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "Sai số liệu"})
    assert r.status_code == 302 and r["Location"] == f"/van-ban-di/{doc.pk}/"
    doc.refresh_from_db()
    assert doc.status == OutStatus.ISSUED
    leader = login(org.sxd_leader)
    leader.post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": ""})
    doc.refresh_from_db()
    assert doc.status == OutStatus.ISSUED
    assert login(org.stttt_staff).post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "x"}).status_code == 404
    r = leader.post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "Sai số liệu phụ lục, sẽ ban hành văn bản thay thế."})
    assert r.status_code == 302 and r["Location"] == f"/van-ban-di/{doc.pk}/"
    doc.refresh_from_db()
    assert doc.status == OutStatus.RECALLED
    # The recipient clerk sees the request and confirms it.
    c = login(org.stttt_clerk)
    html = page(c.get("/lien-thong/thu-hoi/"))
    assert html.count('data-testid="recall-row"') == 1 and "Sai số liệu phụ lục" in html
    rpk = doc.recipients.get(agency=org.stttt).pk
    assert login(org.province_clerk).post(f"/lien-thong/thu-hoi/trong-he-thong/{rpk}/dong-y/").status_code == 404
    r = c.post(f"/lien-thong/thu-hoi/trong-he-thong/{rpk}/dong-y/", follow=True)
    assert any("Đã xác nhận thu hồi" in m for m in msgs(r)), msgs(r)
    incoming_doc.refresh_from_db()
    assert incoming_doc.status == DocStatus.WITHDRAWN
    assert doc.recipients.get(agency=org.stttt).status == D.RECALLED
    r = c.post(f"/lien-thong/thu-hoi/trong-he-thong/{rpk}/dong-y/", follow=True)
    assert any("Không có yêu cầu thu hồi" in m for m in msgs(r))
    # The recalled document keeps its line in the register, marked.
    html = page(login(org.sxd_clerk).get("/van-ban-di/so-van-ban-di/"))
    assert "Đã thu hồi" in html and "Sai số liệu phụ lục" in html
    # Recalling twice: a Vietnamese message.
    r = leader.post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "Lần hai"}, follow=True)
    assert any("thu hồi" in m.lower() for m in msgs(r))


def test_clerk_nav_and_get_only_actions(world, login):
    org = world
    c = login(org.stttt_clerk)
    for url in (
        "/lien-thong/den/trong-he-thong/1/tiep-nhan/",
        "/lien-thong/den/trong-he-thong/1/tu-choi/",
        "/lien-thong/thu-hoi/trong-he-thong/1/dong-y/",
        "/lien-thong/thu-hoi/trong-he-thong/1/tu-choi/",
        "/van-ban-di/1/thu-hoi/",
    ):
        assert c.get(url).status_code == 405, url
    for url in (
        "/lien-thong/den/trong-he-thong/999999/tiep-nhan/",
        "/lien-thong/den/he-thong-khac/999999/tiep-nhan/",
        "/lien-thong/den/khac/1/tiep-nhan/",
        "/lien-thong/thu-hoi/trong-he-thong/999999/dong-y/",
        "/van-ban-di/999999/thu-hoi/",
        "/van-ban-di/999999/phat-hanh/",
    ):
        assert c.post(url).status_code == 404, url
    assert OutgoingDocument.objects.count() == 0


def test_deliveries_and_recalls_queries_do_not_grow(world, login, django_assert_max_num_queries):
    org = world
    c = login(org.stttt_clerk)
    counts = []
    made = 0
    for total in (2, 5):
        while made < total:
            made += 1
            issued_to_stttt(
                org, subject=f"Công văn số {made} về chuyển đổi số", with_file=made % 2 == 0, draft_file=made % 2 == 1
            )
        c.get("/lien-thong/den/")
        with django_assert_max_num_queries(20) as ctx:
            r = c.get("/lien-thong/den/")
        html = page(r)
        assert html.count('data-testid="arrival-row"') == total
        # the final original, else the last version's files
        assert html.count('data-testid="arrival-file"') == total
        official = re.findall(r'data-testid="arrival-file">[^<]*-SXD-KHTC_', html)
        assert len(official) == total and "du-thao.pdf" not in html  # each under its official name
        counts.append(len(ctx.captured_queries))
        assert not any('"text"' in q["sql"] for q in ctx.captured_queries)
    assert counts[0] == counts[1], counts
