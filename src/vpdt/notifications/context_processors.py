from django.utils.functional import SimpleLazyObject

from . import queries


def unread(request):
    """The top bar's count of unread notifications, read only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: queries.unread_badge(user))}
