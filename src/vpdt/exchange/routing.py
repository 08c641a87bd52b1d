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


def route_many(organ_ids) -> dict[str, Route]:
    """:func:`route` for many agencies at once (three queries however many)."""
    organ_ids = list(dict.fromkeys(organ_ids))
    local = {a.code: a for a in Agency.objects.filter(code__in=organ_ids, is_active=True)}
    known = {
        a.organ_id: a
        for a in ExternalAgency.objects.filter(organ_id__in=organ_ids, is_active=True).select_related("partner")
    }
    hub = upstream() if len(local) + len(known) < len(organ_ids) else None  # looked up once, when needed
    routes = {}
    for organ_id in organ_ids:
        if organ_id in local:
            routes[organ_id] = Route(LOCAL, agency=local[organ_id])
        elif organ_id in known and known[organ_id].partner is not None and known[organ_id].partner.is_active:
            partner = known[organ_id].partner
            routes[organ_id] = Route(CONNECTED if partner.role == PartnerRole.CONNECTED else UPSTREAM, partner=partner)
        else:
            routes[organ_id] = Route(UPSTREAM, partner=hub) if hub is not None else Route(UNKNOWN)
    return routes


def exchange_refusal(sender_organ: str, agency: Agency) -> str:
    """Why ``agency`` may not receive from ``sender_organ`` ("" when it may): an agency marked "exchange only with
    parent" receives from its parent agency only, across systems too."""
    if not agency.exchange_only_with_parent:
        return ""
    parent = Agency.objects.get_parent(agency)
    if parent is not None and parent.code == sender_organ:
        return ""
    return f"{agency.name} chỉ nhận văn bản từ cơ quan cấp trên trực tiếp."
