"""Account lifecycle and security policy (SPEC §9). Views and API call only these functions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from vpdt.core.authz import manageable
from vpdt.core.fsm import Machine, Transition, TransitionNotAllowed
from vpdt.journal import services as journal

from . import usernames
from .models import AccountStatus as S
from .models import PasswordHistory, StatusReason, User


def _note_required(obj, note="", **_):
    if len((note or "").strip()) < 5:
        return "Phải ghi rõ lý do (ít nhất 5 ký tự)."
    return None


ACCOUNT = Machine(
    "status",
    [
        Transition("lock", {S.ACTIVE}, S.LOCKED, "Khóa tài khoản"),
        Transition("unlock", {S.LOCKED}, S.ACTIVE, "Mở khóa tài khoản", guard=_note_required),
        Transition("revoke", {S.ACTIVE, S.LOCKED}, S.REVOKED, "Thu hồi tài khoản"),
        Transition("reinstate", {S.REVOKED}, S.ACTIVE, "Cấp lại tài khoản", guard=_note_required),
        Transition(
            "deactivate", {S.ACTIVE, S.LOCKED, S.REVOKED}, S.DEACTIVATED, "Vô hiệu hóa tài khoản", guard=_note_required
        ),
        Transition("reactivate", {S.DEACTIVATED}, S.ACTIVE, "Kích hoạt lại tài khoản", guard=_note_required),
    ],
    action_prefix="account",
    choices=S,
)

_OTP_ALPHABET_LOWER = "abcdefghijkmnpqrstuvwxyz"
_OTP_ALPHABET_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_OTP_DIGITS = "23456789"
_OTP_SYMBOLS = "#@%+=!?"


def make_one_time_password(length: int = 14) -> str:
    """A random password that satisfies the policy, without look-alike characters."""
    pools = [_OTP_ALPHABET_LOWER, _OTP_ALPHABET_UPPER, _OTP_DIGITS, _OTP_SYMBOLS]
    chars = [secrets.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _lookup(username: str):
    row = User.objects.filter(username=username).values_list("full_name", flat=True).first()
    return row


def generate_username(
    full_name: str,
    birth_date=None,
    *,
    email: str | None = None,
    unit_abbr: str | None = None,
    convention: str | None = None,
    lookup=_lookup,
) -> str:
    convention = convention or settings.VPDT_USERNAME_CONVENTION
    try:
        if convention == "province":
            return usernames.province_style_username(full_name, birth_date, lookup, email=email, unit_abbr=unit_abbr)
        return usernames.name_style_username(full_name, birth_date, lookup)
    except usernames.UsernameError as exc:
        raise ValidationError({"full_name": str(exc)}) from exc


def _require_manage(actor, user: User) -> None:
    if actor is not None and not manageable(User, actor).filter(pk=user.pk).exists():
        raise PermissionDenied("Bạn không có quyền quản trị tài khoản này.")


@transaction.atomic
def create_account(
    actor,
    *,
    full_name: str,
    agency,
    birth_date=None,
    email: str = "",
    phone: str = "",
    username: str | None = None,
    is_organisational: bool = False,
    unit=None,
    title: str = "",
    role: str | None = None,
) -> tuple[User, str]:
    """Create an account with a one-time password. Returns (user, one_time_password).

    The password is shown once to the administrator and must be changed at first login.
    """
    from vpdt.directory import services as directory

    if actor is not None and not manageable(type(agency), actor).filter(pk=agency.pk).exists():
        raise PermissionDenied("Bạn không quản trị cơ quan này.")
    full_name = " ".join((full_name or "").split())
    if username:
        username = username.strip().lower()
        if not usernames.USERNAME_RE.match(username):
            raise ValidationError({"username": "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và dấu chấm."})
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": "Tên đăng nhập này đã có người dùng."})
    else:
        username = generate_username(
            full_name, birth_date, email=email or None, unit_abbr=unit.short_name if unit else agency.short_name
        )
    password = make_one_time_password()
    now = timezone.now()
    user = User(
        username=username,
        full_name=full_name,
        agency=agency,
        birth_date=birth_date,
        email=email,
        phone=phone,
        is_organisational=is_organisational,
        must_change_password=True,
        password_issued_at=now,
        date_joined=now,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    journal.record(
        "account.create", actor=actor, obj=user, agency=agency, details={"username": username, "full_name": full_name}
    )
    if role:
        directory.assign_position(actor, user, agency=agency, unit=unit, title=title or "", role=role)
    return user, password


@transaction.atomic
def issue_one_time_password(actor, user: User) -> str:
    """Reset to a new one-time password (the old one stops working)."""
    _require_manage(actor, user)
    password = make_one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_issued_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_issued_at"])
    tokens, sessions = end_sessions(user)  # whoever held the old password is signed out everywhere
    journal.record(
        "account.password_reset", actor=actor, obj=user, details={"tokens_revoked": tokens, "sessions_ended": sessions}
    )
    return password


@transaction.atomic
def change_password(user: User, new_password: str, *, keep_session: str | None = None, keep_token=None) -> None:
    """The person changes their own password: every other web session and API token of theirs ends (a thief
    holding one loses it); the session or token the change was made from is kept (the caller renews it)."""
    validate_password(new_password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    tokens, sessions = end_sessions(user, keep_session=keep_session, keep_token=keep_token)
    journal.record(
        "account.password_change", actor=user, obj=user, details={"tokens_revoked": tokens, "sessions_ended": sessions}
    )


def session_renewed(user: User, old_key: str | None, new_key: str | None) -> None:
    """The session kept across a password change got a new key (update_session_auth_hash): follow it, so
    signing the account out everywhere still finds it."""
    from .models import UserSession

    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(user=user, session_key=old_key).update(session_key=new_key)


def _transition(actor, user: User, name: str, reason: str = "", note: str = "", check_manage=True):
    if check_manage:
        _require_manage(actor, user)
    if reason and reason not in StatusReason.values:
        raise ValidationError({"reason": "Lý do không hợp lệ."})
    ACCOUNT.check(user, name, note=note)  # refuse before touching the object
    user.status_reason = reason
    user.status_note = (note or "").strip()[:500]
    user.status_changed_at = timezone.now()
    ACCOUNT.apply(
        user,
        name,
        actor=actor,
        note=note,
        details={"reason": reason, "note": user.status_note},
        extra_fields=["is_active", "status_reason", "status_note", "status_changed_at"],
    )
    if name in ("lock", "revoke", "deactivate"):
        end_sessions(user)
    return user


def lock(actor, user: User, reason: str, note: str = "") -> User:
    return _transition(actor, user, "lock", reason, note)


def login_locked_out(user: User) -> bool:
    """Whether failed logins keep the account out, from some address or from everywhere (lockout.py)."""
    from .lockout import locked_out

    return locked_out(user.username)


def unlock(actor, user: User, note: str) -> User:
    from axes.utils import reset

    if user.status == S.ACTIVE and login_locked_out(user):
        # Still active but locked out by failed logins: lifting that lockout is the unlock.
        _require_manage(actor, user)
        problem = _note_required(user, note)
        if problem:
            raise TransitionNotAllowed(problem, code="guard")
        with transaction.atomic():
            reset(username=user.username)
            journal.record(
                "account.unlock",
                actor=actor,
                obj=user,
                details={
                    "from": S.ACTIVE,
                    "to": S.ACTIVE,
                    "reason": "failed_logins",
                    "note": (note or "").strip()[:500],
                },
            )
        return user
    _transition(actor, user, "unlock", "", note)
    reset(username=user.username)
    return user


def revoke(actor, user: User, reason: str = StatusReason.INACTIVE, note: str = "") -> User:
    return _transition(actor, user, "revoke", reason, note)


@transaction.atomic
def reinstate(actor, user: User, note: str) -> tuple[User, str]:
    """Give a revoked account back, with a new one-time password."""
    _transition(actor, user, "reinstate", "", note)
    return user, issue_one_time_password(actor, user)


@transaction.atomic
def deactivate(actor, user: User, note: str, left_on=None) -> User:
    """Departure: the account can no longer sign in; its history stays intact."""
    from vpdt.directory import services as directory

    user.left_on = left_on or timezone.localdate()
    user.save(update_fields=["left_on"])
    _transition(actor, user, "deactivate", StatusReason.DEPARTURE, note)
    for position in user.positions.filter(is_active=True):
        directory.end_position(actor, position, ended_on=user.left_on)
    return user


@transaction.atomic
def reactivate(actor, user: User, note: str) -> tuple[User, str]:
    _transition(actor, user, "reactivate", "", note)
    user.left_on = None
    user.save(update_fields=["left_on"])
    return user, issue_one_time_password(actor, user)


def end_sessions(user: User, *, keep_session: str | None = None, keep_token=None) -> tuple[int, int]:
    """Log the account out everywhere (web sessions and API tokens), but for the session key and the knox
    token given to keep. Returns (tokens revoked, web sessions ended)."""
    from django.contrib.sessions.models import Session
    from knox.models import AuthToken

    from .models import UserSession

    tokens = AuthToken.objects.filter(user=user)
    if keep_token is not None:
        tokens = tokens.exclude(pk=keep_token.pk)
    revoked, _ = tokens.delete()
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep_session or "")
    keys = list(rows.values_list("session_key", flat=True))
    ended, _ = Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return revoked, ended


def inactivity_candidates(now=None):
    """Querysets of accounts to revoke and to lock under the configured periods."""
    now = now or timezone.now()
    revoke_before = now - timedelta(days=settings.VPDT_REVOKE_INACTIVE_DAYS)
    lock_before = now - timedelta(days=settings.VPDT_LOCK_UNUSED_DAYS)
    base = User.objects.filter(is_superuser=False)
    to_revoke = (
        base.filter(status__in=[S.ACTIVE, S.LOCKED])
        .annotate(last_seen=Coalesce("last_login", "password_issued_at", "date_joined"))
        .filter(last_seen__lt=revoke_before)
    )
    to_lock = base.filter(status=S.ACTIVE, must_change_password=True, password_issued_at__lt=lock_before).exclude(
        pk__in=to_revoke.values("pk")
    )
    return to_revoke, to_lock


def enforce_inactivity(now=None, dry_run: bool = False, progress=None) -> dict:
    """Revoke accounts unused for 60 days and lock those unused 30 days after issue (configurable)."""
    to_revoke, to_lock = inactivity_candidates(now)
    counts = {"revoked": 0, "locked_unused": 0, "locked_password": 0}
    for user in to_revoke.iterator():
        if not dry_run:
            revoke(None, user, StatusReason.INACTIVE, f"Không đăng nhập {settings.VPDT_REVOKE_INACTIVE_DAYS} ngày.")
        counts["revoked"] += 1
        if progress:
            progress(1)
    for user in to_lock.iterator():
        never_used = user.last_login is None
        reason = StatusReason.UNUSED if never_used else StatusReason.PASSWORD_NOT_CHANGED
        if not dry_run:
            lock(
                None,
                user,
                reason,
                f"Quá {settings.VPDT_LOCK_UNUSED_DAYS} ngày kể từ khi cấp mà "
                + ("chưa sử dụng." if never_used else "chưa đổi mật khẩu."),
            )
        counts["locked_unused" if never_used else "locked_password"] += 1
        if progress:
            progress(1)
    return counts


def status_message(user: User) -> str:
    """What the login screen says to a person whose account cannot sign in."""
    if user.status == S.LOCKED:
        return (
            "Tài khoản đã bị khóa"
            + (f" ({StatusReason(user.status_reason).label.lower()})" if user.status_reason else "")
            + ". Liên hệ quản trị hệ thống của cơ quan để được mở khóa."
        )
    if user.status == S.REVOKED:
        return "Tài khoản đã bị thu hồi do lâu không sử dụng. Liên hệ quản trị hệ thống để được cấp lại."
    if user.status == S.DEACTIVATED:
        return "Tài khoản đã bị vô hiệu hóa (nghỉ việc hoặc chuyển công tác)."
    return ""


def search_q(text: str) -> Q:
    text = (text or "").strip()
    if not text:
        return Q()
    return Q(full_name__icontains=text) | Q(username__icontains=text) | Q(email__icontains=text)
