"""Verification of every signature of a PDF with pyHanko: integrity, chain to the configured trust roots,
validity at signing time, revocation when the information is embedded (DSS) or reachable (online fetching,
``VPDT_SIGNING_ONLINE=1``), and whether later revisions changed more than the signature allows.

The result is plain data with Vietnamese sentences, so screens, API and journal share it."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import asdict, dataclass, field

from .loops import outside_event_loop

log = logging.getLogger(__name__)

ALLOWED_LATER_CHANGES = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


@dataclass
class SignatureReport:
    field: str
    signer: str = ""
    organization: str = ""
    serial: str = ""
    issuer: str = ""
    signed_at: str | None = None  # ISO 8601, as the signer's software reported it (or the timestamp)
    timestamped: bool = False
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the cryptographic signature matches the certificate
    trusted: bool = False  # the certificate chains to a trust root and was valid at signing time
    expired: bool = False
    not_yet_valid: bool = False
    revoked: bool = False
    whole_file: bool = False  # no later revision
    later_changes: str = ""  # NONE / FORM_FILLING / ... / OTHER
    ok: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        when = _fmt(self.signed_at)
        who = self.signer + (
            f" ({self.organization})" if self.organization and self.organization not in self.signer else ""
        )
        if self.ok:
            return f"Hợp lệ, ký bởi {who}" + (f" lúc {when}" if when else "") + "."
        return (
            f"Không hợp lệ: chữ ký của {who or 'người ký không xác định'}"
            + (f" lúc {when}" if when else "")
            + " — "
            + "; ".join(self.problems)
            + "."
        )


@dataclass
class Report:
    verdict: str  # valid / invalid / unsigned / not_pdf / error
    summary: str
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.verdict == "valid"

    def as_json(self) -> list[dict]:
        return [asdict(s) | {"sentence": s.sentence} for s in self.signatures]


def _fmt(iso: str | None) -> str:
    if not iso:
        return ""
    from vpdt.core.pdf import fmt_datetime

    try:
        return fmt_datetime(dt.datetime.fromisoformat(iso))
    except ValueError:
        return iso


def _name_part(name, oid_name: str) -> str:
    try:
        return str(name.native.get(oid_name, "") or "")
    except Exception:
        return ""


def _context(trust_roots, other_certs, crls, ocsps, moment, online: bool):
    from pyhanko_certvalidator import ValidationContext

    kwargs = {
        "trust_roots": list(trust_roots),
        "other_certs": list(other_certs),
        "crls": list(crls),
        "ocsps": list(ocsps),
        "allow_fetching": online,
        "revocation_mode": "soft-fail",
    }
    if moment is not None:
        kwargs["moment"] = moment
        kwargs["best_signature_time"] = moment
    return ValidationContext(**kwargs)


def _embedded_revinfo(reader):
    """Certificates, CRLs and OCSP responses of the document security store (DSS), when there is one."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp
    from asn1crypto import x509 as asn1_x509

    try:
        dss = reader.root["/DSS"]
    except KeyError:
        return [], [], []

    def load(key, loader):
        out = []
        try:
            refs = dss.get(key) or []
            for ref in refs:
                out.append(loader.load(ref.get_object().data))
        except Exception as exc:  # a damaged DSS only loses the extra information
            log.info("unreadable DSS entry %s: %s", key, exc)
        return out

    return (
        load("/Certs", asn1_x509.Certificate),
        load("/CRLs", asn1_crl.CertificateList),
        load("/OCSPs", asn1_ocsp.OCSPResponse),
    )


def verify_pdf(data: bytes, *, trust_roots=(), other_certs=(), online: bool = False) -> Report:
    """Check every signature of ``data``. ``trust_roots``/``other_certs`` are asn1crypto certificates."""
    return outside_event_loop(lambda: _verify_pdf(data, trust_roots, other_certs, online))


def _verify_pdf(data: bytes, trust_roots, other_certs, online: bool) -> Report:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    if not data or not data.lstrip()[:5].startswith(b"%PDF"):
        return Report("not_pdf", "Không phải tệp PDF nên không có chữ ký số PAdES để kiểm tra.")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        return Report("error", f"Tệp PDF hỏng, không đọc được chữ ký: {str(exc)[:200]}")
    if not embedded:
        return Report("unsigned", "Tệp PDF không có chữ ký số.")
    dss_certs, crls, ocsps = _embedded_revinfo(reader)
    reports = []
    for sig in embedded:
        reports.append(
            _check(sig, trust_roots, [*other_certs, *dss_certs], crls, ocsps, online, validate_pdf_signature)
        )
    bad = [r for r in reports if not r.ok]
    if not bad:
        names = ", ".join(r.signer for r in reports)
        return Report("valid", f"Hợp lệ: {len(reports)} chữ ký số ({names}).", reports)
    return Report("invalid", " ".join(r.sentence for r in bad)[:500], reports)


def _check(sig, trust_roots, other_certs, crls, ocsps, online, validate) -> SignatureReport:
    report = SignatureReport(field=str(sig.field_name or ""))
    cert = sig.signer_cert
    report.signer = _name_part(cert.subject, "common_name")
    report.organization = _name_part(cert.subject, "organization_name")
    report.issuer = _name_part(cert.issuer, "common_name")
    report.serial = format(cert.serial_number, "X")
    claimed = sig.self_reported_timestamp
    moment = claimed
    try:
        ts = sig.attached_timestamp_data
    except Exception:
        ts = None
    report.timestamped = ts is not None
    if claimed is not None:
        report.signed_at = claimed.isoformat()
    if moment is not None:
        start, end = cert.not_valid_before, cert.not_valid_after
        report.expired = moment > end
        report.not_yet_valid = moment < start
    try:
        status = validate(sig, _context(trust_roots, other_certs, crls, ocsps, moment, online))
    except Exception as exc:  # malformed CMS, unsupported algorithm...
        log.info("signature validation failed: %s", exc)
        report.problems.append(f"không kiểm tra được chữ ký ({str(exc)[:150]})")
        return report
    report.intact = bool(status.intact)
    report.valid = bool(status.valid)
    report.trusted = bool(status.trusted)
    revocation = getattr(status, "revocation_details", None)
    report.revoked = bool(revocation is not None and getattr(revocation, "revocation_date", None))
    coverage = getattr(status, "coverage", None)
    report.whole_file = getattr(coverage, "name", "") == "ENTIRE_FILE"
    level = getattr(status, "modification_level", None)
    report.later_changes = getattr(level, "name", "") or ""
    sub = str(getattr(status, "trust_problem_indic", "") or "")
    if "REVOKED" in sub.upper():
        report.revoked = True
    if not report.intact:
        report.problems.append("nội dung đã bị thay đổi sau khi ký")
    elif not report.valid:
        report.problems.append("chữ ký không khớp với chứng thư số")
    if report.expired:
        report.problems.append("chứng thư số đã hết hạn tại thời điểm ký")
    elif report.not_yet_valid:
        report.problems.append("chứng thư số chưa có hiệu lực tại thời điểm ký")
    if report.revoked:
        report.problems.append("chứng thư số đã bị thu hồi")
    if (
        report.intact
        and report.valid
        and not report.trusted
        and not (report.expired or report.not_yet_valid or report.revoked)
    ):
        report.problems.append("chứng thư số không thuộc tổ chức chứng thực được tin cậy")
    if report.intact and report.later_changes and report.later_changes not in ALLOWED_LATER_CHANGES:
        report.problems.append("tệp đã bị sửa đổi sau khi ký ngoài phạm vi cho phép")
    elif report.intact and getattr(status, "docmdp_ok", True) is False:
        report.problems.append("tệp đã bị sửa đổi sau khi ký ngoài phạm vi cho phép")
    report.ok = not report.problems
    return report
