"""Sample material for the demo organisation, benchmarks and tests: an ND30-layout document as PDF (with the
blank "Số:   /..." and "..., ngày   tháng   năm" lines a clerk fills at issue), a blue signature and a red seal
as transparent PNGs."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFont


def _font(size: int):
    from vpdt.core.pdf import FONT_DIR

    try:
        return ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), size)
    except OSError:
        return ImageFont.load_default()


def signature_png(seed: str = "", width: int = 600, height: int = 260) -> bytes:
    """A blue handwritten-looking stroke on a transparent background."""
    rnd = random.Random(seed)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    blue = (16, 48, 170, 255)
    points = []
    for i in range(60):
        t = i / 59
        x = 40 + t * (width - 80)
        y = height / 2 + math.sin(t * math.pi * (3 + rnd.random() * 2)) * height * 0.28 + rnd.uniform(-8, 8)
        points.append((x, y))
    draw.line(points, fill=blue, width=7, joint="curve")
    draw.line([(width * 0.2, height * 0.78), (width * 0.85, height * 0.62)], fill=blue, width=5)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def seal_png(agency_name: str = "SỞ XÂY DỰNG", size: int = 500) -> bytes:
    """A red round seal: two rings, the agency's name across the middle and a star."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (210, 24, 30, 235)
    draw.ellipse((6, 6, size - 6, size - 6), outline=red, width=14)
    draw.ellipse((size * 0.16, size * 0.16, size * 0.84, size * 0.84), outline=red, width=6)
    font = _font(int(size * 0.075))
    words = agency_name.upper().split()
    lines = [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)][:3]
    for i, line in enumerate(lines):
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((size - (box[2] - box[0])) / 2, size * 0.36 + i * size * 0.1), line, fill=red, font=font)
    cx, cy, r = size / 2, size * 0.26, size * 0.06
    star = [
        (cx + r * math.cos(math.pi / 2 + k * 4 * math.pi / 5), cy - r * math.sin(math.pi / 2 + k * 4 * math.pi / 5))
        for k in range(5)
    ]
    draw.polygon(star, fill=red)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def nd30_pdf(
    *,
    agency: str = "SỞ XÂY DỰNG TỈNH NGHỆ AN",
    parent: str = "UBND TỈNH NGHỆ AN",
    notation: str = "QĐ-SXD",
    place: str = "Nghệ An",
    doc_type: str = "QUYẾT ĐỊNH",
    subject: str = "Về việc ban hành Quy chế công tác văn thư, lưu trữ của Sở Xây dựng",
    body: list[str] | None = None,
    pages: int = 1,
    authority: str = "KT. GIÁM ĐỐC",
    position: str = "PHÓ GIÁM ĐỐC",
    signer: str = "Trần Thị Thu Hà",
    recipients: tuple[str, ...] = ("Như Điều 3;", "Lưu: VT, VP."),
) -> bytes:
    """A document laid out as ND30 Phụ lục I (A4, margins 20-30 mm, Times-like font) with blank number/date."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    from vpdt.core.pdf import FONT, FONT_BOLD, FONT_ITALIC, register_fonts

    register_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    left, right = 30 * mm, w - 15 * mm
    body = body or [
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
        "Căn cứ Luật Lưu trữ ngày 21 tháng 6 năm 2024;",
        "Theo đề nghị của Chánh Văn phòng Sở.",
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế công tác văn thư, lưu trữ.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Điều 3. Chánh Văn phòng, Trưởng các phòng và cá nhân có liên quan chịu trách nhiệm thi hành.",
    ]
    per_page = max(1, math.ceil(len(body) / pages)) if pages > 1 else len(body)
    chunks = [body[i : i + per_page] for i in range(0, len(body), per_page)] or [[]]
    while len(chunks) < pages:
        chunks.append(["(tiếp theo)"] * 20)
    for index, chunk in enumerate(chunks):
        if index == 0:
            c.setFont(FONT, 12)
            c.drawCentredString(left + 35 * mm, h - 20 * mm, parent)
            c.setFont(FONT_BOLD, 12)
            c.drawCentredString(left + 35 * mm, h - 26 * mm, agency)
            c.drawCentredString(w * 0.66, h - 20 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            c.drawCentredString(w * 0.66, h - 26 * mm, "Độc lập - Tự do - Hạnh phúc")
            c.setFont(FONT, 13)
            c.drawString(left + 10 * mm, h - 40 * mm, f"Số:        /{notation}")
            c.setFont(FONT_ITALIC, 13)
            c.drawString(w * 0.5, h - 40 * mm, f"{place}, ngày     tháng     năm")
            c.setFont(FONT_BOLD, 14)
            c.drawCentredString(w / 2, h - 55 * mm, doc_type)
            c.setFont(FONT_BOLD, 13)
            c.drawCentredString(w / 2, h - 62 * mm, subject[:95])
            y = h - 78 * mm
        else:
            y = h - 25 * mm
        c.setFont(FONT, 13)
        for line in chunk:
            for k in range(0, len(line), 88):
                c.drawString(left, y, line[k : k + 88])
                y -= 7 * mm
        if index == len(chunks) - 1:
            c.setFont(FONT_BOLD, 11)
            c.drawString(left, 75 * mm, "Nơi nhận:")
            c.setFont(FONT, 10)
            for k, r in enumerate(recipients):
                c.drawString(left, 70 * mm - k * 5 * mm, "- " + r)
            centre = w * 0.7
            c.setFont(FONT_BOLD, 13)
            c.drawCentredString(centre, 78 * mm, authority)
            c.drawCentredString(centre, 72 * mm, position)
            c.drawCentredString(centre, 35 * mm, signer)
        c.setFont(FONT, 9)
        c.drawRightString(right, 10 * mm, f"{index + 1}/{len(chunks)}")
        c.showPage()
    c.save()
    return buf.getvalue()
