"""The agency seal from a PKCS#11 device: a SoftHSM2 token stands in for the HSM. The key is imported into the
token, only the certificate is registered in vpdt, and the PIN comes from the environment variable named on the
credential. `make test` installs softhsm2 through apt."""

import os
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ValidationError

from tests.signing_support import PASSPHRASE, equip, nd30, pki_material
from vpdt.signing import pki
from vpdt.signing import services as signing
from vpdt.signing.models import CredentialKind, KeyStore

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"


@pytest.fixture
def token(tmp_path, monkeypatch):
    if not (os.path.exists(MODULE) and shutil.which("softhsm2-util")):
        pytest.fail("SoftHSM2 chưa được cài (make test cài gói softhsm2).")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "vpdt-con-dau", "--so-pin", "13579", "--pin", PIN],
        check=True,
        capture_output=True,
    )
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        pki_material().agency.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            "vpdt-con-dau",
            "--label",
            "con-dau-sxd",
            "--id",
            "01",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key_file.unlink()
    monkeypatch.setenv("VPDT_SEAL_PIN", PIN)
    return MODULE


def _register(org, **overrides):
    material = pki_material()
    params = dict(
        kind=CredentialKind.AGENCY,
        agency=org.sxd,
        keystore=KeyStore.PKCS11,
        certificate=pki.to_pem(material.agency.cert).encode("ascii"),
        chain=pki.to_pem(material.sub.cert).encode("ascii"),
        pkcs11_module=MODULE,
        pkcs11_token="vpdt-con-dau",
        pkcs11_key="con-dau-sxd",
        pkcs11_pin_env="VPDT_SEAL_PIN",
        label="Con dấu Sở Xây dựng trên HSM",
    )
    params.update(overrides)
    return signing.register_certificate(org.sxd_admin, **params)


def test_agency_seal_from_a_pkcs11_token(org, token):
    equip(org)
    org.agency_credential.is_active = False  # the PKCS#12 one is replaced by the HSM
    org.agency_credential.save(update_fields=["is_active"])
    hsm = _register(org)
    assert signing.agency_credential(org.sxd) == hsm
    signed = signing.sign_as_signer(org.sxd_leader, nd30(), passphrase=PASSPHRASE, agency=org.sxd).data
    sealed = signing.seal(
        org.sxd_clerk,
        signed,
        agency=org.sxd,
        passphrase="",
        number_text="Số: 07/QĐ-SXD",
        date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
    )
    assert sealed.credential == hsm and sealed.data.startswith(signed)
    report = signing.verify_bytes(sealed.data)
    assert report.verdict == "valid", report.summary
    assert [s.signer for s in report.signatures] == ["Trần Thị Thu Hà", "Sở Xây dựng tỉnh Nghệ An"]


def test_wrong_pin_or_label_is_a_clear_error(org, token, monkeypatch):
    equip(org, images=False)
    org.agency_credential.is_active = False
    org.agency_credential.save(update_fields=["is_active"])
    _register(org)
    monkeypatch.setenv("VPDT_SEAL_PIN", "000000")
    with pytest.raises(ValidationError, match="PKCS#11"):
        signing.seal(
            org.sxd_clerk,
            nd30(),
            agency=org.sxd,
            passphrase="",
            number_text="Số: 08/QĐ-SXD",
            date_text="Nghệ An, ngày 26 tháng 11 năm 2026",
        )


def test_module_path_is_required(org):
    with pytest.raises(ValidationError):
        _register(org, pkcs11_module="")
