"""Exchange transport: the outbox sending to a hub over HTTP (a fake hub on loopback) with retries, dead letters and
resends; polling the hub into the idempotent inbox; vpdt itself acting as a hub for connected systems; status
messages moving the sender's delivery machine."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.exchange_partner import FakeHub
from tests.test_bad_input import looks_vietnamese
from tests.test_edxml import rich_package
from vpdt.exchange import auth, inbox, outbox, polling
from vpdt.exchange.edxml import writer
from vpdt.exchange.edxml.model import Organ, ResponseFor, Status, StatusCode
from vpdt.exchange.edxml.values import VIETNAM, PackageError
from vpdt.exchange.models import (
    Direction,
    ExternalAgency,
    Message,
    MessageState,
    MessageType,
    Partner,
    PartnerRole,
)
from vpdt.journal.models import JournalEntry

S = MessageState
UPSTREAM_SECRET = "bi-mat-cua-truc-tinh-0123456789"


@pytest.fixture
def hub():
    fake = FakeHub(secrets={"vpdt-nghe-an": UPSTREAM_SECRET}).start()
    yield fake
    fake.stop()


@pytest.fixture
def upstream(db, hub):
    return Partner.objects.create(
        code="lgsp-nghe-an",
        name="Trục liên thông tỉnh Nghệ An",
        role=PartnerRole.UPSTREAM,
        base_url=hub.url,
        own_code="vpdt-nghe-an",
        secret=auth.seal_secret(UPSTREAM_SECRET),
    )


def package_bytes(to=("000.00.12.H41",), document_id="000.00.00.G22,2026/12/07,7816/VPCP-KTTH", sender="000.00.00.G22"):
    package = rich_package()
    package.header.sender = Organ(sender, organ_name="Văn phòng Chính phủ")
    package.header.to = [Organ(organ_id, organ_name="Nơi nhận") for organ_id in to]
    package.header.document_id = document_id
    return writer.package_bytes(package)


def status_bytes(code, document_id, sender="000.00.00.H45", about_organ="000.00.12.H41"):
    return writer.status_bytes(
        Status(
            response_for=ResponseFor(about_organ, "01/SXD-KHTC", dt.date(2026, 12, 7), document_id),
            sender=Organ(sender, organ_name="UBND tỉnh Quảng Trị"),
            code=code,
            timestamp=dt.datetime(2026, 12, 8, 9, 0, tzinfo=VIETNAM),
            description="Từ chối: gửi nhầm nơi nhận" if code == StatusCode.REFUSED else "",
        )
    )


def queue_status(org, upstream, code=StatusCode.ACCEPTED, **kwargs):
    return outbox.queue(
        kind=MessageType.STATUS,
        data=status_bytes(
            code, "000.00.00.G22,2026/12/07,7816/VPCP-KTTH", sender=org.sxd.code, about_organ="000.00.00.G22"
        ),
        document_id="000.00.00.G22,2026/12/07,7816/VPCP-KTTH",
        from_organ=org.sxd.code,
        to_organ="000.00.00.G22",
        partner=upstream,
        status_code=code.value,
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------- sending


def test_a_queued_message_is_sent_signed_and_recorded(org, upstream, hub):
    message = queue_status(org, upstream)
    again = queue_status(org, upstream)
    assert again.pk == message.pk and Message.objects.count() == 1  # queued once
    sent = outbox.send(message.pk)
    assert sent.state == S.SENT and sent.attempts == 1 and sent.done_at is not None
    [item] = hub.received
    assert (item.kind, item.organ) == ("status", "000.00.00.G22")
    assert b"<edXML:StatusCode>03</edXML:StatusCode>" in item.data
    upstream.refresh_from_db()
    assert upstream.last_contact_at is not None and upstream.failures == 0
    assert outbox.send(message.pk) is None  # sent: not due again
    assert JournalEntry.objects.filter(action="exchange.send", object_id=str(message.pk)).exists()


def test_failures_are_retried_with_backoff_then_dead_then_resent(org, upstream, hub):
    hub.fail_with = 503
    message = queue_status(org, upstream)
    start = timezone.now()
    with freeze_time(start):
        failed = outbox.send(message.pk)
    assert failed.state == S.RETRYING and "HTTP 503" in failed.last_error
    assert failed.next_attempt_at == start + dt.timedelta(minutes=1)
    assert outbox.send(message.pk) is None  # not due before its time
    moment = start
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        moment += outbox.MAX_DELAY
        with freeze_time(moment):
            assert list(outbox.due().values_list("pk", flat=True)) == [message.pk]
            failed = outbox.send(message.pk)
        assert failed.attempts == attempt
    assert failed.state == S.DEAD and failed.next_attempt_at is None and not hub.received
    upstream.refresh_from_db()
    assert upstream.failures == outbox.MAX_ATTEMPTS and "503" in upstream.last_error
    hub.fail_with = None
    resent = outbox.resend(org.sxd_clerk, failed)
    assert resent.state == S.QUEUED and resent.attempts == 0
    assert outbox.send(message.pk).state == S.SENT and len(hub.received) == 1


def test_a_refusal_is_not_retried(org, upstream, hub):
    hub.refuse_next = "Mã định danh nơi nhận không có trong danh bạ."
    message = outbox.send(queue_status(org, upstream).pk)
    assert message.state == S.DEAD and "Mã định danh nơi nhận không có trong danh bạ" in message.last_error


def test_a_hub_that_is_down_loses_nothing(org, upstream, hub):
    hub.stop()
    message = outbox.send(queue_status(org, upstream).pk)
    assert message.state == S.RETRYING and "Không kết nối được" in message.last_error
    assert Message.objects.filter(state=S.RETRYING).count() == 1


def test_a_worker_stopped_mid_send_leaves_the_message_due_after_its_lease(org, upstream, hub):
    message = queue_status(org, upstream)
    start = timezone.now()
    with freeze_time(start):
        leased = outbox._lease(message.pk)  # the worker took it, then died before sending
    assert leased.attempts == 1
    with freeze_time(start + dt.timedelta(seconds=30)):
        assert outbox.send(message.pk) is None  # still leased
    with freeze_time(start + outbox.lease() + dt.timedelta(seconds=1)):
        assert outbox.send(message.pk).state == S.SENT
    assert len(hub.received) == 1


# ---------------------------------------------------------------------------------------------- fetching


def test_polling_takes_each_package_once_and_answers_arrived(org, upstream, hub):
    data = package_bytes()
    hub.offer("vpdt-nghe-an", data)
    hub.offer("vpdt-nghe-an", data)  # the hub offers the same package twice
    assert polling.poll_upstream() == 2
    [arrival] = Message.objects.filter(direction=Direction.IN)
    assert (arrival.kind, arrival.state, arrival.to_organ) == (MessageType.EDOC, S.RECEIVED, org.sxd.code)
    assert arrival.document_id == "000.00.00.G22,2026/12/07,7816/VPCP-KTTH"
    [answer] = Message.objects.filter(direction=Direction.OUT)
    assert (answer.kind, answer.status_code, answer.to_organ, answer.partner) == (
        MessageType.STATUS,
        "01",
        "000.00.00.G22",
        upstream,
    )
    assert all(item.fetched for item in hub.waiting["vpdt-nghe-an"])
    assert polling.poll_upstream() == 0
    assert JournalEntry.objects.filter(action="exchange.arrive").count() == 1


def test_a_package_for_an_agency_that_exchanges_only_with_its_parent_is_refused(org, upstream, hub):
    from vpdt.directory.models import Agency

    Agency.objects.filter(pk=org.district.pk).update(exchange_only_with_parent=True)
    hub.offer("vpdt-nghe-an", package_bytes(to=(org.district.code,)))
    polling.poll_upstream()
    message = Message.objects.get(direction=Direction.IN)
    assert message.state == S.REFUSED and "chỉ nhận văn bản từ cơ quan cấp trên trực tiếp" in message.reason
    answer = Message.objects.get(direction=Direction.OUT)
    assert answer.status_code == "02" and answer.from_organ == org.district.code


def test_a_broken_package_is_refused_journaled_and_leaves_nothing(org, upstream, hub):
    hub.offer("vpdt-nghe-an", b"<edXML><edXMLEnvelope>")
    assert polling.poll_upstream() == 1
    assert not Message.objects.exists()
    entry = JournalEntry.objects.get(action="exchange.refuse_package")
    assert "không phải XML hợp lệ" in entry.details["reason"]


# ---------------------------------------------------------------------------------------------- vpdt as a hub


SECRET_A, SECRET_B = "khoa-he-thong-a-000000000000", "khoa-he-thong-b-111111111111"


@pytest.fixture
def connected(db):
    a = Partner.objects.create(
        code="qlvb-quang-tri", name="QLVB tỉnh Quảng Trị", role=PartnerRole.CONNECTED, secret=auth.seal_secret(SECRET_A)
    )
    b = Partner.objects.create(
        code="qlvb-quang-binh",
        name="QLVB tỉnh Quảng Bình",
        role=PartnerRole.CONNECTED,
        secret=auth.seal_secret(SECRET_B),
    )
    ExternalAgency.objects.create(organ_id="000.00.00.H45", name="UBND tỉnh Quảng Trị", partner=a)
    ExternalAgency.objects.create(organ_id="000.00.00.H44", name="UBND tỉnh Quảng Bình", partner=b)
    return a, b


def call(client, method, path, system, secret, body=b"", **headers):
    signed = auth.sign_headers(system, secret, method, path, body)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in {**signed, **headers}.items()}
    if method == "POST":
        return client.post(path, body, content_type="application/xml", **extra)
    return client.get(path, **extra)


def test_a_hub_stores_and_forwards_between_connected_systems(connected, client):
    data = package_bytes(
        to=("000.00.00.H44",), sender="000.00.00.H45", document_id="000.00.00.H45,2026/12/07,55/UBND-VX"
    )
    sent = call(client, "POST", "/api/v1/hub/send/", "qlvb-quang-tri", SECRET_A, data)
    assert sent.status_code == 201 and sent.json()["duplicate"] is False
    again = call(client, "POST", "/api/v1/hub/send/", "qlvb-quang-tri", SECRET_A, data)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert not call(client, "GET", "/api/v1/hub/pending/", "qlvb-quang-tri", SECRET_A).json()["results"]
    [waiting] = call(client, "GET", "/api/v1/hub/pending/", "qlvb-quang-binh", SECRET_B).json()["results"]
    assert waiting["document_id"] == "000.00.00.H45,2026/12/07,55/UBND-VX"
    got = call(client, "GET", f"/api/v1/hub/messages/{waiting['id']}/", "qlvb-quang-binh", SECRET_B)
    assert b"".join(got.streaming_content) == data
    # Another system cannot read or confirm it.
    assert call(client, "GET", f"/api/v1/hub/messages/{waiting['id']}/", "qlvb-quang-tri", SECRET_A).status_code == 404
    confirmed = call(client, "POST", f"/api/v1/hub/messages/{waiting['id']}/confirm/", "qlvb-quang-binh", SECRET_B)
    assert confirmed.status_code == 200
    assert not call(client, "GET", "/api/v1/hub/pending/", "qlvb-quang-binh", SECRET_B).json()["results"]


def test_a_hub_delivers_to_its_own_agencies_and_answers_through_the_sender_system(org, connected, client):
    data = package_bytes(
        to=(org.sxd.code, "000.00.99.H99"), sender="000.00.00.H45", document_id="000.00.00.H45,2026/12/07,56/UBND-VX"
    )
    assert call(client, "POST", "/api/v1/hub/send/", "qlvb-quang-tri", SECRET_A, data).status_code == 201
    arrival = Message.objects.get(direction=Direction.IN, to_organ=org.sxd.code)
    assert arrival.state == S.RECEIVED
    unknown = Message.objects.get(direction=Direction.IN, to_organ="000.00.99.H99")
    assert unknown.state == S.REFUSED and "000.00.99.H99" in unknown.reason
    answers = {m.status_code: m for m in Message.objects.filter(direction=Direction.OUT)}
    assert set(answers) == {"01", "02"} and all(m.state == S.WAITING for m in answers.values())
    pending = call(client, "GET", "/api/v1/hub/pending/", "qlvb-quang-tri", SECRET_A).json()["results"]
    assert sorted(row["type"] for row in pending) == ["status", "status"]


@pytest.mark.parametrize("case", ["unsigned", "wrong-secret", "unknown-system", "replayed", "old-clock"])
def test_a_hub_refuses_callers_it_cannot_trust(connected, client, case):
    path, body = "/api/v1/hub/send/", package_bytes(to=("000.00.00.H44",), sender="000.00.00.H45")
    if case == "unsigned":
        response = client.post(path, body, content_type="application/xml")
    elif case == "wrong-secret":
        response = call(client, "POST", path, "qlvb-quang-tri", "khong-dung", body)
    elif case == "unknown-system":
        response = call(client, "POST", path, "he-thong-la", SECRET_A, body)
    elif case == "replayed":
        signed = auth.sign_headers("qlvb-quang-tri", SECRET_A, "POST", path, body)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        assert client.post(path, body, content_type="application/xml", **extra).status_code == 201
        response = client.post(path, body, content_type="application/xml", **extra)
    else:
        with freeze_time(timezone.now() - dt.timedelta(minutes=10)):
            signed = auth.sign_headers("qlvb-quang-tri", SECRET_A, "POST", path, body)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        response = client.post(path, body, content_type="application/xml", **extra)
    assert response.status_code == 401
    assert looks_vietnamese(response.json()["detail"])
    if case != "replayed":
        assert not Message.objects.exists()


def test_a_hub_refuses_a_broken_package_with_its_reason_and_writes_nothing(connected, client):
    response = call(
        client, "POST", "/api/v1/hub/send/", "qlvb-quang-tri", SECRET_A, b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"
    )
    assert response.status_code == 400 and "DOCTYPE" in response.json()["detail"]
    assert not Message.objects.exists()


def test_the_hub_directory_lists_its_agencies_and_the_outside_ones(org, connected, client):
    rows = call(client, "GET", "/api/v1/hub/organizations/", "qlvb-quang-tri", SECRET_A).json()["results"]
    codes = {row["organ_id"] for row in rows}
    assert {org.sxd.code, org.province.code, "000.00.00.H45", "000.00.00.H44"} <= codes


# ---------------------------------------------------------------------------------------------- status back


def test_status_messages_move_the_senders_delivery_machine(org, upstream, hub):
    from tests.test_outgoing_api import approve_all, draft
    from vpdt.outgoing import services as out
    from vpdt.outgoing.models import DeliveryStatus, RecipientKind
    from vpdt.outgoing.services import RecipientSpec

    spec = RecipientSpec(RecipientKind.EXTERNAL, name="Ủy ban nhân dân tỉnh Quảng Trị")
    document = out.issue(org.sxd_clerk, approve_all(org, draft(org, recipients=[spec])))
    recipient = document.recipients.get(kind=RecipientKind.EXTERNAL)
    document_id = f"{org.sxd.code},{document.issued_date:%Y/%m/%d},{document.number_symbol}"
    Message.objects.create(
        direction=Direction.OUT,
        kind=MessageType.EDOC,
        state=S.SENT,
        idempotency_key=f"{document_id}|edoc|0|000.00.00.H45",
        document_id=document_id,
        business_type=0,
        from_organ=org.sxd.code,
        to_organ="000.00.00.H45",
        partner=upstream,
        file=queue_status(org, upstream).file,
        outgoing_id=document.pk,
        recipient_id=recipient.pk,
    )
    seen = []
    for code in (
        StatusCode.ARRIVED,
        StatusCode.ACCEPTED,
        StatusCode.ACCEPTED,
        StatusCode.PROCESSING,
        StatusCode.COMPLETED,
    ):
        hub.offer("vpdt-nghe-an", status_bytes(code, document_id), kind="status")
        polling.poll_upstream()
        recipient.refresh_from_db()
        seen.append(recipient.status)
    assert seen == [
        DeliveryStatus.ARRIVED,
        DeliveryStatus.REGISTERED,
        DeliveryStatus.REGISTERED,
        DeliveryStatus.PROCESSING,
        DeliveryStatus.COMPLETED,
    ]
    assert Message.objects.filter(direction=Direction.IN, kind=MessageType.STATUS).count() == 4  # 03 twice: once
    trail = JournalEntry.objects.filter(object_type="outgoing.outgoingdocument", object_id=str(document.pk))
    assert trail.filter(action__startswith="outgoing.delivery.").count() >= 4


def test_a_status_about_an_unknown_document_is_kept_and_refused(org, upstream, hub):
    hub.offer("vpdt-nghe-an", status_bytes(StatusCode.ACCEPTED, "000.00.12.H41,2026/01/01,999/SXD-VP"), kind="status")
    polling.poll_upstream()
    message = Message.objects.get(direction=Direction.IN)
    assert message.state == S.REFUSED and "Không có văn bản gửi đi" in message.reason


def test_a_package_over_the_size_limit_is_refused(settings, org):
    settings.VPDT_EXCHANGE_MAX_PACKAGE_MB = 0
    with pytest.raises(PackageError, match="Gói tin lớn hơn giới hạn"):
        inbox.receive(package_bytes())
    assert not Message.objects.exists()


def test_a_hub_forwards_up_what_is_for_outside_the_province_and_brings_the_answers_back(
    connected, upstream, hub, client
):
    data = package_bytes(
        to=("000.00.00.G10",), sender="000.00.00.H45", document_id="000.00.00.H45,2026/12/07,57/UBND-VX"
    )
    assert call(client, "POST", "/api/v1/hub/send/", "qlvb-quang-tri", SECRET_A, data).status_code == 201
    forward = Message.objects.get(direction=Direction.OUT)
    assert (forward.partner, forward.state, forward.to_organ) == (upstream, S.QUEUED, "000.00.00.G10")
    assert outbox.send(forward.pk).state == S.SENT
    [item] = hub.received
    assert item.data == data and item.organ == "000.00.00.G10"
    # The ministry's answer comes down from the hub above and waits for the system of the sender.
    answer = status_bytes(
        StatusCode.ACCEPTED, "000.00.00.H45,2026/12/07,57/UBND-VX", sender="000.00.00.G10", about_organ="000.00.00.H45"
    )
    hub.offer("vpdt-nghe-an", answer, kind="status")
    polling.poll_upstream()
    [waiting] = call(client, "GET", "/api/v1/hub/pending/", "qlvb-quang-tri", SECRET_A).json()["results"]
    assert waiting["type"] == "status"
    got = call(client, "GET", f"/api/v1/hub/messages/{waiting['id']}/", "qlvb-quang-tri", SECRET_A)
    assert b"".join(got.streaming_content) == answer
