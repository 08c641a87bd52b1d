"""The published weekly calendar as PDF (ReportLab, A4 landscape, the bundled DejaVu Serif of :mod:`vpdt.core.pdf`:
full Vietnamese coverage) and XLSX (openpyxl, landscape print setup). Pure: they read a
:class:`.published.PublishedWeek`'s snapshot (what was published) and return bytes.

The usual form: the parent agency (cơ quan chủ quản) and the agency at the top left, the national motto at the top
right, “LỊCH CÔNG TÁC TUẦN n” with its dates, then one table: Thứ, ngày / Buổi / Thời gian / Nội dung / Địa điểm /
Chủ trì / Thành phần / Chuẩn bị, a day's rows merged, morning (Sáng) then afternoon (Chiều).
"""

from __future__ import annotations

import datetime as dt
import io

from vpdt.core.pdf import build, fmt_datetime, para, styles

COLUMNS = ["Thứ, ngày", "Buổi", "Thời gian", "Nội dung", "Địa điểm", "Chủ trì", "Thành phần", "Chuẩn bị"]
PDF_WIDTHS = [66, 38, 58, 196, 96, 100, 136, 96]  # 786 pt: A4 landscape less 28 pt margins
XLSX_WIDTHS = [13, 8, 13, 50, 26, 26, 36, 24]
COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def title(item) -> str:
    return f"LỊCH CÔNG TÁC TUẦN {item.snapshot.get('week_number', item.monday.isocalendar()[1])}"


def period(item) -> str:
    sunday = item.monday + dt.timedelta(days=6)
    return f"(Từ ngày {item.monday:%d/%m/%Y} đến ngày {sunday:%d/%m/%Y})"


def filename(item, ext: str) -> str:
    return f"lich-cong-tac-tuan-{item.monday.isocalendar()[1]}-{item.monday:%Y%m%d}-lan-{item.version}.{ext}"


def _chair(e: dict) -> str:
    return e["chair"] + (f" ({e['chair_title']})" if e.get("chair_title") else "")


def _content(e: dict) -> str:
    return e["title"] + (f"\n(Lịch của đồng chí {e['leader']})" if e.get("leader") else "")


def _people(e: dict) -> str:
    text = ", ".join(e.get("attending", []))
    if e.get("concluding"):
        text += ("\n" if text else "") + "Viết kết luận: " + ", ".join(e["concluding"])
    return text


def rows(item) -> list[tuple]:
    """(day label or None, half label or None, cells, day rows, half rows) for each printed row: a day's label on
    its first row only (with how many rows it spans), a half's on its first."""
    found = []
    for d in item.snapshot.get("days", []):
        day = dt.date.fromisoformat(d["day"])
        day_rows = sum(max(len(h["entries"]), 1) for h in d["halves"])
        first_of_day = True
        for h in d["halves"]:
            entries = h["entries"] or [None]
            for i, e in enumerate(entries):
                cells = (
                    [
                        f"{e['start']}–{e['end']}",
                        _content(e),
                        e["where"],
                        _chair(e),
                        _people(e),
                        ", ".join(e["preparing"]),
                    ]
                    if e
                    else ["", "", "", "", "", ""]
                )
                found.append(
                    (
                        f"{d['name']}\n{day:%d/%m/%Y}" if first_of_day else None,
                        h["label"] if i == 0 else None,
                        cells,
                        day_rows,
                        len(entries),
                    )
                )
                first_of_day = False
    return found


def _issued(item) -> str:
    return f"Phát hành lần {item.version} lúc {fmt_datetime(item.published_at)} bởi {item.published_by.full_name}"


def pdf(item) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    center_bold = ParagraphStyle("cb", parent=st["head"], fontSize=11, leading=14)
    center = ParagraphStyle("c", parent=st["center"], fontSize=11, leading=14)
    data = item.snapshot
    left = [para((data.get("parent") or "").upper(), center)] if data.get("parent") else []
    left.append(para(data.get("agency", item.agency.name).upper(), center_bold))
    right = [para(COUNTRY, center_bold), para(MOTTO, center_bold)]
    story = [
        Table([[left, right]], colWidths=[393, 393], style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])),
        Spacer(1, 6),
        para(title(item), st["title"]),
        para(period(item), st["italic"]),
    ]
    table = [[para(h, st["head"]) for h in COLUMNS]]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 1), (1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
    ]
    for index, (day, half, cells, day_rows, half_rows) in enumerate(rows(item), start=1):
        table.append(
            [para(day or "", st["head"]), para(half or "", st["center"])] + [para(c, st["cell"]) for c in cells]
        )
        if day is not None and day_rows > 1:
            commands.append(("SPAN", (0, index), (0, index + day_rows - 1)))
        if half is not None and half_rows > 1:
            commands.append(("SPAN", (1, index), (1, index + half_rows - 1)))
    story.append(Table(table, colWidths=PDF_WIDTHS, repeatRows=1, style=TableStyle(commands)))
    story += [Spacer(1, 6), para(_issued(item), st["small"])]
    return build(
        story,
        pagesize=landscape(A4),
        title=f"{title(item)} {period(item)}",
        footer=f"{data.get('agency', '')} · {title(item).capitalize()} · lần {item.version}",
    )


def xlsx(item) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = f"Tuần {item.monday.isocalendar()[1]}"
    data = item.snapshot
    last = get_column_letter(len(COLUMNS))
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    bold = Font(bold=True)
    sheet["A1"] = (data.get("parent") or "").upper()
    sheet["A2"] = data.get("agency", "").upper()
    sheet["A2"].font = bold
    sheet["E1"], sheet["E2"] = COUNTRY, MOTTO
    sheet["E1"].font = sheet["E2"].font = bold
    sheet["A4"] = title(item)
    sheet["A4"].font = Font(bold=True, size=14)
    sheet["A5"] = period(item)
    sheet["A5"].font = Font(italic=True)
    for row in (1, 2):
        sheet.merge_cells(f"A{row}:D{row}")
        sheet.merge_cells(f"E{row}:{last}{row}")
        sheet[f"A{row}"].alignment = sheet[f"E{row}"].alignment = center
    for row in (4, 5):
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet[f"A{row}"].alignment = center
    header = 7
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header, column=col, value=name)
        cell.font, cell.alignment, cell.border = bold, center, border
    row = header
    for day, half, cells, day_rows, half_rows in rows(item):
        row += 1
        values = [day or "", half or ""] + cells
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=col, value=value or None)
            cell.border = border
            cell.alignment = center if col <= 2 else wrap
        if day is not None:
            sheet.cell(row=row, column=1).font = bold
            if day_rows > 1:
                sheet.merge_cells(start_row=row, start_column=1, end_row=row + day_rows - 1, end_column=1)
        if half is not None and half_rows > 1:
            sheet.merge_cells(start_row=row, start_column=2, end_row=row + half_rows - 1, end_column=2)
    sheet.cell(row=row + 2, column=1, value=_issued(item)).font = Font(italic=True)
    for col, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.print_title_rows = f"{header}:{header}"
    sheet.freeze_panes = f"A{header + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
