"""A user's authorization scope: their own positions (:func:`vpdt.directory.services.own_scope`) and, for the
period of a delegation (ủy quyền), the work roles and units of the people they act for. Installed as the builder
of :func:`vpdt.core.authz.scope_of` in ``DelegationConfig.ready()``."""

from __future__ import annotations

from dataclasses import replace

from vpdt.core.authz import Scope
from vpdt.directory.models import Position, Role
from vpdt.directory.services import own_scope

from .services import KINDS, NOT_DELEGATED_ROLES, delegations_of


def build_scope(user) -> Scope:
    own = own_scope(user)
    # Delegation (ủy quyền): for its period the delegate also works as the delegator — their work roles and
    # units, never their administrative roles, and never what the delegator holds by delegation themselves.
    # Each kind of delegated work ("incoming", "approval") has its own scope: a delegate for incoming documents
    # does not see the delegator's drafts, and the other way round.
    delegations = delegations_of(user)
    if not delegations:
        return own
    narrowed = {
        kind: _with_delegators(own, {d for d, scopes in delegations.items() if kind in scopes}) for kind in KINDS
    }
    every = _with_delegators(own, set(delegations))
    every.narrowed.update(narrowed)
    return every


def _with_delegators(own: Scope, delegators: set[int]) -> Scope:
    """``own`` plus the work roles and units of ``delegators``."""
    if not delegators:
        return own
    delegated = list(
        Position.objects.filter(user_id__in=delegators, is_active=True)
        .exclude(role__in=NOT_DELEGATED_ROLES)
        .values_list("role", "unit_id", "agency_id")
    )
    return replace(
        own,
        roles=own.roles | frozenset(p[0] for p in delegated),
        unit_ids=own.unit_ids | frozenset(p[1] for p in delegated if p[1]),
        led_unit_ids=own.led_unit_ids | frozenset(p[1] for p in delegated if p[1] and p[0] == Role.UNIT_LEADER),
        position_agency_ids=own.position_agency_ids | frozenset(p[2] for p in delegated),
        acting_for=frozenset(delegators),
        narrowed={},
    )
