"""A small certificate authority for tests, demo data and air-gapped pilots: root, intermediate and signer
certificates (RSA 2048, SHA-256), PKCS#12 bundles and CRLs. Built on ``cryptography``; no network.

Real deployments register certificates issued by the Ban Cơ yếu Chính phủ CA or another licensed CA; this
module never replaces them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")


@dataclass
class Issued:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)  # intermediates, nearest first; never the root

    @property
    def cert_pem(self) -> str:
        return to_pem(self.cert)

    @property
    def chain_pem(self) -> str:
        return "".join(to_pem(c) for c in self.chain)


def _name(common_name: str, organization: str = "", unit: str = "", locality: str = "") -> x509.Name:
    """X.520 names are at most 64 characters (128 for O/OU); longer ones are cut."""
    common_name, organization, unit, locality = common_name[:64], organization[:64], unit[:64], locality[:64]
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if locality:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_ca(
    common_name: str,
    *,
    organization: str = "",
    parent: Issued | None = None,
    not_before: dt.datetime | None = None,
    days: int = 3650,
) -> Issued:
    """A root CA (no parent) or an intermediate CA signed by ``parent``."""
    key = _key()
    start = not_before or _now() - dt.timedelta(days=1)
    subject = _name(common_name, organization)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(parent.cert.subject if parent else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if parent is None else 0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if parent is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), critical=False
        )
    cert = builder.sign(parent.key if parent else key, hashes.SHA256())
    chain = (
        [parent.cert, *parent.chain]
        if parent is not None and parent.chain
        else ([parent.cert] if parent is not None and _is_intermediate(parent.cert) else [])
    )
    return Issued(key, cert, chain)


def _is_intermediate(cert: x509.Certificate) -> bool:
    return cert.issuer != cert.subject


def make_signer(
    ca: Issued,
    common_name: str,
    *,
    organization: str = "",
    unit: str = "",
    locality: str = "",
    not_before: dt.datetime | None = None,
    days: int = 730,
    email: str = "",
    crl_url: str = "http://crl.vpdt.invalid/ca.crl",
) -> Issued:
    """An end-entity document-signing certificate (a leader's or an agency's) issued by ``ca``. It names a CRL
    distribution point (like real CA certificates), so verifiers look for revocation information."""
    key = _key()
    start = not_before or _now() - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization, unit, locality))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
    )
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    cert = builder.sign(ca.key, hashes.SHA256())
    chain = [ca.cert, *ca.chain] if _is_intermediate(ca.cert) else []
    return Issued(key, cert, chain)


def to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def to_pkcs12(issued: Issued, passphrase: str, friendly_name: str = "vpdt") -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        issued.key,
        issued.cert,
        issued.chain or None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def make_crl(ca: Issued, revoked: list[x509.Certificate], *, days: int = 7) -> bytes:
    """A DER CRL from ``ca`` listing ``revoked``."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=days))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(minutes=30))
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
