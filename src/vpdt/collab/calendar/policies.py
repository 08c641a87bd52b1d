"""Who sees what of the work calendar, one SQL predicate per model (see :mod:`vpdt.core.authz`). Nobody sees another
agency's entries, rooms or grants (what is published on the portal is read through ``is_public`` by the public
pages, not through these predicates).

* **Entries** (``view``): within the entry's agency, everyone sees the approved entries of every calendar (the
  agency's, its leaders', its units') and those cancelled after approval (a meeting called off is news too);
  entries waiting for approval or refused are seen by whoever registered them, their chair, their participants
  (people, and the members of participant units) and the keepers of their calendar (:mod:`.rights`). ``manage``:
  the keepers of their calendar.
* An entry's participants, links and reminder deliveries are read by whoever sees the entry.
* **Rooms**: seen by the agency's people; managed by its administrator and the keepers of its calendars.
* **Grants** (quyền quản lý lịch): seen by the grantee, the agency's administrator and leaders, who manage them.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from . import rights
from .models import CalendarGrant, Entry, EntryLink, EntryStatus, Participant, ReminderDelivery, Room


def _entry_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    published = Q(status=EntryStatus.APPROVED) | Q(status=EntryStatus.CANCELLED, approved_at__isnull=False)
    involved = Q(created_by_id=scope.user_id) | Q(chair_id=scope.user_id)
    involved |= Q(pk__in=Participant.objects.filter(user_id=scope.user_id).values("entry_id"))
    if scope.unit_ids:
        involved |= Q(pk__in=Participant.objects.filter(unit_id__in=sorted(scope.unit_ids)).values("entry_id"))
    return scope.own_agency() & (published | involved | rights.kept(scope))


def _entry_manage(scope) -> Q:
    return rights.kept(scope)


def _of_entry(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(entry_id__in=Entry.objects.filter(_entry_view(scope)).values("pk"))


def _room_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return scope.own_agency()


def _room_manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return scope.own_agency() if rights.may_manage_rooms(scope) else NOTHING


def _grant_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    if rights.may_grant(scope):
        return scope.own_agency()
    return scope.own_agency() & Q(grantee_id=scope.user_id)


def _grant_manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return scope.own_agency() if rights.may_grant(scope) else NOTHING


authz.register(Entry, view=_entry_view, manage=_entry_manage)
authz.register(Participant, view=_of_entry, manage=_of_entry)
authz.register(EntryLink, view=_of_entry, manage=_of_entry)
authz.register(ReminderDelivery, view=_of_entry, manage=_of_entry)
authz.register(Room, view=_room_view, manage=_room_manage)
authz.register(CalendarGrant, view=_grant_view, manage=_grant_manage)
