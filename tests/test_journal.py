"""The append-only, hash-chained journal: what is recorded, tamper detection, who may read it."""

import json
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from freezegun import freeze_time

from tests.conftest import PASSWORD, make_person
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason, User
from vpdt.directory.models import Role
from vpdt.journal import chain, policies
from vpdt.journal import services as journal
from vpdt.journal.models import AppendOnlyError, JournalEntry, JournalHead

# Import the URLconf (and DRF's throttling, whose ``timer = time.time`` is bound at import) before any
# freezegun block, so the fake clock is never captured for the rest of the session.
import vpdt.urls  # noqa: F401  isort: skip

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
        entries.append(
            journal.record(
                "document.register",
                actor=org.sxd_clerk,
                agency=org.sxd,
                object_type="documents.incoming",
                object_id=1000 + i,
                object_repr=f"Công văn số {i}/UBND-KT",
                details={"so_den": i, "trich_yeu": f"V/v triển khai kế hoạch số {i} năm 2026 của UBND tỉnh"},
            )
        )
    return entries


def _tamper(sql, params=()):
    """Change journal rows behind the application's back (as a database administrator could)."""
    with chain.append_only_off(connection, "kiểm thử"), connection.cursor() as cursor:
        cursor.execute(sql, params)


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
    _assert_entry(_last("auth.login", object_id=str(person.pk)), actor=person, obj=person, agency=org.sxd, ip=STAFF_IP)
    new_password = "Bến-Thủy#2026"
    response = staff.post(
        "/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    entry = _last("account.password_change", object_id=str(person.pk))
    _assert_entry(entry, actor=person, obj=person, agency=org.sxd, ip=STAFF_IP)
    assert new_password not in json.dumps(entry.details, ensure_ascii=False)
    assert staff.post("/dang-xuat/").status_code == 302
    _assert_entry(_last("auth.logout", object_id=str(person.pk)), actor=person, obj=person, agency=org.sxd, ip=STAFF_IP)

    # Lock and unlock by the agency administrator.
    response = admin.post(
        f"/can-bo/{person.pk}/lock/", {"reason": "compromised", "note": "Lộ mật khẩu qua thư giả mạo"}
    )
    assert response.status_code == 302
    entry = _last("account.lock", object_id=str(person.pk))
    _assert_entry(entry, actor=org.sxd_admin, obj=User.objects.get(pk=person.pk), agency=org.sxd, ip=ADMIN_IP)
    assert entry.details == {
        "from": "active",
        "to": "locked",
        "reason": "compromised",
        "note": "Lộ mật khẩu qua thư giả mạo",
    }
    admin.post(f"/can-bo/{person.pk}/unlock/", {"note": "Đã đổi mật khẩu và xác minh với cán bộ"})
    entry = _last("account.unlock", object_id=str(person.pk))
    _assert_entry(entry, actor=org.sxd_admin, obj=User.objects.get(pk=person.pk), agency=org.sxd, ip=ADMIN_IP)
    assert entry.details["note"] == "Đã đổi mật khẩu và xác minh với cán bộ"

    # Account creation.
    response = admin.post(
        "/can-bo/tao/",
        {
            "full_name": "Nguyễn Thị Thanh Hương",
            "birth_date": "14/02/1990",
            "email": "huongntt@sxd.nghean.gov.vn",
            "phone": "0238 3844 123",
            "agency": org.sxd.pk,
            "unit": org.sxd_khtc.pk,
            "title": "Chuyên viên",
            "role": Role.STAFF,
            "username": "",
            "is_organisational": "",
        },
    )
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
    assert entry.details == {"username": org.stttt_staff.username, "ip": STAFF_IP, "scope": "pair"}


def test_failed_login_for_an_unknown_name_is_journaled_without_agency(db):
    Client(REMOTE_ADDR=STAFF_IP).post("/dang-nhap/", {"username": "khongtontai", "password": "Sai-mật-khẩu#1"})
    entry = _last("auth.login_failed")
    assert entry.object_repr == "khongtontai" and entry.object_id == "" and entry.agency_id is None
    assert entry.actor_id is None and entry.ip == STAFF_IP


# --- Sealing (tampering scenarios: tests/test_journal_integrity.py) ---------------------------------


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
        early = journal.record(
            "document.register", actor=org.sxd_clerk, agency=org.sxd, object_repr="Công văn số 15/UBND-KT"
        )
    with freeze_time(datetime(2026, 3, 10, 23, 30, tzinfo=VN)):  # still 10/03 in Việt Nam, 16:30 UTC
        late_evening = journal.record(
            "document.register", actor=org.sxd_clerk, agency=org.sxd, object_repr="Công văn số 16/UBND-KT"
        )
    with freeze_time(datetime(2026, 3, 11, 0, 30, tzinfo=VN)):  # 11/03 in Việt Nam, still 10/03 in UTC
        after_midnight = journal.record(
            "document.register", actor=org.sxd_clerk, agency=org.sxd, object_repr="Công văn số 17/UBND-KT"
        )
    with freeze_time(datetime(2026, 3, 20, 14, 0, tzinfo=VN)):
        later = journal.record(
            "document.register", actor=org.sxd_clerk, agency=org.sxd, object_repr="Quyết định số 120/QĐ-UBND"
        )
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
    assert {r["action"] for r in response.json()["results"]} <= {
        "auth.login",
        "auth.login_failed",
        "auth.login_refused",
    }
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


# --- Content: events for administrators, content only for who may see the object ----------------------

DIRECTION = "Giao Phòng KH-TC chủ trì tham mưu văn bản trả lời Sở Kế hoạch và Đầu tư, báo cáo trước ngày 15/12."
OPINION = "Đ/c Lan tổng hợp số liệu giải ngân của dự án Đại lộ Vinh – Cửa Lò."
NOTE = "Đã làm việc với Ban Quản lý dự án về tiến độ giải phóng mặt bằng đoạn qua xã Nghi Phú."


@pytest.fixture
def processed(org):
    """An incoming document of Sở Xây dựng, directed, distributed and noted; and a deputy director who also
    looks after IT (so reads the journal) and, as a leader of the agency, may see the document."""
    import datetime as dt

    from vpdt.catalog.models import DocumentType
    from vpdt.directory import services as directory
    from vpdt.incoming import services as incoming

    org.deputy = make_person(org.sxd, "Nguyễn Hữu Phước", Role.LEADER, title="Phó Giám đốc Sở")
    directory.assign_position(
        None,
        org.deputy,
        agency=org.sxd,
        unit=org.sxd_vp,
        title="Phụ trách công nghệ thông tin",
        role=Role.IT_OFFICER,
        is_primary=False,
    )
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        issuer_name="Sở Kế hoạch và Đầu tư tỉnh Nghệ An",
        issuer_code="000.00.09.H41",
        code_number="2468",
        code_notation="SKHĐT-KTĐN",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        signer_name="Lê Văn Hùng",
        signer_position="Giám đốc",
        subject="V/v đề nghị điều chỉnh vốn đầu tư công dự án Đại lộ Vinh – Cửa Lò",
    ).document
    incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)
    incoming.direct(
        org.sxd_leader,
        doc,
        direction=DIRECTION,
        deadline=dt.date.today() + dt.timedelta(days=10),
        targets=[incoming.Target("lead", unit=org.sxd_khtc)],
    )
    lead = doc.assignments.get(unit=org.sxd_khtc, parent__isnull=True)
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff, opinion=OPINION)
    incoming.add_note(org.sxd_staff, child, "progress", NOTE)
    doc.refresh_from_db()
    org.doc = doc
    return org


def _document_rows(rows, doc):
    return [r for r in rows if r["object_type"] == "incoming.incomingdocument" and r["object_id"] == str(doc.pk)]


def test_administrators_see_the_events_of_a_document_but_not_its_content(processed, login, api):
    org, doc = processed, processed.doc
    for admin in (org.province_admin, org.sxd_admin):
        response = login(admin).get("/nhat-ky/", {"agency": org.sxd.pk})
        assert response.status_code == 200
        html = response.content.decode()
        entries = [
            e
            for e in response.context["page"].items
            if e.object_id == str(doc.pk) and e.object_type == "incoming.incomingdocument"
        ]
        assert {e.action for e in entries} >= {
            "incoming.register",
            "incoming.direct",
            "incoming.assignment.distribute",
            "incoming.assignment.note",
        }
        assert not any(e.content_visible for e in entries)
        assert f"văn bản đến #{doc.pk}" in html and policies.HIDDEN_NOTE in html
        assert org.sxd_leader.full_name in html  # who did it stays visible
        for secret in (str(doc), DIRECTION, OPINION, NOTE, "Đại lộ Vinh"):
            assert secret not in html

        rows = _document_rows(
            api(admin).get("/api/v1/journal/", {"agency": org.sxd.pk, "page_size": 200}).json()["results"], doc
        )
        assert {r["action"] for r in rows} >= {"incoming.register", "incoming.direct", "incoming.assignment.note"}
        assert all(r["object_repr"] is None and r["details"] is None and r["content_visible"] is False for r in rows)
        assert all(r["actor_repr"] and r["created_at"] for r in rows)
        one = api(admin).get(f"/api/v1/journal/{rows[0]['seq']}/").json()
        assert one["details"] is None and one["object_repr"] is None
        # Searching by the object's name cannot reveal what the list hides.
        assert not _document_rows(api(admin).get("/api/v1/journal/", {"object": "SKHĐT-KTĐN"}).json()["results"], doc)
        assert not [
            e
            for e in login(admin).get("/nhat-ky/", {"object": "SKHĐT"}).context["page"].items
            if e.object_id == str(doc.pk)
        ]

    # Account events stay the administrators' business.
    accounts.lock(org.sxd_admin, org.sxd_staff, StatusReason.AGENCY_REQUEST, "Theo Công văn số 215/SXD-VP")
    html = login(org.province_admin).get("/nhat-ky/", {"action": "account.lock"}).content.decode()
    assert "Theo Công văn số 215/SXD-VP" in html and str(org.sxd_staff) in html


def test_a_leader_who_may_see_the_document_reads_its_content(processed, login, api, monkeypatch):
    org, doc = processed, processed.doc
    response = login(org.deputy).get("/nhat-ky/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (f"số {doc.arrival_number}/{doc.year} (2468/SKHĐT-KTĐN)", DIRECTION, OPINION, NOTE):
        assert text in html
    rows = _document_rows(api(org.deputy).get("/api/v1/journal/", {"page_size": 200}).json()["results"], doc)
    assert rows and all(r["content_visible"] for r in rows)
    by_action = {r["action"]: r for r in rows}
    assert by_action["incoming.register"]["object_repr"] == str(doc)
    assert by_action["incoming.direct"]["details"]["direction"] == DIRECTION
    assert by_action["incoming.assignment.note"]["details"]["text"] == NOTE
    found = api(org.deputy).get("/api/v1/journal/", {"object": "SKHĐT-KTĐN"}).json()["results"]
    assert _document_rows(found, doc)

    # A "record" predicate, when the model registers one, decides instead of "view" — whatever is registered when
    # the journal is read (here: a processing record restricted to the directing leader).
    from vpdt.core import authz
    from vpdt.incoming.models import IncomingDocument

    record = {
        **authz._policies.get("record", {}),
        IncomingDocument: lambda scope: Q(leader_id=scope.user_id) if scope.user_id else authz.NOTHING,
    }
    with monkeypatch.context() as patch:
        patch.setitem(authz._policies, "record", record)
        rows = _document_rows(api(org.deputy).get("/api/v1/journal/", {"page_size": 200}).json()["results"], doc)
        assert rows and not any(r["content_visible"] for r in rows)

    # The IT officer of the agency reads the events, not the content.
    it = make_person(org.sxd, "Trần Quang Vinh", Role.IT_OFFICER, org.sxd_vp)
    html = login(it).get("/nhat-ky/").content.decode()
    assert f"văn bản đến #{doc.pk}" in html and DIRECTION not in html and NOTE not in html


def test_a_page_tells_content_with_one_query_for_its_own_object_types(processed, django_assert_num_queries):
    """The page's entries get the same answer as the CASE over every type, in one query for the document types on
    the page and none for a page of administration entries only."""
    from vpdt.core.authz import scope_of

    org = processed
    for reader in (org.deputy, org.sxd_admin, org.province_admin):
        entries = list(policies.readable(reader).order_by("-seq"))
        types = {e.object_type for e in entries}
        assert "incoming.incomingdocument" in types and "accounts.user" in types
        whole = dict(
            policies.readable(reader)
            .annotate(shown=policies.content_visible(scope_of(reader)))
            .values_list("pk", "shown")
        )
        with django_assert_num_queries(1):
            marked = policies.mark_content(entries, reader)
        assert {e.pk: e.content_visible for e in marked} == {pk: bool(shown) for pk, shown in whole.items()}
        assert any(e.content_visible for e in marked) and (reader == org.deputy) == all(
            e.content_visible for e in marked if e.object_type == "incoming.incomingdocument"
        )
        administration = [e for e in entries if e.object_type == "accounts.user"]
        with django_assert_num_queries(0):
            assert all(e.content_visible for e in policies.mark_content(administration, reader))


# --- Concurrency ---------------------------------------------------------------------------------


@pytest.mark.skipif(
    not IS_POSTGRES, reason="needs PostgreSQL: concurrent writers with row locks (SQLite serialises all writers anyway)"
)
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
                    journal.record(
                        "document.view", details={"luong": n, "lan": i}, object_repr=f"Công văn số {n}/UBND-KT"
                    )
        except Exception as exc:
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
