"""OCR prefill of the registration form: extraction core on clean and noisy first pages."""

import datetime
import random
import unicodedata

import pytest

from vpdt.digitize.prefill import extract, extract_for, fold

DOC_TYPES = [
    ("Quyết định", "QĐ"),
    ("Công văn", ""),
    ("Thông báo", "TB"),
    ("Kế hoạch", "KH"),
    ("Báo cáo", "BC"),
    ("Tờ trình", "TTr"),
    ("Nghị quyết", "NQ"),
    ("Chỉ thị", "CT"),
]

# (parent header line, agency header line, directory name, code, short, place)
AGENCIES = [
    ("UBND TỈNH BÌNH ĐỊNH", "BAN DÂN TỘC", "Ban Dân tộc tỉnh Bình Định", "000.00.21.H08", "BDT", "Bình Định"),
    ("UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG", "Sở Xây dựng tỉnh Nghệ An", "000.00.12.H40", "SXD", "Nghệ An"),
    ("UBND TỈNH HÀ TĨNH", "SỞ XÂY DỰNG", "Sở Xây dựng tỉnh Hà Tĩnh", "000.00.12.H42", "SXD", "Hà Tĩnh"),
    ("ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "Ủy ban nhân dân tỉnh Bình Định", "000.00.00.H08", "UBND", "Bình Định"),
    ("BỘ NỘI VỤ", "VĂN PHÒNG", "Văn phòng Bộ Nội vụ", "000.01.01.G12", "BNV-VP", "Hà Nội"),
    (
        "UBND TỈNH NGHỆ AN",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "Sở Thông tin và Truyền thông tỉnh Nghệ An",
        "000.00.15.H40",
        "STTTT",
        "Nghệ An",
    ),
    (
        "UBND THÀNH PHỐ VINH",
        "PHÒNG TÀI CHÍNH - KẾ HOẠCH",
        "Phòng Tài chính - Kế hoạch thành phố Vinh",
        "000.20.31.H40",
        "TCKH",
        "Vinh",
    ),
]
DIRECTORY = [(a[2], a[3]) for a in AGENCIES]
TYPES = ["Quyết định", "Công văn", "Thông báo", "Kế hoạch", "Báo cáo", "Tờ trình", "Nghị quyết"]
ABBR = dict(DOC_TYPES)
SUBJECTS = [
    "Về việc ban hành Quy chế làm việc của cơ quan",
    "Về việc thành lập Tổ công tác chuyển đổi số",
    "Về việc phê duyệt kế hoạch đào tạo năm 2024",
    "Kết quả thực hiện cải cách hành chính quý III",
    "Về việc tổ chức Hội nghị tổng kết công tác năm",
    "Triển khai dịch vụ công trực tuyến toàn trình",
]
VV = [
    "V/v góp ý dự thảo quy định quản lý văn bản",
    "V/v cung cấp số liệu đầu tư công",
    "V/v đăng ký tham dự tập huấn chữ ký số",
    "V/v báo cáo tình hình giải ngân vốn",
]
SIGNERS = [
    ("KT", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    ("TM", "ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ("TL", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"),
    ("TUQ", "GIÁM ĐỐC", "TRƯỞNG PHÒNG"),
    ("", "", "GIÁM ĐỐC"),
    ("KT", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"),
    ("", "", "CHÁNH VĂN PHÒNG"),
]
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích Ngọc",
    "Lê Hoàng Minh",
    "Phạm Quốc Hùng",
    "Đặng Thị Thu Hà",
    "Hồ Sỹ Dũng",
    "Võ Thanh Tùng",
]
RECIPIENTS = [
    ["Như trên", "UBND tỉnh (b/c)", "Lưu: VT, KH"],
    ["Các Sở, ban, ngành", "Lưu: VT"],
    ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, TCHC"],
]


def make_case(i):
    rnd = random.Random(1000 + i)
    parent, unit, name, code, short, place = AGENCIES[i % len(AGENCIES)]
    doc_type = TYPES[i % len(TYPES)]
    day, month, year = rnd.randint(1, 28), rnd.randint(1, 12), rnd.choice([2017, 2021, 2023, 2024])
    number = str(rnd.choice([5, 12, 44, 171, 305, 1021, 17, 1]))
    abbr = ABBR[doc_type]
    notation = f"{abbr}-{short}" if abbr else short + ("-VP" if "-" not in short else "")
    if abbr and i % 3 == 0:
        notation = f"{year}/{notation}"
    number_shown = number.zfill(2)
    auth, principal, position = SIGNERS[i % len(SIGNERS)]
    signer = NAMES[(i * 3) % len(NAMES)]
    recipients = RECIPIENTS[i % len(RECIPIENTS)]
    pad = " " * 12
    lines = [
        f"{parent}{pad}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"{unit}{pad}Độc lập - Tự do - Hạnh phúc",
        f"{'-' * 8}{pad}{'-' * 20}",
        f"Số: {number_shown}/{notation}{pad}{place}, ngày {day:02d} tháng {month:02d} năm {year}",
    ]
    if doc_type == "Công văn":
        subject = VV[i % len(VV)]
        lines += [
            subject,
            "",
            "Kính gửi:",
            "- Các sở, ban, ngành trong tỉnh;",
            "- UBND các huyện, thị xã.",
            "",
            "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, cơ quan đề nghị các đơn vị phối hợp thực hiện.",
        ]
    else:
        subject = SUBJECTS[i % len(SUBJECTS)]
        lines += [
            "",
            doc_type.upper(),
            subject,
            "-" * 10,
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Xét đề nghị của Chánh Văn phòng,",
            "",
            "Điều 1. Ban hành kèm theo văn bản này nội dung nêu trên.",
        ]
    lines += [""]
    block = ([f"{auth}. {principal}"] if auth else []) + [position, "", "", signer]
    left = ["Nơi nhận:"] + [f"- {r}{';' if k < len(recipients) - 1 else '.'}" for k, r in enumerate(recipients)]
    for k in range(max(len(block), len(left))):
        a = left[k] if k < len(left) else ""
        b = block[k] if k < len(block) else ""
        lines.append(f"{a:<40}{pad}{b}".rstrip() if a else f"{' ' * 52}{b}".rstrip())
    gold = dict(
        issuer_name=name,
        issuer_code=code,
        code_number=number_shown,
        code_notation=notation,
        place=place,
        issued_date=datetime.date(year, month, day),
        doc_type=doc_type,
        subject=subject,
        signer_name=signer,
        signer_position=position,
        authority=auth,
        recipients=recipients,
    )
    return "\n".join(lines), gold


def strip_marks(word):
    return (
        "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
        .replace("đ", "d")
        .replace("Đ", "D")
    )


def ocr_noise(text, seed):
    rnd = random.Random(seed)
    out = []
    for line in text.split("\n"):
        if line.startswith("Số: "):
            line = rnd.choice(["S6: ", "Sô: ", "So: ", "Số: "]) + line[4:]
            if "1/" in line and rnd.random() < 0.6:
                line = line.replace("1/", rnd.choice(["U", "l/", "1l"]), 1)
            elif rnd.random() < 0.5:
                line = line.replace("/", rnd.choice(["I", "l"]), 1)
            line = line.replace("Đ", "D") if rnd.random() < 0.5 else line
        words = []
        for w in line.split(" "):
            if w and rnd.random() < 0.15:
                w = strip_marks(w)
            if w and rnd.random() < 0.08:
                w += " "
            words.append(w)
        out.append(" ".join(words))
    return "\n".join(out)


CASES = [make_case(i) for i in range(36)]
FIELDS = list(CASES[0][1])


def accuracy(cases):
    hits = {f: 0 for f in FIELDS}
    for text, gold in cases:
        got = extract(text, agencies=DIRECTORY, doc_types=DOC_TYPES).values()
        for f in FIELDS:
            hits[f] += got[f] == gold[f]
    return {f: hits[f] / len(cases) for f in FIELDS}


def test_clean_set_accuracy():
    clean = CASES[::2]
    acc = accuracy(clean)
    print("\nclean per field:", acc)
    overall = sum(acc.values()) / len(acc)
    assert len(clean) >= 15 and overall >= 0.9, acc
    assert min(acc.values()) >= 0.8, acc
    weak = [f for t, _ in clean for f in extract(t, agencies=DIRECTORY, doc_types=DOC_TYPES).low_confidence()]
    assert weak == []


NOISY_THRESHOLD = 0.9  # reached: 0.958 overall (subject 0.72, signer_name and recipients 0.89)


def test_noisy_set_accuracy():
    noisy = [(ocr_noise(t, seed=i), g) for i, (t, g) in enumerate(CASES[1::2])]
    assert sum(t != CASES[1::2][k][0] for k, (t, _) in enumerate(noisy)) >= 15
    acc = accuracy(noisy)
    print("\nnoisy per field:", {f: round(v, 2) for f, v in acc.items()})
    overall = sum(acc.values()) / len(acc)
    print("noisy overall:", round(overall, 3))
    assert overall >= NOISY_THRESHOLD, acc


HEADER = (
    "UBND TỈNH BÌNH ĐỊNH            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "BAN DÂN TỘC                   Độc lập - Tự do - Hạnh phúc\n"
)


def page(number_line, rest="\nQUYẾT ĐỊNH\nVề việc phê duyệt danh sách người có uy tín\n"):
    return HEADER + number_line + "\n" + rest


@pytest.mark.parametrize(
    "line,number,notation",
    [
        ("Số: 171/QĐ-BDT           Bình Định, ngày 10 tháng 4 năm 2017", "171", "QĐ-BDT"),
        ("Số: 44/2017/QĐ-UBND      Bình Định, ngày 10 tháng 4 năm 2017", "44", "2017/QĐ-UBND"),
        ("Số: 05/BNV-VP            Hà Nội, ngày 10 tháng 4 năm 2017", "05", "BNV-VP"),
    ],
)
def test_issue_examples_number(line, number, notation):
    got = extract(page(line), doc_types=DOC_TYPES)
    assert (got.code_number.value, got.code_notation.value) == (number, notation)
    assert got.code_number.confidence >= 0.8


def test_issue_example_place_and_date():
    got = extract(page("Số: 171/QĐ-BDT      Bình Định, ngày 10 tháng 4 năm 2017"))
    assert got.place.value == "Bình Định"
    assert got.issued_date.value == datetime.date(2017, 4, 10)
    assert got.issued_date.confidence >= 0.9


@pytest.mark.parametrize("token", ["17UQĐ-BDT", "17UQD-BDT", "171lQĐ-BDT", "1711QĐ-BDT", "l7l/QĐ-BDT"])
def test_ocr_number_is_corrected_with_lower_confidence(token):
    clean = extract(page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017"), doc_types=DOC_TYPES)
    got = extract(page(f"S6: {token}    Bình Định, ngay 10 thang 4 nam 2017"), doc_types=DOC_TYPES)
    assert (got.code_number.value, got.code_notation.value) == ("171", "QĐ-BDT")
    assert got.code_number.confidence < clean.code_number.confidence
    assert got.issued_date.value == datetime.date(2017, 4, 10)
    assert got.issued_date.confidence < clean.issued_date.confidence


@pytest.mark.parametrize("token", ["44I2017/QĐ-UBND", "44l2017/QD-UBND", "44/2017/QD-UBND"])
def test_number_with_year_and_confused_separator(token):
    got = extract(page(f"So: {token}    Bình Định, ngày 10 tháng 4 năm 2017"), doc_types=DOC_TYPES)
    assert (got.code_number.value, got.code_notation.value) == ("44", "2017/QĐ-UBND")
    assert got.code_number.confidence < 0.9 and "code_number" not in got.low_confidence(0.6)


def test_diacritics_restored_only_on_unambiguous_words():
    text = page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017") + (
        "\nNơi nhận:\n- Nhu tren;\n- Cac Sở, ban, ngành;\n- Luu: VT.\n"
    )
    got = extract(text)
    assert got.recipients.value == ["Như trên", "Các Sở, ban, ngành", "Lưu: VT"]
    assert got.recipients.confidence < 0.8
    # a clean subject keeps its plain words ("uy tín" is not "ủy tín")
    assert got.subject.value == "Về việc phê duyệt danh sách người có uy tín"
    assert got.subject.confidence >= 0.8


def test_invalid_date_is_not_returned():
    got = extract(page("Số: 171/QĐ-BDT    Bình Định, ngày 31 tháng 2 năm 2017"))
    assert got.issued_date.value is None and got.issued_date.confidence == 0
    assert "issued_date" in got.low_confidence()


def test_vv_subject_of_a_cong_van():
    text = HEADER + (
        "Số: 05/BDT-VP       Bình Định, ngày 3 tháng 5 năm 2024\n"
        "V/v cung cấp số liệu về\nngười có uy tín năm 2024\n\nKính gửi: Sở Tài chính\n"
    )
    got = extract(text, doc_types=DOC_TYPES)
    assert got.subject.value == "V/v cung cấp số liệu về người có uy tín năm 2024"
    assert got.doc_type.value == "Công văn"


def test_subject_after_heading():
    got = extract(page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017"), doc_types=DOC_TYPES)
    assert got.doc_type.value == "Quyết định" and got.doc_type.confidence >= 0.9
    assert got.subject.value == "Về việc phê duyệt danh sách người có uy tín"


@pytest.mark.parametrize(
    "line,authority,position",
    [
        ("TM. ỦY BAN NHÂN DÂN", "TM", "CHỦ TỊCH"),
        ("KT. GIÁM ĐỐC", "KT", "PHÓ GIÁM ĐỐC"),
        ("TL. GIÁM ĐỐC", "TL", "CHÁNH VĂN PHÒNG"),
        ("TUQ. GIÁM ĐỐC", "TUQ", "TRƯỞNG PHÒNG"),
        ("Q. GIÁM ĐỐC", "Q", "GIÁM ĐỐC"),
    ],
)
def test_each_authority_prefix(line, authority, position):
    block = [line] + ([] if authority == "Q" else [position]) + ["", "Nguyễn Văn An"]
    text = page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017") + "\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
    got = extract(text + "\n".join(block))
    assert got.authority.value == authority
    assert got.signer_position.value == position
    assert got.signer_name.value == "Nguyễn Văn An"
    assert got.recipients.value == ["Như trên", "Lưu: VT"]


def test_issuer_matched_to_directory_and_corrected():
    got = extract(page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017"), agencies=DIRECTORY)
    assert (got.issuer_name.value, got.issuer_code.value) == ("Ban Dân tộc tỉnh Bình Định", "000.00.21.H08")
    noisy = extract(
        page("S6: 171/QD-BDT    Binh Dinh, ngay 10 thang 4 nam 2017").replace("BAN DÂN TỘC", "BAN DAN T0C"),
        agencies=DIRECTORY,
    )
    assert noisy.issuer_code.value == "000.00.21.H08"
    assert noisy.issuer_name.confidence < got.issuer_name.confidence


def test_issuer_without_directory_is_the_header_line():
    got = extract(page("Số: 171/QĐ-BDT    Bình Định, ngày 10 tháng 4 năm 2017"))
    assert got.issuer_name.value == "BAN DÂN TỘC"
    assert got.issuer_code.value == "" and "issuer_code" in got.low_confidence()
    assert got.authority.value == "" and got.authority.confidence == 0  # no signature block at all


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        bytes(range(256)).decode("latin-1"),
        bytes(random.Random(7).randbytes(600)).decode("utf-8", "replace"),
        None,
    ],
)
def test_garbage_gives_empty_fields(text):
    got = extract(text)
    assert all(f.confidence == 0 for f in vars(got).values())
    assert got.values()["recipients"] == [] and got.issued_date.value is None
    assert len(got.low_confidence()) == 12


def test_fold_keeps_length():
    s = "CỘNG HÒA XÃ HỘI Đường"
    assert len(fold(s)) == len(s) and fold(s) == "cong hoa xa hoi duong"


def test_extract_for_uses_directory_and_catalog(org):
    text = (
        f"UBND TỈNH NGHỆ AN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n{org.sxd.name.upper()}\n"
        "Số: 12/QD-SXD           Nghệ An, ngày 2 tháng 3 năm 2024\n\nQUYẾT ĐỊNH\nVề việc kiện toàn tổ công tác\n"
    )
    got = extract_for(text)
    assert got.issuer_code.value == org.sxd.code
    assert got.code_notation.value == "QĐ-SXD"
    assert got.doc_type.value == "Quyết định"
