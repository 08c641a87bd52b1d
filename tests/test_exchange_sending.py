"""Issuing to agencies of other systems: one package written and stored once, one outbox message per recipient,
the issued files attached; secret documents, unknown agencies and "exchange only with parent" refused at issue;
the recipient's answers move the sender's view of it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.exchange_partner import FakeHub
from tests.test_exchange_transport import UPSTREAM_SECRET, status_bytes
from tests.test_outgoing_api import approve_all, draft
from vpdt.catalog.models import Urgency
from vpdt.exchange import auth, outbox, polling
from vpdt.exchange.edxml import reader
from vpdt.exchange.edxml.model import StatusCode
from vpdt.exchange.models import Direction, ExternalAgency, Message, MessageState, MessageType, Partner, PartnerRole
from vpdt.outgoing import services as out
from vpdt.outgoing.models import DeliveryStatus, OutStatus, RecipientKind
from vpdt.outgoing.services import RecipientSpec
from vpdt.storage.services import read_stored

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
QUANG_TRI = RecipientSpec(RecipientKind.EXTERNAL, name="Ủy ban nhân dân tỉnh Quảng Trị", organ_id="000.00.00.H45")
BO_XD = RecipientSpec(RecipientKind.EXTERNAL, name="Bộ Xây dựng", organ_id="000.00.00.G10")


@pytest.fixture
def hub():
    fake = FakeHub(secrets={"vpdt-nghe-an": UPSTREAM_SECRET}).start()
    yield fake
    fake.stop()


@pytest.fixture
def upstream(db, hub):
    partner = Partner.objects.create(
        code="lgsp-nghe-an",
        name="Trục liên thông tỉnh Nghệ An",
        role=PartnerRole.UPSTREAM,
        base_url=hub.url,
        own_code="vpdt-nghe-an",
        secret=auth.seal_secret(UPSTREAM_SECRET),
    )
    ExternalAgency.objects.create(organ_id="000.00.00.H45", name="UBND tỉnh Quảng Trị", partner=partner)
    return partner


def issue(org, recipients, **extra):
    files = [SimpleUploadedFile("cong-van-du-thao.pdf", PDF, content_type="application/pdf")]
    return out.issue(org.sxd_clerk, approve_all(org, draft(org, recipients=recipients, files=files, **extra)))


def test_issuing_queues_one_package_per_outside_recipient(org, upstream, hub):
    document = issue(org, [QUANG_TRI, BO_XD, RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)])
    assert document.status == OutStatus.ISSUED
    messages = list(Message.objects.filter(direction=Direction.OUT).order_by("to_organ"))
    assert [m.to_organ for m in messages] == ["000.00.00.G10", "000.00.00.H45"]
    assert len({m.file_id for m in messages}) == 1  # written and stored once
    recipients = {r.organ_id: r for r in document.recipients.filter(kind=RecipientKind.EXTERNAL)}
    for message in messages:
        assert (message.state, message.partner, message.outgoing_id) == (MessageState.QUEUED, upstream, document.pk)
        assert message.recipient_id == recipients[message.to_organ].pk and message.agency_id == org.sxd.pk
        assert recipients[message.to_organ].status == DeliveryStatus.PENDING
    package = reader.read(read_stored(messages[0].file)).package
    header = package.header
    assert header.sender.organ_id == org.sxd.code and [o.organ_id for o in header.to] == [
        "000.00.00.H45",
        "000.00.00.G10",
    ]
    assert (header.code_number, header.code_notation) == (document.code_number, document.code_notation)
    assert header.document_id == f"{org.sxd.code},{document.issued_date:%Y/%m/%d},{document.number_symbol}"
    assert header.subject == document.subject and header.signer_full_name == org.sxd_leader.full_name
    assert [a.read() for a in package.attachments] and all(a.read().startswith(b"%PDF") for a in package.attachments)
    assert package.business.staff.staff == org.sxd_clerk.full_name
    # Sent by the exchange queue's worker; the internal recipient was served inside the deployment as before.
    assert [outbox.send(m.pk).state for m in messages] == [MessageState.SENT, MessageState.SENT]
    assert sorted(item.organ for item in hub.received) == ["000.00.00.G10", "000.00.00.H45"]
    assert document.recipients.get(kind=RecipientKind.AGENCY).status == DeliveryStatus.ARRIVED


def test_the_recipients_answers_come_back_to_the_senders_view(org, upstream, hub):
    document = issue(org, [QUANG_TRI])
    message = Message.objects.get(direction=Direction.OUT)
    outbox.send(message.pk)
    recipient = document.recipients.get()
    for code, expected in (
        (StatusCode.ARRIVED, DeliveryStatus.ARRIVED),
        (StatusCode.ACCEPTED, DeliveryStatus.REGISTERED),
        (StatusCode.COMPLETED, DeliveryStatus.COMPLETED),
    ):
        hub.offer("vpdt-nghe-an", status_bytes(code, message.document_id, about_organ=org.sxd.code), kind="status")
        polling.poll_upstream()
        recipient.refresh_from_db()
        assert recipient.status == expected


@pytest.mark.parametrize(
    "case,message",
    [
        ("secret", "Văn bản mật không được gửi ra ngoài hệ thống"),
        ("unknown", "Không tìm thấy cơ quan có mã định danh 000.00.00.G10"),
        ("local", "là cơ quan trong hệ thống"),
        ("parent-only", "chỉ được trao đổi văn bản với cơ quan cấp trên trực tiếp"),
    ],
)
def test_what_may_not_leave_is_refused_at_issue_and_nothing_is_queued(org, db, case, message):
    from vpdt.directory.models import Agency

    recipients, extra = [BO_XD], {}
    if case == "secret":
        Partner.objects.create(code="lgsp", name="Trục tỉnh", role=PartnerRole.UPSTREAM, secret=auth.seal_secret("k"))
        extra["secrecy"] = "mat"
    elif case == "local":
        recipients = [RecipientSpec(RecipientKind.EXTERNAL, name="Sở TTTT", organ_id=org.stttt.code)]
    elif case == "parent-only":
        Partner.objects.create(code="lgsp", name="Trục tỉnh", role=PartnerRole.UPSTREAM, secret=auth.seal_secret("k"))
        Agency.objects.filter(pk=org.sxd.pk).update(exchange_only_with_parent=True)
    try:
        document = approve_all(org, draft(org, recipients=recipients, **extra))
    except ValidationError as err:  # the draft itself may be refused first (secret documents stay on paper)
        assert case == "secret", err
        return
    with pytest.raises(ValidationError, match=message):
        out.issue(org.sxd_clerk, document)
    document.refresh_from_db()
    assert document.status == OutStatus.APPROVED and document.number is None
    assert not Message.objects.exists()


def test_urgent_documents_are_sent_at_once(org, upstream, hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue(org, [QUANG_TRI], urgency=Urgency.URGENT)
    message = Message.objects.get(direction=Direction.OUT, kind=MessageType.EDOC)
    assert message.state == MessageState.SENT and len(hub.received) == 1


def test_recalling_asks_each_outside_recipient_and_their_answers_come_back(org, upstream, hub):

    document = issue(org, [QUANG_TRI])
    sent = Message.objects.get(direction=Direction.OUT)
    outbox.send(sent.pk)
    for code in (StatusCode.ARRIVED, StatusCode.ACCEPTED):
        hub.offer("vpdt-nghe-an", status_bytes(code, sent.document_id, about_organ=org.sxd.code), kind="status")
    polling.poll_upstream()
    recipient = document.recipients.get()
    assert recipient.status == DeliveryStatus.REGISTERED
    out.recall(org.sxd_clerk, document, "Ban hành nhầm phụ lục.")
    recall = Message.objects.get(direction=Direction.OUT, business_type=1)
    package = reader.read(read_stored(recall.file)).package
    assert package.business.doc_type == 1 and package.business.reason == "Ban hành nhầm phụ lục."
    assert package.business.document_id == sent.document_id and not package.attachments
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.RECALL_REQUESTED
    hub.offer(
        "vpdt-nghe-an",
        status_bytes(StatusCode.RECALL_AGREED, sent.document_id, about_organ=org.sxd.code),
        kind="status",
    )
    polling.poll_upstream()
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.RECALLED


def test_a_document_sealed_at_issue_travels_in_a_package_signed_by_the_agency(org, upstream, hub):
    from tests.signing_support import PASSPHRASE, equip, nd30
    from vpdt.exchange.edxml import dsig

    equip(org)
    files = [SimpleUploadedFile("quy-che-van-thu.pdf", nd30(), content_type="application/pdf")]
    approved = out.submit(org.sxd_staff, draft(org, recipients=[QUANG_TRI], files=files))
    approved = out.approve(org.sxd_unit_leader, approved, comment="Đồng ý nội dung.")
    approved = out.approve(org.sxd_leader, approved, comment="Đồng ý ký ban hành.", passphrase=PASSPHRASE)
    out.issue(org.sxd_clerk, approved, passphrase=PASSPHRASE)
    data = read_stored(Message.objects.get(direction=Direction.OUT).file)
    checked = dsig.verify(data)
    assert checked.verdict == "valid" and checked.signer == "Sở Xây dựng tỉnh Nghệ An"
    assert b'<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"' in data
    package = reader.read(data).package
    assert [a.read()[:5] for a in package.attachments] == [b"%PDF-"]
    # Received by an agency that trusts the same root, the package reads as signed and trusted.
    from vpdt.exchange import signatures

    assert signatures.check(data, len(data)).verdict == "valid"
    forged = data.replace("đầu tư công".encode(), "đầu tư công mới".encode(), 1)
    assert forged != data and signatures.check(forged, len(forged)).verdict == "invalid"


def test_the_sender_sees_each_outside_recipient_on_the_document(org, upstream, hub, login):
    document = issue(org, [QUANG_TRI])
    sent = Message.objects.get(direction=Direction.OUT)
    outbox.send(sent.pk)
    hub.offer(
        "vpdt-nghe-an", status_bytes(StatusCode.ACCEPTED, sent.document_id, about_organ=org.sxd.code), kind="status"
    )
    polling.poll_upstream()
    html = login(org.sxd_staff).get(f"/van-ban-di/{document.pk}/").content.decode()
    row = html[html.index("000.00.00.H45") :][:600]
    assert "Đã tiếp nhận (vào sổ)" in row
