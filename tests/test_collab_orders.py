"""Tasks as official orders (giao việc, nhắc việc; SPEC §5): who assigns to whom, the lifecycle with its guards,
progress reports, extensions, sub-tasks, follow-ups counted per assignee and delivered on every channel through the
notifications app (each channel recorded as it really went), the lists and the summary — and nobody outside the task
(or from another agency) reads it, on any page, file or API action."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from tests.shared_data import over
from vpdt.collab.orders import queries, services
from vpdt.collab.orders.lifecycle import available_actions
from vpdt.collab.orders.models import DeliveryStatus, FollowUp, FollowUpDelivery, Task, TaskStatus
from vpdt.collab.sms import services as sms
from vpdt.collab.sms.models import SmsMessage
from vpdt.core.fsm import TransitionNotAllowed
from vpdt.journal.models import JournalEntry
from vpdt.notifications import services as notifications
from vpdt.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@over("org")
def world(o):
    """The director of the Sở Xây dựng orders the KHTC specialist to prepare the 2026 budget estimate, with the
    office's clerk cooperating; and orders the KHTC unit to review the public investment plan."""
    o.task = services.create_task(
        o.sxd_leader,
        title="Lập dự toán ngân sách năm 2026 của Sở",
        description="Tổng hợp nhu cầu kinh phí của các phòng, trình Giám đốc trước ngày họp giao ban.",
        deadline=_in(10),
        lead_user=o.sxd_staff,
        cooperator_users=[o.sxd_clerk],
        files=[SimpleUploadedFile("huong-dan-du-toan.pdf", PDF)],
    )
    o.unit_task = services.create_task(
        o.sxd_leader,
        title="Rà soát kế hoạch đầu tư công trung hạn",
        deadline=_in(20),
        lead_unit=o.sxd_khtc,
    )
    return o


# ------------------------------------------------------------------------------------------ who assigns


def test_who_may_give_an_order_to_whom(world):
    people, units = services.assignable(world.sxd_leader)
    assert {world.sxd_staff.pk, world.sxd_unit_leader.pk, world.sxd_clerk.pk} <= set(
        people.values_list("pk", flat=True)
    )
    assert set(units.values_list("pk", flat=True)) == {world.sxd_vp.pk, world.sxd_khtc.pk}
    people, units = services.assignable(world.sxd_unit_leader)
    assert list(people.values_list("pk", flat=True)) == [world.sxd_staff.pk]
    with pytest.raises(PermissionDenied):
        services.create_task(world.sxd_staff, title="Việc", deadline=_in(3), lead_user=world.sxd_clerk)
    with pytest.raises(ValidationError) as err:
        services.create_task(world.sxd_unit_leader, title="Việc", deadline=_in(3), lead_user=world.sxd_clerk)
    assert "phạm vi" in str(err.value)
    with pytest.raises(ValidationError):
        services.create_task(world.sxd_leader, title="Việc", deadline=_in(3), lead_user=world.stttt_staff)
    with pytest.raises(ValidationError) as err:
        services.create_task(world.sxd_leader, title="Việc", deadline=_in(-1), lead_user=world.sxd_staff)
    assert "trước hôm nay" in str(err.value)
    with pytest.raises(ValidationError):
        services.create_task(world.sxd_leader, title="  ", deadline=_in(3), lead_user=world.sxd_staff)
    with pytest.raises(ValidationError):
        services.create_task(
            world.sxd_leader, title="Việc", deadline=_in(3), lead_user=world.sxd_staff, lead_unit=world.sxd_khtc
        )


def test_assigning_tells_the_lead_and_the_cooperators_and_is_journaled(world):
    task = world.task
    assert task.files.get().file.sha256
    assert Notification.objects.filter(user=world.sxd_staff, verb="orders.assigned", target_id=task.pk).exists()
    assert Notification.objects.filter(user=world.sxd_clerk, verb="orders.cooperate", target_id=task.pk).exists()
    entry = JournalEntry.objects.get(action="orders.task.create", object_id=str(task.pk))
    assert entry.details["lead"] == "Hoàng Thị Lan"


# ------------------------------------------------------------------------------------------ the machine


def test_the_whole_path_with_its_guards(world):
    task, lead, boss = world.task, world.sxd_staff, world.sxd_leader
    assert available_actions(lead, task) == {"accept", "return"}
    assert "follow_up" in available_actions(boss, task) and "accept" not in available_actions(boss, task)
    assert available_actions(world.sxd_clerk, task) == set()
    with pytest.raises(PermissionDenied):
        services.accept(boss, task)
    with pytest.raises(TransitionNotAllowed):
        services.complete(boss, task)
    task = services.accept(lead, task)
    assert task.status == TaskStatus.ACCEPTED
    services.report(lead, task, progress=40, text="Đã tổng hợp nhu cầu của 4/6 phòng.")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    with pytest.raises(ValidationError):
        services.report(lead, task, progress=140, text="Sai")
    with pytest.raises(PermissionDenied):
        services.report(world.sxd_clerk, task, progress=50, text="Không phải người chủ trì")
    services.submit(lead, task, "Đã trình dự thảo dự toán.")
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.REVIEW, 100)
    with pytest.raises(ValidationError):
        services.send_back(boss, task, " ")
    services.send_back(boss, task, "Bổ sung thuyết minh chi đầu tư.")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.reason == "Bổ sung thuyết minh chi đầu tư."
    services.submit(lead, task)
    with pytest.raises(PermissionDenied):
        services.complete(lead, task)
    task = services.complete(boss, task)
    assert task.status == TaskStatus.DONE and task.completed_at
    assert available_actions(boss, task) == set() and available_actions(lead, task) == set()
    actions = list(
        JournalEntry.objects.filter(object_id=str(task.pk), action__startswith="orders.task.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "orders.task.create",
        "orders.task.accept",
        "orders.task.report",
        "orders.task.submit",
        "orders.task.send_back",
        "orders.task.submit",
        "orders.task.complete",
    ]


def test_the_lead_returns_the_task_and_the_assigner_gives_it_again(world):
    task, lead, boss = world.task, world.sxd_staff, world.sxd_leader
    with pytest.raises(ValidationError):
        services.return_task(lead, task, "")
    task = services.return_task(lead, task, "Không thuộc chức năng của phòng.")
    assert task.status == TaskStatus.RETURNED and "reassign" in available_actions(boss, task)
    assert Notification.objects.filter(user=boss, verb="orders.returned").exists()
    task = services.reassign(boss, task)
    assert task.status == TaskStatus.ASSIGNED


def test_extension_asked_then_granted_or_refused(world):
    task, lead, boss = services.accept(world.sxd_staff, world.task), world.sxd_staff, world.sxd_leader
    with pytest.raises(ValidationError):
        services.request_extension(lead, task, until=task.deadline, reason="Chờ số liệu")
    with pytest.raises(TransitionNotAllowed):
        services.grant_extension(boss, task)
    until = task.deadline + dt.timedelta(days=7)
    task = services.request_extension(lead, task, until=until, reason="Chờ số liệu của Sở Tài chính")
    assert {"grant_extension", "refuse_extension"} <= available_actions(boss, task)
    assert "request_extension" not in available_actions(lead, task)
    with pytest.raises(PermissionDenied):
        services.grant_extension(lead, task)
    task = services.grant_extension(boss, task)
    assert task.deadline == until and task.extension_until is None
    task = services.request_extension(lead, task, until=until + dt.timedelta(days=3), reason="Thêm số liệu")
    task = services.refuse_extension(boss, task, "Không thể lùi thêm")
    assert task.deadline == until and task.extension_until is None


def test_the_unit_head_leads_a_unit_task_and_delegates_a_sub_task(world):
    task, head, staff = world.unit_task, world.sxd_unit_leader, world.sxd_staff
    assert "accept" in available_actions(head, task)
    assert available_actions(staff, task) == set()
    task = services.accept(head, task)
    assert "delegate" in available_actions(head, task)
    with pytest.raises(ValidationError):
        services.create_task(head, parent=task, title="Phần vốn ODA", deadline=_in(30), lead_user=staff)
    sub = services.create_task(head, parent=task, title="Rà soát phần vốn ODA", deadline=_in(15), lead_user=staff)
    assert sub.parent_id == task.pk and sub.assigner_id == head.pk
    assert queries.tasks(staff).filter(pk=sub.pk).exists()
    assert not queries.tasks(staff).filter(pk=task.pk).exists()
    assert list(queries.of_unit(head).filter(pk__in=[sub.pk, task.pk]).order_by("pk").values_list("pk", flat=True)) == [
        task.pk,
        sub.pk,
    ]
    assert JournalEntry.objects.filter(action="orders.task.delegate", object_id=str(task.pk)).exists()


# ------------------------------------------------------------------------------------------ follow-ups


def test_follow_ups_are_counted_and_delivered_on_every_channel_as_recorded(world, django_capture_on_commit_callbacks):
    lead, boss = world.sxd_staff, world.sxd_leader
    lead.email = "lan.ht@sxd.nghean.gov.vn"
    lead.save(update_fields=["email"])
    sms.set_mobile(lead, "0912345678")
    notifications.set_preferences(lead, {("reminder", "sms"): True})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.follow_up(boss, world.task, kind="remind", text="Đề nghị khẩn trương tổng hợp số liệu.")
    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up(boss, world.task, kind="criticise", text="Chậm báo cáo tiến độ.")
    assert FollowUp.objects.filter(assignee_user=lead).count() == 2
    assert queries.followup_counts(world.task) == {"remind": 1, "criticise": 1}
    got = {d.channel: d for d in FollowUpDelivery.objects.filter(followup=first, user=lead)}
    assert got["in_app"].status == DeliveryStatus.DELIVERED
    assert Notification.objects.get(pk=got["in_app"].notification_id).topic == "reminder"
    assert got["email"].status == DeliveryStatus.HANDED
    assert got["sms"].status == DeliveryStatus.HANDED
    assert got["push"].status == DeliveryStatus.SKIPPED  # no device registered: nothing claimed
    assert len([m for m in mail.outbox if "Nhắc nhở" in m.subject]) == 1
    assert SmsMessage.objects.filter(notification_id=got["sms"].notification_id).exists()
    with pytest.raises(PermissionDenied):
        services.follow_up(lead, world.task, kind="remind", text="Tự nhắc")
    with pytest.raises(ValidationError):
        services.follow_up(boss, world.task, kind="scold", text="x")


def test_without_a_mobile_number_no_sms_is_claimed(world, django_capture_on_commit_callbacks):
    lead = world.sxd_staff
    notifications.set_preferences(lead, {("reminder", "sms"): True, ("reminder", "email"): False})
    with django_capture_on_commit_callbacks(execute=True):
        followup = services.follow_up(world.sxd_leader, world.task, kind="review", text="Đề nghị kiểm điểm.")
    got = {d.channel: d for d in FollowUpDelivery.objects.filter(followup=followup)}
    assert got["sms"].status == DeliveryStatus.SKIPPED and got["sms"].note
    assert got["email"].status == DeliveryStatus.SKIPPED
    assert not SmsMessage.objects.filter(recipient=lead).exists()


# ------------------------------------------------------------------------------------------ lists and summary


def test_lists_due_filters_and_the_summary(world):
    staff, boss = world.sxd_staff, world.sxd_leader
    assert list(queries.mine(staff).values_list("pk", flat=True)) == [world.task.pk]
    assert set(queries.assigned_by(boss).values_list("pk", flat=True)) == {world.task.pk, world.unit_task.pk}
    assert list(queries.cooperating(world.sxd_clerk).values_list("pk", flat=True)) == [world.task.pk]
    task = services.accept(staff, world.task)
    services.submit(staff, task)
    services.complete(boss, task)
    with freeze_time(timezone.now() + dt.timedelta(days=25)):
        assert list(queries.due(queries.assigned_by(boss), "qua-han").values_list("pk", flat=True)) == [
            world.unit_task.pk
        ]
        by_unit = {line.name: line for line in queries.summary(boss, by="unit")}
        assert (by_unit["Phòng Kế hoạch - Tài chính"].pending, by_unit["Phòng Kế hoạch - Tài chính"].overdue) == (1, 1)
    by_person = {line.name: line for line in queries.summary(boss)}
    assert (by_person["Hoàng Thị Lan"].on_time, by_person["Hoàng Thị Lan"].late) == (1, 0)
    assert queries.summary(world.stttt_staff) == []


# ------------------------------------------------------------------------------------------ permissions


def test_every_page_file_and_action_for_each_party(world, login):
    task = world.task
    file_pk = task.files.get().pk
    pages = [f"/giao-viec/{task.pk}/", f"/giao-viec/{task.pk}/tep/{file_pk}/"]
    steps = ["tiep-nhan", "tra-lai", "bao-cao", "trinh", "hoan-thanh", "tra-lai-ket-qua", "gia-han", "don-doc"]
    for user in (world.stttt_staff, world.ht_staff, world.sxd_admin):
        client = login(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)
        for slug in steps:
            assert client.post(f"/giao-viec/{task.pk}/{slug}/", {"reason": "x"}).status_code == 404, (user, slug)
        assert client.get(f"/giao-viec/{task.pk}/giao-nhiem-vu-con/").status_code == 404
    coop = login(world.sxd_clerk)
    for url in pages:
        assert coop.get(url).status_code == 200
    for slug in steps:
        assert coop.post(f"/giao-viec/{task.pk}/{slug}/", {"reason": "x"}).status_code == 403, slug
    lead = login(world.sxd_staff)
    page = lead.get(pages[0]).content.decode()
    assert 'data-testid="accept"' in page and 'data-testid="followup"' not in page
    assert b"".join(lead.get(pages[1]).streaming_content) == PDF
    assert lead.post(f"/giao-viec/{task.pk}/hoan-thanh/").status_code == 403
    assert lead.post(f"/giao-viec/{task.pk}/tiep-nhan/").status_code == 302
    boss = login(world.sxd_leader)
    page = boss.get(pages[0]).content.decode()
    assert 'data-testid="followup"' in page and 'data-testid="accept"' not in page
    response = boss.post(f"/giao-viec/{task.pk}/don-doc/", {"kind": "remind", "text": "Khẩn trương."})
    assert response.status_code == 302 and FollowUp.objects.filter(task=task).count() == 1
    # Bad input: a message, nothing lost, never a 500.
    response = boss.post(f"/giao-viec/{task.pk}/don-doc/", {"kind": "remind", "text": ""}, follow=True)
    assert "bắt buộc" in response.content.decode()
    assert login(world.sxd_staff).get("/giao-viec/giao/").status_code == 403


def test_the_lists_and_the_form_render(world, login):
    boss = login(world.sxd_leader)
    for url in ("/giao-viec/", "/giao-viec/?v=da-giao", "/giao-viec/?v=da-giao&han=qua-han", "/giao-viec/tong-hop/"):
        assert boss.get(url).status_code == 200, url
    assert "Lập dự toán" in boss.get("/giao-viec/?v=da-giao").content.decode()
    assert "không hợp lệ" in boss.get("/giao-viec/?v=abc&han=xyz").content.decode()
    assert boss.get("/giao-viec/giao/?van-ban-den=abc").status_code == 200
    response = boss.post(
        "/giao-viec/giao/",
        {"title": "Báo cáo tình hình giải ngân", "lead": f"p:{world.sxd_staff.pk}", "deadline": "32/13/2026"},
    )
    assert response.status_code == 200 and "Hạn hoàn thành" in response.content.decode()
    deadline = _in(5).strftime("%d/%m/%Y")
    response = boss.post(
        "/giao-viec/giao/",
        {
            "title": "Báo cáo tình hình giải ngân",
            "lead": f"u:{world.sxd_khtc.pk}",
            "cooperators": [f"p:{world.sxd_clerk.pk}"],
            "deadline": deadline,
            "priority": "3",
        },
    )
    assert response.status_code == 302
    created = Task.objects.get(title="Báo cáo tình hình giải ngân")
    assert created.lead_unit_id == world.sxd_khtc.pk and created.cooperators.get().user_id == world.sxd_clerk.pk
    assert login(world.sxd_staff).get("/giao-viec/tong-hop/").status_code == 403
    head = login(world.sxd_unit_leader)
    assert "Rà soát kế hoạch" in head.get("/giao-viec/?v=don-vi").content.decode()


def test_a_list_page_reads_the_same_queries_however_many_rows_it_shows(world, login, api):
    """The HTML list and the API list: their people, units and cooperators are read once per page (not per row),
    and the page of tasks is cut before them (no join of the accounts table under the sort)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    boss = world.sxd_leader
    urls = ["/giao-viec/?v=da-giao&trang-thai=tat-ca", "/api/v1/tasks/?view=da-giao"]
    clients = {urls[0]: login(boss), urls[1]: api(boss)}

    def read(url):
        clients[url].get(url)  # the session and the scope, as on any page after the first
        with CaptureQueriesContext(connection) as captured:
            response = clients[url].get(url)
        assert response.status_code == 200
        return response, captured

    before = {url: len(read(url)[1]) for url in urls}
    for i, title in enumerate(["Báo cáo tiến độ giải phóng mặt bằng", "Kiểm tra an toàn công trình trường học"] * 6):
        services.create_task(
            boss,
            title=f"{title} (đợt {i + 1})",
            deadline=_in(3 + i),
            lead_user=world.sxd_staff if i % 2 else None,
            lead_unit=None if i % 2 else world.sxd_khtc,
            cooperator_users=[world.sxd_clerk] if i % 3 else [],
            cooperator_units=[world.sxd_vp] if i % 3 == 1 else [],
        )
    for url in urls:
        response, captured = read(url)
        assert len(captured) == before[url], (url, [q["sql"][:120] for q in captured])
        page = next(q["sql"] for q in captured if 'ORDER BY "orders_task"."deadline"' in q["sql"])
        assert "JOIN" not in page, page[:300]
    rows = read(urls[1])[0].json()["results"]
    assert len(rows) == 14 and {r["lead_name"] for r in rows} == {"Hoàng Thị Lan", "Phòng Kế hoạch - Tài chính"}
    assert sum("Lê Thị Hồng Nhung" in r["cooperators"] for r in rows) == 9  # eight of the twelve, and the first
    assert sum(len(r["cooperators"]) == 2 for r in rows) == 4  # with the office as a cooperating unit


def test_the_api_for_each_party(world, api):
    task = world.task
    other, unrelated, coop = api(world.stttt_staff), api(world.sxd_admin), api(world.sxd_clerk)
    lead, boss = api(world.sxd_staff), api(world.sxd_leader)
    for client in (other, unrelated):
        assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
        assert client.post(f"/api/v1/tasks/{task.pk}/steps/accept/").status_code == 404
        assert client.get(f"/api/v1/tasks/{task.pk}/reports/").status_code == 404
        assert client.get(f"/api/v1/tasks/{task.pk}/followups/").status_code == 404
        assert task.pk not in [r["id"] for r in client.get("/api/v1/tasks/?view=da-giao").data["results"]]
    assert coop.get(f"/api/v1/tasks/{task.pk}/").data["actions"] == []
    assert coop.post(f"/api/v1/tasks/{task.pk}/steps/accept/").status_code == 403
    assert lead.get(f"/api/v1/tasks/{task.pk}/").data["actions"] == ["accept", "return"]
    assert lead.post(f"/api/v1/tasks/{task.pk}/steps/accept/").data["status"] == "accepted"
    done = lead.post(f"/api/v1/tasks/{task.pk}/steps/report/", {"progress": 60, "text": "Đã xong 60%."}, format="json")
    assert done.status_code == 200 and done.data["progress"] == 60
    assert lead.post(f"/api/v1/tasks/{task.pk}/steps/report/", {"progress": 60}, format="json").status_code == 400
    assert lead.post(f"/api/v1/tasks/{task.pk}/steps/nope/").status_code == 404
    response = boss.post(
        f"/api/v1/tasks/{task.pk}/steps/follow_up/", {"kind": "remind", "text": "Nhanh"}, format="json"
    )
    assert response.status_code == 200
    rows = boss.get(f"/api/v1/tasks/{task.pk}/followups/").data
    assert rows[0]["kind"] == "remind" and {d["channel"] for d in rows[0]["deliveries"]} >= {"in_app", "email"}
    assert [r["id"] for r in lead.get("/api/v1/tasks/").data["results"]] == [task.pk]
    created = boss.post(
        "/api/v1/tasks/",
        {"title": "Chuẩn bị họp giao ban", "deadline": _in(2).strftime("%d/%m/%Y"), "lead_user": world.sxd_staff.pk},
        format="json",
    )
    assert created.status_code == 201 and created.data["actions"] == ["follow_up"]
    refused = lead.post(
        "/api/v1/tasks/", {"title": "x", "deadline": _in(2).isoformat(), "lead_user": world.sxd_clerk.pk}, format="json"
    )
    assert refused.status_code == 403
    bad = boss.post("/api/v1/tasks/", {"title": "x", "deadline": "hôm nay", "lead_user": 1}, format="json")
    assert bad.status_code == 400


# ------------------------------------------------------------------------------------------ from a direction


def test_a_task_from_an_incoming_documents_direction(world, login):
    from tests.test_incoming_api import fields
    from vpdt.catalog.models import Urgency
    from vpdt.incoming import services as incoming

    document = incoming.register_document(
        world.sxd_clerk, agency=world.sxd, leader=world.sxd_leader, **fields(urgency=Urgency.FLASH)
    ).document
    incoming.direct(
        world.sxd_leader,
        document,
        direction="Giao Phòng Kế hoạch - Tài chính tham mưu triển khai, báo cáo kết quả.",
        targets=[incoming.Target("lead", unit=world.sxd_khtc)],
    )
    prefill = services.incoming_prefill(world.sxd_leader, document.pk)
    assert prefill["title"] == document.subject and "tham mưu" in prefill["description"]
    assert services.incoming_prefill(world.stttt_staff, document.pk) == {}
    page = login(world.sxd_leader).get(f"/giao-viec/giao/?van-ban-den={document.pk}").content.decode()
    assert 'data-testid="from-incoming"' in page and "cải cách hành chính" in page
    task = services.create_task(
        world.sxd_leader,
        title=prefill["title"],
        description=prefill["description"],
        deadline=_in(9),
        lead_unit=world.sxd_khtc,
        incoming_id=document.pk,
    )
    link = task.links.get()
    assert (link.kind, link.object_id, task.incoming_id) == ("incoming", document.pk, document.pk)
    with pytest.raises(ValidationError) as err:
        services.create_task(
            world.sxd_unit_leader, title="Việc", deadline=_in(3), lead_user=world.sxd_staff, dossier_ids=[987654]
        )
    assert "hồ sơ mã 987654" in str(err.value)


def test_giao_viec_on_the_incoming_documents_page_opens_the_task_form_prefilled(world, client):
    from tests.conftest import make_person
    from tests.test_incoming_api import fields
    from vpdt.catalog.models import Urgency
    from vpdt.directory.models import Role
    from vpdt.incoming import services as incoming

    document = incoming.register_document(
        world.sxd_clerk, agency=world.sxd, leader=world.sxd_leader, **fields(urgency=Urgency.FLASH)
    ).document
    incoming.direct(
        world.sxd_leader,
        document,
        direction="Phòng Kế hoạch - Tài chính chủ trì, Văn phòng phối hợp, báo cáo trước ngày 20.",
        targets=[incoming.Target("lead", unit=world.sxd_khtc), incoming.Target("cooperate", unit=world.sxd_vp)],
    )
    page_url, form_url = f"/van-ban-den/{document.pk}/", f"/giao-viec/giao/?tu-van-ban-den={document.pk}"
    other_leader = make_person(world.stttt, "Trần Quốc Bảo", Role.LEADER)

    def page(user, url):
        client.force_login(user)
        response = client.get(url)
        return response.status_code, response.content.decode()

    status, html = page(world.sxd_leader, page_url)
    assert status == 200 and 'data-testid="page-action-assign-task"' in html
    assert f'href="{form_url}"' in html
    status, html = page(world.sxd_unit_leader, page_url)  # the lead unit's head orders the unit's people
    assert status == 200 and f'href="{form_url}"' in html
    status, html = page(world.sxd_clerk, page_url)  # sees the document, gives no orders
    assert status == 200 and "page-action-assign-task" not in html
    assert services.from_incoming_url(other_leader, document) is None  # gives orders, does not see it
    assert page(other_leader, page_url)[0] == 404

    prefill = services.incoming_prefill(world.sxd_leader, document.pk)
    assert prefill["lead"] == f"u:{world.sxd_khtc.pk}" and prefill["cooperators"] == [f"u:{world.sxd_vp.pk}"]
    status, html = page(world.sxd_leader, form_url)
    assert status == 200 and 'data-testid="from-incoming"' in html and "báo cáo trước ngày 20" in html
    assert f'<option value="u:{world.sxd_khtc.pk}" selected>' in html
    assert f'value="{document.pk}"' in html and "cải cách hành chính" in html
    status, html = page(other_leader, form_url)  # a document they do not see prefills nothing
    assert status == 200 and "from-incoming" not in html and "cải cách hành chính" not in html
    client.force_login(world.sxd_leader)
    response = client.post(
        form_url,
        {
            "title": prefill["title"],
            "description": prefill["description"],
            "lead": prefill["lead"],
            "cooperators": prefill["cooperators"],
            "deadline": _in(8).strftime("%d/%m/%Y"),
            "priority": "2",
            "incoming_id": str(document.pk),
        },
    )
    task = Task.objects.get(incoming_id=document.pk)
    assert response.status_code == 302 and response["Location"] == f"/giao-viec/{task.pk}/"
    assert task.lead_unit_id == world.sxd_khtc.pk and task.description == prefill["description"]
    assert task.links.get().object_id == document.pk


def test_a_page_offers_the_buttons_its_registry_gives_each_person(monkeypatch):
    from vpdt.core import page_actions

    monkeypatch.setattr(page_actions, "_actions", {})
    page_actions.register("demo.page", "second", label="Hai", url=lambda user, obj: f"/hai/{obj}/", order=2)
    page_actions.register("demo.page", "first", label="Một", url=lambda user, obj: f"/mot/{obj}/" if user else None)
    assert [a["url"] for a in page_actions.for_object("demo.page", "leader", 7)] == ["/mot/7/", "/hai/7/"]
    assert [a["name"] for a in page_actions.for_object("demo.page", None, 7)] == ["second"]
    assert page_actions.for_object("other.page", "leader", 7) == []


def test_the_daily_reminder_of_tasks_due_tomorrow_or_late(world):
    from vpdt.collab.orders import tasks

    with freeze_time(timezone.now() + dt.timedelta(days=9)):  # the budget task is due tomorrow
        assert tasks.remind_due() == 1
    notice = Notification.objects.get(verb="orders.due")
    assert notice.user_id == world.sxd_staff.pk and "đến hạn ngày mai" in notice.text and notice.topic == "reminder"
    with freeze_time(timezone.now() + dt.timedelta(days=21)):  # both late: the unit's head is told too
        assert tasks.remind_due() == 2
    assert Notification.objects.filter(verb="orders.due", user=world.sxd_unit_leader, text__contains="quá hạn").exists()
