"""Account security policy (SPEC §9): lock/revoke periods, login lockout, one-time passwords,
administrative lock/unlock/deactivate, who may do it, and production hardening settings."""

import os
import re
import secrets
import string
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from celery.result import EagerResult
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from vpdt.accounts import services as accounts
from vpdt.accounts import tasks
from vpdt.accounts.models import AccountStatus, PasswordHistory, StatusReason, User
from vpdt.accounts.permissions import PasswordChangedPermission
from vpdt.core.fsm import TransitionNotAllowed
from vpdt.directory.models import Position, Role
from vpdt.journal.models import JournalEntry

# Import the whole URLconf (and with it DRF's throttling, whose ``timer = time.time`` is bound at import)
# now, so a first import under freezegun does not capture the fake clock for the rest of the session.
import vpdt.urls  # noqa: F401  isort: skip

WRONG = "Sai-mật-khẩu#2026"
NEW_PASSWORD = "Sông-Lam#Xanh2026"
LOCKOUT_MESSAGE = (
    "Tài khoản tạm thời bị khóa do đăng nhập sai quá 5 lần từ địa chỉ mạng này. "
    "Vui lòng thử lại sau 30 phút hoặc liên hệ quản trị hệ thống."
)
INVALID_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."
MUST_CHANGE_API = PasswordChangedPermission.message


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The API login throttle (30/min per address) counts in the cache; axes keeps its state in the
    # database (vpdt's handler is axes' database handler), which each test rolls back.
    assert django_settings.AXES_HANDLER == "vpdt.accounts.lockout.LoginGuardHandler"
    cache.clear()
    yield
    cache.clear()


def _issue(org, full_name, unit=None, birth_date=None):
    """A new account issued by the agency administrator of Sở Xây dựng, with its one-time password."""
    return accounts.create_account(
        org.sxd_admin,
        full_name=full_name,
        agency=org.sxd,
        unit=unit or org.sxd_khtc,
        role=Role.STAFF,
        title="Chuyên viên",
        birth_date=birth_date,
    )


def _post_login(username, password, client=None):
    client = client or Client()
    return client, client.post("/dang-nhap/", {"username": username, "password": password})


def _is_signed_in(client):
    return "_auth_user_id" in client.session


def _entries(action, user):
    return JournalEntry.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


# --- Lock and revoke periods ---------------------------------------------------------------------


def test_unused_account_is_locked_after_30_days_not_at_29(org):
    start = timezone.now()
    with freeze_time(start):
        person, otp = _issue(org, "Nguyễn Thị Mai Anh")

    with freeze_time(start + timedelta(days=29, hours=23)):
        counts = accounts.enforce_inactivity()
    person.refresh_from_db()
    assert counts == {"revoked": 0, "locked_unused": 0, "locked_password": 0}
    assert person.status == AccountStatus.ACTIVE and person.is_active

    with freeze_time(start + timedelta(days=30, minutes=1)):
        counts = accounts.enforce_inactivity()
        _client, response = _post_login(person.username, otp)
    person.refresh_from_db()
    assert counts == {"revoked": 0, "locked_unused": 1, "locked_password": 0}
    assert person.status == AccountStatus.LOCKED and not person.is_active
    assert person.status_reason == StatusReason.UNUSED
    entry = _entries("account.lock", person).get()
    assert entry.actor_id is None and entry.agency_id == org.sxd.pk
    assert entry.details["reason"] == "unused" and entry.details["to"] == "locked"
    # With the right (one-time) password the person learns why; no session is opened.
    assert response.status_code == 200
    assert "Tài khoản đã bị khóa (không sử dụng sau khi được cấp)" in response.content.decode()
    assert not _is_signed_in(_client)


def test_account_used_but_password_never_changed_is_locked(org, login):
    start = timezone.now()
    with freeze_time(start):
        person, otp = _issue(org, "Trịnh Văn Quang")
    with freeze_time(start + timedelta(days=2)):
        client = login(person, otp)
        assert client.get("/")["Location"] == "/doi-mat-khau/"
    with freeze_time(start + timedelta(days=29, hours=23)):
        assert accounts.enforce_inactivity()["locked_password"] == 0
    with freeze_time(start + timedelta(days=30, minutes=1)):
        counts = accounts.enforce_inactivity()
        after = client.get("/doi-mat-khau/")
    person.refresh_from_db()
    assert counts == {"revoked": 0, "locked_unused": 0, "locked_password": 1}
    assert person.status == AccountStatus.LOCKED
    assert person.status_reason == StatusReason.PASSWORD_NOT_CHANGED
    assert "chưa đổi mật khẩu" in _entries("account.lock", person).get().details["note"]
    # The open session was ended with the lock.
    assert after.status_code == 302 and after["Location"].startswith("/dang-nhap/")


def test_no_login_for_60_days_revokes_not_at_59_and_superusers_are_exempt(org, login):
    start = timezone.now()
    with freeze_time(start):
        login(org.sxd_staff)
        root = User.objects.create_superuser("quantri", password=PASSWORD, full_name="Quản trị hệ thống")
        long_ago = start - timedelta(days=400)
        User.objects.filter(pk=root.pk).update(
            last_login=long_ago, date_joined=long_ago, password_issued_at=long_ago, must_change_password=True
        )
    with freeze_time(start + timedelta(days=1)):
        login(org.sxd_clerk)

    with freeze_time(start + timedelta(days=59, hours=23)):
        counts = accounts.enforce_inactivity()
    assert counts == {"revoked": 0, "locked_unused": 0, "locked_password": 0}
    assert not User.objects.exclude(status=AccountStatus.ACTIVE).exists()

    with freeze_time(start + timedelta(days=60, minutes=1)):
        counts = accounts.enforce_inactivity()
        _client, response = _post_login(org.sxd_staff.username, PASSWORD)
    staff, clerk, root = (User.objects.get(pk=u.pk) for u in (org.sxd_staff, org.sxd_clerk, root))
    assert staff.status == AccountStatus.REVOKED and staff.status_reason == StatusReason.INACTIVE
    assert clerk.status == AccountStatus.ACTIVE  # signed in 59 days ago
    assert root.status == AccountStatus.ACTIVE  # superusers are never revoked nor locked
    assert counts["revoked"] == User.objects.filter(status=AccountStatus.REVOKED).count() == 9
    assert counts["locked_unused"] == counts["locked_password"] == 0
    assert _entries("account.revoke", staff).get().details["note"] == "Không đăng nhập 60 ngày."
    assert "Tài khoản đã bị thu hồi do lâu không sử dụng" in response.content.decode()
    assert not _is_signed_in(_client)


def test_enforce_inactivity_command_and_dry_run(org):
    start = timezone.now()
    with freeze_time(start):
        person, _otp = _issue(org, "Lương Thị Thảo")
    with freeze_time(start + timedelta(days=31)):
        entries_before = JournalEntry.objects.count()
        out = StringIO()
        call_command("enforce_inactivity", "--dry-run", stdout=out, stderr=StringIO())
        assert "(thử) Thu hồi: 0; khóa vì không sử dụng: 1; khóa vì chưa đổi mật khẩu: 0." in out.getvalue()
        person.refresh_from_db()
        assert person.status == AccountStatus.ACTIVE
        assert JournalEntry.objects.count() == entries_before

        out = StringIO()
        call_command("enforce_inactivity", stdout=out, stderr=StringIO())
        assert "Thu hồi: 0; khóa vì không sử dụng: 1; khóa vì chưa đổi mật khẩu: 0." in out.getvalue()
        assert "(thử)" not in out.getvalue()
        person.refresh_from_db()
        assert person.status == AccountStatus.LOCKED and person.status_reason == StatusReason.UNUSED

        out = StringIO()
        call_command("enforce_inactivity", stdout=out, stderr=StringIO())
        assert "khóa vì không sử dụng: 0" in out.getvalue()  # nothing left to do


def test_enforce_inactivity_celery_task(org, login):
    start = timezone.now()
    with freeze_time(start):
        never_used, _ = _issue(org, "Cao Văn Thắng")
    with freeze_time(start + timedelta(days=30)):
        unused, _ = _issue(org, "Bùi Thị Phương")
        not_changed, otp = _issue(org, "Tạ Quang Vinh")
    with freeze_time(start + timedelta(days=31)):
        login(not_changed, otp)
    with freeze_time(start + timedelta(days=61)):
        result = tasks.enforce_inactivity.delay()
    assert isinstance(result, EagerResult)
    counts = result.get()
    statuses = {
        u.pk: (u.status, u.status_reason)
        for u in User.objects.filter(pk__in=[never_used.pk, unused.pk, not_changed.pk])
    }
    assert statuses == {
        never_used.pk: (AccountStatus.REVOKED, StatusReason.INACTIVE),
        unused.pk: (AccountStatus.LOCKED, StatusReason.UNUSED),
        not_changed.pk: (AccountStatus.LOCKED, StatusReason.PASSWORD_NOT_CHANGED),
    }
    # The ten people of the shared organisation were issued 61 days ago and never signed in.
    assert counts == {"revoked": 11, "locked_unused": 1, "locked_password": 1}


def test_periods_are_configurable(org, login, settings):
    settings.VPDT_LOCK_UNUSED_DAYS = 7
    settings.VPDT_REVOKE_INACTIVE_DAYS = 14
    start = timezone.now()
    with freeze_time(start):
        person, _ = _issue(org, "Đinh Thị Hoa")
        login(org.sxd_clerk)
    with freeze_time(start + timedelta(days=6, hours=23)):
        accounts.enforce_inactivity()
    assert User.objects.get(pk=person.pk).status == AccountStatus.ACTIVE
    with freeze_time(start + timedelta(days=7, minutes=1)):
        accounts.enforce_inactivity()
    assert User.objects.get(pk=person.pk).status == AccountStatus.LOCKED
    with freeze_time(start + timedelta(days=13, hours=23)):
        accounts.enforce_inactivity()
    assert User.objects.get(pk=org.sxd_clerk.pk).status == AccountStatus.ACTIVE
    with freeze_time(start + timedelta(days=14, minutes=1)):
        accounts.enforce_inactivity()
    clerk = User.objects.get(pk=org.sxd_clerk.pk)
    assert clerk.status == AccountStatus.REVOKED
    assert User.objects.get(pk=person.pk).status == AccountStatus.REVOKED  # a locked account is revoked too
    assert _entries("account.revoke", clerk).get().details["note"] == "Không đăng nhập 14 ngày."


# --- Lockout after failed logins (django-axes) ---------------------------------------------------


def test_five_wrong_passwords_lock_out_the_login_form(org, login):
    person = org.sxd_staff
    client = Client(REMOTE_ADDR="10.41.12.7")
    statuses = []
    for attempt in range(5):
        response = client.post("/dang-nhap/", {"username": person.username, "password": f"{WRONG}{attempt}"})
        statuses.append(response.status_code)
        if attempt < 4:
            assert INVALID_LOGIN in response.content.decode()
    assert statuses == [200, 200, 200, 200, 429]

    response = client.post("/dang-nhap/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert not _is_signed_in(client)
    # Per (account, address): the person still signs in from another machine; another person is not affected.
    other, response = _post_login(person.username, PASSWORD, Client(REMOTE_ADDR="10.41.12.99"))
    assert response.status_code == 302 and _is_signed_in(other)
    login(org.sxd_clerk)

    failed = _entries("auth.login_failed", person)
    assert failed.count() >= 5
    assert set(failed.values_list("agency_id", flat=True)) == {org.sxd.pk}
    assert "10.41.12.7" in set(failed.values_list("ip", flat=True))
    lockout = _entries("auth.lockout", person).first()
    assert lockout is not None and lockout.details["username"] == person.username
    assert lockout.ip == "10.41.12.7" and lockout.agency_id == org.sxd.pk


def test_api_login_locks_out_too(org):
    person = org.sxd_clerk
    client = APIClient()
    for _attempt in range(4):
        response = client.post("/api/v1/auth/login/", {"username": person.username, "password": WRONG}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == INVALID_LOGIN
    client.post("/api/v1/auth/login/", {"username": person.username, "password": WRONG}, format="json")
    response = client.post("/api/v1/auth/login/", {"username": person.username, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKOUT_MESSAGE}
    assert "token" not in response.json()
    # The web form refuses the same account.
    _client, response = _post_login(person.username, PASSWORD)
    assert response.status_code == 429
    assert _entries("auth.lockout", person).exists()
    assert _entries("auth.login_failed", person).count() >= 5


def test_admin_unlock_with_a_reason_lifts_the_lockout(org, login):
    person = org.sxd_staff
    for _ in range(5):
        _post_login(person.username, WRONG)
    assert _post_login(person.username, PASSWORD)[1].status_code == 429

    with pytest.raises(ValidationError, match="Phải ghi rõ lý do"):
        accounts.unlock(org.sxd_admin, person, "")
    assert _post_login(person.username, PASSWORD)[1].status_code == 429
    with pytest.raises(PermissionDenied):
        accounts.unlock(org.stttt_it, person, "Cán bộ đã xác minh danh tính qua điện thoại")

    admin = login(org.sxd_admin)
    assert 'data-testid="unlock"' in admin.get(f"/can-bo/{person.pk}/").content.decode()
    assert 'data-testid="unlock"' not in admin.get(f"/can-bo/{org.sxd_clerk.pk}/").content.decode()
    response = admin.post(
        f"/can-bo/{person.pk}/unlock/", {"note": "Cán bộ đã xác minh danh tính qua điện thoại"}, follow=True
    )
    assert "Đã mở khóa tài khoản." in response.content.decode()
    assert 'data-testid="unlock"' not in admin.get(f"/can-bo/{person.pk}/").content.decode()
    client = login(person)
    assert client.get("/").status_code == 200
    entry = _entries("account.unlock", person).get()
    assert entry.actor_id == org.sxd_admin.pk
    assert "xác minh danh tính" in entry.details["note"]


def test_admin_unlock_of_a_locked_account_also_clears_failed_logins(org, login):
    person = org.sxd_staff
    for _ in range(5):
        _post_login(person.username, WRONG)
    accounts.lock(org.sxd_admin, person, StatusReason.COMPROMISED, "Nghi bị dò mật khẩu")
    accounts.unlock(org.sxd_admin, person, "Đã đặt lại và xác minh với cán bộ")
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE and person.is_active and person.status_reason == ""
    login(person)


# --- One-time passwords --------------------------------------------------------------------------


def test_one_time_password_meets_the_policy(org):
    person, otp = _issue(org, "Nguyễn Thị Mai Anh", birth_date=None)
    assert person.must_change_password and person.password_issued_at is not None
    assert person.check_password(otp)
    assert len(otp) >= 10
    assert re.search(r"[a-z]", otp) and re.search(r"[A-Z]", otp) and re.search(r"\d", otp)
    assert re.search(r"[^A-Za-z0-9]", otp)
    stranger = User(username="khoanv", full_name="Nguyễn Văn Khoa")
    validate_password(otp, stranger)  # raises if the policy refuses it
    others = {accounts.make_one_time_password() for _ in range(200)}
    assert len(others) == 200
    for candidate in others:
        validate_password(candidate, stranger)
    assert _entries("account.create", person).get().actor_id == org.sxd_admin.pk


def test_first_web_login_forces_password_change(org, login):
    person, otp = _issue(org, "Trịnh Văn Quang")
    client = login(person, otp)
    for url in ("/", "/can-bo/", f"/can-bo/{person.pk}/", "/tai-khoan/", "/danh-ba/co-quan/", "/nhat-ky/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/doi-mat-khau/", url
    assert client.get("/doi-mat-khau/").status_code == 200

    response = client.post(
        "/doi-mat-khau/",
        {"old_password": "không-phải#Mk1", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == ["Mật khẩu hiện tại không đúng."]
    response = client.post(
        "/doi-mat-khau/", {"old_password": otp, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert response.context["form"].errors["new_password2"] == ["Hai mật khẩu mới không khớp nhau."]

    response = client.post(
        "/doi-mat-khau/", {"old_password": otp, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200  # still signed in, no more redirect
    person.refresh_from_db()
    assert not person.must_change_password and person.password_changed_at is not None
    assert _entries("account.password_change", person).get().actor_id == person.pk

    _c, response = _post_login(person.username, otp)
    assert response.status_code == 200 and INVALID_LOGIN in response.content.decode()
    login(person, NEW_PASSWORD)


def test_first_api_login_allows_only_me_and_password_change(org):
    person, otp = _issue(org, "Bùi Thị Phương")
    client = APIClient()
    response = client.post("/api/v1/auth/login/", {"username": person.username, "password": otp}, format="json")
    assert response.status_code == 200 and response.json()["must_change_password"] is True
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    for url in ("/api/v1/users/", "/api/v1/journal/", "/api/v1/agencies/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json() == {"detail": MUST_CHANGE_API}
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == person.username and me.json()["must_change_password"] is True

    response = client.post(
        "/api/v1/auth/password/", {"old_password": WRONG, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["old_password"] == ["Mật khẩu hiện tại không đúng."]
    response = client.post("/api/v1/auth/password/", {"old_password": otp, "new_password": "ngan#A1"}, format="json")
    assert response.status_code == 400
    assert "Mật khẩu quá ngắn: phải có ít nhất 10 ký tự." in response.json()["new_password"]
    response = client.post("/api/v1/auth/password/", {"old_password": otp, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 204
    assert client.get("/api/v1/users/").status_code == 200
    person.refresh_from_db()
    assert not person.must_change_password
    response = APIClient().post("/api/v1/auth/login/", {"username": person.username, "password": otp}, format="json")
    assert response.status_code == 400


def test_reusing_current_or_recent_passwords_is_refused(org, login):
    person = org.sxd_staff
    client = login(person)
    response = client.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.context["form"].errors["new_password1"]

    response = client.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(
        "/doi-mat-khau/", {"old_password": NEW_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 200
    assert "Không được dùng lại một trong 5 mật khẩu gần nhất." in response.context["form"].errors["new_password1"]

    # Depth 5: after five more changes the first password may be used again.
    person.refresh_from_db()
    for n in range(1, 6):
        accounts.change_password(person, f"Hồng-Lĩnh#{n}Núi")
    with pytest.raises(ValidationError, match="5 mật khẩu gần nhất"):
        accounts.change_password(person, "Hồng-Lĩnh#2Núi")
    accounts.change_password(person, PASSWORD)
    assert person.check_password(PASSWORD)
    assert PasswordHistory.objects.filter(user=person).count() == 7


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ngan#12", "Mật khẩu quá ngắn: phải có ít nhất 10 ký tự."),
        ("matkhaucuatoi2026", "Mật khẩu phải có ít nhất một chữ hoa, một ký tự đặc biệt."),
        ("MẬT-KHẨU-MỚI-2026", "Mật khẩu phải có ít nhất một chữ thường."),
        ("mật-khẩu-mới-2026", "Mật khẩu phải có ít nhất một chữ hoa."),
        ("qwertyuiop", "Mật khẩu này quá phổ biến, dễ bị đoán."),
        ("20262026202620", "Mật khẩu không được chỉ gồm chữ số."),
        ("Hoàngthịlan#26", "Mật khẩu quá giống với họ và tên."),
    ],
)
def test_weak_passwords_are_refused_in_vietnamese(org, login, password, message):
    client = login(org.sxd_staff)
    response = client.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password1"]
    assert message in response.content.decode()
    with pytest.raises(ValidationError) as excinfo:
        accounts.change_password(org.sxd_staff, password)
    assert message in excinfo.value.messages
    assert User.objects.get(pk=org.sxd_staff.pk).check_password(PASSWORD)


# --- Administrative lock, unlock, deactivate, reinstate ------------------------------------------


def test_lock_through_the_web_form_ends_sessions_and_explains_after_correct_password(org, login, api):
    person = org.sxd_staff
    victim_web = login(person)
    victim_api = api(person)
    assert victim_web.get("/").status_code == 200
    assert victim_api.get("/api/v1/me/").status_code == 200
    session_key = victim_web.session.session_key

    admin = login(org.sxd_admin)
    response = admin.post(
        f"/can-bo/{person.pk}/lock/", {"reason": "compromised", "note": "Phát hiện đăng nhập lạ từ địa chỉ nước ngoài"}
    )
    assert response.status_code == 302 and response["Location"] == f"/can-bo/{person.pk}/"
    person.refresh_from_db()
    assert person.status == AccountStatus.LOCKED and person.status_reason == StatusReason.COMPROMISED
    assert person.status_note == "Phát hiện đăng nhập lạ từ địa chỉ nước ngoài"

    assert not Session.objects.filter(session_key=session_key).exists()
    response = victim_web.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert victim_api.get("/api/v1/me/").status_code == 401

    _c, response = _post_login(person.username, WRONG)
    assert INVALID_LOGIN in response.content.decode() and "đã bị khóa" not in response.content.decode()
    client, response = _post_login(person.username, PASSWORD)
    assert response.status_code == 200
    assert (
        "Tài khoản đã bị khóa (bị chiếm quyền hoặc lộ mật khẩu). Liên hệ quản trị hệ thống của cơ quan "
        "để được mở khóa." in response.content.decode()
    )
    assert not _is_signed_in(client)
    assert _entries("auth.login_refused", person).exists()
    entry = _entries("account.lock", person).get()
    assert entry.actor_id == org.sxd_admin.pk and entry.details["reason"] == "compromised"


def test_lock_through_the_api_on_agency_request(org, api):
    person = org.sxd_clerk
    victim = api(person)
    admin = api(org.sxd_admin)
    response = admin.post(
        f"/api/v1/users/{person.pk}/lock/",
        {"reason": "agency_request", "note": "Theo Công văn số 215/SXD-VP ngày 12/11/2026"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "locked" and response.json()["status_reason"] == "agency_request"
    assert victim.get("/api/v1/me/").status_code == 401
    response = APIClient().post(
        "/api/v1/auth/login/", {"username": person.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Tài khoản đã bị khóa (theo đề nghị của cơ quan quản lý)")


def test_unlock_requires_a_reason(org, login, api):
    person = org.sxd_staff
    accounts.lock(org.sxd_admin, person, StatusReason.AGENCY_REQUEST, "Tạm dừng theo đề nghị")
    admin = login(org.sxd_admin)

    response = admin.post(f"/can-bo/{person.pk}/unlock/", {"note": ""}, follow=True)
    assert response.status_code == 200 and "Phải ghi rõ lý do." in response.content.decode()
    response = admin.post(f"/can-bo/{person.pk}/unlock/", {"note": "ok"}, follow=True)
    assert "Phải ghi rõ lý do (ít nhất 5 ký tự)." in response.content.decode()
    response = api(org.sxd_admin).post(f"/api/v1/users/{person.pk}/unlock/", {"note": "  "}, format="json")
    assert response.status_code == 400
    assert "Phải ghi rõ lý do (ít nhất 5 ký tự)." in str(response.json())
    with pytest.raises(ValidationError, match="ít nhất 5 ký tự"):
        accounts.unlock(org.sxd_admin, person, "abc")
    person.refresh_from_db()
    assert person.status == AccountStatus.LOCKED
    assert not _entries("account.unlock", person).exists()

    response = admin.post(f"/can-bo/{person.pk}/unlock/", {"note": "Cơ quan đề nghị mở lại"}, follow=True)
    assert "Đã mở khóa tài khoản." in response.content.decode()
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE
    assert _entries("account.unlock", person).get().details["note"] == "Cơ quan đề nghị mở lại"


def test_deactivate_on_departure_keeps_history_and_reactivate_issues_new_password(org, login, api):
    person = org.sxd_unit_leader
    login(person)
    history_before = JournalEntry.objects.filter(actor=person).count()
    assert history_before >= 1
    admin = login(org.sxd_admin)
    response = admin.post(f"/can-bo/{person.pk}/deactivate/", {"note": "Nghỉ hưu theo Quyết định số 45/QĐ-SXD"})
    assert response.status_code == 302

    person = User.objects.get(pk=person.pk)  # the row stays
    assert person.status == AccountStatus.DEACTIVATED and not person.is_active
    assert person.status_reason == StatusReason.DEPARTURE
    assert person.left_on == timezone.localdate()
    positions = Position.objects.filter(user=person)
    assert positions.exists()
    assert all(not p.is_active and p.ended_on == timezone.localdate() for p in positions)
    assert JournalEntry.objects.filter(actor=person).count() == history_before
    assert JournalEntry.objects.filter(action="directory.position.end", details__user=person.username).exists()
    _c, response = _post_login(person.username, PASSWORD)
    assert "Tài khoản đã bị vô hiệu hóa (nghỉ việc hoặc chuyển công tác)." in response.content.decode()
    assert not _is_signed_in(_c)

    response = api(org.sxd_admin).post(
        f"/api/v1/users/{person.pk}/reactivate/",
        {"note": "Tiếp nhận trở lại theo Quyết định số 60/QĐ-SXD"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active" and body["must_change_password"] is True and body["left_on"] is None
    otp = body["one_time_password"]
    validate_password(otp)
    _c, response = _post_login(person.username, PASSWORD)
    assert INVALID_LOGIN in response.content.decode()
    client = login(person, otp)
    assert client.get("/")["Location"] == "/doi-mat-khau/"


def test_reinstate_revoked_account_issues_new_one_time_password(org, login):
    person = org.stttt_staff
    accounts.revoke(None, person, StatusReason.INACTIVE, "Không đăng nhập 60 ngày.")
    admin = login(org.province_admin)
    response = admin.post(f"/can-bo/{person.pk}/reinstate/", {"note": "Cán bộ quay lại công tác sau nghỉ phép"})
    assert response.status_code == 200
    otp = response.context["password"]
    assert otp in response.content.decode()
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE and person.must_change_password
    client, response = _post_login(person.username, PASSWORD)  # the old password no longer works
    assert INVALID_LOGIN in response.content.decode() and not _is_signed_in(client)
    assert login(person, otp).get("/tai-khoan/")["Location"] == "/doi-mat-khau/"
    assert _entries("account.reinstate", person).get().actor_id == org.province_admin.pk
    assert _entries("account.password_reset", person).exists()


def test_illegal_transitions_give_a_vietnamese_error(org, login, api):
    person = org.sxd_staff
    with pytest.raises(TransitionNotAllowed) as excinfo:
        accounts.unlock(org.sxd_admin, person, "Mở khóa theo đề nghị")
    assert excinfo.value.messages == ["Không thể mở khóa tài khoản khi đang ở trạng thái “Đang hoạt động”."]

    admin = login(org.sxd_admin)
    response = admin.post(f"/can-bo/{person.pk}/unlock/", {"note": "Mở khóa theo đề nghị"}, follow=True)
    assert response.status_code == 200
    assert "Không thể mở khóa tài khoản khi đang ở trạng thái “Đang hoạt động”." in response.content.decode()

    admin_api = api(org.sxd_admin)
    response = admin_api.post(f"/api/v1/users/{person.pk}/reinstate/", {"note": "Cấp lại theo đề nghị"}, format="json")
    assert response.status_code == 400
    assert "Không thể cấp lại tài khoản khi đang ở trạng thái “Đang hoạt động”." in str(response.json())

    accounts.lock(org.sxd_admin, person, StatusReason.USER_REQUEST, "Cán bộ đi công tác dài ngày")
    response = admin_api.post(f"/api/v1/users/{person.pk}/lock/", {"reason": "compromised"}, format="json")
    assert response.status_code == 400
    assert "Không thể khóa tài khoản khi đang ở trạng thái “Bị khóa”." in str(response.json())
    person.refresh_from_db()
    assert person.status == AccountStatus.LOCKED and person.status_reason == StatusReason.USER_REQUEST


# --- Who may administer whom ---------------------------------------------------------------------


def test_agency_admin_cannot_lock_a_person_of_another_agency(org, login, api):
    target = org.stttt_staff
    with pytest.raises(PermissionDenied):
        accounts.lock(org.sxd_admin, target, StatusReason.COMPROMISED, "Thử khóa ngoài phạm vi")
    response = api(org.sxd_admin).post(f"/api/v1/users/{target.pk}/lock/", {"reason": "compromised"}, format="json")
    # The person of another agency is not even visible: 404 on the API as on the web.
    assert response.status_code == 404
    # A visible colleague whom the caller does not administer: 403 with the reason.
    response = api(org.sxd_clerk).post(
        f"/api/v1/users/{org.sxd_staff.pk}/lock/", {"reason": "compromised"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền quản trị tài khoản này."}
    assert login(org.sxd_admin).post(f"/can-bo/{target.pk}/lock/", {"reason": "compromised"}).status_code == 404
    # A colleague of the same agency who is not an administrator is refused.
    response = login(org.sxd_clerk).post(f"/can-bo/{org.sxd_staff.pk}/lock/", {"reason": "compromised"})
    assert response.status_code == 403
    assert User.objects.filter(pk__in=[target.pk, org.sxd_staff.pk], status=AccountStatus.ACTIVE).count() == 2


def test_province_admin_can_lock_within_the_province_only(org, api):
    admin_api = api(org.province_admin)
    response = admin_api.post(
        f"/api/v1/users/{org.sxd_staff.pk}/lock/",
        {"reason": "law_violation", "note": "Vi phạm quy chế sử dụng mạng"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "locked"

    with pytest.raises(PermissionDenied):
        accounts.lock(org.province_admin, org.ht_staff, StatusReason.COMPROMISED, "Ngoài tỉnh")
    response = admin_api.post(f"/api/v1/users/{org.ht_staff.pk}/lock/", {"reason": "compromised"}, format="json")
    assert response.status_code == 404
    # ...and the Hà Tĩnh province admin cannot reach Nghệ An.
    with pytest.raises(PermissionDenied):
        accounts.lock(org.ht_admin, org.stttt_staff, StatusReason.COMPROMISED, "Ngoài tỉnh")
    assert User.objects.get(pk=org.ht_staff.pk).status == AccountStatus.ACTIVE
    assert User.objects.get(pk=org.stttt_staff.pk).status == AccountStatus.ACTIVE


# --- Production settings -------------------------------------------------------------------------


def _production_env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VPDT_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "vpdt.settings",
            "VPDT_PRODUCTION": "1",
            "VPDT_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
            "VPDT_ALLOWED_HOSTS": "vpdt.example.gov.vn",
            "VPDT_DATA_DIR": str(tmp_path),
        }
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_in_production(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues" in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["VPDT_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "VPDT_SECRET_KEY phải được đặt" in result.stderr


def test_session_cookie_is_http_only_and_expires_when_idle(org, login, settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert 0 < settings.VPDT_SESSION_REFRESH_SECONDS <= 300
    start = timezone.now()
    with freeze_time(start):
        client = Client()
        response = client.post("/dang-nhap/", {"username": org.sxd_staff.username, "password": PASSWORD})
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Activity keeps the session alive beyond one idle period in total...
    with freeze_time(start + idle - timedelta(minutes=1)):
        assert client.get("/").status_code == 200
    with freeze_time(start + 2 * idle - timedelta(minutes=2)):
        assert client.get("/").status_code == 200
    # ...but one idle period without a request ends it.
    with freeze_time(start + 3 * idle):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_session_is_written_at_most_once_per_refresh_interval(org, login, settings):
    def session_writes(queries):
        return [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]

    start = timezone.now()
    with freeze_time(start):
        client = login(org.sxd_staff)  # the sign-in writes the session once, marked as just extended
        with CaptureQueriesContext(connection) as first:
            assert client.get("/").status_code == 200
    assert not session_writes(first)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date
    refresh = timedelta(seconds=settings.VPDT_SESSION_REFRESH_SECONDS)
    with freeze_time(start + refresh / 2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
    assert not session_writes(queries)
    assert Session.objects.get(session_key=key).expire_date == expiry
    with freeze_time(start + refresh * 2):
        assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry + refresh * 2
