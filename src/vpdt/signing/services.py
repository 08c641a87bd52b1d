"""Business rules of digital signatures: registering certificates, trust roots, images and the agency policy;
signing documents (signer at approval, agency at issue, appendices and copies); verifying stored files.
Every signing and verification is journaled."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from vpdt.core.authz import scope_of
from vpdt.directory.models import Role
from vpdt.journal import services as journal
from vpdt.storage.services import read_stored, store

from . import keys, pades, verify
from .keys import SigningError
from .models import (
    Credential,
    CredentialKind,
    ImageKind,
    KeyStore,
    OnFailure,
    SignatureImage,
    SigningPolicy,
    TrustRoot,
    Verdict,
    Verification,
)

EXPIRY_WARNING_DAYS = 30
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_P12_BYTES = 100 * 1024


# ---------------------------------------------------------------------------------------------- who may


def can_administer(user, agency) -> bool:
    """Agency administrators (and the province administrator above them) register certificates and images."""
    scope = scope_of(user)
    if scope.is_superuser or agency.pk in scope.admin_agency_ids:
        return True
    return bool(scope.province_path and agency.path.startswith(scope.province_path))


def can_manage_trust(user) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or scope.province_path is not None


def _require_admin(user, agency):
    if not can_administer(user, agency):
        raise PermissionDenied("Chỉ quản trị của cơ quan được đăng ký chứng thư số, hình chữ ký và con dấu.")


# ---------------------------------------------------------------------------------------------- credentials


def _check_owner(kind, agency, user):
    if kind == CredentialKind.PERSONAL:
        if user is None:
            raise ValidationError({"user": "Chọn người được cấp chứng thư số cá nhân."})
        from vpdt.directory.models import Position

        if not Position.objects.filter(user=user, agency=agency, is_active=True).exists():
            raise ValidationError({"user": "Người này không thuộc cơ quan."})
    elif kind == CredentialKind.AGENCY:
        if user is not None:
            raise ValidationError({"user": "Chứng thư số cơ quan không gắn với một người."})
    else:
        raise ValidationError({"kind": "Loại chứng thư số không hợp lệ."})


def _check_validity(info: keys.CertInfo):
    if info.not_after <= timezone.now():
        raise ValidationError(
            f"Chứng thư số “{info.common_name}” đã hết hạn ngày {timezone.localtime(info.not_after):%d/%m/%Y}.",
            code="expired",
        )


def _create(actor, *, kind, agency, user, info: keys.CertInfo, chain: str, keystore, label: str, **extra):
    credential = Credential.objects.create(
        kind=kind,
        agency=agency,
        user=user,
        keystore=keystore,
        label=(label or "").strip()[:200],
        subject=info.subject,
        common_name=info.common_name,
        issuer=info.issuer[:500],
        serial=info.serial[:80],
        fingerprint=info.fingerprint,
        not_before=info.not_before,
        not_after=info.not_after,
        certificate=info.pem,
        chain=chain,
        created_by=actor,
        **extra,
    )
    journal.record(
        "signing.credential.register",
        actor=actor,
        obj=credential,
        agency=agency,
        details={
            "kind": kind,
            "keystore": keystore,
            "user": user.pk if user else None,
            "subject": info.subject,
            "serial": info.serial,
            "not_after": info.not_after.isoformat(),
            "fingerprint": info.fingerprint,
        },
    )
    return credential


def register_pkcs12(
    actor,
    *,
    kind: str,
    agency,
    user=None,
    data: bytes,
    passphrase: str,
    label: str = "",
    filename: str = "chung-thu.p12",
) -> Credential:
    """Register a PKCS#12 file. The passphrase only opens it here, to read the certificate; it is not kept.
    The file is stored encrypted."""
    _require_admin(actor, agency)
    _check_owner(kind, agency, user)
    if len(data or b"") > MAX_P12_BYTES:
        raise ValidationError("Tệp PKCS#12 quá lớn (tối đa 100 KB).", code="too_big")
    bundle = keys.open_pkcs12(data, passphrase)
    info = keys.cert_info(bundle.cert)
    _check_validity(info)
    chain = "".join(keys.cert_info(c).pem for c in bundle.chain)
    with transaction.atomic():
        stored = store(
            ContentFile(keys.encrypt(data)),
            filename[:200] + ".enc",
            folder="keys",
            agency=agency,
            actor=actor,
            content_type="application/octet-stream",
        )
        return _create(
            actor,
            kind=kind,
            agency=agency,
            user=user,
            info=info,
            chain=chain,
            keystore=KeyStore.PKCS12,
            label=label,
            p12=stored,
        )


def register_certificate(
    actor,
    *,
    kind: str,
    agency,
    user=None,
    certificate: bytes,
    chain: bytes = b"",
    keystore: str = KeyStore.EXTERNAL,
    label: str = "",
    pkcs11_module: str = "",
    pkcs11_token: str = "",
    pkcs11_key: str = "",
    pkcs11_pin_env: str = "",
) -> Credential:
    """Register a certificate whose key lives elsewhere: a USB token or remote service (signing happens on the
    client) or a PKCS#11 device reachable from the server (HSM for the agency seal)."""
    _require_admin(actor, agency)
    _check_owner(kind, agency, user)
    if keystore not in (KeyStore.EXTERNAL, KeyStore.PKCS11):
        raise ValidationError({"keystore": "Nơi giữ khóa không hợp lệ."})
    info = keys.cert_info(keys.load_certificate(certificate))
    _check_validity(info)
    chain_pem = "".join(keys.cert_info(c).pem for c in keys.load_certificates(chain)) if chain else ""
    extra = {}
    if keystore == KeyStore.PKCS11:
        if not pkcs11_module.strip():
            raise ValidationError({"pkcs11_module": "Nhập đường dẫn thư viện PKCS#11 của thiết bị (tệp .so)."})
        extra = {
            "pkcs11_module": pkcs11_module.strip()[:500],
            "pkcs11_token": pkcs11_token.strip()[:200],
            "pkcs11_key": pkcs11_key.strip()[:200],
            "pkcs11_pin_env": pkcs11_pin_env.strip()[:100],
        }
    with transaction.atomic():
        return _create(
            actor,
            kind=kind,
            agency=agency,
            user=user,
            info=info,
            chain=chain_pem,
            keystore=keystore,
            label=label,
            **extra,
        )


def deactivate_credential(actor, credential: Credential, reason: str = "") -> Credential:
    _require_admin(actor, credential.agency)
    with transaction.atomic():
        credential.is_active = False
        credential.deactivated_at = timezone.now()
        credential.save(update_fields=["is_active", "deactivated_at"])
        journal.record(
            "signing.credential.deactivate",
            actor=actor,
            obj=credential,
            agency=credential.agency,
            details={"reason": (reason or "")[:500], "serial": credential.serial},
        )
    return credential


def personal_credential(user, agency=None) -> Credential | None:
    """The signer's valid personal certificate (newest first)."""
    qs = Credential.objects.filter(
        kind=CredentialKind.PERSONAL, user=user, is_active=True, not_after__gt=timezone.now()
    )
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("-not_after", "-id").first()


def agency_credential(agency) -> Credential | None:
    return (
        Credential.objects.filter(
            kind=CredentialKind.AGENCY, agency=agency, is_active=True, not_after__gt=timezone.now()
        )
        .order_by("-not_after", "-id")
        .first()
    )


def expiring(qs=None, days: int = EXPIRY_WARNING_DAYS):
    """Active credentials that expire within ``days`` (or already expired)."""
    qs = qs if qs is not None else Credential.objects.all()
    return qs.filter(is_active=True, not_after__lte=timezone.now() + dt.timedelta(days=days))


def expiry_state(credential: Credential) -> str:
    """expired / expiring / ok."""
    now = timezone.now()
    if credential.not_after <= now:
        return "expired"
    return "expiring" if credential.not_after <= now + dt.timedelta(days=EXPIRY_WARNING_DAYS) else "ok"


# ---------------------------------------------------------------------------------------------- trust roots


def add_trust_roots(actor, data: bytes, name: str = "") -> list[TrustRoot]:
    """Add every certificate of a PEM bundle (or one DER certificate) as a trust root."""
    if not can_manage_trust(actor):
        raise PermissionDenied("Chỉ quản trị cấp tỉnh được thay đổi danh sách chứng thư gốc tin cậy.")
    certs = keys.load_certificates(data)
    added = []
    with transaction.atomic():
        for cert in certs:
            info = keys.cert_info(cert)
            root, created = TrustRoot.objects.get_or_create(
                fingerprint=info.fingerprint,
                defaults={
                    "name": (name or info.common_name or info.subject)[:255],
                    "subject": info.subject,
                    "not_after": info.not_after,
                    "certificate": info.pem,
                    "added_by": actor,
                },
            )
            if not created and not root.is_active:
                root.is_active = True
                root.save(update_fields=["is_active"])
            journal.record(
                "signing.trust_root.add",
                actor=actor,
                obj=root,
                details={"subject": info.subject, "fingerprint": info.fingerprint, "new": created},
            )
            added.append(root)
    return added


def set_trust_root_active(actor, root: TrustRoot, active: bool) -> TrustRoot:
    if not can_manage_trust(actor):
        raise PermissionDenied("Chỉ quản trị cấp tỉnh được thay đổi danh sách chứng thư gốc tin cậy.")
    with transaction.atomic():
        root.is_active = bool(active)
        root.save(update_fields=["is_active"])
        journal.record(
            "signing.trust_root.activate" if active else "signing.trust_root.deactivate",
            actor=actor,
            obj=root,
            details={"fingerprint": root.fingerprint},
        )
    return root


def trust_store():
    """(trust roots, other certificates) for pyHanko: the active roots, plus the intermediates registered with
    the deployment's credentials so chains can be built offline."""
    roots = [
        keys.pyhanko_cert(keys.load_certificate(r.certificate.encode("ascii")))
        for r in TrustRoot.objects.filter(is_active=True)
    ]
    seen, others = set(), []
    for chain in Credential.objects.exclude(chain="").values_list("chain", flat=True).distinct():
        for cert in keys.load_certificates(chain.encode("ascii")):
            fp = keys.fingerprint(cert)
            if fp not in seen:
                seen.add(fp)
                others.append(keys.pyhanko_cert(cert))
    return roots, others


# ---------------------------------------------------------------------------------------------- images, policy


def upload_image(
    actor,
    *,
    kind: str,
    agency,
    user=None,
    fileobj,
    filename: str = "hinh.png",
    width_mm: float | None = None,
    height_mm: float | None = None,
) -> SignatureImage:
    """A transparent PNG: the person's blue signature, or the agency's red seal at its real size."""
    from PIL import Image, UnidentifiedImageError

    if kind == ImageKind.SIGNATURE:
        if user is None:
            raise ValidationError({"user": "Chọn người có chữ ký."})
        if not (can_administer(actor, agency) or actor.pk == user.pk):
            raise PermissionDenied("Chỉ người ký hoặc quản trị cơ quan được tải hình chữ ký.")
    elif kind == ImageKind.SEAL:
        _require_admin(actor, agency)
        user = None
    else:
        raise ValidationError({"kind": "Loại hình không hợp lệ."})
    data = keys.read_bytes(fileobj)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError({"file": "Hình quá lớn (tối đa 2 MB)."})
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"file": "Tệp không phải hình PNG đọc được."}) from None
    if image.format != "PNG":
        raise ValidationError({"file": "Hình chữ ký, con dấu phải là tệp PNG nền trong suốt."})
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        raise ValidationError({"file": "Hình phải có nền trong suốt (PNG có kênh alpha)."})
    default = (
        (36.0, 36.0)
        if kind == ImageKind.SEAL
        else (pades.SIGNER_BOX_MM[0], pades.SIGNER_BOX_MM[0] * image.height / image.width)
    )
    width = float(width_mm or default[0])
    height = float(height_mm or (width * image.height / image.width if width_mm else default[1]))
    if not (5 <= width <= 120 and 5 <= height <= 120):
        raise ValidationError({"width_mm": "Kích thước in phải từ 5 đến 120 mm."})
    with transaction.atomic():
        old = SignatureImage.objects.filter(kind=kind, is_active=True)
        old = old.filter(user=user) if kind == ImageKind.SIGNATURE else old.filter(agency=agency)
        old.update(is_active=False)
        stored = store(
            ContentFile(data), filename[:200], folder="signing", agency=agency, actor=actor, content_type="image/png"
        )
        item = SignatureImage.objects.create(
            kind=kind,
            agency=agency,
            user=user,
            file=stored,
            width_mm=round(width, 1),
            height_mm=round(height, 1),
            uploaded_by=actor,
        )
        journal.record(
            "signing.image.upload",
            actor=actor,
            obj=item,
            agency=agency,
            details={"kind": kind, "user": user.pk if user else None, "sha256": stored.sha256},
        )
    return item


def image_of(*, user=None, agency=None, kind: str) -> SignatureImage | None:
    qs = SignatureImage.objects.filter(kind=kind, is_active=True).select_related("file")
    qs = qs.filter(user=user) if kind == ImageKind.SIGNATURE else qs.filter(agency=agency)
    return qs.order_by("-id").first()


def policy_for(agency) -> SigningPolicy:
    """The agency's policy; the defaults (flag, no requirement) when none was saved."""
    return SigningPolicy.objects.filter(agency=agency).first() or SigningPolicy(agency=agency)


def set_policy(actor, agency, *, on_failure: str, require_both: bool) -> SigningPolicy:
    _require_admin(actor, agency)
    if on_failure not in OnFailure.values:
        raise ValidationError({"on_failure": "Cách xử lý không hợp lệ."})
    with transaction.atomic():
        policy, _ = SigningPolicy.objects.select_for_update().get_or_create(agency=agency)
        policy.on_failure, policy.require_both, policy.updated_by = on_failure, bool(require_both), actor
        policy.save()
        journal.record(
            "signing.policy",
            actor=actor,
            obj=policy,
            agency=agency,
            details={"on_failure": on_failure, "require_both": bool(require_both)},
        )
    return policy


# ---------------------------------------------------------------------------------------------- verification


def verify_bytes(data: bytes) -> verify.Report:
    roots, others = trust_store()
    return verify.verify_pdf(data, trust_roots=roots, other_certs=others, online=settings.VPDT_SIGNING_ONLINE)


def verify_file(stored, *, actor=None, agency=None) -> Verification:
    """Check every signature of a stored file, keep the result, journal it."""
    try:
        data = read_stored(stored)
    except OSError:
        report = verify.Report(Verdict.ERROR, "Không đọc được tệp trong kho lưu trữ.")
    else:
        report = verify_bytes(data)
    agency = agency or getattr(actor, "agency", None) or stored.agency
    with transaction.atomic():
        result = Verification.objects.create(
            file=stored,
            verdict=report.verdict,
            summary=report.summary[:500],
            signatures=report.as_json(),
            checked_by=actor,
            agency_id=getattr(agency, "pk", agency),
        )
        journal.record(
            "signing.verify",
            actor=actor,
            obj=stored,
            agency=agency,
            details={
                "verdict": report.verdict,
                "sha256": stored.sha256,
                "summary": report.summary[:300],
                "signers": [s.signer for s in report.signatures],
            },
        )
    return result


def latest_verification(stored) -> Verification | None:
    return Verification.objects.filter(file=stored).order_by("-id").first()


def fails(verification: Verification | None) -> bool:
    """A signed file whose signatures do not all check out (unsigned files are not failures)."""
    return verification is not None and verification.verdict in (Verdict.INVALID, Verdict.ERROR)


# ---------------------------------------------------------------------------------------------- signing


@dataclass
class Signed:
    data: bytes
    credential: Credential | None
    field: str


def _journal_sign(actor, action, *, credential, agency, obj, details):
    journal.record(
        action,
        actor=actor,
        obj=obj,
        agency=agency,
        details={
            "credential": credential.pk if credential else None,
            "serial": credential.serial if credential else None,
            "subject": credential.common_name if credential else None,
            **details,
        },
    )


def _usable(credential: Credential | None, what: str) -> Credential:
    if credential is None:
        raise ValidationError(
            f"Chưa có {what} còn hiệu lực. Quản trị cơ quan cần đăng ký chứng thư số trước.", code="no_credential"
        )
    if credential.keystore == KeyStore.EXTERNAL:
        raise ValidationError(
            "Chứng thư số này ký bằng thiết bị ở máy người dùng: dùng chức năng “Ký bằng thiết bị (USB token)”.",
            code="external",
        )
    return credential


def sign_as_signer(
    actor,
    pdf: bytes,
    *,
    passphrase: str,
    look: pades.SignerLook | None = None,
    obj=None,
    agency=None,
    credential: Credential | None = None,
) -> Signed:
    """The signer's visible signature at the final approval, with their own certificate."""
    credential = _usable(credential or personal_credential(actor, agency), "chứng thư số cá nhân của người ký")
    if credential.user_id != actor.pk:
        raise PermissionDenied("Chỉ người được cấp chứng thư số mới ký được bằng chứng thư đó.")
    if look is None:
        look = default_look(actor, agency or credential.agency)
    try:
        signer = keys.signer_for(credential, passphrase)
        data = pades.sign_as_signer(pdf, signer, look, when=timezone.localtime())
    except ValidationError as exc:
        raise ValidationError({"passphrase": exc.messages}) from None
    except SigningError as exc:
        raise ValidationError(str(exc), code="signing") from None
    _journal_sign(
        actor,
        "signing.sign",
        credential=credential,
        agency=agency or credential.agency,
        obj=obj,
        details={"role": "signer", "field": pades.SIGNER_FIELD},
    )
    return Signed(data, credential, pades.SIGNER_FIELD)


def _agency_signer(actor, agency, passphrase, credential):
    scope = scope_of(actor)
    if not (scope.is_superuser or (scope.has_role(Role.CLERK) and scope.agency_id == agency.pk)):
        raise PermissionDenied("Chỉ văn thư của cơ quan được ký số bằng chứng thư số cơ quan.")
    credential = _usable(credential or agency_credential(agency), "chứng thư số của cơ quan")
    try:
        return credential, keys.signer_for(credential, passphrase)
    except ValidationError as exc:
        raise ValidationError({"passphrase": exc.messages}) from None
    except SigningError as exc:
        raise ValidationError(str(exc), code="signing") from None


def agency_key(actor, agency, passphrase: str):
    """(private key, [certificate, *chain]) of the agency's PKCS#12 credential, for signing what is not a PDF (an
    exchange package's XML signature); a key on a device cannot be used this way (ValidationError)."""
    from vpdt.storage.services import read_stored

    scope = scope_of(actor)
    if not (scope.is_superuser or (scope.has_role(Role.CLERK) and scope.agency_id == agency.pk)):
        raise PermissionDenied("Chỉ văn thư của cơ quan được ký số bằng chứng thư số cơ quan.")
    credential = _usable(agency_credential(agency), "chứng thư số của cơ quan")
    if credential.keystore != KeyStore.PKCS12 or credential.p12_id is None:
        raise ValidationError(
            "Chứng thư số cơ quan nằm trên thiết bị: không ký được gói tin liên thông.", code="device"
        )
    try:
        bundle = keys.open_pkcs12(keys.decrypt(read_stored(credential.p12)), passphrase)
    except ValidationError as exc:
        raise ValidationError({"passphrase": exc.messages}) from None
    except SigningError as exc:
        raise ValidationError(str(exc), code="signing") from None
    extra = keys.load_certificates(credential.chain.encode("ascii")) if credential.chain else []
    return bundle.key, [bundle.cert, *bundle.chain, *extra]


def seal(
    actor,
    pdf: bytes,
    *,
    agency,
    passphrase: str,
    number_text: str,
    date_text: str,
    obj=None,
    credential: Credential | None = None,
) -> Signed:
    """At issue: number and date stamped into the prepared fields, then the agency's seal signature."""
    credential, signer = _agency_signer(actor, agency, passphrase, credential)
    image = image_of(agency=agency, kind=ImageKind.SEAL)
    try:
        data = pades.issue_and_seal(
            pdf,
            signer,
            number_text=number_text,
            date_text=date_text,
            seal=read_stored(image.file) if image else None,
            seal_mm=float(image.width_mm) if image else settings.VPDT_SEAL_MM,
        )
    except SigningError as exc:
        raise ValidationError(str(exc), code="signing") from None
    _journal_sign(
        actor,
        "signing.seal",
        credential=credential,
        agency=agency,
        obj=obj,
        details={"role": "agency", "field": pades.AGENCY_FIELD, "number": number_text},
    )
    return Signed(data, credential, pades.AGENCY_FIELD)


def seal_attachment(
    actor,
    pdf: bytes,
    *,
    agency,
    passphrase: str,
    number_symbol: str,
    obj=None,
    credential: Credential | None = None,
    when: dt.datetime | None = None,
) -> Signed:
    """Appendix or electronic copy: invisible agency signature and the top-right line on page 1."""
    credential, signer = _agency_signer(actor, agency, passphrase, credential)
    line = pades.copy_line(number_symbol, timezone.localtime(when or timezone.now()))
    try:
        data = pades.sign_invisible_with_line(pdf, signer, line=line)
    except SigningError as exc:
        raise ValidationError(str(exc), code="signing") from None
    _journal_sign(
        actor,
        "signing.seal_attachment",
        credential=credential,
        agency=agency,
        obj=obj,
        details={"role": "agency", "field": pades.COPY_FIELD, "line": line},
    )
    return Signed(data, credential, pades.COPY_FIELD)


def default_look(user, agency) -> pades.SignerLook:
    """The signer's name, position and blue signature image."""
    from vpdt.directory.models import Position

    position = (
        Position.objects.filter(user=user, agency=agency, is_active=True)
        .order_by("-is_primary", "id")
        .values_list("title", flat=True)
        .first()
    ) or ""
    image = image_of(user=user, kind=ImageKind.SIGNATURE)
    return pades.SignerLook(
        name=user.full_name or user.get_username(),
        position=position.upper(),
        image=read_stored(image.file) if image else None,
        image_mm=(float(image.width_mm), float(image.height_mm)) if image else pades.SIGNER_BOX_MM,
    )


def is_pdf(stored) -> bool:
    return stored.content_type == "application/pdf" or stored.original_name.lower().endswith(".pdf")


def signed_fields(data: bytes) -> list[str]:
    try:
        return pades.field_names(data)
    except SigningError:
        return []
