"""Chat (hội thoại): one-to-one and group conversations within an agency — membership commands journaled, messages
with files and mentions, unread counts, the nudges to the members' open pages, and who reads what: a current
member reads, a colleague outside the conversation and anyone of another agency read nothing, by any URL, API
action or file download."""

from __future__ import annotations

import lxml.html
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from vpdt.collab.chat import queries, services
from vpdt.collab.chat.models import Conversation, Member, Message
from vpdt.core.models import LiveEvent
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf(name="bao-cao-tien-do.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def group(org):
    """The director's working group with the head of planning and a staff member."""
    return services.create_group(
        org.sxd_leader, "Tổ công tác giải ngân vốn đầu tư công", [org.sxd_unit_leader, org.sxd_staff]
    )


def _chat(conversation, user):
    return queries.messages(user, conversation)


# ------------------------------------------------------------------------------------------ services


def test_a_group_is_created_with_its_manager_members_and_a_journal_sentence(org, group):
    members = {m.user_id: m.is_manager for m in Member.objects.filter(conversation=group, left_at__isnull=True)}
    assert members == {org.sxd_leader.pk: True, org.sxd_unit_leader.pk: False, org.sxd_staff.pk: False}
    entry = JournalEntry.objects.get(action="chat.create", object_id=str(group.pk))
    assert entry.actor_id == org.sxd_leader.pk and entry.agency_id == org.sxd.pk
    assert "Phạm Văn Dũng" in entry.details["members"]
    [event] = _chat(group, org.sxd_staff)
    assert event.event == "created" and "Trần Thị Thu Hà đã lập nhóm" in event.text


def test_a_group_needs_a_title_and_colleagues_of_the_agency(org):
    with pytest.raises(ValidationError) as refused:
        services.create_group(org.sxd_leader, "  ", [org.sxd_staff])
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.create_group(org.sxd_leader, "Liên ngành", [org.sxd_staff, org.stttt_staff])
    assert "Võ Minh Khoa" in refused.value.message_dict["members"][0]
    assert not Conversation.objects.exists()


def test_one_to_one_is_opened_once_per_pair_and_never_with_another_agency(org):
    first = services.open_direct(org.sxd_staff, org.sxd_clerk)
    assert services.open_direct(org.sxd_clerk, org.sxd_staff) == first
    assert JournalEntry.objects.filter(action="chat.direct").count() == 1
    with pytest.raises(ValidationError):
        services.open_direct(org.sxd_staff, org.ht_staff)
    with pytest.raises(ValidationError):
        services.open_direct(org.sxd_staff, org.sxd_staff)
    with pytest.raises(ValidationError):  # one-to-one has no members to add
        services.add_members(org.sxd_staff, first, [org.sxd_leader])


def test_the_manager_adds_and_removes_members_others_may_not(org, group):
    with pytest.raises(PermissionDenied):
        services.add_members(org.sxd_staff, group, [org.sxd_clerk])
    with pytest.raises(PermissionDenied):
        services.remove_member(org.sxd_staff, group, org.sxd_unit_leader)
    assert services.add_members(org.sxd_leader, group, [org.sxd_clerk]) == [org.sxd_clerk]
    assert Notification.objects.filter(user=org.sxd_clerk, verb="chat.added").exists()
    services.remove_member(org.sxd_leader, group, org.sxd_unit_leader)
    assert set(queries.members(org.sxd_leader, group).values_list("user_id", flat=True)) == {
        org.sxd_leader.pk,
        org.sxd_staff.pk,
        org.sxd_clerk.pk,
    }
    assert list(
        JournalEntry.objects.filter(object_id=str(group.pk), action__startswith="chat.").values_list(
            "action", flat=True
        )
    ) == [
        "chat.create",
        "chat.add",
        "chat.remove",
    ]
    with pytest.raises(ValidationError):
        services.remove_member(org.sxd_leader, group, org.sxd_unit_leader)  # already out


def test_the_last_manager_who_leaves_hands_the_group_to_the_longest_member(org, group):
    services.leave(org.sxd_leader, group)
    assert Member.objects.get(conversation=group, user=org.sxd_unit_leader).is_manager
    entry = JournalEntry.objects.get(action="chat.leave")
    assert entry.details == {"manager": "Phạm Văn Dũng"}
    assert not queries.conversations(org.sxd_leader).exists()


def test_a_message_with_text_files_and_mentions(org, group):
    message = services.send(
        org.sxd_leader,
        group,
        "Đề nghị @Hoàng Thị Lan tổng hợp số liệu giải ngân trước 16:00 ngày 10/12/2026.",
        files=[_pdf()],
    )
    [attachment] = message.attachments.select_related("file")
    assert len(attachment.file.sha256) == 64 and attachment.file.size == len(PDF)
    assert list(message.mentions.all()) == [org.sxd_staff]
    notice = Notification.objects.get(user=org.sxd_staff, verb="chat.mention")
    assert notice.url == f"/hoi-thoai/{group.pk}/"
    assert not Notification.objects.filter(user=org.sxd_unit_leader, verb="chat.mention").exists()
    explicit = services.send(org.sxd_staff, group, "Đã nhận, em gửi ngay.", mentions=[org.sxd_leader.pk])
    assert list(explicit.mentions.all()) == [org.sxd_leader]
    with pytest.raises(ValidationError):  # only members can be mentioned
        services.send(org.sxd_staff, group, "Nhờ chị xem giúp", mentions=[org.sxd_clerk.pk])
    assert not JournalEntry.objects.filter(details__icontains="tổng hợp số liệu").exists()  # text not journaled


def test_bad_messages_are_refused_with_nothing_written(org, group):
    before = Message.objects.count()
    for text, files in (("   ", []), ("x" * 4001, [])):
        with pytest.raises(ValidationError):
            services.send(org.sxd_staff, group, text, files=files)
    with pytest.raises(ValidationError) as refused:
        services.send(org.sxd_staff, group, "", files=[SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)])
    assert "định dạng" in refused.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.send(org.sxd_clerk, group, "Cho tôi tham gia với")
    assert Message.objects.count() == before


def test_unread_counts_per_person_and_reading_clears_them_and_their_notices(org, group):
    for text in ("Số liệu quý IV đã có.", "Đề nghị các đồng chí rà soát.", "Hạn chót thứ Sáu."):
        services.send(org.sxd_leader, group, text)
    unread = {}
    for user in (org.sxd_leader, org.sxd_staff, org.sxd_unit_leader):
        [membership] = queries.memberships(user)
        unread[user.pk] = membership.unread
    assert unread == {org.sxd_leader.pk: 0, org.sxd_staff.pk: 4, org.sxd_unit_leader.pk: 4}  # with "đã lập nhóm"
    assert queries.unread_conversations(org.sxd_staff).count() == 1
    newest = Message.objects.filter(conversation=group).order_by("-id").first()
    assert services.mark_read(org.sxd_staff, group, newest.pk + 1000)  # never beyond the newest message
    assert Member.objects.get(conversation=group, user=org.sxd_staff).last_read_id == newest.pk
    assert queries.memberships(org.sxd_staff)[0].unread == 0
    assert not queries.unread_conversations(org.sxd_staff).exists()


def test_one_to_one_messages_ring_the_bell_once_until_read(org):
    chat = services.open_direct(org.sxd_staff, org.sxd_unit_leader)
    services.send(org.sxd_staff, chat, "Anh ơi, báo cáo tiến độ em đã gửi qua hệ thống.")
    services.send(org.sxd_staff, chat, "Anh xem giúp em trong hôm nay nhé.")
    notices = Notification.objects.filter(user=org.sxd_unit_leader, verb="chat.direct")
    assert notices.count() == 1 and notices.get().read_at is None
    assert not Notification.objects.filter(user=org.sxd_staff).exists()
    services.mark_read(org.sxd_unit_leader, chat, chat.messages.order_by("-id").first().pk)
    assert notices.get().read_at is not None
    services.send(org.sxd_staff, chat, "Em cảm ơn anh.")
    assert notices.filter(read_at__isnull=True).count() == 1


def test_a_new_message_nudges_every_current_member_once_committed(
    org, group, settings, django_capture_on_commit_callbacks
):
    settings.VPDT_REALTIME_BIND = "127.0.0.1:8001"
    services.remove_member(org.sxd_leader, group, org.sxd_unit_leader)
    LiveEvent.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.send(org.sxd_staff, group, "Em gửi số liệu.")
    assert sorted(LiveEvent.objects.values_list("user_id", "data")) == sorted(
        [
            (org.sxd_leader.pk, {"kind": "chat", "conversation": group.pk}),
            (org.sxd_staff.pk, {"kind": "chat", "conversation": group.pk}),
        ]
    )


def test_history_pages_through_the_conversation_and_id_index(org, group):
    for n in range(1, 41):
        services.send(org.sxd_leader, group, f"Mục {n} của kế hoạch")
    newest = queries.messages(org.sxd_staff, group)
    assert len(newest) == queries.PAGE and newest[-1].text == "Mục 40 của kế hoạch"
    older = queries.messages(org.sxd_staff, group, before=newest[0].pk)
    assert [m.text for m in older][-1] == "Mục 10 của kế hoạch" and older[0].event == "created"
    after = queries.messages(org.sxd_staff, group, after=newest[-3].pk)
    assert [m.text for m in after] == ["Mục 39 của kế hoạch", "Mục 40 của kế hoạch"]


def test_a_former_member_keeps_no_history_and_a_new_member_reads_all_of_it(org, group):
    services.send(org.sxd_leader, group, "Nội dung trao đổi trước khi thêm người.")
    services.remove_member(org.sxd_leader, group, org.sxd_staff)
    assert not queries.conversations(org.sxd_staff).exists()
    assert not queries.messages(org.sxd_staff, group)
    services.add_members(org.sxd_leader, group, [org.sxd_clerk])
    assert "Nội dung trao đổi trước khi thêm người." in [m.text for m in queries.messages(org.sxd_clerk, group)]


# ------------------------------------------------------------------------------------------ permissions


@pytest.fixture
def said(org, group):
    message = services.send(org.sxd_leader, group, "Tài liệu họp tổ công tác", files=[_pdf("tai-lieu-hop.pdf")])
    return group, message, message.attachments.get()


WHO = [("sxd_staff", True), ("sxd_clerk", False), ("stttt_staff", False), ("ht_staff", False)]


@pytest.mark.parametrize(("who", "member"), WHO)
def test_pages_and_files_open_only_for_current_members(org, said, client, who, member):
    group, message, attachment = said
    client.force_login(getattr(org, who))
    base = f"/hoi-thoai/{group.pk}/"
    for url in (
        base,
        f"{base}tin-nhan-cu/?truoc={message.pk + 1}",
        f"{base}tep/{attachment.pk}/",
        f"{base}thanh-vien/",
    ):
        response = client.get(url)
        assert response.status_code == (200 if member else 404), url
    if member:
        assert client.get(f"{base}tep/{attachment.pk}/").getvalue() == PDF
    newer = client.get(f"{base}tin-nhan-moi/?sau=0", HTTP_HX_REQUEST="true")
    assert newer.status_code == (200 if member else 286)
    assert ("Tài liệu họp tổ công tác" in newer.content.decode()) is member
    listing = client.get("/hoi-thoai/").content.decode()
    assert ("Tổ công tác giải ngân" in listing) is member
    for url, data in (
        (f"{base}gui/", {"text": "Tôi muốn đọc nhóm này"}),
        (f"{base}thanh-vien/them/", {"members": [org.sxd_admin.pk]}),
        (f"{base}thanh-vien/{org.sxd_unit_leader.pk}/bo/", {}),
    ):
        status = client.post(url, data).status_code
        assert status == (302 if member else 404), url
    assert not Message.objects.filter(text="Tôi muốn đọc nhóm này", sender__in=[org.sxd_clerk, org.stttt_staff])
    assert Member.objects.filter(conversation=group, left_at__isnull=True).count() == 3  # staff is no manager
    assert client.post(f"{base}roi-nhom/").status_code == (302 if member else 404)
    assert Member.objects.filter(conversation=group, left_at__isnull=True).count() == (2 if member else 3)


@pytest.mark.parametrize(("who", "member"), WHO)
def test_the_api_answers_only_current_members(org, said, api, who, member):
    group, message, attachment = said
    client = api(getattr(org, who))
    base = f"/api/v1/chat-conversations/{group.pk}/"
    listed = client.get("/api/v1/chat-conversations/").data["results"]
    assert [c["id"] for c in listed] == ([group.pk] if member else [])
    expected = 200 if member else 404
    assert client.get(base).status_code == expected
    assert client.get(f"{base}messages/").status_code == expected
    assert client.get(f"{base}messages/?after={message.pk - 1}").status_code == expected
    assert client.get(f"{base}members/").status_code == expected
    assert client.get(f"{base}files/{attachment.pk}/").status_code == expected
    assert client.post(f"{base}read/", {"up_to": message.pk}, format="json").status_code == expected
    posted = client.post(f"{base}messages/", {"text": "Qua API"}, format="json")
    assert posted.status_code == (201 if member else 404)
    added = client.post(f"{base}members/", {"members": [org.sxd_admin.pk]}, format="json")
    assert added.status_code == (403 if member else 404)  # members, but not the manager
    removed = client.delete(f"{base}members/{org.sxd_unit_leader.pk}/")
    assert removed.status_code == (403 if member else 404)
    assert client.post(f"{base}leave/").status_code == (204 if member else 404)
    assert Member.objects.filter(conversation=group, left_at__isnull=True).count() == (2 if member else 3)


def test_the_api_for_the_manager(org, group, api):
    client = api(org.sxd_leader)
    base = f"/api/v1/chat-conversations/{group.pk}/"
    added = client.post(f"{base}members/", {"members": [org.sxd_clerk.pk]}, format="json")
    assert added.status_code == 200 and org.sxd_clerk.pk in [m["user"] for m in added.data]
    assert client.post(f"{base}members/", {"members": [org.ht_staff.pk]}, format="json").status_code == 400
    assert client.delete(f"{base}members/{org.sxd_clerk.pk}/").status_code == 204
    sent = client.post(
        f"{base}messages/", {"text": "Gửi kèm tệp", "files": [_pdf()]}, format="multipart"
    )  # files as a form sends them
    assert sent.status_code == 201, sent.data
    assert sent.data["attachments"][0]["name"] == "bao-cao-tien-do.pdf"
    after = client.get(f"{base}messages/?after={sent.data['id'] - 1}").data
    assert [m["text"] for m in after] == ["Gửi kèm tệp"]
    assert client.get(f"{base}messages/?after=abc").status_code == 400
    direct = client.post(
        "/api/v1/chat-conversations/", {"kind": "direct", "members": [org.sxd_staff.pk]}, format="json"
    )
    assert direct.status_code == 201 and direct.data["title"] == "Hoàng Thị Lan"
    created = client.post(
        "/api/v1/chat-conversations/",
        {"kind": "group", "title": "Ban biên tập cổng thông tin", "members": [org.sxd_clerk.pk]},
        format="json",
    )
    assert created.status_code == 201 and created.data["title"] == "Ban biên tập cổng thông tin"


# ------------------------------------------------------------------------------------------ screens


def test_the_screens_show_unread_counts_and_the_menu_badge(org, group, client):
    services.send(org.sxd_leader, group, "Đề nghị @Hoàng Thị Lan gửi báo cáo.")
    client.force_login(org.sxd_staff)
    page = lxml.html.fromstring(client.get("/hoi-thoai/").content.decode())
    assert [b.text_content() for b in page.xpath('//*[@data-testid="chat-unread"]')] == ["2"]
    [badge] = page.xpath('//a[@data-testid="menu-chat.list"]//*[@data-testid="badge"]')
    assert badge.text_content() == "1"
    detail = client.get(f"/hoi-thoai/{group.pk}/").content.decode()
    assert "nhắc đến đồng chí" in detail and 'data-live="chat"' in detail
    page = lxml.html.fromstring(client.get("/hoi-thoai/").content.decode())
    assert not page.xpath('//*[@data-testid="chat-unread"]')
    assert client.get(f"/hoi-thoai/{group.pk}/tin-nhan-moi/?sau=999999999").status_code == 204


def test_sending_from_the_page_and_its_errors(org, group, client):
    client.force_login(org.sxd_staff)
    sent = client.post(f"/hoi-thoai/{group.pk}/gui/", {"text": "Em đã nhận."}, HTTP_HX_REQUEST="true")
    assert sent.status_code == 200 and sent["HX-Trigger"] == "chat-sent"
    refused = client.post(f"/hoi-thoai/{group.pk}/gui/", {"text": " "}, HTTP_HX_REQUEST="true")
    assert "Tin nhắn trống" in refused.content.decode() and "HX-Trigger" not in refused
    direct = client.post("/hoi-thoai/moi/", {"person": org.sxd_clerk.pk})
    conversation = Conversation.objects.get(kind="direct")
    assert direct["Location"] == f"/hoi-thoai/{conversation.pk}/"
    assert client.post("/hoi-thoai/moi/", {"person": org.ht_staff.pk}).status_code == 200  # not offered
    made = client.post("/hoi-thoai/nhom-moi/", {"title": "Tổ soạn thảo", "members": [org.sxd_clerk.pk]})
    assert made.status_code == 302
