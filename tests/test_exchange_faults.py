"""Faults: the hub above is down while twenty documents are issued, a worker dies in the middle of sending some of
them, then the hub comes back — every package arrives exactly once and every answer comes back once."""

import datetime as dt

from django.utils import timezone
from freezegun import freeze_time

from tests.test_exchange_sending import QUANG_TRI, hub, issue, upstream  # noqa: F401
from tests.test_exchange_transport import status_bytes
from vpdt.exchange import outbox, polling, tasks
from vpdt.exchange.edxml import reader
from vpdt.exchange.edxml.model import StatusCode
from vpdt.exchange.models import Direction, Message, MessageState, MessageType
from vpdt.outgoing.models import DeliveryStatus, Recipient

S = MessageState


def test_twenty_documents_survive_a_hub_that_is_down_and_a_worker_that_dies(org, upstream, hub):
    port = int(hub.url.rsplit(":", 1)[1])
    hub.stop()
    documents = [issue(org, [QUANG_TRI], subject=f"V/v phối hợp xử lý hồ sơ số {n:02d}/2026") for n in range(20)]
    assert tasks.send_due() == 20  # every attempt failed: nothing lost, each waits for its next attempt
    assert set(Message.objects.filter(direction=Direction.OUT).values_list("state", flat=True)) == {S.RETRYING}
    start = timezone.now()
    with freeze_time(start + dt.timedelta(minutes=3)):
        hub.start(port)
        dying = list(outbox.due().order_by("id").values_list("pk", flat=True)[:3])
        for message_id in dying:  # a worker leases three, then is killed before sending
            assert outbox._lease(message_id) is not None
        assert tasks.send_due() == 17
    assert len(hub.received) == 17
    with freeze_time(start + dt.timedelta(minutes=3) + outbox.lease() + dt.timedelta(seconds=1)):
        assert tasks.send_due() == 3
        assert tasks.send_due() == 0
    ids = [reader.read(item.data).package.header.document_id for item in hub.received]
    assert len(ids) == 20 and len(set(ids)) == 20  # exactly once each
    # Every answer comes back once, even when the hub offers them twice.
    for message in Message.objects.filter(direction=Direction.OUT, kind=MessageType.EDOC):
        data = status_bytes(StatusCode.ACCEPTED, message.document_id, about_organ=org.sxd.code)
        hub.offer("vpdt-nghe-an", data, kind="status")
        hub.offer("vpdt-nghe-an", data, kind="status")
    assert polling.poll_upstream() == 40
    assert Message.objects.filter(direction=Direction.IN, kind=MessageType.STATUS).count() == 20
    statuses = Recipient.objects.filter(document__in=documents).values_list("status", flat=True)
    assert list(statuses) == [DeliveryStatus.REGISTERED] * 20
