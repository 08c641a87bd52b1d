"""Failed-login policy on top of django-axes (its database handler keeps one row per username, address and browser).

* A wrong password counts against the pair (username, address): after ``AXES_FAILURE_LIMIT`` failures that pair
  is locked for ``AXES_COOLOFF_TIME``. A colleague typing someone's (predictable) username from their own machine
  therefore locks out only themselves; the owner still signs in from their own machine.
* Per username, across all addresses: after ``VPDT_LOGIN_SLOWDOWN_AFTER`` failures, each further attempt must wait
  a delay that doubles with every failure, up to ``VPDT_LOGIN_SLOWDOWN_MAX_SECONDS`` (an answer "wait N seconds",
  not a sleeping server).
* The username itself is locked only after ``VPDT_LOGIN_USERNAME_LOCK_FAILURES`` failures from at least
  ``VPDT_LOGIN_USERNAME_LOCK_ADDRESSES`` different addresses (a distributed guessing attack).

The same handler serves the login form and the API login (both call ``authenticate``); refused attempts are not
counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT`` is off). What was refused is left on the request
(``vpdt_lockout``: "pair", "username" or "wait", and ``vpdt_login_wait`` seconds) for the lockout answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import timezone

PAIR, USERNAME, WAIT = "pair", "username", "wait"


@dataclass(frozen=True)
class UsernameState:
    failures: int
    addresses: int
    wait: int  # seconds before the next attempt is heard (0: now)

    @property
    def locked(self) -> bool:
        return (
            self.failures >= settings.VPDT_LOGIN_USERNAME_LOCK_FAILURES
            and self.addresses >= settings.VPDT_LOGIN_USERNAME_LOCK_ADDRESSES
        )


def _recent(username: str):
    return AccessAttempt.objects.filter(
        username=username, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )


def username_state(username: str) -> UsernameState:
    """Failures of a username within the cool-off period, from every address, and the wait they impose."""
    row = _recent(username).aggregate(
        failures=Sum("failures_since_start"), addresses=Count("ip_address", distinct=True), last=Max("attempt_time")
    )
    failures, addresses = row["failures"] or 0, row["addresses"] or 0
    wait = 0
    beyond = failures - settings.VPDT_LOGIN_SLOWDOWN_AFTER
    if beyond >= 0 and row["last"] is not None:
        delay = min(2 ** min(beyond, 30), settings.VPDT_LOGIN_SLOWDOWN_MAX_SECONDS)
        wait = max(0, math.ceil(delay - (timezone.now() - row["last"]).total_seconds()))
    return UsernameState(failures, addresses, wait)


def locked_out(username: str) -> bool:
    """Whether failed logins keep the username out from some address (a locked pair) or from everywhere."""
    pair_locked = (
        _recent(username)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .exists()
    )
    return pair_locked or username_state(username).locked


class LoginGuardHandler(AxesDatabaseHandler):
    """axes' database handler (pair lock) plus the per-username slow-down and lock."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            request.vpdt_lockout = PAIR
            return True
        username = get_client_username(request, credentials)
        if username and username_state(username).locked:
            request.vpdt_lockout = USERNAME
            return True
        return False

    def is_allowed(self, request, credentials=None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        username = get_client_username(request, credentials)
        wait = username_state(username).wait if username else 0
        if wait:
            request.vpdt_lockout, request.vpdt_login_wait = WAIT, wait
            return False
        return True

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused:
            return
        if getattr(request, "axes_locked_out", False):
            request.vpdt_lockout = PAIR
            return
        username = get_client_username(request, credentials)
        if username and username_state(username).locked:  # this failure completed a distributed attack
            request.vpdt_lockout = USERNAME
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)
