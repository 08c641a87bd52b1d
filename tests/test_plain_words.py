"""What people read says it in Vietnamese with people's names: no action codes (``outgoing.step.approve``), no raw
states (``in_progress``), no Python values (``{'from': …}``, ``None``), no usernames where a person is meant.

Real flows of every kind of document are run, then everything the journal tells of them (sentences, labels and
details, on the journal screen and in the document trails) is read back and searched for such codes.
"""

import datetime as dt
import re

import lxml.html
import pytest
from django.test import Client
from freezegun import freeze_time

from tests import shared_data
from tests.conftest import PASSWORD, make_person
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason, User
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.directory.models import Role
from vpdt.exchange import internal
from vpdt.exchange.models import ExternalAgency
from vpdt.incoming import queries as incoming_queries
from vpdt.incoming import services as incoming
from vpdt.journal import sentences
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import queries as outgoing_queries
from vpdt.outgoing import services as out
from vpdt.outgoing.models import RecipientKind
from vpdt.outgoing.services import RecipientSpec

DOTTED = re.compile(r"\b[a-z]+(?:_[a-z]+)*(?:\.[a-z]+(?:_[a-z]+)*)+\b")  # account.create, outgoing.step.approve
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # in_progress, full_name
PYTHON = re.compile(r"[{\[]'|'[}\]]|\bNone\b|\bTrue\b|\bFalse\b")
WEB = {"vn", "com", "org", "net"}  # addresses (www.nghean.gov.vn) are no codes
FILE = re.compile(r"\.(?:pdf|docx?|xlsx?|odt|p12|enc|png|jpe?g)\b")


def codes_in(text: str, usernames=()) -> list[str]:
    """The codes ``text`` shows: an action code, a raw state, a Python value or a bare username."""
    found = [
        m
        for m in DOTTED.findall(text)
        if not FILE.search("." + m.split(".")[-1]) and m.split(".")[-1] not in WEB and m.split(".")[0] != "www"
    ]
    found += SNAKE.findall(text) + PYTHON.findall(text)
    for username in usernames:
        for m in re.finditer(rf"(?<![\w.]){re.escape(username)}(?![\w.])", text):
            before = text[max(0, m.start() - 1) : m.start()]
            if before != "(" and "Tên đăng nhập" not in text[max(0, m.start() - 20) : m.start()]:
                found.append(username)  # an account's own name is told beside the person: "Họ Tên (username)"
    return found


@shared_data.over("org")
def world(org):
    org.stttt_clerk = make_person(org.stttt, "Phạm Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.root = User.objects.create_superuser("quantri.hethong", PASSWORD, full_name="Quản Trị Hệ Thống")
    with freeze_time("2026-11-25 09:00:00+07:00"):
        org.incoming = _incoming_flow(org)
        org.outgoing = _outgoing_flow(org)
        accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "Theo Công văn số 215/SXD-VP")
        accounts.unlock(org.sxd_admin, org.sxd_staff, "Đã xác minh")
    return org


def _incoming_flow(org):
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Sở Kế hoạch và Đầu tư tỉnh Nghệ An",
        issuer_code="000.00.09.H41",
        code_number="2468",
        code_notation="SKHĐT-KTĐN",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v đề nghị điều chỉnh vốn đầu tư công dự án Đại lộ Vinh – Cửa Lò",
        urgency=Urgency.URGENT,
        needs_reply=True,
        reply_due=dt.date(2026, 12, 5),
    ).document
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì tham mưu văn bản trả lời.",
        deadline=dt.date(2026, 12, 10),
        targets=[incoming.Target("lead", unit=org.sxd_khtc), incoming.Target("inform", user=org.sxd_admin)],
    )
    lead = doc.assignments.get(unit=org.sxd_khtc, parent__isnull=True)
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, opinion="Đ/c Lan tổng hợp số liệu.")
    incoming.add_note(org.sxd_staff, child, "progress", "Đã làm việc với Ban Quản lý dự án.")
    incoming.add_note(org.sxd_staff, child, "proposal", "Đề xuất đồng ý điều chỉnh.")
    incoming.request_reply(org.sxd_staff, doc)
    incoming.complete(org.sxd_staff, child, "Đã dự thảo văn bản trả lời.")
    incoming.mark_read(org.sxd_admin, doc.assignments.get(user=org.sxd_admin))
    incoming.complete(org.sxd_unit_leader, lead, "Đã ban hành văn bản trả lời.")
    return doc


def _outgoing_flow(org):
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình giải ngân vốn đầu tư công năm 2026",
        text="Kính gửi: Sở Thông tin và Truyền thông\nSở Xây dựng báo cáo như sau.",
        signer=org.sxd_leader,
        recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
    )
    doc = out.submit(org.sxd_staff, doc)
    doc = out.return_draft(org.sxd_unit_leader, doc, comment="Bổ sung số liệu quý IV.")
    out.revise(org.sxd_staff, doc, text="Kính gửi: Sở Thông tin và Truyền thông\nSở Xây dựng báo cáo bổ sung.")
    doc = out.submit(org.sxd_staff, doc)
    doc = out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")
    doc = out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.")
    doc = out.issue(org.sxd_clerk, doc)
    internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt), leader=org.stttt_leader)
    out.recall(org.sxd_leader, doc, "Sai số liệu phụ lục.")
    return doc


def _usernames():
    return list(User.objects.values_list("username", flat=True))


def test_every_journal_sentence_label_and_detail_of_real_flows_is_plain_vietnamese(world):
    entries = sentences.annotate(JournalEntry.objects.order_by("seq"), visible=True)
    assert len(entries) > 40
    usernames = _usernames()
    problems = []
    for entry in entries:
        told = [entry.sentence, entry.label] + [f"{name}: {value}" for name, value in entry.detail_items]
        for text in told:
            for code in codes_in(text, usernames):
                problems.append(f"{entry.action}: {code!r} in {text!r}")
    assert not problems, "\n".join(problems)


def _visible_text(html: str, test_id: str) -> str:
    tree = lxml.html.fromstring(html)
    (node,) = tree.xpath(f'//*[@data-testid="{test_id}"]')
    return node.text_content()


def test_the_journal_screen_and_the_trails_show_no_codes(world):
    org = world
    client = Client()
    client.force_login(org.root)
    usernames = _usernames()
    html = client.get("/nhat-ky/").content.decode()
    text = _visible_text(html, "journal")
    assert "Trần Thị Thu Hà cho ý kiến chỉ đạo" in text
    assert codes_in(text, usernames) == []
    assert 'title="' + "incoming." not in html  # no code in a tooltip either
    # The action filter offers Vietnamese names, and still filters.
    filtered = client.get("/nhat-ky/", {"action": "incoming."}).content.decode()
    assert '<option value="incoming." selected>Văn bản đến</option>' in filtered
    assert "đăng nhập" not in _visible_text(filtered, "journal")

    client.force_login(org.sxd_leader)
    html = client.get(f"/van-ban-den/{org.incoming.pk}/").content.decode()
    assert codes_in(_visible_text(html, "trail"), usernames) == []
    for trail in (incoming_queries.trail(org.incoming), outgoing_queries.trail(org.outgoing)):
        for item in trail:
            assert codes_in(f"{item['who']} {item['label']} {item['sentence']}", usernames) == [], item
        assert all("(" not in item["who"] for item in trail)  # the API's "who": a name, not "username (name)"
    submitted = next(i for i in incoming_queries.trail(org.incoming) if i["action"] == "incoming.submit")
    assert submitted["to"] == "Trần Thị Thu Hà"

    client.force_login(org.sxd_admin)
    html = client.get(f"/can-bo/{org.sxd_staff.pk}/").content.decode()
    assert "khóa tài khoản" in html and 'title="account.' not in html


@pytest.mark.parametrize(
    "text",
    [
        "Lê Thị Hồng Nhung thực hiện thao tác “document.register”",
        "Trạng thái sau: in_progress",
        "Chi tiết: {'from': 'a'}",
        "Người nhận: lthnhung",
        "Phiên bản: None",
    ],
)
def test_the_search_for_codes_finds_them(text):
    assert codes_in(text, ["lthnhung"])


@pytest.mark.parametrize(
    "text",
    [
        "Hoàng Thị Lan lưu tệp “du-thao.pdf” (5068 byte)",
        "Hệ thống tạo tài khoản Nguyễn Văn Minh (minhnv)",
        "Tên đăng nhập: minhnv",
        "Trang thông tin điện tử: www.nghean.gov.vn",
    ],
)
def test_the_search_for_codes_lets_plain_text_pass(text):
    assert codes_in(text, ["minhnv"]) == []


def _entry(action, details, object_type="", object_id="", object_repr=""):
    return JournalEntry(
        seq=1,
        created_at=dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC),
        actor_repr="",
        on_behalf_of_repr="",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        details=details,
    )


def test_the_exchange_names_agencies_messages_and_statuses(org):
    """The exchange's entries named agencies by their code and messages by their raw kind (“status”); an answer from
    another system said “vào sổ văn bản đến của ” with nobody after it."""
    ExternalAgency.objects.create(organ_id="000.00.00.H40", name="Ủy ban nhân dân tỉnh Thanh Hóa")
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v phối hợp quản lý trật tự xây dựng tuyến Quốc lộ 1",
        recipients=[RecipientSpec(RecipientKind.EXTERNAL, name="UBND tỉnh Thanh Hóa", organ_id="000.00.00.H40")],
    )
    queued, status, received = sentences.annotate(
        [
            _entry(
                "exchange.queue",
                {
                    "document_id": "000.00.12.H41,2026/11/25,15/SXD-KHTC",
                    "to": "000.00.00.H42",
                    "kind": "status",
                    "code": "03",
                },
            ),
            _entry(
                "exchange.status",
                {"document_id": "000.00.12.H41,2026/11/25,15/SXD-KHTC", "code": "06", "from": "000.00.00.H40"},
            ),
            _entry(
                "outgoing.delivery.receive",
                {"from": "01", "to": "03", "recipient_organ": "000.00.00.H40", "status": "03", "remote": True},
                "outgoing.outgoingdocument",
                str(doc.pk),
                "15/SXD-KHTC",
            ),
        ],
        visible=True,
    )
    assert queued.sentence == (
        "Hệ thống đưa gói tin 000.00.12.H41,2026/11/25,15/SXD-KHTC gửi Ủy ban nhân dân tỉnh Hà Tĩnh (000.00.00.H42) "
        "vào hàng đợi liên thông"
    )
    assert ("Loại gói tin", "Trạng thái") in queued.detail_items
    assert ("Nghiệp vụ hoặc trạng thái", "Đã tiếp nhận (vào sổ) (03)") in queued.detail_items
    assert status.sentence == (
        "Nhận trạng thái Đã hoàn thành (06) của văn bản 000.00.12.H41,2026/11/25,15/SXD-KHTC từ Ủy ban nhân dân tỉnh "
        "Thanh Hóa (000.00.00.H40)"
    )
    assert received.sentence == (
        "Hệ thống tiếp nhận văn bản 15/SXD-KHTC của Sở Xây dựng tỉnh Nghệ An, vào sổ văn bản đến của UBND tỉnh Thanh "
        "Hóa (000.00.00.H40)"
    )
    assert ("Trạng thái", "Đã tiếp nhận (vào sổ)") in received.detail_items
