"""Issuing to a whole province: the per-recipient work (delivery state, journal entries, notifications, outbox
messages) is done in bulk, so issuing to 25 agencies inside the deployment and 25 in other systems runs as many
queries as issuing to 5 and 5 — and every recipient still gets its journal entry, its clerk's notification and
its message."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from tests.test_exchange_sending import hub, upstream  # noqa: F401
from tests.test_outgoing_api import approve_all, draft
from vpdt.directory import services as directory
from vpdt.directory.models import Agency, Level, Role
from vpdt.exchange.models import Direction, ExternalAgency, Message
from vpdt.journal.models import JournalEntry
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out
from vpdt.outgoing.models import DeliveryStatus, RecipientKind
from vpdt.outgoing.services import RecipientSpec


def test_issuing_to_many_agencies_runs_a_constant_number_of_queries(org, upstream):
    province = Agency.objects.get(pk=org.province.pk)
    inside, outside = [], []
    for n in range(25):
        agency = directory.create_agency(
            None,
            province,
            name=f"Ủy ban nhân dân xã thử {n}",
            short_name=f"X{n}",
            code=f"000.{n + 40:02d}.33.H41",
            level=Level.COMMUNE,
        )
        make_person(agency, f"Văn thư xã {n}", Role.CLERK)
        inside.append(RecipientSpec(RecipientKind.AGENCY, agency=agency))
        organ_id = f"000.{n + 40:02d}.00.H45"
        ExternalAgency.objects.create(organ_id=organ_id, name=f"Sở thử {n} tỉnh Quảng Trị", partner=upstream)
        outside.append(RecipientSpec(RecipientKind.EXTERNAL, name=f"Sở thử {n} tỉnh Quảng Trị", organ_id=organ_id))
    counts = {}
    for size in (5, 25):
        document = approve_all(org, draft(org, recipients=inside[:size] + outside[:size], subject=f"V/v thử {size}"))
        with CaptureQueriesContext(connection) as queries:
            document = out.issue(org.sxd_clerk, document)
        counts[size] = len(queries)
        assert (
            list(document.recipients.filter(kind=RecipientKind.AGENCY).values_list("status", flat=True))
            == [DeliveryStatus.ARRIVED] * size
        )
        trail = JournalEntry.objects.filter(object_id=str(document.pk), action="outgoing.delivery.deliver")
        assert trail.count() == size
        assert Notification.objects.filter(verb="outgoing.delivered", target_id=document.pk).count() == size
        assert Message.objects.filter(direction=Direction.OUT, outgoing_id=document.pk).count() == size
    assert counts[25] <= counts[5] + 2, counts
