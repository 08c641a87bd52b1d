"""Writing packages and status messages: every element in the standard's order, dates in the sample's form,
attachments base64-encoded chunk by chunk straight into the output (a large attachment is never held whole)."""

from __future__ import annotations

import base64
import io
from typing import IO

from lxml import etree

from . import checks
from .model import NS, PREFIX, Business, BusinessType, MessageHeader, Organ, Package, ResponseFor, StaffInfo, Status
from .values import write_date, write_datetime, write_flag

CHUNK = 3 * 64 * 1024  # a multiple of 3: each chunk encodes to whole base64 quanta
NSMAP = {PREFIX: NS}


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add(parent, name: str, text=None, *, always: bool = False):
    """A child element with ``text``; an empty optional value writes nothing (``always``: write it empty)."""
    if text is None or text == "" or text == []:
        if not always:
            return None
        text = ""
    element = etree.SubElement(parent, q(name))
    element.text = str(text)
    return element


def _organ(parent, name: str, organ: Organ) -> None:
    element = etree.SubElement(parent, q(name))
    _add(element, "OrganId", organ.organ_id, always=True)
    _add(element, "OrganizationInCharge", organ.organization_in_charge)
    _add(element, "OrganName", organ.organ_name)
    _add(element, "OrganAdd", organ.organ_add)
    _add(element, "Email", organ.email)
    _add(element, "Telephone", organ.telephone)
    _add(element, "Fax", organ.fax)
    _add(element, "Website", organ.website)


def _response_for(parent, reply: ResponseFor) -> None:
    element = etree.SubElement(parent, q("ResponseFor"))
    _add(element, "OrganId", reply.organ_id, always=True)
    _add(element, "Code", reply.code, always=True)
    _add(element, "PromulgationDate", write_date(reply.promulgation_date), always=True)
    _add(element, "DocumentId", reply.document_id, always=True)


def _staff(parent, staff: StaffInfo) -> None:
    element = etree.SubElement(parent, q("StaffInfo"))
    _add(element, "Department", staff.department, always=True)
    _add(element, "Staff", staff.staff, always=True)
    _add(element, "Mobile", staff.mobile)
    _add(element, "Email", staff.email)


def message_header(header: MessageHeader):
    """``MessageHeader`` with its children in the standard's order: From, To…, Code, PromulgationInfo,
    DocumentType, Subject, Content, SignerInfo, DueDate, ToPlaces, OtherInfo, ResponseFor…, SteeringType,
    DocumentId."""
    root = etree.Element(q("MessageHeader"), nsmap=NSMAP)
    _organ(root, "From", header.sender)
    for organ in header.to:
        _organ(root, "To", organ)
    code = etree.SubElement(root, q("Code"))
    _add(code, "CodeNumber", header.code_number, always=True)
    _add(code, "CodeNotation", header.code_notation, always=True)
    promulgation = etree.SubElement(root, q("PromulgationInfo"))
    _add(promulgation, "Place", header.place, always=True)
    _add(promulgation, "PromulgationDate", write_date(header.promulgation_date), always=True)
    kind = etree.SubElement(root, q("DocumentType"))
    _add(kind, "Type", header.type_code)
    _add(kind, "TypeDetail", header.type_detail)
    _add(kind, "TypeName", header.type_name, always=True)
    _add(root, "Subject", header.subject, always=True)
    _add(root, "Content", header.content)
    signer = etree.SubElement(root, q("SignerInfo"))
    _add(signer, "Competence", header.signer_competence)
    _add(signer, "Position", header.signer_position)
    _add(signer, "FullName", header.signer_full_name, always=True)
    _add(root, "DueDate", write_date(header.due_date))
    if header.to_places:
        places = etree.SubElement(root, q("ToPlaces"))
        for place in header.to_places:
            _add(places, "Place", place, always=True)
    other = etree.SubElement(root, q("OtherInfo"))
    _add(other, "Priority", int(header.other.priority), always=True)
    _add(other, "SphereOfPromulgation", header.other.sphere_of_promulgation)
    _add(other, "TyperNotation", header.other.typer_notation)
    _add(other, "PromulgationAmount", header.other.promulgation_amount)
    _add(other, "PageAmount", header.other.page_amount)
    if header.other.direction is not None:
        _add(other, "Direction", "true" if header.other.direction else "false")
    if header.other.appendixes:
        appendixes = etree.SubElement(other, q("Appendixes"))
        for appendix in header.other.appendixes:
            _add(appendixes, "Appendix", appendix, always=True)
    for reply in header.response_for:
        _response_for(root, reply)
    if header.steering_type is not None:
        _add(root, "SteeringType", int(header.steering_type))
    _add(root, "DocumentId", header.document_id, always=True)
    return root


def business(value: Business):
    root = etree.Element(q("Bussiness"), nsmap=NSMAP)
    _add(root, "BussinessDocType", int(value.doc_type), always=True)
    _add(root, "BussinessDocReason", value.reason, always=True)
    _add(root, "DocumentId", value.document_id)
    _add(root, "Paper", write_flag(value.paper), always=True)
    _staff(root, value.staff)
    if value.doc_type == BusinessType.UPDATE:
        info = etree.SubElement(root, q("BussinessDocumentInfo"))
        _add(info, "DocumentInfo", write_flag(bool(value.document_info_changed)), always=True)
        _add(info, "DocumentReceiver", write_flag(bool(value.receivers_changed)), always=True)
        receivers = etree.SubElement(info, q("ReceiverList"))
        for receiver in value.receivers:
            element = etree.SubElement(receivers, q("Receiver"))
            _add(element, "ReceiverType", receiver.receiver_type, always=True)
            _add(element, "OrganId", receiver.organ_id, always=True)
    if value.doc_type == BusinessType.REPLACE:
        replacements = etree.SubElement(root, q("ReplacementInfoList"))
        for replacement in value.replacements:
            element = etree.SubElement(replacements, q("ReplacementInfo"))
            _add(element, "DocumentId", replacement.document_id, always=True)
            organs = etree.SubElement(element, q("OrganIdList"))
            for organ_id in replacement.organ_ids:
                _add(organs, "OrganId", organ_id, always=True)
    return root


def _trace_list(traces, business_element=None):
    root = etree.Element(q("TraceHeaderList"), nsmap=NSMAP)
    for trace in traces:
        element = etree.SubElement(root, q("TraceHeader"))
        _add(element, "OrganId", trace.organ_id, always=True)
        _add(element, "Timestamp", write_datetime(trace.timestamp), always=True)
    if business_element is not None:
        root.append(business_element)
    return root


def write_package(package: Package, out: IO[bytes]) -> None:
    """Write ``package`` to the binary stream ``out``; a package that breaks the standard raises PackageError
    before anything is written."""
    checks.check_package(package)
    for attachment in package.attachments:
        if attachment.content is None:
            from .values import PackageError

            raise PackageError(f"Tệp đính kèm {attachment.name}: không có nội dung.", "missing")
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(q("edXML"), nsmap=NSMAP):
            with xf.element(q("edXMLEnvelope")):
                with xf.element(q("edXMLHeader")):
                    xf.write(message_header(package.header))
                    xf.write(_trace_list(package.traces, business(package.business)))
                with xf.element(q("edXMLBody")):
                    manifest = etree.Element(q("edXMLManifest"), nsmap=NSMAP, version="1.0")
                    for attachment in package.attachments:
                        reference = etree.SubElement(manifest, q("Reference"))
                        _add(reference, "ContentId", attachment.content_id, always=True)
                        _add(reference, "ContentType", attachment.content_type, always=True)
                        _add(reference, "Description", attachment.description, always=True)
                        _add(reference, "AttachmentName", attachment.name, always=True)
                    xf.write(manifest)
            with xf.element(q("AttachmentEncoded")):
                for attachment in package.attachments:
                    with xf.element(q("Attachment")):
                        for name, value in (
                            ("ContentId", attachment.content_id),
                            ("AttachmentName", attachment.name),
                            ("Description", attachment.description),
                            ("ContentType", attachment.content_type),
                        ):
                            with xf.element(q(name)):
                                xf.write(value)
                        with xf.element(q("ContentTransferEncoded")):
                            attachment.content.seek(0)
                            while chunk := attachment.content.read(CHUNK):
                                xf.write(base64.b64encode(chunk).decode("ascii"))
                            attachment.content.seek(0)


def package_bytes(package: Package) -> bytes:
    out = io.BytesIO()
    write_package(package, out)
    return out.getvalue()


def status_bytes(status: Status) -> bytes:
    """A status message: ``Status`` (ResponseFor, From, Description, Timestamp, StatusCode, StaffInfo) and the
    trace list, in the same envelope as a package."""
    checks.check_status(status)
    root = etree.Element(q("edXML"), nsmap=NSMAP)
    envelope = etree.SubElement(root, q("edXMLEnvelope"))
    header = etree.SubElement(envelope, q("edXMLHeader"))
    element = etree.SubElement(header, q("Status"))
    _response_for(element, status.response_for)
    _organ(element, "From", status.sender)
    _add(element, "Description", status.description, always=True)
    _add(element, "Timestamp", write_datetime(status.timestamp), always=True)
    _add(element, "StatusCode", status.code.value, always=True)
    _staff(element, status.staff)
    header.append(_trace_list(status.traces))
    etree.SubElement(envelope, q("edXMLBody"))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
