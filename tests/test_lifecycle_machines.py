"""Lifecycles go through their machines: every status change is a named, guarded, journaled transition that sends
``transitioned`` once. Incoming assignments (journaled on their document), the withdrawal of an incoming document,
signing sessions, and the dossier actions the screens offer."""

import dataclasses
import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time

from tests.signing_support import nd30, pki_material
from tests.signing_test_device import sign_locally
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.fsm import TransitionNotAllowed, transitioned
from vpdt.dossiers import services as dossiers
from vpdt.dossiers.lifecycle import DOSSIER
from vpdt.dossiers.lifecycle import available_actions as dossier_actions
from vpdt.dossiers.models import DossierStatus
from vpdt.incoming import queries
from vpdt.incoming import services as incoming
from vpdt.incoming.models import Assignment, AssignmentStatus, DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out
from vpdt.signing import external, pades, pki
from vpdt.signing import services as signing
from vpdt.signing.models import CredentialKind, KeyStore, SessionStatus, SigningSession
from vpdt.storage.services import read_stored

T = incoming.Target


@contextmanager
def transitions():
    """Collect (model name, transition name, object id) of every transition sent while inside."""
    seen = []

    def receiver(sender, obj=None, transition=None, **kwargs):
        seen.append((sender.__name__, transition.name, obj.pk))

    transitioned.connect(receiver, dispatch_uid="test-lifecycle-machines")
    try:
        yield seen
    finally:
        transitioned.disconnect(dispatch_uid="test-lifecycle-machines")


def submitted(org):
    today = timezone.localdate()
    return incoming.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        urgency=Urgency.URGENT,
        issuer_name="Bộ Xây dựng",
        code_number="2150",
        code_notation="BXD-QLN",
        issued_date=today - dt.timedelta(days=4),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v báo cáo tình hình phát triển nhà ở xã hội năm 2026",
    ).document


# ------------------------------------------------------------------------------------------ incoming


def test_assignment_transitions_are_machine_transitions_journaled_on_the_document(org):
    doc = submitted(org)
    with transitions() as seen:
        incoming.direct(
            org.sxd_leader,
            doc,
            direction="Giao Phòng KH-TC chủ trì tham mưu báo cáo.",
            deadline=timezone.localdate() + dt.timedelta(days=10),
            targets=[T("lead", unit=org.sxd_khtc)],
        )
        lead = Assignment.objects.get(document=doc, unit=org.sxd_khtc)
        child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
        incoming.complete(org.sxd_staff, child, "Đã dự thảo báo cáo.")
        incoming.complete(org.sxd_unit_leader, lead, "Đã báo cáo lãnh đạo Sở.")
    assert seen == [
        ("IncomingDocument", "direct", doc.pk),
        ("Assignment", "start", lead.pk),
        ("Assignment", "complete", child.pk),
        ("Assignment", "complete", lead.pk),
        ("IncomingDocument", "complete", doc.pk),
    ]  # each once: nothing fires twice
    entries = (
        JournalEntry.objects.filter(action__startswith="incoming.assignment.")
        .exclude(action="incoming.assignment.distribute")
        .order_by("seq")
    )
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("incoming.assignment.start", "incoming.incomingdocument", str(doc.pk)),
        ("incoming.assignment.complete", "incoming.incomingdocument", str(doc.pk)),
        ("incoming.assignment.complete", "incoming.incomingdocument", str(doc.pk)),
    ]
    first = entries[0].details
    assert first["assignment"] == lead.pk and first["to"] == "Phòng Kế hoạch - Tài chính"  # the trail's "to"
    assert first["from"] == AssignmentStatus.PENDING and first["status"] == AssignmentStatus.IN_PROGRESS
    assert [i["to"] for i in queries.trail(doc) if i["action"] == "incoming.assignment.complete"] == [
        "Hoàng Thị Lan",
        "Phòng Kế hoạch - Tài chính",
    ]


def test_withdrawal_closes_each_open_assignment_by_a_journaled_transition(org):
    doc = submitted(org)
    incoming.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì, Văn phòng phối hợp.",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        targets=[T("lead", unit=org.sxd_khtc), T("cooperate", unit=org.sxd_vp), T("inform", user=org.sxd_admin)],
    )
    lead = Assignment.objects.get(document=doc, unit=org.sxd_khtc)
    child = incoming.distribute(org.sxd_unit_leader, lead, user=org.sxd_staff)
    informed = Assignment.objects.get(document=doc, user=org.sxd_admin)
    incoming.mark_read(org.sxd_admin, informed)  # already done: stays done
    open_ids = set(Assignment.objects.filter(document=doc, status__in=incoming.OPEN).values_list("pk", flat=True))
    assert open_ids == {lead.pk, child.pk, Assignment.objects.get(document=doc, unit=org.sxd_vp).pk}
    reason = "Thu hồi theo đề nghị của Bộ Xây dựng (văn bản ban hành nhầm)."
    with transitions() as seen:
        incoming.withdraw(org.sxd_clerk, doc, reason)
    assert IncomingDocument.objects.get(pk=doc.pk).status == DocStatus.WITHDRAWN
    assert sorted(s for s in seen if s[0] == "Assignment") == sorted(("Assignment", "withdraw", pk) for pk in open_ids)
    for assignment in Assignment.objects.filter(document=doc):
        expected = AssignmentStatus.RETURNED if assignment.pk in open_ids else AssignmentStatus.DONE
        assert assignment.status == expected
    entries = JournalEntry.objects.filter(action="incoming.assignment.withdraw", object_id=str(doc.pk))
    assert {e.details["assignment"] for e in entries} == open_ids
    assert all(e.details["reason"] == reason and e.details["status"] == AssignmentStatus.RETURNED for e in entries)
    labels = [i["label"] for i in queries.trail(doc)]
    assert labels.count("Thu hồi phân công (nơi gửi thu hồi văn bản)") == 3


# ------------------------------------------------------------------------------------------ signing sessions


@pytest.fixture
def signer(org):
    keys = pki_material()
    signing.add_trust_roots(org.province_admin, pki.to_pem(keys.root.cert).encode("ascii"), name="Test Root CA vpdt")
    signing.register_certificate(
        org.sxd_admin,
        kind=CredentialKind.PERSONAL,
        agency=org.sxd,
        user=org.sxd_leader,
        certificate=pki.to_pem(keys.leader.cert).encode(),
        keystore=KeyStore.EXTERNAL,
        label="USB token",
    )
    org.keys = keys
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Quyết định"),
        signer=org.sxd_leader,
        subject="Về việc ban hành Quy chế quản lý hồ sơ thiết kế của Sở Xây dựng",
        text="Quyết định ban hành quy chế.",
        files=[SimpleUploadedFile("quyet-dinh.pdf", nd30(), content_type="application/pdf")],
    )
    org.doc = out.approve(org.sxd_unit_leader, out.submit(org.sxd_staff, doc), comment="Đồng ý nội dung.")
    return org


def test_a_superseded_session_expires_through_the_machine(signer):
    org = signer
    first = external.start(org.sxd_leader, org.doc)
    with transitions() as seen:
        second = external.start(org.sxd_leader, org.doc)
    assert seen == [("SigningSession", "expire", first.pk)]
    first.refresh_from_db()
    assert first.status == SessionStatus.EXPIRED and first.error == external.SUPERSEDED and first.completed_at
    entry = JournalEntry.objects.get(action="signing.session.expire", object_id=str(first.pk))
    assert entry.details["from"] == "pending" and entry.details["to"] == "expired"
    assert entry.agency_id == org.sxd.pk and second.status == SessionStatus.PENDING


def test_session_outcomes_are_journaled_transitions(signer):
    org = signer
    session = external.start(org.sxd_leader, org.doc)
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    with freeze_time(session.expires_at), transitions() as seen, pytest.raises(ValidationError, match="hết hạn"):
        external.complete(org.sxd_leader, session, signed)
    assert seen == [("SigningSession", "expire", session.pk)]
    assert JournalEntry.objects.filter(action="signing.session.expire", object_id=str(session.pk)).exists()

    session = external.start(org.sxd_leader, org.doc)
    with transitions() as seen, pytest.raises(ValidationError):
        external.complete(org.sxd_leader, session, b"%PDF-1.7 not the prepared file")
    assert seen == [("SigningSession", "fail", session.pk)]
    assert JournalEntry.objects.get(action="signing.session.fail", object_id=str(session.pk)).details["to"] == "failed"

    session = external.start(org.sxd_leader, org.doc)
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    with transitions() as seen:
        done = external.complete(org.sxd_leader, session, signed)
    assert ("SigningSession", "complete", session.pk) in seen and done.status == SessionStatus.COMPLETED
    entry = JournalEntry.objects.get(action="signing.session.complete", object_id=str(session.pk))
    assert entry.details["from"] == "pending" and entry.details["signed_sha256"] == done.signed.sha256


def test_session_machine_guards(signer):
    org = signer
    session = external.start(org.sxd_leader, org.doc)
    with pytest.raises(TransitionNotAllowed, match="Chưa có tệp đã ký"):
        external.SESSION.check(session, "complete")
    with pytest.raises(TransitionNotAllowed, match="lý do"):
        external.SESSION.check(session, "fail")
    with freeze_time(session.expires_at):
        session.signed = session.prepared
        with pytest.raises(TransitionNotAllowed, match="hết hạn"):
            external.SESSION.check(session, "complete")
    session.status = SessionStatus.COMPLETED
    session.error = "Thử kết thúc lần hai."
    with pytest.raises(TransitionNotAllowed, match="Đã ký"):
        external.SESSION.check(session, "expire")
    assert SigningSession.objects.get(pk=session.pk).status == SessionStatus.PENDING


# ------------------------------------------------------------------------------------------ dossiers


def test_dossier_screen_offers_what_the_service_allows(org, login, monkeypatch):
    dossier = dossiers.create_dossier(org.sxd_staff, title="Hồ sơ thẩm định thiết kế cơ sở năm 2026", year=2026)
    dossier.status = DossierStatus.CLOSED
    dossier.save(update_fields=["status"])
    staff, clerk = login(org.sxd_staff), login(org.sxd_clerk)
    assert dossier_actions(org.sxd_staff, dossier) == {"reopen"}
    assert dossier_actions(org.sxd_clerk, dossier) == {"reopen", "archive"}
    assert dossier_actions(org.stttt_staff, dossier) == set()
    page = staff.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert 'data-testid="action-reopen"' in page and 'data-testid="action-archive"' not in page
    assert 'data-testid="edit"' not in page  # closed: not editable
    assert 'data-testid="action-archive"' in clerk.get(f"/ho-so/{dossier.pk}/").content.decode()
    # The rule lives in the machine alone: change it there and both the screen and the action follow.
    archive, edit = DOSSIER.get("archive"), DOSSIER.get("edit")
    monkeypatch.setitem(DOSSIER._by_name, "archive", dataclasses.replace(archive, allow=lambda dossier, actor: None))
    assert 'data-testid="action-archive"' in staff.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert dossiers.transition(org.sxd_staff, dossier, "archive").status == DossierStatus.ARCHIVED
    monkeypatch.setitem(DOSSIER._by_name, "edit", dataclasses.replace(edit, sources=set(DossierStatus)))
    assert 'data-testid="edit"' in staff.get(f"/ho-so/{dossier.pk}/").content.decode()
