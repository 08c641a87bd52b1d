"""What the published week and the calendar feeds add to the app: who sees them (one SQL predicate per model,
:mod:`vpdt.core.authz`), how they read in the journal, and their menu links. :func:`ready` is called by the app's
``ready()``.

* **Published weeks**: seen by the people of the agency (the calendar is the agency's public work); the portal
  reads them through :func:`.publishing.public_latest`, never through this predicate.
* **Feed addresses**: each person sees and manages their own.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vpdt.core import authz
from vpdt.core.authz import NOTHING


def _week_view(scope) -> Q:
    if scope.is_superuser:
        return Q()
    return scope.own_agency()


def _feed_view(scope) -> Q:
    if scope.user_id is None:
        return NOTHING
    return Q(user_id=scope.user_id)


def _journal() -> None:
    from vpdt.journal import sentences
    from vpdt.journal.sentences import register

    sentences.detail_labels(
        "calendar.week.",
        {"week": _("Tuần"), "version": _("Lần phát hành"), "entries": _("Số lịch"), "public": _("Số lịch công khai")},
    )
    sentences.detail_labels("calendar.feed.", {"calendar": _("Lịch")})
    register(
        "calendar.week.publish",
        _("%(who)s phát hành lịch công tác %(week)s, lần %(version)s"),
        hidden=_("%(who)s phát hành lịch công tác tuần"),
        label=_("Phát hành lịch tuần"),
    )
    register(
        "calendar.feed.create",
        _("%(who)s tạo địa chỉ đồng bộ lịch (%(calendar)s)"),
        hidden=_("%(who)s tạo địa chỉ đồng bộ lịch"),
        label=_("Tạo địa chỉ đồng bộ lịch"),
    )
    register(
        "calendar.feed.renew",
        _("%(who)s đổi địa chỉ đồng bộ lịch (%(calendar)s)"),
        hidden=_("%(who)s đổi địa chỉ đồng bộ lịch"),
        label=_("Đổi địa chỉ đồng bộ lịch"),
    )
    register(
        "calendar.feed.revoke",
        _("%(who)s thu hồi địa chỉ đồng bộ lịch (%(calendar)s)"),
        hidden=_("%(who)s thu hồi địa chỉ đồng bộ lịch"),
        label=_("Thu hồi địa chỉ đồng bộ lịch"),
    )


def ready() -> None:
    from vpdt.core import menu

    from .models import FeedToken, PublishedWeek

    authz.register(PublishedWeek, view=_week_view, manage=_week_view)
    authz.register(FeedToken, view=_feed_view, manage=_feed_view)
    _journal()
    in_agency = lambda scope: scope.agency_id is not None  # noqa: E731
    menu.register(
        "calendar.published",
        section="collab",
        label=_("Lịch tuần phát hành"),
        url="calendar:publishing",
        order=6,
        shown=in_agency,
    )
    menu.register(
        "calendar.feeds",
        section="collab",
        label=_("Đồng bộ lịch (iCal)"),
        url="calendar:feeds",
        order=9,
        shown=in_agency,
    )
