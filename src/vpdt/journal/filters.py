"""Journal filters shared by the screen and the API."""

from django.db.models import Q

from vpdt.core.dates import DateInputError, day_bounds, parse_date
from vpdt.core.params import int_param

from .policies import content_visible


def parse_day(value: str, end: bool = False):
    """A dd/mm/yyyy (or ISO) day as the start or end of that day in Vietnam time; DateInputError (a ValueError
    with a Vietnamese message) for anything else, a day outside the accepted range included."""
    day = parse_date(value)
    return None if day is None else day_bounds(day)[1 if end else 0]


def filter_entries(qs, params, scope):
    """The entries of ``qs`` that match ``params``; the object's name is searched only where the reader with
    ``scope`` may read it (:func:`.policies.content_visible`), so a search cannot reveal what the list hides."""
    errors = []
    values = {k: (params.get(k) or "").strip() for k in ("action", "actor", "object", "date_from", "date_to", "agency")}
    if values["action"]:
        qs = qs.filter(action__startswith=values["action"])
    if values["actor"]:
        qs = qs.filter(Q(actor_repr__icontains=values["actor"]) | Q(on_behalf_of_repr__icontains=values["actor"]))
    if values["object"]:
        qs = qs.alias(content_visible=content_visible(scope)).filter(
            Q(content_visible=True, object_repr__icontains=values["object"]) | Q(object_id=values["object"])
        )
    agency_id = int_param(values["agency"])
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    for key, lookup, end in (("date_from", "created_at__gte", False), ("date_to", "created_at__lte", True)):
        try:
            moment = parse_day(values[key], end=end)
        except DateInputError as err:
            errors.append(str(err))
            continue
        if moment is not None:
            qs = qs.filter(**{lookup: moment})
    return qs, values, errors
