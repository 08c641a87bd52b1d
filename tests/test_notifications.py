"""Notifications (thông báo): one service for the whole code base, addresses built by reverse(), channels per person
and topic (in the application always, by e-mail as chosen), read and unread, the screen, the API, each person's
own notifications only, and the rows moved from the incoming app."""

import re
import smtplib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.db import transaction
from django.urls import reverse
from django.utils import translation

import vpdt
from vpdt.accounts.models import AccountStatus
from vpdt.catalog.models import DocumentType
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry
from vpdt.notifications import queries, services, topics
from vpdt.notifications.models import Notification, Preference
from vpdt.notifications.services import notify
from vpdt.outgoing import services as out

pytestmark = pytest.mark.django_db

SUBJECT = "V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026"


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def draft(org):
    return out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=SUBJECT,
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau.",
        signer=org.sxd_leader,
    )


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Run what commits inside the block as a committed transaction would: the e-mails leave."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def remind(user, draft):
    return notify(
        [user],
        "outgoing.review_reminder",
        topic=topics.REMINDER,
        target=draft,
        text=f"Nhắc hạn: dự thảo chờ bạn duyệt sắp đến hạn (hạn 02/12/2026): {draft.subject}",
        body=f"Trích yếu: {draft.subject}\nHạn xử lý: 02/12/2026 – sắp đến hạn.",
    )


# ---------------------------------------------------------------------------------------------- the service


def test_a_submitted_draft_tells_its_reviewer_with_the_documents_address(org, draft):
    out.submit(org.sxd_staff, draft)
    note = Notification.objects.get(user=org.sxd_unit_leader, verb="outgoing.review_requested")
    assert note.url == reverse("outgoing:detail", args=[draft.pk]) == f"/van-ban-di/{draft.pk}/"
    assert note.topic == "work" and note.read_at is None and SUBJECT in note.text
    assert (note.target_type, note.target_id) == ("outgoing.outgoingdocument", draft.pk)


def test_notify_skips_nobody_and_repeats_and_leads_where_it_is_told(org, draft):
    rows = notify(
        [org.sxd_clerk, None, org.sxd_clerk, org.sxd_staff],
        "outgoing.to_issue",
        topic=topics.WORK,
        target=draft,
        url_name="outgoing:to_issue",
        text="Văn bản chờ cấp số, phát hành: " + "x" * 600,
    )
    assert sorted(n.user_id for n in rows) == sorted([org.sxd_clerk.pk, org.sxd_staff.pk])
    assert Notification.objects.filter(verb="outgoing.to_issue").count() == 2
    assert {n.url for n in rows} == {"/van-ban-di/cho-phat-hanh/"} and all(len(n.text) == 500 for n in rows)
    assert notify([None], "outgoing.to_issue", text="Không ai nhận") == []
    assert notify([org.sxd_staff], "news", text="Lịch họp giao ban tuần")[0].url == ""
    with pytest.raises(LookupError, match="Chưa khai báo đường dẫn"):  # no address for objects nobody registered
        notify([org.sxd_staff], "directory.unit", text="Phòng mới", target=org.sxd_khtc)


def test_reminders_by_email_by_default_the_rest_in_the_application_only(org, draft, mailoutbox, mailed, settings):
    settings.VPDT_SITE_URL = "https://vpdt.nghean.gov.vn/"
    leader = with_email(org.sxd_unit_leader, "dung.pv@xaydung.nghean.gov.vn")
    with mailed():
        out.submit(org.sxd_staff, draft)  # work: in the application only
    assert Notification.objects.filter(user=leader, topic="work").exists() and mailoutbox == []
    with mailed():
        remind(leader, draft)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["dung.pv@xaydung.nghean.gov.vn"]
    assert mail.subject.startswith("[Văn phòng điện tử] Nhắc hạn: dự thảo chờ bạn duyệt sắp đến hạn")
    assert mail.body.startswith("Kính gửi Phạm Văn Dũng,\n\nTrích yếu: V/v báo cáo")
    assert f"Xem trên hệ thống: https://vpdt.nghean.gov.vn/van-ban-di/{draft.pk}/" in mail.body


def test_in_the_application_only_or_by_email_as_each_person_chooses(org, draft, mailoutbox, mailed):
    leader = with_email(org.sxd_unit_leader, "dung.pv@xaydung.nghean.gov.vn")
    services.set_preferences(leader, {("reminder", "email"): False, ("work", "email"): True})
    with mailed():
        out.submit(org.sxd_staff, draft)
    assert [m.to for m in mailoutbox] == [[leader.email]] and SUBJECT in mailoutbox[0].subject
    with mailed():
        remind(leader, draft)  # reminders: in the application only now
    assert len(mailoutbox) == 1 and Notification.objects.filter(user=leader, topic="reminder").count() == 1
    # Wanted, but no address, or an account that is not active: no mail either.
    clerk = org.sxd_clerk
    services.set_preferences(clerk, {("reminder", "email"): True})
    staff = with_email(org.sxd_staff, "lan.ht@xaydung.nghean.gov.vn")
    staff.status = AccountStatus.DEACTIVATED  # moved to another agency
    staff.save(update_fields=["status"])
    with mailed():
        remind(clerk, draft)
        remind(staff, draft)
    assert len(mailoutbox) == 1 and Notification.objects.filter(topic="reminder").count() == 3


def test_a_rolled_back_action_tells_nobody(org, draft, mailoutbox, mailed):
    leader = with_email(org.sxd_unit_leader, "dung.pv@xaydung.nghean.gov.vn")
    with mailed(), pytest.raises(ValidationError), transaction.atomic():
        remind(leader, draft)
        raise ValidationError("Trích yếu là bắt buộc.")
    assert not Notification.objects.exists() and mailoutbox == []


class RefusingBackend(locmem.EmailBackend):
    """The mail server refuses one address (and accepts the others)."""

    def send_messages(self, messages):
        if any(address.startswith("khong-ton-tai") for m in messages for address in m.to):
            raise smtplib.SMTPRecipientsRefused({"khong-ton-tai@xaydung.nghean.gov.vn": (550, b"No such user")})
        return super().send_messages(messages)


def test_a_refused_address_does_not_stop_the_other_mails(org, draft, mailoutbox, mailed, settings, caplog):
    settings.EMAIL_BACKEND = "tests.test_notifications.RefusingBackend"
    refused = with_email(org.sxd_clerk, "khong-ton-tai@xaydung.nghean.gov.vn")
    leader = with_email(org.sxd_unit_leader, "dung.pv@xaydung.nghean.gov.vn")
    with mailed():
        notify(
            [refused, leader],
            "outgoing.review_reminder",
            topic=topics.REMINDER,
            target=draft,
            text=f"Nhắc hạn: dự thảo chờ duyệt đã quá hạn: {draft.subject}",
        )
    assert [m.to for m in mailoutbox] == [[leader.email]]
    assert "Không gửi được thư thông báo" in caplog.text
    assert Notification.objects.filter(user=refused).exists()  # still told in the application


# ---------------------------------------------------------------------------------------------- preferences


def test_preferences_are_checked_and_each_change_is_journaled(org):
    leader = org.sxd_unit_leader
    with pytest.raises(ValidationError) as refused:
        services.set_preferences(
            leader, {("lich-hop", "email"): True, ("work", "zalo"): True, ("work", "in_app"): False}
        )
    messages = refused.value.message_dict["choices"]
    assert messages == [
        "Nhóm thông báo không hợp lệ: “lich-hop”.",
        "Kênh thông báo không hợp lệ: “zalo”.",
        "Không tắt được kênh “Trong hệ thống”: thông báo luôn hiện trong hệ thống.",
    ]
    assert not Preference.objects.exists()
    # The defaults (nothing stored, nothing journaled) ...
    assert services.set_preferences(leader, {("reminder", "email"): True, ("work", "in_app"): True}) == queries.choices(
        leader
    )
    assert not JournalEntry.objects.filter(action="notifications.preferences").exists()
    # ... a change.
    choices = services.set_preferences(
        leader, {("reminder", "email"): False, ("work", "email"): True, ("news", "email"): False}
    )
    assert choices[("reminder", "email")] is False and choices[("work", "email")] is True
    assert choices[("news", "in_app")] is True and choices == queries.choices(leader)
    entry = JournalEntry.objects.get(action="notifications.preferences")
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(leader.pk))
    assert sentences.describe(entry, visible=True) == (
        "Phạm Văn Dũng đổi cách nhận thông báo, bật: Việc cần xử lý qua thư điện tử, tắt: Nhắc hạn qua thư điện tử"
    )
    with translation.override("en"):
        assert sentences.describe(entry, visible=True) == (
            "Phạm Văn Dũng changed how they are notified, on: Work to handle by email, off: Reminders by email"
        )


def checked(html: str, name: str) -> bool:
    return " checked" in re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_the_account_page_sets_the_preferences(org, login):
    client = login(org.sxd_unit_leader)
    page = client.get("/tai-khoan/").content.decode()
    form = page.split('data-testid="notification-preferences"')[1]
    assert "Nhắc hạn" in form and "Việc cần xử lý" in form and "Thư điện tử" in form
    assert checked(form, "reminder__email") and not checked(form, "work__email")
    assert "Tài khoản chưa có địa chỉ thư điện tử" in form
    response = client.post("/thong-bao/cai-dat/", {"work__email": "on"}, follow=True)
    assert response.redirect_chain == [("/tai-khoan/", 302)]
    assert "Đã lưu cách nhận thông báo." in response.content.decode()
    choices = queries.choices(org.sxd_unit_leader)
    assert (choices["work", "email"], choices["reminder", "email"], choices["news", "email"]) == (True, False, False)
    assert client.get("/thong-bao/cai-dat/").status_code == 405


# ---------------------------------------------------------------------------------------------- read, screen, API


@pytest.fixture
def told(org, draft):
    """Two notifications for the unit's leader, one for the staff member."""
    leader, staff = org.sxd_unit_leader, org.sxd_staff
    first = notify(
        [leader],
        "outgoing.review_requested",
        topic=topics.WORK,
        target=draft,
        text=f"Dự thảo chờ bạn duyệt: {draft.subject}",
    )[0]
    second = notify(
        [leader],
        "delegation.created",
        topic=topics.NEWS,
        text="Trần Thị Thu Hà ủy quyền cho Phạm Văn Dũng từ 01/12/2026 đến hết 05/12/2026",
    )[0]
    other = notify(
        [staff],
        "outgoing.returned",
        topic=topics.WORK,
        target=draft,
        text="Dự thảo bị trả lại: bổ sung số liệu giải ngân tháng 11",
    )[0]
    return first, second, other


def test_mark_one_and_mark_all_read(org, told):
    first, second, other = told
    leader = org.sxd_unit_leader
    assert queries.unread_count(leader) == 2
    assert services.mark_read(leader, first) is True and services.mark_read(leader, first) is False
    assert services.mark_read(leader, other) is False  # not theirs: untouched
    assert queries.unread_count(leader) == 1 and Notification.objects.get(pk=other.pk).read_at is None
    assert services.mark_all_read(leader) == 1 and queries.unread_count(leader) == 0
    assert queries.unread_count(org.sxd_staff) == 1
    assert not JournalEntry.objects.filter(action__startswith="notifications.").exists()  # not a business event


def test_the_count_pages_show_stops_at_99(org, told):
    leader = org.sxd_unit_leader
    assert queries.unread_badge(leader) == "2" and queries.unread_badge(org.sxd_clerk) == ""
    Notification.objects.bulk_create([Notification(user=leader, text=f"Văn bản đến số {n}/2026") for n in range(97)])
    assert queries.unread_badge(leader) == "99" and queries.unread_count(leader) == 99
    notify([leader], "news", text="Lịch họp giao ban tuần")
    assert queries.unread_badge(leader) == "99+" and queries.unread_count(leader) == 100


def test_the_screen_lists_opens_and_marks_read(org, told, login):
    first, second, other = told
    client = login(org.sxd_unit_leader)
    page = client.get("/thong-bao/").content.decode()
    assert first.text in page and second.text in page and other.text not in page
    assert 'data-testid="nav-unread">2</span>' in page  # the top bar counts from the notifications app
    assert page.count('data-testid="unread"') == 2
    # Opening one goes where it leads and marks it read.
    response = client.get(f"/thong-bao/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/van-ban-di/{first.target_id}/"
    unread = client.get("/thong-bao/?xem=chua-doc").content.decode()
    assert second.text in unread and first.text not in unread and 'data-testid="nav-unread">1</span>' in unread
    # Marking one read comes back to the same list; marking all read says how many.
    assert (
        client.post(f"/thong-bao/{second.pk}/da-doc/", {"next": "/thong-bao/?xem=chua-doc"})["Location"]
        == "/thong-bao/?xem=chua-doc"
    )
    assert queries.unread_count(org.sxd_unit_leader) == 0
    notify([org.sxd_unit_leader], "outgoing.approved", text=f"Dự thảo đã được duyệt ký: {SUBJECT}")
    response = client.post("/thong-bao/da-doc/", {"next": "https://lua-dao.example/"}, follow=True)
    assert response.redirect_chain == [("/thong-bao/", 302)]  # never sent off the site
    page = response.content.decode()
    assert "Đã đánh dấu 1 thông báo là đã đọc." in page and 'data-testid="nav-unread"' not in page
    assert client.get(f"/thong-bao/{second.pk}/da-doc/").status_code == 405


def test_another_persons_notification_is_not_found(org, told, login, api):
    first, second, other = told
    client = login(org.sxd_unit_leader)
    assert client.get(f"/thong-bao/{other.pk}/").status_code == 404
    assert client.post(f"/thong-bao/{other.pk}/da-doc/").status_code == 404
    admin = api(org.sxd_admin)  # not even an administrator of the agency reads it
    assert admin.get(f"/api/v1/notifications/{other.pk}/").status_code == 404
    assert admin.post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    assert admin.get("/api/v1/notifications/").json()["results"] == []
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_api_lists_marks_read_and_sets_preferences(org, told, api):
    first, second, other = told
    client = api(org.sxd_unit_leader)
    listed = client.get("/api/v1/notifications/").json()["results"]
    assert [n["id"] for n in listed] == [second.pk, first.pk]
    assert listed[1]["url"] == f"/van-ban-di/{first.target_id}/" and listed[1]["verb"] == "outgoing.review_requested"
    assert listed[1]["is_read"] is False and listed[1]["topic"] == "work"
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    read = client.post(f"/api/v1/notifications/{first.pk}/read/").json()
    assert read["is_read"] is True and read["read_at"]
    assert [n["id"] for n in client.get("/api/v1/notifications/?unread=true").json()["results"]] == [second.pk]
    assert client.post("/api/v1/notifications/read-all/").json() == {"updated": 1}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}

    preferences = client.get("/api/v1/notifications/preferences/").json()
    assert [c["code"] for c in preferences["channels"]] == ["in_app", "email", "push", "sms"]
    assert preferences["channels"][1]["unavailable"].startswith("Tài khoản chưa có địa chỉ thư điện tử")
    assert preferences["channels"][2]["unavailable"].startswith("Chưa có thiết bị nào nhận thông báo đẩy")
    assert preferences["channels"][3]["unavailable"].startswith("Chưa có số điện thoại di động hợp lệ")
    reminder = next(t for t in preferences["topics"] if t["code"] == "reminder")
    assert reminder["label"] == "Nhắc hạn"
    assert reminder["channels"] == {"in_app": True, "email": True, "push": True, "sms": False}
    changed = client.patch(
        "/api/v1/notifications/preferences/",
        {"choices": [{"topic": "reminder", "channel": "email", "enabled": False}]},
        format="json",
    )
    assert changed.status_code == 200
    assert next(t for t in changed.json()["topics"] if t["code"] == "reminder")["channels"]["email"] is False
    assert queries.choices(org.sxd_unit_leader)["reminder", "email"] is False
    refused = client.patch(
        "/api/v1/notifications/preferences/",
        {"choices": [{"topic": "work", "channel": "in_app", "enabled": False}]},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["choices"] == ["Không tắt được kênh “Trong hệ thống”: thông báo luôn hiện trong hệ thống."]
    assert client.patch("/api/v1/notifications/preferences/", {"choices": "email"}, format="json").status_code == 400


# ---------------------------------------------------------------------------------------------- the code base


def test_every_notification_goes_through_the_notifications_app():
    """No app writes notifications itself, nor builds their addresses by hand: they call notify()."""
    src = Path(vpdt.__file__).parent
    offenders = []
    for path in sorted(src.rglob("*.py")):
        if "migrations" in path.parts or path.is_relative_to(src / "notifications"):
            continue
        text = path.read_text(encoding="utf-8")
        if "Notification(" in text or "Notification.objects" in text or "models import Notification" in text:
            offenders.append(str(path.relative_to(src)))
    assert offenders == []
    assert "def _notify" not in "".join(p.read_text(encoding="utf-8") for p in src.rglob("*.py"))


# ---------------------------------------------------------------------------------------------- the move


@pytest.mark.django_db(transaction=True)
def test_the_incoming_apps_notifications_move_with_their_ids_times_and_read_state():
    """incoming 0005 run on its own, forwards and back, on the database of the current schema: the old table is made
    from the state before the move, and the move runs with that state, as ``migrate`` would run it. (Going back
    through the whole graph and forwards again rebuilds every later app's models: minutes, for the same check.)"""
    import datetime as dt

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.utils import timezone

    from vpdt.accounts.models import User

    loader = MigrationLoader(connection)
    move = loader.get_migration("incoming", "0005_move_notifications")
    before = loader.project_state(move.dependencies)
    old = before.apps.get_model("incoming", "Notification")
    user = User.objects.create(username="lthnhung", full_name="Lê Thị Hồng Nhung")
    when = timezone.make_aware(dt.datetime(2026, 11, 25, 9, 30))

    def tables():
        return connection.introspection.table_names()

    with connection.schema_editor() as editor:
        editor.create_model(old)
    applied = False
    try:
        rows = [
            old.objects.create(
                user_id=user.pk,
                text=f"Văn bản đến số {n}/2026 – V/v giải ngân vốn đầu tư công",
                url=f"/van-ban-den/{n}/",
            )
            for n in (1, 2, 3)
        ]
        old.objects.filter(pk=rows[1].pk).delete()  # a gap in the ids
        old.objects.update(created_at=when)
        old.objects.filter(pk=rows[0].pk).update(read_at=when + dt.timedelta(hours=1))
        with connection.schema_editor(atomic=move.atomic) as editor:
            move.apply(before.clone(), editor)
        applied = True
        assert old._meta.db_table not in tables()
        moved = list(Notification.objects.order_by("id").values("id", "text", "url", "created_at", "read_at"))
        assert moved == [
            {
                "id": rows[0].pk,
                "text": rows[0].text,
                "url": "/van-ban-den/1/",
                "created_at": when,
                "read_at": when + dt.timedelta(hours=1),
            },
            {"id": rows[2].pk, "text": rows[2].text, "url": "/van-ban-den/3/", "created_at": when, "read_at": None},
        ]
        # New notifications carry on after the moved ones (PostgreSQL's sequence was moved along).
        assert notify([user], "news", text="Lịch họp giao ban tuần")[0].pk > rows[2].pk
        # Going back moves them home again.
        with connection.schema_editor(atomic=move.atomic) as editor:
            move.unapply(before.clone(), editor)
        applied = False
        assert old._meta.db_table in tables()
        assert old.objects.count() == 3
        assert not Notification.objects.exists()
        with connection.schema_editor(atomic=move.atomic) as editor:
            move.apply(before.clone(), editor)
        applied = True
    finally:
        if not applied:
            with connection.schema_editor() as editor:
                editor.delete_model(old)
    assert old._meta.db_table not in tables()
    assert Notification.objects.count() == 3
