"""The colour set of the scan corpus: first pages as ND30 asks them to be scanned — in colour, at 200 dpi — with
a red round seal (the agency's name around its ring, a star in the middle) pressed over the left third of a blue
hand signature, between the position line and the signer's name, as on a signed original.

``render(seed, held_out=False)`` -> ``(jpeg_bytes, truth)``: an RGB A4 page (JPEG at 200 dpi, as office scanners
save colour), with the layouts the grey set lacks — a resolution of the provincial council with its QPPL number
("12/2026/NQ-HĐND") and its session lines, decisions numbered "05/2026/QĐ-UBND", công văn with "V/v" under the
number and a "Kính gửi:" list, agency names over two lines, parent lines written in full — then degraded like an
office scan: yellowed paper, uneven lighting, a fold shadow, toner streaks, skew, softness, light noise and JPEG.

DEV and HELD-OUT as in :mod:`vpdt.digitize.corpus`: ``held_out=True`` draws from its own seed space; the held-out
pages are for ``bench/bench_prefill.py`` only, never for tests nor for tuning.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from . import corpus as grey

DPI = grey.DPI

COUNCIL_SUBJECTS = [
    "Quy định mức chi bảo đảm hoạt động của Hội đồng nhân dân tỉnh",
    "Quy định chính sách hỗ trợ phát triển giáo dục mầm non trên địa bàn tỉnh giai đoạn {y}-{y2}",
    "Về việc thông qua kế hoạch đầu tư công trung hạn giai đoạn {y}-{y2}",
    "Quy định mức thu học phí đối với cơ sở giáo dục công lập năm học {y}-{y1}",
    "Về việc phân bổ dự toán ngân sách địa phương năm {y}",
    "Quy định nội dung, mức chi hỗ trợ chuyển đổi số trên địa bàn tỉnh",
]
TWO_LINE = {  # agency header lines too long for one line of the left column
    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG": "SỞ THÔNG TIN VÀ\nTRUYỀN THÔNG",
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ": "SỞ KẾ HOẠCH\nVÀ ĐẦU TƯ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO": "SỞ GIÁO DỤC\nVÀ ĐÀO TẠO",
    "PHÒNG TÀI CHÍNH - KẾ HOẠCH": "PHÒNG TÀI CHÍNH -\nKẾ HOẠCH",
    "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO": "PHÒNG GIÁO DỤC\nVÀ ĐÀO TẠO",
    "VỤ KẾ HOẠCH - TÀI CHÍNH": "VỤ KẾ HOẠCH -\nTÀI CHÍNH",
    "VĂN PHÒNG HĐND VÀ UBND": "VĂN PHÒNG\nHĐND VÀ UBND",
}
ADDRESSEES = [
    ["- Các sở, ban, ngành cấp tỉnh;", "- UBND các huyện, thành phố, thị xã."],
    ["- Văn phòng UBND tỉnh;", "- Sở Tài chính;", "- Kho bạc Nhà nước tỉnh."],
    ["- Các cơ quan, đơn vị trực thuộc."],
]
TERMS = ["KHÓA XVIII, KỲ HỌP THỨ {n}", "KHÓA XIX, KỲ HỌP THỨ {n}"]


SIGNATURES = {
    **grey.SIGNATURES,
    "council": [("TM", "HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"), ("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")],
}


def _rng(seed, held_out):
    return random.Random(f"{grey.HELD_OUT_SALT}:colour:{seed}" if held_out else f"dev-colour:{seed}")


def _header(rnd, agency):
    """The header as printed: long names over two lines, a parent line written in full now and then."""
    header = TWO_LINE.get(agency.header, agency.header)
    parent = agency.parent
    if parent.startswith("UBND ") and rnd.random() < 0.3:  # the parent in full, over two lines
        parent = "ỦY BAN NHÂN DÂN\n" + parent[5:]
    return dataclasses.replace(agency, parent=parent, header=header)


def _content(rnd):
    pool = list(grey.agencies())
    kind = rnd.random()
    if kind < 0.18:
        agency = rnd.choice(grey.councils())
        name, abbr = "Nghị quyết", "NQ"
    else:
        if kind < 0.36:
            agency = rnd.choice([a for a in pool if a.kind == "province"])
        elif kind < 0.55:
            agency = rnd.choice([a for a in pool if a.header in TWO_LINE])
        else:
            agency = rnd.choice(pool)
        name, abbr, _ = rnd.choices(grey.TYPES, weights=[t[2] for t in grey.TYPES])[0]
        if agency.kind == "province" and rnd.random() < 0.4:  # the provincial QPPL decisions
            name, abbr = "Quyết định", "QĐ"
        if agency.kind == "department" and agency.short == "TTr" and name == "Tờ trình":
            name, abbr = "Báo cáo", "BC"
    day = datetime.date(rnd.randint(2020, 2026), 1, 1) + datetime.timedelta(days=rnd.randint(0, 364))
    number = rnd.choice([rnd.randint(1, 9), rnd.randint(10, 99), rnd.randint(100, 999), rnd.randint(1000, 3500)])
    if abbr:
        notation = f"{abbr}-{agency.short}"
        qppl = name == "Nghị quyết" or (name == "Quyết định" and agency.kind == "province" and rnd.random() < 0.8)
        if qppl:
            notation, number = f"{day.year}/{notation}", rnd.randint(1, 60)
    else:
        notation = agency.short if "-" in agency.short else f"{agency.short}-{rnd.choice(['VP', 'TH', 'KT'])}"
    subjects = COUNCIL_SUBJECTS if name == "Nghị quyết" else grey.SUBJECTS[name]
    subject = rnd.choice(subjects).format(
        y=day.year, y1=day.year + 1, y2=day.year + 5, m=day.month, q=["I", "II", "III", "IV"][(day.month - 1) // 3]
    )
    authority, principal, position = rnd.choice(SIGNATURES[agency.kind])
    signer = " ".join(
        [rnd.choice(grey.FAMILY), rnd.choice(grey.MIDDLE)]
        + ([rnd.choice(grey.MIDDLE)] if rnd.random() < 0.2 else [])
        + [rnd.choice(grey.GIVEN)]
    )
    truth = {
        "issuer_name": agency.name,
        "issuer_code": agency.code,
        "code_number": f"{number:02d}",
        "code_notation": notation,
        "place": agency.place,
        "issued_date": day,
        "doc_type": name,
        "subject": subject,
        "signer_name": signer,
        "signer_position": position,
        "authority": authority,
        "recipients": list(rnd.choice(grey.RECIPIENTS)),
    }
    return agency, principal, truth


# ---------------------------------------------------------------- inks


def _red(rnd):
    return (rnd.randint(190, 235), rnd.randint(20, 70), rnd.randint(30, 80))


def _blue(rnd):
    return (rnd.randint(15, 60), rnd.randint(35, 90), rnd.randint(140, 200))


def _seal(rnd, agency, diameter):
    """A round seal as an ink layer (white background, red ink): two rings, the name around, a star."""
    size = int(diameter) + 8
    ink = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(ink)
    colour, c, r = _red(rnd), size / 2, diameter / 2
    draw.ellipse([c - r, c - r, c + r, c + r], outline=colour, width=rnd.randint(5, 8))
    inner = r * 0.68
    draw.ellipse([c - inner, c - inner, c + inner, c + inner], outline=colour, width=3)
    ring = agency.name.upper()
    font = grey._font(grey.FONT_DIRS["DejaVu Serif"] + "/DejaVuSerif-Bold.ttf", max(16, int(diameter * 0.075)))
    span = min(300.0, 12.0 * len(ring))  # degrees of arc the name covers, centred on the top
    for k, ch in enumerate(ring):
        angle = -90 - span / 2 + span * (k + 0.5) / len(ring)
        glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
        ImageDraw.Draw(glyph).text((font.size, font.size), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = c + (r * 0.84) * math.cos(math.radians(angle)) - font.size
        y = c + (r * 0.84) * math.sin(math.radians(angle)) - font.size
        ink.paste(Image.new("RGB", glyph.size, colour), (int(x), int(y)), glyph)
    star = [
        (
            c + inner * (0.55 if k % 2 == 0 else 0.22) * math.cos(math.radians(-90 + 36 * k)),
            c + inner * (0.55 if k % 2 == 0 else 0.22) * math.sin(math.radians(-90 + 36 * k)),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=colour)
    # stamped by hand: the pressure is uneven and the seal sits a little askew
    fade = Image.linear_gradient("L").resize((size, size)).rotate(rnd.uniform(0, 360))
    low = rnd.uniform(0.35, 0.75)
    fade = fade.point(lambda v: int(255 * (1 - low * v / 255)))
    ink = Image.composite(ink, Image.new("RGB", ink.size, (255, 255, 255)), fade)
    return ink.rotate(rnd.uniform(-25, 25), resample=Image.BICUBIC, fillcolor=(255, 255, 255))


def _signature(rnd, width, height):
    """A hand signature as an ink layer: a looping stroke of blue ballpoint and a flourish under it."""
    ink = Image.new("RGB", (int(width), int(height)), (255, 255, 255))
    draw = ImageDraw.Draw(ink)
    colour, pen = _blue(rnd), rnd.randint(3, 5)
    f1, f2, f3 = rnd.uniform(2.5, 5), rnd.uniform(3, 7), rnd.uniform(0.5, 1.5)
    p1, p2 = rnd.uniform(0, 6.3), rnd.uniform(0, 6.3)
    points = []
    for k in range(400):
        t = k / 399
        x = width * (0.08 + 0.8 * t) + width * 0.06 * math.sin(2 * math.pi * f1 * t + p1)
        y = height * (0.45 + 0.28 * math.sin(2 * math.pi * f2 * t + p2) + 0.12 * math.sin(2 * math.pi * f3 * t))
        points.append((x, y))
    draw.line(points, fill=colour, width=pen, joint="curve")
    y0, y1 = height * rnd.uniform(0.7, 0.85), height * rnd.uniform(0.55, 0.8)
    draw.line([(width * 0.15, y0), (width * 0.55, y0 + height * 0.08), (width * 0.95, y1)], fill=colour, width=pen)
    return ink.filter(ImageFilter.GaussianBlur(0.6))


def _press(page, ink, x, y):
    """Ink over the printed page: the colours multiply (black stays black under the red)."""
    box = (int(x), int(y), int(x) + ink.width, int(y) + ink.height)
    box = (max(0, box[0]), max(0, box[1]), min(page.width, box[2]), min(page.height, box[3]))
    region = page.crop(box)
    ink = ink.crop((box[0] - int(x), box[1] - int(y), box[2] - int(x), box[3] - int(y)))
    page.paste(ImageChops.multiply(region, ink), box[:2])


def _sign_and_seal(rnd, page, agency):
    """ND30: the signature between the position and the name, the seal over its left third."""
    img, b = page.img.convert("RGB"), page.block
    sig_w = rnd.uniform(300, 420)
    sig_h = max(b["name"] - b["below"], b["line"] * 2) + b["line"] * 0.6
    sig_x = b["cx"] - sig_w / 2 + rnd.uniform(-30, 30)
    _press(img, _signature(rnd, sig_w, sig_h), sig_x, b["below"] - b["line"] * 0.3)
    diameter = rnd.uniform(34, 38) / 25.4 * DPI
    seal_cx = sig_x + sig_w / 3 - diameter * rnd.uniform(0.0, 0.15)
    seal_cy = b["below"] + (b["name"] - b["below"]) * rnd.uniform(0.15, 0.5)
    _press(img, _seal(rnd, agency, diameter), seal_cx - diameter / 2 - 4, seal_cy - diameter / 2 - 4)
    return img


# ---------------------------------------------------------------- office degradation


def _gain(size, rnd, low, high):
    """A smooth brightness map (uneven lighting of the scanner lamp, a sheet not flat on the glass)."""
    small = Image.new("L", (4, 4))
    small.putdata([int(255 * rnd.uniform(low, high)) for _ in range(16)])
    return small.resize(size, Image.BICUBIC)


def _office(rnd, img):
    """A colour office scan: yellowed paper, uneven lighting, a fold shadow, toner streaks, skew, softness,
    light sensor noise; then JPEG as the scanner saves it."""
    w, h = img.size
    paper = (rnd.randint(238, 255), rnd.randint(230, 248), rnd.randint(196, 236))
    img = ImageChops.multiply(img, Image.new("RGB", img.size, paper))
    light = _gain(img.size, rnd, 0.84, 1.0)
    img = ImageChops.multiply(img, Image.merge("RGB", (light, light, light)))
    draw = ImageDraw.Draw(img, "RGBA")
    for fold_y in rnd.sample([h // 3, h // 2, 2 * h // 3], rnd.randint(0, 2)):
        depth, spread = rnd.randint(25, 60), rnd.randint(10, 28)
        for dy in range(-spread, spread + 1):
            alpha = int(depth * math.exp(-((dy / (spread / 2)) ** 2)))
            draw.line([(0, fold_y + dy), (w, fold_y + dy + rnd.randint(-2, 2))], fill=(60, 55, 45, alpha))
        draw.line([(0, fold_y + spread // 3), (w, fold_y + spread // 3)], fill=(255, 255, 250, 70), width=2)
    for _ in range(rnd.randint(0, 3)):
        x, width, shade = rnd.randrange(w), rnd.randint(1, 4), rnd.randint(90, 190)
        draw.line([(x, 0), (x + rnd.randint(-6, 6), h)], fill=(shade, shade, shade, rnd.randint(25, 70)), width=width)
    img = img.rotate(rnd.uniform(-1.5, 1.5), resample=Image.BICUBIC, fillcolor=paper)
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.3, 0.75)))
    amp = rnd.randint(8, 24)
    noise = Image.frombytes("L", img.size, rnd.randbytes(w * h)).point(lambda v, a=amp: v * a // 255)
    img = ImageChops.subtract(img, Image.merge("RGB", (noise, noise, noise)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=rnd.randint(72, 92), dpi=(DPI, DPI))
    return out.getvalue()


def truth(seed: int, held_out: bool = False) -> dict:
    return _content(_rng(seed, held_out))[2]


def render(seed: int, held_out: bool = False) -> tuple[bytes, dict]:
    """The colour page for ``seed`` (the same bytes every time) and its truth."""
    rnd = _rng(seed, held_out)
    agency, principal, truth = _content(rnd)
    printed = _header(rnd, agency)
    addressees = rnd.choice(ADDRESSEES) if truth["doc_type"] == "Công văn" and rnd.random() < 0.5 else None
    session = None
    if truth["doc_type"] == "Nghị quyết":
        session = [printed.name.upper(), rnd.choice(TERMS).format(n=rnd.randint(2, 30))]
    page = grey._layout(rnd, printed, principal, truth, addressees=addressees, session=session)
    return _office(rnd, _sign_and_seal(rnd, page, agency)), truth
