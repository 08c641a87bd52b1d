"""Shared material for signature tests: one throwaway PKI per test session (root, intermediate, a leader's and
an agency's certificate, an expired one, a foreign root), and ``equip(org)`` which registers it for the Sở Xây
dựng of the ``org`` fixture: trust root, the leader's personal PKCS#12, the agency's PKCS#12, the leader's blue
signature and the red seal."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from vpdt.signing import pki, samples
from vpdt.signing import services as signing
from vpdt.signing.models import CredentialKind, ImageKind

PASSPHRASE = "Ky$o2026"


@dataclass
class PKIMaterial:
    root: pki.Issued
    sub: pki.Issued
    leader: pki.Issued
    unit_leader: pki.Issued
    agency: pki.Issued
    expired: pki.Issued
    foreign_root: pki.Issued
    foreign_signer: pki.Issued

    def p12(self, which: str, passphrase: str = PASSPHRASE) -> bytes:
        return _p12(which, passphrase)


@functools.cache
def pki_material() -> PKIMaterial:
    root = pki.make_ca("Test Root CA vpdt", organization="Ban Cơ yếu Chính phủ (thử nghiệm)")
    sub = pki.make_ca("Test CA chuyên dùng Chính phủ", organization="Ban Cơ yếu Chính phủ (thử nghiệm)", parent=root)
    foreign_root = pki.make_ca("Foreign Root CA")
    return PKIMaterial(
        root=root,
        sub=sub,
        leader=pki.make_signer(sub, "Trần Thị Thu Hà", organization="Sở Xây dựng tỉnh Nghệ An", locality="Nghệ An"),
        unit_leader=pki.make_signer(sub, "Phạm Văn Dũng", organization="Sở Xây dựng tỉnh Nghệ An"),
        agency=pki.make_signer(sub, "Sở Xây dựng tỉnh Nghệ An", organization="UBND tỉnh Nghệ An", locality="Nghệ An"),
        expired=pki.make_signer(
            sub,
            "Nguyễn Văn Cũ",
            organization="Sở Xây dựng tỉnh Nghệ An",
            not_before=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
            days=365,
        ),
        foreign_root=foreign_root,
        foreign_signer=pki.make_signer(foreign_root, "Người ký lạ", organization="Tổ chức không được tin cậy"),
    )


@functools.cache
def _p12(which: str, passphrase: str) -> bytes:
    """Each certificate's PKCS#12 file is written once a session (its key derivation is slow)."""
    return pki.to_pkcs12(getattr(pki_material(), which), passphrase)


def equip(org, *, images: bool = True):
    """Register the test PKI for org.sxd; returns the PKIMaterial. Sets org.leader_credential, org.agency_credential."""
    keys = pki_material()
    signing.add_trust_roots(org.province_admin, pki.to_pem(keys.root.cert).encode("ascii"), name="Test Root CA vpdt")
    org.leader_credential = signing.register_pkcs12(
        org.sxd_admin,
        kind=CredentialKind.PERSONAL,
        agency=org.sxd,
        user=org.sxd_leader,
        data=keys.p12("leader"),
        passphrase=PASSPHRASE,
        label="Chữ ký số Giám đốc",
    )
    org.agency_credential = signing.register_pkcs12(
        org.sxd_admin,
        kind=CredentialKind.AGENCY,
        agency=org.sxd,
        data=keys.p12("agency"),
        passphrase=PASSPHRASE,
        label="Chữ ký số Sở Xây dựng",
    )
    if images:
        signing.upload_image(
            org.sxd_admin,
            kind=ImageKind.SIGNATURE,
            agency=org.sxd,
            user=org.sxd_leader,
            fileobj=SimpleUploadedFile("chu-ky.png", samples.signature_png("ha")),
        )
        signing.upload_image(
            org.sxd_admin,
            kind=ImageKind.SEAL,
            agency=org.sxd,
            fileobj=SimpleUploadedFile("con-dau.png", samples.seal_png("Sở Xây dựng Nghệ An")),
        )
    return keys


def nd30(**kwargs) -> bytes:
    kwargs.setdefault("signer", "Trần Thị Thu Hà")
    return samples.nd30_pdf(**kwargs)


def external_sign(pdf: bytes, issued: pki.Issued, *, field: str | None = None, passphrase: str = PASSPHRASE):
    """Sign ``pdf`` the way another tool would: plain pyHanko, its own field, no vpdt code path."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(
        pki.to_pkcs12(issued, passphrase), other_certs=[], passphrase=passphrase.encode()
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    name = field or "Signature1"
    if field is None:
        fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=0, box=(400, 40, 560, 100)))
    out = signers.PdfSigner(signers.PdfSignatureMetadata(field_name=name), signer=signer).sign_pdf(writer)
    return out.getvalue()
