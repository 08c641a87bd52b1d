"""Daily reminders to reviewers of drafts: due by the next working day or late, once a day, working days only."""

import datetime as dt

import pytest
from freezegun import freeze_time

from vpdt.catalog.models import DocumentType
from vpdt.journal import services as journal
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out
from vpdt.outgoing.models import ReviewStep, StepStatus
from vpdt.outgoing.reminders import send_review_reminders
from vpdt.outgoing.tasks import review_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(org):
    org.sxd_unit_leader.email = "dung.pv@xaydung.nghean.gov.vn"
    org.sxd_unit_leader.save(update_fields=["email"])
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026",
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau.",
        signer=org.sxd_leader,
    )
    with freeze_time("2026-11-27 08:00:00+07:00"):  # a Friday: due Wednesday 02/12 (3 working days)
        doc = out.submit(org.sxd_staff, doc)
    step = ReviewStep.objects.get(document=doc, status=StepStatus.ACTIVE)
    assert step.reviewer == org.sxd_unit_leader and step.due_date == dt.date(2026, 12, 2)
    return doc


def reminders_for(user):
    return Notification.objects.filter(user=user, text__startswith="Nhắc hạn: dự thảo chờ bạn duyệt")


def test_not_reminded_before_it_is_nearly_due(org, submitted, mailoutbox):
    assert send_review_reminders(dt.date(2026, 11, 30)) == 0  # Monday: due Wednesday, not yet
    assert not reminders_for(org.sxd_unit_leader).exists() and mailoutbox == []


def test_due_next_working_day_reminded_once_that_day(org, submitted, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves once the reminder is committed
        assert send_review_reminders(dt.date(2026, 12, 1)) == 1  # Tuesday: due tomorrow
        assert send_review_reminders(dt.date(2026, 12, 1)) == 0  # second run the same day
    note = reminders_for(org.sxd_unit_leader).get()
    assert "sắp đến hạn" in note.text and "02/12/2026" in note.text and note.url == f"/van-ban-di/{submitted.pk}/"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["dung.pv@xaydung.nghean.gov.vn"]
    assert "chờ bạn duyệt sắp đến hạn" in mail.subject
    assert "giải ngân vốn đầu tư công" in mail.body and "Hạn xử lý: 02/12/2026" in mail.body
    entry = JournalEntry.objects.get(action="outgoing.step.remind")
    assert entry.object_id == str(submitted.pk) and entry.details["state"] == "due_soon"
    assert journal.verify().ok


def test_late_step_reminded_every_working_day_not_on_weekends(
    org, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-04 07:35:00+07:00"), django_capture_on_commit_callbacks(execute=True):
        assert review_reminders() == 1  # Friday, two days late: through the Celery task
        assert review_reminders() == 0
    assert "đã quá hạn" in reminders_for(org.sxd_unit_leader).get().text
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(dt.date(2026, 12, 5)) == 0  # Saturday
        assert send_review_reminders(dt.date(2026, 12, 6)) == 0  # Sunday
        assert send_review_reminders(dt.date(2026, 12, 7)) == 1  # Monday: still late, reminded again
    assert reminders_for(org.sxd_unit_leader).count() == 2 and len(mailoutbox) == 2
    assert ReviewStep.objects.get(document=submitted, status=StepStatus.ACTIVE).last_reminded_on == dt.date(2026, 12, 7)
    assert JournalEntry.objects.filter(action="outgoing.step.remind").count() == 2


def test_decided_step_no_longer_reminded_next_reviewer_is(
    org, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with freeze_time("2026-12-01 09:00:00+07:00"):  # Tuesday: the unit leader agrees; the director's step starts
        out.approve(org.sxd_unit_leader, submitted, comment="Đồng ý.")
    leader_step = ReviewStep.objects.get(document=submitted, status=StepStatus.ACTIVE)
    assert leader_step.reviewer == org.sxd_leader and leader_step.due_date == dt.date(2026, 12, 4)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(dt.date(2026, 12, 2)) == 0  # unit leader done; director due Friday
        assert send_review_reminders(dt.date(2026, 12, 3)) == 1  # Thursday: director's step due tomorrow
    assert not reminders_for(org.sxd_unit_leader).exists()
    assert reminders_for(org.sxd_leader).count() == 1
    assert mailoutbox == [] or all(m.to != ["dung.pv@xaydung.nghean.gov.vn"] for m in mailoutbox)


def test_returned_draft_not_reminded(org, submitted, mailoutbox, django_capture_on_commit_callbacks):
    with freeze_time("2026-12-01 09:00:00+07:00"):
        out.return_draft(org.sxd_unit_leader, submitted, comment="Bổ sung số liệu giải ngân tháng 11.")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(dt.date(2026, 12, 4)) == 0
    assert mailoutbox == []
