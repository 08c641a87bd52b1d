from django.conf import settings
from django.utils.functional import SimpleLazyObject

from vpdt.core import work

QUEUE = "notifications.unread"


def unread_badge(request) -> str:
    """The bell's count, read with the menu's badges in one statement (see :mod:`vpdt.core.work`)."""
    count = work.summary(request).by_key.get(QUEUE)
    return count.badge if count else ""


def unread(request):
    """The top bar's count of unread notifications, read only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_unread": SimpleLazyObject(lambda: unread_badge(request)),
        "VPDT_BELL_SECONDS": settings.VPDT_BELL_POLL_SECONDS,
    }
