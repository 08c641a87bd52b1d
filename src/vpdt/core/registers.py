"""Printable registers shared by incoming and outgoing documents (ND30 Phụ lục IV): the bordered table with its
numbered header row for the PDF, the title block, and the spreadsheet layout (title rows 1-3, header row 4,
column numbers row 5, data from row 6)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from vpdt.core.pdf import FONT, fmt_date
from vpdt.core.pdf import para as _p
from vpdt.core.text import clean_text, clean_value

DATE_FORMAT = "dd/mm/yyyy"


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        return f"Từ ngày {fmt_date(date_from)} đến ngày {fmt_date(date_to)}"
    if date_from:
        return f"Từ ngày {fmt_date(date_from)}"
    if date_to:
        return f"Đến ngày {fmt_date(date_to)}"
    return ""


def register_table(columns, widths, rows, styles, centered: set[int]):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[_p(c, styles["head"]) for c in columns], [_p(str(i), styles["num"]) for i in range(1, len(columns) + 1)]]
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = fmt_date(value) if isinstance(value, dt.date) else value
            cells.append(_p(text, styles["center"] if i in centered else styles["cell"]))
        data.append(cells)
    if not rows:
        data.append([_p("Không có văn bản nào trong kỳ.", styles["center"])] + [""] * (len(columns) - 1))
    table = Table(data, colWidths=widths, repeatRows=2)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#EEEEEE")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not rows:
        commands.append(("SPAN", (0, 2), (-1, 2)))
    table.setStyle(TableStyle(commands))
    return table


def title_block(title, *, agency, register, date_from, date_to, styles) -> list:
    agency_name = getattr(agency, "name", agency) or ""
    register_name = getattr(register, "name", register) or ""
    year = (date_to or date_from or timezone.localdate()).year
    if date_from and date_to and date_from.year != date_to.year:
        year_text = f"Năm {date_from.year} - {date_to.year}"
    else:
        year_text = f"Năm {year}"
    story = [_p(str(agency_name).upper(), styles["agency"]), _p(title, styles["title"])]
    if register_name:
        story.append(_p(register_name, styles["subtitle"]))
    story.append(_p(year_text, styles["subtitle"]))
    period = period_text(date_from, date_to)
    if period:
        story.append(_p(period, styles["italic"]))
    return story


def footer_label(title, register, date_from, date_to) -> str:
    name = getattr(register, "name", register) or ""
    parts = [title, str(name), period_text(date_from, date_to)]
    return " - ".join(p for p in parts if p)


def register_xlsx(
    title, columns, widths, rows, *, agency, register, date_from, date_to, date_columns: set[int], sheet_title: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    last = get_column_letter(len(columns))
    agency_name = clean_text(str(getattr(agency, "name", agency) or ""))
    register_name = clean_text(str(getattr(register, "name", register) or ""))

    ws["A1"] = agency_name.upper()
    ws["A1"].font = Font(bold=True)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = title
    ws["A2"].font = Font(bold=True, size=14)
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = " - ".join(p for p in (str(register_name), period_text(date_from, date_to)) if p)
    ws["A3"].font = Font(italic=True)
    ws["A3"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A3:{last}3")

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row, number_row = 4, 5
    for i, name in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=i, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        num = ws.cell(row=number_row, column=i, value=i)
        num.font = Font(italic=True)
        num.alignment = Alignment(horizontal="center")
        num.border = border
        ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]
    ws.row_dimensions[header_row].height = 32

    for r, row in enumerate(rows, start=number_row + 1):
        for c, value in enumerate(row, start=1):
            # Rows come from the database: text stored before input was cleaned must not break the workbook.
            cell = ws.cell(row=r, column=c, value=clean_value(value) if value != "" else None)
            cell.border = border
            if (c - 1) in date_columns:
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="top")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)

    ws.freeze_panes = ws.cell(row=number_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{number_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.right.text = "Trang &P/&N"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
