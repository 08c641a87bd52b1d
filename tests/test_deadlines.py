"""One rule for “late / due soon / ok”: vpdt.core.deadlines, with the window VPDT_DUE_SOON_DAYS, on Vietnam's
calendar, for incoming documents, their assignments and the review steps of outgoing drafts alike."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core import deadlines
from vpdt.core.deadlines import due_state
from vpdt.incoming import queries
from vpdt.incoming import services as incoming
from vpdt.outgoing import services as out
from vpdt.outgoing.models import ReviewStep, StepStatus

TODAY = dt.date(2026, 11, 25)


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.mark.parametrize("window", [2, 5])
def test_boundaries(settings, window):
    settings.VPDT_DUE_SOON_DAYS = window
    assert due_state(day(-1), today=TODAY) == "late"
    assert due_state(TODAY, today=TODAY) == "due_soon"
    assert due_state(day(window), today=TODAY) == "due_soon"
    assert due_state(day(window + 1), today=TODAY) == "ok"
    assert due_state(None, today=TODAY) == "ok"
    for deadline in (day(-30), TODAY, day(window), day(window + 1)):
        assert due_state(deadline, done=True, today=TODAY) == "ok"
    assert deadlines.due_soon_horizon(TODAY) == day(window)


def test_default_window_is_two_days(settings):
    del settings.VPDT_DUE_SOON_DAYS
    assert deadlines.due_soon_days() == 2
    assert due_state(day(2), today=TODAY) == "due_soon" and due_state(day(3), today=TODAY) == "ok"


@freeze_time("2026-11-25 18:30:00+00:00")  # 01:30 on 26/11 in Hà Nội, still 25/11 in UTC
def test_today_is_the_date_in_vietnam():
    assert deadlines.local_today() == dt.date(2026, 11, 26)
    assert due_state(dt.date(2026, 11, 25)) == "late"
    assert due_state(dt.date(2026, 11, 26)) == "due_soon"


def test_incoming_objects_use_the_same_rule(org, settings):
    settings.VPDT_DUE_SOON_DAYS = 4
    today = timezone.localdate()
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        urgency=Urgency.URGENT,
        issuer_name="Bộ Xây dựng",
        code_number="415",
        code_notation="BXD-HĐXD",
        issued_date=today - dt.timedelta(days=2),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v góp ý dự thảo Thông tư về định mức",
        due_date=today + dt.timedelta(days=4),
    ).document
    assert queries.due_state(doc) == "due_soon"
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC tham mưu.",
        deadline=today + dt.timedelta(days=5),
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
    )
    lead = doc.assignments.get()
    assert queries.due_state(doc) == "ok" and queries.due_state(lead) == "ok"
    assert queries.due_state(lead, today=today + dt.timedelta(days=1)) == "due_soon"
    assert queries.due_state(lead, today=today + dt.timedelta(days=6)) == "late"


def test_review_screen_uses_the_configured_window(org, login, settings):
    """The drafts waiting for review once had their own one-day window; now the setting rules there too."""
    settings.VPDT_DUE_SOON_DAYS = 3
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer=org.sxd_leader,
        subject="V/v báo cáo tiến độ giải ngân vốn đầu tư công quý IV năm 2026",
        text="Kính gửi: Ủy ban nhân dân tỉnh",
    )
    out.submit(org.sxd_staff, doc)
    step = ReviewStep.objects.get(document=doc, status=StepStatus.ACTIVE)
    web = login(org.sxd_unit_leader)
    for offset, css in ((3, "table-warning"), (4, None), (-1, "table-danger")):
        ReviewStep.objects.filter(pk=step.pk).update(due_date=timezone.localdate() + dt.timedelta(days=offset))
        row = web.get("/van-ban-di/cho-duyet/").content.decode().split('data-testid="review-row"')[1].split(">")[0]
        if css:
            assert css in row, (offset, row)
        else:
            assert "table-warning" not in row and "table-danger" not in row, (offset, row)
