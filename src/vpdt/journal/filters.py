"""Journal filters shared by the screen and the API."""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from vpdt.core.params import int_param


def parse_day(value: str, end: bool = False):
    """A dd/mm/yyyy (or ISO) day as the start or end of that day in Vietnam time."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return timezone.make_aware(datetime.combine(day, time.max if end else time.min))
    raise ValueError(value)


def filter_entries(qs, params):
    """``qs`` carries ``content_visible`` (see :func:`.policies.readable`): the object's name is searched only
    where the reader may read it, so a search cannot reveal what the list hides."""
    errors = []
    values = {k: (params.get(k) or "").strip() for k in ("action", "actor", "object", "date_from", "date_to", "agency")}
    if values["action"]:
        qs = qs.filter(action__startswith=values["action"])
    if values["actor"]:
        qs = qs.filter(Q(actor_repr__icontains=values["actor"]) | Q(on_behalf_of_repr__icontains=values["actor"]))
    if values["object"]:
        qs = qs.filter(Q(content_visible=True, object_repr__icontains=values["object"]) | Q(object_id=values["object"]))
    agency_id = int_param(values["agency"])
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    for key, lookup, end in (("date_from", "created_at__gte", False), ("date_to", "created_at__lte", True)):
        try:
            moment = parse_day(values[key], end=end)
        except ValueError:
            errors.append(f"Ngày “{values[key]}” không hợp lệ, hãy nhập theo dạng dd/mm/yyyy.")
            continue
        if moment is not None:
            qs = qs.filter(**{lookup: moment})
    return qs, values, errors
