"""Verification of received PDFs: at registration of uploads, on electronic delivery from another
agency of the deployment, the agency's policy (flag or refuse), display in Vietnamese, API and re-verification."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.signing_support import PASSPHRASE, equip, external_sign, nd30, pki_material
from tests.test_incoming_services import fields
from tests.test_incoming_views import form_data, page
from tests.test_outgoing_services import approve_all, draft, world  # noqa: F401
from vpdt.exchange import internal
from vpdt.incoming import services as incoming
from vpdt.incoming.models import Attachment, IncomingDocument
from vpdt.journal.models import JournalEntry
from vpdt.outgoing import services as out
from vpdt.outgoing import signatures
from vpdt.outgoing.models import DeliveryStatus, RecipientKind
from vpdt.outgoing.services import RecipientSpec
from vpdt.signing import receipt, tasks_verify
from vpdt.signing import services as signing
from vpdt.signing.models import OnFailure, TrustRoot, Verdict, Verification
from vpdt.storage.models import StoredFile
from vpdt.storage.services import store

pytestmark = pytest.mark.django_db

REGISTER_URL = "/van-ban-den/vao-so/"
WAITING_URL = "/lien-thong/den/"


@pytest.fixture
def signed(world):
    """world (Nghệ An with clerks everywhere) with the test PKI registered for Sở Xây dựng."""
    equip(world)
    return world


def official(doc) -> str:
    """The name an issued document's file travels under (number, symbol, date)."""
    return f"{doc.code_number}-{doc.code_notation}_{doc.issued_date:%d-%m-%Y}.pdf"


def sealed_pdf(org) -> bytes:
    """A decision signed by the director and sealed by Sở Xây dựng, as issue would produce it."""
    leader = signing.sign_as_signer(org.sxd_leader, nd30(), passphrase=PASSPHRASE, agency=org.sxd).data
    return signing.seal(
        org.sxd_clerk,
        leader,
        agency=org.sxd,
        passphrase=PASSPHRASE,
        number_text="Số: 15/QĐ-SXD",
        date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
    ).data


def flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[len(data) // 4] ^= 0x01
    return bytes(damaged)


def upload(name: str, data: bytes):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refuse_policy(org, agency):
    admin = org.sxd_admin if agency == org.sxd else org.province_admin
    signing.set_policy(admin, agency, on_failure=OnFailure.REFUSE, require_both=False)


def register(org, login, name, data, **over):
    c = login(org.sxd_clerk)
    return c, c.post(REGISTER_URL, {**form_data(org, **over), "files": [upload(name, data)]}, follow=True)


# ------------------------------------------------------------------------------------------ upload at registration


def test_valid_signed_upload_is_shown_valid_on_the_detail_page(signed, login):
    org = signed
    c, r = register(org, login, "qd-15.pdf", sealed_pdf(org))
    doc = IncomingDocument.objects.get()
    text = page(r)
    assert r.redirect_chain[-1][0] == f"/van-ban-den/{doc.pk}/"
    assert "Hợp lệ, ký bởi Trần Thị Thu Hà (Sở Xây dựng tỉnh Nghệ An)" in text
    assert "Hợp lệ, ký bởi Sở Xây dựng tỉnh Nghệ An" in text
    assert 'data-verdict="valid"' in text and 'data-testid="signature-warning"' not in text
    stored = doc.attachments.get().file
    verification = Verification.objects.get(file=stored)
    assert verification.verdict == Verdict.VALID and len(verification.signatures) == 2
    assert JournalEntry.objects.filter(action="signing.verify", object_id=str(stored.pk)).exists()
    # the signing time, dd/mm/yyyy HH:MM
    when = receipt.present(stored, verification).signatures[0].signed_at
    assert timezone.localtime(when).strftime("%d/%m/%Y %H:%M") in text


def test_untrusted_root_is_flagged_by_default(signed, login):
    org = signed
    foreign = external_sign(nd30(), pki_material().foreign_signer)
    c, r = register(org, login, "cv-la.pdf", foreign)
    doc = IncomingDocument.objects.get()
    text = page(r)
    assert f"Đã vào sổ: số đến {doc.arrival_number}" in text
    assert 'data-testid="signature-warning"' in text
    assert "Cảnh báo: chữ ký số không hợp lệ" in text and "cv-la.pdf" in text
    assert "không thuộc tổ chức chứng thực được tin cậy" in text
    entry = JournalEntry.objects.get(action="signing.receipt.flag")
    assert entry.object_id == str(doc.pk) and entry.details["files"] == ["cv-la.pdf"]
    # the warning stays on the detail page, and the trail says so after the registration
    text = page(c.get(f"/van-ban-den/{doc.pk}/"))
    assert 'data-testid="signature-warning"' in text
    trail = text[text.index('data-testid="trail"') :]
    assert trail.index("Vào sổ văn bản đến") < trail.index("Cảnh báo chữ ký số không hợp lệ") < trail.index("</ul>")


def test_untrusted_root_is_refused_under_refuse_and_nothing_is_left(signed, login):
    org = signed
    refuse_policy(org, org.sxd)
    files_before = StoredFile.objects.count()
    foreign = external_sign(nd30(), pki_material().foreign_signer)
    c, r = register(org, login, "cv-la.pdf", foreign)
    text = page(r)
    assert r.status_code == 200 and not r.redirect_chain
    assert "Không vào sổ được: chữ ký số của tệp “cv-la.pdf” không hợp lệ" in text
    assert "không thuộc tổ chức chứng thực được tin cậy" in text
    assert not IncomingDocument.objects.exists() and not Attachment.objects.exists()
    assert StoredFile.objects.count() == files_before and not Verification.objects.exists()
    entry = JournalEntry.objects.get(action="signing.receipt.refuse")
    assert entry.details["files"] == ["cv-la.pdf"] and entry.agency_id == org.sxd.pk
    # an unsigned scan is not a failure, even under "refuse"
    c, r = register(org, login, "ban-quet.pdf", nd30())
    doc = IncomingDocument.objects.get()
    assert "Không có chữ ký số" in page(c.get(f"/van-ban-den/{doc.pk}/"))


def test_flipped_byte_is_detected_and_refused_with_the_reason(signed, login):
    org = signed
    c, r = register(org, login, "qd-sua.pdf", flipped(sealed_pdf(org)))
    doc = IncomingDocument.objects.get()
    assert "nội dung đã bị thay đổi sau khi ký" in page(r)
    assert Verification.objects.get(file=doc.attachments.get().file).verdict == Verdict.INVALID
    refuse_policy(org, org.sxd)
    c, r = register(org, login, "qd-sua-2.pdf", flipped(sealed_pdf(org)), code_number="999")
    assert "Không vào sổ được" in page(r) and "qd-sua-2.pdf" in page(r)
    assert IncomingDocument.objects.count() == 1


def test_expired_certificate_is_invalid(signed, login):
    org = signed
    c, r = register(org, login, "cv-cu.pdf", external_sign(nd30(), pki_material().expired))
    text = page(r)
    assert "Nguyễn Văn Cũ" in text and "hết hạn" in text and 'data-testid="signature-warning"' in text


@pytest.mark.parametrize("policy", ["flag", "refuse"])
def test_other_tool_with_our_ca_is_valid(signed, login, policy):
    """A PDF signed by another tool (plain pyHanko, its own field name) passes under both policies."""
    org = signed
    if policy == "refuse":
        refuse_policy(org, org.sxd)
    c, r = register(org, login, "cv-khac.pdf", external_sign(nd30(), pki_material().unit_leader))
    assert "Hợp lệ, ký bởi Phạm Văn Dũng" in page(r)
    assert 'data-testid="signature-warning"' not in page(r)


def test_api_registration_refused_with_400_and_detail_shows_signatures(signed, api):
    org = signed
    client = api(org.sxd_clerk)
    data = {k: v for k, v in form_data(org).items() if k not in ("leader", "secrecy", "restricted_category")}
    data["issued_date"] = form_data(org)["issued_date"]
    r = client.post(
        "/api/v1/incoming-documents/", {**data, "files": [upload("qd.pdf", sealed_pdf(org))]}, format="multipart"
    )
    assert r.status_code == 201, r.content
    sig = r.json()["attachments"][0]["signature"]
    assert sig["verdict"] == "valid" and sig["signatures"][0]["signer"] in (
        "Trần Thị Thu Hà",
        "Sở Xây dựng tỉnh Nghệ An",
    )
    assert (
        client.get(f"/api/v1/incoming-documents/{r.json()['id']}/").json()["attachments"][0]["signature"]["label"]
        == "Hợp lệ"
    )
    refuse_policy(org, org.sxd)
    r = client.post(
        "/api/v1/incoming-documents/",
        {
            **data,
            "code_number": "77",
            "files": [upload("la.pdf", external_sign(nd30(), pki_material().foreign_signer))],
        },
        format="multipart",
    )
    assert r.status_code == 400 and "la.pdf" in str(r.json()["files"])
    assert IncomingDocument.objects.count() == 1


# ------------------------------------------------------------------------------------------ delivery


def issued_to_stttt(org, pdf: bytes, name="qd-15-sxd.pdf"):
    doc = draft(org, recipients=[RecipientSpec(RecipientKind.AGENCY, agency=org.stttt)], files=[upload(name, pdf)])
    return out.issue(org.sxd_clerk, approve_all(org, doc))


def test_delivery_is_verified_after_commit_and_shown_before_registration(
    signed, login, monkeypatch, django_capture_on_commit_callbacks
):
    org = signed
    monkeypatch.setattr(tasks_verify.verify_files, "delay", lambda ids: tasks_verify.verify_files(ids))
    with django_capture_on_commit_callbacks(execute=True):
        doc = issued_to_stttt(org, sealed_pdf(org))
    stored = signatures.final_files(doc)[0]
    assert Verification.objects.get(file=stored).verdict == Verdict.VALID  # checked on delivery
    c = login(org.stttt_clerk)
    text = page(c.get(WAITING_URL))
    assert "Hợp lệ, ký bởi Trần Thị Thu Hà" in text and 'data-testid="signature-blocked"' not in text
    assert Verification.objects.filter(file=stored).count() == 1  # the screen reuses it
    r = c.post(f"/lien-thong/den/trong-he-thong/{doc.recipients.get(agency=org.stttt).pk}/tiep-nhan/", {}, follow=True)
    incoming = IncomingDocument.objects.get(agency=org.stttt)
    assert r.redirect_chain[-1][0] == f"/van-ban-den/{incoming.pk}/"
    assert "Hợp lệ, ký bởi Trần Thị Thu Hà" in page(r)
    assert not JournalEntry.objects.filter(action="signing.receipt.flag").exists()


def test_bad_delivery_under_refuse_cannot_be_received_only_refused(signed, login, api):
    org = signed
    refuse_policy(org, org.stttt)
    doc = issued_to_stttt(org, flipped(sealed_pdf(org)), name="qd-hong.pdf")
    recipient = doc.recipients.get(agency=org.stttt)
    c = login(org.stttt_clerk)
    text = page(c.get(WAITING_URL))  # verified on display (no worker in tests)
    name = official(doc)  # the file travels under the issued document's official name
    assert 'data-testid="signature-blocked"' in text and name in text
    assert "Tiếp nhận, vào sổ" not in text and 'data-testid="refuse-reason"' in text
    assert f"Chữ ký số không hợp lệ: tệp “{name}”" in text
    # the service and the API refuse reception with the same message
    r = api(org.stttt_clerk).post(f"/api/v1/exchange-arrivals/internal-{recipient.pk}/receive/", {}, format="json")
    assert r.status_code == 400 and "Chữ ký số không hợp lệ" in str(r.json()), r.content
    r = c.post(f"/lien-thong/den/trong-he-thong/{recipient.pk}/tiep-nhan/", {}, follow=True)
    assert "Chữ ký số không hợp lệ" in page(r)
    assert not IncomingDocument.objects.filter(agency=org.stttt).exists()
    assert JournalEntry.objects.filter(action="signing.receipt.refuse", agency_id=org.stttt.pk).exists()
    reason = receipt.for_deliveries(org.stttt, {doc.pk: signatures.final_files(doc)})[doc.pk]["refuse_reason"]
    r = c.post(f"/lien-thong/den/trong-he-thong/{recipient.pk}/tu-choi/", {"reason": reason}, follow=True)
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.REFUSED and recipient.reason.startswith("Chữ ký số không hợp lệ")


def test_bad_delivery_under_flag_is_registered_with_warning(signed, login):
    org = signed
    doc = issued_to_stttt(org, external_sign(nd30(), pki_material().foreign_signer), name="cv-la.pdf")
    registered = internal.receive(org.stttt_clerk, doc.recipients.get(agency=org.stttt))
    text = page(login(org.stttt_clerk).get(f"/van-ban-den/{registered.document.pk}/"))
    assert 'data-testid="signature-warning"' in text and official(doc) in text
    assert JournalEntry.objects.filter(action="signing.receipt.flag", object_id=str(registered.document.pk)).exists()


# ------------------------------------------------------------------------------------------ API, re-verification


def test_api_lists_only_verifications_of_visible_files(signed, api):
    org = signed
    doc = incoming.register_document(
        org.sxd_clerk, agency=org.sxd, files=[upload("qd.pdf", sealed_pdf(org))], **fields()
    ).document
    stored = doc.attachments.get().file
    mine = api(org.sxd_clerk).get("/api/v1/signature-verifications/").json()
    assert [v["file"] for v in mine["results"]] == [stored.pk]
    assert mine["results"][0]["signatures"][0]["sentence"].startswith("Hợp lệ, ký bởi")
    other = api(org.ht_staff)
    assert other.get("/api/v1/signature-verifications/").json()["results"] == []
    vid = mine["results"][0]["id"]
    assert other.get(f"/api/v1/signature-verifications/{vid}/").status_code == 404
    assert other.post("/api/v1/signature-verifications/verify/", {"file": stored.pk}, format="json").status_code == 404
    bad = api(org.sxd_clerk)
    assert bad.get("/api/v1/signature-verifications/", {"file": "abc"}).status_code == 400
    assert bad.post("/api/v1/signature-verifications/verify/", {"file": "x"}, format="json").status_code == 400
    assert bad.post("/api/v1/signature-verifications/verify/", {"file": 10**30}, format="json").status_code == 400
    # staff who see the document read the result, but only clerks and administrators re-verify
    staff = api(org.sxd_staff)
    assert staff.post("/api/v1/signature-verifications/verify/", {"file": stored.pk}, format="json").status_code in (
        403,
        404,
    )


def test_reverify_after_trust_root_is_deactivated_flips_to_invalid(signed, login, api):
    org = signed
    doc = incoming.register_document(
        org.sxd_clerk, agency=org.sxd, files=[upload("qd.pdf", sealed_pdf(org))], **fields()
    ).document
    stored = doc.attachments.get().file
    assert signing.latest_verification(stored).verdict == Verdict.VALID
    signing.set_trust_root_active(org.province_admin, TrustRoot.objects.get(), False)
    c = login(org.sxd_clerk)
    detail = f"/van-ban-den/{doc.pk}/"
    assert 'data-testid="signature-reverify"' in page(c.get(detail))
    r = c.post(f"/ky-so/kiem-tra/tep/{stored.pk}/kiem-tra-lai/", {"next": detail}, follow=True)
    assert r.redirect_chain[-1][0] == detail
    text = page(r)
    assert 'data-testid="signature-warning"' in text and "không thuộc tổ chức chứng thực được tin cậy" in text
    assert signing.latest_verification(stored).verdict == Verdict.INVALID
    assert JournalEntry.objects.filter(action="signing.verify", object_id=str(stored.pk)).count() == 2
    # the API re-verifies too, and the history page lists both
    r = api(org.sxd_clerk).post("/api/v1/signature-verifications/verify/", {"file": stored.pk}, format="json")
    assert r.status_code == 201 and r.json()["verdict"] == "invalid"
    assert 'data-testid="verification-history"' in page(c.get(f"/ky-so/kiem-tra/tep/{stored.pk}/"))
    # a staff member may not re-verify; another province cannot even see the file
    r = login(org.sxd_staff).post(f"/ky-so/kiem-tra/tep/{stored.pk}/kiem-tra-lai/", {"next": detail})
    assert r.status_code in (302, 404)
    assert login(org.ht_staff).get(f"/ky-so/kiem-tra/tep/{stored.pk}/").status_code == 404
    assert Verification.objects.filter(file=stored).count() == 3


def test_verify_received_and_decision_entry_points(signed):
    org = signed
    good = store(upload("tot.pdf", sealed_pdf(org)), "tot.pdf", agency=org.sxd, content_type="application/pdf")
    bad = store(upload("xau.pdf", flipped(sealed_pdf(org))), "xau.pdf", agency=org.sxd, content_type="application/pdf")
    docx = store(
        SimpleUploadedFile("ghi-chu.docx", b"PK\x03\x04 docx"),
        "ghi-chu.docx",
        agency=org.sxd,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    results = receipt.verify_received([good, bad, docx], agency=org.stttt)
    assert [v.file for v in results] == [good, bad]  # non-PDF files get no row
    assert receipt.decision(org.stttt, results[:1]) == ("ok", "")
    verdict, message = receipt.decision(org.stttt, results)
    assert verdict == "flag" and "xau.pdf" in message
    refuse_policy(org, org.stttt)
    verdict, message = receipt.decision(org.stttt, results)
    assert verdict == "refuse" and message.startswith("Chữ ký số không hợp lệ: tệp “xau.pdf”")
    assert receipt.present(docx, None).label == "Không phải tệp PDF"


def test_non_pdf_upload_gets_no_verification_row(signed, login):
    import io

    from PIL import Image

    org = signed
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    c = login(org.sxd_clerk)
    r = c.post(
        REGISTER_URL,
        {**form_data(org), "files": [SimpleUploadedFile("ban-quet.png", buffer.getvalue(), content_type="image/png")]},
        follow=True,
    )
    doc = IncomingDocument.objects.get()
    assert not Verification.objects.exists()
    text = page(r)
    assert 'data-verdict="not_pdf"' in text and "Không phải tệp PDF" in text
    assert 'data-testid="signature-reverify"' not in text and 'data-testid="signature-warning"' not in text
    assert doc.attachments.count() == 1
