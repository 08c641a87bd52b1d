"""Exports of a work dossier in chronological order (SPEC §8): a PDF and an XML manifest.

* The PDF opens with the cover (bìa hồ sơ: the ND30 fields) and the table of contents (mục lục văn bản:
  ordinal, number and symbol, date, type and subject, author, sheet number, note), followed by every
  document's files in order. PDFs are appended page by page into a new file (the stored originals,
  signed or not, are only read); pictures become one page each; a file that cannot be read is replaced
  by a page saying so, with its SHA-256, so an export never fails on one bad file.
* The XML manifest carries the same fields plus, for every file, its name, size and SHA-256, so the
  archive can check what it received.

The functions are pure: they take a dossier and its items (already trimmed by
:func:`vpdt.dossiers.services.items_of`) and return bytes.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils import timezone
from lxml import etree

from vpdt.core.pdf import FONT_BOLD, FONT_ITALIC, build, fmt_date, fmt_datetime, para, styles
from vpdt.core.text import clean_text, clean_value

log = logging.getLogger(__name__)

MANIFEST_NS = "urn:vpdt:dossier:1"
TOC_COLUMNS = ["STT", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung", "Tác giả", "Tờ số", "Ghi chú"]
TOC_WIDTHS = [30, 90, 66, 159, 80, 38, 52]  # A4 portrait, 40 pt margins: 515 pt


@dataclass
class Part:
    """One document of the dossier as it goes into the PDF."""

    item: object
    pages: list = field(default_factory=list)  # pypdf page objects, or ("note", text) placeholders
    first_sheet: int = 0


def _type_subject(document) -> str:
    name = document.doc_type.name if document.doc_type_id else ""
    return (
        f"{name} {document.subject}".strip()
        if name and not document.subject.lower().startswith(name.lower())
        else document.subject
    )


def _files(document):
    return [a.file for a in document.attachments.all()]


def _pdf_pages(stored):
    from pypdf import PdfReader

    with default_storage.open(stored.name, "rb") as fh:
        data = fh.read()
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return list(reader.pages)


def _image_page(stored):
    """A picture on its own A4 page, scaled to fit."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    with default_storage.open(stored.name, "rb") as fh:
        image = ImageReader(io.BytesIO(fh.read()))
    width, height = image.getSize()
    page_w, page_h = A4
    scale = min((page_w - 40) / width, (page_h - 40) / height)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawImage(image, (page_w - width * scale) / 2, (page_h - height * scale) / 2, width * scale, height * scale)
    canvas.showPage()
    canvas.save()
    return list(PdfReader(io.BytesIO(buffer.getvalue())).pages)


def _note_page(text: str):
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    styles()  # registers the fonts
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont(FONT_ITALIC, 11)
    y = A4[1] - 80
    for line in clean_text(text).split("\n"):
        canvas.drawString(56, y, line[:100])
        y -= 16
    canvas.showPage()
    canvas.save()
    return list(PdfReader(io.BytesIO(buffer.getvalue())).pages)


def _parts(items) -> list[Part]:
    parts, sheet = [], 1
    for item in items:
        part = Part(item=item, first_sheet=sheet)
        for stored in _files(item.incoming):
            try:
                if stored.content_type == "application/pdf":
                    part.pages += _pdf_pages(stored)
                elif stored.content_type.startswith("image/"):
                    part.pages += _image_page(stored)
                else:
                    part.pages += _note_page(
                        f"Tệp “{stored.original_name}” ({stored.content_type}) không "
                        f"chuyển được sang PDF.\nSHA-256: {stored.sha256}"
                    )
            except Exception:
                log.warning("Không đọc được tệp %s khi xuất hồ sơ", stored.pk, exc_info=True)
                part.pages += _note_page(
                    f"Không đọc được tệp “{stored.original_name}”.\nSHA-256 đã lưu: {stored.sha256}"
                )
        if not part.pages:
            doc = item.incoming
            part.pages += _note_page(f"Văn bản số đến {doc.arrival_number}/{doc.year} không có tệp đính kèm.")
        sheet += len(part.pages)
        parts.append(part)
    return parts


def _front_matter(dossier, parts) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

    st = styles()
    story = [
        para(dossier.agency.name.upper(), st["agency"]),
        Spacer(1, 60),
        para("HỒ SƠ", st["title"]),
        para(dossier.title, st["subtitle"]),
        Spacer(1, 24),
    ]
    rows = [
        ("Số và ký hiệu hồ sơ", dossier.file_code),
        ("Danh mục hồ sơ", f"Năm {dossier.file_list.year}"),
        ("Đơn vị / người lập hồ sơ", dossier.creator),
        (
            "Thời gian",
            f"Từ ngày {fmt_date(dossier.start_date)} đến ngày {fmt_date(dossier.end_date)}"
            if dossier.start_date
            else "",
        ),
        ("Tổng số văn bản", str(dossier.doc_total)),
        ("Tổng số trang", str(dossier.page_total)),
        ("Thời hạn bảo quản", dossier.get_maintenance_display()),
        ("Chế độ sử dụng", dossier.get_rights_display()),
        ("Ngôn ngữ", dossier.language),
        ("Trạng thái", dossier.get_status_display()),
        ("Chú giải", dossier.description),
    ]
    cover = Table([[para(k, st["label"]), para(v, st["body"])] for k, v in rows], colWidths=[170, 300])
    cover.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [
        cover,
        Spacer(1, 30),
        para(f"Xuất lúc {fmt_datetime(timezone.now())}; văn bản xếp theo thứ tự thời gian.", st["small"]),
        PageBreak(),
        para("MỤC LỤC VĂN BẢN", st["title"]),
        Spacer(1, 8),
    ]
    data = [[para(c, st["head"]) for c in TOC_COLUMNS]]
    for number, part in enumerate(parts, start=1):
        doc = part.item.incoming
        data.append(
            [
                para(number, st["center"]),
                para(doc.number_symbol, st["cell"]),
                para(fmt_date(doc.issued_date), st["center"]),
                para(_type_subject(doc), st["cell"]),
                para(doc.issuer_name, st["cell"]),
                para(part.first_sheet, st["center"]),
                para(f"Số đến {doc.arrival_number}/{doc.year}", st["cell"]),
            ]
        )
    table = Table(data, colWidths=TOC_WIDTHS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ]
        )
    )
    story.append(table)
    return build(
        story, pagesize=A4, title=f"Hồ sơ {dossier.file_code}", footer=f"Hồ sơ {dossier.file_code}", margins=40
    )


def dossier_pdf(dossier, items) -> bytes:
    from pypdf import PdfReader, PdfWriter

    parts = _parts(items)
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_front_matter(dossier, parts))).pages:
        writer.add_page(page)
    for part in parts:
        for page in part.pages:
            writer.add_page(page)
    writer.add_metadata({"/Title": clean_text(f"Hồ sơ {dossier.file_code}: {dossier.title}"), "/Creator": "vpdt"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _sub(parent, tag: str, value) -> etree._Element:
    element = etree.SubElement(parent, f"{{{MANIFEST_NS}}}{tag}")
    if value is not None and value != "":
        element.text = clean_text(str(value))  # XML 1.0 refuses control characters
    return element


def manifest_xml(dossier, items) -> bytes:
    """The dossier's ND30 fields and its documents, in chronological order, with the files' SHA-256."""
    root = etree.Element(f"{{{MANIFEST_NS}}}Dossier", nsmap={None: MANIFEST_NS})
    for tag, value in (
        ("Organ", dossier.agency.name),
        ("OrganId", dossier.agency.code),
        ("FileListYear", dossier.file_list.year),
        ("FileCode", dossier.file_code),
        ("Title", dossier.title),
        ("Maintenance", dossier.get_maintenance_display()),
        ("Rights", dossier.get_rights_display()),
        ("Creator", dossier.creator),
        ("Language", dossier.language),
        ("StartDate", dossier.start_date.isoformat() if dossier.start_date else ""),
        ("EndDate", dossier.end_date.isoformat() if dossier.end_date else ""),
        ("DocTotal", dossier.doc_total),
        ("PageTotal", dossier.page_total),
        ("Description", dossier.description),
        ("Status", dossier.get_status_display()),
        ("ExportedAt", timezone.localtime().isoformat(timespec="seconds")),
    ):
        _sub(root, tag, value)
    documents = _sub(root, "Documents", None)
    for number, item in enumerate(items, start=1):
        doc = item.incoming
        node = _sub(documents, "Document", None)
        node.set("ordinal", str(number))
        for tag, value in (
            ("Kind", "incoming"),
            ("ArrivalNumber", doc.arrival_number),
            ("ArrivalYear", doc.year),
            ("OrganName", doc.issuer_name),
            ("OrganId", doc.issuer_code),
            ("CodeNumber", doc.code_number),
            ("CodeNotation", doc.code_notation),
            ("IssuedDate", doc.issued_date.isoformat()),
            ("DocumentType", doc.doc_type.name if doc.doc_type_id else ""),
            ("Subject", doc.subject),
            ("PageAmount", item.page_amount),
            ("SignerName", doc.signer_name),
            ("FiledAt", timezone.localtime(item.filed_at).isoformat(timespec="seconds")),
        ):
            _sub(node, tag, value)
        files = _sub(node, "Files", None)
        for stored in _files(doc):
            entry = _sub(files, "File", None)
            entry.set("name", clean_text(stored.original_name))
            entry.set("contentType", stored.content_type)
            entry.set("size", str(stored.size))
            entry.set("sha256", stored.sha256)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


FILE_LIST_COLUMNS = [
    "Số và ký hiệu hồ sơ",
    "Tên đề mục và tiêu đề hồ sơ",
    "Thời hạn bảo quản",
    "Đơn vị/người lập hồ sơ",
    "Số văn bản",
    "Số trang",
    "Trạng thái",
    "Ghi chú",
]
FILE_LIST_WIDTHS = [16, 60, 14, 30, 10, 10, 14, 30]


def file_list_xlsx(agency, year: int, dossiers) -> bytes:
    """Danh mục hồ sơ (ND30 Phụ lục V) of one year as a spreadsheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = f"Danh mục {year}"
    sheet.append([clean_text(agency.name.upper())])
    sheet.append([f"DANH MỤC HỒ SƠ NĂM {year}"])
    sheet.append([])
    sheet.append(FILE_LIST_COLUMNS)
    thin = Side(style="thin")
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=14)
    for dossier in dossiers:
        sheet.append(
            clean_value(
                [
                    dossier.file_code,
                    dossier.title,
                    dossier.get_maintenance_display(),
                    dossier.creator,
                    dossier.doc_total,
                    dossier.page_total,
                    dossier.get_status_display(),
                    dossier.description,
                ]
            )
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for index, width in enumerate(FILE_LIST_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
