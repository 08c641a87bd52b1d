"""The package's XML signature, checked on receipt and told in Vietnamese as the PDFs' signatures are: unchanged
since it was signed (:mod:`.edxml.dsig`), and by a certificate that chains to the deployment's trust roots and was
valid when the package arrived (pyhanko-certvalidator, the same trust store as the PDFs)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from vpdt.signing import keys
from vpdt.signing.loops import outside_event_loop
from vpdt.signing.services import trust_store

from .edxml import dsig

MAX_CHECKED = 30 * 1024 * 1024  # larger packages are read streaming; their XML signature is not checked in memory


@dataclass
class Checked:
    verdict: str  # valid / untrusted / invalid / unsigned / unverifiable
    summary: str


def _trusted(result: dsig.XmlSignature) -> str:
    """ "" when the signer's certificate chains to a trust root, else why not."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    roots, others = trust_store()
    if not roots:
        return "hệ thống chưa có chứng thư gốc tin cậy nào"
    context = ValidationContext(
        trust_roots=roots, other_certs=[*others, *(keys.pyhanko_cert(c) for c in result.chain)], allow_fetching=False
    )
    validator = CertificateValidator(keys.pyhanko_cert(result.certificate), validation_context=context)
    try:
        outside_event_loop(lambda: asyncio.run(validator.async_validate_usage(set())))
    except PathBuildingError:
        return "chứng thư số không chuỗi được tới chứng thư gốc tin cậy nào"
    except PathValidationError as err:
        return f"chứng thư số không hợp lệ ({err})"
    return ""


def check(data: bytes | None, size: int) -> Checked:
    if data is None or size > MAX_CHECKED:
        return Checked(
            "unverifiable", "Gói tin quá lớn để kiểm tra chữ ký XML; các chữ ký số trong tệp PDF vẫn được kiểm tra."
        )
    result = dsig.verify(data)
    if result.verdict != "valid":
        return Checked(result.verdict, result.summary)
    problem = _trusted(result)
    if problem:
        return Checked("untrusted", f"Gói tin còn nguyên vẹn, ký bởi {result.signer}, nhưng {problem}.")
    return Checked(
        "valid", f"Gói tin còn nguyên vẹn, ký bởi {result.signer}" + (" (SHA-1, đã lỗi thời)." if result.weak else ".")
    )
