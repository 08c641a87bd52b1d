"""Drafting and review screens of outgoing documents (văn bản đi): form, lists, detail, actions, diff."""

import datetime as dt

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests import shared_data
from tests.conftest import make_person, unbounded_counts
from vpdt.catalog.models import DocumentType, Field
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out
from vpdt.outgoing.models import Consultation, OutgoingDocument, OutStatus, RecipientKind, ReviewStep, StepStatus

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBJECT = "V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026"
TEXT = "Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau:\n1. Tình hình chung."


def dtype(name="Công văn"):
    return DocumentType.objects.get(name=name)


def page(response):
    return response.content.decode()


def pdf(name="du-thao.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@shared_data.over("org")
def world(org):
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.colleague = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    org.vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    return org


def form_data(org, **over):
    data = {
        "doc_type": dtype().pk,
        "subject": SUBJECT,
        "urgency": "0",
        "secrecy": "",
        "signer": org.sxd_leader.pk,
        "authority": "",
        "signer_position": "",
        "due_date": "",
        "to_places": "- Như trên;\n- Lưu: VT, KHTC.",
        "description": "",
        "text": TEXT,
        "externals": "",
    }
    data.update(over)
    return data


def draft(org, actor=None, **extra):
    extra.setdefault("signer", org.sxd_leader)
    extra.setdefault("subject", SUBJECT)
    return out.create_draft(actor or org.sxd_staff, doc_type=dtype(), text=TEXT, **extra)


# ---------------------------------------------------------------- create


def test_create_with_bad_input_shows_vietnamese_errors_and_saves_nothing(world, login):
    org = world
    c = login(org.sxd_staff)
    assert c.get("/van-ban-di/soan-thao/").status_code == 200
    r = c.post(
        "/van-ban-di/soan-thao/",
        form_data(org, subject="  ", doc_type="", urgency="9", due_date="31/02/2026", signer="999999"),
    )
    assert r.status_code == 200
    body = page(r)
    for text in (
        "Trích yếu là bắt buộc.",
        "Loại văn bản là bắt buộc.",
        "Độ khẩn không hợp lệ.",
        "Ngày không hợp lệ (định dạng dd/mm/yyyy).",
        "Người ký: lựa chọn không hợp lệ.",
    ):
        assert text in body, text
    # Secret documents are refused by the service, with its message.
    r = c.post("/van-ban-di/soan-thao/", form_data(org, secrecy="mat"))
    assert r.status_code == 200 and "Văn bản mật không được soạn thảo" in page(r)
    # A signer who is not a leader of the agency; an agency outside the exchange rules.
    r = c.post("/van-ban-di/soan-thao/", form_data(org, is_legal_normative="on"))
    assert "Công văn không phải văn bản quy phạm pháp luật." in page(r)
    org.stttt.exchange_only_with_parent = True
    org.stttt.save(update_fields=["exchange_only_with_parent"])
    r = c.post("/van-ban-di/soan-thao/", form_data(org, agencies=[org.stttt.pk]))
    assert "chỉ nhận văn bản từ cơ quan cấp trên trực tiếp" in page(r)
    assert not OutgoingDocument.objects.exists()
    # Tampered query parameters never give a 500.
    assert c.get("/van-ban-di/soan-thao/", {"reply_to": "abc"}).status_code == 404
    assert c.get("/van-ban-di/soan-thao/", {"related_to": "99999999999999999999999"}).status_code == 404


def test_create_with_every_kind_of_recipient_and_files(world, login):
    org = world
    field = Field.objects.create(agency=org.sxd, name="Đầu tư xây dựng")
    c = login(org.sxd_staff)
    r = c.post(
        "/van-ban-di/soan-thao/",
        {
            **form_data(
                org,
                field=field.pk,
                authority="KT",
                urgency="1",
                due_date="15/12/2026",
                externals="Bộ Xây dựng\n  \nNgân hàng Nhà nước chi nhánh Nghệ An\n",
            ),
            "units": [org.sxd_vp.pk],
            "people": [org.sxd_admin.pk],
            "agencies": [org.stttt.pk, org.province.pk],
            "files": [pdf("du-thao-bao-cao.pdf")],
            "related_files": [pdf("so-lieu-giai-ngan.pdf")],
        },
        follow=True,
    )
    assert r.status_code == 200
    doc = OutgoingDocument.objects.get()
    assert r.redirect_chain[-1][0] == f"/van-ban-di/{doc.pk}/"
    assert "Đã lưu dự thảo (phiên bản 1)." in page(r)
    assert doc.drafter == org.sxd_staff and doc.field == field and doc.authority == "KT"
    assert doc.due_date == dt.date(2026, 12, 15) and doc.versions.get().text == TEXT
    kinds = sorted((r.kind, r.name) for r in doc.recipients.all())
    assert kinds == sorted(
        [
            (RecipientKind.UNIT, org.sxd_vp.name),
            (RecipientKind.USER, str(org.sxd_admin)),
            (RecipientKind.AGENCY, org.stttt.name),
            (RecipientKind.AGENCY, org.province.name),
            (RecipientKind.EXTERNAL, "Bộ Xây dựng"),
            (RecipientKind.EXTERNAL, "Ngân hàng Nhà nước chi nhánh Nghệ An"),
        ]
    )
    body = page(r)
    assert "KT. " in body and "du-thao-bao-cao.pdf" in body and "so-lieu-giai-ngan.pdf" in body
    f = doc.files.get(kind="draft")
    d = c.get(f"/van-ban-di/{doc.pk}/tep/{f.pk}/")
    assert d.status_code == 200 and b"".join(d.streaming_content) == PDF
    # Edit the fields: recipients replaced.
    r = c.post(
        f"/van-ban-di/{doc.pk}/sua/",
        {**form_data(org, subject=SUBJECT + " (sửa)"), "text": "", "agencies": [org.stttt.pk]},
        follow=True,
    )
    assert "Đã cập nhật thông tin dự thảo." in page(r)
    doc.refresh_from_db()
    assert doc.subject.endswith("(sửa)") and list(doc.recipients.values_list("kind", flat=True)) == ["agency"]


def test_authority_prefix_in_signer_line(world, login):
    org = world
    doc = draft(org, authority="KT", signer_position="Phó Giám đốc")
    r = login(org.sxd_staff).get(f"/van-ban-di/{doc.pk}/")
    assert "KT. PHÓ GIÁM ĐỐC" in page(r)


# ---------------------------------------------------------------- full chain


def test_full_chain_through_the_screens(world, login):
    org = world
    staff, unit_leader, leader = login(org.sxd_staff), login(org.sxd_unit_leader), login(org.sxd_leader)
    staff.post("/van-ban-di/soan-thao/", form_data(org, agencies=[org.stttt.pk]))
    doc = OutgoingDocument.objects.get()
    # A reviewer cannot act before submission; the drafter submits.
    r = unit_leader.post(f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "x"}, follow=True)
    assert r.status_code == 200 and "Dự thảo không ở bước duyệt nào." in page(r)
    r = staff.post(f"/van-ban-di/{doc.pk}/trinh/", follow=True)
    assert "Đã trình duyệt dự thảo." in page(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW
    # The unit leader sees it in "chờ tôi duyệt" and returns it; the comment is required.
    r = unit_leader.get("/van-ban-di/cho-duyet/")
    assert page(r).count('data-testid="review-row"') == 1 and SUBJECT in page(r)
    detail = page(unit_leader.get(f"/van-ban-di/{doc.pk}/"))
    assert 'data-testid="approve"' in detail and 'data-testid="return"' in detail
    assert 'data-testid="submit"' not in detail
    r = unit_leader.post(f"/van-ban-di/{doc.pk}/tra-lai/", {"comment": ""}, follow=True)
    assert "Ghi rõ lý do trả lại, nội dung cần sửa." in page(r)
    r = unit_leader.post(
        f"/van-ban-di/{doc.pk}/tra-lai/", {"comment": "Bổ sung số liệu giải ngân đến 31/10."}, follow=True
    )
    assert "Đã trả lại người soạn thảo." in page(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.RETURNED
    # The drafter sees it under "Bị trả lại", revises (new version) and resubmits.
    r = staff.get("/van-ban-di/", {"hop": "returned"})
    assert page(r).count('data-testid="draft-row"') == 1
    assert page(staff.get("/van-ban-di/", {"hop": "in_review"})).count('data-testid="draft-row"') == 0
    r = staff.get(f"/van-ban-di/{doc.pk}/sua-noi-dung/")
    assert "Sở Xây dựng báo cáo như sau:" in page(r)
    r = staff.post(
        f"/van-ban-di/{doc.pk}/sua-noi-dung/",
        {"text": TEXT + "\n2. Giải ngân đến 31/10/2026 đạt 65%.", "note": "Bổ sung số liệu"},
        follow=True,
    )
    assert "Đã lưu phiên bản 2." in page(r)
    staff.post(f"/van-ban-di/{doc.pk}/trinh/")
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW and doc.review_round == 2
    # Approve, approve: the leader is the signer.
    r = leader.post(f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đồng ý"}, follow=True)
    assert "Bạn không phải người xử lý chính của bước duyệt này." in page(r)
    unit_leader.post(
        f"/van-ban-di/{doc.pk}/dong-y/",
        {"comment": "Đồng ý nội dung.", "disagreement": "Chuyên viên đề nghị giữ số liệu quý III."},
    )
    r = leader.post(f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đồng ý ký ban hành."}, follow=True)
    assert "Dự thảo đã được duyệt ký" in page(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED
    body = page(staff.get(f"/van-ban-di/{doc.pk}/"))
    assert 'data-testid="round-1"' in body and 'data-testid="round-2"' in body
    assert "Bổ sung số liệu giải ngân đến 31/10." in body and "Chuyên viên đề nghị giữ số liệu quý III." in body
    assert 'data-testid="submit"' not in body
    # Issued: number shown, the drafter confirms and attaches the original; delivery status per agency.
    doc = out.issue(org.sxd_clerk, doc)
    body = page(staff.get(f"/van-ban-di/{doc.pk}/"))
    assert doc.number_symbol in body and 'data-testid="issue-confirm"' in body
    assert '<span data-testid="delivery-status" class="text-success">Đã đến</span>' in body
    r = staff.post(f"/van-ban-di/{doc.pk}/xac-nhan/", {"files": [pdf("ban-goc-da-ky.pdf")]}, follow=True)
    official = f"{doc.code_number}-SXD-KHTC_{doc.issued_date:%d-%m-%Y}.pdf"  # the original, officially named
    assert "Đã xác nhận số, ngày văn bản." in page(r) and official in page(r) and "ban-goc-da-ky" not in page(r)
    internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt))
    assert "Đã tiếp nhận (vào sổ)" in page(staff.get(f"/van-ban-di/{doc.pk}/"))
    assert page(staff.get("/van-ban-di/", {"hop": "issued"})).count('data-testid="draft-row"') == 1


def test_diff_page_shows_who_changed_which_words_in_the_colours_of_the_regulations(world, login):
    """Word by word, not paragraph by paragraph: the head of the unit's edits in blue, the director's in red,
    the drafter's in green, each with its author; a legend; text in the page's font, not monospace."""
    org = world
    long_line = "Sở Xây dựng báo cáo tình hình giải ngân vốn đầu tư công mười tháng năm 2026 như sau:"
    doc = draft(org)
    out.revise(org.sxd_staff, doc, text=f"Kính gửi: Ủy ban nhân dân tỉnh\n{long_line}\n1. Tình hình chung.")
    doc = out.submit(org.sxd_staff, doc)
    out.revise(
        org.sxd_unit_leader,
        doc,
        text=f"Kính gửi: Ủy ban nhân dân tỉnh Nghệ An\n{long_line.replace('mười', '10')}\n1. Tình hình chung.",
    )
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    out.revise(
        org.sxd_leader,
        doc,
        text=f"Kính gửi: Ủy ban nhân dân tỉnh Nghệ An\n{long_line.replace('mười', '10').replace('báo cáo', 'kính báo cáo')}"
        "\n1. Tình hình chung.\n2. Kiến nghị.",
    )
    c = login(org.sxd_staff)
    body = page(c.get(f"/van-ban-di/{doc.pk}/so-sanh/", {"a": "2", "b": "4"}))
    tree = lxml.html.fromstring(body)
    (diff,) = tree.xpath('//*[@data-testid="diff"]')
    assert "font-monospace" not in diff.get("class")

    def changes(kind, level):
        return [
            " ".join(e.text_content().split()) for e in diff.xpath(f'.//*[@data-kind="{kind}"][@data-level="{level}"]')
        ]

    assert changes("added", "unit") == ["Nghệ An", "10"] and changes("removed", "unit") == ["mười"]
    assert changes("added", "agency") == ["kính", "2. Kiến nghị."]
    for e in diff.xpath('.//*[@data-level="unit"]'):
        assert "text-primary" in e.get("class") and "Phạm Văn Dũng" in e.get("title")
    for e in diff.xpath('.//*[@data-level="agency"]'):
        assert "text-danger" in e.get("class") and "Trần Thị Thu Hà" in e.get("title")
    # Only the words changed, never the whole line they are in.
    assert all(len(e.text_content()) < 20 for e in diff.xpath('.//*[@data-level="unit" or @data-level="agency"]'))
    legend = " ".join(tree.xpath('//*[@data-testid="diff-legend"]')[0].text_content().split())
    for text in ("Lãnh đạo đơn vị (xanh lam)", "Lãnh đạo cơ quan (đỏ)", "gạch chân: thêm vào", "gạch ngang: xóa đi"):
        assert text in legend, text
    authors = " ".join(tree.xpath('//*[@data-testid="diff-authors"]')[0].text_content().split())
    assert "Phiên bản 3: Phạm Văn Dũng — Lãnh đạo đơn vị, sửa tại bước" in authors
    assert "Phiên bản 4: Trần Thị Thu Hà — Lãnh đạo cơ quan, sửa tại bước" in authors
    # The texts read whole: the newer version is what is not struck out, the older what is not underlined.
    assert "".join(diff.xpath(".//text()[not(ancestor::del)]")) == doc.versions.get(number=4).text
    assert "".join(diff.xpath(".//text()[not(ancestor::ins)]")) == doc.versions.get(number=2).text
    # From the first version: the drafter's own changes in green; words the drafter added and a leader changed
    # afterwards shown as they ended up.
    tree = lxml.html.fromstring(page(c.get(f"/van-ban-di/{doc.pk}/so-sanh/", {"a": "1", "b": "4"})))
    authors = " ".join(tree.xpath('//*[@data-testid="diff-authors"]')[0].text_content().split())
    assert "Phiên bản 2: Hoàng Thị Lan — Người soạn thảo" in authors
    (diff,) = tree.xpath('//*[@data-testid="diff"]')
    assert diff.xpath('.//*[@data-level="other"]')
    assert all("text-success" in e.get("class") for e in diff.xpath('.//*[@data-level="other"]'))
    assert "".join(diff.xpath(".//text()[not(ancestor::del)]")) == doc.versions.get(number=4).text
    assert "".join(diff.xpath(".//text()[not(ancestor::ins)]")) == doc.versions.get(number=1).text

    # Newer against older: the differences only; the default is the latest two; bad numbers say so.
    body = page(c.get(f"/van-ban-di/{doc.pk}/so-sanh/", {"a": "4", "b": "1"}))
    assert 'data-testid="diff-authors"' not in body and 'data-kind="removed"' in body
    body = page(c.get(f"/van-ban-di/{doc.pk}/so-sanh/"))
    assert 'data-level="agency"' in body and 'data-level="unit"' not in body
    r = c.get(f"/van-ban-di/{doc.pk}/so-sanh/", {"a": "x", "b": "99"})
    assert r.status_code == 200 and "Phiên bản không hợp lệ" in page(r)


def test_consult_and_answer(world, login):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    ul = login(org.sxd_unit_leader)
    r = ul.post(f"/van-ban-di/{doc.pk}/xin-y-kien/", {"question": "Cho ý kiến về số liệu"}, follow=True)
    assert "Chọn người cần xin ý kiến." in page(r)
    r = ul.post(
        f"/van-ban-di/{doc.pk}/xin-y-kien/",
        {"users": [org.colleague.pk], "question": "Cho ý kiến về số liệu quý III."},
        follow=True,
    )
    assert "Đã gửi xin ý kiến." in page(r)
    consultation = Consultation.objects.get()
    colleague = login(org.colleague)
    r = colleague.get("/van-ban-di/cho-duyet/")
    assert page(r).count('data-testid="consult-row"') == 1
    body = page(colleague.get(f"/van-ban-di/{doc.pk}/"))
    assert 'data-testid="answer"' in body and 'data-testid="approve"' not in body
    # Someone else cannot answer it; an empty opinion is refused.
    r = login(org.sxd_staff).post(f"/van-ban-di/y-kien/{consultation.pk}/", {"opinion": "không phải tôi"}, follow=True)
    assert "Đây không phải yêu cầu xin ý kiến của bạn." in page(r)
    r = colleague.post(f"/van-ban-di/y-kien/{consultation.pk}/", {f"c{consultation.pk}-opinion": " "}, follow=True)
    assert "Nội dung ý kiến là bắt buộc." in page(r)
    r = colleague.post(
        f"/van-ban-di/y-kien/{consultation.pk}/",
        {f"c{consultation.pk}-opinion": "Số liệu quý III cần cập nhật theo Kho bạc."},
        follow=True,
    )
    assert "Đã gửi ý kiến." in page(r) and "Số liệu quý III cần cập nhật theo Kho bạc." in page(r)
    assert page(colleague.get("/van-ban-di/cho-duyet/")).count('data-testid="consult-row"') == 0
    # Comments on a version.
    r = colleague.post(
        f"/van-ban-di/{doc.pk}/gop-y/", {"version": "1", "text": "Sửa lỗi chính tả dòng 2."}, follow=True
    )
    assert "Đã ghi ý kiến góp ý." in page(r) and "Sửa lỗi chính tả dòng 2." in page(r)
    r = colleague.post(f"/van-ban-di/{doc.pk}/gop-y/", {"version": "7", "text": "x"}, follow=True)
    assert "Phiên bản không hợp lệ." in page(r)


# ---------------------------------------------------------------- permissions


def test_outsiders_get_404_and_other_staff_cannot_act(world, login):
    org = world
    doc = out.submit(org.sxd_staff, draft(org, files=[pdf()]))
    f = doc.files.get()
    outsider = login(org.ht_staff)
    for url in (
        f"/van-ban-di/{doc.pk}/",
        f"/van-ban-di/{doc.pk}/so-sanh/",
        f"/van-ban-di/{doc.pk}/tep/{f.pk}/",
        f"/van-ban-di/{doc.pk}/sua-noi-dung/",
        f"/van-ban-di/{doc.pk}/sua/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/van-ban-di/{doc.pk}/dong-y/").status_code == 404
    assert login(org.vp_staff).get(f"/van-ban-di/{doc.pk}/").status_code == 404
    # A colleague made visible through a consultation sees it, but cannot act on it.
    out.consult(org.sxd_unit_leader, doc, [org.vp_staff])
    vp = login(org.vp_staff)
    assert vp.get(f"/van-ban-di/{doc.pk}/").status_code == 200
    for url, data in (
        (f"/van-ban-di/{doc.pk}/dong-y/", {}),
        (f"/van-ban-di/{doc.pk}/tra-lai/", {"comment": "x"}),
        (f"/van-ban-di/{doc.pk}/trinh/", {}),
        (f"/van-ban-di/{doc.pk}/huy/", {}),
        (f"/van-ban-di/{doc.pk}/sua-noi-dung/", {"text": "x"}),
        (f"/van-ban-di/{doc.pk}/xac-nhan/", {}),
    ):
        r = vp.post(url, data, follow=True)
        assert r.status_code in (200, 403), url
        assert 'class="alert alert-danger' in page(r) or r.status_code == 403, url
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW and doc.versions.count() == 1
    assert ReviewStep.objects.get(document=doc, order=1).status == StepStatus.ACTIVE
    r = vp.get(f"/van-ban-di/{doc.pk}/sua/", follow=True)
    assert "Chỉ người soạn thảo được sửa thông tin" in page(r)
    # GET on an action is not allowed.
    assert vp.get(f"/van-ban-di/{doc.pk}/dong-y/").status_code == 405


def test_reply_to_prefill_and_link(world, login):
    org = world
    incoming_doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name=org.stttt.name,
        issuer_code=org.stttt.code,
        code_number="812",
        code_notation="STTTT-CNTT",
        issued_date=timezone.localdate() - dt.timedelta(days=3),
        doc_type=dtype(),
        subject="đề nghị báo cáo hiện trạng hạ tầng công nghệ thông tin",
        needs_reply=True,
        leader=org.sxd_leader,
        reply_due=timezone.localdate() + dt.timedelta(days=10),
    ).document
    leader = login(org.sxd_leader)
    body = page(leader.get(f"/van-ban-den/{incoming_doc.pk}/"))
    assert f'href="/van-ban-di/soan-thao/?reply_to={incoming_doc.pk}"' in body and "Soạn văn bản trả lời" in body
    r = leader.get("/van-ban-di/soan-thao/", {"reply_to": incoming_doc.pk})
    body = page(r)
    assert "V/v trả lời Văn bản số 812/STTTT-CNTT" in body and 'data-testid="reply-to"' in body
    assert f'<option value="{org.stttt.pk}" selected>' in body  # the sender agency preselected
    # Someone who cannot see the incoming document cannot reply to it.
    assert login(org.vp_staff).get("/van-ban-di/soan-thao/", {"reply_to": incoming_doc.pk}).status_code == 404
    r = leader.post(
        "/van-ban-di/soan-thao/",
        {
            **form_data(org, subject="V/v trả lời Công văn số 812/STTTT-CNTT"),
            "reply_to": incoming_doc.pk,
            "agencies": [org.stttt.pk],
        },
        follow=True,
    )
    doc = OutgoingDocument.objects.get()
    assert doc.reply_to == incoming_doc
    assert f'href="/van-ban-den/{incoming_doc.pk}/"' in page(r) and 'data-testid="reply-to-link"' in page(r)
    assert incoming_doc.replies.get().outgoing == doc


def test_replacing_document_prefill(world, login):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    doc = out.approve(org.sxd_unit_leader, doc)
    doc = out.issue(org.sxd_clerk, out.approve(org.sxd_leader, doc))
    c = login(org.sxd_staff)
    r = c.get("/van-ban-di/soan-thao/", {"related_to": doc.pk, "relation": "corrects"})
    assert f"Đính chính {doc.number_symbol}" in page(r)
    c.post(
        "/van-ban-di/soan-thao/", form_data(org, subject="Đính chính số liệu", related_to=doc.pk, relation="corrects")
    )
    fix = OutgoingDocument.objects.get(subject="Đính chính số liệu")
    assert fix.related_to == doc and fix.relation == "corrects"
    assert f'href="/van-ban-di/{fix.pk}/"' in page(c.get(f"/van-ban-di/{doc.pk}/"))


# ---------------------------------------------------------------- lists


def test_lists_filters_and_late_highlight(world, login):
    org = world
    late = out.submit(org.sxd_staff, draft(org))
    ReviewStep.objects.filter(document=late, status=StepStatus.ACTIVE).update(
        due_date=timezone.localdate() - dt.timedelta(days=2)
    )
    out.create_draft(org.sxd_staff, doc_type=dtype(), subject="Kế hoạch chuyển đổi số năm 2027", signer=org.sxd_leader)
    c = login(org.sxd_staff)
    body = page(c.get("/van-ban-di/"))
    assert body.count('data-testid="draft-row"') == 2 and 'data-testid="due-late"' in body
    assert 'class="table-danger"' in body
    body = page(c.get("/van-ban-di/", {"hop": "all", "q": "chuyển đổi số"}))
    assert body.count('data-testid="draft-row"') == 1
    r = c.get("/van-ban-di/", {"hop": "nonsense", "cursor": "%%%"})
    assert r.status_code == 200 and "Hộp văn bản không hợp lệ" in page(r)
    body = page(login(org.sxd_unit_leader).get("/van-ban-di/cho-duyet/"))
    assert body.count('data-testid="review-row"') == 1 and 'data-testid="due-late"' in body
    # Other people's drafts never appear in "my drafts".
    assert page(login(org.sxd_leader).get("/van-ban-di/")).count('data-testid="draft-row"') == 0


def test_list_queries_do_not_grow(world, login, django_assert_max_num_queries):
    org = world
    staff, unit_leader = login(org.sxd_staff), login(org.sxd_unit_leader)
    counts = {"/van-ban-di/": [], "/van-ban-di/cho-duyet/": []}
    made = 0
    for total in (3, 12):
        for i in range(made, total):
            doc = draft(org, subject=f"Báo cáo chuyên đề số {i + 1} về đầu tư công")
            out.submit(org.sxd_staff, doc)
            out.consult(org.sxd_unit_leader, doc, [org.colleague])
        made = total
        for url, client in (("/van-ban-di/", staff), ("/van-ban-di/cho-duyet/", unit_leader)):
            client.get(url)
            with django_assert_max_num_queries(14) as ctx:
                r = client.get(url)
            assert r.status_code == 200
            counts[url].append(len(ctx.captured_queries))
            assert not unbounded_counts(ctx.captured_queries)
        assert page(unit_leader.get("/van-ban-di/cho-duyet/")).count('data-testid="review-row"') == total
    colleague = login(org.colleague)
    assert page(colleague.get("/van-ban-di/cho-duyet/")).count('data-testid="consult-row"') == 12
    for url, values in counts.items():
        assert values[0] == values[1], (url, values)


def test_detail_queries_do_not_grow_with_versions_and_steps(world, login, django_assert_max_num_queries):
    org = world
    doc = out.submit(org.sxd_staff, draft(org, files=[pdf()]))
    c = login(org.sxd_unit_leader)
    counts = []
    for extra in (1, 6):
        for i in range(extra):
            version = out.revise(org.sxd_unit_leader, doc, text=TEXT + f"\n{i}. Bổ sung ý {i}.", files=[pdf()])
            out.add_comment(org.sxd_unit_leader, version, f"Góp ý cho phiên bản {version.number}.")
        c.get(f"/van-ban-di/{doc.pk}/")
        with django_assert_max_num_queries(30) as ctx:
            r = c.get(f"/van-ban-di/{doc.pk}/")
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
