"""Where a message for an agency goes: to an agency of this deployment, to a system connected to this deployment as
its hub, up to the hub above, or nowhere (an agency nobody knows)."""

from __future__ import annotations

from dataclasses import dataclass

from vpdt.directory.models import Agency

from .models import ExternalAgency, Partner, PartnerRole

LOCAL, CONNECTED, UPSTREAM, UNKNOWN = "local", "connected", "upstream", "unknown"


@dataclass
class Route:
    kind: str
    agency: Agency | None = None
    partner: Partner | None = None


def upstream() -> Partner | None:
    return Partner.objects.filter(role=PartnerRole.UPSTREAM, is_active=True).first()


def route(organ_id: str) -> Route:
    agency = Agency.objects.filter(code=organ_id, is_active=True).first()
    if agency is not None:
        return Route(LOCAL, agency=agency)
    known = ExternalAgency.objects.filter(organ_id=organ_id, is_active=True).select_related("partner").first()
    if known is not None and known.partner is not None and known.partner.is_active:
        kind = CONNECTED if known.partner.role == PartnerRole.CONNECTED else UPSTREAM
        return Route(kind, partner=known.partner)
    hub = upstream()
    return Route(UPSTREAM, partner=hub) if hub is not None else Route(UNKNOWN)


def exchange_refusal(sender_organ: str, agency: Agency) -> str:
    """Why ``agency`` may not receive from ``sender_organ`` ("" when it may): an agency marked "exchange only with
    parent" receives from its parent agency only, across systems too."""
    if not agency.exchange_only_with_parent:
        return ""
    parent = Agency.objects.get_parent(agency)
    if parent is not None and parent.code == sender_organ:
        return ""
    return f"{agency.name} chỉ nhận văn bản từ cơ quan cấp trên trực tiếp."
