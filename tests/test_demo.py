"""The demo organisation of `make run`: realistic, every role present, every account usable once."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests import shared_data
from vpdt.accounts.models import User
from vpdt.directory.models import Agency, Level, Position, Role, Unit
from vpdt.sampledata import demo


def _load_demo(world) -> None:
    """Loaded as `make run` loads it: by the command, into an empty database."""
    out = io.StringIO()
    call_command("load_demo", if_empty=True, stdout=out)
    world.command_output = out.getvalue()
    world.accounts = demo.demo_accounts()


DEMO = shared_data.root("demo_world", _load_demo)


@pytest.fixture
def demo_world(db, _shared_data):
    """The demo organisation, loaded once for the tests that read it (each still finds it unmodified)."""
    return _shared_data.get(DEMO)


@pytest.fixture
def demo_accounts(demo_world):
    return demo_world.accounts


def test_demo_organisation_shape(demo_accounts):
    province = Agency.objects.get(code=demo.PROVINCE_CODE)
    assert province.level == Level.PROVINCE and province.name == "Ủy ban nhân dân tỉnh Nghệ An"
    departments = Agency.objects.filter(name__startswith="Sở", path__startswith=province.path)
    assert departments.count() == 2
    for department in departments:
        assert Unit.objects.filter(agency=department).count() == 3
    assert Agency.objects.filter(level=Level.DISTRICT).count() == 1
    assert Agency.objects.filter(level=Level.COMMUNE).count() == 1
    assert Agency.objects.filter(exchange_only_with_parent=True).count() == 1
    assert set(Position.objects.values_list("role", flat=True)) == set(Role.values)
    # A person holding two positions (director and head of a unit).
    assert Position.objects.filter(user__username="hunghs").count() == 2


def test_every_demo_account_logs_in_once_and_must_change_password(demo_accounts):
    assert len(demo_accounts) >= len(Role.values)
    for account in demo_accounts:
        client = Client()
        response = client.post("/dang-nhap/", {"username": account["username"], "password": account["password"]})
        assert response.status_code == 302, account
        assert client.get("/").headers["Location"] == "/doi-mat-khau/"
    assert not User.objects.filter(
        username__in=[a["username"] for a in demo_accounts], must_change_password=False
    ).exists()


def test_readme_lists_the_demo_accounts(demo_accounts):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for account in demo_accounts:
        assert f"`{account['username']}` | `{account['password']}`" in readme, account["username"]


def test_demo_signatures_are_ready_to_use(demo_accounts):
    """The demo's own CA is trusted; both directors and both departments can sign with the demo passphrase."""
    from vpdt.sampledata.demo_signing import DEMO_PASSPHRASE
    from vpdt.signing import samples
    from vpdt.signing import services as signing
    from vpdt.signing.models import Credential, TrustRoot

    assert TrustRoot.objects.filter(is_active=True).count() == 1
    assert Credential.objects.filter(kind="personal").count() == 2
    assert Credential.objects.filter(kind="agency").count() == 2
    director = User.objects.get(username="hattt")
    clerk = User.objects.get(username="nhunglth")
    sxd = Agency.objects.get(name="Sở Xây dựng tỉnh Nghệ An")
    signed = signing.sign_as_signer(director, samples.nd30_pdf(), passphrase=DEMO_PASSPHRASE, agency=sxd).data
    sealed = signing.seal(
        clerk,
        signed,
        agency=sxd,
        passphrase=DEMO_PASSPHRASE,
        number_text="Số: 01/QĐ-SXD",
        date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
    ).data
    report = signing.verify_bytes(sealed)
    assert report.verdict == "valid", report.summary
    assert [s.signer for s in report.signatures] == ["Trần Thị Thu Hà", "Sở Xây dựng tỉnh Nghệ An"]


def test_demo_issued_document_carries_both_signatures(demo_accounts):
    from vpdt.outgoing.models import FileKind, OutgoingDocument, OutStatus
    from vpdt.signing import services as signing
    from vpdt.storage.services import read_stored

    issued = OutgoingDocument.objects.get(status=OutStatus.ISSUED, recipients__agency__isnull=False)
    report = signing.verify_bytes(read_stored(issued.files.get(kind=FileKind.FINAL).file))
    assert report.verdict == "valid", report.summary
    assert [s.signer for s in report.signatures] == ["Trần Thị Thu Hà", "Sở Xây dựng tỉnh Nghệ An"]
    approved = OutgoingDocument.objects.get(status=OutStatus.APPROVED)
    assert approved.files.filter(kind=FileKind.SIGNED).exists()


def test_demo_shows_exchange_with_a_system_reached_through_the_hub(demo_accounts):
    """Without any outside system: a document from Hà Tĩnh waits for the department's clerk, and the document the
    department issued to Hà Tĩnh shows the status its system sent back."""
    from vpdt.exchange import queries
    from vpdt.outgoing.models import DeliveryStatus, Recipient

    clerk = User.objects.get(username="nhunglth")
    [arrival] = queries.rows(clerk, queries.WAITING, queries.EXTERNAL)
    assert arrival.sender_name == "Ủy ban nhân dân tỉnh Hà Tĩnh" and arrival.code == "6128/UBND-XD"
    assert arrival.files[0]["name"] == "6128-UBND-XD.pdf"
    recipient = Recipient.objects.get(organ_id="000.00.00.H42")
    assert recipient.status == DeliveryStatus.REGISTERED and recipient.document.status == "issued"


def test_the_demos_simulated_system_answers_what_the_demo_sends_it(demo_accounts):
    """A document a demo user issues to Hà Tĩnh, and its recall, are answered by the simulated system on the worker's
    schedule: registered (03), then recall agreed (15)."""
    from vpdt.catalog.models import DocumentType
    from vpdt.exchange.models import Direction, Message, MessageState
    from vpdt.outgoing import services as outgoing
    from vpdt.outgoing.models import DeliveryStatus
    from vpdt.sampledata.tasks import answer_as_demo_partner

    assert answer_as_demo_partner() == 0  # nothing waits after loading
    person = {u.username: u for u in User.objects.filter(username__in=["lanht", "dungpv", "hattt", "nhunglth"])}
    draft = outgoing.create_draft(
        person["lanht"],
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v đề nghị cung cấp hồ sơ cầu vượt Quốc lộ 1 tại nút giao Nam Cấm",
        text="Kính gửi: Ủy ban nhân dân tỉnh Hà Tĩnh",
        recipients=[
            outgoing.RecipientSpec(kind="external", name="Ủy ban nhân dân tỉnh Hà Tĩnh", organ_id="000.00.00.H42")
        ],
        signer=person["hattt"],
    )
    draft = outgoing.submit(person["lanht"], draft)
    draft = outgoing.approve(person["dungpv"], draft, comment="Đồng ý.")
    draft = outgoing.approve(person["hattt"], draft, comment="Đồng ý ký ban hành.")
    issued = outgoing.issue(person["nhunglth"], draft)
    recipient = issued.recipients.get(organ_id="000.00.00.H42")
    assert recipient.status == DeliveryStatus.PENDING
    assert answer_as_demo_partner() == 1
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.REGISTERED
    sent = Message.objects.get(direction=Direction.OUT, outgoing_id=issued.pk, business_type=0)
    assert sent.state == MessageState.FETCHED
    outgoing.recall(User.objects.get(username="nhunglth"), issued, "Ban hành nhầm nơi nhận.")
    assert answer_as_demo_partner() == 1
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.RECALLED


def test_load_demo_command_loads_once_and_is_idempotent(demo_world, capsys):
    first = demo_world.command_output
    assert "Đã nạp tổ chức mẫu" in first and "Dữ liệu mẫu đã có sẵn." not in first
    for account in demo_world.accounts:  # every account printed with its one-time password
        assert f"  {account['username']:<14} {account['password']:<22} " in first, account["username"]
    call_command("load_demo", if_empty=True)
    out = capsys.readouterr().out
    assert "Dữ liệu mẫu đã có sẵn." in out and "Đã nạp tổ chức mẫu" not in out
    assert Agency.objects.filter(code=demo.PROVINCE_CODE).count() == 1
    with pytest.raises(CommandError, match="đã được nạp"):
        call_command("load_demo")


def test_demo_outgoing_documents_in_each_state(demo_world):
    from vpdt.outgoing.models import DeliveryStatus, OutgoingDocument, OutStatus, StepStatus

    sxd = Agency.objects.get(code="000.00.12.H41")
    docs = OutgoingDocument.objects.filter(agency=sxd)
    assert sorted(docs.values_list("status", flat=True)) == sorted(
        [OutStatus.DRAFTING, OutStatus.IN_REVIEW, OutStatus.APPROVED, OutStatus.ISSUED, OutStatus.ISSUED]
    )
    in_review = docs.get(status=OutStatus.IN_REVIEW)
    assert in_review.current_step.status == StepStatus.ACTIVE
    assert in_review.current_step.reviewer.full_name == "Phạm Văn Dũng"
    issued = docs.get(status=OutStatus.ISSUED, recipients__kind="agency")
    assert issued.number_symbol.startswith("01/")
    to_ha_tinh = docs.get(status=OutStatus.ISSUED, recipients__kind="external")
    assert to_ha_tinh.recipients.get().status == DeliveryStatus.REGISTERED  # answered through the hub
    delivery = issued.recipients.get()
    assert delivery.agency.code == "000.00.15.H41" and delivery.status == DeliveryStatus.ARRIVED
    assert docs.get(status=OutStatus.APPROVED).number is None


def test_demo_fills_the_week_of_the_calendar(demo_world):
    from vpdt.collab.calendar import calendars, queries
    from vpdt.collab.calendar.models import EntryStatus

    sxd = Agency.objects.get(code="000.00.12.H41")
    office = User.objects.get(full_name="Đặng Quốc Tuấn")  # neither chairs nor keeps: sees what is approved
    days = queries.week_entries(calendars.agency_calendar(sxd), queries.monday_of(timezone.localdate()), office)
    titles = [e.title for d in days for h in d.halves for e in h.entries]
    assert titles == [
        "Giao ban lãnh đạo Sở đầu tuần",
        "Làm việc với UBND huyện Nghi Lộc về quy hoạch chung đô thị Quán Hành",
        "Hội nghị triển khai Luật Xây dựng sửa đổi và các văn bản hướng dẫn",
        "Tiếp công dân định kỳ",
    ]
    head = User.objects.get(full_name="Phạm Văn Dũng")
    waiting = list(queries.waiting(head).values_list("title", "status"))
    assert waiting == [("Họp phòng rà soát kế hoạch vốn đầu tư công năm 2027", EntryStatus.PENDING)]


def test_demo_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(RuntimeError, match="production"):
        demo.load()


def test_generate_data_small_province(db, capsys):
    call_command("generate_data", agencies=30, users=600, verbosity=1)
    from vpdt.sampledata import generator

    root = Agency.objects.get(code=generator.ROOT_CODE)
    agencies = Agency.objects.filter(path__startswith=root.path)
    assert agencies.count() == 30
    assert set(agencies.values_list("level", flat=True)) == {Level.PROVINCE, Level.DISTRICT, Level.COMMUNE}
    people = User.objects.filter(agency__in=agencies)
    assert people.count() == 600
    assert Position.objects.filter(user__in=people).count() == 600
    assert Position.objects.filter(user__in=people, role=Role.PROVINCE_ADMIN).count() == 1
    # Usernames follow the name-style rules, collisions included.
    assert all(u.replace(".", "").isalnum() and u.islower() for u in people.values_list("username", flat=True))
    assert "Đã sinh 30 cơ quan" in capsys.readouterr().out
    with pytest.raises(CommandError, match="đã có"):
        call_command("generate_data", agencies=30, users=600)


def test_generate_incoming_documents_gapless_with_trail(db):
    from django.db.models import Count, Max

    from vpdt.incoming import services as incoming
    from vpdt.incoming.models import Assignment, IncomingDocument
    from vpdt.journal import services as journal

    call_command("generate_data", agencies=12, users=200, verbosity=0)
    call_command("generate_data", incoming=600, verbosity=0)
    assert IncomingDocument.objects.count() == 600
    for row in IncomingDocument.objects.values("register", "year").annotate(n=Count("id"), top=Max("arrival_number")):
        assert row["n"] == row["top"], row  # 1..n without gaps
    assert Assignment.objects.filter(parent__isnull=False).exists()
    assert journal.verify().ok
    # A real registration continues the generated series.
    doc = IncomingDocument.objects.order_by("-id").first()
    clerk = User.objects.get(pk=doc.created_by_id)
    from datetime import date

    from vpdt.catalog.models import DocumentType

    new = incoming.register_document(
        clerk,
        register=doc.register,
        issuer_name="Bộ Nội vụ",
        code_number="5",
        code_notation="BNV-VP",
        issued_date=date.today(),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v cử cán bộ dự tập huấn",
    ).document
    this_year = IncomingDocument.objects.filter(register=doc.register, year=new.year)
    assert new.arrival_number == this_year.count()


def test_demo_people_find_their_waiting_work_counted_in_the_menu(demo_accounts, client):
    """The clerk's arrival from Hà Tĩnh and approved document to issue, the head of unit's draft to review."""
    import lxml.html

    for username, link, count in (
        ("nhunglth", "exchange.arrivals", "1"),
        ("nhunglth", "outgoing.to_issue", "1"),
        ("dungpv", "outgoing.reviews", "1"),
    ):
        person = User.objects.get(username=username)
        User.objects.filter(pk=person.pk).update(must_change_password=False)
        client.force_login(person)
        page = lxml.html.fromstring(client.get("/").content.decode())
        [badge] = page.xpath(f'//a[@data-testid="menu-{link}"]//*[@data-testid="badge"]')
        assert badge.text_content() == count, (username, link)
