"""The append-only, hash-chained journal: what is recorded, tamper detection, who may read it."""

import json
import threading
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from freezegun import freeze_time

from tests.conftest import PASSWORD
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason, User
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.journal.models import AppendOnlyError, JournalEntry, JournalHead

# Import the URLconf (and DRF's throttling, whose ``timer = time.time`` is bound at import) before any
# freezegun block, so the fake clock is never captured for the rest of the session.
import vpdt.urls  # noqa: E402, F401  isort: skip

VN = ZoneInfo("Asia/Ho_Chi_Minh")
IS_POSTGRES = connection.vendor == "postgresql"
ADMIN_IP = "10.41.1.10"
STAFF_IP = "10.41.12.34"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the API login throttle counts in the cache
    yield
    cache.clear()


def _last(action, **filters):
    return JournalEntry.objects.filter(action=action, **filters).order_by("-seq").first()


def _assert_entry(entry, *, actor, obj, agency, ip):
    assert entry is not None
    assert entry.actor_id == (actor.pk if actor else None)
    if actor is not None:
        assert entry.actor_repr == f"{actor.username} ({actor.full_name})"
    assert entry.object_type == "accounts.user" and entry.object_id == str(obj.pk)
    assert entry.object_repr == str(obj)
    assert entry.agency_id == agency.pk
    assert entry.ip == ip
    assert len(entry.hash) == 64 and entry.prev_hash != entry.hash


def _register_documents(org, n):
    """Realistic business entries: incoming documents registered by the clerk of Sở Xây dựng."""
    entries = []
    for i in range(1, n + 1):
        entries.append(journal.record(
            "document.register", actor=org.sxd_clerk, agency=org.sxd, object_type="documents.incoming",
            object_id=1000 + i, object_repr=f"Công văn số {i}/UBND-KT",
            details={"so_den": i, "trich_yeu": f"V/v triển khai kế hoạch số {i} năm 2026 của UBND tỉnh"}))
    return entries


def _tamper(sql, params=()):
    """Change journal rows behind the application's back (as a database administrator could)."""
    with connection.cursor() as cursor:
        if IS_POSTGRES:
            cursor.execute("ALTER TABLE journal_journalentry DISABLE TRIGGER journal_append_only")
        cursor.execute(sql, params)
        if IS_POSTGRES:
            cursor.execute("ALTER TABLE journal_journalentry ENABLE TRIGGER journal_append_only")


def _json_param():
    return "%s::jsonb" if IS_POSTGRES else "%s"


# --- What is recorded ----------------------------------------------------------------------------


def test_security_and_account_events_are_journaled_with_actor_object_agency_and_ip(org):
    person = org.sxd_staff
    admin = Client(REMOTE_ADDR=ADMIN_IP)
    assert admin.post("/dang-nhap/", {"username": org.sxd_admin.username, "password": PASSWORD}).status_code == 302

    # Failed login.
    staff = Client(REMOTE_ADDR=STAFF_IP)
    staff.post("/dang-nhap/", {"username": person.username, "password": "Sai-mật-khẩu#1"})
    entry = _last("auth.login_failed", object_id=str(person.pk))
    _assert_entry(entry, actor=None, obj=person, agency=org.sxd, ip=STAFF_IP)
    assert entry.details == {"username": person.username}

    # Login, password change, logout.
    assert staff.post("/dang-nhap/", {"username": person.username, "password": PASSWORD}).status_code == 302
    _assert_entry(_last("auth.login", object_id=str(person.pk)), actor=person, obj=person, agency=org.sxd,
                  ip=STAFF_IP)
    new_password = "Bến-Thủy#2026"
    response = staff.post("/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": new_password,
                                             "new_password2": new_password})
    assert response.status_code == 302
    entry = _last("account.password_change", object_id=str(person.pk))
    _assert_entry(entry, actor=person, obj=person, agency=org.sxd, ip=STAFF_IP)
    assert new_password not in json.dumps(entry.details, ensure_ascii=False)
    assert staff.post("/dang-xuat/").status_code == 302
    _assert_entry(_last("auth.logout", object_id=str(person.pk)), actor=person, obj=person, agency=org.sxd,
                  ip=STAFF_IP)

    # Lock and unlock by the agency administrator.
    response = admin.post(f"/can-bo/{person.pk}/lock/",
                          {"reason": "compromised", "note": "Lộ mật khẩu qua thư giả mạo"})
    assert response.status_code == 302
    entry = _last("account.lock", object_id=str(person.pk))
    _assert_entry(entry, actor=org.sxd_admin, obj=User.objects.get(pk=person.pk), agency=org.sxd, ip=ADMIN_IP)
    assert entry.details == {"from": "active", "to": "locked", "reason": "compromised",
                             "note": "Lộ mật khẩu qua thư giả mạo"}
    admin.post(f"/can-bo/{person.pk}/unlock/", {"note": "Đã đổi mật khẩu và xác minh với cán bộ"})
    entry = _last("account.unlock", object_id=str(person.pk))
    _assert_entry(entry, actor=org.sxd_admin, obj=User.objects.get(pk=person.pk), agency=org.sxd, ip=ADMIN_IP)
    assert entry.details["note"] == "Đã đổi mật khẩu và xác minh với cán bộ"

    # Account creation.
    response = admin.post("/can-bo/tao/", {
        "full_name": "Nguyễn Thị Thanh Hương", "birth_date": "14/02/1990", "email": "huongntt@sxd.nghean.gov.vn",
        "phone": "0238 3844 123", "agency": org.sxd.pk, "unit": org.sxd_khtc.pk, "title": "Chuyên viên",
        "role": Role.STAFF, "username": "", "is_organisational": ""})
    assert response.status_code == 200, response.content.decode()[:2000]
    created = User.objects.get(full_name="Nguyễn Thị Thanh Hương")
    entry = _last("account.create", object_id=str(created.pk))
    _assert_entry(entry, actor=org.sxd_admin, obj=created, agency=org.sxd, ip=ADMIN_IP)
    assert entry.details == {"username": created.username, "full_name": "Nguyễn Thị Thanh Hương"}
    assert response.context["password"] not in json.dumps(entry.details)

    assert journal.verify().ok


def test_lockout_is_journaled(org):
    client = Client(REMOTE_ADDR=STAFF_IP)
    for _ in range(5):
        client.post("/dang-nhap/", {"username": org.stttt_staff.username, "password": "Sai-mật-khẩu#1"})
    entry = _last("auth.lockout", object_id=str(org.stttt_staff.pk))
    _assert_entry(entry, actor=None, obj=org.stttt_staff, agency=org.stttt, ip=STAFF_IP)
    assert entry.details == {"username": org.stttt_staff.username, "ip": STAFF_IP}


def test_failed_login_for_an_unknown_name_is_journaled_without_agency(db):
    Client(REMOTE_ADDR=STAFF_IP).post("/dang-nhap/", {"username": "khongtontai", "password": "Sai-mật-khẩu#1"})
    entry = _last("auth.login_failed")
    assert entry.object_repr == "khongtontai" and entry.object_id == "" and entry.agency_id is None
    assert entry.actor_id is None and entry.ip == STAFF_IP


# --- Hash chain ----------------------------------------------------------------------------------


def test_chain_verifies_after_many_entries(org):
    _register_documents(org, 120)
    head = JournalHead.objects.get(pk=1)
    entries = list(JournalEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert head.seq == entries[-1].seq and head.hash == entries[-1].hash
    assert entries[0].prev_hash == journal.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    result = journal.verify(batch=50)  # several batches
    assert result.ok and result.problems == []
    assert result.checked == len(entries) == journal.count()


def test_editing_details_is_reported_for_that_entry(org):
    target = _register_documents(org, 20)[9]
    _tamper(f"UPDATE journal_journalentry SET details = {_json_param()} WHERE seq = %s",
            [json.dumps({"so_den": 10, "trich_yeu": "Nội dung đã bị sửa"}, ensure_ascii=False), target.seq])
    assert JournalEntry.objects.get(seq=target.seq).details["trich_yeu"] == "Nội dung đã bị sửa"
    result = journal.verify()
    assert result.problems == [f"Mục #{target.seq}: nội dung đã bị sửa (hash không khớp)."]


def test_editing_action_is_reported_for_that_entry(org):
    target = _register_documents(org, 20)[4]
    _tamper("UPDATE journal_journalentry SET action = %s WHERE seq = %s", ["document.view", target.seq])
    assert journal.verify().problems == [f"Mục #{target.seq}: nội dung đã bị sửa (hash không khớp)."]


def test_editing_and_rehashing_an_entry_breaks_the_link_to_the_next(org):
    target = _register_documents(org, 20)[4]
    forged = JournalEntry.objects.get(seq=target.seq)
    forged.details = {"so_den": 5, "trich_yeu": "Giả mạo"}
    _tamper(f"UPDATE journal_journalentry SET details = {_json_param()}, hash = %s WHERE seq = %s",
            [json.dumps(forged.details, ensure_ascii=False), journal.compute_hash(forged.prev_hash, forged),
             target.seq])
    assert journal.verify().problems == [f"Mục #{target.seq + 1}: liên kết với mục trước không khớp."]


def test_deleting_a_middle_entry_is_reported_as_missing(org):
    target = _register_documents(org, 20)[7]
    _tamper("DELETE FROM journal_journalentry WHERE seq = %s", [target.seq])
    result = journal.verify()
    assert f"Thiếu mục nhật ký #{target.seq}–#{target.seq} (đã bị xóa)." in result.problems
    assert f"Mục #{target.seq + 1}: liên kết với mục trước không khớp." in result.problems
    assert len(result.problems) == 2


def test_deleting_the_last_entry_is_reported_through_the_head(org):
    last = _register_documents(org, 5)[-1]
    _tamper("DELETE FROM journal_journalentry WHERE seq = %s", [last.seq])
    result = journal.verify()
    assert result.problems == [f"Đầu chuỗi ghi #{last.seq} nhưng mục cuối cùng là #{last.seq - 1}: "
                               f"có mục cuối đã bị xóa hoặc sửa."]


@pytest.mark.skipif(not IS_POSTGRES, reason="the append-only trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_raw_update_and_delete(org):
    import psycopg

    seq = _register_documents(org, 3)[1].seq
    for sql in ("UPDATE journal_journalentry SET action = 'document.view' WHERE seq = %s",
                "DELETE FROM journal_journalentry WHERE seq = %s"):
        # PL/pgSQL RAISE EXCEPTION (SQLSTATE P0001) reaches Django as ProgrammingError with psycopg 3.
        with pytest.raises(DatabaseError, match="append-only") as excinfo:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [seq])
        assert isinstance(excinfo.value.__cause__, psycopg.errors.RaiseException)
    assert JournalEntry.objects.get(seq=seq).action == "document.register"
    assert journal.verify().ok


def test_model_and_queryset_refuse_changes(org):
    entry = _register_documents(org, 3)[1]
    entry.action = "document.view"
    with pytest.raises(AppendOnlyError, match="không được sửa"):
        entry.save()
    with pytest.raises(AppendOnlyError, match="không được xóa"):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(seq=entry.seq).update(action="document.view")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(seq=entry.seq).delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # bulk_update marks the transaction failed
        JournalEntry.objects.bulk_update([entry], ["action"])
    assert JournalEntry.objects.get(seq=entry.seq).action == "document.register"
    assert journal.verify().ok


def test_verify_journal_command(org):
    _register_documents(org, 10)
    out, err = StringIO(), StringIO()
    call_command("verify_journal", stdout=out, stderr=err, verbosity=0)
    assert f"Nhật ký toàn vẹn: {JournalEntry.objects.count()} mục." in out.getvalue()

    _tamper("UPDATE journal_journalentry SET object_repr = %s WHERE seq = %s", ["Công văn số 99/UBND-KT", 3])
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Nhật ký KHÔNG toàn vẹn: 1 vấn đề trên"):
        call_command("verify_journal", stdout=out, stderr=err, verbosity=0)
    assert "Mục #3: nội dung đã bị sửa (hash không khớp)." in err.getvalue()


# --- The journal screen and API ------------------------------------------------------------------


def _sign_in_everyone(org, login):
    for person in (org.sxd_staff, org.stttt_staff, org.ht_staff):
        login(person)


def test_journal_screen_is_scoped(org, login):
    _sign_in_everyone(org, login)
    response = login(org.sxd_admin).get("/nhat-ky/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["page"].items
    assert rows and {e.agency_id for e in rows} == {org.sxd.pk}
    assert str(org.sxd_staff) in html
    assert str(org.stttt_staff) not in html and str(org.ht_staff) not in html

    rows = login(org.province_admin).get("/nhat-ky/").context["page"].items
    agencies = {e.agency_id for e in rows}
    assert {org.sxd.pk, org.stttt.pk} <= agencies and org.other_province.pk not in agencies

    rows = login(org.stttt_it).get("/nhat-ky/").context["page"].items  # IT officer: own agency
    assert rows and {e.agency_id for e in rows} == {org.stttt.pk}

    rows = login(org.ht_admin).get("/nhat-ky/").context["page"].items
    assert rows and {e.agency_id for e in rows} == {org.other_province.pk}

    for person in (org.sxd_staff, org.sxd_clerk, org.sxd_leader):
        response = login(person).get("/nhat-ky/")
        assert response.status_code == 403
        assert "Chỉ quản trị hệ thống và cán bộ CNTT được xem nhật ký." in response.content.decode()


def test_journal_screen_filters(org, login):
    _sign_in_everyone(org, login)
    with freeze_time(datetime(2026, 3, 10, 9, 0, tzinfo=VN)):
        early = journal.record("document.register", actor=org.sxd_clerk, agency=org.sxd,
                               object_repr="Công văn số 15/UBND-KT")
    with freeze_time(datetime(2026, 3, 10, 23, 30, tzinfo=VN)):  # still 10/03 in Việt Nam, 16:30 UTC
        late_evening = journal.record("document.register", actor=org.sxd_clerk, agency=org.sxd,
                                      object_repr="Công văn số 16/UBND-KT")
    with freeze_time(datetime(2026, 3, 11, 0, 30, tzinfo=VN)):  # 11/03 in Việt Nam, still 10/03 in UTC
        after_midnight = journal.record("document.register", actor=org.sxd_clerk, agency=org.sxd,
                                        object_repr="Công văn số 17/UBND-KT")
    with freeze_time(datetime(2026, 3, 20, 14, 0, tzinfo=VN)):
        later = journal.record("document.register", actor=org.sxd_clerk, agency=org.sxd,
                               object_repr="Quyết định số 120/QĐ-UBND")
    client = login(org.sxd_admin)

    def seqs(**params):
        response = client.get("/nhat-ky/", params)
        assert response.status_code == 200
        assert not response.context["errors"]
        return {e.seq for e in response.context["page"].items}

    auth_rows = client.get("/nhat-ky/", {"action": "auth."}).context["page"].items
    assert auth_rows and all(e.action.startswith("auth.") for e in auth_rows)
    assert {e.action for e in auth_rows} >= {"auth.login"}
    assert seqs(action="document.") == {early.seq, late_evening.seq, after_midnight.seq, later.seq}

    clerk_rows = client.get("/nhat-ky/", {"actor": org.sxd_clerk.full_name}).context["page"].items
    assert {e.seq for e in clerk_rows} == {early.seq, late_evening.seq, after_midnight.seq, later.seq}
    staff_rows = client.get("/nhat-ky/", {"actor": org.sxd_staff.username}).context["page"].items
    assert staff_rows and {e.actor_id for e in staff_rows} == {org.sxd_staff.pk}

    assert seqs(date_from="01/03/2026", date_to="10/03/2026") == {early.seq, late_evening.seq}
    assert seqs(date_from="11/03/2026", date_to="15/03/2026") == {after_midnight.seq}
    assert seqs(date_from="15/03/2026", date_to="31/03/2026") == {later.seq}
    assert seqs(date_from="2026-03-20", date_to="2026-03-20") == {later.seq}  # ISO is accepted too
    assert seqs(action="document.", date_to="09/03/2026") == set()

    response = client.get("/nhat-ky/", {"date_from": "31/02/2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày “31/02/2026” không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in html
    assert 'class="alert alert-warning"' in html
    response = client.get("/nhat-ky/", {"date_to": "hôm qua"})
    assert response.status_code == 200 and "Ngày “hôm qua” không hợp lệ" in response.content.decode()


def test_journal_api_is_scoped_and_filtered(org, login, api):
    _sign_in_everyone(org, login)
    other = _last("auth.login", object_id=str(org.stttt_staff.pk))

    client = api(org.sxd_admin)
    response = client.get("/api/v1/journal/", {"page_size": 200})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and {r["agency"] for r in results} == {org.sxd.pk}
    assert [r["seq"] for r in results] == sorted((r["seq"] for r in results), reverse=True)
    assert client.get(f"/api/v1/journal/{other.seq}/").status_code == 404
    mine = _last("auth.login", object_id=str(org.sxd_staff.pk))
    body = client.get(f"/api/v1/journal/{mine.seq}/").json()
    assert body["hash"] == mine.hash and body["actor"] == org.sxd_staff.pk and body["ip"] == "127.0.0.1"

    response = client.get("/api/v1/journal/", {"action": "auth.login", "page_size": 200})
    assert {r["action"] for r in response.json()["results"]} <= {"auth.login", "auth.login_failed",
                                                                 "auth.login_refused"}
    assert any(r["action"] == "auth.login" for r in response.json()["results"])
    response = client.get("/api/v1/journal/", {"date_from": "31/02/2026"})
    assert response.status_code == 400
    assert "Ngày “31/02/2026” không hợp lệ, hãy nhập theo dạng dd/mm/yyyy." in str(response.json())

    results = api(org.province_admin).get("/api/v1/journal/", {"page_size": 200}).json()["results"]
    agencies = {r["agency"] for r in results}
    assert {org.sxd.pk, org.stttt.pk} <= agencies and org.other_province.pk not in agencies

    response = api(org.sxd_staff).get("/api/v1/journal/")
    assert response.status_code == 403
    assert "quản trị" in response.json()["detail"]


def test_journal_verify_api_is_for_province_admins_only(org, api):
    _register_documents(org, 5)
    response = api(org.province_admin).post("/api/v1/journal/verify/")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "checked": JournalEntry.objects.count(), "problems": []}
    for person in (org.sxd_admin, org.stttt_it, org.sxd_staff):
        response = api(person).post("/api/v1/journal/verify/")
        assert response.status_code == 403
        assert response.json() == {"detail": "Chỉ quản trị cấp tỉnh được kiểm tra toàn bộ chuỗi nhật ký."}

    _tamper("DELETE FROM journal_journalentry WHERE seq = %s", [4])
    body = api(org.ht_admin).post("/api/v1/journal/verify/").json()
    assert body["ok"] is False
    assert "Thiếu mục nhật ký #4–#4 (đã bị xóa)." in body["problems"]


def test_lock_by_admin_appears_on_the_journal_screen(org, login):
    accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "Theo Công văn số 215/SXD-VP")
    response = login(org.sxd_admin).get("/nhat-ky/", {"action": "account.lock"})
    rows = response.context["page"].items
    assert [e.object_id for e in rows] == [str(org.sxd_staff.pk)]
    assert "Theo Công văn số 215/SXD-VP" in response.content.decode()


# --- Concurrency ---------------------------------------------------------------------------------


@pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL: concurrent writers with row locks "
                                            "(SQLite serialises all writers anyway)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_consecutive_sequence_numbers():
    # A transactional test before this one may have flushed the chain head away.
    JournalHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": journal.GENESIS})
    first = journal.count() + 1
    threads_count, per_thread = 20, 5
    barrier = threading.Barrier(threads_count)
    errors = []

    def writer(n):
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                with transaction.atomic():
                    journal.record("document.view", details={"luong": n, "lan": i},
                                   object_repr=f"Công văn số {n}/UBND-KT")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    entries = list(JournalEntry.objects.filter(action="document.view").order_by("seq"))
    seqs = [e.seq for e in entries]
    assert seqs == list(range(first, first + threads_count * per_thread))
    per_writer = {}
    for e in entries:
        per_writer.setdefault(e.details["luong"], []).append(e.details["lan"])
    assert per_writer == {n: list(range(per_thread)) for n in range(threads_count)}
    result = journal.verify()
    assert result.ok, result.problems
    assert JournalHead.objects.get(pk=1).seq == seqs[-1]
