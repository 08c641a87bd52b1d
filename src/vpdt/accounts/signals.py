"""Security events into the journal: login, logout, failed login, lockout."""

from axes.signals import user_locked_out
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vpdt.journal import services as journal

from .models import User, UserSession


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    journal.record("auth.login", actor=user, obj=user, request=request)
    session = getattr(request, "session", None)
    if session is not None and session.session_key and session.get(SESSION_KEY):  # a browser sign-in, not a token
        UserSession.objects.create(user=user, session_key=session.session_key)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        journal.record("auth.logout", actor=user, obj=user, request=request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            UserSession.objects.filter(user=user, session_key=session.session_key).delete()


def _known_user(username):
    if not username:
        return None
    return User.objects.filter(username=str(username)[:150]).only("id", "username", "full_name", "agency_id").first()


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    user = _known_user(username)
    journal.record(
        "auth.login_failed",
        actor=None,
        obj=user,
        request=request,
        agency=user.agency_id if user and user.agency_id else None,
        object_type="" if user else "accounts.user",
        object_repr=str(user) if user else str(username)[:150],
        details={"username": str(username)[:150]},
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    from .lockout import WAIT

    user = _known_user(username)
    throttled = getattr(request, "vpdt_lockout", "") == WAIT
    journal.record(
        "auth.login_throttled" if throttled else "auth.lockout",
        actor=None,
        obj=user,
        request=request,
        agency=user.agency_id if user and user.agency_id else None,
        object_type="" if user else "accounts.user",
        object_repr=str(user) if user else str(username)[:150],
        details={
            "username": str(username)[:150],
            "ip": ip_address,
            "scope": getattr(request, "vpdt_lockout", "") or "pair",
        },
    )
