"""Permission regression suite, incoming documents: every channel agrees with visible().

Rows say who must (not) see a document directed to SXD's KH-TC unit with a for-information copy to one
person. Later issues add rows (delegation, exchange, search)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import shared_data
from tests.conftest import make_person
from vpdt.catalog.models import DocumentType, Urgency
from vpdt.core.authz import visible
from vpdt.directory.models import Role
from vpdt.incoming import services
from vpdt.incoming.models import IncomingDocument

# viewer attribute on the `world` fixture, expected visibility
ROWS = [
    ("sxd_clerk", True),  # the agency's clerk
    ("sxd_leader", True),  # the agency's leader
    ("sxd_unit_leader", True),  # leader of the lead unit (KH-TC)
    ("sxd_staff", True),  # staff member assigned by the unit leader
    ("sxd_admin", True),  # for-information recipient (also the agency's system administrator)
    ("sxd_vp_staff", False),  # staff of another unit of the same agency, not involved
    ("stttt_staff", False),  # another agency of the same province
    ("province_admin", False),  # administrators administer accounts, not documents
    ("ht_staff", False),  # another province
]


@shared_data.over("org")
def world(org):
    org.sxd_vp_staff = make_person(org.sxd, "Đỗ Minh Tâm", Role.STAFF, org.sxd_vp)
    doc = services.register_document(
        org.sxd_clerk,
        agency=org.sxd,
        leader=org.sxd_leader,
        issuer_name="Bộ Xây dựng",
        issuer_code="000.00.00.G15",
        code_number="2501",
        code_notation="BXD-KTXD",
        issued_date=dt.date(2026, 11, 18),
        doc_type=DocumentType.objects.get(name="Công văn"),
        urgency=Urgency.URGENT,
        subject="V/v rà soát định mức dự toán xây dựng công trình",
    ).document
    services.direct(
        org.sxd_leader,
        doc,
        direction="Phòng KH-TC chủ trì; anh Tuấn để biết.",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        targets=[services.Target("lead", unit=org.sxd_khtc), services.Target("inform", user=org.sxd_admin)],
    )
    services.distribute(org.sxd_unit_leader, doc.assignments.get(role="lead"), user=org.sxd_staff)
    org.doc = doc
    return org


@pytest.mark.parametrize("viewer,expected", ROWS)
def test_all_channels_agree(world, login, api, viewer, expected):
    user = getattr(world, viewer)
    doc = world.doc
    assert visible(IncomingDocument, user).filter(pk=doc.pk).exists() is expected

    web = login(user)
    listed = doc.subject in web.get("/van-ban-den/").content.decode()
    assert listed is expected
    assert web.get(f"/van-ban-den/{doc.pk}/").status_code == (200 if expected else 404)
    assert web.get(f"/van-ban-den/{doc.pk}/phieu-giai-quyet.pdf").status_code == (200 if expected else 404)

    client = api(user)
    ids = [row["id"] for row in client.get("/api/v1/incoming-documents/", {"page_size": 200}).json()["results"]]
    assert (doc.pk in ids) is expected
    assert client.get(f"/api/v1/incoming-documents/{doc.pk}/").status_code == (200 if expected else 404)
    assert client.get(f"/api/v1/incoming-documents/{doc.pk}/trail/").status_code == (200 if expected else 404)


def test_attachment_download_follows_visibility(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("bxd-2501.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    doc = services.register_document(
        world.sxd_clerk,
        agency=world.sxd,
        files=[pdf],
        issuer_name="Bộ Xây dựng",
        code_number="2502",
        code_notation="BXD-KTXD",
        issued_date=dt.date(2026, 11, 18),
        doc_type=DocumentType.objects.get(name="Công văn"),
        subject="V/v hướng dẫn thanh tra chuyên ngành xây dựng",
    ).document
    attachment = doc.attachments.get()
    url = f"/van-ban-den/{doc.pk}/tep/{attachment.pk}/"
    response = login(world.sxd_clerk).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    for outsider in (world.sxd_staff, world.stttt_staff, world.ht_staff):
        assert login(outsider).get(url).status_code == 404
