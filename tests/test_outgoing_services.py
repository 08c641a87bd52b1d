"""Outgoing documents: review chain outcomes, numbering, issuing, delivery in the deployment, recall."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone
from freezegun import freeze_time

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType, Secrecy, Urgency
from vpdt.core.authz import permitted, scope_of, visible
from vpdt.core.workdays import add_working_days
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Role
from vpdt.exchange import internal
from vpdt.exchange import queries as queue
from vpdt.incoming import services as incoming
from vpdt.incoming.models import DocStatus, ReplyStatus
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import diffing, numbering, queries, signatures
from vpdt.outgoing import services as out
from vpdt.outgoing.models import (
    ChainStep,
    DeliveryStatus,
    OutgoingDocument,
    OutStatus,
    Recipient,
    RecipientKind,
    ReviewChain,
    StepKind,
    StepStatus,
)
from vpdt.outgoing.services import RecipientSpec

D = DeliveryStatus


def dtype(name):
    return DocumentType.objects.get(name=name)


@shared_data.over("org")
def world(org):
    org.sxd_director = org.sxd_leader
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.province_vp = directory.create_unit(None, org.province, name="Văn phòng UBND tỉnh", short_name="VP")
    org.province_clerk = make_person(org.province, "Trần Thị Mai", Role.CLERK, org.province_vp)
    org.district_clerk = make_person(org.district, "Lê Văn Nam", Role.CLERK)
    org.district_leader = make_person(org.district, "Hoàng Văn Cường", Role.LEADER)
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
        actor,
        doc_type=dtype(doc_type),
        subject=subject,
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau:\n1. Tình hình chung.",
        recipients=list(recipients),
        **extra,
    )


def approve_all(org, doc):
    doc = out.submit(org.sxd_staff, doc)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    return out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.")


# ------------------------------------------------------------------------------------------ review chain


def test_default_chain_approve_path(world):
    org = world
    doc = draft(org)
    assert doc.versions.count() == 1 and doc.unit == org.sxd_khtc
    with freeze_time("2026-11-27 08:00:00+07:00"):  # a Friday
        doc = out.submit(org.sxd_staff, doc)
    steps = list(doc.steps.order_by("order"))
    assert [(s.kind, s.reviewer, s.status) for s in steps] == [
        (StepKind.UNIT_LEADER, org.sxd_unit_leader, StepStatus.ACTIVE),
        (StepKind.SIGNER, org.sxd_leader, StepStatus.WAITING),
    ]
    assert steps[0].due_date == dt.date(2026, 12, 2)  # 3 working days, weekend skipped
    with pytest.raises(PermissionDenied):
        out.approve(org.sxd_leader, doc)  # not their turn
    doc = out.approve(
        org.sxd_unit_leader,
        doc,
        comment="Đồng ý.",
        disagreement="Chuyên viên đề nghị giữ số liệu quý III; phòng đề nghị bỏ.",
    )
    assert doc.status == OutStatus.IN_REVIEW and doc.current_step.reviewer == org.sxd_leader
    doc = out.approve(org.sxd_leader, doc)
    assert doc.status == OutStatus.APPROVED and doc.approved_by == org.sxd_leader
    actions = list(
        JournalEntry.objects.filter(object_id=str(doc.pk), action__startswith="outgoing.").values_list(
            "action", flat=True
        )
    )
    assert actions[:2] == ["outgoing.create", "outgoing.submit"] and actions[-1] == "outgoing.approve"
    assert doc.steps.get(order=1).disagreement.startswith("Chuyên viên")


def test_return_revise_resubmit_and_versions_diff(world):
    org = world
    doc = out.submit(org.sxd_staff, draft(org))
    with pytest.raises(ValidationError):
        out.return_draft(org.sxd_unit_leader, doc, comment="  ")
    # The reviewer edits first (a new version), then returns.
    edit = out.revise(
        org.sxd_unit_leader,
        doc,
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo:\n1. Tình hình chung.\n2. Kiến nghị.",
        note="Sửa câu mở đầu",
    )
    assert edit.number == 2 and edit.step is not None
    with pytest.raises(PermissionDenied):
        out.revise(org.sxd_staff, doc, text="không được sửa khi đang trình")
    doc = out.return_draft(org.sxd_unit_leader, doc, comment="Bổ sung số liệu giải ngân đến 31/10.")
    assert doc.status == OutStatus.RETURNED
    assert doc.steps.get(order=2).status == StepStatus.CANCELLED
    out.revise(org.sxd_staff, doc, text=edit.text + "\n3. Số liệu giải ngân đến 31/10/2026.")
    changes = [(p.kind, p.text.strip(), p.level) for p in diffing.compare(doc, 2, 3).pieces if p.kind != "same"]
    assert changes == [("added", "3. Số liệu giải ngân đến 31/10/2026.", diffing.OTHER)]
    changes = [(p.kind, p.text.strip(), p.level) for p in diffing.compare(doc, 1, 2).pieces if p.kind != "same"]
    assert changes == [
        ("removed", "như sau", diffing.UNIT),
        ("added", "2. Kiến nghị.", diffing.UNIT),
    ]
    doc = out.submit(org.sxd_staff, doc)
    assert doc.review_round == 2 and doc.steps.filter(round=2).count() == 2
    doc = approve_all_rest(org, doc)
    assert doc.status == OutStatus.APPROVED


def approve_all_rest(org, doc):
    doc = out.approve(org.sxd_unit_leader, doc)
    return out.approve(org.sxd_leader, doc)


def test_parallel_consultation(world):
    org = world
    colleague = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    doc = out.submit(org.sxd_staff, draft(org))
    [consultation] = out.consult(org.sxd_unit_leader, doc, [colleague], question="Cho ý kiến về số liệu.")
    extra = out.consult(org.sxd_unit_leader, doc, [org.sxd_clerk])
    assert len(extra) == 1
    assert visible(OutgoingDocument, colleague).filter(pk=doc.pk).exists()
    with pytest.raises(PermissionDenied):
        out.answer(org.sxd_clerk, consultation, "không phải của tôi")
    out.answer(colleague, consultation, "Số liệu quý III cần cập nhật theo báo cáo của Kho bạc.")
    with pytest.raises(ValidationError):
        out.answer(colleague, consultation, "lần hai")
    with pytest.raises(PermissionDenied):
        out.consult(colleague, doc, [org.sxd_clerk])  # only the main handler consults
    doc = out.approve(org.sxd_unit_leader, doc)  # the main handler decides; pending opinions do not block
    assert doc.current_step.kind == StepKind.SIGNER


def test_configured_chain_and_unit_leader_as_drafter(world):
    org = world
    chain = ReviewChain.objects.create(agency=org.sxd, doc_type=dtype("Quyết định"), name="Quyết định của Sở")
    ChainStep.objects.create(chain=chain, order=1, label="Trưởng phòng duyệt nội dung", kind=StepKind.UNIT_LEADER)
    ChainStep.objects.create(
        chain=chain, order=2, label="Văn phòng kiểm tra thể thức", kind=StepKind.USER, user=org.sxd_clerk, days=2
    )
    ChainStep.objects.create(chain=chain, order=3, label="Giám đốc ký", kind=StepKind.SIGNER)
    doc = draft(org, doc_type="Quyết định", actor=org.sxd_unit_leader, subject="Quyết định ban hành quy chế")
    doc = out.submit(org.sxd_unit_leader, doc)
    # The drafter leads the unit: the unit-leader step is skipped, the format check comes first.
    assert doc.current_step.reviewer == org.sxd_clerk and doc.current_step.label == "Văn phòng kiểm tra thể thức"
    assert JournalEntry.objects.filter(action="outgoing.step.skip").exists()
    doc = out.approve(org.sxd_clerk, doc)
    doc = out.approve(org.sxd_leader, doc)
    assert doc.status == OutStatus.APPROVED


def test_urgent_review_deadline_is_one_working_day(world):
    org = world
    with freeze_time("2026-11-27 08:00:00+07:00"):
        doc = out.submit(org.sxd_staff, draft(org, urgency=Urgency.URGENT))
    assert doc.current_step.due_date == dt.date(2026, 11, 30)
    assert add_working_days(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)


def test_draft_validation(world):
    org = world
    with pytest.raises(ValidationError) as err:
        out.create_draft(
            org.sxd_staff, doc_type=dtype("Công văn"), subject=" ", secrecy=Secrecy.SECRET, signer=org.sxd_staff
        )
    messages = err.value.message_dict
    assert "Trích yếu là bắt buộc." in messages["subject"]
    assert "Văn bản mật" in messages["secrecy"][0]
    assert "Người ký phải là lãnh đạo" in messages["signer"][0]
    with pytest.raises(ValidationError, match="Công văn không phải"):
        draft(org, is_legal_normative=True)
    with pytest.raises(ValidationError, match="không gửi cho chính"):
        draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.sxd)])
    with pytest.raises(ValidationError, match="thuộc cơ quan ban hành"):
        draft(org, recipients=[RecipientSpec(RecipientKind.UNIT, unit=org.stttt_cntt)])
    doc = draft(org, signer=None)
    with pytest.raises(ValidationError, match="người ký"):
        out.submit(org.sxd_staff, doc)
    with pytest.raises(PermissionDenied):
        out.submit(org.sxd_unit_leader, doc)
    assert OutgoingDocument.objects.count() == 1


# ------------------------------------------------------------------------------------------ numbering


def test_issue_refused_unless_approved_and_only_by_clerk(world):
    org = world
    doc = draft(org)
    with pytest.raises(ValidationError, match="đã được duyệt"):
        out.issue(org.sxd_clerk, doc)
    doc = out.submit(org.sxd_staff, doc)
    with pytest.raises(ValidationError, match="đã được duyệt"):
        out.issue(org.sxd_clerk, doc)
    doc = out.approve(org.sxd_unit_leader, doc)
    doc = out.approve(org.sxd_leader, doc)
    with pytest.raises(PermissionDenied):
        out.issue(org.sxd_staff, doc)
    with pytest.raises(PermissionDenied):
        out.issue(org.stttt_clerk, doc)
    doc = out.issue(org.sxd_clerk, doc)
    assert doc.status == OutStatus.ISSUED and doc.number_symbol == "01/SXD-KHTC"
    with pytest.raises(ValidationError):
        out.issue(org.sxd_clerk, doc)


def test_number_and_symbol_formats_per_family_and_year_rollover(world):
    org = world
    results = {}
    with freeze_time("2026-12-31 16:00:00+07:00"):
        for key, kwargs in {
            "cv": {"doc_type": "Công văn"},
            "qd": {"doc_type": "Quyết định"},
            "qppl": {"doc_type": "Quyết định", "is_legal_normative": True},
            "kh": {"doc_type": "Kế hoạch"},
            "sy": {"doc_type": "Bản sao y"},
            "cv2": {"doc_type": "Công văn"},
        }.items():
            doc = approve_all(org, draft(org, subject=f"Văn bản {key}", **kwargs))
            results[key] = out.issue(org.sxd_clerk, doc).number_symbol
    assert results == {
        "cv": "01/SXD-KHTC",
        "qd": "02/QĐ-SXD",
        "qppl": "01/2026/QĐ-SXD",
        "kh": "03/KH-SXD",
        "sy": "01/SY-SXD",
        "cv2": "04/SXD-KHTC",
    }
    with freeze_time("2027-01-01 07:30:00+07:00"):
        doc = out.issue(org.sxd_clerk, approve_all(org, draft(org, subject="Văn bản đầu năm")))
        qppl = out.issue(
            org.sxd_clerk,
            approve_all(org, draft(org, doc_type="Quyết định", subject="QPPL đầu năm", is_legal_normative=True)),
        )
    assert doc.number_symbol == "01/SXD-KHTC" and doc.year == 2027
    assert qppl.number_symbol == "01/2027/QĐ-SXD"
    # The abbreviation table is configurable.
    DocumentType.objects.filter(name="Kế hoạch").update(abbreviation="KHo")
    with freeze_time("2027-01-02 08:00:00+07:00"):
        kh = out.issue(org.sxd_clerk, approve_all(org, draft(org, doc_type="Kế hoạch", subject="Kế hoạch mới")))
    assert kh.number_symbol == "02/KHo-SXD"
    assert numbering.format_number(9) == "09" and numbering.format_number(10) == "10"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer with a database lock; real concurrency needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_is_gapless_and_unique(org):
    docs = [approve_all(org, draft(org, subject=f"Công văn số {i}")) for i in range(16)]
    clerks = [org.sxd_clerk, make_person(org.sxd, "Nguyễn Thị Vân", Role.CLERK, org.sxd_vp)]
    for clerk in clerks:
        scope_of(clerk)
    barrier = threading.Barrier(len(docs))
    errors = []

    def work(i):
        try:
            barrier.wait(timeout=30)
            out.issue(clerks[i % 2], docs[i])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(docs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    numbers = sorted(OutgoingDocument.objects.filter(status=OutStatus.ISSUED).values_list("number", flat=True))
    assert numbers == list(range(1, 17))
    assert journal.verify().ok


# ------------------------------------------------------------------------------------------ delivery


def test_delivery_to_three_agencies_and_status_flowing_back(world):
    org = world
    doc = approve_all(
        org,
        draft(
            org,
            recipients=[
                RecipientSpec(RecipientKind.AGENCY, agency=org.province),
                RecipientSpec(RecipientKind.AGENCY, agency=org.stttt),
                RecipientSpec(RecipientKind.AGENCY, agency=org.district),
                RecipientSpec(RecipientKind.UNIT, unit=org.sxd_vp),
                RecipientSpec(RecipientKind.EXTERNAL, name="Báo Nghệ An"),
            ],
        ),
    )
    doc = out.issue(org.sxd_clerk, doc)
    status = {r.agency_id: r.status for r in queries.sender_view(doc)}
    assert status == {org.province.pk: D.ARRIVED, org.stttt.pk: D.ARRIVED, org.district.pk: D.ARRIVED}
    # Each recipient clerk sees it waiting; nobody else does.
    assert [r.document_id for r in queue.rows(org.stttt_clerk, queue.WAITING, queue.INTERNAL)] == [doc.pk]
    assert not queue.rows(org.stttt_staff, queue.WAITING, queue.INTERNAL).exists()
    # The recipient reads what was delivered to it, never the sender's document itself.
    assert permitted(Recipient, org.stttt_clerk, "delivered").filter(document=doc).count() == 1
    assert not visible(OutgoingDocument, org.stttt_clerk).filter(pk=doc.pk).exists()
    assert not permitted(Recipient, org.stttt_staff, "delivered").exists()
    stttt = doc.recipients.get(agency=org.stttt)
    with pytest.raises(PermissionDenied):
        internal.receive(org.district_clerk, stttt)
    registered = internal.receive(org.stttt_clerk, stttt, leader=org.stttt_leader)
    incoming_doc = registered.document
    assert (incoming_doc.code_number, incoming_doc.code_notation) == ("01", "SXD-KHTC")
    assert incoming_doc.issuer_name == org.sxd.name and incoming_doc.source == "electronic"
    assert incoming_doc.signer_name == org.sxd_leader.full_name
    with pytest.raises(ValidationError, match="không còn chờ"):
        internal.receive(org.stttt_clerk, stttt)
    internal.refuse(org.district_clerk, doc.recipients.get(agency=org.district), "Không đúng thẩm quyền giải quyết.")
    # The recipient processes; the sender follows.
    incoming.submit(org.stttt_clerk, incoming_doc, leader=org.stttt_leader)
    incoming_doc.refresh_from_db()
    incoming.direct(
        org.stttt_leader,
        incoming_doc,
        direction="Phòng CNTT xử lý.",
        targets=[incoming.Target("lead", user=org.stttt_staff)],
    )
    assert doc.recipients.get(agency=org.stttt).status == D.ASSIGNED
    assignment = incoming_doc.assignments.get(role="lead")
    incoming.add_note(org.stttt_staff, assignment, "progress", "Đang tổng hợp.")
    assert doc.recipients.get(agency=org.stttt).status == D.PROCESSING
    incoming.complete(org.stttt_staff, assignment, "Đã có văn bản trả lời.")
    status = {r.agency_id: r.status for r in queries.sender_view(doc)}
    assert status == {org.province.pk: D.ARRIVED, org.stttt.pk: D.COMPLETED, org.district.pk: D.REFUSED}
    codes = [
        e.details["to"]
        for e in JournalEntry.objects.filter(action__startswith="outgoing.delivery.", object_id=str(doc.pk)).order_by(
            "seq"
        )
    ]
    assert codes == ["01", "01", "01", "03", "02", "04", "05", "06"]


def test_exchange_only_with_parent_is_enforced(world):
    org = world
    Agency.objects.filter(pk=org.district.pk).update(exchange_only_with_parent=True)
    with pytest.raises(ValidationError, match="cấp trên trực tiếp"):
        draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=Agency.objects.get(pk=org.district.pk))])
    # The district may send to its parent (the province), not to a department.
    commune_doc = out.create_draft(
        org.district_leader,
        doc_type=dtype("Báo cáo"),
        subject="Báo cáo của huyện",
        signer=org.district_leader,
        recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.province)],
    )
    assert commune_doc.recipients.count() == 1
    with pytest.raises(ValidationError, match="cấp trên trực tiếp"):
        out.create_draft(
            org.district_leader,
            doc_type=dtype("Báo cáo"),
            subject="Báo cáo gửi Sở",
            signer=org.district_leader,
            recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.sxd)],
        )


def test_recall_withdraws_every_copy_with_confirmation(world):
    org = world
    doc = out.issue(
        org.sxd_clerk,
        approve_all(
            org,
            draft(
                org,
                recipients=[
                    RecipientSpec(RecipientKind.AGENCY, agency=org.province),
                    RecipientSpec(RecipientKind.AGENCY, agency=org.stttt),
                ],
            ),
        ),
    )
    registered = internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt)).document
    with pytest.raises(PermissionDenied):
        out.recall(org.sxd_staff, doc, "Sai số liệu")
    with pytest.raises(ValidationError):
        out.recall(org.sxd_leader, doc, "")
    doc = out.recall(org.sxd_leader, doc, "Sai số liệu phụ lục, sẽ ban hành văn bản thay thế.")
    assert doc.status == OutStatus.RECALLED
    assert doc.recipients.get(agency=org.province).status == D.RECALLED  # never registered: withdrawn at once
    stttt = doc.recipients.get(agency=org.stttt)
    assert stttt.status == D.RECALL_REQUESTED
    assert not queue.rows(org.province_clerk, queue.WAITING, queue.INTERNAL).exists()
    with pytest.raises(ValidationError, match="thu hồi"):
        internal.receive(org.province_clerk, doc.recipients.get(agency=org.province))
    assert [r.pk for r in queue.rows(org.stttt_clerk, queue.RECALLS, queue.INTERNAL)] == [stttt.pk]
    internal.confirm_recall(org.stttt_clerk, stttt)
    registered.refresh_from_db()
    assert registered.status == DocStatus.WITHDRAWN and registered.withdrawn_at
    assert doc.recipients.get(agency=org.stttt).status == D.RECALLED
    with pytest.raises(ValidationError):
        out.issue(org.sxd_clerk, doc)
    # A replacing document links to the recalled one.
    fix = out.create_draft(
        org.sxd_staff,
        doc_type=dtype("Công văn"),
        subject="Thay thế công văn sai số liệu",
        signer=org.sxd_leader,
        related_to=doc,
        relation="replaces",
    )
    fix = out.issue(org.sxd_clerk, approve_all(org, fix))
    assert fix.related_to == doc and list(doc.fixes.all()) == [fix]
    assert JournalEntry.objects.filter(action="outgoing.replaces", object_id=str(doc.pk)).exists()
    assert journal.verify().ok


def test_reply_links_both_ways(world):
    org = world
    incoming_doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        code_number="4521",
        code_notation="UBND-CN",
        issued_date=dt.date(2026, 11, 2),
        doc_type=dtype("Công văn"),
        subject="V/v báo cáo tiến độ dự án",
        needs_reply=True,
        reply_due=dt.date(2026, 11, 30),
    ).document
    incoming.request_reply(org.sxd_clerk, incoming_doc)
    incoming.submit(org.sxd_clerk, incoming_doc, leader=org.sxd_leader)
    incoming_doc.refresh_from_db()
    incoming.direct(
        org.sxd_leader,
        incoming_doc,
        direction="Chị Lan dự thảo văn bản trả lời.",
        targets=[incoming.Target("lead", user=org.sxd_staff)],
    )
    reply = draft(org, reply_to=incoming_doc, subject="V/v báo cáo tiến độ dự án (trả lời)")
    record = incoming_doc.replies.get()
    assert record.outgoing == reply and record.outgoing_reference == "Dự thảo"
    assert list(incoming_doc.replies_out.all()) == [reply]
    # staff cannot reply to what they cannot see
    stranger = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    with pytest.raises(PermissionDenied):
        out.create_draft(stranger, doc_type=dtype("Công văn"), subject="x", reply_to=incoming_doc)
    reply = out.issue(org.sxd_clerk, approve_all(org, reply))
    record.refresh_from_db()
    assert record.status == ReplyStatus.LINKED and record.outgoing_reference == reply.number_symbol


def test_visibility_of_drafts(world):
    org = world
    doc = draft(org, recipients=[RecipientSpec(RecipientKind.USER, user=org.sxd_admin)])
    who = {
        name: visible(OutgoingDocument, getattr(org, name)).filter(pk=doc.pk).exists()
        for name in (
            "sxd_staff",
            "sxd_unit_leader",
            "sxd_leader",
            "sxd_clerk",
            "sxd_admin",
            "stttt_staff",
            "stttt_clerk",
            "province_admin",
            "ht_staff",
        )
    }
    assert who == {
        "sxd_staff": True,
        "sxd_unit_leader": True,
        "sxd_leader": True,
        "sxd_clerk": False,
        "sxd_admin": False,
        "stttt_staff": False,
        "stttt_clerk": False,
        "province_admin": False,
        "ht_staff": False,
    }
    doc = out.issue(org.sxd_clerk, approve_all(org, doc))
    assert visible(OutgoingDocument, org.sxd_clerk).filter(pk=doc.pk).exists()
    assert visible(OutgoingDocument, org.sxd_admin).filter(pk=doc.pk).exists()  # internal recipient
    assert not visible(OutgoingDocument, org.stttt_clerk).filter(pk=doc.pk).exists()


def test_confirm_number_and_final_files(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    org = world
    doc = out.issue(org.sxd_clerk, approve_all(org, draft(org)))
    pdf = SimpleUploadedFile("ban-goc.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    with pytest.raises(PermissionDenied):
        out.confirm(org.sxd_clerk, doc, files=[pdf])
    doc = out.confirm(org.sxd_staff, doc, files=[pdf])
    assert doc.confirmed_at and [f.original_name for f in signatures.final_files(doc)] == [
        f"{doc.code_number}-SXD-KHTC_{doc.issued_date:%d-%m-%Y}.pdf"
    ]
    assert doc.files.get(kind="final").file.sha256 == signatures.final_files(doc)[0].sha256  # the original travels


def test_time_is_vietnam(world):
    with freeze_time("2026-12-31 17:30:00+00:00"):  # 00:30 on 1 January in Vietnam
        assert timezone.localdate() == dt.date(2027, 1, 1)
        doc = out.issue(world.sxd_clerk, approve_all(world, draft(world)))
    assert doc.year == 2027 and doc.issued_date == dt.date(2027, 1, 1)


def test_a_reply_to_a_withdrawn_document_is_refused_before_anything_is_stored(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vpdt.storage.models import StoredFile

    org = world
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="UBND tỉnh Nghệ An",
        code_number="88",
        code_notation="UBND-CN",
        issued_date=dt.date(2026, 11, 20),
        doc_type=dtype("Công văn"),
        subject="V/v rà soát hồ sơ cấp phép xây dựng",
    ).document
    doc = incoming.withdraw(org.sxd_clerk, doc, reason="Nơi gửi thu hồi văn bản.")
    from pathlib import Path

    from django.conf import settings

    def on_disk():
        return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())

    files_before, disk_before = StoredFile.objects.count(), on_disk()
    with pytest.raises(ValidationError):
        draft(
            org,
            actor=org.sxd_leader,
            subject="V/v trả lời UBND tỉnh",
            reply_to=doc,
            files=[SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
    assert StoredFile.objects.count() == files_before and on_disk() == disk_before
    assert not OutgoingDocument.objects.filter(reply_to=doc).exists()
