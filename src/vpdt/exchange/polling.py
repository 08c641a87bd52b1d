"""Fetching from the hub above: what waits for this deployment is fetched, taken into the inbox (idempotent: a
message fetched twice is one message) and only then confirmed, so a worker stopped between the two fetches it
again next time and loses nothing."""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from vpdt.journal import services as journal

from . import inbox, routing
from .edxml.values import PackageError
from .models import Partner
from .transport import TransportError, transport_for

log = logging.getLogger(__name__)


def poll_upstream() -> int:
    """Fetch and take what waits at the hub above; the number of messages taken."""
    partner = routing.upstream()
    if partner is None:
        return 0
    return poll(partner)


def poll(partner: Partner) -> int:
    transport = transport_for(partner)
    taken = 0
    try:
        for waiting in transport.pending():
            data = transport.get(waiting.id)
            try:
                inbox.receive(data, partner=partner)
            except PackageError as err:
                # Refused and journaled by the inbox; confirmed so the hub stops offering it.
                log.warning("Gói tin %s từ %s bị từ chối: %s", waiting.id, partner.code, err)
            transport.confirm(waiting.id)
            taken += 1
    except TransportError as err:
        Partner.objects.filter(pk=partner.pk).update(last_error=str(err)[:2000], failures=F("failures") + 1)
        journal.record("exchange.poll_failed", details={"partner": partner.code, "error": str(err)})
        return taken
    Partner.objects.filter(pk=partner.pk).update(last_contact_at=timezone.now(), failures=0, last_error="")
    return taken
