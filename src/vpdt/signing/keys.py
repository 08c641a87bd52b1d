"""Keys at rest and signers at signing time.

PKCS#12 files are stored encrypted with a Fernet key derived (HKDF-SHA256) from ``VPDT_SIGNING_KEY``, or from
the deployment's secret key when that is not set. Their passphrase is never stored: the holder types it when
signing and it only lives in memory for that request. A PKCS#11 key (HSM, token) is opened through pyHanko with
the module, token and key labels configured on the credential; its PIN comes from the environment variable named
there."""

from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError


class SigningError(Exception):
    """A signature could not be made; the message is for the user, in Vietnamese."""


def _fernet() -> Fernet:
    secret = (getattr(settings, "VPDT_SIGNING_KEY", "") or settings.SECRET_KEY).encode("utf-8")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"vpdt-signing", info=b"pkcs12-at-rest").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(data: bytes) -> bytes:
    try:
        return _fernet().decrypt(data)
    except InvalidToken:
        raise SigningError(
            "Không giải mã được tệp khóa đã lưu: khóa mã hóa của hệ thống (VPDT_SIGNING_KEY) đã "
            "thay đổi. Quản trị cần khôi phục khóa cũ hoặc đăng ký lại chứng thư số."
        ) from None


@dataclass
class CertInfo:
    subject: str
    common_name: str
    organization: str
    issuer: str
    serial: str
    fingerprint: str
    not_before: object
    not_after: object
    pem: str


def cert_info(cert: x509.Certificate) -> CertInfo:
    def first(name, oid):
        values = name.get_attributes_for_oid(oid)
        return values[0].value if values else ""

    from cryptography.x509.oid import NameOID

    return CertInfo(
        subject=cert.subject.rfc4514_string()[:500],
        common_name=str(first(cert.subject, NameOID.COMMON_NAME))[:255],
        organization=str(first(cert.subject, NameOID.ORGANIZATION_NAME)),
        issuer=cert.issuer.rfc4514_string()[:500],
        serial=format(cert.serial_number, "X"),
        fingerprint=fingerprint(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def load_certificate(data: bytes) -> x509.Certificate:
    """A certificate from PEM or DER bytes, with a Vietnamese error for anything else."""
    data = data or b""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except (ValueError, TypeError):
        raise ValidationError("Tệp không phải chứng thư số X.509 (PEM hoặc DER).", code="not_certificate") from None


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (or one DER certificate)."""
    if b"-----BEGIN" in (data or b""):
        try:
            return x509.load_pem_x509_certificates(data)
        except ValueError:
            raise ValidationError("Tệp PEM không đọc được.", code="not_certificate") from None
    return [load_certificate(data)]


@dataclass
class Bundle:
    key: object
    cert: x509.Certificate
    chain: list[x509.Certificate]


def open_pkcs12(data: bytes, passphrase: str) -> Bundle:
    """Open a PKCS#12 file; wrong passphrase or a broken file give a Vietnamese ValidationError."""
    if not data:
        raise ValidationError("Chưa chọn tệp chứng thư số (.p12, .pfx).", code="empty")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, (passphrase or "").encode("utf-8"))
    except ValueError:
        raise ValidationError(
            "Không mở được tệp PKCS#12: mật khẩu không đúng hoặc tệp không phải .p12/.pfx.", code="bad_pkcs12"
        ) from None
    if key is None or cert is None:
        raise ValidationError("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số của người ký.", code="no_key")
    return Bundle(key, cert, list(extra or []))


def pyhanko_cert(cert: x509.Certificate):
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def signer_from_pkcs12(data: bytes, passphrase: str, chain_pem: str = ""):
    """A pyHanko signer from PKCS#12 bytes (already decrypted) and the passphrase typed by the holder; the file is
    decrypted once (its key derivation is the slow part of opening it)."""
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    bundle = open_pkcs12(data, passphrase)
    others = [pyhanko_cert(c) for c in bundle.chain]
    if chain_pem:
        others += [pyhanko_cert(c) for c in load_certificates(chain_pem.encode("ascii"))]
    key = bundle.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_key=asn1_keys.PrivateKeyInfo.load(key),
        signing_cert=pyhanko_cert(bundle.cert),
        cert_registry=SimpleCertificateStore.from_certs(others),
    )


def signer_for(credential, passphrase: str = ""):
    """The pyHanko signer of a registered credential."""
    from vpdt.storage.services import read_stored

    from .models import KeyStore

    if credential.keystore == KeyStore.PKCS12:
        if credential.p12_id is None:
            raise SigningError("Chứng thư số chưa có tệp khóa.")
        data = decrypt(read_stored(credential.p12))
        return signer_from_pkcs12(data, passphrase, credential.chain)
    if credential.keystore == KeyStore.PKCS11:
        return _pkcs11_signer(credential, passphrase)
    raise SigningError("Chứng thư số này ký ở máy người dùng hoặc dịch vụ ký bên ngoài, không ký trên máy chủ.")


def _pkcs11_signer(credential, passphrase: str):
    """A signer whose key stays on the PKCS#11 device (HSM, token). The certificate comes from the database, so
    only the key must be on the device, found by its label."""
    try:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11
    except ImportError:  # python-pkcs11 missing
        raise SigningError("Máy chủ chưa cài thư viện PKCS#11 (gói python-pkcs11).") from None
    pin = passphrase or os.environ.get(credential.pkcs11_pin_env or "", "")
    if not credential.pkcs11_module or not os.path.exists(credential.pkcs11_module):
        raise SigningError(f"Không tìm thấy thư viện PKCS#11 “{credential.pkcs11_module}” trên máy chủ.")
    criteria = TokenCriteria(label=credential.pkcs11_token) if credential.pkcs11_token else None
    try:
        session = p11.open_pkcs11_session(credential.pkcs11_module, token_criteria=criteria, user_pin=pin or None)
    except Exception as exc:  # the vendor module raises its own types (wrong PIN, token absent...)
        raise SigningError(f"Không mở được thiết bị PKCS#11 (kiểm tra nhãn token và mã PIN): {exc}") from None
    cert = pyhanko_cert(load_certificate(credential.certificate.encode("ascii")))
    chain = [pyhanko_cert(c) for c in load_certificates(credential.chain.encode("ascii"))] if credential.chain else []
    return p11.PKCS11Signer(
        session,
        signing_cert=cert,
        key_label=credential.pkcs11_key or None,
        other_certs_to_pull=None,
        bulk_fetch=False,
        ca_chain=chain or None,
    )


def read_bytes(fileobj) -> bytes:
    if isinstance(fileobj, bytes | bytearray):
        return bytes(fileobj)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read()
    return data if isinstance(data, bytes) else io.BytesIO(data).getvalue()
