"""The package's XML signature (W3C XML-DSig, enveloped, in ``edXMLHeader`` after ``TraceHeaderList``), made and
checked with signxml.

vpdt signs with RSA-SHA256 and exclusive canonicalization. On receipt, RSA-SHA1 and SHA-1 digests are accepted too
(the national SDK's samples use them), and reported as weak. This checks that the package is unchanged since it was
signed and names the certificate; whether that certificate is trusted is decided with the deployment's trust roots
(:mod:`vpdt.exchange.signatures`). The legally binding signatures stay the PAdES ones inside the PDFs.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from lxml import etree

from .model import NS
from .values import PackageError

DSIG = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"


def _parser():
    """Hardened: no DTD, no entities, no network; large text nodes allowed (the attachments' base64), the size
    of the whole having been limited by the reader before."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _tree(xml: bytes):
    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as err:
        raise PackageError(f"Gói tin không phải XML hợp lệ: {err.msg}.", "not_xml") from None
    if root.getroottree().docinfo.doctype:
        raise PackageError("Gói tin có khai báo DOCTYPE/DTD: không được phép.", "dtd")
    return root


def sign(xml: bytes, *, key, certificates: list[x509.Certificate]) -> bytes:
    """``xml`` (a package or status message written by :mod:`.writer`) with an enveloped signature by ``key``;
    ``certificates``: the signer's certificate first, then its chain."""
    from signxml import XMLSigner
    from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod

    root = _tree(xml)
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    if header is None:
        raise PackageError("Gói tin thiếu edXMLHeader: không có chỗ đặt chữ ký.", "missing")
    for old in header.findall(f"{{{DSIG}}}Signature"):
        header.remove(old)
    etree.SubElement(header, f"{{{DSIG}}}Signature", Id="placeholder")
    signer = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod(EXC_C14N),
    )
    signed = signer.sign(root, key=key, cert=list(certificates))
    return etree.tostring(signed, xml_declaration=True, encoding="utf-8")


@dataclass
class XmlSignature:
    """``verdict``: ``valid`` (unchanged since signed by ``certificate``), ``invalid`` (changed, or the signature does
    not match), ``unsigned``, or ``unverifiable`` (a signature vpdt cannot check, e.g. outside the XML-DSig
    namespace)."""

    verdict: str
    summary: str
    certificate: x509.Certificate | None = None
    chain: list[x509.Certificate] = field(default_factory=list)
    weak: bool = False

    @property
    def signer(self) -> str:
        if self.certificate is None:
            return ""
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


def _certificates(signature) -> list[x509.Certificate]:
    out = []
    for element in signature.iter(f"{{{DSIG}}}X509Certificate"):
        try:
            out.append(x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split()))))
        except (ValueError, binascii.Error):
            raise PackageError("Chứng thư số trong chữ ký XML không đọc được.", "bad_certificate") from None
    return out


def verify(xml: bytes) -> XmlSignature:
    """Check the package's enveloped signature (integrity and the signature value against its certificate)."""
    from signxml import SignatureConfiguration, XMLVerifier
    from signxml.algorithms import DigestAlgorithm, SignatureMethod
    from signxml.exceptions import InvalidInput, SignXMLException

    root = _tree(xml)
    signatures = root.findall(f".//{{{DSIG}}}Signature")
    if not signatures:
        if any(etree.QName(e).localname == "Signature" for e in root.iter() if isinstance(e.tag, str)):
            return XmlSignature(
                "unverifiable",
                "Gói tin có phần tử Signature nhưng không theo chuẩn XML-DSig (thiếu không gian tên "
                "http://www.w3.org/2000/09/xmldsig#): không kiểm tra được chữ ký của gói tin.",
            )
        return XmlSignature("unsigned", "Gói tin không có chữ ký XML.")
    if len(signatures) > 1:
        return XmlSignature("invalid", "Gói tin có nhiều hơn một chữ ký XML.")
    try:
        certificates = _certificates(signatures[0])
    except PackageError as err:
        return XmlSignature("unverifiable", str(err))
    if not certificates:
        return XmlSignature("unverifiable", "Chữ ký XML không kèm chứng thư số của người ký.")
    method = signatures[0].find(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}SignatureMethod")
    weak = method is not None and "sha1" in (method.get("Algorithm") or "").lower()
    config = SignatureConfiguration(
        signature_methods=SignatureConfiguration().signature_methods | {SignatureMethod.RSA_SHA1},
        digest_algorithms=SignatureConfiguration().digest_algorithms | {DigestAlgorithm.SHA1},
    )
    try:
        XMLVerifier().verify(root, x509_cert=certificates[0], expect_config=config, validate_schema=True)
    except (InvalidSignature, SignXMLException, InvalidInput) as err:
        return XmlSignature(
            "invalid",
            "Chữ ký XML không hợp lệ: nội dung gói tin đã bị thay đổi sau khi ký, hoặc chữ ký không khớp với "
            f"chứng thư số ({type(err).__name__}).",
            certificate=certificates[0],
            chain=certificates[1:],
            weak=weak,
        )
    summary = "Gói tin còn nguyên vẹn từ khi ký"
    if weak:
        summary += " (thuật toán SHA-1, đã lỗi thời)"
    return XmlSignature("valid", summary + ".", certificate=certificates[0], chain=certificates[1:], weak=weak)
