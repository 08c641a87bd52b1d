"""Reading packages and status messages from other systems, as hostile input.

* **Hardened.** No DTD (a ``DOCTYPE`` refuses the package, so no entity can be declared, let alone expanded), no
  network, no external entity; limits on size, depth, element count, text length and attachment count.
* **Streaming.** The bytes are fed to lxml's parser in chunks and read through a parser *target*: the header is kept
  as a small tree, while each attachment's base64 is decoded as it arrives into its own temporary file (with its
  SHA-256 and size). A 50 MB attachment never sits whole in memory, neither as text nor as bytes.
* **Tolerant where the partners differ.** Elements are found by name in any order (real packages put
  ``DocumentId`` early, ``ToPlaces`` late), in the edXML namespace or none; dates in either form.
* **Precise.** Whatever is wrong raises :class:`.PackageError` with the element's path and the reason in Vietnamese.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import tempfile
from dataclasses import dataclass
from typing import IO

from lxml import etree

from . import checks
from .model import (
    NS,
    Attachment,
    Business,
    BusinessType,
    MessageHeader,
    Organ,
    OtherInfo,
    Package,
    Priority,
    Receiver,
    Replacement,
    ResponseFor,
    StaffInfo,
    Status,
    StatusCode,
    SteeringType,
    Trace,
)
from .values import PackageError, read_date, read_datetime, read_flag, read_int

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
FEED = 64 * 1024


@dataclass(frozen=True)
class Limits:
    package_bytes: int = 200 * 1024 * 1024
    attachment_bytes: int = 150 * 1024 * 1024
    attachments: int = 50
    depth: int = 32
    elements: int = 20_000
    text_chars: int = 100_000  # any element but an attachment's content


@dataclass
class Read:
    """What was read: a package or a status message, and whether it carries an XML signature."""

    package: Package | None = None
    status: Status | None = None
    signed: bool = False


class _Node:
    __slots__ = ("name", "children", "parts", "sink")

    def __init__(self, name: str):
        self.name = name
        self.children: list[_Node] = []
        self.parts: list[str] = []
        self.sink: _Base64 | None = None

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def all(self, name: str) -> list[_Node]:
        return [child for child in self.children if child.name == name]

    def get(self, name: str) -> _Node | None:
        return next((child for child in self.children if child.name == name), None)


class _Base64:
    """Base64 text decoded as it arrives into a temporary file, with its SHA-256 and size."""

    def __init__(self, where: str, limit: int):
        self.where = where
        self.limit = limit
        self.file = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        self.pending = ""
        self.ended = False
        self.sha256 = hashlib.sha256()
        self.size = 0

    def feed(self, text: str) -> None:
        text = "".join(text.split())
        if not text:
            return
        if self.ended:
            raise PackageError(f"{self.where}: dữ liệu base64 còn tiếp sau ký tự kết thúc “=”.", "bad_base64")
        buffer = self.pending + text
        whole = len(buffer) - len(buffer) % 4
        self.pending = buffer[whole:]
        if whole:
            self._decode(buffer[:whole])

    def _decode(self, text: str) -> None:
        if "=" in text[:-2] or (text.endswith("=") and self.pending):
            raise PackageError(f"{self.where}: ký tự “=” nằm giữa dữ liệu base64.", "bad_base64")
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise PackageError(f"{self.where}: nội dung không phải là base64 hợp lệ.", "bad_base64") from None
        self.ended = text.endswith("=")
        self.size += len(data)
        if self.size > self.limit:
            raise PackageError(
                f"{self.where}: tệp đính kèm lớn hơn giới hạn {self.limit // (1024 * 1024)} MB.", "too_large"
            )
        self.sha256.update(data)
        self.file.write(data)

    def finish(self) -> None:
        if self.pending:
            raise PackageError(f"{self.where}: dữ liệu base64 bị cắt cụt (độ dài không chia hết cho 4).", "bad_base64")
        self.file.seek(0)


class _Target:
    """lxml parser target: builds :class:`_Node` s, streams attachment contents, enforces the limits."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.stack: list[_Node] = []
        self.root: _Node | None = None
        self.elements = 0
        self.sinks: list[_Base64] = []

    def start(self, tag, attrib, nsmap=None):
        namespace, _, name = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        if namespace not in ("", NS, DSIG_NS):
            name = f"{{{namespace}}}{name}"  # foreign elements are kept apart, never mistaken for edXML ones
        self.elements += 1
        if self.elements > self.limits.elements:
            raise PackageError(f"Gói tin có hơn {self.limits.elements} phần tử.", "too_many_elements")
        if len(self.stack) >= self.limits.depth:
            raise PackageError(f"Gói tin lồng sâu hơn {self.limits.depth} cấp.", "too_deep")
        node = _Node(name)
        if self.stack:
            parent = self.stack[-1]
            parent.children.append(node)
            if name == "ContentTransferEncoded" and parent.name == "Attachment":
                if len(self.sinks) >= self.limits.attachments:
                    raise PackageError(f"Gói tin có hơn {self.limits.attachments} tệp đính kèm.", "too_many_files")
                node.sink = _Base64(
                    f"Attachment {len(self.sinks) + 1}/ContentTransferEncoded", self.limits.attachment_bytes
                )
                self.sinks.append(node.sink)
        else:
            self.root = node
        self.stack.append(node)

    def data(self, text):
        node = self.stack[-1] if self.stack else None
        if node is None:
            return
        if node.sink is not None:
            node.sink.feed(text)
            return
        node.parts.append(text)
        if sum(len(part) for part in node.parts) > self.limits.text_chars:
            raise PackageError(f"{node.name}: nội dung dài hơn {self.limits.text_chars} ký tự.", "too_long")

    def end(self, tag):
        node = self.stack.pop()
        if node.sink is not None:
            node.sink.finish()

    def doctype(self, *args):
        raise PackageError("Gói tin có khai báo DOCTYPE/DTD: không được phép (chống tấn công thực thể XML).", "dtd")

    def comment(self, text):
        pass

    def pi(self, target, data=None):
        pass

    def close(self):
        return self.root

    def discard(self):
        for sink in self.sinks:
            sink.file.close()


def _parse(source: bytes | IO[bytes], limits: Limits) -> tuple[_Node, list[_Base64]]:
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    target = _Target(limits)
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    total = 0
    try:
        while chunk := stream.read(FEED):
            total += len(chunk)
            if total > limits.package_bytes:
                raise PackageError(f"Gói tin lớn hơn giới hạn {limits.package_bytes // (1024 * 1024)} MB.", "too_large")
            parser.feed(chunk)
        if not total:
            raise PackageError("Gói tin rỗng.", "empty")
        root = parser.close()
    except PackageError:
        target.discard()
        raise
    except etree.XMLSyntaxError as err:
        target.discard()
        raise PackageError(f"Gói tin không phải XML hợp lệ: {err.msg}.", "not_xml") from None
    if root is None:
        raise PackageError("Gói tin rỗng.", "empty")
    return root, target.sinks


# ------------------------------------------------------------------------------------------------
# From nodes to the model
# ------------------------------------------------------------------------------------------------


def _text(node: _Node | None, name: str) -> str:
    child = node.get(name) if node is not None else None
    return child.text if child is not None else ""


def _need(node: _Node | None, name: str, where: str) -> _Node:
    child = node.get(name) if node is not None else None
    if child is None:
        raise PackageError(f"{where}/{name}: bắt buộc nhưng không có.", "missing")
    return child


def _organ(node: _Node, where: str) -> Organ:
    return Organ(
        organ_id=_text(node, "OrganId"),
        organization_in_charge=_text(node, "OrganizationInCharge"),
        organ_name=_text(node, "OrganName"),
        organ_add=_text(node, "OrganAdd"),
        email=_text(node, "Email"),
        telephone=_text(node, "Telephone"),
        fax=_text(node, "Fax"),
        website=_text(node, "Website"),
    )


def _response_for(node: _Node, where: str) -> ResponseFor:
    return ResponseFor(
        organ_id=_text(node, "OrganId"),
        code=_text(node, "Code"),
        promulgation_date=read_date(_text(node, "PromulgationDate"), f"{where}/PromulgationDate"),
        document_id=_text(node, "DocumentId"),
    )


def _staff(node: _Node | None) -> StaffInfo:
    return StaffInfo(
        department=_text(node, "Department"),
        staff=_text(node, "Staff"),
        mobile=_text(node, "Mobile"),
        email=_text(node, "Email"),
    )


def _enum(kind, text: str, where: str):
    value = read_int(text, where)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise PackageError(f"{where}: giá trị {value} không thuộc các giá trị cho phép.", "bad_value") from None


def _message_header(node: _Node) -> MessageHeader:
    w = "MessageHeader"
    code = _need(node, "Code", w)
    promulgation = node.get("PromulgationInfo")
    kind = node.get("DocumentType")
    signer = node.get("SignerInfo")
    other = node.get("OtherInfo")
    places = node.get("ToPlaces")
    appendixes = other.get("Appendixes") if other is not None else None
    return MessageHeader(
        sender=_organ(_need(node, "From", w), f"{w}/From"),
        to=[_organ(item, f"{w}/To") for item in node.all("To")],
        code_number=_text(code, "CodeNumber"),
        code_notation=_text(code, "CodeNotation"),
        subject=_text(node, "Subject"),
        document_id=_text(node, "DocumentId"),
        place=_text(promulgation, "Place"),
        promulgation_date=read_date(_text(promulgation, "PromulgationDate"), f"{w}/PromulgationInfo/PromulgationDate"),
        type_code=read_int(_text(kind, "Type"), f"{w}/DocumentType/Type"),
        type_detail=read_int(_text(kind, "TypeDetail"), f"{w}/DocumentType/TypeDetail"),
        type_name=_text(kind, "TypeName"),
        content=_text(node, "Content"),
        signer_competence=_text(signer, "Competence"),
        signer_position=_text(signer, "Position"),
        signer_full_name=_text(signer, "FullName"),
        due_date=read_date(_text(node, "DueDate"), f"{w}/DueDate"),
        to_places=[item.text for item in places.all("Place")] if places is not None else [],
        other=OtherInfo(
            priority=_enum(Priority, _text(other, "Priority"), f"{w}/OtherInfo/Priority") or Priority.NORMAL,
            sphere_of_promulgation=_text(other, "SphereOfPromulgation"),
            typer_notation=_text(other, "TyperNotation"),
            promulgation_amount=read_int(_text(other, "PromulgationAmount"), f"{w}/OtherInfo/PromulgationAmount"),
            page_amount=read_int(_text(other, "PageAmount"), f"{w}/OtherInfo/PageAmount"),
            direction=read_flag(_text(other, "Direction"), f"{w}/OtherInfo/Direction"),
            appendixes=[item.text for item in appendixes.all("Appendix")] if appendixes is not None else [],
        ),
        response_for=[_response_for(item, f"{w}/ResponseFor") for item in node.all("ResponseFor")],
        steering_type=_enum(SteeringType, _text(node, "SteeringType"), f"{w}/SteeringType"),
    )


def _traces(node: _Node | None) -> list[Trace]:
    if node is None:
        return []
    where = "TraceHeaderList/TraceHeader"
    return [
        Trace(organ_id=_text(item, "OrganId"), timestamp=read_datetime(_text(item, "Timestamp"), f"{where}/Timestamp"))
        for item in node.all("TraceHeader")
    ]


def _business(node: _Node | None) -> Business:
    if node is None:
        return Business()
    w = "TraceHeaderList/Bussiness"
    info = node.get("BussinessDocumentInfo")
    receivers = info.get("ReceiverList") if info is not None else None
    replacements = node.get("ReplacementInfoList")
    doc_type = _enum(BusinessType, _text(node, "BussinessDocType"), f"{w}/BussinessDocType")
    return Business(
        doc_type=BusinessType.NEW if doc_type is None else doc_type,
        reason=_text(node, "BussinessDocReason"),
        document_id=_text(node, "DocumentId"),
        paper=bool(read_flag(_text(node, "Paper"), f"{w}/Paper")),
        staff=_staff(node.get("StaffInfo")),
        document_info_changed=read_flag(_text(info, "DocumentInfo"), f"{w}/BussinessDocumentInfo/DocumentInfo"),
        receivers_changed=read_flag(_text(info, "DocumentReceiver"), f"{w}/BussinessDocumentInfo/DocumentReceiver"),
        receivers=[
            Receiver(
                receiver_type=read_int(_text(item, "ReceiverType"), f"{w}/ReceiverList/Receiver/ReceiverType") or 0,
                organ_id=_text(item, "OrganId"),
            )
            for item in (receivers.all("Receiver") if receivers is not None else [])
        ],
        replacements=[
            Replacement(
                document_id=_text(item, "DocumentId"),
                organ_ids=[o.text for o in (item.get("OrganIdList") or _Node("")).all("OrganId")],
            )
            for item in (replacements.all("ReplacementInfo") if replacements is not None else [])
        ],
    )


def _attachments(envelope_parent: _Node, envelope: _Node) -> list[Attachment]:
    body = envelope.get("edXMLBody")
    manifest = body.get("edXMLManifest") if body is not None else None
    references = {_text(ref, "ContentId"): ref for ref in (manifest.all("Reference") if manifest else [])}
    encoded = envelope_parent.get("AttachmentEncoded") or envelope.get("AttachmentEncoded")
    attachments = []
    for item in encoded.all("Attachment") if encoded is not None else []:
        content_id = _text(item, "ContentId")
        name = _text(item, "AttachmentName")
        if not content_id:
            raise PackageError(f"Tệp đính kèm “{name or '?'}”: thiếu ContentId.", "missing_content_id")
        if content_id not in references:
            raise PackageError(
                f"Tệp đính kèm “{name or content_id}”: ContentId {content_id} không có trong edXMLManifest.",
                "unreferenced",
            )
        content = item.get("ContentTransferEncoded")
        if content is None or content.sink is None:
            raise PackageError(f"Tệp đính kèm “{name or content_id}”: thiếu ContentTransferEncoded.", "missing")
        attachments.append(
            Attachment(
                content_id=content_id,
                name=name or _text(references[content_id], "AttachmentName") or content_id,
                content_type=_text(item, "ContentType") or _text(references[content_id], "ContentType"),
                description=_text(item, "Description"),
                content=content.sink.file,
                sha256=content.sink.sha256.hexdigest(),
                size=content.sink.size,
            )
        )
    missing = set(references) - {a.content_id for a in attachments}
    if missing:
        raise PackageError(
            f"edXMLManifest nêu tệp {', '.join(sorted(missing))} nhưng gói tin không có tệp đó.", "missing_attachment"
        )
    return attachments


def read(source: bytes | IO[bytes], limits: Limits = Limits()) -> Read:
    """Read a package or a status message; PackageError (nothing kept) when it cannot be taken."""
    root, sinks = _parse(source, limits)
    try:
        return _read(root)
    except BaseException:
        for sink in sinks:
            sink.file.close()
        raise


def _read(root: _Node) -> Read:
    if root.name == "edXML":
        envelope = root.get("edXMLEnvelope")
    elif root.name == "edXMLEnvelope":
        envelope = root
    else:
        raise PackageError(f"Phần tử gốc là “{root.name}”, không phải edXML.", "not_edxml")
    if envelope is None:
        raise PackageError("Gói tin thiếu edXMLEnvelope.", "missing")
    header = _need(envelope, "edXMLHeader", "edXMLEnvelope")
    signed = header.get("Signature") is not None or envelope.get("Signature") is not None
    traces = header.get("TraceHeaderList")
    status_node = header.get("Status")
    if status_node is not None:
        status = Status(
            response_for=_response_for(_need(status_node, "ResponseFor", "Status"), "Status/ResponseFor"),
            sender=_organ(_need(status_node, "From", "Status"), "Status/From"),
            code=_status_code(_text(status_node, "StatusCode")),
            timestamp=read_datetime(_text(status_node, "Timestamp"), "Status/Timestamp"),
            description=_text(status_node, "Description"),
            staff=_staff(status_node.get("StaffInfo")),
            traces=_traces(traces),
        )
        checks.check_status(status)
        return Read(status=status, signed=signed)
    message = _need(header, "MessageHeader", "edXMLHeader")
    package = Package(
        header=_message_header(message),
        business=_business(traces.get("Bussiness") if traces is not None else None),
        traces=_traces(traces),
        attachments=_attachments(root, envelope),
    )
    checks.check_package(package)
    return Read(package=package, signed=signed)


def _status_code(text: str) -> StatusCode:
    text = text.strip()
    if len(text) == 1 and text.isdigit():
        text = f"0{text}"
    try:
        return StatusCode(text)
    except ValueError:
        raise PackageError(
            f"Status/StatusCode: mã trạng thái “{text[:10]}” không có trong chuẩn.", "bad_status"
        ) from None
