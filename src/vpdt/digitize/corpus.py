"""A deterministic corpus of scan-like first pages of ND30 documents, with their truth, for the OCR prefill.

``render(seed, held_out=False)`` -> ``(png_bytes, truth)``: an A4 page at 200 dpi (greyscale PNG that says its
resolution) laid out like Nghị định 30/2020/NĐ-CP — issuing authority top left (parent line + agency line),
national motto top right, "Số: 171/QĐ-BDT", "Bình Định, ngày 10 tháng 4 năm 2017" in italics, the document type
in bold capitals with its subject centred (or "V/v ..." under the number for a công văn), a body, "Nơi nhận:"
bottom left and the signature block bottom right — varied in document type, agency (province, department,
district, commune, ministry), number format, date, fonts (Liberation Serif with Times New Roman metrics, DejaVu
Serif), sizes (13–14 pt), margins and spacing, then degraded like a scanner: rotation within ±2°, blur, grey
noise and speckles, brightness/contrast jitter and sometimes JPEG artefacts. ``truth`` has the field names of
``prefill.Prefill`` (``issued_date`` is a ``datetime.date``; ``truth_json`` makes it JSON).

DEV and HELD-OUT sets. ``held_out=True`` draws from a separate seed space (the salt ``HELD_OUT_SALT``), so the
two sets never share a page. The held-out set is for ``bench/bench_prefill.py`` only: it must NOT be used by
tests nor looked at while tuning ``prefill.py`` (tune on the dev set, ``held_out=False``), otherwise the
accuracy ``make bench`` reports is no longer an estimate for documents never seen.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter, ImageFont

DPI = 200
A4 = (1654, 2339)  # 210 × 297 mm at 200 dpi
HELD_OUT_SALT = "vpdt-held-out-2026"
# Liberation Serif 2 (Debian fonts-liberation2): version 1 (fonts-liberation) has no Vietnamese letters.
FONT_DIRS = {
    "Liberation Serif": "/usr/share/fonts/truetype/liberation2",
    "DejaVu Serif": "/usr/share/fonts/truetype/dejavu",
}
FONTS = {
    "Liberation Serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}

PROVINCES = [
    ("Bình Định", "H08"),
    ("Nghệ An", "H40"),
    ("Hà Tĩnh", "H42"),
    ("Quảng Nam", "H49"),
    ("Thanh Hóa", "H38"),
    ("Đắk Lắk", "H66"),
    ("Lâm Đồng", "H68"),
    ("Thái Nguyên", "H46"),
]
DISTRICTS = {
    "Bình Định": ["huyện Vĩnh Thạnh", "huyện Phù Mỹ", "thị xã An Nhơn"],
    "Nghệ An": ["huyện Diễn Châu", "huyện Nghi Lộc", "thị xã Cửa Lò"],
    "Hà Tĩnh": ["huyện Đức Thọ", "huyện Hương Sơn", "thị xã Hồng Lĩnh"],
    "Quảng Nam": ["huyện Duy Xuyên", "huyện Thăng Bình", "thị xã Điện Bàn"],
    "Thanh Hóa": ["huyện Thọ Xuân", "huyện Hoằng Hóa", "thị xã Nghi Sơn"],
    "Đắk Lắk": ["huyện Krông Pắc", "huyện Ea Kar", "thị xã Buôn Hồ"],
    "Lâm Đồng": ["huyện Đức Trọng", "huyện Di Linh", "thành phố Bảo Lộc"],
    "Thái Nguyên": ["huyện Đại Từ", "huyện Phú Lương", "thành phố Sông Công"],
}
COMMUNES = [
    "xã Thạch Trung",
    "xã Cẩm Bình",
    "xã Xuân Phổ",
    "xã Đức Hòa",
    "xã Tân Lộc",
    "xã Phú Hưng",
    "phường Trung Lương",
    "xã An Hòa",
    "xã Hương Trà",
    "thị trấn Phú Phong",
    "xã Mỹ Chánh",
    "xã Cát Tân",
    "xã Diễn Kỷ",
    "xã Nghi Phong",
    "xã Sơn Kim",
    "xã Duy Sơn",
    "xã Bình Quý",
    "xã Xuân Lai",
    "xã Hoằng Lộc",
    "xã Ea Phê",
    "xã Ea Kmút",
    "xã Tân Hội",
    "xã Gia Hiệp",
    "xã Phú Đô",
]
DEPARTMENTS = [
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Tư pháp", "STP"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Ban Dân tộc", "BDT"),
    ("Thanh tra tỉnh", "TTr"),
]
DISTRICT_OFFICES = [
    ("Phòng Nội vụ", "NV"),
    ("Phòng Tài chính - Kế hoạch", "TCKH"),
    ("Phòng Giáo dục và Đào tạo", "GDĐT"),
    ("Văn phòng HĐND và UBND", "VP"),
]
MINISTRIES = [
    ("Bộ Nội vụ", "BNV", "G12"),
    ("Bộ Tài chính", "BTC", "G09"),
    ("Bộ Tư pháp", "BTP", "G03"),
    ("Bộ Xây dựng", "BXD", "G10"),
    ("Bộ Thông tin và Truyền thông", "BTTTT", "G14"),
]
MINISTRY_UNITS = [
    ("Văn phòng", "VP"),
    ("Vụ Tổ chức cán bộ", "TCCB"),
    ("Vụ Pháp chế", "PC"),
    ("Vụ Kế hoạch - Tài chính", "KHTC"),
]

TYPES = [
    ("Quyết định", "QĐ", 5),
    ("Công văn", "", 7),
    ("Thông báo", "TB", 3),
    ("Kế hoạch", "KH", 3),
    ("Báo cáo", "BC", 3),
    ("Tờ trình", "TTr", 2),
    ("Chỉ thị", "CT", 1),
    ("Giấy mời", "GM", 2),
]
SUBJECTS = {
    "Quyết định": [
        "Về việc ban hành Quy chế làm việc của cơ quan",
        "Về việc thành lập Tổ công tác chuyển đổi số",
        "Về việc phê duyệt kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm {y}",
        "Về việc phê duyệt danh sách người có uy tín trong đồng bào dân tộc thiểu số",
        "Về việc công nhận kết quả kiểm định chất lượng giáo dục",
        "Về việc điều động công chức",
        "Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc năm {y}",
    ],
    "Thông báo": [
        "Kết luận của Chủ tịch tại cuộc họp giao ban tháng {m}",
        "Về việc nghỉ Tết Nguyên đán năm {y}",
        "Lịch tiếp công dân định kỳ quý {q} năm {y}",
        "Kết quả tuyển dụng viên chức năm {y}",
    ],
    "Kế hoạch": [
        "Triển khai dịch vụ công trực tuyến toàn trình năm {y}",
        "Kiểm tra công tác văn thư, lưu trữ năm {y}",
        "Thực hiện cải cách hành chính năm {y}",
        "Tổ chức Hội nghị tổng kết công tác năm {y}",
    ],
    "Báo cáo": [
        "Kết quả thực hiện cải cách hành chính quý {q} năm {y}",
        "Tình hình giải ngân vốn đầu tư công",
        "Công tác phòng, chống tham nhũng năm {y}",
        "Kết quả chuyển đổi số tháng {m} năm {y}",
    ],
    "Tờ trình": [
        "Về việc đề nghị phê duyệt dự toán kinh phí năm {y}",
        "Về việc đề nghị bổ nhiệm lại công chức",
        "Về việc đề nghị ban hành Quy định quản lý văn bản điện tử",
    ],
    "Chỉ thị": ["Về việc tăng cường kỷ luật, kỷ cương hành chính", "Về việc đẩy mạnh ứng dụng chữ ký số"],
    "Giấy mời": [
        "Dự Hội nghị triển khai nhiệm vụ năm {y}",
        "Dự họp góp ý dự thảo Quy chế phối hợp",
        "Dự lớp tập huấn sử dụng chữ ký số",
    ],
    "Công văn": [
        "V/v góp ý dự thảo quy định quản lý văn bản",
        "V/v cung cấp số liệu đầu tư công năm {y}",
        "V/v đăng ký tham dự tập huấn chữ ký số",
        "V/v báo cáo tình hình giải ngân vốn",
        "V/v triển khai thực hiện Nghị định số 30/2020/NĐ-CP",
        "V/v rà soát hồ sơ cán bộ, công chức",
    ],
}
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trương",
    "Lương",
    "Mai",
    "Đoàn",
    "Lâm",
]
MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Thị", "Thu", "Ngọc", "Hồng", "Kim"]
GIVEN = [
    "Minh",
    "Hùng",
    "Dũng",
    "Tuấn",
    "Nam",
    "Long",
    "Sơn",
    "Hải",
    "Trung",
    "Thắng",
    "Phúc",
    "Hiếu",
    "Tâm",
    "Thành",
    "Vinh",
    "Cường",
    "Huy",
    "Bình",
    "Hà",
    "Lan",
    "Hương",
    "Mai",
    "Trang",
    "Linh",
    "Thảo",
    "Hạnh",
]
BODY = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    (
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc đẩy mạnh cải cách hành chính, "
        "cơ quan đề nghị các đơn vị phối hợp triển khai thực hiện các nội dung sau đây."
    ),
    (
        "Các cơ quan, đơn vị chủ động rà soát, tổng hợp số liệu và gửi báo cáo về cơ quan chủ trì "
        "trước ngày 25 hằng tháng để tổng hợp, báo cáo cấp có thẩm quyền."
    ),
    (
        "Giao Văn phòng chủ trì, phối hợp với các phòng chuyên môn theo dõi, đôn đốc việc thực hiện; "
        "kịp thời báo cáo những khó khăn, vướng mắc phát sinh trong quá trình triển khai."
    ),
    "Thủ trưởng các cơ quan, đơn vị và các cá nhân có liên quan chịu trách nhiệm thi hành văn bản này.",
    "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị phản ánh về cơ quan thường trực để được hướng dẫn.",
]
RECIPIENTS = [
    ["Như trên", "Lưu: VT"],
    ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, TCHC"],
    ["Các Sở, ban, ngành", "UBND các huyện, thị xã", "Lưu: VT"],
    ["Như trên", "Lãnh đạo Văn phòng", "Lưu: VT, KH"],
    ["Thường trực Tỉnh ủy (b/c)", "Như Điều 2", "Lưu: VT, NC"],
    ["Như trên", "Website", "Lưu: VT, TH"],
]


@dataclass(frozen=True)
class Agency:
    parent: str  # first header line (regular capitals), "" when the agency stands alone
    header: str  # the agency's own header line(s), "\n" between lines (bold capitals)
    name: str  # directory name
    code: str  # directory code
    short: str  # its part of a notation ("BDT", "UBND", "BNV-VP")
    place: str  # where it issues ("Bình Định")
    kind: str  # province | department | district | office | commune | ministry | ministry_unit


def _bare(name):
    return (
        name.split(" ", 1)[1]
        if name.startswith(("huyện ", "xã ", "phường "))
        else (name.split(" ", 2)[2] if name.startswith(("thị xã ", "thành phố ", "thị trấn ")) else name)
    )


@lru_cache(maxsize=1)
def agencies() -> tuple[Agency, ...]:
    """Every agency the corpus can draw (also the directory prefill matches against)."""
    out = []
    for p, (prov, h) in enumerate(PROVINCES):
        out.append(
            Agency(
                "",
                f"ỦY BAN NHÂN DÂN\nTỈNH {prov.upper()}",
                f"Ủy ban nhân dân tỉnh {prov}",
                f"000.00.00.{h}",
                "UBND",
                prov,
                "province",
            )
        )
        for d, (dept, short) in enumerate(DEPARTMENTS):
            out.append(
                Agency(
                    f"UBND TỈNH {prov.upper()}",
                    dept.upper(),
                    f"{dept} tỉnh {prov}" if dept != "Thanh tra tỉnh" else f"Thanh tra tỉnh {prov}",
                    f"000.00.{11 + d:02d}.{h}",
                    short,
                    prov,
                    "department",
                )
            )
        for k, district in enumerate(DISTRICTS[prov]):
            place = _bare(district)
            out.append(
                Agency(
                    "",
                    f"ỦY BAN NHÂN DÂN\n{district.upper()}",
                    f"Ủy ban nhân dân {district}",
                    f"000.{20 + k}.00.{h}",
                    "UBND",
                    place,
                    "district",
                )
            )
            for o, (office, short) in enumerate(DISTRICT_OFFICES):
                out.append(
                    Agency(
                        f"UBND {district.upper()}",
                        office.upper(),
                        f"{office} {district}",
                        f"000.{20 + k}.{31 + o}.{h}",
                        short,
                        place,
                        "office",
                    )
                )
            commune = COMMUNES[p * 3 + k]
            out.append(
                Agency(
                    f"UBND {district.upper()}",
                    f"ỦY BAN NHÂN DÂN\n{commune.upper()}",
                    f"Ủy ban nhân dân {commune}",
                    f"{20 + k:03d}.{p + 1:02d}.00.{h}",
                    "UBND",
                    _bare(commune),
                    "commune",
                )
            )
    for ministry, short, g in MINISTRIES:
        out.append(Agency("", ministry.upper(), ministry, f"000.00.00.{g}", short, "Hà Nội", "ministry"))
        for u, (unit, ushort) in enumerate(MINISTRY_UNITS):
            out.append(
                Agency(
                    ministry.upper(),
                    unit.upper(),
                    f"{unit} {ministry}",
                    f"000.{u + 1:02d}.01.{g}",
                    f"{short}-{ushort}",
                    "Hà Nội",
                    "ministry_unit",
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def councils() -> tuple[Agency, ...]:
    """The provincial councils (HĐND tỉnh), issuers of the colour set's resolutions with QPPL numbers."""
    return tuple(
        Agency(
            "",
            f"HỘI ĐỒNG NHÂN DÂN\nTỈNH {prov.upper()}",
            f"Hội đồng nhân dân tỉnh {prov}",
            f"000.00.01.{h}",
            "HĐND",
            prov,
            "council",
        )
        for prov, h in PROVINCES
    )


def directory() -> list[tuple[str, str, str]]:
    """(name, code, short code) of every agency of the corpus (the grey and the colour sets): the real issuers
    and many look-alike distractors."""
    return [(a.name, a.code, a.short) for a in (*agencies(), *councils())]


def doc_types() -> list[tuple[str, str]]:
    from .prefill_data import DOC_TYPES

    return list(DOC_TYPES)


SIGNATURES = {  # kind -> [(authority, principal, position)]
    "province": [("TM", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")],
    "district": [("TM", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")],
    "commune": [("TM", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT", "CHỦ TỊCH", "PHÓ CHỦ TỊCH")],
    "department": [
        ("", "", "GIÁM ĐỐC"),
        ("KT", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
        ("TL", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
        ("TUQ", "GIÁM ĐỐC", "TRƯỞNG PHÒNG"),
    ],
    "office": [("", "", "TRƯỞNG PHÒNG"), ("KT", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")],
    "ministry": [("", "", "BỘ TRƯỞNG"), ("KT", "BỘ TRƯỞNG", "THỨ TRƯỞNG"), ("TL", "BỘ TRƯỞNG", "CHÁNH VĂN PHÒNG")],
    "ministry_unit": [("", "", "VỤ TRƯỞNG"), ("KT", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG")],
}


def _rng(seed, held_out):
    return random.Random(f"{HELD_OUT_SALT}:{seed}" if held_out else f"dev:{seed}")


def _content(rnd):
    agency = rnd.choice(agencies())
    name, abbr, _ = rnd.choices(TYPES, weights=[t[2] for t in TYPES])[0]
    if agency.kind == "department" and agency.short == "TTr" and name == "Tờ trình":
        name, abbr = "Báo cáo", "BC"
    day = datetime.date(rnd.randint(2016, 2025), 1, 1) + datetime.timedelta(days=rnd.randint(0, 364))
    number = rnd.choice([rnd.randint(1, 9), rnd.randint(10, 99), rnd.randint(100, 999), rnd.randint(1000, 3500)])
    shown = f"{number:02d}"
    if abbr:
        notation = f"{abbr}-{agency.short}"
        if name in ("Quyết định", "Chỉ thị") and rnd.random() < 0.4:
            notation = f"{day.year}/{notation}"
    else:
        notation = agency.short if "-" in agency.short else f"{agency.short}-{rnd.choice(['VP', 'TH', 'KT'])}"
    subject = rnd.choice(SUBJECTS[name]).format(
        y=day.year, m=day.month, q=["I", "II", "III", "IV"][(day.month - 1) // 3]
    )
    authority, principal, position = rnd.choice(SIGNATURES[agency.kind])
    signer = " ".join(
        [rnd.choice(FAMILY), rnd.choice(MIDDLE)]
        + ([rnd.choice(MIDDLE)] if rnd.random() < 0.2 else [])
        + [rnd.choice(GIVEN)]
    )
    recipients = rnd.choice(RECIPIENTS)
    truth = {
        "issuer_name": agency.name,
        "issuer_code": agency.code,
        "code_number": shown,
        "code_notation": notation,
        "place": agency.place,
        "issued_date": day,
        "doc_type": name,
        "subject": subject,
        "signer_name": signer,
        "signer_position": position,
        "authority": authority,
        "recipients": list(recipients),
    }
    return agency, principal, truth


class _Page:
    def __init__(self, rnd):
        family = rnd.choice(sorted(FONTS))
        self.files = [f"{FONT_DIRS[family]}/{f}" for f in FONTS[family]]
        self.pt = rnd.choice([13, 13.5, 14])
        self.spacing = rnd.uniform(1.15, 1.5)
        self.left = int(rnd.uniform(28, 35) / 25.4 * DPI)
        self.right = A4[0] - int(rnd.uniform(15, 20) / 25.4 * DPI)
        self.y0 = int(rnd.uniform(18, 25) / 25.4 * DPI)
        self.img = Image.new("L", A4, 255)
        self.draw = ImageDraw.Draw(self.img)
        self.family = family

    def font(self, pt, style=0):
        return _font(self.files[style], round(pt * DPI / 72))

    def line_height(self, pt):
        return round(pt * DPI / 72 * self.spacing)

    def text(self, x, y, s, pt, style=0, anchor="la"):
        self.draw.text((x, y), s, fill=0, font=self.font(pt, style), anchor=anchor)
        return self.font(pt, style).getlength(s)

    def centred(self, cx, y, s, pt, style=0):
        self.text(cx, y, s, pt, style, anchor="ma")

    def rule(self, cx, y, width):
        self.draw.line([(cx - width / 2, y), (cx + width / 2, y)], fill=0, width=2)

    def wrap(self, s, pt, style, width):
        font, lines, cur = self.font(pt, style), [], ""
        for word in s.split():
            trial = f"{cur} {word}".strip()
            if cur and font.getlength(trial) > width:
                lines.append(cur)
                cur = word
            else:
                cur = trial
        return lines + ([cur] if cur else [])


@lru_cache(maxsize=16)
def _font(path, px):
    try:
        return ImageFont.truetype(path, px)
    except OSError as exc:
        raise RuntimeError(
            f"Font {path} missing: install fonts-liberation2 and fonts-dejavu-core (scripts/system-deps.sh)"
        ) from exc


def _layout(rnd, agency, principal, truth, *, addressees=None, session=None):
    """Draw the page. ``addressees`` (lines of a "Kính gửi:" list) and ``session`` (the council's lines under
    a resolution's subject) are the colour set's layouts; without them the grey set's page is drawn as before."""
    page = _Page(rnd)
    pt, lh = page.pt, page.line_height(page.pt)
    y = page.y0
    head = [(p, 0) for p in agency.parent.split("\n") if p] + [(h, 1) for h in agency.header.split("\n")]
    hpt = pt - 1
    while True:  # the two header columns never touch (ND30: issuer left, motto right)
        motto_w = page.font(hpt, 1).getlength("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        head_w = max(page.font(hpt, style).getlength(line) for line, style in head)
        if head_w + motto_w + 50 <= page.right - page.left or hpt <= 10:
            break
        hpt -= 0.5
    left_cx = page.left + max(head_w / 2, (page.right - page.left) * 0.2)
    right_cx = page.right - max(motto_w / 2, (page.right - page.left) * 0.3)
    for k, (line, style) in enumerate(head):
        page.centred(left_cx, y + k * page.line_height(hpt), line, hpt, style)
    page.centred(right_cx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", hpt, 1)
    page.centred(right_cx, y + page.line_height(hpt), "Độc lập - Tự do - Hạnh phúc", pt, 1)
    motto_w = page.font(pt, 1).getlength("Độc lập - Tự do - Hạnh phúc")
    page.rule(right_cx, y + page.line_height(hpt) * 2 + 4, motto_w)
    y += page.line_height(hpt) * len(head) + 6
    page.rule(left_cx, y, rnd.uniform(120, 220))
    y += int(lh * rnd.uniform(0.8, 1.3))
    number = f"Số: {truth['code_number']}/{truth['code_notation']}"
    d = truth["issued_date"]
    day = f"{d.day:02d}" if d.day < 10 and rnd.random() < 0.7 else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 and rnd.random() < 0.7 else str(d.month)
    dated = f"{truth['place']}, ngày {day} tháng {month} năm {d.year}"
    if left_cx + page.font(pt).getlength(number) / 2 + 30 <= right_cx - page.font(pt, 2).getlength(dated) / 2:
        page.centred(left_cx, y, number, pt)
        page.centred(right_cx, y, dated, pt, 2)
    else:  # a long QPPL number: the two columns never touch (left- and right-aligned, smaller if need be)
        npt = pt
        while npt > 10 and page.font(npt).getlength(number) + page.font(npt, 2).getlength(dated) + 40 > (
            page.right - page.left
        ):
            npt -= 0.5
        page.text(page.left, y, number, npt)
        page.text(page.right, y, dated, npt, 2, anchor="ra")
    y += lh
    if truth["doc_type"] == "Công văn":
        for line in page.wrap(truth["subject"], pt - 1, 0, (page.right - page.left) * 0.42):
            page.centred(left_cx, y, line, pt - 1)
            y += page.line_height(pt - 1)
        y += lh
        if addressees:
            page.text(page.left + int((page.right - page.left) * 0.25), y, "Kính gửi:", pt)
            for line in addressees:
                page.text(page.left + int((page.right - page.left) * 0.38), y, line, pt)
                y += lh
            y += lh
        else:
            page.centred(
                (page.left + page.right) / 2,
                y,
                "Kính gửi: "
                + rnd.choice(
                    ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các huyện, thị xã", "Các cơ quan, đơn vị trực thuộc"]
                ),
                pt,
            )
            y += lh * 2
    else:
        y += int(lh * rnd.uniform(1.0, 1.8))
        page.centred((page.left + page.right) / 2, y, truth["doc_type"].upper(), pt + 1, 1)
        y += page.line_height(pt + 1)
        for line in page.wrap(truth["subject"], pt, 1, (page.right - page.left) * 0.8):
            page.centred((page.left + page.right) / 2, y, line, pt, 1)
            y += lh
        page.rule((page.left + page.right) / 2, y + 6, rnd.uniform(150, 300))
        y += lh
        for line in session or ():
            y += lh // 3
            page.centred((page.left + page.right) / 2, y, line, pt, 1)
            y += lh
    bottom = _signature_height(page, truth, pt)
    for para in rnd.sample(BODY, rnd.randint(2, 5)):
        lines = page.wrap(para, pt, 0, page.right - page.left - 60)
        if y + lh * (len(lines) + 1) > A4[1] - bottom:
            break
        for k, line in enumerate(lines):
            page.text(page.left + (60 if k == 0 else 0), y, line, pt)
            y += lh
        y += int(lh * 0.3)
    y += lh
    _signature(page, rnd, truth, principal, y, pt)
    return page


def _signature_height(page, truth, pt):
    return page.y0 + page.line_height(pt) * (len(truth["recipients"]) + 8)


def _signature(page, rnd, truth, principal, y, pt):
    x = page.left
    page.text(x, y, "Nơi nhận:", pt - 1, 3)
    rows = truth["recipients"]
    for k, r in enumerate(rows):
        page.text(x, y + page.line_height(pt - 2) * (k + 1) + 4, f"- {r}{';' if k < len(rows) - 1 else '.'}", pt - 2)
    cx = page.left + (page.right - page.left) * 0.72
    block = ([f"{truth['authority']}. {principal}"] if truth["authority"] else []) + [truth["signer_position"]]
    for k, line in enumerate(block):
        page.centred(cx, y + page.line_height(pt) * k, line, pt, 1)
    name_y = y + page.line_height(pt) * (len(block) + rnd.randint(3, 4))
    page.centred(cx, name_y, truth["signer_name"], pt, 1)
    page.block = {  # where the signature and the seal go on a colour page
        "cx": cx,
        "top": y,
        "below": y + page.line_height(pt) * len(block),
        "name": name_y,
        "width": max(page.font(pt, 1).getlength(s) for s in [*block, truth["signer_name"]]),
        "line": page.line_height(pt),
    }


def _degrade(rnd, img):
    """A flatbed or copier scan: skew, softness, grey noise, speckles, exposure, sometimes JPEG."""
    img = img.rotate(rnd.uniform(-2, 2), resample=Image.BICUBIC, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(rnd.uniform(0.3, 1.1)))
    amp = rnd.randint(20, 70)
    noise = Image.frombytes("L", img.size, rnd.randbytes(img.size[0] * img.size[1])).point(
        lambda v, a=amp: v * a // 255
    )
    img = ImageChops.subtract(img, noise)
    draw = ImageDraw.Draw(img)
    for _ in range(rnd.randint(100, 900)):
        x, y, r = rnd.randrange(img.size[0]), rnd.randrange(img.size[1]), rnd.choice([1, 1, 1, 2])
        draw.ellipse([x, y, x + r, y + r], fill=rnd.randint(0, 120))
    img = ImageEnhance.Brightness(img).enhance(rnd.uniform(0.92, 1.12))
    img = ImageEnhance.Contrast(img).enhance(rnd.uniform(0.75, 1.15))
    if rnd.random() < 0.4:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rnd.randint(45, 85))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return img


def truth(seed: int, held_out: bool = False) -> dict:
    """The truth of the page ``render(seed, held_out)`` draws, without drawing it."""
    return _content(_rng(seed, held_out))[2]


def render(seed: int, held_out: bool = False) -> tuple[bytes, dict]:
    """The page for ``seed`` (the same bytes every time) and its truth. See the module docstring on held-out."""
    rnd = _rng(seed, held_out)
    agency, principal, truth = _content(rnd)
    img = _degrade(rnd, _layout(rnd, agency, principal, truth).img)
    out = io.BytesIO()
    img.save(out, "PNG", dpi=(DPI, DPI), optimize=False)
    return out.getvalue(), truth


def truth_json(truth: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in truth.items()}


# ---------------------------------------------------------------- accuracy (the bench and the test share it)

FIELDS = (
    "issuer_name",
    "issuer_code",
    "code_number",
    "code_notation",
    "place",
    "issued_date",
    "doc_type",
    "subject",
    "signer_name",
    "signer_position",
    "authority",
    "recipients",
)
LOW_CONFIDENCE = 0.6


def _norm(value):
    import re
    import unicodedata

    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip() if isinstance(value, str) else value


def is_right(got, want) -> bool:
    """A field is right when it equals the truth after Unicode NFC and whitespace squashing: exact diacritics and
    case, the exact date, a recipients list equal item by item."""
    if isinstance(want, list):
        return isinstance(got, list) and [_norm(g) for g in got] == [_norm(w) for w in want]
    return _norm(got) == _norm(want)


def score(prefill, truth: dict) -> dict:
    """field -> (right, flagged low-confidence) for one page."""
    return {
        name: (is_right(getattr(prefill, name).value, truth[name]), getattr(prefill, name).confidence < LOW_CONFIDENCE)
        for name in FIELDS
    }


def summary(scores: list[dict]) -> dict:
    """Per-field and overall accuracy, the share of fields flagged low-confidence, the share of wrong fields that
    were NOT flagged (what the clerk would miss) and the share of right fields that were flagged (what the clerk
    checks for nothing), overall and per field (``flagged_right_<field>``)."""
    n = len(scores)
    out = {name: sum(s[name][0] for s in scores) / n for name in FIELDS} if n else {}
    cells = [cell for s in scores for cell in s.values()]
    wrong = [flagged for right, flagged in cells if not right]
    right = [flagged for ok, flagged in cells if ok]
    out["overall"] = sum(ok for ok, _ in cells) / len(cells) if cells else 0.0
    out["flagged"] = sum(flagged for _, flagged in cells) / len(cells) if cells else 0.0
    out["wrong_unflagged"] = sum(not f for f in wrong) / len(wrong) if wrong else 0.0
    out["wrong_count"], out["wrong_unflagged_count"] = len(wrong), sum(not f for f in wrong)
    out["right_flagged"] = sum(right) / len(right) if right else 0.0
    for name in FIELDS:
        rights = [s[name][1] for s in scores if s[name][0]]
        out[f"flagged_right_{name}"] = sum(rights) / len(rights) if rights else 0.0
    return out
