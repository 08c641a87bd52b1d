"""Incoming documents after direction: distribution, return, reassignment, notes, completion, follow-up,
reminders, the reply seam and the processing trail (SPEC §2.3–2.4)."""

import datetime as dt
import threading
from functools import partial

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone
from freezegun import freeze_time

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import scope_of, visible
from vpdt.directory.models import Role
from vpdt.incoming import queries, services
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument, ProcessingNote, ReplyRecord
from vpdt.incoming.models import AssignmentStatus as A
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

T = services.Target
_counter = iter(range(1000, 100000))


def fields(**over):
    data = dict(
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number=str(next(_counter)),
        code_notation="UBND-KT",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình thực hiện dự án đầu tư công năm 2026",
        signer_name="Nguyễn Đức Trung",
        signer_position="Chủ tịch",
    )
    data.update(over)
    return data


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


@shared_data.over("org")
def people(org):
    """Second staff member of KHTC, a unit leader and a staff member of the Văn phòng."""
    org.sxd_staff2 = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    org.vp_leader = make_person(org.sxd, "Bùi Văn Thắng", Role.UNIT_LEADER, org.sxd_vp)
    org.vp_staff = make_person(org.sxd, "Đỗ Thị Hạnh", Role.STAFF, org.sxd_vp)
    for user, email in (
        (org.sxd_unit_leader, "dungpv@sxd.nghean.gov.vn"),
        (org.sxd_staff, "lanht@sxd.nghean.gov.vn"),
        (org.sxd_staff2, "maint@sxd.nghean.gov.vn"),
        (org.vp_leader, "thangbv@sxd.nghean.gov.vn"),
    ):
        user.email = email
        user.save(update_fields=["email"])
    return org


def submitted(org, **over):
    """An urgent document: registered and submitted to the leader at once."""
    registered = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT, **over)
    )
    assert registered.submitted
    return registered.document


def directed(org, targets=None, deadline=None, **over):
    doc = submitted(org, **over)
    services.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì, Văn phòng phối hợp; báo cáo trước hạn.",
        deadline=deadline or days(10),
        targets=targets
        or [T("lead", unit=org.sxd_khtc), T("cooperate", unit=org.sxd_vp), T("inform", user=org.sxd_admin)],
    )
    doc.refresh_from_db()
    return doc


def unit_assignment(doc, unit, role="lead"):
    return Assignment.objects.get(document=doc, unit=unit, role=role, parent__isnull=True)


def sees(user, doc):
    return visible(IncomingDocument, user).filter(pk=doc.pk).exists()


def test_full_flow_from_registration_to_completion(people):
    org = people
    doc = services.register_document(org.sxd_clerk, agency=org.sxd, **fields()).document
    services.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
    services.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì, Văn phòng phối hợp.",
        deadline=days(10),
        targets=[T("lead", unit=org.sxd_khtc), T("cooperate", unit=org.sxd_vp), T("inform", user=org.sxd_admin)],
    )
    lead = unit_assignment(doc, org.sxd_khtc)
    assert not sees(org.sxd_staff, doc)
    assert lead in queries.unit_queue(org.sxd_unit_leader)
    assert Notification.objects.filter(user=org.sxd_unit_leader).exists()

    child = services.distribute(
        org.sxd_unit_leader,
        lead,
        user=org.sxd_staff,
        deadline=days(7),
        opinion="Đ/c Lan tham mưu báo cáo, trình trước ngày hạn.",
    )
    assert (child.parent, child.role, child.user, child.deadline) == (lead, "lead", org.sxd_staff, days(7))
    lead.refresh_from_db()
    assert lead.status == A.IN_PROGRESS
    doc.refresh_from_db()
    assert doc.status == DocStatus.DIRECTED
    # Whoever got a child assignment sees the document; others in the unit still do not.
    assert sees(org.sxd_staff, doc) and not sees(org.sxd_staff2, doc)
    assert list(queries.inbox(org.sxd_staff, "to_process")) == [child]

    note = services.add_note(org.sxd_staff, child, "progress", "Đã tổng hợp số liệu của 3 dự án.")
    assert note.kind == "progress" and child.status == A.IN_PROGRESS
    doc.refresh_from_db()
    assert doc.status == DocStatus.IN_PROGRESS
    assert list(queries.inbox(org.sxd_staff, "in_progress")) == [child]
    assert not queries.inbox(org.sxd_staff, "to_process").exists()
    services.add_note(org.sxd_staff, child, "proposal", "Đề xuất giao Văn phòng tổng hợp chung.")
    with pytest.raises(ValidationError):
        services.add_note(org.sxd_staff, child, "result", "Không được ghi kết quả bằng ghi chú.")

    # The unit cannot complete while its staff member is still working.
    with pytest.raises(ValidationError, match="chưa hoàn thành"):
        services.complete(org.sxd_unit_leader, lead, "Đã xong")
    with pytest.raises(ValidationError):
        services.complete(org.sxd_staff, child, "  ")
    services.complete(org.sxd_staff, child, "Đã dự thảo báo cáo số liệu.")
    assert child.status == A.DONE and child.completed_at
    doc.refresh_from_db()
    assert doc.status == DocStatus.IN_PROGRESS  # a child completes nothing else
    assert list(queries.inbox(org.sxd_staff, "done")) == [child]

    services.complete(org.sxd_unit_leader, lead, "Đã báo cáo UBND tỉnh bằng văn bản số 55/BC-SXD.")
    doc.refresh_from_db()
    assert doc.status == DocStatus.COMPLETED and doc.completed_at
    assert lead.status == A.DONE and queries.due_state(doc) == "ok"
    assert ProcessingNote.objects.filter(assignment__document=doc).count() == 4  # 2 notes, 2 results

    # For-information: done once read (idempotent), not completed.
    inform = Assignment.objects.get(document=doc, role="inform")
    assert list(queries.inbox(org.sxd_admin, "for_information")) == [inform]
    with pytest.raises(ValidationError):
        services.complete(org.sxd_admin, inform, "Đã biết")
    services.mark_read(org.sxd_admin, inform)
    services.mark_read(org.sxd_admin, inform)
    assert inform.status == A.DONE and not queries.inbox(org.sxd_admin, "for_information").exists()
    assert JournalEntry.objects.filter(action="incoming.assignment.read").count() == 1
    assert journal.verify().ok


def test_lead_person_completes_document_and_unit_leader_may_note(people):
    org = people
    doc = directed(org, targets=[T("lead", user=org.sxd_staff2), T("cooperate", unit=org.sxd_khtc)])
    coop = unit_assignment(doc, org.sxd_khtc, "cooperate")
    services.add_note(org.sxd_unit_leader, coop, "proposal", "Phòng KH-TC thống nhất nội dung dự thảo.")
    coop.refresh_from_db()
    assert coop.status == A.IN_PROGRESS
    services.complete(org.sxd_unit_leader, coop, "Đã góp ý.")
    doc.refresh_from_db()
    assert doc.status == DocStatus.IN_PROGRESS
    lead = Assignment.objects.get(document=doc, role="lead")
    services.complete(org.sxd_staff2, lead, "Đã trả lời.")
    doc.refresh_from_db()
    assert doc.status == DocStatus.COMPLETED
    with pytest.raises(ValidationError):
        services.add_note(org.sxd_staff2, lead, "progress", "Muộn rồi")


def test_return_to_leader_and_redirection(people):
    org = people
    doc = directed(org)
    lead = unit_assignment(doc, org.sxd_khtc)
    child = services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    with pytest.raises(ValidationError, match="5 ký tự"):
        services.return_to_leader(org.sxd_unit_leader, lead, "sai")
    with pytest.raises(PermissionDenied):
        services.return_to_leader(org.vp_leader, lead, "Không thuộc chức năng của phòng")
    with pytest.raises(PermissionDenied):  # the staff member's part is theirs, not the unit leader's, to return
        services.return_to_leader(org.sxd_unit_leader, child, "Không phải phân công của lãnh đạo")
    services.return_to_leader(org.sxd_unit_leader, lead, "Nội dung thuộc chức năng Phòng Quản lý xây dựng")
    assert lead.status == A.RETURNED and lead.reason.startswith("Nội dung")
    child.refresh_from_db()
    assert child.status == A.REASSIGNED
    doc.refresh_from_db()
    assert doc.status == DocStatus.SUBMITTED
    assert Notification.objects.filter(user=org.sxd_leader, text__contains="trả lại").exists()
    with pytest.raises(ValidationError):
        services.add_note(org.sxd_staff, child, "progress", "Đang làm")
    with pytest.raises(ValidationError):
        services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff2)

    # The leader directs again: what was still open is closed, and there is exactly one active lead.
    services.direct(
        org.sxd_leader,
        doc,
        direction="Giao Văn phòng chủ trì.",
        deadline=days(5),
        targets=[T("lead", unit=org.sxd_vp), T("cooperate", user=org.sxd_staff2)],
    )
    doc.refresh_from_db()
    assert doc.status == DocStatus.DIRECTED and doc.direction == "Giao Văn phòng chủ trì."
    old_coop = Assignment.objects.get(document=doc, unit=org.sxd_vp, role="cooperate")
    assert old_coop.status == A.REASSIGNED
    assert Assignment.objects.get(document=doc, role="inform").status == A.REASSIGNED
    active_leads = Assignment.objects.filter(document=doc, role="lead", parent__isnull=True, status__in=services.OPEN)
    assert [a.unit for a in active_leads] == [org.sxd_vp]
    lead.refresh_from_db()
    assert lead.status == A.RETURNED  # history kept
    new_lead = active_leads.get()
    services.complete(org.vp_leader, new_lead, "Văn phòng đã xử lý.")
    doc.refresh_from_db()
    assert doc.status == DocStatus.COMPLETED
    assert journal.verify().ok


def test_returning_a_cooperation_keeps_the_direction(people):
    org = people
    doc = directed(org)
    coop = unit_assignment(doc, org.sxd_vp, "cooperate")
    services.return_to_leader(org.vp_leader, coop, "Văn phòng không có số liệu để phối hợp")
    doc.refresh_from_db()
    assert coop.status == A.RETURNED and doc.status == DocStatus.DIRECTED


def test_reassign_within_the_unit(people):
    org = people
    doc = directed(org)
    lead = unit_assignment(doc, org.sxd_khtc)
    child = services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, deadline=days(6), opinion="Làm gấp")
    with pytest.raises(ValidationError, match="đã được giao"):
        services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    with pytest.raises(PermissionDenied):
        services.reassign(org.vp_leader, child, user=org.sxd_staff2, reason="Cân đối công việc")
    with pytest.raises(PermissionDenied):
        services.reassign(org.sxd_staff, child, user=org.sxd_staff2, reason="Cân đối công việc")
    with pytest.raises(ValidationError, match="lý do"):
        services.reassign(org.sxd_unit_leader, child, user=org.sxd_staff2, reason=" ")
    with pytest.raises(ValidationError, match="cán bộ đang công tác"):
        services.reassign(org.sxd_unit_leader, child, user=org.vp_staff, reason="Cân đối công việc")
    with pytest.raises(ValidationError):
        services.reassign(org.sxd_unit_leader, child, user=org.sxd_staff, reason="Cân đối công việc")
    new = services.reassign(org.sxd_unit_leader, child, user=org.sxd_staff2, reason="Đ/c Lan đi công tác")
    assert child.status == A.REASSIGNED and child.reason == "Đ/c Lan đi công tác"
    assert (new.parent, new.user, new.status, new.deadline, new.opinion) == (
        lead,
        org.sxd_staff2,
        A.PENDING,
        days(6),
        "Làm gấp",
    )
    with pytest.raises(ValidationError):
        services.add_note(org.sxd_staff, child, "progress", "Đang làm")
    services.add_note(org.sxd_staff2, new, "progress", "Đã nhận việc")
    assert sees(org.sxd_staff2, doc)
    assert list(queries.inbox(org.sxd_staff2, "in_progress")) == [new]


def test_permission_refusals(people):
    org = people
    doc = directed(org)
    lead = unit_assignment(doc, org.sxd_khtc)
    # Not the leader of that unit: staff, another unit's leader, the agency leader, other agencies.
    for actor in (org.sxd_staff, org.vp_leader, org.sxd_leader, org.stttt_staff, org.ht_staff):
        with pytest.raises(PermissionDenied):
            services.distribute(actor, lead, user=org.sxd_staff)
        with pytest.raises(PermissionDenied):
            services.add_note(actor, lead, "progress", "Tôi ghi tiến độ")
        with pytest.raises(PermissionDenied):
            services.complete(actor, lead, "Xong")
    # Only members of the unit may receive the work: not another unit's staff, nor another agency's.
    for user in (org.vp_staff, org.stttt_staff, org.ht_staff):
        with pytest.raises(ValidationError, match="cán bộ đang công tác"):
            services.distribute(org.sxd_unit_leader, lead, user=user)
    with pytest.raises(ValidationError):
        services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, deadline=days(-1))
    child = services.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    for actor in (org.sxd_staff2, org.vp_staff, org.stttt_staff):
        with pytest.raises(PermissionDenied):
            services.add_note(actor, child, "progress", "Không phải việc của tôi")
    with pytest.raises(ValidationError):
        services.distribute(org.sxd_unit_leader, child, user=org.sxd_staff2)  # not a unit assignment
    with pytest.raises(PermissionDenied):
        services.mark_read(org.sxd_staff, Assignment.objects.get(document=doc, role="inform"))
    assert not sees(org.stttt_staff, doc) and not sees(org.ht_staff, doc) and not sees(org.vp_staff, doc)
    # Nothing is processed before the leader directs.
    other = submitted(org)
    assert other.status == DocStatus.SUBMITTED


def test_inbox_boxes_due_state_and_late(people):
    org = people
    with freeze_time("2026-12-01 09:00:00+07:00"):
        d1 = directed(
            org, targets=[T("lead", user=org.sxd_staff, deadline=dt.date(2026, 12, 4))], deadline=dt.date(2026, 12, 4)
        )
        d2 = directed(
            org,
            targets=[T("lead", unit=org.sxd_khtc), T("cooperate", user=org.sxd_staff)],
            deadline=dt.date(2026, 12, 20),
        )
        d3 = directed(org, targets=[T("lead", unit=org.sxd_khtc), T("inform", user=org.sxd_staff)])
        a1 = Assignment.objects.get(document=d1, user=org.sxd_staff)
        a2 = Assignment.objects.get(document=d2, user=org.sxd_staff)
        a3 = Assignment.objects.get(document=d3, user=org.sxd_staff)
        assert list(queries.inbox(org.sxd_staff, "to_process")) == [a2, a1]  # keyset order -id
        assert list(queries.inbox(org.sxd_staff, "for_information")) == [a3]
        assert not queries.inbox(org.sxd_staff, "late").exists()
        assert queries.due_state(a1) == "ok" and queries.due_state(d1) == "ok"
        with pytest.raises(ValidationError):
            queries.inbox(org.sxd_staff, "trash")
        assert [a.document for a in queries.unit_queue(org.sxd_unit_leader)] == [d3, d2]
        assert not queries.unit_queue(org.sxd_staff).exists()
    with freeze_time("2026-12-02 16:30:00+07:00"):
        assert queries.due_state(a1) == "due_soon" and queries.due_state(d1) == "due_soon"
        assert queries.due_state(a2) == "ok"
    # Late is judged by the date in Việt Nam: 17:30 UTC on the 4th is already the 5th in Hà Nội.
    with freeze_time("2026-12-04 17:30:00+00:00"):
        assert list(queries.inbox(org.sxd_staff, "late")) == [a1]
        assert queries.due_state(a1) == "late" and queries.due_state(d1) == "late"
        services.add_note(org.sxd_staff, a1, "progress", "Đang hoàn thiện")
        assert list(queries.inbox(org.sxd_staff, "late")) == [a1]
        services.complete(org.sxd_staff, a1, "Đã xong, chậm 1 ngày")
        assert not queries.inbox(org.sxd_staff, "late").exists()
        d1.refresh_from_db()
        assert queries.due_state(a1) == "ok" and queries.due_state(d1) == "ok"
    with freeze_time("2026-12-04 16:30:00+00:00"):
        assert queries.due_state(a2, today=dt.date(2026, 12, 19)) == "due_soon"


def test_due_soon_days_is_configurable(people, settings):
    org = people
    settings.VPDT_DUE_SOON_DAYS = 5
    doc = directed(org, targets=[T("lead", user=org.sxd_staff)], deadline=days(4))
    assert queries.due_state(doc) == "due_soon"
    del settings.VPDT_DUE_SOON_DAYS
    assert queries.due_state(doc) == "ok"


def test_reminders_once_a_day_by_mail_and_notification(people, django_capture_on_commit_callbacks):
    org = people
    mailed = partial(django_capture_on_commit_callbacks, execute=True)  # e-mail leaves once the reminder commits
    with freeze_time("2026-12-01 09:00:00+07:00"):
        d1 = directed(
            org,
            targets=[T("lead", unit=org.sxd_khtc), T("cooperate", user=org.sxd_staff2)],
            deadline=dt.date(2026, 12, 3),
            code_number="321",
        )
        d2 = directed(org, targets=[T("lead", user=org.sxd_staff)], deadline=dt.date(2026, 12, 20))
        child = services.distribute(org.sxd_unit_leader, unit_assignment(d1, org.sxd_khtc), user=org.sxd_staff)
        Notification.objects.all().delete()
        mail.outbox.clear()

        # Due on the 3rd, today the 1st: due soon. The unit's leader, the staff member working on it and the
        # cooperating person are reminded; d2 (due the 20th) is not.
        with mailed():
            assert services.send_reminders() == 3
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [org.sxd_unit_leader.email, org.sxd_staff.email, org.sxd_staff2.email]
        )
        message = mail.outbox[0]
        assert "sắp đến hạn" in message.subject and "321/UBND-KT" in message.subject
        assert d1.subject in message.body and "03/12/2026" in message.body and "Kính gửi" in message.body
        assert Notification.objects.filter(user=org.sxd_staff, url__contains=str(d1.pk)).count() == 1
        assert child.pk in Assignment.objects.filter(last_reminded_on=dt.date(2026, 12, 1)).values_list("pk", flat=True)
        # Not twice the same day.
        with mailed():
            assert services.send_reminders() == 0
        assert len(mail.outbox) == 3
        assert JournalEntry.objects.filter(action="incoming.assignment.remind").count() == 3

    with freeze_time("2026-12-05 09:00:00+07:00"):
        mail.outbox.clear()
        services.complete(org.sxd_staff2, Assignment.objects.get(document=d1, user=org.sxd_staff2), "Đã góp ý")
        with mailed():
            assert services.send_reminders() == 2  # late now; the finished cooperation is not reminded
        assert len(mail.outbox) == 2 and all("quá hạn" in m.subject for m in mail.outbox)
        assert services.send_reminders() == 0
    assert not Assignment.objects.filter(document=d2).exclude(last_reminded_on=None).exists()

    # The Celery task runs the same service (no e-mail address: in-app notification only, still counted).
    org.sxd_staff.email = ""
    org.sxd_staff.save(update_fields=["email"])
    with freeze_time("2026-12-19 09:00:00+07:00"):
        from vpdt.incoming import tasks

        mail.outbox.clear()
        with mailed():
            assert tasks.send_reminders.delay().get() == 3
        assert [m.to for m in mail.outbox] == [[org.sxd_unit_leader.email]]
        assert Notification.objects.filter(user=org.sxd_staff, text__contains=d2.subject).exists()


def test_late_units_for_the_weekly_follow_up(people):
    org = people
    with freeze_time("2026-12-01 09:00:00+07:00"):
        a = directed(org, targets=[T("lead", unit=org.sxd_khtc)], deadline=dt.date(2026, 12, 5))
        b = directed(org, targets=[T("lead", unit=org.sxd_khtc)], deadline=dt.date(2026, 12, 8))
        c = directed(
            org, targets=[T("lead", unit=org.sxd_vp), T("cooperate", unit=org.sxd_khtc)], deadline=dt.date(2026, 12, 7)
        )
        d = directed(org, targets=[T("lead", unit=org.sxd_vp)], deadline=dt.date(2026, 12, 6))
        services.complete(org.vp_leader, unit_assignment(d, org.sxd_vp), "Xong đúng hạn")
        services.distribute(org.sxd_unit_leader, unit_assignment(a, org.sxd_khtc), user=org.sxd_staff)
    assert queries.late_units(org.sxd, today=dt.date(2026, 12, 5)) == []
    rows = queries.late_units(org.sxd, today=dt.date(2026, 12, 10))
    assert [(r["unit"], r["late_count"], r["oldest_deadline"]) for r in rows] == [
        (org.sxd_khtc, 3, dt.date(2026, 12, 5)),
        (org.sxd_vp, 1, dt.date(2026, 12, 7)),
    ]
    assert queries.late_units(org.stttt, today=dt.date(2026, 12, 10)) == []
    assert b and c


def test_reply_seam(people):
    org = people
    plain = directed(org)
    with pytest.raises(ValidationError, match="phúc đáp"):
        services.request_reply(org.sxd_unit_leader, plain)
    doc = directed(org, needs_reply=True, reply_due=days(7))
    with pytest.raises(PermissionDenied):
        services.request_reply(org.ht_staff, doc)
    with pytest.raises(PermissionDenied):
        services.request_reply(org.sxd_staff, doc)  # not involved (yet)
    record = services.request_reply(org.sxd_unit_leader, doc)
    # Only the request is recorded: no draft is written on the requester's behalf.
    assert record.status == "draft_requested" and record.outgoing_reference == "" and record.outgoing is None
    assert record.subject.startswith("V/v trả lời văn bản số") and list(doc.replies.all()) == [record]
    child = services.distribute(org.sxd_unit_leader, unit_assignment(doc, org.sxd_khtc), user=org.sxd_staff)
    second = services.request_reply(org.sxd_staff, doc, subject="V/v báo cáo tiến độ dự án")
    assert second.subject == "V/v báo cáo tiến độ dự án" and child
    linked = services.link_reply(org.sxd_staff, record, "125/SXD-KHTC")
    assert linked.status == "linked" and ReplyRecord.objects.get(pk=record.pk).outgoing_reference == "125/SXD-KHTC"
    with pytest.raises(ValidationError):
        services.link_reply(org.sxd_staff, second, "")
    labels = [item["label"] for item in queries.trail(doc)]
    assert "Yêu cầu soạn văn bản trả lời" in labels and "Gắn văn bản trả lời" in labels


def test_trail_tells_the_processing_story(people):
    org = people
    doc = services.register_document(org.sxd_clerk, agency=org.sxd, **fields()).document
    services.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
    services.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì tham mưu.",
        deadline=days(10),
        targets=[T("lead", unit=org.sxd_khtc), T("inform", user=org.sxd_admin)],
    )
    lead = unit_assignment(doc, org.sxd_khtc)
    child = services.distribute(
        org.sxd_unit_leader, lead, user=org.sxd_staff, deadline=days(8), opinion="Đ/c Lan xử lý"
    )
    services.add_note(org.sxd_staff, child, "progress", "Đang tổng hợp")
    services.add_note(org.sxd_staff, child, "proposal", "Đề xuất gửi báo cáo qua trục liên thông")
    services.complete(org.sxd_staff, child, "Đã dự thảo")
    services.complete(org.sxd_unit_leader, lead, "Đã ban hành báo cáo")
    items = queries.trail(doc)
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    labels = [i["label"] for i in items]
    for expected in (
        "Vào sổ văn bản đến",
        "Trình lãnh đạo",
        "Cho ý kiến chỉ đạo",
        "Nhận xử lý",
        "Giao cán bộ xử lý",
        "Báo cáo tiến độ",
        "Ý kiến đề xuất",
        "Hoàn thành phần việc",
        "Hoàn thành xử lý văn bản",
    ):
        assert expected in labels, expected
    assert (
        labels.index("Vào sổ văn bản đến")
        < labels.index("Cho ý kiến chỉ đạo")
        < labels.index("Giao cán bộ xử lý")
        < labels.index("Báo cáo tiến độ")
        < labels.index("Hoàn thành xử lý văn bản")
    )
    direction = next(i for i in items if i["action"] == "incoming.direct")
    assert direction["direction"] == "Giao Phòng KH-TC chủ trì tham mưu."
    assert "Xử lý chính: Phòng Kế hoạch - Tài chính" in direction["to"] and "Để biết" in direction["to"]
    assert direction["deadline"] == str(days(10)) and org.sxd_leader.full_name in direction["who"]
    given = next(i for i in items if i["action"] == "incoming.assignment.distribute")
    assert (given["to"], given["deadline"], given["text"], given["assignment"]) == (
        org.sxd_staff.full_name,
        str(days(8)),
        "Đ/c Lan xử lý",
        child.pk,
    )
    assert org.sxd_unit_leader.full_name in given["who"]
    proposal = next(i for i in items if i["label"] == "Ý kiến đề xuất")
    assert proposal["text"] == "Đề xuất gửi báo cáo qua trục liên thông" and proposal["assignment"] == child.pk
    assert all(i["when"] and "on_behalf_of" in i for i in items)


def test_scope_is_what_the_rules_use(people):
    org = people
    assert org.sxd_khtc.pk in scope_of(org.sxd_unit_leader).led_unit_ids
    assert not scope_of(org.sxd_leader).led_unit_ids


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises every writer with a database lock; real concurrency needs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_registration_numbers_are_gapless(org):
    register = services.default_register(org.sxd)
    clerk = org.sxd_clerk
    scope_of(clerk)  # build the scope once, before the threads share the user object
    doc_type = DocumentType.objects.get(name="Công văn")
    barrier = threading.Barrier(20)
    errors = []

    def work(i):
        try:
            barrier.wait(timeout=30)
            services.register_document(clerk, register=register, **fields(code_number=f"C{i}", doc_type=doc_type))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    numbers = sorted(IncomingDocument.objects.filter(register=register).values_list("arrival_number", flat=True))
    assert numbers == list(range(1, 21))
    assert journal.verify().ok


def test_late_units_screen_and_notifications_screen(org, login):
    import datetime as _dt

    from freezegun import freeze_time

    from vpdt.catalog.models import DocumentType
    from vpdt.incoming import services as svc

    doc = svc.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        urgency=1,
        issuer_name="Bộ Xây dựng",
        code_number="77",
        code_notation="BXD-QLN",
        issued_date=_dt.date(2026, 11, 2),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình thị trường bất động sản",
    ).document
    svc.direct(
        org.sxd_leader,
        doc,
        direction="Phòng KH-TC báo cáo",
        deadline=timezone.localdate() + _dt.timedelta(days=1),
        targets=[svc.Target("lead", unit=org.sxd_khtc)],
    )
    clerk = login(org.sxd_clerk)
    assert "Không có đơn vị nào chậm" in clerk.get("/van-ban-den/don-doc/").content.decode()
    with freeze_time(timezone.now() + _dt.timedelta(days=5)):
        html = login(org.sxd_clerk).get("/van-ban-den/don-doc/").content.decode()
        assert org.sxd_khtc.name in html.split('data-testid="late-units"')[1]
    assert login(org.sxd_staff).get("/van-ban-den/don-doc/").status_code == 403
    # The direction notified the unit's leader; the notifications screen (moved to /thong-bao/, the old address
    # leads there) lists it and marks it read.
    head = login(org.sxd_unit_leader)
    assert Notification.objects.filter(user=org.sxd_unit_leader, read_at__isnull=True).exists()
    assert head.get("/van-ban-den/thong-bao/")["Location"] == "/thong-bao/"
    assert "bất động sản" in head.get("/thong-bao/").content.decode()
    head.post("/thong-bao/da-doc/")
    assert not Notification.objects.filter(user=org.sxd_unit_leader, read_at__isnull=True).exists()
    assert "Không có thông báo." in login(org.stttt_staff).get("/thong-bao/").content.decode()


def test_reminders_go_through_a_real_smtp_server(people, settings, django_capture_on_commit_callbacks):
    """Django's SMTP backend against a local SMTP server (aiosmtpd), not the in-memory outbox."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        org = people
        doc = directed(org, targets=[T("lead", user=org.sxd_staff)], deadline=days(1), code_number="888")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_reminders() == 1
    finally:
        controller.stop()
    assert len(received) == 1
    message = received[0]
    assert message["To"] == org.sxd_staff.email
    body = message.get_payload(decode=True).decode("utf-8")
    assert doc.subject[:30] in body or str(doc.arrival_number) in body
