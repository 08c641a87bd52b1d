"""Who reads and who keeps announcements and boards. One SQL predicate each (see :mod:`vpdt.core.authz`); nobody
reads another agency's announcements, boards or posts.

* **Announcements.** Read (``view``): the people of the agency it is addressed to — the whole agency, or members of
  the chosen units — its poster, and the agency's administrators (who decide on keeping it longer). Edit, remove,
  request an extension and read the receipts (``manage``, ``receipts``): its poster. Extend (``extend``): the
  agency's administrators.
* **Who announces**: the agency's leaders and unit leaders by their position (a unit leader to their units), and
  the members with the "may announce" right of a group board (``announce`` on :class:`Board`: the Party committee,
  the union's and the youth union's executive).
* **Boards.** The public board is read and posted on by everyone of its agency. A group board (Party cell, trade
  union, youth union) is read and posted on by its members only (``view``, ``post``): a non-member sees neither
  the board's posts nor its members, as an agency expects of its Party cell and unions. Its administrators
  (``manage``: membership) are its managers and the agency's administrators; only the latter name managers
  (``managers``). The agency's administrators see the group boards (to keep them), not their posts.
* **Posts.** Read: whoever reads the board's posts. Remove (``manage``): the author.
"""

from django.db.models import Q

from vpdt.core import authz
from vpdt.core.authz import NOTHING

from .models import Announcement, AnnouncementRead, AnnouncementUnit, Board, BoardKind, BoardMember, Post


def _admin(scope, agency_field: str = "agency") -> Q:
    if not scope.admin_agency_ids:
        return NOTHING
    return Q(**{f"{agency_field}_id__in": sorted(scope.admin_agency_ids)})


def _own(scope, agency_field: str = "agency") -> Q:
    return scope.own_agency(agency_field)


def _member_of(scope) -> Q:
    """Boards of the person's agency they read posts of: the public board and the group boards they belong to."""
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    memberships = BoardMember.objects.filter(user_id=scope.user_id).values("board_id")
    return _own(scope) & (Q(kind=BoardKind.PUBLIC) | Q(pk__in=memberships))


def _board_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return _member_of(scope) | _admin(scope)


def _board_managers(scope) -> Q:
    """Naming a group board's managers: the agency's administrators."""
    if scope.is_superuser:
        return ~Q(kind=BoardKind.PUBLIC)
    return _admin(scope) & ~Q(kind=BoardKind.PUBLIC)


def _board_manage(scope) -> Q:
    """Keeping a group board's membership: its managers and the agency's administrators."""
    q = _board_managers(scope)
    if scope.user_id and scope.agency_id:
        managed = BoardMember.objects.filter(user_id=scope.user_id, is_manager=True).values("board_id")
        q |= _own(scope) & Q(pk__in=managed) & ~Q(kind=BoardKind.PUBLIC)
    return q


def _announce(scope) -> Q:
    """The group boards through which the person posts announcements (the Party committee, the union's and the youth
    union's executive). The agency's leaders and unit leaders announce by their position (see services)."""
    if scope.user_id is None or scope.agency_id is None:
        return NOTHING
    rights = BoardMember.objects.filter(user_id=scope.user_id, may_announce=True).values("board_id")
    return _own(scope) & Q(pk__in=rights) & ~Q(kind=BoardKind.PUBLIC)


def _announcement_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    q = _admin(scope)
    if scope.user_id:
        q |= Q(author_id=scope.user_id)
    if scope.agency_id:
        audience = Q(whole_agency=True)
        if scope.unit_ids:
            units = AnnouncementUnit.objects.filter(unit_id__in=sorted(scope.unit_ids)).values("announcement_id")
            audience |= Q(pk__in=units)
        q |= _own(scope) & audience
    return q


def _announcement_manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None:
        return NOTHING
    return Q(author_id=scope.user_id) & _own(scope)


def _announcement_extend(scope) -> Q:
    return Q() if scope.is_superuser else _admin(scope)


def _post_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(board_id__in=Board.objects.filter(_member_of(scope)).values("pk"))


def _post_manage(scope) -> Q:
    if scope.is_superuser:
        return Q()
    if scope.user_id is None:
        return NOTHING
    return Q(author_id=scope.user_id) & _post_view(scope)


def _member_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return Q(board_id__in=Board.objects.filter(_board_view(scope)).values("pk"))


def _member_manage(scope) -> Q:
    return Q(board_id__in=Board.objects.filter(_board_manage(scope)).values("pk"))


def _read_view(scope) -> Q:
    """A read receipt: the reader's own, and all those of one's own announcements."""
    if scope.is_superuser:
        return Q()
    if scope.user_id is None:
        return NOTHING
    return Q(user_id=scope.user_id) | Q(
        announcement_id__in=Announcement.objects.filter(_announcement_manage(scope)).values("pk")
    )


authz.register(
    Board, view=_board_view, manage=_board_manage, managers=_board_managers, post=_member_of, announce=_announce
)
authz.register(BoardMember, view=_member_view, manage=_member_manage)
authz.register(Post, view=_post_view, manage=_post_manage)
authz.register(
    Announcement,
    view=_announcement_view,
    manage=_announcement_manage,
    receipts=_announcement_manage,
    extend=_announcement_extend,
)
authz.register(AnnouncementRead, view=_read_view, manage=_read_view)
