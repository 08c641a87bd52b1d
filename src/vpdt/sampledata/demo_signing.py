"""Digital signatures of the demo organisation: a demo certification authority generated at load time (its
private key never leaves this process, so every installation has its own), trusted by the deployment; personal
certificates for the two department directors, agency certificates for the two departments, blue signatures
and red seals. The demo passphrase is printed in the README."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from vpdt.signing import pki, samples
from vpdt.signing import services as signing
from vpdt.signing.models import CredentialKind, ImageKind

DEMO_PASSPHRASE = "Demo#KySo26"
CA_NAME = "vpdt Demo CA (chỉ dùng thử)"


def load(by_name: dict, agencies: dict) -> None:
    admin = by_name["Nguyễn Văn Minh"]  # province administrator: manages trust roots and every agency below
    root = pki.make_ca(CA_NAME, organization="vpdt demo")
    sub = pki.make_ca("vpdt Demo Sub CA", organization="vpdt demo", parent=root)
    signing.add_trust_roots(admin, pki.to_pem(root.cert).encode("ascii"), name=CA_NAME)
    for person, agency_key in (("Trần Thị Thu Hà", "sxd"), ("Hồ Sỹ Hùng", "stttt")):
        agency = agencies[agency_key]
        issued = pki.make_signer(sub, person, organization=agency.name, locality="Nghệ An")
        signing.register_pkcs12(
            admin,
            kind=CredentialKind.PERSONAL,
            agency=agency,
            user=by_name[person],
            data=pki.to_pkcs12(issued, DEMO_PASSPHRASE),
            passphrase=DEMO_PASSPHRASE,
            label=f"Chữ ký số cá nhân {person} (thử nghiệm)",
            filename="ca-nhan.p12",
        )
        signing.upload_image(
            admin,
            kind=ImageKind.SIGNATURE,
            agency=agency,
            user=by_name[person],
            fileobj=SimpleUploadedFile("chu-ky.png", samples.signature_png(person)),
        )
    for agency_key in ("sxd", "stttt"):
        agency = agencies[agency_key]
        issued = pki.make_signer(sub, agency.name, organization="UBND tỉnh Nghệ An", locality="Nghệ An")
        signing.register_pkcs12(
            admin,
            kind=CredentialKind.AGENCY,
            agency=agency,
            data=pki.to_pkcs12(issued, DEMO_PASSPHRASE),
            passphrase=DEMO_PASSPHRASE,
            label=f"Chữ ký số {agency.name} (thử nghiệm)",
            filename="co-quan.p12",
        )
        signing.upload_image(
            admin,
            kind=ImageKind.SEAL,
            agency=agency,
            fileobj=SimpleUploadedFile("con-dau.png", samples.seal_png(agency.name)),
        )
