"""A task as an official order in a real browser: the director assigns it, the specialist accepts it and reports
progress on a phone-sized screen, the director follows it up twice (each follow-up delivered and recorded per
channel), the specialist submits the result and the director completes it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_incoming_flow import _log_in, _submit
from vpdt.collab.orders.models import FollowUp, FollowUpDelivery, Task, TaskStatus
from vpdt.notifications.models import Notification

pytestmark = pytest.mark.e2e

TITLE = "Báo cáo tình hình giải ngân vốn đầu tư công quý I/2026"


def test_assign_accept_report_follow_up_twice_submit_and_complete(org, transactional_db, live_server, new_page):
    deadline = timezone.localdate() + dt.timedelta(days=7)
    leader = _log_in(new_page, org.sxd_leader)
    leader.goto("/giao-viec/")
    leader.get_by_test_id("task-new").click()
    leader.get_by_label("Tên nhiệm vụ").fill(TITLE)
    leader.get_by_test_id("lead").select_option(f"p:{org.sxd_staff.pk}")
    leader.get_by_label("Hạn hoàn thành").fill(deadline.strftime("%d/%m/%Y"))
    leader.get_by_label("Nội dung, yêu cầu").fill("Tổng hợp số liệu giải ngân của các dự án do Sở làm chủ đầu tư.")
    leader.keyboard.press("Escape")
    _submit(leader, "save")
    expect(leader.get_by_test_id("task-title")).to_have_text(TITLE)
    expect(leader.get_by_test_id("task-status")).to_have_text("Đã giao")
    expect(leader.get_by_test_id("task-deadline")).to_contain_text(deadline.strftime("%d/%m/%Y"))
    task = Task.objects.get(title=TITLE)

    staff = _log_in(new_page, org.sxd_staff)
    staff.set_viewport_size({"width": 390, "height": 844})
    staff.goto("/giao-viec/")
    expect(staff.get_by_test_id("task-row")).to_contain_text(TITLE)
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    staff.get_by_test_id("task-row").click()
    _submit(staff, "accept")
    expect(staff.get_by_test_id("task-status")).to_have_text("Đã tiếp nhận")
    staff.get_by_label("Tiến độ (%)").fill("50")
    staff.get_by_label("Nội dung báo cáo").fill("Đã tổng hợp số liệu của 12/24 dự án.")
    _submit(staff, "report")
    expect(staff.get_by_test_id("task-status")).to_have_text("Đang thực hiện")
    expect(staff.get_by_test_id("task-progress")).to_contain_text("50%")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390

    leader.reload()
    expect(leader.get_by_test_id("report-row")).to_contain_text("12/24 dự án")
    for kind, text in (("remind", "Đề nghị đẩy nhanh tiến độ."), ("criticise", "Chậm so với yêu cầu.")):
        leader.get_by_test_id("followup-open").click()
        leader.get_by_test_id("followup-kind").select_option(kind)
        leader.get_by_label("Nội dung đôn đốc").fill(text)
        _submit(leader, "followup")
    expect(leader.get_by_test_id("followup-row")).to_have_count(2)
    expect(leader.get_by_test_id("followups")).to_contain_text("Trong hệ thống: Đã hiện trong hệ thống")
    assert FollowUp.objects.filter(task=task, assignee_user=org.sxd_staff).count() == 2
    assert FollowUpDelivery.objects.filter(followup__task=task, channel="in_app", status="delivered").count() == 2
    assert Notification.objects.filter(user=org.sxd_staff, verb="orders.follow_up").count() == 2

    staff.reload()
    expect(staff.get_by_test_id("followup-row")).to_have_count(2)
    staff.get_by_test_id("submit-open").click()
    staff.get_by_label("Kết quả thực hiện").fill("Đã hoàn thành báo cáo, gửi kèm biểu tổng hợp.")
    _submit(staff, "submit")
    expect(staff.get_by_test_id("task-status")).to_have_text("Chờ đánh giá")

    leader.reload()
    _submit(leader, "complete")
    expect(leader.get_by_test_id("task-status")).to_have_text("Hoàn thành")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.progress == 100


def test_the_director_gives_a_task_from_an_incoming_document(org, transactional_db, live_server, new_page):
    from tests.test_incoming_api import fields
    from vpdt.catalog.models import Urgency
    from vpdt.incoming import services as incoming

    document = incoming.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.FLASH)
    ).document
    direction = "Phòng Kế hoạch - Tài chính chủ trì tham mưu kế hoạch, báo cáo Giám đốc."
    incoming.direct(org.sxd_leader, document, direction=direction, targets=[incoming.Target("lead", unit=org.sxd_khtc)])
    deadline = timezone.localdate() + dt.timedelta(days=6)
    leader = _log_in(new_page, org.sxd_leader)
    leader.goto(f"/van-ban-den/{document.pk}/")
    with leader.expect_navigation():
        leader.get_by_test_id("page-action-assign-task").click()
    expect(leader.get_by_test_id("from-incoming")).to_contain_text("1234/UBND-KT")
    expect(leader.get_by_label("Tên nhiệm vụ")).to_have_value(document.subject)
    expect(leader.get_by_label("Nội dung, yêu cầu")).to_have_value(direction)
    expect(leader.get_by_test_id("lead")).to_have_value(f"u:{org.sxd_khtc.pk}")
    leader.get_by_label("Hạn hoàn thành").fill(deadline.strftime("%d/%m/%Y"))
    leader.keyboard.press("Escape")
    _submit(leader, "save")
    expect(leader.get_by_test_id("task-title")).to_have_text(document.subject)
    expect(leader.get_by_text("Văn bản liên quan")).to_be_visible()
    task = Task.objects.get(incoming_id=document.pk)
    assert task.lead_unit_id == org.sxd_khtc.pk and task.links.get().object_id == document.pk

    clerk = _log_in(new_page, org.sxd_clerk)  # the clerk reads the document and gives no orders
    clerk.goto(f"/van-ban-den/{document.pk}/")
    expect(clerk.get_by_test_id("subject")).to_be_visible()
    expect(clerk.get_by_test_id("page-action-assign-task")).to_have_count(0)
