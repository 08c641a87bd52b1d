"""Failed logins: locked per (username, address) pair, slowed down per username, and the username locked only after
many failures from many addresses. The login form and the API login behave the same, in Vietnamese."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from vpdt.accounts import services as accounts
from vpdt.journal.models import JournalEntry

import vpdt.urls  # noqa: F401  isort: skip  (DRF's throttle clock bound outside frozen time)

WRONG = "Sai-mật-khẩu#2026"
INVALID = "Tên đăng nhập hoặc mật khẩu không đúng."
PAIR = (
    "Tài khoản tạm thời bị khóa do đăng nhập sai quá 5 lần từ địa chỉ mạng này. "
    "Vui lòng thử lại sau 30 phút hoặc liên hệ quản trị hệ thống."
)
USERNAME = (
    "Tài khoản tạm thời bị khóa do bị đăng nhập sai nhiều lần từ nhiều địa chỉ khác nhau "
    "(nghi bị dò mật khẩu). Vui lòng thử lại sau 30 phút hoặc liên hệ quản trị hệ thống."
)


def wait_message(seconds):
    return (
        f"Tài khoản này vừa bị đăng nhập sai nhiều lần. Vui lòng đợi {seconds} giây rồi thử lại "
        "(mỗi lần sai tiếp theo phải đợi lâu hơn)."
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the API login throttle counts per address in the cache
    yield
    cache.clear()


def web(username, password, ip):
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    text = response.content.decode()
    waiting = re.search(re.escape(wait_message(999)).replace("999", r"\d+"), text)
    known = [m for m in (PAIR, USERNAME, INVALID) if m in text] + ([waiting.group(0)] if waiting else [])
    return response.status_code, known[0] if known else text[:200], response


def api(username, password, ip):
    response = APIClient(REMOTE_ADDR=ip).post(
        "/api/v1/auth/login/", {"username": username, "password": password}, format="json"
    )
    return response.status_code, response.json().get("detail", "token" if "token" in response.json() else ""), response


def test_a_colleague_cannot_lock_someone_out_from_one_address(org):
    person = org.sxd_staff
    answers = [web(person.username, WRONG, "10.41.12.50")[:2] for _ in range(8)]
    answers += [api(person.username, WRONG, "10.41.12.50")[:2] for _ in range(4)]
    assert answers == [(200, INVALID)] * 4 + [(429, PAIR)] * 4 + [(429, PAIR)] * 4
    # The colleague's machine is refused even with the right password; the owner's machine is not.
    assert web(person.username, PASSWORD, "10.41.12.50")[:2] == (429, PAIR)
    assert web(person.username, PASSWORD, "10.41.12.7")[0] == 302
    assert api(person.username, PASSWORD, "10.41.12.7")[:2] == (200, "token")
    lockout = JournalEntry.objects.filter(action="auth.lockout", object_id=str(person.pk)).first()
    assert lockout.ip == "10.41.12.50" and lockout.details["scope"] == "pair"


@pytest.mark.parametrize("channel", [web, api])
def test_the_same_pair_is_locked(org, channel):
    person = org.sxd_clerk
    assert [channel(person.username, WRONG, "10.41.12.8")[:2] for _ in range(5)] == [
        (200 if channel is web else 400, INVALID)
    ] * 4 + [(429, PAIR)]
    status, message, response = channel(person.username, PASSWORD, "10.41.12.8")
    assert (status, message) == (429, PAIR) and response["Retry-After"] == "1800"
    assert accounts.login_locked_out(person)
    # Refused attempts are not counted: the pair holds 5 failures, not more.
    from axes.models import AccessAttempt

    assert (
        sum(AccessAttempt.objects.filter(username=person.username).values_list("failures_since_start", flat=True)) == 5
    )


@pytest.mark.parametrize("channel", [web, api])
def test_many_addresses_lock_the_username(org, settings, channel):
    settings.VPDT_LOGIN_SLOWDOWN_AFTER = 1000  # this test is about the lock, not the slow-down
    settings.VPDT_LOGIN_USERNAME_LOCK_FAILURES, settings.VPDT_LOGIN_USERNAME_LOCK_ADDRESSES = 12, 4
    person = org.sxd_leader
    invalid = (200 if channel is web else 400, INVALID)
    # Many failures from too few addresses lock those pairs only.
    for ip in ("172.16.0.1", "172.16.0.2"):
        assert [channel(person.username, WRONG, ip)[:2] for _ in range(5)][-1] == (429, PAIR)
    assert channel(person.username, PASSWORD, "172.16.0.9")[:2] != (429, USERNAME)
    accounts.unlock(org.sxd_admin, person, "Cán bộ xác nhận chính mình nhập sai")  # clean slate
    cache.clear()
    # 12 failures from 4 addresses: the username is locked everywhere, the owner's machine included.
    answers = [channel(person.username, WRONG, f"203.0.113.{n}")[:2] for n in range(1, 5) for _ in range(3)]
    assert answers == [invalid] * 11 + [(429, USERNAME)]
    assert channel(person.username, PASSWORD, "10.41.12.7")[:2] == (429, USERNAME)
    assert web(person.username, PASSWORD, "10.41.12.77")[:2] == (429, USERNAME)
    assert accounts.login_locked_out(person)
    entry = JournalEntry.objects.filter(action="auth.lockout", object_id=str(person.pk)).order_by("seq").last()
    assert entry.details["scope"] == "username"
    # An administrator lifts it.
    accounts.unlock(org.sxd_admin, person, "Đã đổi mật khẩu và xác minh qua điện thoại")
    assert channel(person.username, PASSWORD, "10.41.12.7")[0] in (200, 302)


def test_username_slow_down_doubles_and_is_the_same_on_both_channels(org):
    person = org.sxd_unit_leader
    start = timezone.now()
    with freeze_time(start) as clock:
        for ip in ("198.51.100.1", "198.51.100.2"):  # 10 failures (the slow-down threshold), 5 per address
            for _ in range(5):
                web(person.username, WRONG, ip)
                clock.tick(timedelta(milliseconds=10))
        status, message, response = web(person.username, PASSWORD, "198.51.100.3")
        assert (status, message) == (429, wait_message(1)) and response["Retry-After"] == "1"
        assert api(person.username, PASSWORD, "198.51.100.4")[:2] == (429, wait_message(1))
        clock.tick(timedelta(seconds=2))
        assert api(person.username, WRONG, "198.51.100.4")[:2] == (400, INVALID)  # heard, and counted: 11
        assert api(person.username, PASSWORD, "198.51.100.4")[:2] == (429, wait_message(2))
        clock.tick(timedelta(seconds=1))
        assert web(person.username, PASSWORD, "198.51.100.3")[:2] == (429, wait_message(1))
        clock.tick(timedelta(seconds=1))
        assert web(person.username, PASSWORD, "198.51.100.3")[0] == 302
    throttled = JournalEntry.objects.filter(action="auth.login_throttled", object_id=str(person.pk))
    assert throttled.count() == 4 and throttled.first().details["scope"] == "wait"


def test_slow_down_is_capped(org, settings):
    settings.VPDT_LOGIN_SLOWDOWN_AFTER, settings.VPDT_LOGIN_SLOWDOWN_MAX_SECONDS = 2, 5
    person = org.sxd_staff
    with freeze_time(timezone.now()) as clock:
        for n in range(1, 6):  # five addresses, one failure each, always waiting long enough
            web(person.username, WRONG, f"192.0.2.{n}")
            clock.tick(timedelta(seconds=10))
        clock.tick(timedelta(seconds=-10))
        assert web(person.username, PASSWORD, "192.0.2.9")[2]["Retry-After"] == "5"  # 2**3 capped at 5
