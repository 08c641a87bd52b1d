"""Digital signatures in the outgoing flow: the leader signs at the final approval, the clerk stamps the
number and date and adds the agency seal at issue, appendices get the invisible signature and line, the sealed
files travel to the recipient agency. Failures change nothing and give no number away."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from tests.signing_support import PASSPHRASE, equip, nd30
from tests.test_outgoing_services import draft, world  # noqa: F401
from vpdt.exchange import internal
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out
from vpdt.outgoing import signatures
from vpdt.outgoing.models import FileKind, OutgoingFile, OutStatus, RecipientKind
from vpdt.outgoing.services import RecipientSpec
from vpdt.signing import pades
from vpdt.signing import services as signing
from vpdt.signing.models import Verdict
from vpdt.storage.services import read_stored, store

pytestmark = pytest.mark.django_db
SUBJECT = "V/v ban hành Quy chế công tác văn thư, lưu trữ của Sở Xây dựng"


@pytest.fixture
def signed_world(world):
    equip(world)
    return world


def pdf_draft(org, *, subject=SUBJECT, files=None):
    files = files if files is not None else [SimpleUploadedFile("quy-che-van-thu.pdf", nd30())]
    return draft(org, subject=subject, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)], files=files)


def to_signer(org, doc):
    doc = out.submit(org.sxd_staff, doc)
    return out.approve(org.sxd_unit_leader, doc, comment="Đồng ý nội dung.")


def signed_approval(org, **kwargs):
    doc = to_signer(org, pdf_draft(org, **kwargs))
    return out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.", passphrase=PASSPHRASE)


def fields_of(data: bytes) -> dict:
    return {k: v.get("/V") for k, v in PdfReader(io.BytesIO(data)).get_fields().items()}


# ------------------------------------------------------------------------------------------ approval


def test_final_approval_with_signature(signed_world):
    org = signed_world
    doc = to_signer(org, pdf_draft(org))
    source = signatures.signable_file(doc)
    assert source is not None and source.kind == FileKind.DRAFT and source.file.original_name == "quy-che-van-thu.pdf"
    doc = out.approve(org.sxd_leader, doc, comment="Đồng ý ký ban hành.", passphrase=PASSPHRASE)
    assert doc.status == OutStatus.APPROVED and doc.approved_by == org.sxd_leader
    signed = signatures.signed_file(doc)
    assert signed.kind == FileKind.SIGNED and signed.version == out.latest_version(doc)
    data = read_stored(signed.file)
    assert data.startswith(read_stored(source.file))  # incremental
    report = signing.verify_bytes(data)
    assert report.verdict == Verdict.VALID, report.summary
    [leader] = report.signatures
    assert leader.field == pades.SIGNER_FIELD and leader.signer == "Trần Thị Thu Hà"
    entry = JournalEntry.objects.filter(action="outgoing.approve", object_id=str(doc.pk)).latest("seq")
    assert entry.details["signed"] is True and entry.details["sha256"] == signed.file.sha256
    assert JournalEntry.objects.filter(action="signing.sign", object_id=str(doc.pk)).exists()
    # Until the clerk issues, the signed PDF stands in for the draft PDF it signed.
    assert [f.pk for f in signatures.final_files(doc)] == [signed.file_id]


def test_signature_only_at_the_final_step(signed_world):
    org = signed_world
    doc = out.submit(org.sxd_staff, pdf_draft(org))
    with pytest.raises(ValidationError, match="bước duyệt ký cuối cùng"):
        out.approve(org.sxd_unit_leader, doc, passphrase=PASSPHRASE)
    doc.refresh_from_db()
    assert doc.current_step.reviewer == org.sxd_unit_leader and not doc.files.filter(kind=FileKind.SIGNED).exists()


@pytest.mark.parametrize("case", ["wrong_passphrase", "no_certificate", "no_pdf"])
def test_signing_failure_leaves_the_draft_in_review(signed_world, case):
    org = signed_world
    files = [SimpleUploadedFile("du-thao.docx", b"PK\x03\x04" + b"\x00" * 200)] if case == "no_pdf" else None
    doc = to_signer(org, pdf_draft(org, files=files))
    if case == "no_certificate":
        signing.deactivate_credential(org.sxd_admin, org.leader_credential, "Mất thiết bị")
    before = JournalEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        out.approve(org.sxd_leader, doc, passphrase="sai-mat-khau" if case == "wrong_passphrase" else PASSPHRASE)
    expected = {"wrong_passphrase": "", "no_certificate": "chứng thư số", "no_pdf": "PDF"}[case]
    assert expected in " ".join(exc.value.messages)
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW and doc.current_step.reviewer == org.sxd_leader
    assert not doc.files.filter(kind=FileKind.SIGNED).exists() and JournalEntry.objects.count() == before
    if case != "no_pdf":  # the leader can still approve (paper signature) or sign again
        doc = out.approve(org.sxd_leader, doc)
        assert doc.status == OutStatus.APPROVED


def test_client_side_signed_pdf_is_stored_as_is(signed_world):
    org = signed_world
    doc = to_signer(org, pdf_draft(org))
    external = signing.sign_as_signer(
        org.sxd_leader, read_stored(signatures.signable_file(doc).file), passphrase=PASSPHRASE, agency=org.sxd
    ).data
    doc = out.approve(org.sxd_leader, doc, signed_pdf=external)
    assert read_stored(signatures.signed_file(doc).file) == external


# ------------------------------------------------------------------------------------------ issue


def test_issue_with_the_agency_seal_and_delivery(signed_world):
    org = signed_world
    doc = signed_approval(org)
    signed = signatures.signed_file(doc)
    signed_bytes = read_stored(signed.file)
    doc = out.issue(org.sxd_clerk, doc, issued_date=dt.date(2026, 2, 5), passphrase=PASSPHRASE)
    assert doc.status == OutStatus.ISSUED and doc.number_symbol == "01/SXD-KHTC"
    final = doc.files.get(kind=FileKind.FINAL)
    data = read_stored(final.file)
    assert data.startswith(signed_bytes)  # the signed PDF is never rewritten
    assert hashlib.sha256(read_stored(signed.file)).hexdigest() == signed.file.sha256  # untouched
    report = signing.verify_bytes(data)
    assert report.verdict == Verdict.VALID, report.summary
    by_field = {s.field: s for s in report.signatures}
    assert by_field[pades.SIGNER_FIELD].signer == "Trần Thị Thu Hà"
    assert by_field[pades.AGENCY_FIELD].signer == "Sở Xây dựng tỉnh Nghệ An"
    values = fields_of(data)
    assert values[pades.NUMBER_FIELD] == "Số: 01/SXD-KHTC"
    assert values[pades.DATE_FIELD] == "Nghệ An, ngày 05 tháng 02 năm 2026"
    entry = JournalEntry.objects.filter(action="outgoing.issue", object_id=str(doc.pk)).latest("seq")
    assert entry.details["sealed"] is True and entry.details["sha256"] == final.file.sha256
    assert [f.pk for f in signatures.final_files(doc)] == [final.file_id]
    # The recipient agency receives the sealed file.
    registered = internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt), leader=org.stttt_leader)
    [attachment] = registered.document.attachments.select_related("file")
    assert attachment.file.sha256 == final.file.sha256


def test_wrong_agency_passphrase_gives_the_number_back(signed_world):
    org = signed_world
    doc = signed_approval(org)
    with pytest.raises(ValidationError):
        out.issue(org.sxd_clerk, doc, passphrase="sai-mat-khau")
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED and doc.number is None
    assert not doc.files.filter(kind=FileKind.FINAL).exists()
    doc = out.issue(org.sxd_clerk, doc, passphrase=PASSPHRASE)
    assert doc.number == 1 and doc.number_symbol == "01/SXD-KHTC"  # no gap in the numbering


def test_seal_without_the_leader_signature(signed_world):
    org = signed_world
    doc = out.approve(org.sxd_leader, to_signer(org, pdf_draft(org)))  # paper signature
    doc = out.issue(org.sxd_clerk, doc, passphrase=PASSPHRASE)
    report = signing.verify_bytes(read_stored(doc.files.get(kind=FileKind.FINAL).file))
    assert report.verdict == Verdict.VALID and [s.field for s in report.signatures] == [pades.AGENCY_FIELD]


def test_require_both_policy(signed_world):
    org = signed_world
    signing.set_policy(org.sxd_admin, org.sxd, on_failure="flag", require_both=True)
    paper = out.approve(org.sxd_leader, to_signer(org, pdf_draft(org)))
    for passphrase in (PASSPHRASE, None):
        with pytest.raises(ValidationError, match="đủ chữ ký số của người ký và của cơ quan"):
            out.issue(org.sxd_clerk, paper, passphrase=passphrase)
    doc = signed_approval(org, subject="Công văn ký số đủ hai chữ ký")
    with pytest.raises(ValidationError, match="Ký số cơ quan và đóng dấu"):
        out.issue(org.sxd_clerk, doc)
    doc = out.issue(org.sxd_clerk, doc, passphrase=PASSPHRASE)
    assert doc.number == 1
    paper.refresh_from_db()
    assert paper.status == OutStatus.APPROVED and paper.number is None


def test_appendix_signed_invisibly_with_the_line(signed_world):
    org = signed_world
    doc = signed_approval(org)
    appendix_pdf = nd30(doc_type="PHỤ LỤC", subject="Danh mục hồ sơ", authority="", position="", signer="")
    stored = store(
        ContentFile(appendix_pdf), "phu-luc.pdf", folder="outgoing", agency=org.sxd, content_type="application/pdf"
    )
    original = OutgoingFile.objects.create(document=doc, kind=FileKind.APPENDIX, file=stored, added_by=org.sxd_staff)
    doc = out.issue(org.sxd_clerk, doc, passphrase=PASSPHRASE)
    sealed = doc.files.filter(kind=FileKind.APPENDIX).exclude(pk=original.pk).get()
    data = read_stored(sealed.file)
    assert data.startswith(appendix_pdf)
    report = signing.verify_bytes(data)
    assert report.verdict == Verdict.VALID and report.signatures[0].field == pades.COPY_FIELD
    assert fields_of(data)[pades.LINE_FIELD].startswith("01/SXD-KHTC 20")
    final = doc.files.get(kind=FileKind.FINAL)
    assert [f.pk for f in signatures.final_files(doc)] == [final.file_id, sealed.file_id]  # the unsigned one stays home
    assert OutgoingFile.objects.filter(pk=original.pk).exists()


def test_date_text_follows_nd30(world):
    org = world
    assert signatures.date_text(org.sxd, dt.date(2026, 2, 5)) == "Nghệ An, ngày 05 tháng 02 năm 2026"
    assert signatures.date_text(org.sxd, dt.date(2026, 3, 9)) == "Nghệ An, ngày 09 tháng 3 năm 2026"
    assert signatures.date_text(org.sxd, dt.date(2026, 11, 26)) == "Nghệ An, ngày 26 tháng 11 năm 2026"
    assert signatures.date_text(org.district, dt.date(2026, 1, 15)) == "Nghi Lộc, ngày 15 tháng 01 năm 2026"


# ------------------------------------------------------------------------------------------ screens


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_approve_screen_offers_signing_to_the_final_signer(signed_world, login):
    org = signed_world
    doc = out.submit(org.sxd_staff, pdf_draft(org))
    html = login(org.sxd_unit_leader).get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert 'data-testid="review-card"' in html and "Ký số văn bản khi duyệt" not in html  # not the last step
    doc = out.approve(org.sxd_unit_leader, doc)
    c = login(org.sxd_leader)
    html = c.get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert "Ký số văn bản khi duyệt" in html and "Mật khẩu chứng thư số" in html
    assert 'autocomplete="off"' in html and "quy-che-van-thu.pdf" in html
    # Ticked without a passphrase, then a wrong passphrase: Vietnamese messages, still in review.
    r = c.post(f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đồng ý.", "sign": "on"}, follow=True)
    assert r.status_code == 200 and any("Nhập mật khẩu chứng thư số" in m for m in _messages(r)), _messages(r)
    r = c.post(f"/van-ban-di/{doc.pk}/dong-y/", {"sign": "on", "passphrase": "sai-mat-khau"}, follow=True)
    assert r.status_code == 200 and _messages(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW
    r = c.post(
        f"/van-ban-di/{doc.pk}/dong-y/", {"comment": "Đồng ý ký.", "sign": "on", "passphrase": PASSPHRASE}, follow=True
    )
    assert any("ký số" in m for m in _messages(r)), _messages(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED and signatures.signed_file(doc) is not None
    html = r.content.decode()
    assert 'data-testid="signed-badge"' in html and "Đã ký số" in html
    assert PASSPHRASE not in html


def test_approve_screen_without_a_certificate_shows_a_note(world, login):
    org = world
    doc = to_signer(org, pdf_draft(org))
    html = login(org.sxd_leader).get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert 'data-testid="sign-note"' in html and "chưa có chứng thư số" in html
    assert 'name="passphrase"' not in html


def test_issue_screen_with_the_agency_seal(signed_world, login):
    org = signed_world
    doc = signed_approval(org)
    c = login(org.sxd_clerk)
    html = c.get("/van-ban-di/cho-phat-hanh/").content.decode()
    assert "Ký số cơ quan và đóng dấu" in html and 'data-testid="seal-passphrase"' in html
    assert "Ký số cơ quan và đóng dấu" in c.get(f"/van-ban-di/{doc.pk}/").content.decode()
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", {"issued_date": "", "seal": "on"}, follow=True)
    assert any("mật khẩu chứng thư số cơ quan" in m for m in _messages(r)), _messages(r)
    r = c.post(f"/van-ban-di/{doc.pk}/phat-hanh/", {"seal": "on", "passphrase": "sai-mat-khau"}, follow=True)
    assert r.status_code == 200 and _messages(r)
    doc.refresh_from_db()
    assert doc.status == OutStatus.APPROVED and doc.number is None
    r = c.post(
        f"/van-ban-di/{doc.pk}/phat-hanh/", {"seal": "on", "passphrase": PASSPHRASE, "next": "detail"}, follow=True
    )
    assert any("01/SXD-KHTC" in m and "đóng dấu" in m for m in _messages(r)), _messages(r)
    doc.refresh_from_db()
    final = doc.files.get(kind=FileKind.FINAL)
    signing.verify_file(final.file, actor=org.sxd_clerk)
    html = c.get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert html.count('data-testid="signed-badge"') == 2  # the signer's file and the issued one
    assert 'data-testid="signed-verification"' in html and "Hợp lệ" in html
    assert 'data-testid="sealed-note"' in login(org.sxd_staff).get(f"/van-ban-di/{doc.pk}/").content.decode()


# ------------------------------------------------------------------------------------------ API


def test_api_approve_and_issue_with_passphrase(signed_world, api):
    org = signed_world
    doc = to_signer(org, pdf_draft(org))
    leader = api(org.sxd_leader)
    r = leader.post(f"/api/v1/outgoing-documents/{doc.pk}/approve/", {"passphrase": "sai-mat-khau"}, format="json")
    assert r.status_code == 400, r.content
    doc.refresh_from_db()
    assert doc.status == OutStatus.IN_REVIEW
    r = leader.post(
        f"/api/v1/outgoing-documents/{doc.pk}/approve/", {"comment": "Đồng ý.", "passphrase": PASSPHRASE}, format="json"
    )
    assert r.status_code == 200, r.content
    assert "passphrase" not in r.data and PASSPHRASE not in r.content.decode()
    assert "signed" in [f["kind"] for f in r.data["files"]]
    clerk = api(org.sxd_clerk)
    r = clerk.post(f"/api/v1/outgoing-documents/{doc.pk}/issue/", {"passphrase": "x" * 501}, format="json")
    assert r.status_code == 400 and "500" in r.content.decode()
    r = clerk.post(f"/api/v1/outgoing-documents/{doc.pk}/issue/", {"passphrase": PASSPHRASE}, format="json")
    assert r.status_code == 200, r.content
    kinds = [f["kind"] for f in r.data["files"]]
    assert "final" in kinds and "signed" in kinds and r.data["number_symbol"] == "01/SXD-KHTC"


# ------------------------------------------------------------------------------------------ delegation


def test_delegate_signs_with_their_own_certificate(signed_world, login):
    from django.utils import timezone

    from tests.conftest import make_person
    from tests.signing_support import pki_material
    from vpdt.delegation import services as delegation
    from vpdt.directory.models import Role
    from vpdt.signing import pki
    from vpdt.signing.models import CredentialKind

    org = signed_world
    deputy = make_person(org.sxd, "Nguyễn Văn Hùng", Role.LEADER, title="Phó Giám đốc")
    issued = pki.make_signer(pki_material().sub, "Nguyễn Văn Hùng", organization="Sở Xây dựng tỉnh Nghệ An")
    signing.register_pkcs12(
        org.sxd_admin,
        kind=CredentialKind.PERSONAL,
        agency=org.sxd,
        user=deputy,
        data=pki.to_pkcs12(issued, PASSPHRASE),
        passphrase=PASSPHRASE,
    )
    today = timezone.localdate()
    delegation.create(
        org.sxd_leader,
        delegator=org.sxd_leader,
        delegate=deputy,
        scope="approval",
        starts_on=today,
        ends_on=today + dt.timedelta(days=7),
        reason="Đi công tác tại Hà Nội",
        reference="15/GUQ-SXD",
    )
    doc = to_signer(org, pdf_draft(org))
    assert "Ký số văn bản khi duyệt" in login(deputy).get(f"/van-ban-di/{doc.pk}/").content.decode()
    deputy = type(deputy).objects.get(pk=deputy.pk)
    doc = out.approve(deputy, doc, comment="Đồng ý (TUQ).", passphrase=PASSPHRASE)
    report = signing.verify_bytes(read_stored(signatures.signed_file(doc).file))
    assert report.verdict == Verdict.VALID and [s.signer for s in report.signatures] == ["Nguyễn Văn Hùng"]
    entry = JournalEntry.objects.filter(action="outgoing.approve", object_id=str(doc.pk)).latest("seq")
    assert entry.actor_id == deputy.pk and entry.on_behalf_of_id == org.sxd_leader.pk and entry.details["signed"]


def test_electronic_copy_gets_the_invisible_signature_and_line(signed_world):
    """A sao y issued electronically: the copied original keeps its signatures, the agency signs invisibly and the
    copy's number and time are written at the top right of page 1 (ND30 Phụ lục I)."""
    org = signed_world
    original = signing.seal(
        org.sxd_clerk,
        signing.sign_as_signer(org.sxd_leader, nd30(), passphrase=PASSPHRASE, agency=org.sxd).data,
        agency=org.sxd,
        passphrase=PASSPHRASE,
        number_text="Số: 09/QĐ-SXD",
        date_text="Nghệ An, ngày 20 tháng 11 năm 2026",
    ).data
    copy = draft(
        org,
        doc_type="Bản sao y",
        subject="Sao y Quyết định số 09/QĐ-SXD về Quy chế văn thư",
        recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)],
        files=[SimpleUploadedFile("qd-09-sao-y.pdf", original)],
    )
    copy = out.approve(org.sxd_leader, to_signer(org, copy))
    copy = out.issue(org.sxd_clerk, copy, passphrase=PASSPHRASE)
    data = read_stored(copy.files.get(kind=FileKind.FINAL).file)
    assert data.startswith(original)
    widget = [
        a.get_object()
        for a in PdfReader(io.BytesIO(data)).pages[0]["/Annots"]
        if a.get_object().get("/T") == pades.COPY_FIELD
    ][0]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 > 500 and y1 > 780 and y2 - y1 < 14  # the 10 pt line, top right of page 1
    report = signing.verify_bytes(data)
    copy_signature = {s.field: s for s in report.signatures}[pades.COPY_FIELD]
    assert copy_signature.ok and copy_signature.whole_file and copy_signature.signer == "Sở Xây dựng tỉnh Nghệ An"
    assert report.verdict == Verdict.VALID, report.summary  # the original signatures allow the added line


def test_drafter_attaches_appendices_that_are_sealed_at_issue(signed_world, login):
    from tests.test_outgoing_views import form_data
    from vpdt.outgoing.models import OutgoingDocument

    org = signed_world
    appendix_pdf = nd30(doc_type="PHỤ LỤC", subject="Danh mục công trình", authority="", position="", signer="")
    response = login(org.sxd_staff).post(
        "/van-ban-di/soan-thao/",
        {
            **form_data(org, subject="V/v danh mục công trình khởi công năm 2027", agencies=[org.stttt.pk]),
            "files": SimpleUploadedFile("cong-van.pdf", nd30(), content_type="application/pdf"),
            "appendix_files": SimpleUploadedFile("phu-luc-01.pdf", appendix_pdf, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    doc = OutgoingDocument.objects.get(subject="V/v danh mục công trình khởi công năm 2027")
    assert doc.files.get(kind=FileKind.APPENDIX).file.original_name == "phu-luc-01.pdf"
    doc = out.approve(org.sxd_leader, to_signer(org, doc), passphrase=PASSPHRASE)
    doc = out.issue(org.sxd_clerk, doc, passphrase=PASSPHRASE)
    travelling = signatures.final_files(doc)
    assert len(travelling) == 2
    sealed_appendix = read_stored(travelling[1])
    assert sealed_appendix.startswith(appendix_pdf) and signing.verify_bytes(sealed_appendix).verdict == "valid"
