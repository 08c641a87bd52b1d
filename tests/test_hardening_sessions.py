"""A password change or reset ends every other way into the account: API tokens (knox) and browser sessions.
The person who changed their own password stays signed in where they did it; everything is journaled."""

from django.contrib.sessions.models import Session
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from vpdt.accounts.models import UserSession
from vpdt.journal.models import JournalEntry

NEW_PASSWORD = "Bến-Thủy#Cầu2026"
NEWER_PASSWORD = "Hồng-Lĩnh@Núi2027"


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _entry(action, user):
    return JournalEntry.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk)).get()


def _change_on_the_web(client, old, new):
    return client.post("/doi-mat-khau/", {"old_password": old, "new_password1": new, "new_password2": new})


def test_web_password_change_revokes_tokens_and_other_sessions_but_keeps_this_browser(org, login, api):
    person = org.sxd_staff
    phone_app = api(person)  # a token issued before the change (e.g. a stolen one)
    office_pc, home_pc = login(person), login(person)
    home_key = home_pc.session.session_key
    assert phone_app.get("/api/v1/me/").status_code == 200

    response = _change_on_the_web(office_pc, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302

    assert phone_app.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=person).exists()
    assert not Session.objects.filter(session_key=home_key).exists()
    assert not _signed_in(home_pc)
    assert _signed_in(office_pc)  # signed in again under a new session key, which stays tracked
    kept = office_pc.session.session_key
    assert list(UserSession.objects.filter(user=person).values_list("session_key", flat=True)) == [kept]
    entry = _entry("account.password_change", person)
    assert entry.actor_id == person.pk
    assert entry.details["tokens_revoked"] == 1 and entry.details["sessions_ended"] == 1


def test_api_password_change_keeps_the_calling_token_only(org, login, api):
    person = org.sxd_clerk
    this_app, other_app = api(person), api(person)
    browser = login(person)
    response = this_app.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204, response.content
    assert this_app.get("/api/v1/me/").status_code == 200
    assert other_app.get("/api/v1/me/").status_code == 401
    assert not _signed_in(browser)
    assert AuthToken.objects.filter(user=person).count() == 1
    assert not UserSession.objects.filter(user=person).exists()
    assert _entry("account.password_change", person).details == {"tokens_revoked": 1, "sessions_ended": 1}


def test_api_password_change_from_a_browser_session_keeps_that_session(org, login, api):
    person = org.sxd_leader
    token_app = api(person)
    browser = APIClient(enforce_csrf_checks=False)
    browser.force_login(person)
    other = login(person)
    response = browser.post(
        "/api/v1/auth/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 204, response.content
    assert browser.get("/api/v1/me/").status_code == 200
    assert token_app.get("/api/v1/me/").status_code == 401
    assert not _signed_in(other)


def test_admin_password_reset_revokes_all_tokens_and_sessions(org, login, api):
    person = org.sxd_staff
    tokens = [api(person), api(person)]
    browsers = [login(person), login(person)]
    admin = login(org.sxd_admin)
    response = admin.post(f"/can-bo/{person.pk}/reset_password/")
    assert response.status_code == 200 and "mật khẩu" in response.content.decode().lower()

    assert all(client.get("/api/v1/me/").status_code == 401 for client in tokens)
    assert not any(_signed_in(client) for client in browsers)
    assert not AuthToken.objects.filter(user=person).exists()
    assert not UserSession.objects.filter(user=person).exists()
    assert _signed_in(admin)
    entry = _entry("account.password_reset", person)
    assert entry.actor_id == org.sxd_admin.pk
    assert entry.details == {"tokens_revoked": 2, "sessions_ended": 2}


def test_admin_password_reset_through_the_api(org, api):
    person = org.sxd_unit_leader
    victim_token = api(person)
    admin = api(org.sxd_admin)
    response = admin.post(f"/api/v1/users/{person.pk}/reset-password/")
    assert response.status_code == 200 and response.json()["one_time_password"]
    assert victim_token.get("/api/v1/me/").status_code == 401
    assert admin.get("/api/v1/me/").status_code == 200


def test_a_second_change_still_finds_the_kept_session(org, login, api):
    """The session kept across a change is signed out by the next one made elsewhere (its new key is tracked)."""
    person = org.sxd_staff
    office_pc = login(person)
    assert _change_on_the_web(office_pc, PASSWORD, NEW_PASSWORD).status_code == 302
    cache.clear()
    laptop = login(person, NEW_PASSWORD)
    assert _change_on_the_web(laptop, NEW_PASSWORD, NEWER_PASSWORD).status_code == 302
    assert not _signed_in(office_pc) and _signed_in(laptop)
    assert UserSession.objects.filter(user=person).count() == 1
