"""edXML (QCVN 102:2016): the national SDK's sample, build → read round trips of every field, business type and
status code, the standard's element order and limits, both date forms, and hostile packages refused with a reason."""

import base64
import dataclasses
import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from vpdt.exchange.edxml import archive, dsig, reader, writer
from vpdt.exchange.edxml.model import (
    LIMITS,
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
from vpdt.exchange.edxml.values import VIETNAM, PackageError

# The national SDK's sample package, as shared with the project (a copy of ../shared/fixtures/edxml/).
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "edxml" / "vpcp-sdk-sample-3-recipients.edxml"
ORDER = [
    "From",
    "To",
    "Code",
    "PromulgationInfo",
    "DocumentType",
    "Subject",
    "Content",
    "SignerInfo",
    "DueDate",
    "ToPlaces",
    "OtherInfo",
    "ResponseFor",
    "SteeringType",
    "DocumentId",
]


def organ(organ_id, name):
    return Organ(
        organ_id=organ_id,
        organization_in_charge=name,
        organ_name=name,
        organ_add="Số 03 đường Trường Thi, thành phố Vinh, tỉnh Nghệ An",
        email="vanthu@nghean.gov.vn",
        telephone="0238 3840418",
        fax="0238 3843049",
        website="https://nghean.gov.vn",
    )


def rich_package(business=None, pdf=b"%PDF-1.7 ban hanh", appendix=b"%PDF-1.7 phu luc") -> Package:
    return Package(
        header=MessageHeader(
            sender=organ("000.00.00.H41", "Ủy ban nhân dân tỉnh Nghệ An"),
            to=[organ("000.00.12.H41", "Sở Xây dựng tỉnh Nghệ An"), organ("000.00.00.H42", "UBND tỉnh Hà Tĩnh")],
            code_number="1234",
            code_notation="UBND-KT",
            subject="V/v triển khai kế hoạch đầu tư công trung hạn giai đoạn 2026–2030",
            document_id="000.00.00.H41,2026/12/07,1234/UBND-KT",
            place="Nghệ An",
            promulgation_date=dt.date(2026, 12, 7),
            type_code=1,
            type_detail=0,
            type_name="Công văn",
            content="Đề nghị các sở, ngành rà soát danh mục dự án.",
            signer_competence="KT. CHỦ TỊCH",
            signer_position="Phó Chủ tịch",
            signer_full_name="Nguyễn Văn Đệ",
            due_date=dt.date(2026, 12, 31),
            to_places=["Như trên", "Lưu: VT, KT"],
            other=OtherInfo(
                priority=Priority.URGENT,
                sphere_of_promulgation="Liên thông văn bản quốc gia",
                typer_notation="NVA",
                promulgation_amount=5,
                page_amount=3,
                direction=True,
                appendixes=["Phụ lục danh mục dự án"],
            ),
            response_for=[
                ResponseFor(
                    "000.00.00.G22", "7816/VPCP-KTTH", dt.date(2026, 11, 20), "000.00.00.G22,2026/11/20,7816/VPCP-KTTH"
                )
            ],
            steering_type=SteeringType.DIRECTION,
        ),
        business=business
        or Business(
            reason="Văn bản điện tử mới",
            staff=StaffInfo("Văn phòng", "Bùi Thị Mai", "0912000001", "maibt@nghean.gov.vn"),
        ),
        traces=[Trace("000.00.00.H41", dt.datetime(2026, 12, 7, 9, 30, tzinfo=VIETNAM))],
        attachments=[
            Attachment("cid:1", "1234-UBND-KT.pdf", "application/pdf", "Văn bản", io.BytesIO(pdf)),
            Attachment("cid:2", "phu-luc.pdf", "application/pdf", "Phụ lục", io.BytesIO(appendix)),
        ],
    )


def plain(package: Package) -> dict:
    data = dataclasses.asdict(package)
    for attachment in data["attachments"]:
        attachment.pop("content")
        attachment.pop("sha256")
        attachment.pop("size")
    return data


def roundtrip(package: Package) -> Package:
    return reader.read(writer.package_bytes(package)).package


# ---------------------------------------------------------------------------------------------- the sample


def test_the_national_sdk_sample_is_read():
    got = reader.read(FIXTURE.read_bytes())
    package = got.package
    header = package.header
    assert got.signed and got.status is None
    assert header.sender.organ_id == "000.00.00.G22" and header.sender.organ_name == "Văn phòng Chính phủ"
    assert [o.organ_id for o in header.to] == ["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"]
    assert (header.code_number, header.code_notation) == ("7816", "VPCP-TTĐT")
    assert header.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert header.promulgation_date == dt.date(2019, 4, 11) and header.place == "Hà Nội"
    assert (header.type_code, header.type_name) == (1, "Công văn")
    assert header.signer_competence == "TL. BO TRUONG" and header.signer_full_name == "Nguyen Thanh Phuc"
    assert (
        header.other.priority == Priority.NORMAL and header.other.page_amount == 22 and header.other.direction is False
    )
    assert header.steering_type == SteeringType.DIRECTION
    assert header.to_places == ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"]
    assert package.business.doc_type == BusinessType.NEW and package.business.staff.staff == "Nguyễn Thị Ngọc Trâm"
    assert package.traces == [Trace("000.00.00.G22", dt.datetime(2019, 4, 11, tzinfo=VIETNAM))]
    [attachment] = package.attachments
    assert (attachment.content_id, attachment.content_type, attachment.size) == ("cid:209", "application/zip", 4151)
    [inner] = archive.expand(attachment)
    assert inner.name.endswith(".edxml") and inner.read().startswith(b'<?xml version="1.0"')
    # Its Signature element is outside the XML-DSig namespace: reported, never taken for a checked signature.
    result = dsig.verify(FIXTURE.read_bytes())
    assert result.verdict == "unverifiable" and "XML-DSig" in result.summary


def test_the_sample_survives_a_write_and_read_again():
    first = reader.read(FIXTURE.read_bytes()).package
    again = roundtrip(first)
    assert plain(again) == plain(first)
    assert again.attachments[0].read() == first.attachments[0].read()


# ---------------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(
    "business",
    [
        Business(BusinessType.NEW, "Văn bản điện tử mới", "", True, StaffInfo("Văn phòng", "Bùi Thị Mai")),
        Business(BusinessType.RECALL, "Văn bản ban hành sai thẩm quyền", "000.00.00.H41,2026/12/01,1200/UBND-KT"),
        Business(
            BusinessType.UPDATE,
            "Bổ sung nơi nhận",
            "000.00.00.H41,2026/12/01,1200/UBND-KT",
            document_info_changed=False,
            receivers_changed=True,
            receivers=[Receiver(1, "000.00.15.H41"), Receiver(0, "000.00.12.H41")],
        ),
        Business(
            BusinessType.REPLACE,
            "Thay thế văn bản có sai sót",
            "000.00.00.H41,2026/12/01,1200/UBND-KT",
            replacements=[Replacement("000.00.00.H41,2026/12/01,1200/UBND-KT", ["000.00.12.H41", "000.00.00.H42"])],
        ),
    ],
    ids=lambda b: b.doc_type.name,
)
def test_every_field_and_business_type_survives_a_round_trip(business):
    package = rich_package(business)
    again = roundtrip(package)
    assert plain(again) == plain(package)
    assert [a.read() for a in again.attachments] == [b"%PDF-1.7 ban hanh", b"%PDF-1.7 phu luc"]


@pytest.mark.parametrize("code", list(StatusCode))
def test_every_status_code_survives_a_round_trip(code):
    status = Status(
        response_for=ResponseFor(
            "000.00.00.H41", "1234/UBND-KT", dt.date(2026, 12, 7), "000.00.00.H41,2026/12/07,1234/UBND-KT"
        ),
        sender=organ("000.00.12.H41", "Sở Xây dựng tỉnh Nghệ An"),
        code=code,
        timestamp=dt.datetime(2026, 12, 8, 14, 5, 9, tzinfo=VIETNAM),
        description="Đã vào sổ văn bản đến số 215",
        staff=StaffInfo("Văn phòng Sở", "Lê Thị Hồng Nhung", "0912000002", "nhunglth@sxd.nghean.gov.vn"),
        traces=[Trace("000.00.12.H41", dt.datetime(2026, 12, 8, 14, 5, 10, tzinfo=VIETNAM))],
    )
    got = reader.read(writer.status_bytes(status))
    assert got.package is None and got.status == status
    root = etree.fromstring(writer.status_bytes(status))
    children = [etree.QName(e).localname for e in root.find(f".//{{{NS}}}Status")]
    assert children == ["ResponseFor", "From", "Description", "Timestamp", "StatusCode", "StaffInfo"]


def test_a_one_digit_status_code_is_read_as_the_standard_writes_it():
    xml = writer.status_bytes(
        Status(
            ResponseFor("000.00.00.H41", document_id="x"),
            Organ("000.00.12.H41"),
            StatusCode.ACCEPTED,
            dt.datetime(2026, 12, 8, tzinfo=VIETNAM),
        )
    ).replace(b">03<", b">3<")
    assert reader.read(xml).status.code == StatusCode.ACCEPTED


def test_message_header_elements_are_written_in_the_standards_order():
    root = etree.fromstring(writer.package_bytes(rich_package()))
    header = root.find(f".//{{{NS}}}MessageHeader")
    names = [etree.QName(e).localname for e in header]
    assert [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n] == ORDER
    trace_list = [etree.QName(e).localname for e in root.find(f".//{{{NS}}}TraceHeaderList")]
    assert trace_list == ["TraceHeader", "Bussiness"]
    assert header.findtext(f"{{{NS}}}PromulgationInfo/{{{NS}}}PromulgationDate") == "2026/12/07"
    assert root.findtext(f".//{{{NS}}}TraceHeader/{{{NS}}}Timestamp") == "2026/12/07 09:30:00"


@pytest.mark.parametrize(
    "written,expected",
    [
        ("2026/12/07", dt.date(2026, 12, 7)),
        ("07/12/2026", dt.date(2026, 12, 7)),
        ("2026/12/07 08:15:00", dt.date(2026, 12, 7)),
        ("07/12/2026 08:15:00", dt.date(2026, 12, 7)),
    ],
)
def test_both_date_forms_are_read(written, expected):
    xml = writer.package_bytes(rich_package()).replace(
        b"<edXML:PromulgationDate>2026/12/07<", f"<edXML:PromulgationDate>{written}<".encode(), 1
    )
    xml = xml.replace(b"2026/12/07 09:30:00", written.encode() if " " in written else b"2026/12/07 09:30:00")
    package = reader.read(xml).package
    assert package.header.promulgation_date == expected
    if " " in written:
        assert package.traces[0].timestamp == dt.datetime(2026, 12, 7, 8, 15, tzinfo=VIETNAM)


def test_a_date_in_neither_form_is_refused_with_its_place():
    xml = writer.package_bytes(rich_package()).replace(b"<edXML:DueDate>2026/12/31<", b"<edXML:DueDate>31-12-26<")
    with pytest.raises(PackageError, match="MessageHeader/DueDate: ngày “31-12-26” không đúng dạng"):
        reader.read(xml)


# ---------------------------------------------------------------------------------------------- limits


FIELDS = {
    "OrganName": lambda p, v: setattr(p.header.to[0], "organ_name", v),
    "OrganAdd": lambda p, v: setattr(p.header.sender, "organ_add", v),
    "Email": lambda p, v: setattr(p.header.sender, "email", v),
    "CodeNumber": lambda p, v: setattr(p.header, "code_number", v),
    "CodeNotation": lambda p, v: setattr(p.header, "code_notation", v),
    "Place": lambda p, v: setattr(p.header, "place", v),
    "TypeName": lambda p, v: setattr(p.header, "type_name", v),
    "Subject": lambda p, v: setattr(p.header, "subject", v),
    "Content": lambda p, v: setattr(p.header, "content", v),
    "Competence": lambda p, v: setattr(p.header, "signer_competence", v),
    "FullName": lambda p, v: setattr(p.header, "signer_full_name", v),
    "ToPlace": lambda p, v: p.header.to_places.append(v),
    "SphereOfPromulgation": lambda p, v: setattr(p.header.other, "sphere_of_promulgation", v),
    "TyperNotation": lambda p, v: setattr(p.header.other, "typer_notation", v),
    "Appendix": lambda p, v: p.header.other.appendixes.append(v),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_each_limit_is_enforced_on_reading_and_on_writing(name):
    limit = LIMITS[name]
    at_limit = rich_package()
    FIELDS[name](at_limit, "ệ" * limit)
    assert roundtrip(at_limit)  # exactly at the limit: taken
    over = rich_package()
    FIELDS[name](over, "ệ" * (limit + 1))
    message = f"dài {limit + 1} ký tự, tối đa {limit}"
    with pytest.raises(PackageError, match=message):
        writer.package_bytes(over)
    xml = writer.package_bytes(at_limit).replace(("ệ" * limit).encode(), ("ệ" * (limit + 1)).encode(), 1)
    with pytest.raises(PackageError, match=message):
        reader.read(xml)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda p: p.header.to.clear(), "MessageHeader/To: gói tin phải có ít nhất một nơi nhận"),
        (lambda p: p.header.to.append(organ("000.00.12.H41", "Sở Xây dựng")), "nơi nhận 000.00.12.H41 có mặt hai lần"),
        (lambda p: setattr(p.header, "code_number", ""), "MessageHeader/Code/CodeNumber: bắt buộc"),
        (lambda p: setattr(p.header, "code_notation", " "), "MessageHeader/Code/CodeNotation: bắt buộc"),
        (lambda p: setattr(p.header, "subject", ""), "MessageHeader/Subject: bắt buộc"),
        (lambda p: setattr(p.header.sender, "organ_id", ""), "MessageHeader/From/OrganId: bắt buộc"),
        (lambda p: setattr(p.header, "document_id", ""), "MessageHeader/DocumentId: bắt buộc"),
    ],
)
def test_missing_or_duplicated_required_parts_are_refused(change, message):
    package = rich_package()
    change(package)
    with pytest.raises(PackageError, match=message):
        writer.package_bytes(package)


# ---------------------------------------------------------------------------------------------- hostile input


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<Subject>&xxe;</Subject></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"&lol" + (str(i - 1) if i > 1 else "") + ";" * 1}'.encode() + b"&lol;" * 9 + b'">'
        for i in range(1, 10)
    )
    + b"]><edXML>&lol9;</edXML>"
)


def _attachment_xml(content_id="cid:1", encoded=None):
    xml = writer.package_bytes(rich_package())
    if encoded is not None:
        start = xml.index(b"<edXML:ContentTransferEncoded>") + len(b"<edXML:ContentTransferEncoded>")
        end = xml.index(b"</edXML:ContentTransferEncoded>")
        xml = xml[:start] + encoded + xml[end:]
    if content_id != "cid:1":
        xml = xml.replace(
            b"<edXML:ContentId>cid:1</edXML:ContentId><edXML:AttachmentName>",
            f"<edXML:ContentId>{content_id}</edXML:ContentId><edXML:AttachmentName>".encode(),
            1,
        )
    return xml


@pytest.mark.parametrize(
    "xml,code,message",
    [
        (XXE, "dtd", "DOCTYPE"),
        (LAUGHS, "dtd", "DOCTYPE"),
        (b"<edXML", "not_xml", "không phải XML hợp lệ"),
        (b"", "empty", "rỗng"),
        (b"<html><body>404</body></html>", "not_edxml", "không phải edXML"),
        (_attachment_xml(content_id=""), "missing_content_id", "thiếu ContentId"),
        (_attachment_xml(content_id="cid:99"), "unreferenced", "ContentId cid:99 không có trong edXMLManifest"),
        (_attachment_xml(encoded=b"kh\xc3\xb4ng ph\xe1\xba\xa3i base64!!"), "bad_base64", "không phải là base64"),
        (_attachment_xml(encoded=b"QUJD=QUJD"), "bad_base64", "“=”"),
        (_attachment_xml(encoded=b"QUJDRA="), "bad_base64", "cắt cụt"),
    ],
    ids=[
        "xxe",
        "billion-laughs",
        "truncated",
        "empty",
        "not-edxml",
        "no-content-id",
        "unreferenced",
        "not-base64",
        "padding-inside",
        "cut-base64",
    ],
)
def test_hostile_or_broken_packages_are_refused_with_a_reason(xml, code, message):
    with pytest.raises(PackageError, match=message) as caught:
        reader.read(xml)
    assert caught.value.code == code


def test_size_depth_element_and_attachment_limits():
    xml = writer.package_bytes(rich_package())
    with pytest.raises(PackageError, match="Gói tin lớn hơn giới hạn") as caught:
        reader.read(xml, reader.Limits(package_bytes=len(xml) - 1))
    assert caught.value.code == "too_large"
    with pytest.raises(PackageError, match="tệp đính kèm lớn hơn giới hạn"):
        reader.read(xml, reader.Limits(attachment_bytes=10))
    with pytest.raises(PackageError, match="hơn 1 tệp đính kèm"):
        reader.read(xml, reader.Limits(attachments=1))
    with pytest.raises(PackageError, match="lồng sâu hơn 3 cấp"):
        reader.read(xml, reader.Limits(depth=3))
    with pytest.raises(PackageError, match="hơn 50 phần tử"):
        reader.read(xml, reader.Limits(elements=50))
    deep = b"<edXML>" + b"<a>" * 100 + b"</a>" * 100 + b"</edXML>"
    with pytest.raises(PackageError, match="lồng sâu"):
        reader.read(deep)
    wide = b"<edXML>" + b"<a/>" * 30_000 + b"</edXML>"
    with pytest.raises(PackageError, match="phần tử"):
        reader.read(wide)


def test_a_zip_bomb_is_stopped_while_inflating():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("van-ban.pdf", b"\0" * (20 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000
    attachment = Attachment("cid:1", "ho-so.zip", "application/zip", content=io.BytesIO(bomb.getvalue()))
    with pytest.raises(PackageError, match="nghi tệp nén độc hại") as caught:
        archive.expand(attachment)
    assert caught.value.code == "zip_bomb"
    with pytest.raises(PackageError, match="giải nén ra hơn 1 MB"):
        archive.expand(attachment, archive.ZipLimits(total_bytes=1024 * 1024, ratio=10**9))


def test_zipped_attachments_keep_file_names_only():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as zipped:
        zipped.writestr("../../etc/van-ban.pdf", b"%PDF-1.7 a")
        zipped.writestr("thu-muc/phu-luc.docx", b"docx")
        zipped.writestr("thu-muc/", b"")
    files = archive.expand(Attachment("cid:7", "ho-so.zip", "application/zip", content=io.BytesIO(packed.getvalue())))
    assert [(f.name, f.content_type, f.read()) for f in files] == [
        ("van-ban.pdf", "application/pdf", b"%PDF-1.7 a"),
        ("phu-luc.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"docx"),
    ]
    plain_pdf = Attachment("cid:8", "a.pdf", content=io.BytesIO(b"%PDF-1.7"))
    assert archive.expand(plain_pdf) == [plain_pdf]
    with pytest.raises(PackageError, match="không mở được"):
        archive.expand(Attachment("cid:9", "hong.zip", content=io.BytesIO(b"PK\x03\x04broken")))


def test_base64_with_line_breaks_is_read_and_hashed():
    data = bytes(range(256)) * 40
    encoded = base64.encodebytes(data)  # 76-character lines, as MIME writes them
    package = reader.read(_attachment_xml(encoded=encoded)).package
    import hashlib

    assert package.attachments[0].read() == data and package.attachments[0].sha256 == hashlib.sha256(data).hexdigest()
    assert package.attachments[0].size == len(data)


# ---------------------------------------------------------------------------------------------- XML signature


@pytest.fixture(scope="module")
def keys():
    from tests.signing_support import pki_material

    return pki_material()


def test_a_signed_package_verifies_and_any_change_breaks_it(keys):
    xml = writer.package_bytes(rich_package())
    signed = dsig.sign(xml, key=keys.agency.key, certificates=[keys.agency.cert, keys.sub.cert])
    result = dsig.verify(signed)
    assert result.verdict == "valid" and result.signer == "Sở Xây dựng tỉnh Nghệ An" and not result.weak
    assert reader.read(signed).signed
    assert plain(reader.read(signed).package) == plain(reader.read(xml).package)
    forged = signed.replace("kế hoạch đầu tư công".encode(), "kế hoạch đầu tư công mới".encode())
    assert dsig.verify(forged).verdict == "invalid"
    swapped = signed.replace(base64.b64encode(b"%PDF-1.7 phu luc"), base64.b64encode(b"%PDF-1.7 phu lux"))
    assert swapped != signed and dsig.verify(swapped).verdict == "invalid"
    assert dsig.verify(xml).verdict == "unsigned"


def test_reading_a_large_attachment_does_not_hold_it_in_memory(tmp_path):
    """20 MB of attachment read with less than 15 MB of memory beyond what the process held before (in a fresh
    process whose peak is reset before reading: Linux keeps a parent's peak across exec)."""
    zeros = tmp_path / "lon.pdf"
    with zeros.open("wb") as out:
        for _ in range(20):
            out.write(bytes(1024 * 1024))
    package = rich_package()
    with zeros.open("rb") as content, (tmp_path / "lon.edxml").open("wb") as out:
        package.attachments = [Attachment("cid:1", "lon.pdf", content=content)]
        writer.write_package(package, out)
    script = (
        "import sys\n"
        "from vpdt.exchange.edxml import reader\n"
        "def kb(field):\n"
        "    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith(field + ':'))\n"
        "open('/proc/self/clear_refs', 'w').write('5')  # the peak starts again from now (Linux)\n"
        "before = kb('VmRSS')\n"
        "with open(sys.argv[1], 'rb') as source:\n"
        "    got = reader.read(source)\n"
        "print(got.package.attachments[0].size, (kb('VmHWM') - before) // 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "lon.edxml")], capture_output=True, text=True, check=True
    )
    size, grown_mb = map(int, out.stdout.split())
    assert size == 20 * 1024 * 1024 and grown_mb < 15, out.stdout
