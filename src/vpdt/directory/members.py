"""Whom an action may name: people and units of the acting agency.

Every service that hands work, a document or authority to a named person or unit checks the name here, not
only in the choices of a form: an API caller can send any id. A person qualifies while their account is active
and they hold an active position in the agency (with one of ``roles`` when given, in ``unit_id`` when given); a
unit qualifies while it is an active unit of the agency.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from .models import Position, Unit


def _positions(agency_id: int, roles=(), unit_id: int | None = None) -> QuerySet:
    positions = Position.objects.filter(agency_id=agency_id, is_active=True)
    if roles:
        positions = positions.filter(role__in=list(roles))
    if unit_id is not None:
        positions = positions.filter(unit_id=unit_id)
    return positions


def members(agency_id: int, roles=(), unit_id: int | None = None) -> QuerySet:
    """Active accounts with an active position in the agency (of one of ``roles``, in ``unit_id``)."""
    return get_user_model().objects.filter(
        is_active=True, pk__in=_positions(agency_id, roles, unit_id).values("user_id")
    )


def holds_position(user_field: str, agency_field: str, roles=()) -> Exists:
    """SQL: the user in ``user_field`` holds an active position (of ``roles``) in the agency in ``agency_field``,
    with an active account. For filtering rows that name a person (e.g. documents waiting for their leader)."""
    positions = Position.objects.filter(
        user_id=OuterRef(user_field), agency_id=OuterRef(agency_field), is_active=True, user__is_active=True
    )
    if roles:
        positions = positions.filter(role__in=list(roles))
    return Exists(positions)


def is_member(user, agency_id: int | None, roles=(), unit_id: int | None = None) -> bool:
    if user is None or agency_id is None or not getattr(user, "pk", None):
        return False
    return members(agency_id, roles, unit_id).filter(pk=user.pk).exists()


def require_member(
    user, agency_id: int | None, *, field: str, message: str, roles=(), unit_id: int | None = None
) -> None:
    """ValidationError ``{field: message}`` unless ``user`` is a current member of the agency (see module doc)."""
    if not is_member(user, agency_id, roles, unit_id):
        raise ValidationError({field: message}, code="not_member")


def is_agency_unit(unit, agency_id: int | None) -> bool:
    if unit is None or agency_id is None or not getattr(unit, "pk", None):
        return False
    return Unit.objects.filter(pk=unit.pk, agency_id=agency_id, is_active=True).exists()


def require_unit(unit, agency_id: int | None, *, field: str, message: str) -> None:
    """ValidationError ``{field: message}`` unless ``unit`` is an active unit of the agency."""
    if not is_agency_unit(unit, agency_id):
        raise ValidationError({field: message}, code="not_agency_unit")
