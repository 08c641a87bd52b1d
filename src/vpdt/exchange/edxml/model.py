"""edXML packages (QCVN 102:2016/BTTTT) as plain data: what a package and a status message carry.

The names follow the standard's elements (``MessageHeader/From`` is :attr:`MessageHeader.sender`, ``To`` is
:attr:`MessageHeader.to`…). Limits are those a provincial hub's validator enforces; :mod:`.reader` refuses a package
that breaks them and :mod:`.writer` refuses to write one.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import IO

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"


class BusinessType(enum.IntEnum):
    """``Bussiness/BussinessDocType``."""

    NEW = 0  # văn bản mới
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


BUSINESS_LABELS = {
    BusinessType.NEW: "Văn bản điện tử mới",
    BusinessType.RECALL: "Thu hồi văn bản",
    BusinessType.UPDATE: "Cập nhật văn bản",
    BusinessType.REPLACE: "Thay thế văn bản",
}


class StatusCode(enum.StrEnum):
    """Status messages (phản hồi trạng thái) exchanged about a document."""

    ARRIVED = "01"  # đã đến: the software received it
    REFUSED = "02"  # từ chối: misaddressed or invalid
    ACCEPTED = "03"  # đã tiếp nhận (vào sổ)
    ASSIGNED = "04"  # đã phân công
    PROCESSING = "05"  # đang xử lý
    COMPLETED = "06"  # hoàn thành
    RECALL_REQUESTED = "13"  # the sender asks to recall or update
    RECALL_AGREED = "15"  # the recipient agreed
    RECALL_REFUSED = "16"  # the recipient refused


STATUS_LABELS = {
    StatusCode.ARRIVED: "Đã đến",
    StatusCode.REFUSED: "Từ chối tiếp nhận",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Đã phân công xử lý",
    StatusCode.PROCESSING: "Đang xử lý",
    StatusCode.COMPLETED: "Hoàn thành",
    StatusCode.RECALL_REQUESTED: "Đề nghị thu hồi, cập nhật",
    StatusCode.RECALL_AGREED: "Đồng ý thu hồi, cập nhật",
    StatusCode.RECALL_REFUSED: "Từ chối thu hồi, cập nhật",
}


class Priority(enum.IntEnum):
    """``OtherInfo/Priority``."""

    NORMAL = 0  # Thường
    URGENT = 1  # Khẩn
    VERY_URGENT = 2  # Thượng khẩn
    FLASH = 3  # Hỏa tốc
    FLASH_TIMED = 4  # Hỏa tốc hẹn giờ


class SteeringType(enum.IntEnum):
    NONE = 0  # không phải văn bản chỉ đạo
    DIRECTION = 1  # văn bản chỉ đạo
    REPORT = 2  # báo cáo việc thực hiện chỉ đạo


@dataclass
class Organ:
    """``From``, ``To``: an agency of the exchange directory (``OrganId``: mã định danh, e.g. 000.00.00.H41)."""

    organ_id: str
    organization_in_charge: str = ""
    organ_name: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class ResponseFor:
    """The document a reply (or a status message) is about."""

    organ_id: str
    code: str = ""  # "số/ký hiệu"
    promulgation_date: dt.date | None = None
    document_id: str = ""


@dataclass
class OtherInfo:
    priority: Priority = Priority.NORMAL
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool | None = None  # some systems write it; kept as read
    appendixes: list[str] = field(default_factory=list)


@dataclass
class MessageHeader:
    sender: Organ
    to: list[Organ]
    code_number: str
    code_notation: str
    subject: str
    document_id: str
    place: str = ""
    promulgation_date: dt.date | None = None
    type_code: int | None = None
    type_detail: int | None = None
    type_name: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_full_name: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    other: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: SteeringType | None = None


@dataclass
class Trace:
    """``TraceHeader``: one hop the package went through."""

    organ_id: str
    timestamp: dt.datetime


@dataclass
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass
class Receiver:
    receiver_type: int
    organ_id: str


@dataclass
class Replacement:
    """``ReplacementInfo``: the document replaced, and for which agencies."""

    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Business:
    """``Bussiness`` (spelled so by the standard): what the package does to the document."""

    doc_type: BusinessType = BusinessType.NEW
    reason: str = ""
    document_id: str = ""
    paper: bool = False
    staff: StaffInfo = field(default_factory=StaffInfo)
    # Update (2): what changed.
    document_info_changed: bool | None = None
    receivers_changed: bool | None = None
    receivers: list[Receiver] = field(default_factory=list)
    # Replace (3).
    replacements: list[Replacement] = field(default_factory=list)


@dataclass
class Attachment:
    """An attachment and where its bytes are: ``content`` is a readable binary file (the writer reads it in
    chunks; the reader gives a temporary file positioned at 0). ``sha256`` and ``size`` are set by the reader."""

    content_id: str
    name: str
    content_type: str = "application/pdf"
    description: str = ""
    content: IO[bytes] | None = None
    sha256: str = ""
    size: int = 0

    def read(self) -> bytes:
        assert self.content is not None
        self.content.seek(0)
        data = self.content.read()
        self.content.seek(0)
        return data


@dataclass
class Package:
    """A document package (``edXMLEnvelope`` with ``MessageHeader``)."""

    header: MessageHeader
    business: Business = field(default_factory=Business)
    traces: list[Trace] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def close(self) -> None:
        for attachment in self.attachments:
            if attachment.content is not None:
                attachment.content.close()


@dataclass
class Status:
    """A status message (``Status``): what happened to a document at an agency."""

    response_for: ResponseFor
    sender: Organ
    code: StatusCode
    timestamp: dt.datetime
    description: str = ""
    staff: StaffInfo = field(default_factory=StaffInfo)
    traces: list[Trace] = field(default_factory=list)


# Maximum lengths (characters) of the text elements, by their path under MessageHeader.
LIMITS = {
    "OrganName": 200,
    "OrganAdd": 250,
    "Email": 100,
    "CodeNumber": 11,
    "CodeNotation": 30,
    "Place": 50,
    "TypeName": 100,
    "Subject": 500,
    "Content": 500,
    "Competence": 100,
    "FullName": 50,
    "ToPlace": 150,
    "SphereOfPromulgation": 100,
    "TyperNotation": 10,
    "Appendix": 250,
}
