"""What every package and status message must satisfy, whether vpdt writes it or reads it."""

from __future__ import annotations

from .model import LIMITS, Business, BusinessType, MessageHeader, Organ, Package, Status
from .values import PackageError


def _length(where: str, name: str, value: str) -> None:
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise PackageError(f"{where}: dài {len(value)} ký tự, tối đa {limit}.", "too_long")


def _required(where: str, value) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PackageError(f"{where}: bắt buộc nhưng không có.", "missing")


def check_organ(organ: Organ, where: str) -> None:
    _required(f"{where}/OrganId", organ.organ_id)
    if len(organ.organ_id) > 30:
        raise PackageError(f"{where}/OrganId: mã định danh dài {len(organ.organ_id)} ký tự, tối đa 30.", "too_long")
    for name, value in (("OrganName", organ.organ_name), ("OrganAdd", organ.organ_add), ("Email", organ.email)):
        _length(f"{where}/{name}", name, value)


def check_header(header: MessageHeader) -> None:
    where = "MessageHeader"
    check_organ(header.sender, f"{where}/From")
    if not header.to:
        raise PackageError(f"{where}/To: gói tin phải có ít nhất một nơi nhận.", "missing")
    seen = set()
    for organ in header.to:
        check_organ(organ, f"{where}/To")
        if organ.organ_id in seen:
            raise PackageError(f"{where}/To: nơi nhận {organ.organ_id} có mặt hai lần.", "duplicate")
        seen.add(organ.organ_id)
    _required(f"{where}/Code/CodeNumber", header.code_number)
    _required(f"{where}/Code/CodeNotation", header.code_notation)
    _required(f"{where}/Subject", header.subject)
    _required(f"{where}/DocumentId", header.document_id)
    for path, name, value in (
        ("Code/CodeNumber", "CodeNumber", header.code_number),
        ("Code/CodeNotation", "CodeNotation", header.code_notation),
        ("PromulgationInfo/Place", "Place", header.place),
        ("DocumentType/TypeName", "TypeName", header.type_name),
        ("Subject", "Subject", header.subject),
        ("Content", "Content", header.content),
        ("SignerInfo/Competence", "Competence", header.signer_competence),
        ("SignerInfo/FullName", "FullName", header.signer_full_name),
        ("OtherInfo/SphereOfPromulgation", "SphereOfPromulgation", header.other.sphere_of_promulgation),
        ("OtherInfo/TyperNotation", "TyperNotation", header.other.typer_notation),
    ):
        _length(f"{where}/{path}", name, value)
    for place in header.to_places:
        _length(f"{where}/ToPlaces/Place", "ToPlace", place)
    for appendix in header.other.appendixes:
        _length(f"{where}/OtherInfo/Appendixes/Appendix", "Appendix", appendix)
    for reply in header.response_for:
        _required(f"{where}/ResponseFor/OrganId", reply.organ_id)
    if len(header.document_id) > 200:
        raise PackageError(f"{where}/DocumentId: dài {len(header.document_id)} ký tự, tối đa 200.", "too_long")


def check_business(business: Business) -> None:
    where = "TraceHeaderList/Bussiness"
    if business.doc_type != BusinessType.NEW:
        _required(f"{where}/DocumentId", business.document_id)
    if business.doc_type == BusinessType.REPLACE and not business.replacements:
        raise PackageError(f"{where}/ReplacementInfoList: văn bản thay thế phải nêu văn bản bị thay thế.", "missing")


def check_package(package: Package) -> None:
    check_header(package.header)
    check_business(package.business)
    ids = set()
    for attachment in package.attachments:
        _required("Attachment/ContentId", attachment.content_id)
        _required("Attachment/AttachmentName", attachment.name)
        if attachment.content_id in ids:
            raise PackageError(f"Attachment/ContentId: {attachment.content_id} có mặt hai lần.", "duplicate")
        ids.add(attachment.content_id)


def check_status(status: Status) -> None:
    _required("Status/ResponseFor/OrganId", status.response_for.organ_id)
    _required("Status/ResponseFor/DocumentId", status.response_for.document_id)
    check_organ(status.sender, "Status/From")
    if len(status.description) > 1000:
        raise PackageError(f"Status/Description: dài {len(status.description)} ký tự, tối đa 1000.", "too_long")
