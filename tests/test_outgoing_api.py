"""Outgoing documents API: the full cycle through HTTP only, versions and comments, consultation, deliveries,
review chains, scoping (404 for outsiders, 403 for the wrong actor), Vietnamese 400s and the schema."""

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.directory import services as directory
from vpdt.directory.models import Role
from vpdt.incoming.models import IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import diffing
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutgoingDocument, OutStatus, RecipientKind, ReviewChain
from vpdt.outgoing.services import RecipientSpec

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCS = "/api/v1/outgoing-documents/"
CONSULTATIONS = "/api/v1/outgoing-consultations/"
ARRIVALS = "/api/v1/exchange-arrivals/"
CHAINS = "/api/v1/review-chains/"
TEXT = "Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau:\n1. Tình hình chung."


def dtype(name):
    return DocumentType.objects.get(name=name)


@shared_data.over("org")
def world(org):
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.province_vp = directory.create_unit(None, org.province, name="Văn phòng UBND tỉnh", short_name="VP")
    org.province_clerk = make_person(org.province, "Trần Thị Mai", Role.CLERK, org.province_vp)
    org.sxd_expert = make_person(org.sxd, "Nguyễn Thị Phương", Role.STAFF, org.sxd_khtc)
    return org


def draft(
    org,
    *,
    doc_type="Công văn",
    subject="V/v báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2026",
    recipients=(),
    actor=None,
    **extra,
):
    actor = actor or org.sxd_staff
    extra.setdefault("signer", org.sxd_leader)
    return out.create_draft(
        actor, doc_type=dtype(doc_type), subject=subject, text=TEXT, recipients=list(recipients), **extra
    )


def approve_all(org, doc):
    doc = out.submit(org.sxd_staff, doc)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    return out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.")


def payload(org, **over):
    data = {
        "doc_type": dtype("Công văn").pk,
        "subject": "V/v đề nghị thẩm định hồ sơ thiết kế xây dựng trụ sở UBND huyện Nghi Lộc",
        "text": TEXT,
        "signer": org.sxd_leader.pk,
        "urgency": 0,
        "to_places": "Như trên; Lưu: VT, KHTC.",
        "recipients": [
            {"kind": "agency", "agency": org.stttt.pk},
            {"kind": "unit", "unit": org.sxd_vp.pk, "for_information": True},
            {"kind": "external", "name": "Báo Nghệ An", "email": "toasoan@baonghean.vn"},
        ],
    }
    data.update(over)
    return data


def ok(response, code=200):
    assert response.status_code == code, response.content.decode()[:2000]
    return response.json()


def ids(response):
    return [row["id"] for row in ok(response)["results"]]


# ------------------------------------------------------------------------------------------ full cycle


def test_full_cycle_through_the_api(world, api):
    org = world
    staff, unit_leader, leader = api(org.sxd_staff), api(org.sxd_unit_leader), api(org.sxd_leader)
    body = ok(staff.post(DOCS, payload(org), format="json"), 201)
    pk = body["id"]
    assert body["status"] == "drafting" and body["status_display"] == "Đang soạn thảo"
    assert [r["kind"] for r in body["recipients"]] == ["agency", "unit", "external"]
    assert body["recipients"][0]["status"] == "" and body["recipients"][0]["status_display"] == "Chưa gửi"
    assert [v["number"] for v in body["versions"]] == [1] and "text" not in body["versions"][0]

    plan = ok(staff.get(f"{DOCS}{pk}/plan/"))
    assert [(p["kind"], p["reviewer"]) for p in plan] == [
        ("unit_leader", org.sxd_unit_leader.pk),
        ("signer", org.sxd_leader.pk),
    ]

    body = ok(staff.post(f"{DOCS}{pk}/submit/"))
    assert body["status"] == "in_review" and body["current_reviewer"] == org.sxd_unit_leader.pk
    # The unit leader returns it with a reason.
    body = ok(
        unit_leader.post(f"{DOCS}{pk}/return/", {"comment": "Bổ sung số liệu giải ngân đến 31/10."}, format="json")
    )
    assert body["status"] == "returned"
    assert [(s["round"], s["status"]) for s in body["steps"]] == [(1, "returned"), (1, "cancelled")]
    # The drafter revises (multipart with a file) and submits again.
    upload = SimpleUploadedFile("du-thao-v2.pdf", PDF, content_type="application/pdf")
    version = ok(
        staff.post(
            f"{DOCS}{pk}/revise/",
            {"text": TEXT + "\n2. Số liệu giải ngân đến 31/10/2026.", "note": "Bổ sung số liệu", "files": [upload]},
            format="multipart",
        ),
        201,
    )
    assert version["number"] == 2 and version["text"].endswith("31/10/2026.")
    ok(staff.post(f"{DOCS}{pk}/submit/"))
    ok(unit_leader.post(f"{DOCS}{pk}/approve/", {"comment": "Đồng ý.", "disagreement": ""}, format="json"))
    body = ok(leader.post(f"{DOCS}{pk}/approve/", {"comment": "Đồng ý ký ban hành."}, format="json"))
    assert body["status"] == "approved" and {s["round"] for s in body["steps"]} == {1, 2}
    assert [f["name"] for f in body["files"]] == ["du-thao-v2.pdf"] and body["files"][0]["version"] == 2

    # The clerk issues; the recipient agency's clerk receives.
    clerk = api(org.sxd_clerk)
    assert pk in ids(clerk.get(DOCS, {"box": "to_issue"}))
    body = ok(clerk.post(f"{DOCS}{pk}/issue/", {}, format="json"))
    assert body["status"] == "issued" and body["number"] == 1 and body["number_symbol"] == "01/SXD-KHTC"
    assert body["recipients"][0]["status"] == "01"
    recipient_clerk = api(org.stttt_clerk)
    waiting = ok(recipient_clerk.get(ARRIVALS))["results"]
    assert [(w["kind"], w["number_symbol"], w["status"]) for w in waiting] == [("internal", "01/SXD-KHTC", "01")]
    assert waiting[0]["sender_name"] == "Sở Xây dựng tỉnh Nghệ An"
    assert waiting[0]["actions"] == ["receive", "refuse"]
    received = ok(recipient_clerk.post(f"{ARRIVALS}{waiting[0]['key']}/receive/", {}, format="json"), 201)
    incoming = IncomingDocument.objects.get(pk=received["incoming"])
    assert incoming.arrival_number == received["arrival_number"] and incoming.agency == org.stttt
    assert incoming.subject == payload(org)["subject"]

    body = ok(staff.get(f"{DOCS}{pk}/"))
    agency = body["recipients"][0]
    assert (agency["status"], agency["status_display"]) == ("03", "Đã tiếp nhận (vào sổ)")
    assert ok(recipient_clerk.get(ARRIVALS))["results"] == []
    # The drafter confirms with the final original.
    final = SimpleUploadedFile("ban-goc.pdf", PDF, content_type="application/pdf")
    body = ok(staff.post(f"{DOCS}{pk}/confirm/", {"files": [final]}, format="multipart"))
    assert body["confirmed_at"] and "final" in [f["kind"] for f in body["files"]]

    actions = [e["action"] for e in ok(staff.get(f"{DOCS}{pk}/trail/"))]
    assert actions[0] == "outgoing.create" and "outgoing.issue" in actions
    assert actions.count("outgoing.submit") == 2 and "outgoing.step.return" in actions
    trail = ok(staff.get(f"{DOCS}{pk}/trail/"))
    assert trail[0]["label"] == "Tạo dự thảo" and "Hoàng Thị Lan" in trail[0]["who"]
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)


def test_create_multipart_with_json_recipients_and_files(world, api):
    org = world
    data = payload(org)
    data["recipients"] = json.dumps(data["recipients"])
    data["files"] = [SimpleUploadedFile("du-thao.pdf", PDF, content_type="application/pdf")]
    data["related_files"] = [SimpleUploadedFile("to-trinh.pdf", PDF, content_type="application/pdf")]
    body = ok(api(org.sxd_staff).post(DOCS, data, format="multipart"), 201)
    assert len(body["recipients"]) == 3
    assert sorted((f["kind"], f["name"]) for f in body["files"]) == [
        ("draft", "du-thao.pdf"),
        ("related", "to-trinh.pdf"),
    ]


def test_update_draft_and_recipients(world, api):
    org = world
    staff = api(org.sxd_staff)
    pk = ok(staff.post(DOCS, payload(org), format="json"), 201)["id"]
    body = ok(
        staff.patch(
            f"{DOCS}{pk}/",
            {"subject": "V/v bổ sung hồ sơ thẩm định", "recipients": [{"kind": "agency", "agency": org.province.pk}]},
            format="json",
        )
    )
    assert body["subject"] == "V/v bổ sung hồ sơ thẩm định"
    assert [r["agency"] for r in body["recipients"]] == [org.province.pk]
    # Without recipients, they stay.
    body = ok(staff.patch(f"{DOCS}{pk}/", {"page_amount": 3}, format="json"))
    assert body["page_amount"] == 3 and len(body["recipients"]) == 1
    # Others may not edit; once submitted nobody may.
    assert api(org.sxd_unit_leader).patch(f"{DOCS}{pk}/", {"subject": "Sửa"}, format="json").status_code == 403
    ok(staff.post(f"{DOCS}{pk}/submit/"))
    response = staff.patch(f"{DOCS}{pk}/", {"subject": "Sửa sau khi trình"}, format="json")
    assert response.status_code == 400 and "không sửa được" in response.json()["detail"][0]


def test_cancel_by_drafter(world, api):
    org = world
    doc = draft(org)
    assert api(org.sxd_unit_leader).post(f"{DOCS}{doc.pk}/cancel/", {}, format="json").status_code == 403
    body = ok(api(org.sxd_staff).post(f"{DOCS}{doc.pk}/cancel/", {"reason": "Trùng nội dung"}, format="json"))
    assert body["status"] == "cancelled"


# ------------------------------------------------------------------------------------------ versions, comments


def test_versions_diff_and_comments(world, api):
    org = world
    doc = draft(org)
    out.revise(org.sxd_staff, doc, text=TEXT.replace("như sau:", ":") + "\n2. Kiến nghị.", note="Sửa câu")
    staff = api(org.sxd_staff)
    versions = ok(staff.get(f"{DOCS}{doc.pk}/versions/"))
    assert [(v["number"], v["note"]) for v in versions] == [(1, "Dự thảo lần đầu"), (2, "Sửa câu")]
    assert "text" not in versions[0]
    v1 = ok(staff.get(f"{DOCS}{doc.pk}/versions/1/"))
    assert v1["text"] == TEXT
    assert staff.get(f"{DOCS}{doc.pk}/versions/9/").status_code == 404
    body = ok(staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 1, "b": 2}))
    changes = [(p["kind"], p["text"].strip(), p["version"], p["level"]) for p in body["pieces"] if p["kind"] != "same"]
    assert changes == [("removed", "như sau", 2, "drafter"), ("added", "2. Kiến nghị.", 2, "drafter")]
    assert ok(staff.get(f"{DOCS}{doc.pk}/diff/")) == body  # defaults: latest vs previous
    response = staff.get(f"{DOCS}{doc.pk}/diff/", {"a": "một"})
    assert response.status_code == 400 and "không hợp lệ" in response.json()["a"][0]
    assert staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 1, "b": 7}).status_code == 404

    out.submit(org.sxd_staff, doc)
    reviewer = api(org.sxd_unit_leader)
    comment = ok(
        reviewer.post(f"{DOCS}{doc.pk}/comments/", {"version": 1, "text": "Đề nghị bỏ mục 2."}, format="json"), 201
    )
    assert comment["version"] == 1 and comment["author_name"] == "Phạm Văn Dũng"
    ok(staff.post(f"{DOCS}{doc.pk}/comments/", {"text": "Đã tiếp thu."}, format="json"), 201)
    rows = ok(staff.get(f"{DOCS}{doc.pk}/comments/"))
    assert [(c["version"], c["text"]) for c in rows] == [(1, "Đề nghị bỏ mục 2."), (2, "Đã tiếp thu.")]
    response = staff.post(f"{DOCS}{doc.pk}/comments/", {"text": "   "}, format="json")
    assert response.status_code == 400 and response.json()["text"] == ["Nội dung ý kiến là bắt buộc."]


# ------------------------------------------------------------------------------------------ consultation


def test_consult_and_answer(world, api):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    reviewer = api(org.sxd_unit_leader)
    created = ok(
        reviewer.post(
            f"{DOCS}{doc.pk}/consult/",
            {"users": [org.sxd_expert.pk], "question": "Số liệu quý III đã đúng chưa?"},
            format="json",
        ),
        201,
    )
    assert [c["user"] for c in created] == [org.sxd_expert.pk]
    # Only the main handler of the active step consults.
    assert (
        api(org.sxd_staff).post(f"{DOCS}{doc.pk}/consult/", {"users": [org.sxd_expert.pk]}, format="json").status_code
        == 403
    )
    expert = api(org.sxd_expert)
    rows = ok(expert.get(CONSULTATIONS, {"state": "open"}))["results"]
    assert [(r["document"], r["requested_by_name"]) for r in rows] == [(doc.pk, "Phạm Văn Dũng")]
    # The consulted person now sees the document.
    ok(expert.get(f"{DOCS}{doc.pk}/"))
    response = expert.post(f"{CONSULTATIONS}{rows[0]['id']}/answer/", {"opinion": ""}, format="json")
    assert response.status_code == 400 and "bắt buộc" in response.json()["opinion"][0]
    body = ok(
        expert.post(
            f"{CONSULTATIONS}{rows[0]['id']}/answer/",
            {"opinion": "Số liệu quý III khớp với báo cáo của Kho bạc."},
            format="json",
        )
    )
    assert body["answered_at"] and body["opinion"].startswith("Số liệu")
    assert ok(expert.get(CONSULTATIONS, {"state": "open"}))["results"] == []
    assert len(ok(expert.get(CONSULTATIONS, {"state": "answered"}))["results"]) == 1
    assert expert.get(CONSULTATIONS, {"state": "xyz"}).status_code == 400
    # Someone else cannot answer it (not even see it).
    assert (
        api(org.sxd_staff)
        .post(f"{CONSULTATIONS}{rows[0]['id']}/answer/", {"opinion": "Tôi trả lời"}, format="json")
        .status_code
        == 404
    )
    detail = ok(reviewer.get(f"{DOCS}{doc.pk}/"))
    assert detail["steps"][0]["consultations"][0]["opinion"].startswith("Số liệu")


# ------------------------------------------------------------------------------------------ deliveries


def test_refuse_recall_and_confirm_recall(world, api):
    org = world
    doc = approve_all(
        org,
        draft(
            org,
            recipients=[
                RecipientSpec(RecipientKind.AGENCY, agency=org.stttt),
                RecipientSpec(RecipientKind.AGENCY, agency=org.province),
            ],
        ),
    )
    doc = out.issue(org.sxd_clerk, doc)
    stttt = doc.recipients.get(agency=org.stttt)
    province = doc.recipients.get(agency=org.province)
    # The sender's clerk sees the delivery but may not receive it.
    assert api(org.sxd_clerk).post(f"{ARRIVALS}internal-{stttt.pk}/receive/", {}, format="json").status_code == 403
    # An outsider doesn't see it.
    assert api(org.ht_staff).post(f"{ARRIVALS}internal-{stttt.pk}/receive/", {}, format="json").status_code == 404
    province_clerk = api(org.province_clerk)
    response = province_clerk.post(f"{ARRIVALS}internal-{province.pk}/refuse/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "lý do" in response.json()["reason"][0]
    body = ok(
        province_clerk.post(
            f"{ARRIVALS}internal-{province.pk}/refuse/", {"reason": "Không đúng thẩm quyền."}, format="json"
        )
    )
    assert body["status"] == "02" and province.__class__.objects.get(pk=province.pk).status == "02"
    stttt_clerk = api(org.stttt_clerk)
    ok(stttt_clerk.post(f"{ARRIVALS}internal-{stttt.pk}/receive/", {}, format="json"), 201)
    # Recall: not by the drafter; by the leader.
    assert (
        api(org.sxd_staff).post(f"{DOCS}{doc.pk}/recall/", {"reason": "Sai số liệu"}, format="json").status_code == 403
    )
    body = ok(api(org.sxd_leader).post(f"{DOCS}{doc.pk}/recall/", {"reason": "Sai số liệu phụ lục."}, format="json"))
    assert body["status"] == "recalled"
    recalls = ok(stttt_clerk.get(ARRIVALS, {"box": "recalls"}))["results"]
    assert [(r["key"], r["status"], r["actions"]) for r in recalls] == [
        (f"internal-{stttt.pk}", "13", ["confirm_recall", "refuse_recall"])
    ]
    body = ok(stttt_clerk.post(f"{ARRIVALS}internal-{stttt.pk}/confirm-recall/"))
    assert body["status"] == "15"
    assert stttt_clerk.get(ARRIVALS, {"box": "xyz"}).status_code == 400


def test_receive_duplicate_gives_409(world, api):
    org = world
    doc = out.issue(
        org.sxd_clerk, approve_all(org, draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)]))
    )
    recipient = doc.recipients.get()
    from vpdt.incoming import services as incoming

    incoming.register_document(
        org.stttt_clerk,
        agency=org.stttt,
        issuer_name=doc.agency.name,
        issuer_code=doc.agency.code,
        code_number=doc.code_number,
        code_notation=doc.code_notation,
        issued_date=doc.issued_date,
        doc_type=doc.doc_type,
        subject=doc.subject,
    )
    clerk = api(org.stttt_clerk)
    response = clerk.post(f"{ARRIVALS}internal-{recipient.pk}/receive/", {}, format="json")
    assert response.status_code == 409 and "trùng" in response.json()["detail"]
    ok(clerk.post(f"{ARRIVALS}internal-{recipient.pk}/receive/", {"confirm_duplicate": True}, format="json"), 201)


# ------------------------------------------------------------------------------------------ errors and scoping


def test_bad_payloads_give_vietnamese_400s(world, api):
    org = world
    staff = api(org.sxd_staff)
    response = staff.post(DOCS, payload(org, subject="  "), format="json")
    assert response.status_code == 400 and response.json()["subject"] == ["Trích yếu là bắt buộc."]
    response = staff.post(DOCS, {k: v for k, v in payload(org).items() if k != "doc_type"}, format="json")
    assert response.status_code == 400 and response.json()["doc_type"] == ["Loại văn bản là bắt buộc."]
    response = staff.post(DOCS, payload(org, recipients=[{"kind": "fax", "name": "Sở Tài chính"}]), format="json")
    assert response.status_code == 400
    assert "Loại nơi nhận không hợp lệ" in json.dumps(response.json(), ensure_ascii=False)
    response = staff.post(DOCS, payload(org, recipients=[{"kind": "agency", "agency": 999999}]), format="json")
    assert response.status_code == 400 and "Cơ quan nhận không tồn tại." in json.dumps(
        response.json(), ensure_ascii=False
    )
    response = staff.post(DOCS, payload(org, recipients=[{"kind": "agency"}]), format="json")
    assert response.status_code == 400 and "Cơ quan nhận không hợp lệ" in response.json()["recipients"][0]
    response = staff.post(DOCS, payload(org, signer="abc"), format="json")
    assert response.status_code == 400 and response.json()["signer"] == ["Người ký không hợp lệ."]
    response = staff.post(DOCS, payload(org, doc_type=10**9), format="json")
    assert response.status_code == 400 and response.json()["doc_type"] == ["Loại văn bản không tồn tại."]
    response = staff.post(DOCS, payload(org, reply_to=10**6), format="json")
    assert response.status_code == 400
    assert response.json()["reply_to"] == ["Văn bản đến cần trả lời không tồn tại."]
    response = staff.post(DOCS, payload(org, urgency=9), format="json")
    assert response.status_code == 400 and "Độ khẩn" in response.json()["urgency"][0]
    response = staff.post(DOCS, payload(org, secrecy="mat"), format="json")
    assert response.status_code == 400 and "Văn bản mật" in response.json()["secrecy"][0]
    response = staff.post(DOCS, payload(org, secrecy="A"), format="json")
    assert response.status_code == 400 and response.json()["secrecy"] == ["Độ mật không hợp lệ."]
    response = staff.post(DOCS, payload(org, recipients="không phải danh sách"), format="json")
    assert response.status_code == 400
    response = staff.post(DOCS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Dữ liệu gửi lên không đúng định dạng."
    response = staff.post(DOCS, "[1, 2]", content_type="application/json")
    assert response.status_code == 400 and "đối tượng JSON" in response.json()["detail"]
    response = staff.post(DOCS, {**payload(org), "recipients": "[{bad"}, format="multipart")
    assert response.status_code == 400 and "JSON" in response.json()["recipients"][0]
    response = staff.post(DOCS, payload(org, issued_date="31/02/2026", due_date="31/02/2026"), format="json")
    assert response.status_code == 400 and "dd/mm/yyyy" in response.json()["due_date"][0]
    assert not OutgoingDocument.objects.exists()
    # Submitting without a signer, issuing unapproved.
    doc = draft(org, signer=None)
    response = staff.post(f"{DOCS}{doc.pk}/submit/")
    assert response.status_code == 400 and response.json()["signer"] == ["Chọn người ký trước khi trình."]
    response = staff.post(f"{DOCS}{doc.pk}/return/", {"comment": ""}, format="json")
    assert response.status_code == 400 and "lý do" in response.json()["comment"][0]
    response = staff.post(f"{DOCS}{doc.pk}/consult/", {"users": "abc"}, format="json")
    assert response.status_code == 400


def test_wrong_actor_gets_403(world, api):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    # The signer sees the document but it is not their turn.
    response = api(org.sxd_leader).post(f"{DOCS}{doc.pk}/approve/", {}, format="json")
    assert response.status_code == 403 and "người xử lý chính" in response.json()["detail"]
    assert api(org.sxd_staff).post(f"{DOCS}{doc.pk}/approve/", {}, format="json").status_code == 403
    doc = out.approve(org.sxd_leader, out.approve(org.sxd_unit_leader, doc))
    # The leader sees it (whole agency) but only the clerk issues.
    response = api(org.sxd_leader).post(f"{DOCS}{doc.pk}/issue/", {}, format="json")
    assert response.status_code == 403 and "văn thư" in response.json()["detail"]
    next_month = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    response = api(org.sxd_clerk).post(f"{DOCS}{doc.pk}/issue/", {"issued_date": next_month}, format="json")
    assert response.status_code == 400 and "tương lai" in response.json()["issued_date"][0]
    response = api(org.sxd_clerk).post(f"{DOCS}{doc.pk}/confirm/", {}, format="json")
    assert response.status_code == 403


DETAIL_ACTIONS = [
    ("get", ""),
    ("patch", ""),
    ("post", "submit/"),
    ("post", "approve/"),
    ("post", "return/"),
    ("post", "revise/"),
    ("post", "consult/"),
    ("post", "cancel/"),
    ("post", "issue/"),
    ("post", "confirm/"),
    ("post", "recall/"),
    ("get", "versions/"),
    ("get", "versions/1/"),
    ("get", "diff/"),
    ("get", "comments/"),
    ("post", "comments/"),
    ("get", "plan/"),
    ("get", "trail/"),
]


def test_outsiders_get_404_on_every_detail_action(world, api):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    for user in (org.ht_staff, org.sxd_expert, org.stttt_clerk, org.sxd_clerk):
        client = api(user)
        for method, path in DETAIL_ACTIONS:
            response = getattr(client, method)(f"{DOCS}{doc.pk}/{path}", {}, format="json")
            assert response.status_code == 404, (user.full_name, method, path, response.content)
            assert response.json()["detail"] == "Không tìm thấy đối tượng (hoặc bạn không có quyền xem)."
    assert api(org.ht_staff).get(f"{DOCS}999999/").status_code == 404
    assert api(org.ht_staff).get(DOCS).json()["results"] == []


def test_list_filters_boxes_and_keyset_next_page(world, api):
    org = world
    docs = [draft(org, subject=f"V/v báo cáo tiến độ dự án số {n}") for n in range(5)]
    report = draft(org, doc_type="Báo cáo", subject="Báo cáo tổng kết công tác xây dựng năm 2026")
    out.submit(org.sxd_staff, docs[0])
    staff = api(org.sxd_staff)
    first = ok(staff.get(DOCS, {"page_size": 4}))
    assert [r["id"] for r in first["results"]] == [report.pk, docs[4].pk, docs[3].pk, docs[2].pk]
    assert "text" not in first["results"][0] and "recipients" not in first["results"][0]
    second = ok(staff.get(first["next"]))
    assert [r["id"] for r in second["results"]] == [docs[1].pk, docs[0].pk] and second["next"] is None
    assert ids(staff.get(DOCS, {"status": "in_review"})) == [docs[0].pk]
    assert ids(staff.get(DOCS, {"doc_type": dtype("Báo cáo").pk})) == [report.pk]
    assert ids(staff.get(DOCS, {"q": "tổng kết"})) == [report.pk]
    assert len(ids(staff.get(DOCS, {"box": "mine", "year": docs[0].created_at.year}))) == 6
    assert ids(api(org.sxd_unit_leader).get(DOCS, {"box": "to_review"})) == [docs[0].pk]
    assert ids(api(org.sxd_leader).get(DOCS, {"box": "to_review"})) == []
    assert ids(api(org.sxd_clerk).get(DOCS, {"box": "to_issue"})) == []
    for params, key in (
        ({"status": "xong"}, "status"),
        ({"box": "all"}, "box"),
        ({"year": "năm"}, "year"),
        ({"doc_type": "x"}, "doc_type"),
    ):
        response = staff.get(DOCS, params)
        assert response.status_code == 400 and "không hợp lệ" in response.json()[key][0]
    assert staff.get(DOCS, {"cursor": "rác"}).status_code == 404


# ------------------------------------------------------------------------------------------ review chains


def chain_payload(org, **over):
    data = {
        "name": "Quy trình ban hành quyết định của Sở",
        "doc_type": dtype("Quyết định").pk,
        "steps": [
            {"label": "Trưởng phòng duyệt nội dung", "kind": "unit_leader"},
            {"label": "Văn phòng kiểm tra thể thức", "kind": "user", "user": org.sxd_clerk.pk, "days": 2},
            {"label": "Giám đốc ký", "kind": "signer"},
        ],
    }
    data.update(over)
    return data


def test_review_chain_management(world, api):
    org = world
    admin, clerk = api(org.sxd_admin), api(org.sxd_clerk)
    body = ok(admin.post(CHAINS, chain_payload(org), format="json"), 201)
    assert body["agency"] == org.sxd.pk and [s["kind"] for s in body["steps"]] == ["unit_leader", "user", "signer"]
    assert body["steps"][1]["user_name"] == "Lê Thị Hồng Nhung" and body["steps"][1]["days"] == 2
    assert JournalEntry.objects.filter(action="outgoing.chain.create", object_id=str(body["id"])).exists()
    # One active chain per type.
    response = clerk.post(CHAINS, chain_payload(org, name="Quy trình thứ hai"), format="json")
    assert response.status_code == 400 and "đã có quy trình duyệt đang dùng" in response.json()["doc_type"][0]
    # A general chain (no doc type) too: only one.
    ok(clerk.post(CHAINS, chain_payload(org, name="Quy trình chung", doc_type=None), format="json"), 201)
    response = clerk.post(CHAINS, chain_payload(org, name="Quy trình chung 2", doc_type=None), format="json")
    assert response.status_code == 400
    # Validation.
    response = admin.post(CHAINS, chain_payload(org, doc_type=dtype("Tờ trình").pk, steps=[]), format="json")
    assert response.status_code == 400 and response.json()["steps"] == ["Quy trình phải có ít nhất một bước."]
    response = admin.post(
        CHAINS,
        chain_payload(org, doc_type=dtype("Tờ trình").pk, steps=[{"label": "Duyệt", "kind": "boss"}]),
        format="json",
    )
    assert response.status_code == 400 and "người xử lý không hợp lệ" in response.json()["steps"][0]
    response = admin.post(
        CHAINS,
        chain_payload(
            org, doc_type=dtype("Tờ trình").pk, steps=[{"label": "Duyệt", "kind": "user", "user": org.stttt_staff.pk}]
        ),
        format="json",
    )
    assert response.status_code == 400 and "phải là cán bộ" in response.json()["steps"][0]
    response = admin.post(
        CHAINS,
        chain_payload(org, doc_type=dtype("Tờ trình").pk, steps=[{"label": "Duyệt", "kind": "user"}]),
        format="json",
    )
    assert response.status_code == 400 and "chọn người được chỉ định" in response.json()["steps"][0]
    response = admin.post(CHAINS, chain_payload(org, name=" "), format="json")
    assert response.status_code == 400 and response.json()["name"] == ["Tên quy trình là bắt buộc."]
    # Staff may read their agency's chains but not manage them; other agencies see nothing.
    chain_id = body["id"]
    assert len(ids(api(org.sxd_staff).get(CHAINS))) == 2
    response = api(org.sxd_staff).post(CHAINS, chain_payload(org, doc_type=dtype("Tờ trình").pk), format="json")
    assert response.status_code == 403 and "quản trị hoặc văn thư" in response.json()["detail"]
    assert api(org.sxd_staff).post(f"{CHAINS}{chain_id}/deactivate/").status_code == 403
    assert api(org.ht_staff).get(f"{CHAINS}{chain_id}/").status_code == 404
    assert ids(api(org.ht_staff).get(CHAINS)) == []
    # Update steps; deactivate, then a new one may take its place; the old cannot come back.
    body = ok(
        clerk.patch(f"{CHAINS}{chain_id}/", {"steps": [{"label": "Giám đốc ký", "kind": "signer"}]}, format="json")
    )
    assert [s["label"] for s in body["steps"]] == ["Giám đốc ký"]
    assert ok(admin.post(f"{CHAINS}{chain_id}/deactivate/"))["is_active"] is False
    ok(admin.post(CHAINS, chain_payload(org, name="Quy trình mới"), format="json"), 201)
    response = admin.post(f"{CHAINS}{chain_id}/activate/")
    assert response.status_code == 400 and "đang dùng" in response.json()["doc_type"][0]
    assert ReviewChain.objects.filter(agency=org.sxd, is_active=True).count() == 2

    # The configured chain drives the plan.
    doc = draft(org, doc_type="Quyết định", subject="Quyết định phê duyệt kế hoạch kiểm tra năm 2027")
    plan = ok(api(org.sxd_staff).get(f"{DOCS}{doc.pk}/plan/"))
    assert [(p["label"], p["reviewer"]) for p in plan] == [
        ("Trưởng phòng duyệt nội dung", org.sxd_unit_leader.pk),
        ("Văn phòng kiểm tra thể thức", org.sxd_clerk.pk),
        ("Giám đốc ký", org.sxd_leader.pk),
    ]


def test_the_diff_is_the_pages_word_diff_with_each_change_s_author_and_level(world, api, login):
    """The API compares versions as the "So sánh phiên bản" page does: word by word, each change with the
    version, the person and the level (drafter, head of the unit: blue pen, agency leader: red pen) that made it."""
    org = world
    line = "Sở Xây dựng báo cáo tình hình giải ngân vốn đầu tư công mười tháng năm 2026 như sau:"
    doc = draft(org)
    out.revise(org.sxd_staff, doc, text=f"Kính gửi: Ủy ban nhân dân tỉnh\n{line}\n1. Tình hình chung.")
    doc = out.submit(org.sxd_staff, doc)
    v3 = f"Kính gửi: Ủy ban nhân dân tỉnh Nghệ An\n{line.replace('mười', '10')}\n1. Tình hình chung."
    out.revise(org.sxd_unit_leader, doc, text=v3)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    v4 = v3.replace("báo cáo", "kính báo cáo") + "\n2. Kiến nghị."
    out.revise(org.sxd_leader, doc, text=v4)
    staff = api(org.sxd_staff)

    body = ok(staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 1, "b": 4}))
    assert (body["a"], body["b"], body["attributed"], body["changed"]) == (1, 4, True, True)
    steps = {s.reviewer_id: s for s in doc.steps.all()}
    assert [
        (a["version"], a["author"], a["author_name"], a["level"], a["level_display"], a["step"])
        for a in body["authors"]
    ] == [
        (2, org.sxd_staff.pk, "Hoàng Thị Lan", "drafter", "Người soạn thảo", None),
        (
            3,
            org.sxd_unit_leader.pk,
            "Phạm Văn Dũng",
            "unit_leader",
            "Lãnh đạo đơn vị",
            steps[org.sxd_unit_leader.pk].pk,
        ),
        (4, org.sxd_leader.pk, "Trần Thị Thu Hà", "agency_leader", "Lãnh đạo cơ quan", steps[org.sxd_leader.pk].pk),
    ]
    assert body["authors"][1]["step_label"] == steps[org.sxd_unit_leader.pk].label

    def changes(level):
        return [(p["kind"], p["text"].strip()) for p in body["pieces"] if p["level"] == level]

    assert changes("unit_leader") == [("added", "Nghệ An"), ("added", "10")]  # "mười" was never in version 1
    assert changes("agency_leader") == [("added", "kính"), ("added", "2. Kiến nghị.")]
    assert ("added", "tình hình giải ngân vốn đầu tư công") in changes("drafter")
    from_2 = ok(staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 2, "b": 4}))
    assert [a["version"] for a in from_2["authors"]] == [3, 4]
    assert [(p["kind"], p["text"].strip()) for p in from_2["pieces"] if p["level"] == "unit_leader"] == [
        ("added", "Nghệ An"),
        ("removed", "mười"),
        ("added", "10"),
    ]
    for p in body["pieces"]:
        if p["kind"] == "same":
            assert p["version"] is p["author"] is p["level"] is None
        else:
            who = {2: org.sxd_staff, 3: org.sxd_unit_leader, 4: org.sxd_leader}[p["version"]]
            assert (p["author"], p["author_name"]) == (who.pk, who.full_name)
    # The texts read whole, and the pieces are the page's, word for word.
    assert "".join(p["text"] for p in body["pieces"] if p["kind"] != "removed") == v4
    assert "".join(p["text"] for p in body["pieces"] if p["kind"] != "added") == doc.versions.get(number=1).text
    page = diffing.compare(doc, 1, 4).pieces
    assert [(p["kind"], p["text"], p["version"]) for p in body["pieces"]] == [
        (p.kind, p.text, p.version.number if p.version else None) for p in page
    ]
    html = login(org.sxd_staff).get(f"/van-ban-di/{doc.pk}/so-sanh/", {"a": "1", "b": "4"}).content.decode()
    assert html.count("<ins ") == sum(p["kind"] == "added" for p in body["pieces"])
    assert html.count("<del ") == sum(p["kind"] == "removed" for p in body["pieces"])

    # Newer against older: the differences only, no authors; the same version: nothing changed.
    back = ok(staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 4, "b": 1}))
    assert back["attributed"] is False and back["authors"] == [] and back["changed"] is True
    assert all(p["version"] is None and p["level"] is None for p in back["pieces"])
    assert "".join(p["text"] for p in back["pieces"] if p["kind"] != "removed") == doc.versions.get(number=1).text
    same = ok(staff.get(f"{DOCS}{doc.pk}/diff/", {"a": 3, "b": 3}))
    assert same["changed"] is False and same["authors"] == [] and "".join(p["text"] for p in same["pieces"]) == v3
    # Defaults: the latest against the one before; an outsider sees nothing.
    latest = ok(staff.get(f"{DOCS}{doc.pk}/diff/"))
    assert (latest["a"], latest["b"]) == (3, 4) and {a["level"] for a in latest["authors"]} == {"agency_leader"}
    assert api(org.ht_staff).get(f"{DOCS}{doc.pk}/diff/").status_code == 404


def test_the_diff_names_a_designated_reviewer_by_the_position_they_hold(world, api):
    org = world
    doc = draft(org)
    doc = out.submit(org.sxd_staff, doc)
    step = doc.steps.get(status="active")
    step.kind = "user"  # a reviewer designated by name, holding no leader position
    step.reviewer = org.sxd_clerk
    step.save(update_fields=["kind", "reviewer"])
    out.revise(org.sxd_clerk, doc, text=TEXT + "\n2. Đề xuất.")
    body = ok(api(org.sxd_staff).get(f"{DOCS}{doc.pk}/diff/", {"a": 1, "b": 2}))
    assert [(a["level"], a["level_display"]) for a in body["authors"]] == [("reviewer", "Người duyệt")]
    assert {p["level"] for p in body["pieces"] if p["kind"] != "same"} == {"reviewer"}


def test_the_schema_describes_the_word_diff(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    diff = components["OutgoingDiff"]["properties"]
    assert set(diff) == {"a", "b", "attributed", "changed", "authors", "pieces"}
    piece = components["OutgoingDiffPiece"]["properties"]
    assert {"kind", "text", "version", "author", "author_name", "level"} <= set(piece)
    for name in ("drafter", "unit_leader", "agency_leader"):
        assert name in piece["level"]["description"]
    assert "theo từ" in schema["paths"]["/api/v1/outgoing-documents/{id}/diff/"]["get"]["description"]


# ------------------------------------------------------------------------------------------ schema


def test_schema_generates_without_warnings(db, capsys, tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    for path in (
        "/api/v1/outgoing-documents/{id}/diff/",
        "/api/v1/outgoing-documents/{id}/versions/{number}/",
        "/api/v1/exchange-arrivals/{key}/confirm-recall/",
        "/api/v1/exchange-arrivals/{key}/refuse-recall/",
        "/api/v1/review-chains/{id}/deactivate/",
        "/api/v1/outgoing-consultations/{id}/answer/",
    ):
        assert path in text
    assert "Warning" not in capsys.readouterr().err


def test_schema_endpoint(world, api):
    response = api(world.sxd_staff).get("/api/v1/schema/")
    assert response.status_code == 200 and b"outgoing-documents" in response.content
    assert OutStatus.ISSUED == "issued"


def looks_vietnamese(text: str) -> bool:
    return any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def messages(body) -> list[str]:
    if isinstance(body, dict):
        return [m for v in body.values() for m in messages(v)]
    if isinstance(body, list):
        return [m for v in body for m in messages(v)]
    return [str(body)]


GARBAGE = [
    None,
    "",
    "\x00",
    "x" * 5000,
    10**30,
    -1,
    [],
    ["x"],
    [None],
    {"a": 1},
    [{"kind": "user"}],
    [{"kind": "agency", "agency": "\x00"}],
    [{"label": "", "kind": "user", "user": 10**12}],
    True,
]


def test_garbage_never_gives_500_and_is_explained_in_vietnamese(world, api):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    issued = out.issue(
        org.sxd_clerk, approve_all(org, draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)]))
    )
    chain = ReviewChain.objects.create(agency=org.sxd, name="Quy trình chung")
    failures = set()
    targets = [
        (
            api(org.sxd_staff),
            "post",
            DOCS,
            [
                "subject",
                "doc_type",
                "recipients",
                "signer",
                "urgency",
                "text",
                "due_date",
                "reply_to",
                "related_to",
                "relation",
                "page_amount",
                "files",
                "related_files",
            ],
        ),
        (api(org.sxd_staff), "patch", f"{DOCS}{doc.pk}/", ["subject", "recipients", "authority"]),
        (api(org.sxd_unit_leader), "post", f"{DOCS}{doc.pk}/approve/", ["comment", "disagreement"]),
        (api(org.sxd_unit_leader), "post", f"{DOCS}{doc.pk}/consult/", ["users", "question"]),
        (api(org.sxd_unit_leader), "post", f"{DOCS}{doc.pk}/revise/", ["text", "note", "files"]),
        (api(org.sxd_staff), "post", f"{DOCS}{issued.pk}/confirm/", ["files"]),
        (api(org.sxd_clerk), "post", f"{DOCS}{doc.pk}/issue/", ["issued_date"]),
        (api(org.sxd_unit_leader), "post", f"{DOCS}{doc.pk}/comments/", ["version", "text"]),
        (
            api(org.stttt_clerk),
            "post",
            f"{ARRIVALS}internal-{issued.recipients.get().pk}/receive/",
            ["register", "leader", "confirm_duplicate"],
        ),
        (api(org.sxd_clerk), "post", f"{DOCS}{issued.pk}/recall/", ["reason"]),
        (api(org.sxd_admin), "post", CHAINS, ["name", "doc_type", "steps", "agency"]),
        (api(org.sxd_admin), "patch", f"{CHAINS}{chain.pk}/", ["name", "doc_type", "steps"]),
    ]
    for client, method, url, names in targets:
        for name in names:
            for value in GARBAGE:
                response = getattr(client, method)(url, {name: value}, format="json")
                assert response.status_code < 500, (url, name, value, response.content[:300])
                if response.status_code == 400:
                    found = messages(response.json())
                    bad = [m for m in found if not looks_vietnamese(m)]
                    if bad:
                        failures.add((url.split("/")[3], name, repr(value)[:30], bad[0]))
    assert not failures, "\n".join(map(str, sorted(failures)))


def test_list_and_detail_keep_a_constant_number_of_queries(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = world
    client = api(org.sxd_leader)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            ok(client.get(url))
        return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]

    doc = approve_all(org, draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)]))
    count(DOCS)  # the session's first request extends it (written once a minute at most)
    few, _ = count(DOCS)
    one, _ = count(f"{DOCS}{doc.pk}/")
    for n in range(4):
        extra = draft(
            org,
            subject=f"V/v kế hoạch kiểm tra công trình số {n}",
            recipients=[RecipientSpec(RecipientKind.EXTERNAL, name=f"Ban quản lý dự án {n}")],
        )
        out.revise(org.sxd_staff, extra, text=TEXT + f"\n{n}. Bổ sung.")
    approve_all(org, extra)
    many, sqls = count(DOCS)
    assert many == few
    assert not any("text" in sql.split(" FROM ")[0] and "outgoing_version" in sql for sql in sqls)
    assert count(f"{DOCS}{extra.pk}/")[0] == one
