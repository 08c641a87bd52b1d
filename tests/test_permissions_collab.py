"""Permission suite, collaboration: tasks, internal mail, chat, polls, announcements, boards, SMS and the calendar.

One world in the Sở Xây dựng, built once through the apps' services (so their own rules apply): a task the director
gives to the planning-finance unit with the office's clerk cooperating, a letter to that unit and the director, a
working group and a one-to-one chat with files, a poll of the unit about an uploaded draft, two announcements, a
public board post and a Party cell post, an SMS about a document waiting for the staff member, the director's
briefing approved and published in the agency's week, and a unit meeting still waiting for approval.

``TABLE`` says who sees each of them; every channel — ``visible()``, the HTML list, the detail pages, the API list
and detail, every file download, the exports — must agree with it for every viewer, and never answer 500. People of
another agency act on nothing: every action URL and API action answers 404 and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.collab.boards import services as boards
from vpdt.collab.boards.api import NO_BOARD
from vpdt.collab.boards.models import Announcement, Board, BoardKind, BoardMember, Post
from vpdt.collab.calendar import calendars, publishing
from vpdt.collab.calendar import services as calendar
from vpdt.collab.calendar.models import Entry, PublishedWeek
from vpdt.collab.calendar.services import dmy
from vpdt.collab.calendar.views import STEPS as CALENDAR_STEPS
from vpdt.collab.chat import services as chat
from vpdt.collab.chat.models import Conversation
from vpdt.collab.mail import services as mail
from vpdt.collab.mail.models import Kind as MailKind
from vpdt.collab.mail.models import MailboxEntry
from vpdt.collab.mail.models import Message as MailMessage
from vpdt.collab.orders import services as orders
from vpdt.collab.orders.lifecycle import ACTIONS as TASK_STEPS
from vpdt.collab.orders.models import Task
from vpdt.collab.orders.queries import VIEWS as TASK_VIEWS
from vpdt.collab.orders.views import STEPS as TASK_SLUGS
from vpdt.collab.polls import services as polls
from vpdt.collab.polls.models import Answer, Choice, Poll
from vpdt.collab.sms import services as sms
from vpdt.collab.sms.models import SmsGrant, SmsMessage
from vpdt.core import authz
from vpdt.core.authz import manageable, permitted, visible
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification

pytestmark = pytest.mark.django_db

COLLAB_APPS = ("orders", "internalmail", "chat", "polls", "boards", "sms", "calendar")


def pdf(name: str) -> SimpleUploadedFile:
    """A small PDF, its bytes unique to its name (no two attachments share a stored file)."""
    body = f"%PDF-1.4\n% {name}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


TASK_TITLE = "Rà soát kế hoạch đầu tư công trung hạn 2026-2030"
MAIL_SUBJECT = "Đề nghị báo cáo tiến độ giải ngân vốn đầu tư công quý IV/2026"
GROUP_TITLE = "Tổ công tác giải ngân vốn đầu tư công"
POLL_TITLE = "Lấy ý kiến dự thảo Quy chế chi tiêu nội bộ năm 2027"
ANSWER_TEXT = "Đề nghị bổ sung định mức công tác phí tại Điều 7."
NOTICE_TITLE = "Lịch trực Tết Nguyên đán Bính Ngọ"
UNIT_NOTICE_TITLE = "Phòng KH-TC họp giao ban chiều thứ Sáu"
PUBLIC_TITLE = "Nhặt được chìa khóa xe máy ở nhà xe"
PARTY_TITLE = "Chi bộ họp thường kỳ tháng 3"
MEETING_TITLE = "Giao ban lãnh đạo Sở tuần"
UNIT_MEETING_TITLE = "Họp Phòng Kế hoạch - Tài chính rà soát giải ngân"


@shared_data.over("org")
def world(o):
    """The Sở Xây dựng at work. A staff member of the agency without a unit (``sxd_bystander``) takes part in
    nothing but what goes to the whole agency."""
    o.sxd_bystander = make_person(o.sxd, "Ngô Văn Bình", Role.STAFF)

    # Task: the director gives it to the KH-TC unit (its head leads), the office's clerk cooperating.
    o.task = orders.create_task(
        o.sxd_leader,
        title=TASK_TITLE,
        description="Tổng hợp danh mục dự án, đề xuất điều chỉnh vốn, trình Giám đốc trước ngày họp giao ban.",
        deadline=_in(20),
        lead_unit=o.sxd_khtc,
        cooperator_users=[o.sxd_clerk],
        files=[pdf("danh-muc-du-an.pdf")],
    )

    # Internal mail: the clerk writes to the KH-TC unit (its head and staff) and, by name, to the director.
    o.mail = mail.send(
        o.sxd_clerk,
        kind=MailKind.REQUEST,
        subject=MAIL_SUBJECT,
        body="Đề nghị Phòng KH-TC tổng hợp số liệu giải ngân, gửi Văn phòng trước ngày 20/12/2026.",
        units=[o.sxd_khtc],
        users=[o.sxd_leader],
        files=[pdf("mau-bao-cao-giai-ngan.pdf")],
    )
    o.folder = mail.create_folder(o.sxd_staff, "Giải ngân vốn đầu tư công")

    # Chat: the head of KH-TC's working group (staff and clerk), and the director's one-to-one with the head.
    o.group = chat.create_group(o.sxd_unit_leader, GROUP_TITLE, [o.sxd_staff, o.sxd_clerk])
    o.group_message = chat.send(o.sxd_unit_leader, o.group, "Tài liệu họp tổ", files=[pdf("tai-lieu-hop-to.pdf")])
    o.direct = chat.open_direct(o.sxd_leader, o.sxd_unit_leader)
    o.direct_message = chat.send(o.sxd_leader, o.direct, "Anh xem báo cáo", files=[pdf("bao-cao-nhanh.pdf")])

    # Poll: the director lets the head of KH-TC poll; he asks his unit (the staff member) about an uploaded draft.
    o.poll_grant = polls.grant(o.sxd_leader, o.sxd_unit_leader, valid_until=_in(30))
    o.poll = polls.open_poll(
        o.sxd_unit_leader,
        title=POLL_TITLE,
        question="Đề nghị các đồng chí cho ý kiến vào dự thảo Quy chế.",
        deadline=_in(7),
        upload=pdf("du-thao-quy-che-chi-tieu.pdf"),
        whole_agency=False,
        units=[o.sxd_khtc],
    )
    o.answer = polls.answer(o.sxd_staff, o.poll, choice=Choice.OTHER, text=ANSWER_TEXT, files=[pdf("gop-y-dieu-7.pdf")])

    # Announcements: the director's to the whole agency; the head of KH-TC's to his unit.
    o.notice = boards.post_announcement(
        o.sxd_leader, capacity="leader", title=NOTICE_TITLE, body="Lịch trực Tết từ 14/02 đến 22/02/2026."
    )
    o.unit_notice = boards.post_announcement(
        o.sxd_unit_leader,
        capacity=f"unit:{o.sxd_khtc.pk}",
        title=UNIT_NOTICE_TITLE,
        body="Phòng họp giao ban lúc 15 giờ thứ Sáu hằng tuần.",
        whole_agency=False,
    )

    # Boards: a public post by the clerk; the Party cell (head of KH-TC manages it, the staff member is a member).
    o.public_board = Board.objects.get(agency=o.sxd, kind=BoardKind.PUBLIC)
    o.party_board = Board.objects.get(agency=o.sxd, kind=BoardKind.PARTY)
    boards.add_member(o.sxd_admin, o.party_board, o.sxd_unit_leader, is_manager=True)
    o.party_member = boards.add_member(o.sxd_unit_leader, o.party_board, o.sxd_staff)
    o.public_post = boards.create_post(
        o.sxd_clerk, o.public_board, title=PUBLIC_TITLE, body="Ai đánh rơi, liên hệ Văn phòng Sở."
    )
    o.party_post = boards.create_post(
        o.sxd_staff, o.party_board, title=PARTY_TITLE, body="Chi bộ họp lúc 14 giờ ngày 05/03/2026."
    )

    # SMS: the administrator lets the clerk send; the clerk reminds the staff member of a document waiting for her.
    o.sms_grant = sms.grant(o.sxd_admin, o.sxd_clerk, "Theo Quyết định số 12/QĐ-SXD")
    sms.set_mobile(o.sxd_staff, "0912 345 678")
    o.doc = incoming.register_document(
        o.sxd_clerk,
        agency=o.sxd,
        leader=o.sxd_leader,
        issuer_name="Bộ Xây dựng",
        code_number="215",
        code_notation="BXD-KHTC",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v đôn đốc giải ngân vốn đầu tư công năm 2026",
    ).document
    if o.doc.status == "registered":
        incoming.submit(o.sxd_clerk, o.doc, leader=o.sxd_leader)
        o.doc.refresh_from_db()
    incoming.direct(
        o.sxd_leader,
        o.doc,
        direction="Giao chị Lan tham mưu, báo cáo trước hạn.",
        deadline=_in(14),
        targets=[incoming.Target("lead", user=o.sxd_staff)],
    )
    o.sms = sms.send(o.sxd_clerk, o.sxd_staff, f"incoming:{o.doc.pk}", "Đề nghị xử lý sớm")

    # The staff member asks the poller for more time to answer.
    o.more_time = polls.ask_more_time(o.sxd_staff, o.poll, until=_in(10), reason="Đang tổng hợp ý kiến của phòng")

    # Calendar: the office's clerk keeps the agency's calendars and approves the director's briefing (public, then
    # published); the head of KH-TC books a unit meeting with his staff, still waiting for approval.
    o.room = calendar.create_room(o.sxd_admin, name="Phòng họp tầng 3", capacity=30)
    o.calendar_grant = calendar.grant(o.sxd_leader, o.sxd_clerk, calendars.agency_calendar(o.sxd))
    o.meeting_day = _in(1)
    (o.meeting,) = calendar.book(
        o.sxd_clerk,
        calendars.agency_calendar(o.sxd),
        title=MEETING_TITLE,
        day=o.meeting_day,
        start=dt.time(8, 0),
        end=dt.time(10, 0),
        chair=o.sxd_leader,
        room=o.room,
        is_public=True,
    )
    calendar.approve(o.sxd_clerk, o.meeting)
    o.week = publishing.publish(o.sxd_clerk, o.sxd, o.meeting_day - dt.timedelta(days=o.meeting_day.weekday()))
    o.unit_calendar = calendars.resolve(o.sxd, f"don-vi-{o.sxd_khtc.pk}")
    (o.unit_meeting,) = calendar.book(
        o.sxd_unit_leader,
        o.unit_calendar,
        title=UNIT_MEETING_TITLE,
        day=o.meeting_day,
        start=dt.time(14, 0),
        end=dt.time(16, 0),
        chair=o.sxd_unit_leader,
        participants=[calendar.Part("attend", user=o.sxd_staff)],
        place="Phòng Kế hoạch - Tài chính",
    )


# ------------------------------------------------------------------------------------------------
# The expectation table: who sees what (1) and who does not (0).
# ------------------------------------------------------------------------------------------------

VIEWERS = (
    "sxd_leader",  # the agency's leader (Giám đốc): assigner, mail recipient, director of the one-to-one
    "sxd_unit_leader",  # head of KH-TC: task lead, mail recipient (unit), group manager, poller, Party cell manager
    "sxd_staff",  # KH-TC staff: mail recipient (unit), group member, asked by the poll, Party member, SMS recipient
    "sxd_clerk",  # the office's clerk: task cooperator, mail sender, group member, public poster, SMS sender
    "sxd_admin",  # the agency's system administrator (in the office), involved in nothing
    "sxd_bystander",  # staff of the agency, in no unit, involved in nothing
    "stttt_staff",  # another agency of the same province
    "province_admin",  # the province's administrator (posted at Sở TT&TT): administers accounts, not work
    "ht_staff",  # another province
)

# fmt: off
TABLE = {
    #                     leader head staff clerk admin bystander stttt prov ht
    "task":              (1,     1,   0,    1,    0,    0,        0,    0,   0),  # lead unit's staff: not hers yet
    "mail":              (1,     1,   1,    1,    0,    0,        0,    0,   0),  # mail is personal, admins too
    "group-chat":        (0,     1,   1,    1,    0,    0,        0,    0,   0),  # its members only
    "direct-chat":       (1,     1,   0,    0,    0,    0,        0,    0,   0),
    "poll":              (1,     1,   1,    0,    1,    0,        0,    0,   0),  # admin keeps it, not its answers
    "poll-answer":       (1,     1,   1,    0,    0,    0,        0,    0,   0),  # poller, leaders, the author
    "poll-results":      (1,     1,   0,    0,    0,    0,        0,    0,   0),  # summary and exports
    "notice":            (1,     1,   1,    1,    1,    1,        0,    0,   0),  # to the whole agency
    "unit-notice":       (0,     1,   1,    0,    1,    0,        0,    0,   0),  # to KH-TC; admin keeps it
    "public-post":       (1,     1,   1,    1,    1,    1,        0,    0,   0),  # the agency's public board
    "party-board":       (0,     1,   1,    0,    1,    0,        0,    0,   0),  # members; admin keeps membership
    "party-post":        (0,     1,   1,    0,    0,    0,        0,    0,   0),  # members only
    "sms":               (0,     0,   1,    1,    1,    0,        0,    0,   0),  # sender, recipient, agency admin
    "meeting":           (1,     1,   1,    1,    1,    1,        0,    0,   0),  # approved: the whole agency
    "unit-meeting":      (0,     1,   1,    1,    0,    0,        0,    0,   0),  # waiting: chair, staff, office
    "published-week":    (1,     1,   1,    1,    1,    1,        0,    0,   0),  # the agency's published week
}
# fmt: on
OUTSIDERS = ("stttt_staff", "province_admin", "ht_staff")


def expected(kind: str, viewer: str) -> bool:
    return bool(TABLE[kind][VIEWERS.index(viewer)])


# ------------------------------------------------------------------------------------------------
# Channels: each answers True (shown) or False (hidden), and fails on any other answer (a 500 first of all).
# ------------------------------------------------------------------------------------------------


def _page(client, url: str, refused=(404,)) -> bool:
    response = client.get(url)
    assert response.status_code in (200, *refused), (url, response.status_code)
    return response.status_code == 200


def _listed(client, url: str, marker: str) -> bool:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return marker in response.content.decode()


def _api_ids(client, url: str, key: str = "id") -> set:
    ids, pages = set(), 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        ids |= {row[key] for row in body["results"]}
        url, pages = body.get("next"), pages + 1
        assert pages < 20, url
    return ids


def _api(client, url: str, refused=(404,)) -> bool:
    response = client.get(url)
    assert response.status_code in (200, *refused), (url, response.status_code, response.content[:300])
    if response.status_code == 404:
        assert "Không tìm thấy" in response.json()["detail"], response.content
    return response.status_code == 200


def _file(client, url: str, stored) -> bool:
    """A download: the file's own bytes, or 404."""
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    if response.status_code == 404:
        return False
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with default_storage.open(stored.name, "rb") as handle:
        assert body == handle.read(), url
    return True


def _export(client, url: str, magic: bytes, sees_parent: bool) -> bool:
    """An export: 200 with the format's bytes; refused with 403 to who sees the poll, 404 to anyone else."""
    response = client.get(url)
    assert response.status_code in (200, 403 if sees_parent else 404), (url, response.status_code)
    if response.status_code == 200:
        assert response.content.startswith(magic), url
    return response.status_code == 200


def _task(o, user, web, client) -> dict:
    t = o.task
    row = t.files.get()
    link = f'href="/giao-viec/{t.pk}/"'
    return {
        "visible()": visible(Task, user).filter(pk=t.pk).exists(),
        "HTML danh sách": any(_listed(web, f"/giao-viec/?v={v}&trang-thai=tat-ca", link) for v in TASK_VIEWS),
        "HTML chi tiết": _page(web, f"/giao-viec/{t.pk}/"),
        "HTML tệp": _file(web, f"/giao-viec/{t.pk}/tep/{row.pk}/", row.file),
        "API danh sách": any(t.pk in _api_ids(client, f"/api/v1/tasks/?view={v}") for v in TASK_VIEWS),
        "API chi tiết": _api(client, f"/api/v1/tasks/{t.pk}/"),
        "API báo cáo tiến độ": _api(client, f"/api/v1/tasks/{t.pk}/reports/"),
        "API đôn đốc": _api(client, f"/api/v1/tasks/{t.pk}/followups/"),
    }


def _mail(o, user, web, client) -> dict:
    m = o.mail
    attachment = m.attachments.select_related("file").get()
    entries = list(MailboxEntry.objects.filter(message=m).values_list("pk", flat=True))
    link = f'href="/thu-noi-bo/{m.pk}/"'
    boxes = ("inbox", "sent", "drafts", "trash")
    return {
        "visible()": visible(MailMessage, user).filter(pk=m.pk).exists(),
        "HTML danh sách": any(_listed(web, url, link) for url in ("/thu-noi-bo/", "/thu-noi-bo/da-gui/")),
        "HTML chi tiết": _page(web, f"/thu-noi-bo/{m.pk}/"),
        "HTML tệp": _file(web, f"/thu-noi-bo/{m.pk}/tep/{attachment.pk}/", attachment.file),
        "API danh sách": any(m.pk in _api_ids(client, f"/api/v1/mail-entries/?box={b}", "message") for b in boxes),
        "API chi tiết": _api(client, f"/api/v1/mail-messages/{m.pk}/"),
        "API bản thư": any(_api(client, f"/api/v1/mail-entries/{pk}/") for pk in entries),
        "API tệp": _api(client, f"/api/v1/mail-attachments/{attachment.pk}/"),
        "API tải tệp": _file(client, f"/api/v1/mail-attachments/{attachment.pk}/download/", attachment.file),
    }


def _chat(conversation, message):
    def check(o, user, web, client) -> dict:
        c = conversation(o)
        said = message(o)
        attachment = said.attachments.select_related("file").get()
        base, api = f"/hoi-thoai/{c.pk}/", f"/api/v1/chat-conversations/{c.pk}/"
        return {
            "visible()": visible(Conversation, user).filter(pk=c.pk).exists(),
            "HTML danh sách": _listed(web, "/hoi-thoai/", f'href="{base}"'),
            "HTML chi tiết": _page(web, base),
            "HTML tin nhắn cũ": _page(web, f"{base}tin-nhan-cu/?truoc={said.pk + 1}"),
            "HTML thành viên": _page(web, f"{base}thanh-vien/"),
            "HTML tệp": _file(web, f"{base}tep/{attachment.pk}/", attachment.file),
            "API danh sách": c.pk in _api_ids(client, "/api/v1/chat-conversations/"),
            "API chi tiết": _api(client, api),
            "API tin nhắn": _api(client, f"{api}messages/"),
            "API thành viên": _api(client, f"{api}members/"),
            "API tệp": _file(client, f"{api}files/{attachment.pk}/", attachment.file),
        }

    return check


def _poll(o, user, web, client) -> dict:
    p = o.poll
    return {
        "visible()": visible(Poll, user).filter(pk=p.pk).exists(),
        "HTML danh sách": _listed(web, "/lay-y-kien/", f'href="/lay-y-kien/{p.pk}/"'),
        "HTML chi tiết": _page(web, f"/lay-y-kien/{p.pk}/"),
        "HTML tệp dự thảo": _file(web, f"/lay-y-kien/{p.pk}/tep/{p.file_id}/", p.file),
        "API danh sách": p.pk in _api_ids(client, "/api/v1/polls/"),
        "API chi tiết": _api(client, f"/api/v1/polls/{p.pk}/"),
    }


def _poll_answer(o, user, web, client) -> dict:
    p, a = o.poll, o.answer
    stored = a.files.select_related("file").get().file
    page = web.get(f"/lay-y-kien/{p.pk}/")
    assert page.status_code in (200, 404)
    answers = client.get(f"/api/v1/polls/{p.pk}/answers/")
    assert answers.status_code in (200, 404)
    return {
        "visible()": visible(Answer, user).filter(pk=a.pk).exists(),
        "HTML trang lấy ý kiến": page.status_code == 200 and ANSWER_TEXT in page.content.decode(),
        "HTML tệp ý kiến": _file(web, f"/lay-y-kien/{p.pk}/tep/{stored.pk}/", stored),
        "API ý kiến": answers.status_code == 200 and a.pk in {row["id"] for row in answers.json()},
    }


def _poll_results(o, user, web, client) -> dict:
    p = o.poll
    sees = visible(Poll, user).filter(pk=p.pk).exists()
    refused = (403,) if sees else (404,)
    summary = client.get(f"/api/v1/polls/{p.pk}/summary/")
    assert summary.status_code in (200, *refused), summary.status_code
    return {
        "permitted(results)": permitted(Poll, user, "results").filter(pk=p.pk).exists(),
        "HTML tổng hợp PDF": _export(web, f"/lay-y-kien/{p.pk}/tong-hop.pdf", b"%PDF", sees),
        "HTML tổng hợp XLSX": _export(web, f"/lay-y-kien/{p.pk}/tong-hop.xlsx", b"PK", sees),
        "API tổng hợp": summary.status_code == 200,
    }


def _notice(attr):
    def check(o, user, web, client) -> dict:
        n = getattr(o, attr)
        return {
            "visible()": visible(Announcement, user).filter(pk=n.pk).exists(),
            "HTML danh sách": _listed(web, "/tin-dieu-hanh/thong-bao/", f'href="/tin-dieu-hanh/thong-bao/{n.pk}/"'),
            "HTML chi tiết": _page(web, f"/tin-dieu-hanh/thong-bao/{n.pk}/"),
            "API danh sách": n.pk in _api_ids(client, "/api/v1/announcements/"),
            "API chi tiết": _api(client, f"/api/v1/announcements/{n.pk}/"),
        }

    return check


def _refused_board(response) -> bool:
    body = response.json()
    return set(body) == {"board"} and NO_BOARD in str(body["board"])


def _board_posts(client, board) -> set:
    """The posts the API lists on ``board``: a board one does not see is refused with its reason (400)."""
    response = client.get(f"/api/v1/board-posts/?board={board.pk}")
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert _refused_board(response), response.content
        return set()
    return _api_ids(client, f"/api/v1/board-posts/?board={board.pk}")


def _post(attr):
    def check(o, user, web, client) -> dict:
        post = getattr(o, attr)
        page = web.get(f"/tin-dieu-hanh/bang-tin/{post.board_id}/")
        assert page.status_code in (200, 404), page.status_code
        return {
            "visible()": visible(Post, user).filter(pk=post.pk).exists(),
            "HTML bảng tin": page.status_code == 200 and f'id="tin-{post.pk}"' in page.content.decode(),
            "API danh sách": post.pk in _board_posts(client, post.board),
            "API chi tiết": _api(client, f"/api/v1/board-posts/{post.pk}/"),
        }

    return check


def _party_board(o, user, web, client) -> dict:
    b = o.party_board
    members = client.get(f"/api/v1/board-members/?board={b.pk}")
    assert members.status_code in (200, 400), members.status_code
    return {
        "visible()": visible(Board, user).filter(pk=b.pk).exists(),
        "HTML danh sách": _listed(web, "/tin-dieu-hanh/bang-tin/", f'href="/tin-dieu-hanh/bang-tin/{b.pk}/"'),
        "HTML bảng tin": _page(web, f"/tin-dieu-hanh/bang-tin/{b.pk}/"),
        "HTML thành viên": _page(web, f"/tin-dieu-hanh/bang-tin/{b.pk}/thanh-vien/"),
        "API danh sách": b.pk in _api_ids(client, "/api/v1/boards/"),
        "API chi tiết": _api(client, f"/api/v1/boards/{b.pk}/"),
        "API thành viên": members.status_code == 200
        and o.party_member.pk in {r["id"] for r in members.json()["results"]},
        "API một thành viên": _api(client, f"/api/v1/board-members/{o.party_member.pk}/"),
    }


def _sms(o, user, web, client) -> dict:
    s = o.sms
    return {
        "visible()": visible(SmsMessage, user).filter(pk=s.pk).exists(),
        "HTML danh sách": _listed(web, "/tin-nhan/", f'href="/tin-nhan/{s.pk}/"'),
        "HTML chi tiết": _page(web, f"/tin-nhan/{s.pk}/"),
        "API danh sách": s.pk in _api_ids(client, "/api/v1/sms-messages/"),
        "API chi tiết": _api(client, f"/api/v1/sms-messages/{s.pk}/"),
    }


def _api_listed(client, url: str, pk: int) -> bool:
    """A list that names a calendar: another agency's calendar is refused with its reason (400), like a wrong key."""
    response = client.get(url)
    if response.status_code == 400:
        assert "Không có lịch này" in response.json()["calendar"], response.content
        return False
    return pk in _api_ids(client, url)


def _meeting(attribute: str, calendar_key):
    def check(o, user, web, client) -> dict:
        e = getattr(o, attribute)
        week, key = dmy(o.meeting_day), calendar_key(o)
        return {
            "visible()": visible(Entry, user).filter(pk=e.pk).exists(),
            "HTML tuần": _listed(web, f"/lich-cong-tac/?lich={key}&tuan={week}", f'href="/lich-cong-tac/{e.pk}/"'),
            "HTML tháng": _listed(
                web, f"/lich-cong-tac/thang/?lich={key}&thang={o.meeting_day:%m/%Y}", f'href="/lich-cong-tac/{e.pk}/"'
            ),
            "HTML chi tiết": _page(web, f"/lich-cong-tac/{e.pk}/"),
            "API danh sách": _api_listed(
                client, f"/api/v1/calendar-entries/?calendar={key}&from={o.meeting_day}&to={o.meeting_day}", e.pk
            ),
            "API chi tiết": _api(client, f"/api/v1/calendar-entries/{e.pk}/"),
        }

    return check


def _published_week(o, user, web, client) -> dict:
    w = o.week
    return {
        "visible()": visible(PublishedWeek, user).filter(pk=w.pk).exists(),
        "HTML tuần đã phát hành": _page(web, f"/lich-cong-tac/phat-hanh/{w.pk}/"),
        "HTML PDF": _export(web, f"/lich-cong-tac/phat-hanh/{w.pk}/pdf/", b"%PDF", False),
        "HTML XLSX": _export(web, f"/lich-cong-tac/phat-hanh/{w.pk}/xlsx/", b"PK", False),
        "API danh sách": w.pk in _api_ids(client, "/api/v1/calendar-weeks/"),
        "API chi tiết": _api(client, f"/api/v1/calendar-weeks/{w.pk}/"),
        "API PDF": _export(client, f"/api/v1/calendar-weeks/{w.pk}/pdf/", b"%PDF", False),
    }


CHANNELS = {
    "meeting": _meeting("meeting", lambda o: "co-quan"),
    "unit-meeting": _meeting("unit_meeting", lambda o: o.unit_calendar.key),
    "published-week": _published_week,
    "task": _task,
    "mail": _mail,
    "group-chat": _chat(lambda o: o.group, lambda o: o.group_message),
    "direct-chat": _chat(lambda o: o.direct, lambda o: o.direct_message),
    "poll": _poll,
    "poll-answer": _poll_answer,
    "poll-results": _poll_results,
    "notice": _notice("notice"),
    "unit-notice": _notice("unit_notice"),
    "public-post": _post("public_post"),
    "party-board": _party_board,
    "party-post": _post("party_post"),
    "sms": _sms,
}


def test_the_table_names_every_kind():
    assert set(TABLE) == set(CHANNELS)
    assert all(len(row) == len(VIEWERS) for row in TABLE.values())
    for kind, row in TABLE.items():  # nobody of another agency sees anything
        assert not any(row[VIEWERS.index(name)] for name in OUTSIDERS), kind


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_channel_agrees_with_the_table(world, login, api, viewer):
    user = getattr(world, viewer)
    web, client = login(user), api(user)
    wrong = {}
    for kind, channels in CHANNELS.items():
        want = expected(kind, viewer)
        seen = channels(world, user, web, client)
        if any(shown is not want for shown in seen.values()):
            wrong[kind] = {"mong đợi": want, **{k: v for k, v in seen.items() if v is not want}}
    assert not wrong, f"{user.full_name}: {wrong}"


# The object each kind's journal entries are about.
JOURNALED = {
    "task": lambda o: o.task,
    "mail": lambda o: o.mail,
    "group-chat": lambda o: o.group,
    "direct-chat": lambda o: o.direct,
    "poll": lambda o: o.poll,
    "notice": lambda o: o.notice,
    "unit-notice": lambda o: o.unit_notice,
    "public-post": lambda o: o.public_post,
    "party-board": lambda o: o.party_board,
    "party-post": lambda o: o.party_post,
    "sms": lambda o: o.sms,
}


@pytest.mark.parametrize("reader", ["sxd_admin", "province_admin"])
def test_the_journal_tells_the_content_only_to_who_sees_the_object(world, login, api, reader):
    """Administrators read the events of the agencies they administer (another province's administrator reads none
    of them: tests/test_permissions.py); the content of an entry (the object's name, the details: subjects,
    addressees, file names, texts) only when they see its object."""
    user = getattr(world, reader)
    client, web = api(user), login(user)
    for kind, of in JOURNALED.items():
        obj = of(world)
        label = obj._meta.label_lower
        entries = list(JournalEntry.objects.filter(object_type=label, object_id=str(obj.pk)))
        assert entries, kind
        sees = reader in VIEWERS and expected(kind, reader)
        for entry in entries:
            response = client.get(f"/api/v1/journal/{entry.seq}/")
            assert response.status_code == 200, (kind, entry.action)
            body = response.json()
            assert (body["details"] is not None) is sees, (kind, entry.action, body)
            assert (body["object_repr"] is not None) is sees, (kind, entry.action, body)
        words = str(obj)[:40]
        found = _api_ids(client, f"/api/v1/journal/?object={words}", "seq")
        assert bool(found & {e.seq for e in entries}) is sees, (kind, words)
        entry = entries[0]
        page = web.get(f"/nhat-ky/?object={obj.pk}&action={entry.action}").content.decode()
        told, untold = (escape(sentences.describe(entry, visible=v)) for v in (sees, not sees))
        assert told in page and untold not in page, (kind, told)  # the sentence the reader may read, only
        assert sees or words not in page, (kind, words)


# ------------------------------------------------------------------------------------------------
# A group board takes posts from its members only.
# ------------------------------------------------------------------------------------------------


def _not_auth_journal() -> int:
    return JournalEntry.objects.exclude(action__startswith="auth.").count()


@pytest.mark.parametrize(
    "who,board,allowed",
    [
        ("sxd_staff", "party_board", True),  # a member
        ("sxd_unit_leader", "party_board", True),  # its manager
        ("sxd_admin", "party_board", False),  # keeps its membership, but is no member
        ("sxd_leader", "party_board", False),  # the agency's leader is no member
        ("sxd_clerk", "party_board", False),
        ("stttt_staff", "party_board", False),
        ("ht_staff", "party_board", False),
        ("sxd_bystander", "public_board", True),  # everyone of the agency on its public board
        ("stttt_staff", "public_board", False),
        ("province_admin", "public_board", False),
    ],
)
@pytest.mark.parametrize("channel", ["html", "api"])
def test_only_who_may_post_on_a_board_writes_to_it(world, login, api, channel, who, board, allowed):
    user, target = getattr(world, who), getattr(world, board)
    sees_board = visible(Board, user).filter(pk=target.pk).exists()
    before, journal = Post.objects.count(), _not_auth_journal()
    title = f"Tin của {user.full_name}"
    if channel == "html":
        response = login(user).post(f"/tin-dieu-hanh/bang-tin/{target.pk}/dang/", {"title": title, "body": "Nội dung"})
        refused = 403 if sees_board else 404
        assert response.status_code == (302 if allowed else refused), response.status_code
        if not allowed:
            text = response.content.decode()
            assert ("Chỉ thành viên" in text) if sees_board else ("Không tìm thấy" in text), text[:2000]
    else:
        response = api(user).post(
            "/api/v1/board-posts/", {"board": target.pk, "title": title, "body": "Nội dung"}, format="json"
        )
        if allowed:
            assert response.status_code == 201, response.content
        elif sees_board:
            assert response.status_code == 403
            assert "Chỉ thành viên" in response.json()["detail"]
        else:
            assert response.status_code == 400 and _refused_board(response), response.content
    written = Post.objects.filter(board=target, author=user, title=title).exists()
    assert written is allowed
    assert Post.objects.count() == before + allowed
    assert _not_auth_journal() == journal + allowed


# ------------------------------------------------------------------------------------------------
# Another agency's people act on nothing: every action answers 404 and nothing is written.
# ------------------------------------------------------------------------------------------------

TASK_FORM = {
    "reason": "Không thuộc chức năng",
    "progress": 50,
    "text": "Đã làm một nửa",
    "result": "Xong",
    "until": (timezone.localdate() + dt.timedelta(days=60)).strftime("%d/%m/%Y"),
    "kind": "remind",
}
LATER = (timezone.localdate() + dt.timedelta(days=200)).strftime("%d/%m/%Y")
DATED = {"until": LATER, "reason": "Cần giữ lâu hơn", "deadline": LATER}


def _actions(o) -> list[tuple[str, str, str, dict]]:
    """(channel, method, url, data) of every action on the world's objects."""
    t, m, g, d, p, n = o.task, o.mail, o.group, o.direct, o.poll, o.notice
    entry = MailboxEntry.objects.get(message=m, owner=o.sxd_staff).pk
    found = []
    # Tasks: every step, the sub-task form, and a sub-task through the API.
    found += [("html", "post", f"/giao-viec/{t.pk}/{slug}/", TASK_FORM) for slug in TASK_SLUGS]
    found += [("html", "get", f"/giao-viec/{t.pk}/giao-nhiem-vu-con/", {})]
    found += [("html", "post", f"/giao-viec/{t.pk}/giao-nhiem-vu-con/", {"title": "Việc con", "deadline": LATER})]
    found += [("api", "post", f"/api/v1/tasks/{t.pk}/steps/{step}/", TASK_FORM) for step in TASK_STEPS]
    # Mail: the recipient's copy and the message.
    for path in ("tra-loi/", "chuyen-tiep/", "sua-nhap/"):
        found += [("html", "get", f"/thu-noi-bo/{m.pk}/{path}", {})]
        found += [("html", "post", f"/thu-noi-bo/{m.pk}/{path}", {"body": "Đã nhận", "subject": "Trả lời"})]
    for path in ("chua-doc/", "chuyen-thu-muc/", "thung-rac/", "khoi-phuc/", "xoa-han/"):
        found += [("html", "post", f"/thu-noi-bo/{m.pk}/{path}", {})]
    for path in ("reply/", "forward/", "send/"):
        found += [("api", "post", f"/api/v1/mail-messages/{m.pk}/{path}", {"body": "Đã nhận", "users": []})]
    for path in ("read/", "unread/", "move/", "trash/", "restore/"):
        found += [("api", "post", f"/api/v1/mail-entries/{entry}/{path}", {})]
    found += [("api", "delete", f"/api/v1/mail-entries/{entry}/", {})]
    # Chat: both conversations.
    for c in (g, d):
        base, api = f"/hoi-thoai/{c.pk}/", f"/api/v1/chat-conversations/{c.pk}/"
        found += [
            ("html", "post", f"{base}gui/", {"text": "Cho tôi đọc với"}),
            ("html", "post", f"{base}thanh-vien/them/", {"members": [o.sxd_admin.pk]}),
            ("html", "post", f"{base}thanh-vien/{o.sxd_staff.pk}/bo/", {}),
            ("html", "post", f"{base}roi-nhom/", {}),
            ("api", "post", f"{api}messages/", {"text": "Cho tôi đọc với"}),
            ("api", "post", f"{api}read/", {"up_to": 10**9}),
            ("api", "post", f"{api}members/", {"members": [o.sxd_admin.pk]}),
            ("api", "delete", f"{api}members/{o.sxd_unit_leader.pk}/", {}),
            ("api", "post", f"{api}leave/", {}),
        ]
    # Polls: every action, and the grant.
    answer = {"choice": "agree", "text": "Đồng ý"}
    steps = [
        ("tra-loi/", "answer/", answer),
        ("gia-han-tra-loi/", "extend-deadline/", DATED),
        ("ket-thuc/", "close/", {}),
    ]
    steps += [("de-nghi-gia-han/", "request-extension/", DATED), ("gia-han/", "extend/", DATED)]
    for page, action, data in steps:
        found += [("html", "post", f"/lay-y-kien/{p.pk}/{page}", data)]
        found += [("api", "post", f"/api/v1/polls/{p.pk}/{action}", data)]
    found += [
        ("html", "post", f"/lay-y-kien/giao-quyen/{o.poll_grant.pk}/thu-hoi/", {}),
        ("api", "post", f"/api/v1/poll-grants/{o.poll_grant.pk}/revoke/", {}),
    ]
    # Announcements.
    for a in (n, o.unit_notice):
        base, api = f"/tin-dieu-hanh/thong-bao/{a.pk}/", f"/api/v1/announcements/{a.pk}/"
        found += [
            ("html", "get", f"{base}sua/", {}),
            ("html", "post", f"{base}sua/", {"title": "Đã sửa", "body": "Đã sửa"}),
            ("html", "post", f"{base}da-doc/", {}),
            ("html", "post", f"{base}de-nghi-gia-han/", DATED),
            ("html", "post", f"{base}gia-han/", DATED),
            ("html", "post", f"{base}khong-gia-han/", DATED),
            ("html", "post", f"{base}go/", {}),
            ("api", "patch", api, {"title": "Đã sửa", "body": "Đã sửa"}),
            ("api", "post", f"{api}read/", {}),
            ("api", "get", f"{api}receipts/", {}),
            ("api", "post", f"{api}request-extension/", DATED),
            ("api", "post", f"{api}extend/", DATED),
            ("api", "post", f"{api}decline-extension/", DATED),
            ("api", "delete", api, {}),
        ]
    # Boards: posts, the Party cell's members.
    for post in (o.public_post, o.party_post):
        found += [
            ("html", "post", f"/tin-dieu-hanh/bang-tin/tin/{post.pk}/go/", {}),
            ("api", "delete", f"/api/v1/board-posts/{post.pk}/", {}),
        ]
    member = o.party_member.pk
    found += [
        ("html", "post", f"/tin-dieu-hanh/bang-tin/{o.party_board.pk}/thanh-vien/", {"user": o.sxd_clerk.pk}),
        ("html", "post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member}/", {"may_announce": "1"}),
        ("html", "post", f"/tin-dieu-hanh/bang-tin/thanh-vien/{member}/bo/", {}),
        ("api", "patch", f"/api/v1/board-members/{member}/", {"may_announce": True}),
        ("api", "delete", f"/api/v1/board-members/{member}/", {}),
    ]
    # SMS: the grant (a province administrator keeps the province's grants by design: see test_collab_sms).
    found += [
        ("html", "post", f"/tin-nhan/quyen-gui/{o.sms_grant.pk}/thu-hoi/", {"reason": "Thu hồi"}),
        ("api", "post", f"/api/v1/sms-grants/{o.sms_grant.pk}/revoke/", {"reason": "Thu hồi"}),
    ]
    # Calendar: each step of both meetings, editing them, the room, the office's right and the published week.
    for entry in (o.meeting, o.unit_meeting):
        found += [("html", "post", f"/lich-cong-tac/{entry.pk}/{slug}/", {"reason": "Thử"}) for slug in CALENDAR_STEPS]
        found += [
            ("api", "post", f"/api/v1/calendar-entries/{entry.pk}/steps/{step}/", {"reason": "Thử"})
            for step in CALENDAR_STEPS.values()
        ]
        found += [
            ("html", "post", f"/lich-cong-tac/{entry.pk}/sua/", {"title": "Đổi nội dung"}),
            ("api", "put", f"/api/v1/calendar-entries/{entry.pk}/", {"title": "Đổi nội dung"}),
        ]
    found += [
        ("html", "post", f"/lich-cong-tac/phong-hop/{o.room.pk}/", {"name": "Phòng khác"}),
        ("api", "put", f"/api/v1/calendar-rooms/{o.room.pk}/", {"name": "Phòng khác"}),
        ("html", "post", f"/lich-cong-tac/quyen-quan-ly/{o.calendar_grant.pk}/thu-hoi/", {}),
        ("api", "post", f"/api/v1/calendar-grants/{o.calendar_grant.pk}/revoke/", {}),
    ]
    return found


def _snapshot():
    """Every row of every collaboration table, the notifications and the journal (without sign-ins)."""
    rows = {}
    for label in COLLAB_APPS:
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    rows["notifications"] = Notification.objects.count()
    rows["journal"] = _not_auth_journal()
    return rows


# Body-addressed creations: the object is named in the body, so the refusal is a 400 with its reason.
CREATIONS = [
    ("/api/v1/tasks/", lambda o: {"parent": o.task.pk, "title": "Việc con", "deadline": LATER, "lead_user": 0}),
    ("/api/v1/board-posts/", lambda o: {"board": o.party_board.pk, "title": "Tin", "body": "Nội dung"}),
    ("/api/v1/board-posts/", lambda o: {"board": o.public_board.pk, "title": "Tin", "body": "Nội dung"}),
    ("/api/v1/board-members/", lambda o: {"board": o.party_board.pk, "user": o.sxd_clerk.pk}),
    ("/api/v1/chat-conversations/", lambda o: {"kind": "direct", "members": [o.sxd_staff.pk]}),
    ("/api/v1/chat-conversations/", lambda o: {"kind": "group", "title": "Nhóm", "members": [o.sxd_staff.pk]}),
    ("/api/v1/mail-messages/", lambda o: {"subject": "Thư", "body": "Nội dung", "users": [o.sxd_staff.pk]}),
    ("/api/v1/mail-messages/", lambda o: {"subject": "Thư", "body": "Nội dung", "units": [o.sxd_khtc.pk]}),
]


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "ht_admin"])
def test_another_agency_acts_on_nothing(world, login, api, outsider):
    user = getattr(world, outsider)
    web, client = login(user), api(user)
    before = _snapshot()
    for channel, method, url, data in _actions(world):
        if outsider == "province_admin" and ("sms-grants" in url or "quyen-gui" in url):
            continue  # the province's administrator keeps its SMS grants (test_collab_sms)
        caller = web if channel == "html" else client
        extra = {"format": "json"} if channel == "api" else {}
        call = getattr(caller, method)
        response = call(url, data, **extra) if method != "get" else call(url)
        if response.status_code == 403:
            # Only a refusal of the whole screen by role is acceptable: a missing id gets the same answer, or
            # the 403 would tell that the object exists.
            missing = re.sub(r"/\d+/", "/999999999/", url)
            assert (call(missing, data, **extra) if method != "get" else call(missing)).status_code == 403, url
            continue
        assert response.status_code == 404, (outsider, method, url, response.status_code, response.content[:300])
    for url, data in CREATIONS:
        response = client.post(url, data(world), format="json")
        assert response.status_code in (400, 403, 404), (outsider, url, response.status_code, response.content)
        assert re.search(r"không|Không|quyền|Chỉ", str(response.json())), (url, response.content)
    assert _snapshot() == before, f"{user.full_name} đã ghi được vào dữ liệu của Sở Xây dựng"


def _stored_files(o) -> list:
    return [
        o.task.files.get().file,
        o.mail.attachments.get().file,
        o.group_message.attachments.get().file,
        o.direct_message.attachments.get().file,
        o.poll.file,
        o.answer.files.get().file,
    ]


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "ht_admin"])
def test_outsiders_reach_no_file_through_other_channels(world, api, outsider):
    """The files of the world's objects asked for through the signature checks and the digitizations, and the
    objects' words through the search: nothing for anyone of another agency."""
    from vpdt.signing.models import Verification

    client = api(getattr(world, outsider))
    files = _stored_files(world)
    checks = Verification.objects.count()
    for stored in files:
        response = client.post("/api/v1/signature-verifications/verify/", {"file": stored.pk}, format="json")
        assert response.status_code == 404, (stored.original_name, response.status_code)
    assert Verification.objects.count() == checks
    digitized = _api_ids(client, "/api/v1/digitizations/?page_size=200", "file")
    assert not digitized & {f.pk for f in files}
    for words in (TASK_TITLE, MAIL_SUBJECT, GROUP_TITLE, POLL_TITLE, NOTICE_TITLE, PUBLIC_TITLE, PARTY_TITLE):
        response = client.get("/api/v1/search/", {"q": words})
        assert response.status_code == 200 and response.json()["results"] == [], (words, response.content[:300])


# ------------------------------------------------------------------------------------------------
# Every collaboration model the API exposes has its policies, and what one administers one sees.
# ------------------------------------------------------------------------------------------------


def test_collab_api_models_all_have_policies(world):
    from tests.test_permissions import _api_models

    exposed = {m for m in _api_models() if m._meta.app_label in COLLAB_APPS}
    assert {
        Task,
        MailMessage,
        MailboxEntry,
        Conversation,
        Poll,
        Announcement,
        Board,
        Post,
        BoardMember,
        SmsMessage,
    } <= (exposed)
    for model in exposed:
        assert authz.registered(model, "view") and authz.registered(model, "manage"), model.__name__
        assert model._base_manager.exists(), f"thế giới kiểm thử chưa có {model.__name__}"
        for name in VIEWERS:
            person = getattr(world, name)
            seen = set(visible(model, person).values_list("pk", flat=True))
            managed = set(manageable(model, person).values_list("pk", flat=True))
            assert managed <= seen, (model.__name__, name)
            if name in OUTSIDERS and not (name == "province_admin" and model is SmsGrant):
                assert not seen & _of_sxd(model, world), (model.__name__, name)


def _of_sxd(model, world) -> set:
    for path in ("agency", "message__agency", "board__agency", "owner__agency", "poll__agency", "entry__agency"):
        try:
            return set(model._base_manager.filter(**{path: world.sxd}).values_list("pk", flat=True))
        except FieldError:  # the model has no such path: try the next one
            continue
    raise AssertionError(f"{model.__name__}: không biết cơ quan của bản ghi")
