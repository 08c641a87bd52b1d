"""Incoming documents: registration rules, numbering, refusals and direction (services)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_person
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import visible
from vpdt.directory.models import Role
from vpdt.incoming import services
from vpdt.incoming.models import Assignment, DocStatus, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.storage import services as storage

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="cong-van-1234.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def fields(**over):
    data = dict(
        issuer_name="Ủy ban nhân dân tỉnh Nghệ An",
        issuer_code="000.00.00.H41",
        code_number="1234",
        code_notation="UBND-KT",
        issued_date=dt.date(2026, 11, 20),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v triển khai kế hoạch cải cách hành chính năm 2027",
        signer_name="Nguyễn Đức Trung",
        signer_position="Chủ tịch",
        page_amount=3,
    )
    data.update(over)
    return data


def test_registration_numbers_from_one_per_register_and_year(org):
    first = services.register_document(org.sxd_clerk, agency=org.sxd, files=[pdf()], **fields()).document
    second = services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_number="1235")).document
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.year == timezone.localdate().year and first.status == DocStatus.REGISTERED
    attachment = first.attachments.get()
    assert attachment.file.sha256 and storage.verify(attachment.file).ok
    assert JournalEntry.objects.filter(action="incoming.register", object_id=str(first.pk)).exists()
    # Another agency's register starts at 1 as well.
    other_clerk = make_person(org.stttt, "Ngô Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    assert services.register_document(other_clerk, agency=org.stttt, **fields()).document.arrival_number == 1


def test_new_year_restarts_at_one(org):
    last_year = timezone.now() - dt.timedelta(days=400)
    old = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        arrival_date=last_year,
        **fields(issued_date=(last_year - dt.timedelta(days=3)).date()),
    ).document
    new = services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_number="9")).document
    assert old.arrival_number == 1 and new.arrival_number == 1 and old.year < new.year


@pytest.mark.parametrize("level,label", [("mat", "Mật"), ("toi_mat", "Tối mật"), ("tuyet_mat", "Tuyệt mật")])
def test_secret_documents_are_refused_with_pointer_to_paper_register(org, level, label):
    with pytest.raises(ValidationError) as err:
        services.register_document(org.sxd_clerk, agency=org.sxd, secrecy=level, files=[pdf()], **fields())
    message = err.value.message_dict["secrecy"][0]
    assert label in message and "Sổ đăng ký văn bản mật" in message
    assert not IncomingDocument.objects.exists()


@pytest.mark.parametrize(
    "category,needle", [("complaint", "khiếu nại"), ("sensitive", "tôn giáo"), ("harmful", "độc hại")]
)
def test_forbidden_categories_are_refused(org, category, needle):
    with pytest.raises(ValidationError) as err:
        services.register_document(org.sxd_clerk, agency=org.sxd, restricted_category=category, **fields())
    assert needle in err.value.message_dict["restricted_category"][0]
    assert not IncomingDocument.objects.exists()


def test_duplicate_is_warned_and_can_be_confirmed(org):
    first = services.register_document(org.sxd_clerk, agency=org.sxd, **fields()).document
    with pytest.raises(services.DuplicateWarning) as err:
        # Same issuer, number and symbol (other spelling) and date.
        services.register_document(org.sxd_clerk, agency=org.sxd, **fields(code_notation="ubnd-kt"))
    assert err.value.existing == first and "số đến 1/" in err.value.messages[0]
    second = services.register_document(
        org.sxd_clerk, agency=org.sxd, confirm_duplicate=True, **fields(code_notation="ubnd-kt")
    ).document
    assert second.arrival_number == 2


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("cong-van.pdf", b"MZ\x90\x00 this is an executable", "không phải định dạng"),
        ("scan.pdf", b"", "rỗng"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(org, name, content, needle):
    with pytest.raises(ValidationError) as err:
        services.register_document(org.sxd_clerk, agency=org.sxd, files=[SimpleUploadedFile(name, content)], **fields())
    assert needle in err.value.message_dict["files"][0]
    assert not IncomingDocument.objects.exists()


def test_size_limit_is_configurable(org, settings):
    settings.VPDT_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("to.pdf", PDF + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="vượt quá giới hạn 1 MB"):
        services.register_document(org.sxd_clerk, agency=org.sxd, files=[big], **fields())


def test_missing_required_fields(org):
    with pytest.raises(ValidationError) as err:
        services.register_document(org.sxd_clerk, agency=org.sxd, **fields(subject="", issuer_name=""))
    assert set(err.value.message_dict) >= {"subject", "issuer_name"}


def test_only_the_agency_clerk_registers(org):
    for person in (org.sxd_staff, org.sxd_leader):
        with pytest.raises(PermissionDenied):
            services.register_document(person, agency=org.sxd, **fields())
    with pytest.raises(PermissionDenied):
        services.register_document(org.sxd_clerk, agency=org.stttt, **fields())


def test_urgent_goes_to_leader_at_once_others_wait_for_batch(org):
    urgent = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.FLASH)
    )
    normal = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(code_number="77")
    )
    assert urgent.submitted and urgent.document.status == DocStatus.SUBMITTED
    assert not normal.submitted and normal.document.status == DocStatus.REGISTERED
    assert services.submit_batch() == 1
    normal.document.refresh_from_db()
    assert normal.document.status == DocStatus.SUBMITTED


def test_direction_needs_exactly_one_lead(org):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT)
    ).document
    T = services.Target
    with pytest.raises(ValidationError, match="đồng xử lý"):
        services.direct(
            org.sxd_leader,
            doc,
            direction="Giao hai phòng cùng chủ trì",
            targets=[T("lead", unit=org.sxd_khtc), T("lead", unit=org.sxd_vp)],
        )
    with pytest.raises(ValidationError, match="Chưa giao"):
        services.direct(org.sxd_leader, doc, direction="Để biết", targets=[T("inform", unit=org.sxd_vp)])
    with pytest.raises(PermissionDenied):
        services.direct(org.sxd_staff, doc, direction="x", targets=[T("lead", unit=org.sxd_khtc)])
    with pytest.raises(ValidationError, match="trong cơ quan"):
        services.direct(org.sxd_leader, doc, direction="x", targets=[T("lead", unit=org.stttt_cntt)])
    deadline = timezone.localdate() + dt.timedelta(days=10)
    services.direct(
        org.sxd_leader,
        doc,
        direction="Giao Phòng KH-TC chủ trì, Văn phòng phối hợp; báo cáo trước hạn.",
        deadline=deadline,
        targets=[T("lead", unit=org.sxd_khtc), T("cooperate", unit=org.sxd_vp), T("inform", user=org.sxd_admin)],
    )
    doc.refresh_from_db()
    assert doc.status == DocStatus.DIRECTED and doc.deadline == deadline
    assert Assignment.objects.filter(document=doc).count() == 3
    assert Assignment.objects.get(document=doc, role="lead").deadline == deadline


def test_visibility_follows_involvement(org):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.URGENT)
    ).document

    def sees(user):
        return visible(IncomingDocument, user).filter(pk=doc.pk).exists()

    assert sees(org.sxd_clerk) and sees(org.sxd_leader)
    assert not sees(org.sxd_staff) and not sees(org.sxd_unit_leader)
    assert not sees(org.stttt_staff) and not sees(org.province_admin) and not sees(org.ht_staff)
    services.direct(
        org.sxd_leader,
        doc,
        direction="Phòng KH-TC xử lý",
        targets=[services.Target("lead", unit=org.sxd_khtc), services.Target("inform", user=org.sxd_staff)],
    )
    assert sees(org.sxd_unit_leader) and sees(org.sxd_staff)
    assert not sees(org.stttt_staff) and not sees(org.ht_staff)


def test_home_shows_what_waits_for_the_leader_and_the_staff(org, login):
    doc = services.register_document(
        org.sxd_clerk, agency=org.sxd, leader=org.sxd_leader, **fields(urgency=Urgency.FLASH)
    ).document
    html = login(org.sxd_leader).get("/").content.decode()
    assert 'data-testid="to-direct"' in html and doc.subject[:40] in html and "Hỏa tốc" in html
    services.direct(
        org.sxd_leader,
        doc,
        direction="Chị Lan xử lý ngay",
        deadline=timezone.localdate() + dt.timedelta(days=1),
        targets=[services.Target("lead", user=org.sxd_staff)],
    )
    staff_home = login(org.sxd_staff).get("/").content.decode()
    assert doc.subject[:40] in staff_home.split('data-testid="my-work"')[1]
    assert doc.subject[:40] not in login(org.stttt_staff).get("/").content.decode()


def test_clerk_with_a_position_in_another_agency_sees_work_given_there(org):
    """The fast agency-only predicate for leaders and clerks must not hide work given in another agency."""
    from vpdt.directory import services as directory

    stttt_clerk = make_person(org.stttt, "Ngô Thị Thanh Hương", Role.CLERK, org.stttt_cntt)
    stttt_leader = make_person(org.stttt, "Hồ Sỹ Hùng", Role.LEADER)
    cntt_head = make_person(org.stttt, "Trần Quang Vinh", Role.UNIT_LEADER, org.stttt_cntt)
    # The SXD clerk is seconded part-time to the IT unit of STTTT.
    directory.assign_position(
        None,
        org.sxd_clerk,
        agency=org.stttt,
        unit=org.stttt_cntt,
        title="Chuyên viên kiêm nhiệm",
        role=Role.STAFF,
        is_primary=False,
    )
    doc = services.register_document(
        stttt_clerk, agency=org.stttt, leader=stttt_leader, **fields(urgency=Urgency.URGENT)
    ).document
    services.direct(
        stttt_leader, doc, direction="Phòng CNTT xử lý", targets=[services.Target("lead", unit=org.stttt_cntt)]
    )
    lead = doc.assignments.get()
    assert not visible(IncomingDocument, org.sxd_clerk).filter(pk=doc.pk).exists()
    services.distribute(cntt_head, lead, user=org.sxd_clerk)
    clerk = type(org.sxd_clerk).objects.get(pk=org.sxd_clerk.pk)  # fresh scope
    assert visible(IncomingDocument, clerk).filter(pk=doc.pk).exists()
    # ...while a plain SXD clerk's view stays limited to SXD.
    assert not visible(IncomingDocument, org.sxd_leader).filter(pk=doc.pk).exists()
