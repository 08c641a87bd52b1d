"""Internal mail (thư nội bộ): sending to people and units of one agency, reply, reply to all, forward, drafts,
folders, the trash, and who sees what — the sender, a named recipient, a member of an addressed unit, someone
else of the same agency and people of other agencies, for every screen, API action and attachment download."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from vpdt.collab.mail import queries, services, tasks
from vpdt.collab.mail.models import Addressee, Attachment, Box, Kind, MailboxEntry, Message
from vpdt.core.authz import scope_of, visible
from vpdt.directory import services as directory
from vpdt.directory.models import Role
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.storage import access
from vpdt.storage.models import StoredFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBJECT = "Đề nghị báo cáo tiến độ giải ngân vốn đầu tư công quý IV/2026"
BODY = "Đề nghị Phòng Kế hoạch - Tài chính tổng hợp số liệu giải ngân, gửi Văn phòng trước ngày 20/12/2026."


def pdf(name="bao-cao-giai-ngan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def to_unit(org, files=()):
    """The office clerk writes to the planning-finance unit (Dũng and Lan) and, by name, to the director."""
    return services.send(
        org.sxd_clerk,
        kind=Kind.REQUEST,
        subject=SUBJECT,
        body=BODY,
        units=[org.sxd_khtc],
        users=[org.sxd_leader],
        files=files,
    )


def entry(user, message):
    return MailboxEntry.objects.get(owner=user, message=message)


# ------------------------------------------------------------------------------------------ services


def test_a_message_to_a_unit_reaches_its_members_and_keeps_the_unit_as_addressed(org):
    message = to_unit(org, files=[pdf()])
    boxes = dict(MailboxEntry.objects.filter(message=message).values_list("owner_id", "box"))
    assert boxes == {
        org.sxd_clerk.pk: Box.SENT,
        org.sxd_leader.pk: Box.INBOX,
        org.sxd_unit_leader.pk: Box.INBOX,
        org.sxd_staff.pk: Box.INBOX,
    }
    assert entry(org.sxd_staff, message).via_unit_id == org.sxd_khtc.pk
    assert entry(org.sxd_leader, message).via_unit_id is None
    assert {(a.unit_id, a.user_id) for a in Addressee.objects.filter(message=message)} == {
        (org.sxd_khtc.pk, None),
        (None, org.sxd_leader.pk),
    }
    assert entry(org.sxd_staff, message).unread and not entry(org.sxd_clerk, message).unread
    [attachment] = Attachment.objects.filter(message=message)
    assert attachment.file.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.file.agency_id == org.sxd.pk
    notified = set(Notification.objects.filter(verb="internalmail.received").values_list("user_id", flat=True))
    assert notified == {org.sxd_leader.pk, org.sxd_unit_leader.pk, org.sxd_staff.pk}
    note = Notification.objects.filter(user=org.sxd_staff).get()
    assert note.url == f"/thu-noi-bo/{message.pk}/" and "đề nghị" in note.text and note.topic == "work"
    sent = JournalEntry.objects.get(action="internalmail.send")
    assert sent.details["recipients"] == 3 and sent.details["to"] == "Phòng Kế hoạch - Tài chính, Trần Thị Thu Hà"


def test_a_unit_is_resolved_to_its_members_at_the_time_of_sending(org):
    first = to_unit(org)
    directory.assign_position(
        None, org.sxd_admin, agency=org.sxd, unit=org.sxd_khtc, title="Chuyên viên", role=Role.STAFF, is_primary=False
    )
    later = to_unit(org)
    assert not MailboxEntry.objects.filter(message=first, owner=org.sxd_admin).exists()
    assert entry(org.sxd_admin, later).via_unit_id == org.sxd_khtc.pk
    assert Addressee.objects.filter(message=first, unit=org.sxd_khtc).exists()  # still shown as addressed


def test_mail_stays_inside_the_agency(org):
    before = StoredFile.objects.count()
    for users, units in (([org.stttt_staff], []), ([], [org.stttt_cntt]), ([org.ht_staff], [org.sxd_khtc])):
        with pytest.raises(ValidationError) as exc:
            services.send(org.sxd_clerk, subject=SUBJECT, users=users, units=units, files=[pdf()])
        assert "chỉ gửi cho người và đơn vị đang công tác tại cơ quan" in str(exc.value)
    assert StoredFile.objects.count() == before and not Message.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"subject": "   "}, "subject", "Tiêu đề thư là bắt buộc."),
        ({"kind": "memo"}, "kind", "Loại thư không hợp lệ"),
        ({"users": [], "units": []}, "recipients", "Chọn ít nhất một người hoặc đơn vị nhận thư."),
        ({"files": [SimpleUploadedFile("ghi-chu.txt", b"chi la van ban")]}, "files", "không phải định dạng"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_is_kept(org, changes, field, text):
    data = {"kind": Kind.LETTER, "subject": SUBJECT, "users": [org.sxd_staff], "units": [], "files": [], **changes}
    with pytest.raises(ValidationError) as exc:
        services.send(org.sxd_clerk, **data)
    assert text in " ".join(exc.value.message_dict[field])
    assert not Message.objects.exists()


def test_a_unit_with_nobody_but_the_sender_is_refused(org):
    lonely = directory.create_unit(None, org.sxd, name="Phòng Pháp chế", short_name="PC")
    directory.assign_position(None, org.sxd_staff, agency=org.sxd, unit=lonely, title="Pháp chế", role=Role.STAFF)
    with pytest.raises(ValidationError) as exc:
        services.send(org.sxd_staff, subject=SUBJECT, units=[lonely])
    assert "chưa có ai khác ngoài bạn" in str(exc.value)


def test_reply_reply_to_all_and_forward(org):
    message = to_unit(org, files=[pdf()])
    answer = services.reply(org.sxd_staff, message, body="Phòng KHTC sẽ gửi báo cáo trước ngày 18/12/2026.")
    assert answer.subject == "Trả lời: " + SUBJECT and answer.reply_to_id == message.pk
    assert set(MailboxEntry.objects.filter(message=answer, box=Box.INBOX).values_list("owner_id", flat=True)) == {
        org.sxd_clerk.pk
    }
    everyone = services.reply(org.sxd_staff, message, body="Kính gửi các đồng chí.", to_all=True)
    assert set(MailboxEntry.objects.filter(message=everyone, box=Box.INBOX).values_list("owner_id", flat=True)) == {
        org.sxd_clerk.pk,
        org.sxd_leader.pk,
        org.sxd_unit_leader.pk,
    }
    again = services.reply(org.sxd_clerk, answer, body="Cảm ơn đồng chí.")  # the reply's answer, to its sender
    assert services.reply(org.sxd_clerk, message, body="Nhắc lại.").subject.count("Trả lời:") == 1
    assert set(MailboxEntry.objects.filter(message=again, box=Box.INBOX).values_list("owner_id", flat=True)) == {
        org.sxd_staff.pk
    }
    passed = services.forward(org.sxd_staff, message, users=[org.sxd_admin], body="Nhờ anh Tuấn hỗ trợ số liệu.")
    assert passed.forwarded_from_id == message.pk and passed.subject.startswith("Chuyển tiếp: ")
    assert "Nhờ anh Tuấn" in passed.body and BODY in passed.body
    assert [a.file_id for a in passed.attachments.all()] == [a.file_id for a in message.attachments.all()]
    with pytest.raises(PermissionDenied):
        services.reply(org.sxd_admin, message, body="Tôi không nhận thư này.")  # he has only the forward


def test_deleting_ones_copy_leaves_everyone_elses(org):
    message = to_unit(org, files=[pdf()])
    services.trash(org.sxd_staff, entry(org.sxd_staff, message))
    assert not queries.box(org.sxd_staff, Box.INBOX).filter(message=message).exists()
    assert queries.box(org.sxd_staff, queries.TRASH).filter(message=message).exists()
    with pytest.raises(ValidationError):
        services.delete(org.sxd_clerk, entry(org.sxd_clerk, message))  # not in the trash yet
    services.delete(org.sxd_staff, entry(org.sxd_staff, message))
    assert not visible(Message, org.sxd_staff).filter(pk=message.pk).exists()
    assert not visible(Attachment, org.sxd_staff).filter(message=message).exists()
    services.trash(org.sxd_clerk, entry(org.sxd_clerk, message))
    services.delete(org.sxd_clerk, entry(org.sxd_clerk, message))
    for other in (org.sxd_leader, org.sxd_unit_leader):
        assert queries.box(other, Box.INBOX).filter(message=message).exists()
        assert visible(Attachment, other).filter(message=message).count() == 1
    assert Message.objects.filter(pk=message.pk).exists()
    assert JournalEntry.objects.filter(action="internalmail.delete").count() == 2


def test_folders_drafts_and_read_state(org):
    message = to_unit(org)
    staff_copy = entry(org.sxd_staff, message)
    folder = services.create_folder(org.sxd_staff, "Báo cáo tài chính")
    with pytest.raises(ValidationError):
        services.create_folder(org.sxd_staff, "Báo cáo tài chính")
    services.move(org.sxd_staff, staff_copy, folder)
    assert not queries.box(org.sxd_staff, Box.INBOX).exists()
    assert list(queries.in_folder(org.sxd_staff, folder)) == [staff_copy]
    assert queries.unread_count(org.sxd_staff) == 1  # unread wherever it was filed
    services.mark_read(org.sxd_staff, staff_copy)
    assert queries.unread_count(org.sxd_staff) == 0
    services.mark_read(org.sxd_staff, staff_copy, read=False)
    assert queries.unread_count(org.sxd_staff) == 1
    with pytest.raises(PermissionDenied):
        services.move(org.sxd_unit_leader, staff_copy, None)  # not his copy
    services.delete_folder(org.sxd_staff, folder)
    assert queries.box(org.sxd_staff, Box.INBOX).get() == staff_copy

    draft = services.save_draft(org.sxd_staff, subject="Dự thảo báo cáo", users=[org.sxd_unit_leader])
    assert queries.box(org.sxd_staff, Box.DRAFTS).get().message == draft
    assert not MailboxEntry.objects.filter(message=draft, owner=org.sxd_unit_leader).exists()
    draft = services.save_draft(org.sxd_staff, draft=draft, subject="Báo cáo giải ngân", users=[org.sxd_unit_leader])
    services.send(org.sxd_staff, subject=draft.subject, users=[org.sxd_unit_leader], draft=draft)
    assert not queries.box(org.sxd_staff, Box.DRAFTS).exists()
    assert queries.box(org.sxd_staff, Box.SENT).get().message_id == draft.pk
    assert queries.box(org.sxd_unit_leader, Box.INBOX).filter(message=draft).exists()
    with pytest.raises(PermissionDenied):
        services.save_draft(org.sxd_staff, draft=draft, subject="Sửa sau khi gửi")


# ------------------------------------------------------------------------------------------ permissions

SEES = ("sxd_clerk", "sxd_leader", "sxd_staff")  # the sender, a recipient by name, a member of the unit
BLIND = ("sxd_admin", "stttt_staff", "ht_staff", "province_admin")  # same agency not addressed, other agencies


def test_the_policy_shows_a_message_only_through_ones_own_entry(org):
    message = to_unit(org, files=[pdf()])
    file_id = message.attachments.get().file_id
    for who in SEES + BLIND:
        user = getattr(org, who)
        sees = who in SEES
        assert visible(Message, user).filter(pk=message.pk).exists() is sees, who
        assert visible(Attachment, user).filter(message=message).exists() is sees, who
        assert visible(Addressee, user).filter(message=message).exists() is sees, who
        assert visible(MailboxEntry, user).filter(message=message).count() == (1 if sees else 0), who
        readable = StoredFile.objects.filter(access.readable(scope_of(user), "pk"), pk=file_id).exists()
        assert readable is sees, who


def _urls(message, attachment) -> list[tuple[str, str]]:
    base = f"/thu-noi-bo/{message.pk}/"
    return [
        ("get", base),
        ("get", f"{base}tep/{attachment.pk}/"),
        ("get", f"{base}tra-loi/"),
        ("get", f"{base}tra-loi/?tat-ca=1"),
        ("get", f"{base}chuyen-tiep/"),
        ("get", f"{base}sua-nhap/"),
        ("post", f"{base}chua-doc/"),
        ("post", f"{base}chuyen-thu-muc/"),
        ("post", f"{base}thung-rac/"),
        ("post", f"{base}khoi-phuc/"),
        ("post", f"{base}thung-rac/"),
        ("post", f"{base}xoa-han/"),
    ]


@pytest.mark.parametrize("who", SEES + BLIND)
def test_every_screen_of_a_message_for_each_person(org, client, who):
    message = to_unit(org, files=[pdf()])
    attachment = message.attachments.get()
    client.force_login(getattr(org, who))
    for method, url in _urls(message, attachment):
        response = getattr(client, method)(url)
        if who in SEES:
            assert response.status_code in (200, 302), (who, url, response.status_code)
        else:
            assert response.status_code == 404, (who, url, response.status_code)
    if who in SEES:
        assert MailboxEntry.objects.filter(message=message).count() == 4  # nothing deleted for anyone else
        assert client.get(f"/thu-noi-bo/{message.pk}/").status_code == 404  # deleted for good from their view
    else:
        assert not MailboxEntry.objects.filter(message=message, deleted_at__isnull=False).exists()


@pytest.mark.parametrize("who", SEES + BLIND)
def test_every_api_action_for_each_person(org, api, who):
    message = to_unit(org, files=[pdf()])
    attachment = message.attachments.get()
    caller = api(getattr(org, who))
    own = MailboxEntry.objects.filter(message=message, owner=getattr(org, who)).first()
    entry_id = own.pk if own else entry(org.sxd_staff, message).pk
    calls = [
        ("get", f"/api/v1/mail-messages/{message.pk}/", None),
        ("get", f"/api/v1/mail-attachments/{attachment.pk}/", None),
        ("get", f"/api/v1/mail-attachments/{attachment.pk}/download/", None),
        ("post", f"/api/v1/mail-messages/{message.pk}/reply/", {"body": "Đã nhận."}),
        ("post", f"/api/v1/mail-messages/{message.pk}/forward/", {"users": [org.sxd_unit_leader.pk]}),
        ("get", f"/api/v1/mail-entries/{entry_id}/", None),
        ("post", f"/api/v1/mail-entries/{entry_id}/read/", None),
        ("post", f"/api/v1/mail-entries/{entry_id}/unread/", None),
        ("post", f"/api/v1/mail-entries/{entry_id}/move/", {"folder": None}),
        ("post", f"/api/v1/mail-entries/{entry_id}/trash/", None),
        ("post", f"/api/v1/mail-entries/{entry_id}/restore/", None),
        ("post", f"/api/v1/mail-entries/{entry_id}/trash/", None),
        ("delete", f"/api/v1/mail-entries/{entry_id}/", None),
    ]
    for method, url, data in calls:
        response = getattr(caller, method)(url, data, format="json") if data else getattr(caller, method)(url)
        if who in SEES and not (who == "sxd_clerk" and url.endswith("/forward/")):
            assert response.status_code in (200, 201, 204), (who, url, response.status_code, response.content)
        elif who in SEES:
            assert response.status_code == 201, (who, url, response.content)
        else:
            assert response.status_code == 404, (who, url, response.status_code)
    listed = caller.get("/api/v1/mail-entries/?box=inbox").json()["results"]
    assert message.pk not in {row["message"] for row in listed}  # deleted (own) or never there (others)
    assert MailboxEntry.objects.filter(message=message, deleted_at__isnull=True).count() == (3 if who in SEES else 4)


def test_the_api_sends_with_files_and_refuses_other_agencies(org, api):
    clerk = api(org.sxd_clerk)
    response = clerk.post(
        "/api/v1/mail-messages/",
        {"subject": SUBJECT, "body": BODY, "kind": "order", "units": [org.sxd_khtc.pk], "files": [pdf()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (
        data["kind_display"] == "Chỉ đạo, yêu cầu"
        and data["attachments"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    )
    refused = clerk.post("/api/v1/mail-messages/", {"subject": SUBJECT, "users": [org.ht_staff.pk]}, format="json")
    assert refused.status_code == 400 and "không công tác tại cơ quan" in refused.json()["users"][0]
    staff = api(org.sxd_staff)
    assert staff.get("/api/v1/mail-entries/unread-count/").json() == {"unread": 1}
    [row] = staff.get("/api/v1/mail-entries/?unread=1").json()["results"]
    assert row["subject"] == SUBJECT and "reply_all" in row["actions"]
    assert staff.get("/api/v1/mail-entries/?box=spam").status_code == 400
    folder = staff.post("/api/v1/mail-folders/", {"name": "Chỉ đạo của Văn phòng"}, format="json").json()
    assert (
        staff.post(f"/api/v1/mail-entries/{row['id']}/move/", {"folder": folder["id"]}, format="json").json()["folder"]
        == folder["id"]
    )
    assert api(org.sxd_unit_leader).get(f"/api/v1/mail-folders/{folder['id']}/").status_code == 404


# ------------------------------------------------------------------------------------------ screens


def test_the_inbox_screen_pages_by_key_and_the_menu_shows_the_unread_badge(org, client):
    for n in range(23):
        services.send(org.sxd_clerk, subject=f"Thông báo lịch trực cơ quan tuần {n + 1}", users=[org.sxd_staff])
    client.force_login(org.sxd_staff)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/thu-noi-bo/").content.decode()
    assert page.count('data-testid="mail-row"') == 20 and page.count('data-unread="1"') == 20
    assert "OFFSET" not in " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert 'data-testid="menu-internalmail.inbox"' in page
    assert 'data-testid="mail-unread">23<' in page
    [cursor] = [part.split('"')[0] for part in page.split("cursor=")[1:2]]
    second = client.get(f"/thu-noi-bo/?cursor={cursor}").content.decode()
    assert second.count('data-testid="mail-row"') == 3
    assert "Thông báo lịch trực cơ quan tuần 1<" in second


def test_compose_screen_sends_to_a_unit_with_a_file(org, client):
    client.force_login(org.sxd_clerk)
    form = client.get("/thu-noi-bo/soan/").content.decode()
    assert f'value="u{org.sxd_khtc.pk}"' in form and f'value="p{org.sxd_staff.pk}"' in form
    assert f'value="p{org.stttt_staff.pk}"' not in form and "multiple" in form
    response = client.post(
        "/thu-noi-bo/soan/",
        {"recipients": [f"u{org.sxd_khtc.pk}"], "kind": "request", "subject": SUBJECT, "body": BODY, "files": [pdf()]},
    )
    assert response.status_code == 302 and response["Location"] == "/thu-noi-bo/da-gui/"
    message = Message.objects.get()
    assert message.attachments.count() == 1 and entry(org.sxd_staff, message).unread
    refused = client.post(
        "/thu-noi-bo/soan/", {"recipients": [f"p{org.ht_staff.pk}"], "kind": "letter", "subject": "Thư thử"}
    )
    assert refused.status_code == 200 and "Nơi nhận không hợp lệ" in refused.content.decode()
    client.force_login(org.sxd_staff)
    page = client.get(f"/thu-noi-bo/{message.pk}/").content.decode()
    assert "Phòng Kế hoạch - Tài chính" in page and "bao-cao-giai-ngan.pdf" in page
    assert not entry(org.sxd_staff, message).unread
    download = client.get(f"/thu-noi-bo/{message.pk}/tep/{message.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_the_trash_is_emptied_after_its_retention_period(org, client, settings):
    settings.VPDT_MAIL_TRASH_DAYS = 30
    with freeze_time("2026-11-02 08:00:00+07:00"):
        message = to_unit(org)
        services.trash(org.sxd_staff, entry(org.sxd_staff, message))
    with freeze_time("2026-11-20 08:00:00+07:00"):
        services.trash(org.sxd_unit_leader, entry(org.sxd_unit_leader, message))
    with freeze_time("2026-12-01 08:00:00+07:00"):  # 29 days: kept
        assert tasks.empty_trash() == 0
    with freeze_time("2026-12-03 08:00:00+07:00"):
        assert tasks.empty_trash() == 1
        client.force_login(org.sxd_unit_leader)
        assert "quá 30 ngày" in client.get("/thu-noi-bo/thung-rac/").content.decode()
    assert entry(org.sxd_staff, message).deleted_at is not None
    assert entry(org.sxd_unit_leader, message).deleted_at is None  # 13 days in the trash
    assert queries.box(org.sxd_leader, Box.INBOX).filter(message=message).exists()
    run = JournalEntry.objects.get(action="internalmail.empty_trash")
    assert run.details == {"removed": 1, "days": 30}
