"""The summary of a poll as PDF (ReportLab, the bundled DejaVu Serif: full Vietnamese coverage) and XLSX
(openpyxl). Pure: they take the poll and its :func:`.queries.summary` and return bytes."""

from __future__ import annotations

import io

from vpdt.core.pdf import build, fmt_date, fmt_datetime, para, styles

UNIT_COLUMNS = ["Đơn vị", "Được hỏi", "Đã trả lời", "Đồng ý", "Không đồng ý", "Ý kiến khác", "Chưa trả lời"]
TEXT_COLUMNS = ["STT", "Họ và tên", "Đơn vị", "Ý kiến", "Nội dung", "Cập nhật"]


def _unit_rows(data):
    return [
        [r["unit"], r["asked"], r["answered"], r["agree"], r["disagree"], r["other"], ", ".join(r["silent"])]
        for r in data["units"]
    ]


def _text_rows(data):
    return [
        [i, t["name"], t["unit"], t["choice"], t["text"], fmt_datetime(t["at"])] for i, t in enumerate(data["texts"], 1)
    ]


def pdf(poll, data) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Spacer, Table, TableStyle

    st = styles()
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    story = [
        para(poll.agency.name, st["agency"]),
        para("TỔNG HỢP Ý KIẾN", st["title"]),
        para(poll.title, st["subtitle"]),
        para(
            f"Người lấy ý kiến: {poll.poller.full_name} · Mở ngày {fmt_date(poll.created_at)} · "
            f"Hạn trả lời {fmt_date(poll.deadline)}",
            st["italic"],
        ),
        para("Nội dung xin ý kiến", st["label"]),
        para(poll.question, st["body"]),
        para("Kết quả", st["label"]),
        para(
            f"Được lấy ý kiến: {data['asked']} người; đã trả lời: {data['answered']}; chưa trả lời: "
            f"{data['not_answered']}. " + "; ".join(f"{c['label']}: {c['n']}" for c in data["counts"]) + ".",
            st["body"],
        ),
        para("Theo đơn vị", st["label"]),
    ]
    rows = [[para(h, st["head"]) for h in UNIT_COLUMNS]] + [[para(v, st["cell"]) for v in r] for r in _unit_rows(data)]
    story.append(Table(rows, colWidths=[120, 50, 55, 50, 60, 55, 149], repeatRows=1, style=grid))
    story += [Spacer(1, 8), para("Ý kiến cụ thể", st["label"])]
    rows = [[para(h, st["head"]) for h in TEXT_COLUMNS]] + [[para(v, st["cell"]) for v in r] for r in _text_rows(data)]
    story.append(Table(rows, colWidths=[25, 95, 90, 60, 180, 89], repeatRows=1, style=grid))
    return build(story, pagesize=A4, title=f"Tổng hợp ý kiến: {poll.title}", footer=poll.title[:80], margins=40)


def xlsx(poll, data) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    bold = Font(bold=True)
    sheet.append([poll.agency.name])
    sheet.append([f"TỔNG HỢP Ý KIẾN: {poll.title}"])
    sheet["A2"].font = Font(bold=True, size=13)
    sheet.append([f"Người lấy ý kiến: {poll.poller.full_name}", f"Hạn trả lời: {fmt_date(poll.deadline)}"])
    sheet.append(
        ["Được lấy ý kiến", data["asked"], "Đã trả lời", data["answered"], "Chưa trả lời", data["not_answered"]]
    )
    sheet.append([c["label"] for c in data["counts"]])
    sheet.append([c["n"] for c in data["counts"]])
    sheet.append([])
    sheet.append(UNIT_COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in _unit_rows(data):
        sheet.append(row)
    texts = book.create_sheet("Ý kiến")
    texts.append(TEXT_COLUMNS)
    for cell in texts[1]:
        cell.font = bold
    for row in _text_rows(data):
        texts.append(row)
    for column, width in zip("ABCDEF", (6, 28, 28, 16, 60, 18), strict=True):
        texts.column_dimensions[column].width = width
    for row in texts.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 34
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
