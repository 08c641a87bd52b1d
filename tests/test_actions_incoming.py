"""A button is shown if and only if the service would accept the action: for every action on an incoming document
and on each of its assignments, in every state, and on a work dossier in every state, for every viewer of the
permission suite, ``available_actions`` (what the screens and the API offer) agrees with the service's answer to
the action with valid input, and the pages show exactly those buttons and forms.

Sở Xây dựng has six documents (registered, submitted, directed, in progress, completed, withdrawn) directed to the
Phòng Kế hoạch - Tài chính with a copy for information to Đặng Quốc Tuấn, and four dossiers (open and empty, open,
closed, archived). The director delegated incoming documents to one person and approval to another; the head of
KH-TC and the staff member handling the documents each delegated incoming documents to a colleague of another unit.
"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tests import shared_data
from tests.conftest import PASSWORD, make_person
from vpdt.accounts.models import User
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import visible
from vpdt.delegation import services as delegation
from vpdt.directory import members
from vpdt.directory.models import Role
from vpdt.dossiers import services as dossiers
from vpdt.dossiers.lifecycle import ACTIONS as DOSSIER_ACTIONS
from vpdt.dossiers.lifecycle import available_actions as dossier_actions
from vpdt.dossiers.models import Dossier, DossierItem
from vpdt.incoming import services as incoming
from vpdt.incoming.lifecycle import ASSIGNMENT_ACTIONS, DOCUMENT, DOCUMENT_ACTIONS, assignment_actions
from vpdt.incoming.lifecycle import available_actions as document_actions
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out

pytestmark = pytest.mark.django_db

T = incoming.Target
VIEWERS = [
    "sxd_clerk",
    "sxd_leader",
    "sxd_unit_leader",
    "sxd_staff",
    "sxd_admin",
    "sxd_vp_staff",
    "incoming_deputy",
    "approval_deputy",
    "unit_deputy",
    "staff_deputy",
    "stttt_clerk",
    "province_admin",
    "ht_staff",
]
# action → the data-testid of its button or form
DOCUMENT_BUTTONS = {
    "submit": "submit-leader",
    "direct": "direction-form",
    "request_reply": "request-reply",
    "draft_reply": "draft-reply",
    "file": "file-into",
}
ASSIGNMENT_BUTTONS = {
    "distribute": "distribute",
    "note": "add-note",
    "complete": "complete",
    "read": "mark-read",
    "return": "return",
    "reassign": "reassign",
}
DOSSIER_BUTTONS = {
    "edit": "edit",
    "close": "action-close",
    "reopen": "action-reopen",
    "archive": "action-archive",
    "remove_item": "remove-item",
}


class _Rollback(Exception):
    pass


def _register(org, number: str, subject: str, **extra) -> IncomingDocument:
    return incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number=number,
        code_notation="UBND-KT",
        issued_date=timezone.localdate() - dt.timedelta(days=3),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject=subject,
        needs_reply=True,
        reply_due=timezone.localdate() + dt.timedelta(days=10),
        **extra,
    ).document


def _directed(org, number: str, subject: str) -> IncomingDocument:
    doc = _register(org, number, subject, urgency=Urgency.URGENT)  # urgent: submitted at once
    return incoming.direct(
        org.sxd_leader,
        doc,
        direction="Phòng KH-TC chủ trì tham mưu; anh Tuấn để biết.",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        targets=[T("lead", unit=org.sxd_khtc), T("inform", user=org.sxd_admin)],
    )


def _in_progress(org, number: str, subject: str) -> IncomingDocument:
    doc = _directed(org, number, subject)
    child = incoming.distribute(
        org.sxd_unit_leader,
        doc.assignments.get(role="lead"),
        user=org.sxd_staff,
        opinion="Đồng chí Lan dự thảo báo cáo.",
    )
    incoming.add_note(org.sxd_staff, child, "progress", "Đã làm việc với Văn phòng, đang tổng hợp số liệu.")
    return IncomingDocument.objects.get(pk=doc.pk)


def _delegate(org, delegator, delegate, scope):
    today = timezone.localdate()
    delegation.create(
        delegator,
        delegator=delegator,
        delegate=delegate,
        scope=scope,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        reason="Đi học lớp bồi dưỡng lãnh đạo cấp sở.",
    )


@shared_data.over("org")
def world(org):
    org.sxd_vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    org.incoming_deputy = make_person(org.sxd, "Trần Quốc Bảo", Role.STAFF, org.sxd_vp, title="Phó Chánh Văn phòng")
    org.approval_deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.STAFF, org.sxd_vp, title="Chánh Văn phòng")
    org.unit_deputy = make_person(org.sxd, "Lê Thị Thu Trang", Role.STAFF, org.sxd_vp)
    org.staff_deputy = make_person(org.sxd, "Phạm Thị Hoa", Role.STAFF, org.sxd_vp)
    org.stttt_clerk = make_person(org.stttt, "Ngô Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    _delegate(org, org.sxd_leader, org.incoming_deputy, "incoming")
    _delegate(org, org.sxd_leader, org.approval_deputy, "approval")
    _delegate(org, org.sxd_unit_leader, org.unit_deputy, "incoming")
    _delegate(org, org.sxd_staff, org.staff_deputy, "incoming")

    registered = _register(org, "101", "V/v báo cáo tình hình giải ngân vốn đầu tư công quý IV")
    submitted = _register(org, "102", "V/v rà soát quy hoạch vật liệu xây dựng", urgency=Urgency.URGENT)
    directed = _directed(org, "103", "V/v kiểm tra an toàn công trình trước mùa mưa bão")
    in_progress = _in_progress(org, "104", "V/v xây dựng kế hoạch phát triển nhà ở xã hội")
    incoming.mark_read(org.sxd_admin, in_progress.assignments.get(role="inform"))  # read: nothing more to do
    completed = _in_progress(org, "105", "V/v tổng hợp số liệu cấp phép xây dựng năm 2026")
    incoming.complete(org.sxd_staff, completed.assignments.get(user=org.sxd_staff), "Đã dự thảo báo cáo số liệu.")
    incoming.complete(
        org.sxd_unit_leader, completed.assignments.get(role="lead", parent=None), "Đã báo cáo lãnh đạo Sở."
    )
    withdrawn = incoming.withdraw(
        org.sxd_clerk,
        _directed(org, "106", "V/v điều chỉnh đơn giá nhân công"),
        "Nơi gửi thu hồi: ban hành nhầm, sẽ ban hành văn bản thay thế.",
    )
    org.documents = {
        "registered": registered,
        "submitted": submitted,
        "directed": directed,
        "in_progress": in_progress,
        "completed": completed,
        "withdrawn": withdrawn,
    }
    assert {k: IncomingDocument.objects.get(pk=d.pk).status for k, d in org.documents.items()} == {
        "registered": DocStatus.REGISTERED,
        "submitted": DocStatus.SUBMITTED,
        "directed": DocStatus.DIRECTED,
        "in_progress": DocStatus.IN_PROGRESS,
        "completed": DocStatus.COMPLETED,
        "withdrawn": DocStatus.WITHDRAWN,
    }

    # Dossiers of KH-TC: another completed document is filed in three of them.
    filed = _in_progress(org, "107", "V/v thẩm định thiết kế cơ sở dự án đường ven biển")
    incoming.complete(org.sxd_staff, filed.assignments.get(user=org.sxd_staff), "Đã có ý kiến thẩm định.")
    incoming.complete(org.sxd_unit_leader, filed.assignments.get(role="lead", parent=None), "Đã trả lời chủ đầu tư.")

    def dossier(title):
        return dossiers.create_dossier(org.sxd_staff, title=title, unit=org.sxd_khtc)

    empty = dossier("Hồ sơ kế hoạch vốn năm 2027")
    kept = dossier("Hồ sơ thẩm định thiết kế năm 2026")
    closed = dossier("Hồ sơ quy hoạch vật liệu xây dựng")
    archived = dossier("Hồ sơ cấp phép xây dựng năm 2025")
    dossiers.file_document(org.sxd_staff, filed, [kept, closed, archived])
    dossiers.transition(org.sxd_staff, closed, "close")
    dossiers.transition(org.sxd_clerk, dossiers.transition(org.sxd_staff, archived, "close"), "archive")
    org.dossiers = {"open_empty": empty, "open": kept, "closed": closed, "archived": archived}
    return org


def _viewer(world, name) -> User:
    return User.objects.get(pk=getattr(world, name).pk)  # a fresh object: its scope is computed now


def _accepted(call) -> bool:
    """Whether the service accepts the action (it raises no refusal and does something: every action is
    journaled, an idempotent repeat is not); nothing it writes is kept."""
    before = JournalEntry.objects.count()
    try:
        with transaction.atomic():
            call()
            done = JournalEntry.objects.count() > before
            raise _Rollback
    except _Rollback:
        return done
    except (PermissionDenied, ValidationError):
        return False


def _someone_else(agency_id, unit_id, busy) -> User | None:
    return members.members(agency_id, unit_id=unit_id).exclude(pk__in=busy).order_by("pk").first()


def _assignment_calls(world, user, assignment_pk) -> dict:
    def fresh():
        return Assignment.objects.get(pk=assignment_pk)

    a = fresh()
    unit_id = a.unit_id or (a.parent.unit_id if a.parent_id else world.sxd_khtc.pk)
    busy = set(a.children.filter(status__in=incoming.OPEN).values_list("user_id", flat=True)) | {a.user_id}
    other = _someone_else(a.document.agency_id, unit_id, busy) or world.sxd_staff
    return {
        "distribute": lambda: incoming.distribute(user, fresh(), user=other, opinion="Đề nghị xử lý trong tuần."),
        "note": lambda: incoming.add_note(user, fresh(), "proposal", "Đề xuất lấy ý kiến Phòng Quản lý xây dựng."),
        "complete": lambda: incoming.complete(user, fresh(), "Đã hoàn thành, báo cáo lãnh đạo Sở."),
        "read": lambda: incoming.mark_read(user, fresh()),
        "return": lambda: incoming.return_to_leader(user, fresh(), "Nội dung thuộc chức năng Phòng Quản lý xây dựng."),
        "reassign": lambda: incoming.reassign(user, fresh(), user=other, reason="Đồng chí Lan đi công tác dài ngày."),
    }


def _document_calls(world, user, doc_pk) -> dict:
    """Each action with its valid inputs: accepted when the service takes any of them."""

    def fresh():
        return IncomingDocument.objects.get(pk=doc_pk)

    open_dossiers = Dossier.objects.filter(agency=world.sxd, status="open").order_by("pk")
    return {
        "submit": [lambda: incoming.submit(user, fresh(), leader=world.sxd_leader)],
        "direct": [
            lambda: incoming.direct(
                user,
                fresh(),
                direction="Giao Phòng KH-TC chủ trì.",
                deadline=timezone.localdate() + dt.timedelta(days=5),
                targets=[T("lead", unit=world.sxd_khtc)],
            )
        ],
        "request_reply": [lambda: incoming.request_reply(user, fresh(), subject="V/v báo cáo kết quả thực hiện")],
        "draft_reply": [
            lambda: out.create_draft(
                user,
                doc_type=DocumentType.objects.get(name="Công văn"),
                subject="V/v trả lời văn bản của UBND tỉnh",
                reply_to=fresh(),
            )
        ],
        "file": [lambda d=d: dossiers.file_document(user, fresh(), [d]) for d in open_dossiers],
    }


def test_every_document_action_is_offered_exactly_when_the_service_accepts_it(world):
    assert {name for name in DOCUMENT_ACTIONS} == set(DOCUMENT_BUTTONS)
    offered_somewhere = set()
    for name in VIEWERS:
        user = _viewer(world, name)
        for state, doc in world.documents.items():
            offered = document_actions(user, IncomingDocument.objects.get(pk=doc.pk))
            offered_somewhere |= offered
            for action, calls in _document_calls(world, user, doc.pk).items():
                assert (action in offered) is any(_accepted(call) for call in calls), (name, state, action)
    assert offered_somewhere == set(DOCUMENT_ACTIONS)  # the world exercises every action


def _offered_to(world, check) -> set[str]:
    return {name for name in VIEWERS if check(_viewer(world, name))}


def test_who_is_offered_what(world):
    """The rules themselves, for the cells that matter: delegates for incoming work act for the people who
    delegated it to them; a delegate for approval only gains nothing here."""
    docs = {state: IncomingDocument.objects.get(pk=doc.pk) for state, doc in world.documents.items()}
    assert _offered_to(world, lambda u: "submit" in document_actions(u, docs["registered"])) == {"sxd_clerk"}
    assert _offered_to(world, lambda u: "direct" in document_actions(u, docs["submitted"])) == {
        "sxd_leader",
        "incoming_deputy",
    }
    lead = Assignment.objects.get(document=docs["directed"], role="lead")
    assert _offered_to(world, lambda u: "distribute" in assignment_actions(u, lead)) == {
        "sxd_unit_leader",
        "unit_deputy",
    }
    child = Assignment.objects.get(document=docs["in_progress"], user=world.sxd_staff)
    assert _offered_to(world, lambda u: "note" in assignment_actions(u, child)) == {"sxd_staff", "staff_deputy"}
    assert _offered_to(world, lambda u: "reassign" in assignment_actions(u, child)) == {
        "sxd_unit_leader",
        "unit_deputy",
    }
    assert _offered_to(world, lambda u: "file" in document_actions(u, docs["completed"])) == {
        "sxd_clerk",
        "sxd_unit_leader",
        "sxd_staff",
        "unit_deputy",
    }  # the keepers of the unit's open dossiers
    deputy = _viewer(world, "approval_deputy")
    assert (
        not IncomingDocument.objects.filter(pk__in=[d.pk for d in docs.values()])
        .filter(pk__in=visible(IncomingDocument, deputy).values("pk"))
        .exists()
    )


def test_every_assignment_action_is_offered_exactly_when_the_service_accepts_it(world):
    assert set(ASSIGNMENT_ACTIONS) == set(ASSIGNMENT_BUTTONS)
    offered_somewhere = set()
    offered_to = {}
    assignments = Assignment.objects.filter(document__in=[d.pk for d in world.documents.values()]).order_by("pk")
    for name in VIEWERS:
        user = _viewer(world, name)
        for assignment in assignments:
            offered = assignment_actions(user, Assignment.objects.get(pk=assignment.pk))
            offered_somewhere |= offered
            for action in offered:
                offered_to.setdefault(action, set()).add(name)
            for action, call in _assignment_calls(world, user, assignment.pk).items():
                assert (action in offered) is _accepted(call), (name, assignment.document.subject, assignment, action)
    assert offered_somewhere == set(ASSIGNMENT_ACTIONS)
    # Delegates act for the people who delegated incoming work to them, and only they.
    assert "distribute" in offered_to and "unit_deputy" in offered_to["distribute"]
    assert not any("approval_deputy" in names for names in offered_to.values())


def test_nobody_is_offered_anything_without_an_account(world):
    # To the machine, no actor is a system step (a batch submission): never a reason to offer a button.
    doc = IncomingDocument.objects.get(pk=world.documents["submitted"].pk)
    lead = Assignment.objects.get(document=world.documents["directed"], role="lead")
    for nobody in (None, AnonymousUser()):
        assert document_actions(nobody, doc) == set() and assignment_actions(nobody, lead) == set()
        assert dossier_actions(nobody, Dossier.objects.get(pk=world.dossiers["open"].pk)) == set()
    assert DOCUMENT.can(doc, "direct", actor=None)


def test_registration_is_offered_to_the_clerks_of_an_agency(world, login):
    root = User.objects.create_superuser("quantri.hethong", PASSWORD, full_name="Quản trị hệ thống")
    for user, may in ((root, False), (world.sxd_clerk, True), (world.stttt_clerk, True), (world.sxd_leader, False)):
        web = login(user)
        assert ('data-testid="register-new"' in web.get("/van-ban-den/").content.decode()) is may
        assert web.get("/van-ban-den/vao-so/").status_code == (200 if may else 403)
    # Without an agency of its own, the superuser still submits a document as its agency's clerk would.
    assert "submit" in document_actions(root, IncomingDocument.objects.get(pk=world.documents["registered"].pk))


def test_the_home_page_lists_what_waits_for_direction_for_whoever_may_direct_it(world, login):
    subject = world.documents["submitted"].subject
    for name in ("sxd_leader", "incoming_deputy", "approval_deputy", "sxd_clerk"):
        page = login(_viewer(world, name)).get("/").content.decode()
        assert (subject in page and 'data-testid="to-direct"' in page) is (name in ("sxd_leader", "incoming_deputy"))


def test_the_withdrawal_follows_its_rule_and_is_not_offered_on_the_document(world):
    for name in VIEWERS:
        user = _viewer(world, name)
        for state, doc in world.documents.items():
            allowed = DOCUMENT.permits(IncomingDocument.objects.get(pk=doc.pk), "withdraw", user)
            accepted = _accepted(
                lambda d=doc, u=user: incoming.withdraw(
                    u, IncomingDocument.objects.get(pk=d.pk), "Nơi gửi đề nghị thu hồi."
                )
            )
            assert allowed is accepted, (name, state)
            assert accepted is (name == "sxd_clerk" and state != "withdrawn"), (name, state)
            assert "withdraw" not in document_actions(user, IncomingDocument.objects.get(pk=doc.pk))


def _shown(html: str, scope: str = "") -> set[str]:
    tree = lxml.html.fromstring(html)
    return {e.get("data-testid") for e in tree.xpath(f"{scope}//*[@data-testid]")}


def test_the_document_page_shows_exactly_the_available_buttons(world, login):
    assignments = list(Assignment.objects.filter(document__in=[d.pk for d in world.documents.values()]))
    for name in VIEWERS:
        user = _viewer(world, name)
        web = login(user)
        for state, doc in world.documents.items():
            fresh = IncomingDocument.objects.get(pk=doc.pk)
            offered = document_actions(user, fresh)
            work = {a.pk: assignment_actions(user, a) for a in assignments if a.document_id == doc.pk}
            response = web.get(f"/van-ban-den/{doc.pk}/")
            if response.status_code == 404:
                assert offered == set() and not any(work.values()), (name, state)
                continue
            page = response.content.decode()
            panel = web.get(f"/ho-so/van-ban-den/{doc.pk}/").content.decode()  # loaded into the page by htmx
            shown = _shown(page) | _shown(panel)
            for action, testid in DOCUMENT_BUTTONS.items():
                expected = action in offered
                if action == "request_reply":  # one reply button: who may draft the reply is offered that only
                    expected = expected and "draft_reply" not in offered
                assert (testid in shown) is expected, (name, state, action)
            assert not {"request-reply", "draft-reply"} <= shown, (name, state)
            tree = lxml.html.fromstring(page)
            for pk, actions in work.items():
                card = tree.xpath(f'//*[@data-testid="work-{pk}"]')
                assert bool(card) is bool(actions), (name, state, pk)
                in_card = {e.get("data-testid") for e in card[0].xpath(".//*[@data-testid]")} if card else set()
                for action, testid in ASSIGNMENT_BUTTONS.items():
                    assert (testid in in_card) is (action in actions), (name, state, pk, action)


def test_the_api_lists_the_same_actions(world, api):
    for name in VIEWERS:
        user = _viewer(world, name)
        client = api(user)
        for state, doc in world.documents.items():
            fresh = IncomingDocument.objects.get(pk=doc.pk)
            response = client.get(f"/api/v1/incoming-documents/{doc.pk}/")
            if response.status_code == 404:
                assert document_actions(user, fresh) == set(), (name, state)
                continue
            body = response.json()
            assert set(body["actions"]) == document_actions(user, fresh), (name, state)
            for row in body["assignments"]:
                assignment = Assignment.objects.get(pk=row["id"])
                assert set(row["actions"]) == assignment_actions(user, assignment), (name, state, row["id"])
                one = client.get(f"/api/v1/incoming-assignments/{row['id']}/")
                assert set(one.json()["actions"]) == set(row["actions"]), (name, state, row["id"])


# ------------------------------------------------------------------------------------------ dossiers


def _dossier_calls(user, dossier_pk) -> dict:
    def fresh():
        return Dossier.objects.get(pk=dossier_pk)

    def remove():
        item = DossierItem.objects.filter(dossier_id=dossier_pk, removed_at__isnull=True).first()
        if item is None:
            raise ValidationError("Hồ sơ không có văn bản nào để rút.")
        dossiers.remove_item(user, item, "Đưa nhầm hồ sơ, cần chuyển sang hồ sơ khác.")

    return {
        "edit": lambda: dossiers.update_dossier(user, fresh(), description=f"{fresh().description} Bổ sung chú giải."),
        "close": lambda: dossiers.transition(user, fresh(), "close"),
        "reopen": lambda: dossiers.transition(user, fresh(), "reopen"),
        "archive": lambda: dossiers.transition(user, fresh(), "archive"),
        "remove_item": remove,
    }


def test_every_dossier_action_is_offered_exactly_when_the_service_accepts_it(world, login, api):
    assert set(DOSSIER_ACTIONS) == set(DOSSIER_BUTTONS)
    offered_somewhere = set()
    for name in VIEWERS:
        user = _viewer(world, name)
        web, client = login(user), api(user)
        for state, dossier in world.dossiers.items():
            offered = dossier_actions(user, Dossier.objects.get(pk=dossier.pk))
            offered_somewhere |= offered
            for action, call in _dossier_calls(user, dossier.pk).items():
                assert (action in offered) is _accepted(call), (name, state, action)
            response = web.get(f"/ho-so/{dossier.pk}/")
            if response.status_code == 404:
                assert offered == set(), (name, state)
                assert client.get(f"/api/v1/dossiers/{dossier.pk}/").status_code == 404
                continue
            shown = _shown(response.content.decode())
            for action, testid in DOSSIER_BUTTONS.items():
                assert (testid in shown) is (action in offered), (name, state, action)
            assert set(client.get(f"/api/v1/dossiers/{dossier.pk}/").json()["actions"]) == offered, (name, state)
    assert offered_somewhere == set(DOSSIER_ACTIONS)
