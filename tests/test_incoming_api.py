"""Incoming documents API: registration (JSON and multipart), refusals, scoping, filters and the processing flow."""

import datetime as dt
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import visible
from vpdt.directory.models import Role
from vpdt.incoming import services
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCS = "/api/v1/incoming-documents/"
ASSIGNMENTS = "/api/v1/incoming-assignments/"
REGISTERS = "/api/v1/incoming-registers/"


def issued(days_ago=5):
    return timezone.localdate() - dt.timedelta(days=days_ago)


def payload(**over):
    data = {
        "issuer_name": "Ủy ban nhân dân tỉnh Nghệ An",
        "issuer_code": "000.00.00.H41",
        "code_number": "1234",
        "code_notation": "UBND-KT",
        "issued_date": issued().strftime("%d/%m/%Y"),
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "subject": "V/v triển khai kế hoạch cải cách hành chính năm 2027",
        "signer_name": "Nguyễn Đức Trung",
        "signer_position": "Chủ tịch",
        "page_amount": 3,
        "description": "Bản chính kèm phụ lục; ghi chú dài của văn thư.",
    }
    data.update(over)
    return data


def fields(**over):
    """Keyword arguments for services.register_document."""
    data = dict(
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number="1234",
        code_notation="UBND-KT",
        issued_date=issued(),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v triển khai kế hoạch cải cách hành chính năm 2027",
    )
    data.update(over)
    return data


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- Registration ---------------------------------------------------------------------------------------------------


def test_register_json_and_multipart_numbers_increment(org, api):
    clerk = api(org.sxd_clerk)
    first = clerk.post(DOCS, payload(), format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["arrival_number"] == 1 and body["year"] == timezone.localdate().year
    assert body["status"] == DocStatus.REGISTERED and body["attachments"] == [] and body["submitted"] is False

    data = payload(code_number="1235", urgency=str(Urgency.URGENT), leader=str(org.sxd_leader.pk))
    data["files"] = [SimpleUploadedFile("cong-van-1235.pdf", PDF, content_type="application/pdf")]
    second = clerk.post(DOCS, data, format="multipart")
    assert second.status_code == 201, second.content
    body = second.json()
    assert body["arrival_number"] == 2 and body["submitted"] is True and body["status"] == DocStatus.SUBMITTED
    [attachment] = body["attachments"]
    assert attachment["name"] == "cong-van-1235.pdf" and attachment["size"] == len(PDF)
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()

    registers = clerk.get(REGISTERS).json()["results"]
    assert [r["id"] for r in registers] == [IncomingDocument.objects.get(pk=body["id"]).register_id]
    assert clerk.get(f"{REGISTERS}{registers[0]['id']}/").status_code == 200
    assert api(org.ht_staff).get(f"{REGISTERS}{registers[0]['id']}/").status_code == 404


def test_registration_with_a_leader_submits_at_once_unless_the_batch_is_kept(org, api):
    """As the registration screen: "Trình lãnh đạo" submits when registered; batch=true keeps a document that is
    not urgent for the next batch of the schedule (an urgent one still goes at once)."""
    clerk = api(org.sxd_clerk)
    now = clerk.post(DOCS, payload(leader=org.sxd_leader.pk), format="json")
    assert now.status_code == 201, now.content
    body = now.json()
    assert body["submitted"] is True and body["status"] == DocStatus.SUBMITTED and body["leader"] == org.sxd_leader.pk
    entry = JournalEntry.objects.filter(action="incoming.submit").get()
    assert entry.object_id == str(body["id"]) and "batch" not in entry.details
    assert visible(IncomingDocument, org.sxd_leader).filter(pk=body["id"], status=DocStatus.SUBMITTED).exists()

    held = clerk.post(DOCS, payload(code_number="1240", leader=org.sxd_leader.pk, batch=True), format="json")
    assert held.status_code == 201, held.content
    body = held.json()
    assert body["submitted"] is False and body["status"] == DocStatus.REGISTERED
    assert body["leader"] == org.sxd_leader.pk  # kept for the batch
    assert services.submit_batch() == 1
    assert IncomingDocument.objects.get(pk=body["id"]).status == DocStatus.SUBMITTED

    data = payload(code_number="1241", urgency=str(Urgency.URGENT), leader=str(org.sxd_leader.pk), batch="true")
    data["files"] = [SimpleUploadedFile("cong-van-1241.pdf", PDF, content_type="application/pdf")]
    urgent = clerk.post(DOCS, data, format="multipart")  # multipart: the same field, as text
    assert urgent.status_code == 201 and urgent.json()["submitted"] is True

    data = payload(code_number="1242", leader=str(org.sxd_leader.pk))
    data["files"] = [SimpleUploadedFile("cong-van-1242.pdf", PDF, content_type="application/pdf")]
    multipart = clerk.post(DOCS, data, format="multipart")  # no batch field: submitted at once
    assert multipart.status_code == 201 and multipart.json()["submitted"] is True

    no_leader = clerk.post(DOCS, payload(code_number="1243", batch=False), format="json")
    assert no_leader.status_code == 201 and no_leader.json()["submitted"] is False
    assert no_leader.json()["status"] == DocStatus.REGISTERED

    bad = clerk.post(DOCS, payload(code_number="1244", leader=org.sxd_leader.pk, batch="có lẽ"), format="json")
    assert bad.status_code == 400 and "batch" in bad.json()
    assert not IncomingDocument.objects.filter(code_number="1244").exists()


def test_the_schema_documents_the_batch_choice(org, login):
    import yaml

    schema = yaml.safe_load(login(org.sxd_clerk).get("/api/v1/schema/").content)
    fields = schema["components"]["schemas"]["IncomingRegistrationRequest"]["properties"]
    assert fields["batch"]["type"] == "boolean" and fields["batch"]["default"] is False
    assert "9:00" in fields["batch"]["description"] and "trình ngay" in fields["leader"]["description"]
    registered = schema["components"]["schemas"]["IncomingRegistered"]["properties"]
    assert "batch" in registered["submitted"]["description"]


def test_secret_document_is_refused_in_vietnamese(org, api):
    response = api(org.sxd_clerk).post(DOCS, payload(secrecy="mat"), format="json")
    assert response.status_code == 400
    message = response.json()["secrecy"][0]
    assert "Mật" in message and "Sổ đăng ký văn bản mật" in message
    assert not IncomingDocument.objects.exists()


def test_duplicate_conflict_then_confirmed(org, api):
    clerk = api(org.sxd_clerk)
    first = clerk.post(DOCS, payload(), format="json").json()
    again = clerk.post(DOCS, payload(code_notation="ubnd-kt"), format="json")
    assert again.status_code == 409, again.content
    body = again.json()
    assert "trùng" in body["detail"]
    assert body["existing"] == {"id": first["id"], "arrival_number": 1, "year": first["year"]}
    confirmed = clerk.post(DOCS, payload(code_notation="ubnd-kt", confirm_duplicate=True), format="json")
    assert confirmed.status_code == 201 and confirmed.json()["arrival_number"] == 2


def test_executable_named_pdf_is_refused(org, api):
    data = payload()
    data["files"] = [
        SimpleUploadedFile("cong-van.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    ]
    response = api(org.sxd_clerk).post(DOCS, data, format="multipart")
    assert response.status_code == 400
    assert "không phải định dạng" in response.json()["files"][0]
    assert not IncomingDocument.objects.exists()


def test_only_clerks_register_and_required_fields_are_vietnamese(org, api):
    response = api(org.sxd_staff).post(DOCS, payload(), format="json")
    assert response.status_code == 403 and "văn thư" in response.json()["detail"]
    response = api(org.sxd_clerk).post(DOCS, payload(subject="", issued_date="31/02/2026"), format="json")
    assert response.status_code == 400 and "dd/mm/yyyy" in response.json()["issued_date"][0]
    response = api(org.sxd_clerk).post(DOCS, payload(subject=""), format="json")
    assert response.status_code == 400 and response.json()["subject"] == ["Trích yếu là bắt buộc."]


# --- Lists, filters, scoping ----------------------------------------------------------------------------------------


def test_list_filters_and_scoping(org, api):
    old_day = timezone.now() - dt.timedelta(days=400)  # last year: its own numbering
    old = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        arrival_date=old_day,
        **fields(issued_date=(old_day - dt.timedelta(days=2)).date(), subject="Báo cáo tình hình cấp phép xây dựng"),
    ).document
    urgent = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        **fields(code_number="88", urgency=Urgency.URGENT, subject="Kế hoạch kiểm tra an toàn công trình"),
    ).document
    normal = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        **fields(code_number="99", code_notation="SXD-QLXD", issuer_name="Bộ Xây dựng", issuer_code="000.00.00.G10"),
    ).document
    clerk = api(org.sxd_clerk)
    assert ids(clerk.get(DOCS)) == [normal.pk, urgent.pk, old.pk]
    assert ids(clerk.get(DOCS, {"q": "công trình"})) == [urgent.pk]
    assert ids(clerk.get(DOCS, {"q": "Bộ Xây"})) == [normal.pk]
    assert ids(clerk.get(DOCS, {"q": "99/SXD"})) == [normal.pk]
    assert ids(clerk.get(DOCS, {"urgency": Urgency.URGENT})) == [urgent.pk]
    assert ids(clerk.get(DOCS, {"status": DocStatus.SUBMITTED})) == [urgent.pk]
    assert ids(clerk.get(DOCS, {"register": normal.register_id, "year": normal.year})) == [normal.pk, urgent.pk]
    today = timezone.localdate()
    assert ids(clerk.get(DOCS, {"date_from": today.strftime("%d/%m/%Y")})) == [normal.pk, urgent.pk]
    assert ids(clerk.get(DOCS, {"date_to": (today - dt.timedelta(days=1)).isoformat()})) == [old.pk]
    bad = clerk.get(DOCS, {"date_from": "32/13/2026"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.json()["date_from"][0]
    assert clerk.get(DOCS, {"status": "nope"}).status_code == 400

    # Staff of the same agency see nothing until assigned; other agencies never.
    staff = api(org.sxd_staff)
    assert ids(staff.get(DOCS)) == []
    assert staff.get(f"{DOCS}{urgent.pk}/").status_code == 404
    services.direct(
        org.sxd_leader,
        urgent,
        direction="Phòng KH-TC chủ trì",
        targets=[services.Target("lead", unit=org.sxd_khtc), services.Target("inform", user=org.sxd_staff)],
    )
    assert ids(staff.get(DOCS)) == [urgent.pk]
    assert staff.get(f"{DOCS}{urgent.pk}/").status_code == 200
    for outsider in (org.ht_staff, org.stttt_staff, org.province_admin):
        client = api(outsider)
        assert ids(client.get(DOCS)) == []
        missing = client.get(f"{DOCS}{urgent.pk}/")
        assert missing.status_code == 404 and "Không tìm thấy" in missing.json()["detail"]
        assignment = Assignment.objects.filter(document=urgent).first()
        assert client.get(f"{ASSIGNMENTS}{assignment.pk}/").status_code == 404


def test_list_has_no_long_texts(org, api):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT, description="Ghi chú")
    ).document
    services.direct(
        org.sxd_leader, doc, direction="Giao Phòng KH-TC chủ trì", targets=[services.Target("lead", unit=org.sxd_khtc)]
    )
    [row] = api(org.sxd_leader).get(DOCS).json()["results"]
    assert "direction" not in row and "description" not in row and "assignments" not in row
    detail = api(org.sxd_leader).get(f"{DOCS}{doc.pk}/").json()
    assert detail["direction"] == "Giao Phòng KH-TC chủ trì" and detail["description"] == "Ghi chú"


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(DOCS, {"page_size": 50})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


def test_list_query_count_is_constant(org, api):
    for i in range(5):
        services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_number=str(100 + i)))
    clerk = api(org.sxd_clerk)
    clerk.get(DOCS)  # warm up (token refresh, caches)
    few, n_few = _list_queries(clerk)
    for i in range(35):
        services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_number=str(200 + i)))
    many, n_many = _list_queries(clerk)
    assert (n_few, n_many) == (5, 40)
    assert few == many


# --- Direction and processing ---------------------------------------------------------------------------------------


def test_direct_with_two_leads_is_refused(org, api):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT)
    ).document
    leader = api(org.sxd_leader)
    response = leader.post(
        f"{DOCS}{doc.pk}/direct/",
        {
            "direction": "Hai phòng cùng chủ trì",
            "targets": [{"role": "lead", "unit": org.sxd_khtc.pk}, {"role": "lead", "unit": org.sxd_vp.pk}],
        },
        format="json",
    )
    assert response.status_code == 400 and "đồng xử lý" in response.json()["targets"][0]
    response = leader.post(
        f"{DOCS}{doc.pk}/direct/",
        {"direction": "x", "targets": [{"role": "boss", "unit": org.sxd_khtc.pk}]},
        format="json",
    )
    assert response.status_code == 400 and "Vai trò" in str(response.json()["targets"])
    response = api(org.sxd_clerk).post(
        f"{DOCS}{doc.pk}/direct/",
        {"direction": "x", "targets": [{"role": "lead", "unit": org.sxd_khtc.pk}]},
        format="json",
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_full_flow_through_the_api(org, api):
    clerk, leader = api(org.sxd_clerk), api(org.sxd_leader)
    created = clerk.post(
        DOCS,
        payload(needs_reply=True, reply_due=(timezone.localdate() + dt.timedelta(days=15)).strftime("%d/%m/%Y")),
        format="json",
    )
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]

    submitted = clerk.post(f"{DOCS}{doc_id}/submit/", {"leader": org.sxd_leader.pk}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == DocStatus.SUBMITTED and submitted.json()["leader"] == org.sxd_leader.pk

    deadline = timezone.localdate() + dt.timedelta(days=10)
    directed = leader.post(
        f"{DOCS}{doc_id}/direct/",
        {
            "direction": "Giao Phòng KH-TC chủ trì, Văn phòng phối hợp; báo cáo trước hạn.",
            "deadline": deadline.strftime("%d/%m/%Y"),
            "targets": [
                {"role": "lead", "unit": org.sxd_khtc.pk},
                {"role": "cooperate", "unit": org.sxd_vp.pk},
                {"role": "inform", "user": org.sxd_admin.pk},
            ],
        },
        format="json",
    )
    assert directed.status_code == 200, directed.content
    body = directed.json()
    assert body["status"] == DocStatus.DIRECTED and body["deadline"] == deadline.isoformat()
    assert sorted(a["role"] for a in body["assignments"]) == ["cooperate", "inform", "lead"]
    lead = Assignment.objects.get(document_id=doc_id, role="lead", unit=org.sxd_khtc)

    unit_leader = api(org.sxd_unit_leader)
    assert ids(unit_leader.get(ASSIGNMENTS, {"queue": "unit"})) == [lead.pk]
    assert unit_leader.get(ASSIGNMENTS, {"queue": "other"}).status_code == 400

    given = unit_leader.post(
        f"{ASSIGNMENTS}{lead.pk}/distribute/",
        {"user": org.sxd_staff.pk, "opinion": "Đồng chí Lan dự thảo báo cáo."},
        format="json",
    )
    assert given.status_code == 200, given.content
    child = Assignment.objects.get(parent=lead, user=org.sxd_staff)
    assert given.json()["id"] == child.pk and given.json()["opinion"] == "Đồng chí Lan dự thảo báo cáo."

    staff = api(org.sxd_staff)
    assert ids(staff.get(ASSIGNMENTS)) == [child.pk]  # default box: to process
    assert ids(staff.get(ASSIGNMENTS, {"box": "to_process"})) == [child.pk]
    assert staff.get(ASSIGNMENTS, {"box": "nope"}).status_code == 400
    assert staff.get(f"{ASSIGNMENTS}{child.pk}/").status_code == 200
    assert api(org.ht_staff).get(f"{ASSIGNMENTS}{child.pk}/").status_code == 404

    noted = staff.post(
        f"{ASSIGNMENTS}{child.pk}/note/", {"kind": "progress", "text": "Đã dự thảo xong 50%."}, format="json"
    )
    assert noted.status_code == 201, noted.content
    assert [n["text"] for n in noted.json()["notes"]] == ["Đã dự thảo xong 50%."]
    bad = staff.post(f"{ASSIGNMENTS}{child.pk}/note/", {"kind": "gossip", "text": "x"}, format="json")
    assert bad.status_code == 400

    done = staff.post(f"{ASSIGNMENTS}{child.pk}/complete/", {"result": "Đã trình dự thảo báo cáo."}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    finished = unit_leader.post(
        f"{ASSIGNMENTS}{lead.pk}/complete/", {"result": "Đã báo cáo lãnh đạo Sở."}, format="json"
    )
    assert finished.status_code == 200, finished.content
    assert IncomingDocument.objects.get(pk=doc_id).status == DocStatus.COMPLETED

    inform = Assignment.objects.get(document_id=doc_id, role="inform")
    read = api(org.sxd_admin).post(f"{ASSIGNMENTS}{inform.pk}/read/", format="json")
    assert read.status_code == 200 and read.json()["status"] == "done"

    reply = leader.post(f"{DOCS}{doc_id}/reply/", {"subject": "V/v báo cáo kết quả"}, format="json")
    assert reply.status_code == 201, reply.content
    assert reply.json()["document"] == doc_id and reply.json()["subject"] == "V/v báo cáo kết quả"

    trail = leader.get(f"{DOCS}{doc_id}/trail/")
    assert trail.status_code == 200
    actions = [e["action"] for e in trail.json()]
    assert actions[0] == "incoming.register" and "incoming.direct" in actions and "incoming.complete" in actions
    detail = leader.get(f"{DOCS}{doc_id}/").json()
    assert [e["action"] for e in detail["trail"]] == actions and len(detail["replies"]) == 1


def test_return_and_reassign_through_the_api(org, api):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT)
    ).document
    services.direct(
        org.sxd_leader, doc, direction="Phòng KH-TC xử lý", targets=[services.Target("lead", unit=org.sxd_khtc)]
    )
    lead = Assignment.objects.get(document=doc)
    unit_leader = api(org.sxd_unit_leader)
    colleague = make_person(org.sxd, "Bùi Văn Nam", Role.STAFF, org.sxd_khtc)
    given = unit_leader.post(f"{ASSIGNMENTS}{lead.pk}/distribute/", {"user": org.sxd_staff.pk}, format="json")
    assert given.status_code == 200, given.content
    moved = unit_leader.post(
        f"{ASSIGNMENTS}{given.json()['id']}/reassign/",
        {"user": colleague.pk, "reason": "Đồng chí Lan đi công tác."},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["user"] == colleague.pk
    assert Assignment.objects.get(pk=given.json()["id"]).status == "reassigned"
    short = unit_leader.post(f"{ASSIGNMENTS}{lead.pk}/return/", {"reason": "x"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    back = unit_leader.post(
        f"{ASSIGNMENTS}{lead.pk}/return/", {"reason": "Không thuộc chức năng của phòng."}, format="json"
    )
    assert back.status_code == 200, back.content
    assert back.json()["status"] == "returned" and back.json()["reason"] == "Không thuộc chức năng của phòng."
    assert IncomingDocument.objects.get(pk=doc.pk).status == DocStatus.SUBMITTED
