"""Every action that names a person or a unit checks the name in the service, against the acting agency: a current
position there and an active account for a person, an active unit of the agency for a unit. Naming anyone else is
refused with a Vietnamese message, through the service, the API and the screens, and nothing is written: no row,
no journal entry, and the outsider still cannot open the document."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import shared_data
from tests.conftest import make_person
from vpdt.accounts import services as accounts
from vpdt.accounts.models import StatusReason
from vpdt.catalog.models import DocumentType, Field, Urgency
from vpdt.core.authz import visible
from vpdt.delegation import services as delegation
from vpdt.delegation.models import Delegation
from vpdt.directory import services as directory
from vpdt.directory.models import Position, Role
from vpdt.dossiers import services as dossiers
from vpdt.dossiers.models import Dossier
from vpdt.incoming import services as incoming
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import chains
from vpdt.outgoing import services as out
from vpdt.outgoing.models import Consultation, OutgoingDocument, OutStatus, RecipientKind, ReviewStep, StepKind
from vpdt.outgoing.services import RecipientSpec

DOCS = "/api/v1/incoming-documents/"
ASSIGNMENTS = "/api/v1/incoming-assignments/"
OUT_DOCS = "/api/v1/outgoing-documents/"
T = incoming.Target
_numbers = iter(range(3000, 100000))


@contextmanager
def nothing_journaled():
    before = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    yield
    assert list(JournalEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == []


def _end_positions(user):
    for position in Position.objects.filter(user=user, is_active=True):
        directory.end_position(None, position)


@shared_data.over("org")
def people(org):
    """Outsiders of the Sở Xây dựng: a leader of another Sở, a leader and a staff member who left (their account
    still says Sở Xây dựng), a leader whose account is locked, and a unit that was dissolved."""
    org.stttt_leader = make_person(org.stttt, "Nguyễn Hữu Thắng", Role.LEADER)
    org.former_leader = make_person(org.sxd, "Lê Văn Quang", Role.LEADER)
    _end_positions(org.former_leader)
    org.former_staff = make_person(org.sxd, "Trịnh Văn Long", Role.STAFF, org.sxd_khtc)
    _end_positions(org.former_staff)
    org.locked_leader = make_person(org.sxd, "Đinh Thị Hoa", Role.LEADER)
    accounts.lock(None, org.locked_leader, StatusReason.AGENCY_REQUEST, note="Theo đề nghị của Văn phòng Sở.")
    org.closed_unit = directory.create_unit(None, org.sxd, name="Phòng Quản lý nhà (đã giải thể)", short_name="QLN")
    directory.update_unit(None, org.closed_unit, is_active=False)
    org.sxd_expert = make_person(org.sxd, "Nguyễn Thị Phương", Role.STAFF, org.sxd_khtc)
    return org


def fields(**over):
    data = dict(
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number=str(next(_numbers)),
        code_notation="UBND-KT",
        issued_date=timezone.localdate() - dt.timedelta(days=3),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v rà soát quy hoạch chung xây dựng đô thị Vinh đến năm 2040",
    )
    data.update(over)
    return data


def registered(org, **over):
    return incoming.register_document(org.sxd_clerk, agency=org.sxd, **fields(**over)).document


def submitted(org):
    doc = registered(org)
    return incoming.submit(org.sxd_clerk, doc, leader=org.sxd_leader)


def directed(org):
    doc = submitted(org)
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì tham mưu.",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        targets=[T("lead", unit=org.sxd_khtc)],
    )
    return doc


# ------------------------------------------------------------------------------------------ incoming: submit


@pytest.mark.parametrize("who", ["stttt_leader", "former_leader", "locked_leader", "sxd_staff"])
def test_submit_names_only_a_current_leader_of_the_agency(people, who):
    org = people
    doc = registered(org)
    named = getattr(org, who)
    with nothing_journaled(), pytest.raises(ValidationError) as err:
        incoming.submit(org.sxd_clerk, doc, leader=named)
    assert "lãnh đạo đang công tác tại cơ quan" in str(err.value)
    doc = IncomingDocument.objects.get(pk=doc.pk)
    assert doc.status == DocStatus.REGISTERED and doc.leader_id is None and doc.submitted_at is None
    assert not visible(IncomingDocument, org.stttt_leader).filter(pk=doc.pk).exists()


def test_submit_through_the_api_and_the_screen_refuses_a_leader_of_another_agency(people, api, login):
    org = people
    doc = registered(org)
    clerk = api(org.sxd_clerk)
    with nothing_journaled():
        response = clerk.post(f"{DOCS}{doc.pk}/submit/", {"leader": org.stttt_leader.pk}, format="json")
    assert response.status_code == 400
    assert "lãnh đạo đang công tác tại cơ quan" in response.json()["leader"][0]
    web = login(org.sxd_clerk)
    with nothing_journaled():
        response = web.post(f"/van-ban-den/{doc.pk}/trinh/", {"leader": org.stttt_leader.pk}, follow=True)
    assert "Lãnh đạo được chọn không hợp lệ." in response.content.decode()
    doc = IncomingDocument.objects.get(pk=doc.pk)
    assert doc.status == DocStatus.REGISTERED and doc.leader_id is None
    # The outsider sees nothing of it: not the record, not the processing slip.
    assert api(org.stttt_leader).get(f"{DOCS}{doc.pk}/").status_code == 404
    outsider = login(org.stttt_leader)
    assert outsider.get(f"/van-ban-den/{doc.pk}/").status_code == 404
    assert outsider.get(f"/van-ban-den/{doc.pk}/phieu-giai-quyet.pdf").status_code == 404
    # The leader of the agency is accepted.
    response = clerk.post(f"{DOCS}{doc.pk}/submit/", {"leader": org.sxd_leader.pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == DocStatus.SUBMITTED


def test_a_stored_leader_who_left_is_not_used(people):
    """The leader chosen at registration left before the submission: neither the clerk's submit nor the batch
    hands the document to them."""
    org = people
    leader = make_person(org.sxd, "Phan Văn Hải", Role.LEADER)
    doc = incoming.register_document(org.sxd_clerk, agency=org.sxd, leader=leader, **fields()).document
    assert doc.status == DocStatus.REGISTERED and doc.leader_id == leader.pk  # not urgent: waits for the batch
    _end_positions(leader)
    with nothing_journaled(), pytest.raises(ValidationError, match="lãnh đạo đang công tác"):
        incoming.submit(org.sxd_clerk, IncomingDocument.objects.get(pk=doc.pk))
    other = incoming.register_document(org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields()).document
    assert incoming.submit_batch() == 1
    assert IncomingDocument.objects.get(pk=doc.pk).status == DocStatus.REGISTERED
    assert IncomingDocument.objects.get(pk=other.pk).status == DocStatus.SUBMITTED


def test_registration_refuses_a_locked_or_outside_leader(people, api):
    org = people
    for named in (org.locked_leader, org.stttt_leader):
        with nothing_journaled(), pytest.raises(ValidationError, match="lãnh đạo đang công tác"):
            incoming.register_document(org.sxd_clerk, agency=org.sxd, leader=named, **fields(urgency=Urgency.URGENT))
    payload = {
        "issuer_name": "Bộ Xây dựng",
        "code_number": "88",
        "code_notation": "BXD-QHKT",
        "issued_date": (timezone.localdate() - dt.timedelta(days=2)).strftime("%d/%m/%Y"),
        "doc_type": DocumentType.objects.get(name="Công văn").pk,
        "urgency": Urgency.URGENT,
        "subject": "V/v góp ý đồ án quy hoạch",
        "leader": org.locked_leader.pk,
    }
    clerk = api(org.sxd_clerk)
    with nothing_journaled():
        response = clerk.post(DOCS, payload, format="json")
    assert response.status_code == 400 and "lãnh đạo đang công tác" in response.json()["leader"][0]
    assert not IncomingDocument.objects.exists()


# ------------------------------------------------------------------------------------------ incoming: direct


@pytest.mark.parametrize(
    "target",
    [
        lambda org: T("lead", unit=org.stttt_cntt),
        lambda org: T("lead", unit=org.closed_unit),
        lambda org: T("lead", user=org.ht_staff),
        lambda org: T("lead", user=org.former_staff),
        lambda org: T("lead", user=org.locked_leader),
    ],
    ids=["unit-of-another-agency", "dissolved-unit", "person-of-another-agency", "person-who-left", "locked-account"],
)
def test_direct_names_only_current_units_and_people_of_the_agency(people, target):
    org = people
    doc = submitted(org)
    with nothing_journaled(), pytest.raises(ValidationError) as err:
        incoming.direct(org.sxd_leader, doc, direction="Giao xử lý.", targets=[target(org)])
    assert "trong cơ quan" in str(err.value)
    assert IncomingDocument.objects.get(pk=doc.pk).status == DocStatus.SUBMITTED
    assert not Assignment.objects.filter(document=doc).exists()


def test_direct_refuses_a_field_of_another_agency(people):
    org = people
    doc = submitted(org)
    foreign = Field.objects.create(agency=org.stttt, name="Bưu chính, viễn thông")
    with nothing_journaled(), pytest.raises(ValidationError, match="Lĩnh vực"):
        incoming.direct(
            org.sxd_leader, doc, direction="Giao xử lý.", field=foreign, targets=[T("lead", unit=org.sxd_khtc)]
        )


def test_direct_through_the_api_and_the_screen(people, api, login):
    org = people
    doc = submitted(org)
    leader = api(org.sxd_leader)
    for target in (
        {"role": "lead", "unit": org.stttt_cntt.pk},
        {"role": "lead", "user": org.ht_staff.pk},
        {"role": "lead", "user": org.former_staff.pk},
    ):
        with nothing_journaled():
            response = leader.post(
                f"{DOCS}{doc.pk}/direct/", {"direction": "Giao xử lý.", "targets": [target]}, format="json"
            )
        assert response.status_code == 400 and "trong cơ quan" in response.json()["targets"][0]
    web = login(org.sxd_leader)
    with nothing_journaled():
        response = web.post(
            f"/van-ban-den/{doc.pk}/chi-dao/", {"direction": "Giao xử lý.", "lead": f"p{org.ht_staff.pk}"}, follow=True
        )
    assert "Nơi nhận không hợp lệ." in response.content.decode()
    assert not Assignment.objects.filter(document=doc).exists()
    assert IncomingDocument.objects.get(pk=doc.pk).status == DocStatus.SUBMITTED
    assert api(org.ht_staff).get(f"{DOCS}{doc.pk}/").status_code == 404


def test_distribute_and_reassign_stay_within_the_unit_and_agency(people, api):
    org = people
    doc = directed(org)
    lead = Assignment.objects.get(document=doc, unit=org.sxd_khtc)
    for named in (org.ht_staff, org.former_staff, org.sxd_clerk):  # another agency, left, another unit
        with nothing_journaled(), pytest.raises(ValidationError, match="đang công tác tại đơn vị"):
            incoming.distribute(org.sxd_unit_leader, lead, user=named)
    unit_leader = api(org.sxd_unit_leader)
    with nothing_journaled():
        response = unit_leader.post(f"{ASSIGNMENTS}{lead.pk}/distribute/", {"user": org.ht_staff.pk}, format="json")
    assert response.status_code == 400 and "đang công tác tại đơn vị" in response.json()["user"][0]
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    with nothing_journaled(), pytest.raises(ValidationError, match="đang công tác tại đơn vị"):
        incoming.reassign(org.sxd_unit_leader, child, user=org.ht_staff, reason="Chuyển cán bộ khác.")
    with nothing_journaled():
        response = unit_leader.post(
            f"{ASSIGNMENTS}{child.pk}/reassign/",
            {"user": org.former_staff.pk, "reason": "Đồng chí Lan đi học."},
            format="json",
        )
    assert response.status_code == 400 and "đang công tác tại đơn vị" in response.json()["user"][0]
    assert Assignment.objects.filter(document=doc).count() == 2
    assert not visible(IncomingDocument, org.ht_staff).filter(pk=doc.pk).exists()


# ------------------------------------------------------------------------------------------ delegation


def test_delegation_names_only_current_colleagues(people, api, login):
    org = people
    today = timezone.localdate()
    period = {"starts_on": today, "ends_on": today + dt.timedelta(days=5), "reason": "Đi công tác Hà Nội"}
    # The person who left still has Sở Xây dựng on their account: the position decides.
    with nothing_journaled(), pytest.raises(ValidationError) as err:
        delegation.create(org.sxd_unit_leader, delegator=org.sxd_unit_leader, delegate=org.former_staff, **period)
    assert "đang công tác cùng cơ quan" in str(err.value)
    with nothing_journaled(), pytest.raises(ValidationError, match="cùng cơ quan"):
        delegation.create(org.sxd_unit_leader, delegator=org.sxd_unit_leader, delegate=org.stttt_staff, **period)
    with nothing_journaled(), pytest.raises(ValidationError, match="Người ủy quyền phải đang giữ chức vụ"):
        delegation.create(org.sxd_admin, delegator=org.former_leader, delegate=org.sxd_staff, **period)
    client = api(org.sxd_unit_leader)
    with nothing_journaled():
        response = client.post(
            "/api/v1/delegations/",
            {
                "delegate": org.former_staff.pk,
                "starts_on": today.strftime("%d/%m/%Y"),
                "ends_on": (today + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
                "reason": "Đi công tác",
            },
            format="json",
        )
    assert response.status_code == 400 and "đang công tác cùng cơ quan" in response.json()["delegate"][0]
    web = login(org.sxd_unit_leader)
    with nothing_journaled():
        response = web.post(
            "/uy-quyen/them/",
            {
                "delegator": org.sxd_unit_leader.pk,
                "delegate": org.former_staff.pk,
                "scope": "incoming",
                "starts_on": today.strftime("%d/%m/%Y"),
                "ends_on": (today + dt.timedelta(days=5)).strftime("%d/%m/%Y"),
                "reason": "Đi công tác",
            },
        )
    page = response.content.decode()
    assert response.status_code == 200 and "Người được ủy quyền: lựa chọn không hợp lệ." in page
    assert f'<option value="{org.former_staff.pk}"' not in page  # the screen offers the people the service accepts
    assert not Delegation.objects.exists()


# ------------------------------------------------------------------------------------------ dossiers


def test_dossier_unit_and_owner_belong_to_the_agency(people, api, login):
    org = people
    for unit in (org.stttt_cntt, org.closed_unit):
        with nothing_journaled(), pytest.raises(ValidationError, match="đơn vị đang hoạt động thuộc cơ quan"):
            dossiers.create_dossier(org.sxd_clerk, title="Hồ sơ quản lý nhà ở công vụ năm 2026", unit=unit)
    with nothing_journaled(), pytest.raises(PermissionDenied, match="không còn giữ chức vụ"):
        dossiers.create_dossier(org.former_staff, title="Hồ sơ cá nhân sau khi nghỉ việc")
    clerk = api(org.sxd_clerk)
    with nothing_journaled():
        response = clerk.post(
            "/api/v1/dossiers/", {"title": "Hồ sơ nhà ở công vụ", "unit": org.stttt_cntt.pk}, format="json"
        )
    assert response.status_code == 400 and "thuộc cơ quan" in response.json()["unit"][0]
    web = login(org.sxd_clerk)
    with nothing_journaled():
        response = web.post(
            "/ho-so/lap-moi/",
            {
                "title": "Hồ sơ nhà ở công vụ",
                "year": 2026,
                "unit": org.closed_unit.pk,
                "maintenance": "10",
                "rights": "open",
                "language": "Tiếng Việt",
            },
        )
    assert response.status_code == 200 and not Dossier.objects.exists()
    dossier = dossiers.create_dossier(org.sxd_clerk, title="Hồ sơ nhà ở công vụ năm 2026", unit=org.sxd_vp)
    with nothing_journaled(), pytest.raises(ValidationError, match="thuộc cơ quan"):
        dossiers.update_dossier(org.sxd_clerk, dossier, unit=org.stttt_cntt)
    assert Dossier.objects.get(pk=dossier.pk).unit_id == org.sxd_vp.pk


# ------------------------------------------------------------------------------------------ outgoing


def _draft(org, **extra):
    extra.setdefault("signer", org.sxd_leader)
    return out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo kết quả thẩm định thiết kế cơ sở năm 2026",
        text="Kính gửi: Ủy ban nhân dân tỉnh\nSở Xây dựng báo cáo như sau.",
        **extra,
    )


@pytest.mark.parametrize("who", ["stttt_leader", "locked_leader", "former_leader"])
def test_signer_is_a_current_leader_of_the_agency(people, who, api):
    org = people
    with nothing_journaled(), pytest.raises(ValidationError) as err:
        _draft(org, signer=getattr(org, who))
    assert "lãnh đạo đang công tác" in str(err.value)
    drafter = api(org.sxd_staff)
    with nothing_journaled():
        response = drafter.post(
            OUT_DOCS,
            {
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "subject": "V/v báo cáo thẩm định",
                "text": "Kính gửi: UBND tỉnh",
                "signer": getattr(org, who).pk,
            },
            format="json",
        )
    assert response.status_code == 400 and "lãnh đạo đang công tác" in response.json()["signer"][0]
    assert not OutgoingDocument.objects.exists()


def test_recipients_inside_the_agency_are_current(people, api):
    org = people
    for spec in (
        RecipientSpec(RecipientKind.USER, user=org.former_staff),
        RecipientSpec(RecipientKind.USER, user=org.ht_staff),
        RecipientSpec(RecipientKind.UNIT, unit=org.closed_unit),
        RecipientSpec(RecipientKind.UNIT, unit=org.stttt_cntt),
    ):
        with nothing_journaled(), pytest.raises(ValidationError, match="thuộc cơ quan ban hành"):
            _draft(org, recipients=[spec])
    drafter = api(org.sxd_staff)
    with nothing_journaled():
        response = drafter.post(
            OUT_DOCS,
            {
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "subject": "V/v báo cáo thẩm định",
                "text": "Kính gửi: Ủy ban nhân dân tỉnh",
                "signer": org.sxd_leader.pk,
                "recipients": [{"kind": "user", "user": org.former_staff.pk}],
            },
            format="json",
        )
    assert response.status_code == 400 and "thuộc cơ quan ban hành" in str(response.json()["recipients"])
    assert not OutgoingDocument.objects.exists()


def test_consultation_names_only_current_colleagues(people, api):
    org = people
    doc = out.submit(org.sxd_staff, _draft(org))
    for named in (org.former_staff, org.ht_staff):
        with nothing_journaled(), pytest.raises(ValidationError, match="đang công tác trong cơ quan"):
            out.consult(org.sxd_unit_leader, doc, [named], question="Số liệu đã đúng chưa?")
    reviewer = api(org.sxd_unit_leader)
    with nothing_journaled():
        response = reviewer.post(f"{OUT_DOCS}{doc.pk}/consult/", {"users": [org.ht_staff.pk]}, format="json")
    assert response.status_code == 400 and "đang công tác trong cơ quan" in response.json()["users"][0]
    assert not Consultation.objects.exists()
    assert api(org.ht_staff).get(f"{OUT_DOCS}{doc.pk}/").status_code == 404
    assert [c.user for c in out.consult(org.sxd_unit_leader, doc, [org.sxd_expert])] == [org.sxd_expert]


def test_review_chain_people_are_current_and_checked_again_at_submission(people, api):
    org = people

    def steps(user):
        return [
            chains.StepSpec("Văn phòng kiểm tra thể thức", StepKind.USER, user=user, days=2),
            chains.StepSpec("Giám đốc ký", StepKind.SIGNER),
        ]

    for named in (org.former_staff, org.stttt_staff):
        with nothing_journaled(), pytest.raises(ValidationError, match="đang làm việc của cơ quan"):
            chains.create_chain(
                org.sxd_admin,
                org.sxd,
                name="Quy trình công văn",
                steps=steps(named),
                doc_type=DocumentType.objects.get(name="Công văn"),
            )
    admin = api(org.sxd_admin)
    with nothing_journaled():
        response = admin.post(
            "/api/v1/review-chains/",
            {
                "name": "Quy trình công văn",
                "doc_type": DocumentType.objects.get(name="Công văn").pk,
                "steps": [{"label": "Kiểm tra thể thức", "kind": "user", "user": org.former_staff.pk}],
            },
            format="json",
        )
    assert response.status_code == 400 and "đang làm việc của cơ quan" in response.json()["steps"][0]
    # A person of the chain who leaves later is caught when a draft is submitted.
    checker = make_person(org.sxd, "Vũ Thị Yến", Role.STAFF, org.sxd_vp)
    chain = chains.create_chain(
        org.sxd_admin,
        org.sxd,
        name="Quy trình công văn",
        steps=steps(checker),
        doc_type=DocumentType.objects.get(name="Công văn"),
    )
    doc = _draft(org)
    _end_positions(checker)
    with nothing_journaled(), pytest.raises(ValidationError, match="Vũ Thị Yến không còn công tác"):
        out.submit(org.sxd_staff, doc)
    # So is a signer who lost the post after the draft was written (default chain: unit leader, then signer).
    chains.set_active(org.sxd_admin, chain, False)
    _end_positions(org.sxd_leader)
    with nothing_journaled(), pytest.raises(ValidationError, match="lãnh đạo đang công tác"):
        out.submit(org.sxd_staff, doc)
    assert OutgoingDocument.objects.get(pk=doc.pk).status == OutStatus.DRAFTING
    assert not ReviewStep.objects.filter(document=doc).exists()
