import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse

_ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz", "/i18n/", "/api/")


class ForcePasswordChangeMiddleware:
    """A person holding a one-time password may do nothing but change it (or sign out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(_ALLOWED_PREFIXES):
                return redirect("accounts:password_change")
        return self.get_response(request)


class IdleSessionMiddleware:
    """The idle timeout: a request extends the session (``SESSION_COOKIE_AGE`` from now), written to the session
    store at most once per ``VPDT_SESSION_REFRESH_SECONDS`` rather than on every request — a page no longer costs
    a database write. A session thus ends after at most ``SESSION_COOKIE_AGE`` and at least that less the refresh
    interval of inactivity."""

    KEY = "_vpdt_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    BACKGROUND = "X-Vpdt-Background"  # a request the page makes by itself (the bell's count): not activity

    def __call__(self, request):
        session = getattr(request, "session", None)
        if request.headers.get(self.BACKGROUND):
            return self.get_response(request)
        if session is not None and session.session_key and not self._fresh(session):
            session[self.KEY] = int(time.time())  # modified: SessionMiddleware saves it with a new expiry
        response = self.get_response(request)
        if session is not None and session.modified and SESSION_KEY in session and not self._fresh(session):
            session[self.KEY] = int(time.time())  # saved anyway (a sign-in): the next request need not write
        return response

    def _fresh(self, session) -> bool:
        seen = session.get(self.KEY)
        return isinstance(seen, int) and 0 <= int(time.time()) - seen < settings.VPDT_SESSION_REFRESH_SECONDS
