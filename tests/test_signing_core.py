"""Digital signatures, the acceptance core: sign at approval and issue, both signatures intact and
trusted; a flipped byte, an untrusted root and an expired certificate are detected; appendix and copy signatures
pass; a PDF signed by another tool is judged on its own; keys at rest are encrypted and passphrases not kept."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import shared_data
from tests.signing_support import PASSPHRASE, equip, external_sign, nd30, pki_material
from vpdt.journal.models import JournalEntry
from vpdt.signing import pades, pki
from vpdt.signing import services as signing
from vpdt.signing.models import Credential, CredentialKind, Verdict
from vpdt.storage.services import read_stored, store

pytestmark = pytest.mark.django_db


@shared_data.over("org")
def world(org):
    equip(org)
    return org


def _approve_and_issue(org, pdf=None):
    pdf = pdf or nd30()
    signed = signing.sign_as_signer(org.sxd_leader, pdf, passphrase=PASSPHRASE, agency=org.sxd).data
    sealed = signing.seal(
        org.sxd_clerk,
        signed,
        agency=org.sxd,
        passphrase=PASSPHRASE,
        number_text="Số: 15/QĐ-SXD",
        date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
    ).data
    return pdf, signed, sealed


def test_signer_and_agency_signatures_are_intact_and_trusted(world):
    pdf, signed, sealed = _approve_and_issue(world)
    assert signed.startswith(pdf) and sealed.startswith(signed)  # incremental: nothing rewritten
    report = signing.verify_bytes(sealed)
    assert report.verdict == Verdict.VALID, report.summary
    by_field = {s.field: s for s in report.signatures}
    leader, agency = by_field[pades.SIGNER_FIELD], by_field[pades.AGENCY_FIELD]
    assert leader.signer == "Trần Thị Thu Hà" and leader.ok and leader.trusted and leader.intact
    assert leader.later_changes == "FORM_FILLING" and not leader.whole_file  # number/date filled afterwards
    assert agency.signer == "Sở Xây dựng tỉnh Nghệ An" and agency.ok and agency.whole_file
    assert "Hợp lệ, ký bởi Trần Thị Thu Hà" in leader.sentence
    # the number and date went into the fields prepared at approval
    from pypdf import PdfReader

    values = {k: v.get("/V") for k, v in PdfReader(io.BytesIO(sealed)).get_fields().items()}
    assert values[pades.NUMBER_FIELD] == "Số: 15/QĐ-SXD"
    assert values[pades.DATE_FIELD] == "Nghệ An, ngày 26 tháng 11 năm 2026"
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"signing.sign", "signing.seal"} <= actions


def test_seal_overlaps_left_third_of_signer_image(world):
    _, signed, sealed = _approve_and_issue(world)
    signer_box = pades._field_box(sealed, pades.SIGNER_FIELD)
    seal_box = pades._field_box(sealed, pades.AGENCY_FIELD)
    overlap = seal_box.x2 - signer_box.x1
    assert seal_box.x1 < signer_box.x1 < seal_box.x2
    assert overlap == pytest.approx(signer_box.width / 3, rel=0.05)


def test_flipped_byte_is_detected(world):
    _, signed, sealed = _approve_and_issue(world)
    damaged = bytearray(sealed)
    damaged[len(signed) // 3] ^= 0x01
    report = signing.verify_bytes(bytes(damaged))
    assert report.verdict == Verdict.INVALID
    assert any("thay đổi sau khi ký" in p for s in report.signatures for p in s.problems)


def test_untrusted_root_is_detected(world):
    keys = pki_material()
    foreign = external_sign(nd30(), keys.foreign_signer)
    report = signing.verify_bytes(foreign)
    assert report.verdict == Verdict.INVALID
    assert report.signatures[0].intact and report.signatures[0].valid and not report.signatures[0].trusted
    assert "không thuộc tổ chức chứng thực được tin cậy" in report.summary


def test_removing_the_trust_root_makes_our_own_signature_untrusted(world):
    _, _, sealed = _approve_and_issue(world)
    root = signing.TrustRoot.objects.get()
    signing.set_trust_root_active(world.province_admin, root, False)
    assert signing.verify_bytes(sealed).verdict == Verdict.INVALID


def test_expired_certificate_is_detected(world):
    keys = pki_material()
    signed = external_sign(nd30(), keys.expired)
    report = signing.verify_bytes(signed)
    assert report.verdict == Verdict.INVALID
    assert report.signatures[0].expired
    assert "hết hạn" in report.summary


def test_expired_certificate_cannot_be_registered(world):
    with pytest.raises(ValidationError, match="hết hạn"):
        signing.register_pkcs12(
            world.sxd_admin,
            kind=CredentialKind.PERSONAL,
            agency=world.sxd,
            user=world.sxd_unit_leader,
            data=pki_material().p12("expired"),
            passphrase=PASSPHRASE,
        )


def test_appendix_and_copy_signatures_pass(world):
    appendix = nd30(doc_type="PHỤ LỤC", subject="Danh mục hồ sơ", authority="", position="", signer="")
    sealed = signing.seal_attachment(
        world.sxd_clerk,
        appendix,
        agency=world.sxd,
        passphrase=PASSPHRASE,
        number_symbol="15/QĐ-SXD",
        when=dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.UTC),
    ).data
    assert sealed.startswith(appendix)
    report = signing.verify_bytes(sealed)
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].field == pades.COPY_FIELD
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(sealed)).get_fields()
    assert fields[pades.LINE_FIELD]["/V"] == "15/QĐ-SXD 2026-11-26T15:30:00+07:00"  # ISO 8601, Vietnam time
    sig_widget = [
        a.get_object()
        for a in PdfReader(io.BytesIO(sealed)).pages[0]["/Annots"]
        if a.get_object().get("/T") == pades.COPY_FIELD
    ][0]
    rect = [float(v) for v in sig_widget["/Rect"]]
    assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0  # invisible


def test_pdf_signed_by_another_tool_is_verified(world):
    keys = pki_material()
    other = external_sign(nd30(), keys.unit_leader)  # our CA, another tool, its own field name
    report = signing.verify_bytes(other)
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].field == "Signature1" and report.signatures[0].signer == "Phạm Văn Dũng"


def test_signing_and_verifying_from_a_thread_that_runs_an_event_loop(world):
    """An async server's or a browser driver's thread already runs a loop, in which pyHanko cannot start its own."""
    import asyncio

    from vpdt.signing import keys, pki, verify

    material = pki_material()
    signer = keys.signer_from_pkcs12(pki.to_pkcs12(material.unit_leader, PASSPHRASE), PASSPHRASE)
    roots, others = signing.trust_store()

    async def inside_a_loop():
        signed = pades.sign_invisible_with_line(nd30(), signer, line="Số: 7/UBND-VP 2026-12-07T08:00:00+07:00")
        return verify.verify_pdf(signed, trust_roots=roots, other_certs=others)

    report = asyncio.run(inside_a_loop())
    assert report.verdict == Verdict.VALID, report.summary
    assert report.signatures[0].signer == "Phạm Văn Dũng"


def test_unsigned_and_non_pdf(world):
    assert signing.verify_bytes(nd30()).verdict == Verdict.UNSIGNED
    assert signing.verify_bytes(b"PK\x03\x04 docx").verdict == Verdict.NOT_PDF
    assert signing.verify_bytes(b"%PDF-1.7 broken").verdict in (Verdict.ERROR, Verdict.UNSIGNED)


def test_verify_file_keeps_the_result_and_journals(world):
    _, _, sealed = _approve_and_issue(world)
    stored = store(SimpleUploadedFile("qd.pdf", sealed), "qd.pdf", agency=world.sxd, content_type="application/pdf")
    result = signing.verify_file(stored, actor=world.sxd_clerk)
    assert result.verdict == Verdict.VALID and len(result.signatures) == 2
    assert signing.latest_verification(stored) == result
    entry = JournalEntry.objects.filter(action="signing.verify").latest("seq")
    assert entry.details["verdict"] == "valid"


def test_key_is_encrypted_at_rest_and_passphrase_not_kept(world):
    credential = Credential.objects.get(kind=CredentialKind.PERSONAL)
    raw = read_stored(credential.p12)
    assert raw != pki_material().p12("leader") and b"Tr\xe1\xba\xa7n" not in raw
    stored_text = " ".join(str(v) for v in Credential.objects.values_list().get(pk=credential.pk))
    assert PASSPHRASE not in stored_text
    assert PASSPHRASE not in str(list(JournalEntry.objects.values_list("details", flat=True)))
    with pytest.raises(ValidationError):
        signing.sign_as_signer(world.sxd_leader, nd30(), passphrase="sai-mat-khau", agency=world.sxd)


def test_only_the_holder_and_the_clerk_can_sign(world):
    with pytest.raises(PermissionDenied):
        signing.sign_as_signer(
            world.sxd_unit_leader, nd30(), passphrase=PASSPHRASE, agency=world.sxd, credential=world.leader_credential
        )
    with pytest.raises(PermissionDenied):
        signing.seal(
            world.sxd_staff,
            nd30(),
            agency=world.sxd,
            passphrase=PASSPHRASE,
            number_text="Số: 1/QĐ-SXD",
            date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
        )


def test_non_pdf_cannot_be_signed(world):
    with pytest.raises(ValidationError, match="PDF"):
        signing.sign_as_signer(world.sxd_leader, b"not a pdf", passphrase=PASSPHRASE, agency=world.sxd)


def test_revoked_certificate_is_detected_from_the_embedded_crl(world):
    """Revocation information embedded in the document security store (DSS) is used offline."""
    from asn1crypto import crl as asn1_crl
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    keys = pki_material()
    revoked = pki.make_signer(keys.sub, "Lê Văn Bị Thu Hồi", organization="Sở Xây dựng tỉnh Nghệ An")
    signed = external_sign(nd30(), revoked)
    crl = asn1_crl.CertificateList.load(pki.make_crl(keys.sub, [revoked.cert]))
    out = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(out, None, crls=[crl])
    report = signing.verify_bytes(out.getvalue())
    assert report.verdict == Verdict.INVALID
    assert report.signatures[0].revoked, report.summary
    assert "thu hồi" in report.summary
    # the same document without the CRL is not known to be revoked
    assert signing.verify_bytes(signed).verdict == Verdict.VALID
