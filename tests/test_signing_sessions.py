"""Client-side signing: the server prepares, an external signer (the test device standing in for
the leader's USB token service) returns the signed PDF, the server verifies it before approving with it.
Rejections: a re-made copy, another person's or an untrusted certificate, a flipped byte, an expired session,
someone else's session, the device being down."""

import base64
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from tests import shared_data
from tests.signing_support import nd30, pki_material
from tests.signing_test_device import SigningDevice, closed_port_url, sign_locally
from vpdt.catalog.models import DocumentType
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out
from vpdt.outgoing.models import FileKind, OutStatus
from vpdt.signing import external, pades, pki
from vpdt.signing import services as signing
from vpdt.signing.models import CredentialKind, KeyStore, SessionStatus, SigningSession, Verdict
from vpdt.storage.services import read_stored

pytestmark = pytest.mark.django_db


def register_external(org, user, issued):
    return signing.register_certificate(
        org.sxd_admin,
        kind=CredentialKind.PERSONAL,
        agency=org.sxd,
        user=user,
        certificate=pki.to_pem(issued.cert).encode(),
        keystore=KeyStore.EXTERNAL,
        label="USB token",
    )


@shared_data.over("org")
def world(org):
    keys = pki_material()
    signing.add_trust_roots(org.province_admin, pki.to_pem(keys.root.cert).encode("ascii"), name="Test Root CA vpdt")
    org.leader_credential = register_external(org, org.sxd_leader, keys.leader)
    org.keys = keys
    return org


def draft_at_signer(org, *, pdf=None):
    """A draft with its PDF, submitted and approved by the unit leader: it waits at the leader's (final) step."""
    doc = out.create_draft(
        org.sxd_staff,
        doc_type=DocumentType.objects.get(name="Quyết định"),
        signer=org.sxd_leader,
        subject="Về việc ban hành Quy chế công tác văn thư, lưu trữ của Sở Xây dựng",
        text="Quyết định ban hành quy chế.",
        files=[SimpleUploadedFile("quyet-dinh.pdf", pdf or nd30(), content_type="application/pdf")],
    )
    doc = out.submit(org.sxd_staff, doc)
    return out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")


def refuse(org, session, data, expected):
    with pytest.raises(ValidationError) as exc:
        external.complete(org.sxd_leader, session, data)
    assert expected in " ".join(exc.value.messages)
    session.refresh_from_db()
    assert session.status == SessionStatus.FAILED and expected in session.error
    doc = external.document_of(session)
    assert doc.status == OutStatus.IN_REVIEW and not doc.files.filter(kind=FileKind.SIGNED).exists()
    return session


# ------------------------------------------------------------------------------------------ the device, end to end


def test_device_signs_and_the_draft_is_approved_with_the_verified_pdf(world):
    org = world
    doc = draft_at_signer(org)
    session = external.start(org.sxd_leader, doc)
    assert session.status == SessionStatus.PENDING and session.field_name == pades.SIGNER_FIELD
    prepared = read_stored(session.prepared)
    assert pades.SIGNER_FIELD in pades.field_names(prepared)
    assert signing.verify_bytes(prepared).verdict == Verdict.UNSIGNED  # an empty field, nothing signed yet

    with SigningDevice(org.keys.leader) as device:
        done = external.sign_with(external.HttpSigningAdapter(device.url, timeout=30), org.sxd_leader, session)
    request = device.requests[0]
    assert request["field"] == pades.SIGNER_FIELD and request["session"] == str(session.token)
    assert base64.b64decode(request["pdf"]) == prepared
    assert request["certificate"] == org.leader_credential.fingerprint

    assert done.status == SessionStatus.COMPLETED and done.signed is not None
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED and doc.approved_by == org.sxd_leader
    signed_row = doc.files.get(kind=FileKind.SIGNED)
    assert signed_row.file_id == done.signed_id  # stored once
    data = read_stored(signed_row.file)
    assert data.startswith(prepared)
    report = signing.verify_bytes(data)
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].signer == "Trần Thị Thu Hà" and report.signatures[0].field == pades.SIGNER_FIELD
    actions = list(JournalEntry.objects.filter(action__startswith="signing.session").values_list("action", flat=True))
    assert "signing.session.start" in actions and "signing.session.complete" in actions
    assert signing.latest_verification(signed_row.file).verdict == Verdict.VALID  # kept for the document screens

    # the clerk can still issue and seal on top of it (number/date go into the prepared fields)
    assert signing.verify_bytes(data).signatures[0].whole_file


def test_device_down_leaves_the_session_pending(world):
    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    with pytest.raises(ValidationError) as exc:
        external.sign_with(external.HttpSigningAdapter(closed_port_url(), timeout=5), org.sxd_leader, session)
    assert "Không kết nối được dịch vụ ký số" in exc.value.messages[0]
    session.refresh_from_db()
    assert session.status == SessionStatus.PENDING and session.error == ""


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda body: (200, b"<html>not json</html>"), "không đúng định dạng"),
        (lambda body: (200, json.dumps({"signed_pdf": "%%%"}).encode()), "không đúng định dạng"),
        (lambda body: (200, json.dumps({"error": "Người dùng hủy nhập PIN"}).encode()), "Người dùng hủy nhập PIN"),
        (lambda body: (500, json.dumps({"error": "Không tìm thấy token"}).encode()), "HTTP 500"),
    ],
)
def test_bad_device_answers_are_explained(world, answer, expected):
    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    with SigningDevice(org.keys.leader, answer=answer) as device, pytest.raises(ValidationError) as exc:
        external.sign_with(external.HttpSigningAdapter(device.url, timeout=10), org.sxd_leader, session)
    assert expected in exc.value.messages[0]
    session.refresh_from_db()
    assert session.status == SessionStatus.PENDING


# ------------------------------------------------------------------------------------------ who may start


def test_only_the_final_reviewer_with_a_certificate_starts(world):
    org = world
    doc = out.submit(
        org.sxd_staff,
        out.create_draft(
            org.sxd_staff,
            doc_type=DocumentType.objects.get(name="Công văn"),
            signer=org.sxd_leader,
            subject="V/v báo cáo tình hình",
            files=[SimpleUploadedFile("cv.pdf", nd30(), content_type="application/pdf")],
        ),
    )
    with pytest.raises(PermissionDenied):
        external.start(org.sxd_leader, doc)  # not their turn yet
    with pytest.raises(ValidationError, match="bước duyệt cuối cùng"):
        register_external(org, org.sxd_unit_leader, org.keys.unit_leader)
        external.start(org.sxd_unit_leader, doc)  # the unit leader's step is not the last one
    doc = out.approve(org.sxd_unit_leader, doc)
    org.leader_credential.is_active = False
    org.leader_credential.save()
    with pytest.raises(ValidationError, match="chưa có chứng thư số cá nhân"):
        external.start(org.sxd_leader, doc)
    assert not SigningSession.objects.exists()


def test_new_session_supersedes_the_pending_one(world):
    org = world
    doc = draft_at_signer(org)
    first = external.start(org.sxd_leader, doc)
    second = external.start(org.sxd_leader, doc)
    first.refresh_from_db()
    assert first.status == SessionStatus.EXPIRED and second.status == SessionStatus.PENDING
    assert external.pending_for(org.sxd_leader, doc) == second


# ------------------------------------------------------------------------------------------ rejections


def test_fresh_copy_is_refused(world):
    from pypdf import PdfReader, PdfWriter

    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    buf = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(read_stored(session.prepared)))).write(buf)  # rebuilt, same content
    signed = sign_locally(buf.getvalue(), org.keys.leader, pades.SIGNER_FIELD)
    refuse(org, session, signed, "không phải bản ký của tài liệu đã chuẩn bị")
    assert JournalEntry.objects.filter(action="signing.session.fail").exists()


def test_another_persons_certificate_is_refused(world):
    org = world
    register_external(org, org.sxd_unit_leader, org.keys.unit_leader)  # trusted, but someone else's
    session = external.start(org.sxd_leader, draft_at_signer(org))
    signed = sign_locally(read_stored(session.prepared), org.keys.unit_leader, pades.SIGNER_FIELD)
    refuse(org, session, signed, "không phải chứng thư số cá nhân đã đăng ký cho bạn")


def test_untrusted_certificate_is_refused_even_when_registered(world):
    org = world
    register_external(org, org.sxd_leader, org.keys.foreign_signer)
    session = external.start(org.sxd_leader, draft_at_signer(org))
    signed = sign_locally(read_stored(session.prepared), org.keys.foreign_signer, pades.SIGNER_FIELD)
    refuse(org, session, signed, "không thuộc tổ chức chứng thực được tin cậy")


def test_flipped_byte_is_refused(world):
    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    prepared = read_stored(session.prepared)
    signed = bytearray(sign_locally(prepared, org.keys.leader, pades.SIGNER_FIELD))
    at = signed.rindex(b"/M (D") + 11  # a digit of the signing time, inside the signed revision
    assert chr(signed[at]).isdigit()
    signed[at] ^= 0x01
    refuse(org, session, bytes(signed), "nội dung đã bị thay đổi sau khi ký")


def test_wrong_field_unsigned_and_garbage_are_refused(world):
    from tests.signing_support import external_sign

    org = world
    doc = draft_at_signer(org)
    cases = [
        (lambda prepared: prepared, "chưa có chữ ký số"),
        (lambda prepared: prepared + b"\n%garbage", "không có chữ ký ở vị trí ký"),
        (lambda prepared: external_sign(prepared, org.keys.leader, field="ChuKyKhac"), "không có chữ ký ở vị trí ký"),
        (
            lambda prepared: sign_locally(
                external_sign(prepared, org.keys.leader, field="ChuKyKhac"), org.keys.leader, pades.SIGNER_FIELD
            ),
            "ngoài vị trí ký",
        ),
    ]
    for make, expected in cases:
        session = external.start(org.sxd_leader, doc)  # each session prepares its own bytes
        refuse(org, session, make(read_stored(session.prepared)), expected)


def test_a_source_pdf_signed_before_keeps_its_signature(world):
    from tests.signing_support import external_sign

    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org, pdf=external_sign(nd30(), org.keys.unit_leader)))
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    assert external.complete(org.sxd_leader, session, signed).status == SessionStatus.COMPLETED


def test_draft_revised_after_preparation_is_refused(world):
    org = world
    doc = draft_at_signer(org)
    session = external.start(org.sxd_leader, doc)
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    out.revise(
        org.sxd_leader,
        doc,
        text="Sửa Điều 2.",
        note="Lãnh đạo sửa",
        files=[
            SimpleUploadedFile(
                "quyet-dinh-sua.pdf", nd30(subject="Về việc ban hành Quy chế (sửa)"), content_type="application/pdf"
            )
        ],
    )
    refuse(org, session, signed, "Dự thảo đã thay đổi sau khi chuẩn bị ký")


def test_expired_session_is_refused(world):
    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    with freeze_time(session.expires_at), pytest.raises(ValidationError, match="hết hạn"):
        external.complete(org.sxd_leader, session, signed)
    session.refresh_from_db()
    assert session.status == SessionStatus.EXPIRED
    with pytest.raises(ValidationError, match="đã kết thúc"):
        external.complete(org.sxd_leader, session, signed)


def test_someone_elses_session_is_refused(world):
    org = world
    session = external.start(org.sxd_leader, draft_at_signer(org))
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    with pytest.raises(PermissionDenied):
        external.complete(org.sxd_unit_leader, session, signed)
    session.refresh_from_db()
    assert session.status == SessionStatus.PENDING
    done = external.complete(org.sxd_leader, session, signed)  # the owner still can
    assert done.status == SessionStatus.COMPLETED


# ------------------------------------------------------------------------------------------ web screens


def test_web_flow_start_download_upload(world, login):
    org = world
    doc = draft_at_signer(org)
    client = login(org.sxd_leader)
    response = client.post(f"/ky-so/phien/bat-dau/{doc.pk}/")
    session = SigningSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ky-so/phien/{session.token}/"
    page = client.get(response["Location"]).content.decode()
    assert "Ký bằng thiết bị (USB token)" in page and 'data-signer-url="http://127.0.0.1:8765/sign"' in page
    assert "signing/local-signer.js" in page and "Tải tài liệu đã chuẩn bị (PDF)" in page
    prepared = b"".join(client.get(f"/ky-so/phien/{session.token}/tai-lieu.pdf").streaming_content)
    assert prepared == read_stored(session.prepared)

    # the browser script's path: JSON answers; a wrong file is refused with the reason
    bad = client.post(
        f"/ky-so/phien/{session.token}/hoan-tat/",
        {"signed_pdf": SimpleUploadedFile("da-ky.pdf", sign_locally(nd30(), org.keys.leader, "Khac"))},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and "không phải bản ký" in bad.json()["error"]
    page = client.get(f"/ky-so/phien/{session.token}/").content.decode()
    assert "Không chấp nhận" in page and "Bắt đầu phiên ký mới" in page

    client.post(f"/ky-so/phien/bat-dau/{doc.pk}/")
    session = SigningSession.objects.filter(status=SessionStatus.PENDING).get()
    signed = sign_locally(read_stored(session.prepared), org.keys.leader, pades.SIGNER_FIELD)
    response = client.post(
        f"/ky-so/phien/{session.token}/hoan-tat/",
        {"signed_pdf": SimpleUploadedFile("da-ky.pdf", signed, content_type="application/pdf")},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "dự thảo đã được duyệt ký" in page and "Hợp lệ" in page
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED


def test_web_errors_are_messages_and_sessions_are_private(world, login):
    org = world
    doc = draft_at_signer(org)
    unit_leader = login(org.sxd_unit_leader)
    response = unit_leader.post(f"/ky-so/phien/bat-dau/{doc.pk}/", follow=True)
    assert "không phải người duyệt ký" in response.content.decode()
    leader = login(org.sxd_leader)
    leader.post(f"/ky-so/phien/bat-dau/{doc.pk}/")
    session = SigningSession.objects.get()
    for url in (f"/ky-so/phien/{session.token}/", f"/ky-so/phien/{session.token}/tai-lieu.pdf"):
        assert unit_leader.get(url).status_code == 404
    assert unit_leader.post(f"/ky-so/phien/{session.token}/hoan-tat/").status_code == 404
    assert login(org.ht_admin).post(f"/ky-so/phien/bat-dau/{doc.pk}/").status_code == 404  # other province
    assert leader.post("/ky-so/phien/bat-dau/99999999999999999999/").status_code == 404
    assert leader.get("/ky-so/phien/khong-phai-uuid/").status_code == 404
    response = leader.post(f"/ky-so/phien/{session.token}/hoan-tat/", follow=True)  # no file chosen
    assert "Chọn tệp PDF đã ký số" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.PENDING
    with freeze_time(session.expires_at):
        page = leader.get(f"/ky-so/phien/{session.token}/").content.decode()
    assert "Phiên ký số đã hết hạn" in page and 'data-testid="upload-form"' not in page


def test_approve_screen_button_template(world, rf):
    from django.template.loader import render_to_string

    doc = draft_at_signer(world)
    request = rf.get("/")
    request.user = world.sxd_leader
    html = render_to_string("signing/session/_button.html", {"document": doc}, request=request)
    assert f'action="/ky-so/phien/bat-dau/{doc.pk}/"' in html and "Ký bằng thiết bị (USB token)" in html
    assert "Tiếp tục phiên ký đang chờ" not in html
    assert external.can_start(world.sxd_leader, doc) and not external.can_start(world.sxd_unit_leader, doc)
    session = external.start(world.sxd_leader, doc)
    html = render_to_string(
        "signing/session/_button.html",
        {"document": doc, "signing_session": external.pending_for(world.sxd_leader, doc)},
        request=request,
    )
    assert f'href="/ky-so/phien/{session.token}/"' in html


# ------------------------------------------------------------------------------------------ API


def test_api_start_download_sign_upload(world, api):
    org = world
    doc = draft_at_signer(org)
    client = api(org.sxd_leader)
    response = client.post("/api/v1/signing-sessions/", {"document": doc.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["field_name"] == pades.SIGNER_FIELD and body["document"] == doc.pk
    assert body["prepared_url"].endswith(f"/api/v1/signing-sessions/{body['id']}/prepared/") and body["expires_at"]
    download = client.get(f"/api/v1/signing-sessions/{body['id']}/prepared/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    prepared = b"".join(download.streaming_content)

    other = api(org.sxd_unit_leader)
    assert [r["id"] for r in client.get("/api/v1/signing-sessions/").json()["results"]] == [body["id"]]
    assert other.get("/api/v1/signing-sessions/").json()["results"] == []
    assert other.get(f"/api/v1/signing-sessions/{body['id']}/").status_code == 404
    assert other.get(f"/api/v1/signing-sessions/{body['id']}/prepared/").status_code == 404

    wrong = sign_locally(prepared, org.keys.unit_leader, pades.SIGNER_FIELD)
    refused = client.post(
        f"/api/v1/signing-sessions/{body['id']}/complete/",
        {"signed_pdf": SimpleUploadedFile("da-ky.pdf", wrong)},
        format="multipart",
    )
    assert refused.status_code == 400 and "không phải chứng thư số cá nhân" in str(refused.json())
    assert client.get(f"/api/v1/signing-sessions/{body['id']}/").json()["status"] == "failed"

    body = client.post("/api/v1/signing-sessions/", {"document": doc.pk}, format="json").json()
    prepared = b"".join(client.get(f"/api/v1/signing-sessions/{body['id']}/prepared/").streaming_content)
    signed = sign_locally(prepared, org.keys.leader, pades.SIGNER_FIELD)
    assert (
        other.post(
            f"/api/v1/signing-sessions/{body['id']}/complete/",
            {"signed_pdf": SimpleUploadedFile("da-ky.pdf", signed)},
            format="multipart",
        ).status_code
        == 404
    )
    done = client.post(
        f"/api/v1/signing-sessions/{body['id']}/complete/",
        {"signed_pdf": SimpleUploadedFile("da-ky.pdf", signed)},
        format="multipart",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed" and done.json()["signed_sha256"]
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED
    again = client.post(
        f"/api/v1/signing-sessions/{body['id']}/complete/",
        {"signed_pdf": SimpleUploadedFile("da-ky.pdf", signed)},
        format="multipart",
    )
    assert again.status_code == 400 and "đã kết thúc" in str(again.json())


def test_api_bad_input_is_400_or_404(world, api):
    org = world
    doc = draft_at_signer(org)
    client = api(org.sxd_leader)
    assert client.post("/api/v1/signing-sessions/", {}, format="json").status_code == 400
    assert client.post("/api/v1/signing-sessions/", {"document": "abc"}, format="json").status_code == 400
    assert client.post("/api/v1/signing-sessions/", {"document": 999999}, format="json").status_code == 404
    for garbage in (10**30, -1, [1], {"id": 1}, None):
        assert client.post("/api/v1/signing-sessions/", {"document": garbage}, format="json").status_code in (400, 404)
    assert (
        client.post("/api/v1/signing-sessions/", "không phải JSON", content_type="application/json").status_code == 400
    )
    assert client.get("/api/v1/signing-sessions/99999999999999999999/").status_code == 404
    assert api(org.ht_admin).post("/api/v1/signing-sessions/", {"document": doc.pk}, format="json").status_code == 404
    response = api(org.sxd_unit_leader).post("/api/v1/signing-sessions/", {"document": doc.pk}, format="json")
    assert response.status_code == 403 and "không phải người duyệt ký" in response.json()["detail"]
    body = client.post("/api/v1/signing-sessions/", {"document": doc.pk}, format="json").json()
    missing = client.post(f"/api/v1/signing-sessions/{body['id']}/complete/", {}, format="multipart")
    assert missing.status_code == 400 and "Chọn tệp PDF" in str(missing.json())
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/signing-sessions/{id}/complete/" in schema


def test_remote_service_from_the_session_page(world, login, settings):
    org = world
    doc = draft_at_signer(org)
    client = login(org.sxd_leader)
    client.post(f"/ky-so/phien/bat-dau/{doc.pk}/")
    session = SigningSession.objects.get()
    assert "Cách 3" not in client.get(f"/ky-so/phien/{session.token}/").content.decode()
    assert client.post(f"/ky-so/phien/{session.token}/ky-tu-xa/").status_code == 404  # not configured
    settings.VPDT_REMOTE_SIGNER_URL = closed_port_url()
    response = client.post(f"/ky-so/phien/{session.token}/ky-tu-xa/", follow=True)
    assert "Không kết nối được dịch vụ ký số" in response.content.decode()
    with SigningDevice(org.keys.leader) as device:
        settings.VPDT_REMOTE_SIGNER_URL, settings.VPDT_REMOTE_SIGNER_TOKEN = device.url, "bi-mat"
        assert "Cách 3" in client.get(f"/ky-so/phien/{session.token}/").content.decode()
        response = client.post(f"/ky-so/phien/{session.token}/ky-tu-xa/", follow=True)
    assert device.headers[0]["Authorization"] == "Bearer bi-mat"
    assert "dự thảo đã được duyệt ký" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


def test_approve_screen_offers_the_device_only_to_the_final_signer(world, login):
    doc = draft_at_signer(world)
    page = login(world.sxd_leader).get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert 'data-testid="usb-sign"' in page
    assert f"/ky-so/phien/bat-dau/{doc.pk}/" in page
    drafter_page = login(world.sxd_staff).get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert 'data-testid="usb-sign"' not in drafter_page
