"""Delegation (ủy quyền): rules, expiry, non-transitivity, acting on behalf in incoming and outgoing work,
visibility, screens and API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType
from vpdt.core.authz import visible
from vpdt.delegation import services as delegation
from vpdt.delegation.models import Delegation
from vpdt.directory.models import Role
from vpdt.incoming import services as incoming
from vpdt.incoming.models import IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.journal.services import verify
from vpdt.notifications.models import Notification
from vpdt.outgoing import services as out
from vpdt.outgoing.models import OutgoingDocument, OutStatus

TODAY = dt.date(2026, 11, 25)


def delegate(org, delegator, delegate_to, *, scope="all", days=7, start=TODAY, actor=None):
    return delegation.create(
        actor or delegator,
        delegator=delegator,
        delegate=delegate_to,
        scope=scope,
        starts_on=start,
        ends_on=start + dt.timedelta(days=days),
        reason="Đi công tác tại Hà Nội",
        reference="15/GUQ-SXD",
    )


@shared_data.over("org")
def people(org):
    org.deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.LEADER, title="Phó Giám đốc")
    org.colleague = make_person(org.sxd, "Nguyễn Thị Mai", Role.STAFF, org.sxd_khtc)
    org.vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    return org


@freeze_time("2026-11-25 09:00:00+07:00")
def test_rules_and_notifications(people):
    org = people
    d = delegate(org, org.sxd_unit_leader, org.colleague, scope="incoming")
    assert Notification.objects.filter(user=org.colleague, text__contains="ủy quyền").exists()
    assert Notification.objects.filter(user=org.sxd_leader).exists()  # agency leaders are told too
    assert JournalEntry.objects.filter(action="delegation.create", object_id=str(d.pk)).exists()
    with pytest.raises(ValidationError) as err:
        delegation.create(
            org.sxd_staff, delegator=org.sxd_staff, delegate=org.stttt_staff, starts_on=TODAY, ends_on=TODAY, reason="x"
        )
    assert "cùng cơ quan" in str(err.value)
    with pytest.raises(ValidationError):
        delegation.create(
            org.sxd_staff, delegator=org.sxd_staff, delegate=org.sxd_staff, starts_on=TODAY, ends_on=TODAY, reason="x"
        )
    with pytest.raises(ValidationError, match="Đến ngày"):
        delegation.create(
            org.sxd_staff,
            delegator=org.sxd_staff,
            delegate=org.colleague,
            starts_on=TODAY,
            ends_on=TODAY - dt.timedelta(days=1),
            reason="x",
        )
    with pytest.raises(ValidationError, match="12 tháng"):
        delegation.create(
            org.sxd_staff,
            delegator=org.sxd_staff,
            delegate=org.colleague,
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=400),
            reason="x",
        )
    with pytest.raises(ValidationError, match="Lý do"):
        delegation.create(
            org.sxd_staff, delegator=org.sxd_staff, delegate=org.colleague, starts_on=TODAY, ends_on=TODAY, reason=" "
        )
    with pytest.raises(ValidationError, match="cho người khác"):  # overlapping, same scope, someone else
        delegate(org, org.sxd_unit_leader, org.sxd_staff, scope="incoming")
    with pytest.raises(PermissionDenied):  # someone else's authority
        delegate(org, org.sxd_leader, org.deputy, actor=org.sxd_staff)
    # The agency's administrator may record it for the leader.
    assert delegate(org, org.sxd_leader, org.deputy, actor=org.sxd_admin, scope="approval").created_by == org.sxd_admin


def test_expires_on_its_own_and_is_announced_once(people):
    org = people
    with freeze_time("2026-11-25 09:00:00+07:00"):
        d = delegate(org, org.sxd_unit_leader, org.colleague, days=2)
        assert delegation.delegator_ids(org.colleague) == [org.sxd_unit_leader.pk]
    with freeze_time("2026-11-27 23:59:00+07:00"):  # last day, still active
        assert delegation.delegator_ids(org.colleague) == [org.sxd_unit_leader.pk]
    with freeze_time("2026-11-28 00:05:00+07:00"):
        assert delegation.delegator_ids(org.colleague) == []
        assert delegation.notify_expired() == 1
        assert delegation.notify_expired() == 0
    assert JournalEntry.objects.filter(action="delegation.expire", object_id=str(d.pk)).count() == 1
    assert Notification.objects.filter(user=org.colleague, text__startswith="Hết hạn").count() == 1


@freeze_time("2026-11-25 09:00:00+07:00")
def test_not_transitive(people):
    org = people
    delegate(org, org.sxd_unit_leader, org.colleague)
    delegate(org, org.colleague, org.sxd_staff)  # the colleague delegates only their own authority
    assert delegation.delegator_ids(org.sxd_staff) == [org.colleague.pk]
    with pytest.raises(PermissionDenied):  # and cannot pass on the unit leader's
        delegate(org, org.sxd_unit_leader, org.sxd_staff, actor=org.colleague, start=TODAY + dt.timedelta(days=30))


def _incoming_for_unit(org):
    doc = incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Bộ Xây dựng",
        code_number="2601",
        code_notation="BXD-KTXD",
        issued_date=dt.date(2026, 11, 20),
        urgency=1,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v kiểm tra chất lượng công trình",
    ).document
    incoming.direct(
        org.sxd_leader, doc, direction="Phòng KH-TC chủ trì.", targets=[incoming.Target("lead", unit=org.sxd_khtc)]
    )
    return doc


@freeze_time("2026-11-25 09:00:00+07:00")
def test_incoming_processing_on_behalf(people):
    org = people
    doc = _incoming_for_unit(org)
    lead = doc.assignments.get(role="lead")
    assert not visible(IncomingDocument, org.colleague).filter(pk=doc.pk).exists()
    with pytest.raises(PermissionDenied):
        incoming.distribute(org.colleague, lead, user=org.sxd_staff)
    d = delegate(org, org.sxd_unit_leader, org.colleague, scope="incoming")
    fresh = type(org.colleague).objects.get(pk=org.colleague.pk)  # a new request: scope rebuilt
    assert visible(IncomingDocument, fresh).filter(pk=doc.pk).exists()
    incoming.distribute(fresh, lead, user=org.sxd_staff, opinion="Chị Lan xử lý.")
    entry = JournalEntry.objects.filter(action="incoming.assignment.distribute").latest("seq")
    assert entry.actor_id == org.colleague.pk and entry.on_behalf_of_id == org.sxd_unit_leader.pk
    # Revoked: the authority and the visibility end.
    delegation.revoke(org.sxd_unit_leader, d, "Đã về cơ quan")
    fresh = type(org.colleague).objects.get(pk=org.colleague.pk)
    assert not visible(IncomingDocument, fresh).filter(pk=doc.pk).exists()
    assert verify().ok


def test_outgoing_approval_on_behalf_and_after_expiry(people):
    org = people
    with freeze_time("2026-11-25 09:00:00+07:00"):
        doc = out.create_draft(
            org.sxd_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="V/v báo cáo công tác quý IV",
            signer=org.sxd_leader,
        )
        doc = out.submit(org.sxd_staff, doc)
        doc = out.approve(org.sxd_unit_leader, doc)
        assert not visible(OutgoingDocument, org.vp_staff).filter(pk=doc.pk).exists()
        delegate(org, org.sxd_leader, org.vp_staff, scope="incoming", days=1)
        with pytest.raises(PermissionDenied):  # an incoming-only delegation does not allow approving
            out.approve(type(org.vp_staff).objects.get(pk=org.vp_staff.pk), doc)
        delegate(org, org.sxd_leader, org.deputy, scope="approval", days=1)
        deputy = type(org.deputy).objects.get(pk=org.deputy.pk)
        assert visible(OutgoingDocument, deputy).filter(pk=doc.pk).exists()
    with freeze_time("2026-11-27 09:00:00+07:00"):  # expired
        with pytest.raises(PermissionDenied):
            out.approve(type(org.deputy).objects.get(pk=org.deputy.pk), doc)
    with freeze_time("2026-11-26 09:00:00+07:00"):
        doc = out.approve(type(org.deputy).objects.get(pk=org.deputy.pk), doc, comment="Đồng ý (TUQ).")
    assert doc.status == OutStatus.APPROVED
    entry = JournalEntry.objects.filter(action="outgoing.approve", object_id=str(doc.pk)).get()
    assert entry.actor_id == org.deputy.pk and entry.on_behalf_of_id == org.sxd_leader.pk


@freeze_time("2026-11-25 09:00:00+07:00")
def test_screens(people, login):
    org = people
    web = login(org.sxd_unit_leader)
    response = web.post(
        "/uy-quyen/them/",
        {
            "delegate": org.colleague.pk,
            "scope": "incoming",
            "starts_on": "25/11/2026",
            "ends_on": "31/02/2026",
            "reason": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Đến ngày không hợp lệ" in page and "Lý do là bắt buộc." in page
    response = web.post(
        "/uy-quyen/them/",
        {
            "delegator": org.sxd_unit_leader.pk,
            "delegate": org.colleague.pk,
            "scope": "incoming",
            "starts_on": "25/11/2026",
            "ends_on": "05/12/2026",
            "reason": "Nghỉ phép năm",
        },
    )
    assert response.status_code == 302
    d = Delegation.objects.get()
    listing = login(org.colleague).get("/uy-quyen/").content.decode()
    assert "Nghỉ phép năm" in listing and "Đang hiệu lực" in listing
    assert login(org.stttt_staff).get("/uy-quyen/").content.decode().count('data-testid="delegation-row"') == 0
    # The delegate cannot revoke; the delegator can.
    response = login(org.colleague).post(f"/uy-quyen/{d.pk}/thu-hoi/", follow=True)
    assert "Chỉ người ủy quyền" in response.content.decode()
    response = web.post(f"/uy-quyen/{d.pk}/thu-hoi/", {"reason": "Hủy nghỉ phép"}, follow=True)
    assert "Đã thu hồi ủy quyền." in response.content.decode()
    assert login(org.stttt_staff).post(f"/uy-quyen/{d.pk}/thu-hoi/").status_code == 404


@freeze_time("2026-11-25 09:00:00+07:00")
def test_api(people, api):
    org = people
    client = api(org.sxd_unit_leader)
    response = client.post(
        "/api/v1/delegations/",
        {
            "delegate": org.colleague.pk,
            "delegation_scope": "incoming",
            "starts_on": "25/11/2026",
            "ends_on": "30/11/2026",
            "reason": "Đi học bồi dưỡng",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["scope_display"] == "Xử lý văn bản đến"
    bad = client.post(
        "/api/v1/delegations/", {"delegate": 99999999, "starts_on": "x", "ends_on": "", "reason": ""}, format="json"
    )
    assert bad.status_code == 400 and "Từ ngày không hợp lệ" in str(bad.json())
    other = client.post(
        "/api/v1/delegations/",
        {"delegate": org.stttt_staff.pk, "starts_on": "25/11/2026", "ends_on": "26/11/2026", "reason": "x"},
        format="json",
    )
    assert other.status_code == 400 and "cùng cơ quan" in str(other.json())
    assert [r["id"] for r in api(org.colleague).get("/api/v1/delegations/").json()["results"]] == [pk]
    assert api(org.stttt_staff).get(f"/api/v1/delegations/{pk}/").status_code == 404
    assert api(org.colleague).post(f"/api/v1/delegations/{pk}/revoke/", {}, format="json").status_code == 403
    response = client.post(f"/api/v1/delegations/{pk}/revoke/", {"reason": "Hủy lịch học"}, format="json")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_delegate_sees_and_acts_in_the_review_screens(people, login):
    org = people
    with freeze_time("2026-11-25 09:00:00+07:00"):
        doc = out.create_draft(
            org.sxd_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            subject="V/v hướng dẫn cấp phép xây dựng nhà ở riêng lẻ",
            signer=org.sxd_leader,
        )
        doc = out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, doc))
        delegate(org, org.sxd_leader, org.vp_staff, scope="approval", days=3)
        web = login(org.vp_staff)
        assert "cấp phép xây dựng nhà ở riêng lẻ" in web.get("/van-ban-di/cho-duyet/").content.decode()
        assert 'data-testid="approve"' in web.get(f"/van-ban-di/{doc.pk}/").content.decode()
        response = web.post(f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đồng ý (TUQ)."}, follow=True)
        assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED
    entry = JournalEntry.objects.filter(action="outgoing.approve", object_id=str(doc.pk)).get()
    assert entry.on_behalf_of_id == org.sxd_leader.pk


def test_recall_from_the_document_page(people, login):
    org = people
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v tạm dừng thi công công trình",
        signer=org.sxd_leader,
    )
    doc = out.issue(
        org.sxd_clerk, out.approve(org.sxd_leader, out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, doc)))
    )
    assert 'data-testid="recall"' not in login(org.sxd_staff).get(f"/van-ban-di/{doc.pk}/").content.decode()
    leader = login(org.sxd_leader)
    assert 'data-testid="recall"' in leader.get(f"/van-ban-di/{doc.pk}/").content.decode()
    response = leader.post(f"/van-ban-di/{doc.pk}/thu-hoi/", {"reason": "Ban hành nhầm, sẽ thay thế."}, follow=True)
    assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.status == OutStatus.RECALLED
