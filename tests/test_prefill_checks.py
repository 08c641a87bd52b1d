"""What the prefill checks before a clerk trusts it: the issuer against the directory (the parent line never stands
for the agency; any mismatch is flagged and explained), the symbol's agency code against the directory's short
codes, the signature block (never the authority line as the name), the recipients list, and the letters the OCR
hesitated on. Pure functions on OCR-like text: no OCR here."""

import datetime

import pytest

from vpdt.digitize.prefill import extract

LOW = 0.6
DOC_TYPES = [("Quyết định", "QĐ"), ("Công văn", ""), ("Nghị quyết", "NQ"), ("Thông báo", "TB"), ("Báo cáo", "BC")]
# (name, code, short code), as the directory holds them
NGHE_AN = [
    ("Ủy ban nhân dân tỉnh Nghệ An", "000.00.00.H41", "UBND"),
    ("Sở Xây dựng tỉnh Nghệ An", "000.00.12.H41", "SXD"),
    ("Sở Thông tin và Truyền thông tỉnh Nghệ An", "000.00.15.H41", "STTTT"),
    ("Ủy ban nhân dân huyện Nghi Lộc", "000.00.31.H41", "UBND"),
    ("Sở Tài chính tỉnh Hà Tĩnh", "000.00.12.H42", "STC"),
    ("Hội đồng nhân dân tỉnh Nghệ An", "000.00.01.H41", "HĐND"),
    ("Vụ Kế hoạch - Tài chính Bộ Tài chính", "000.04.01.G09", "BTC-KHTC"),
    ("Bộ Tài chính", "000.00.00.G09", "BTC"),
]
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def page(header, number="Số: 125/QĐ-STC", place="Nghệ An", rest=""):
    """A first page as Tesseract lays it out: the header lines beside the motto, then number and date."""
    lines = [f"{h}   {MOTTO[k]}" if k < 2 else h for k, h in enumerate(header)]
    lines.append(f"{number}   {place}, ngày 12 tháng 3 năm 2026")
    return "\n".join(lines) + "\n\nQUYẾT ĐỊNH\nVề việc kiện toàn Tổ công tác chuyển đổi số\n" + rest


def test_the_parent_line_never_wins_over_the_agency_line():
    """The header of a department the directory lacks: not its parent (“Ủy ban nhân dân tỉnh Nghệ An” at 73% with
    nothing to check, as before), but flagged, with the reason on the form."""
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ TÀI CHÍNH"]), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert got.issuer_name.value != "Ủy ban nhân dân tỉnh Nghệ An"
    assert got.issuer_code.value != "000.00.00.H41"
    assert got.issuer_name.confidence < LOW and got.issuer_code.confidence < LOW
    assert "issuer_name" in got.low_confidence() and "issuer_code" in got.low_confidence()
    assert "SỞ TÀI CHÍNH" in got.issuer_name.note and "danh bạ" in got.issuer_name.note
    # once the directory has it, it is taken, exactly
    directory = [*NGHE_AN, ("Sở Tài chính tỉnh Nghệ An", "000.00.13.H41", "STC")]
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ TÀI CHÍNH"]), agencies=directory, doc_types=DOC_TYPES)
    assert (got.issuer_name.value, got.issuer_code.value) == ("Sở Tài chính tỉnh Nghệ An", "000.00.13.H41")
    assert got.issuer_name.confidence >= 0.9 and not got.issuer_name.note


@pytest.mark.parametrize(
    "header,name",
    [
        (["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], "Sở Xây dựng tỉnh Nghệ An"),
        (
            ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "SỞ THÔNG TIN VÀ", "TRUYỀN THÔNG"],
            "Sở Thông tin và Truyền thông tỉnh Nghệ An",
        ),
        (["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN"], "Ủy ban nhân dân tỉnh Nghệ An"),
        (["HỘI ĐỒNG NHÂN DÂN", "TỈNH NGHỆ AN"], "Hội đồng nhân dân tỉnh Nghệ An"),
        (["BỘ TÀI CHÍNH", "VỤ KẾ HOẠCH -", "TÀI CHÍNH"], "Vụ Kế hoạch - Tài chính Bộ Tài chính"),
        (["ỦY BAN NHÂN DÂN", "HUYỆN NGHI LỘC"], "Ủy ban nhân dân huyện Nghi Lộc"),
    ],
)
def test_the_agency_s_own_lines_choose_the_entry(header, name):
    """Parents in one or two lines, names over two lines: the entry that explains the agency's own lines."""
    got = extract(page(header, number="Số: 12/QĐ-X"), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert got.issuer_name.value == name
    assert not got.issuer_name.note.startswith("Tiêu đề")  # no mismatch to report


def test_a_partial_match_is_flagged_and_says_what_differs():
    """“Sở Tài chính” of another province explains the agency line but not the parent's place: not proposed."""
    directory = [row for row in NGHE_AN if row[2] != "UBND"]
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ TÀI CHÍNH"]), agencies=directory, doc_types=DOC_TYPES)
    assert got.issuer_name.confidence < LOW and got.issuer_code.value == ""
    assert got.issuer_name.value == "SỞ TÀI CHÍNH" and "Không tìm thấy trong danh bạ" in got.issuer_name.note
    # a header with a word lost: the entry is proposed, flagged, with what differs
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ THÔNG TIN VÀ TRUYỀN"]), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert got.issuer_name.value == "Sở Thông tin và Truyền thông tỉnh Nghệ An" and got.issuer_name.confidence < LOW
    assert "khác ở: thong" in got.issuer_name.note


def test_a_header_misread_keeps_the_entry_with_a_lower_confidence():
    clean = extract(page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], number="Số: 12/QĐ-SXD"), agencies=NGHE_AN)
    misread = extract(page(["UBND TINH NGHE AN", "S0 XAY DUNG"], number="Số: 12/QĐ-SXD"), agencies=NGHE_AN)
    assert clean.issuer_code.value == misread.issuer_code.value == "000.00.12.H41"
    assert misread.issuer_name.confidence < clean.issuer_name.confidence


def test_known_short_codes_correct_the_symbol_with_a_lower_confidence():
    header = ["UBND TỈNH NGHỆ AN", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    clean = extract(page(header, number="Số: 45/QĐ-STTTT"), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert clean.code_notation.value == "QĐ-STTTT" and clean.code_notation.confidence >= 0.9
    got = extract(page(header, number="Số: 45/QĐ-STTTI"), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert got.code_number.value == "45" and got.code_notation.value == "QĐ-STTTT"
    assert got.code_notation.confidence < clean.code_notation.confidence
    assert "STTTI" in got.code_notation.note and "STTTT" in got.code_notation.note
    # the council's QPPL number: year, type, short code with its Đ restored from the directory
    council = extract(
        page(["HỘI ĐỒNG NHÂN DÂN", "TỈNH NGHỆ AN"], number="Số: 12/2026/NQ-HDND"), agencies=NGHE_AN, doc_types=DOC_TYPES
    )
    assert (council.code_number.value, council.code_notation.value) == ("12", "2026/NQ-HĐND")


def test_a_lost_dash_between_the_agency_and_the_unit_is_put_back_from_the_directory():
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], number="Số: 45/SXDVP"), agencies=NGHE_AN)
    assert got.code_notation.value == "SXD-VP" and LOW <= got.code_notation.confidence < 0.9
    assert "SXDVP" in got.code_notation.note


def test_a_symbol_of_another_agency_flags_both():
    got = extract(page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], number="Số: 45/QĐ-STTTT"), agencies=NGHE_AN)
    assert got.issuer_name.value == "Sở Xây dựng tỉnh Nghệ An"
    assert got.issuer_name.confidence < LOW and "STTTT" in got.issuer_name.note
    unknown = extract(page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], number="Số: 45/QĐ-XQZ"), agencies=NGHE_AN)
    assert unknown.code_notation.confidence < LOW and "XQZ" in unknown.code_notation.note


BLOCK = "\n\nNơi nhận:   {auth}\n- Như trên;   {position}\n- Lưu: VT, TH.\n\n\n{name}\n"


@pytest.mark.parametrize("auth", ["KT. GIÁM ĐỐC", "KT GIÁM ĐỐC", "KT, GIÁM ĐỐC"])
def test_the_authority_line_is_never_the_signer_s_name(auth):
    """The seal ate the name: nothing is better than the authority line read as a name."""
    text = page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], rest=BLOCK.format(auth=auth, position="PHÓ GIÁM ĐỐC", name=""))
    got = extract(text, agencies=NGHE_AN)
    assert got.signer_position.value == "PHÓ GIÁM ĐỐC" and got.authority.value == "KT"
    assert got.signer_name.value == "" and got.signer_name.confidence == 0
    text = page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"], rest=BLOCK.format(auth=auth, position="", name="Kt Giám Đốc"))
    assert extract(text).signer_name.value == ""


def test_a_misread_mark_on_a_family_name_is_corrected_and_an_unknown_one_flagged():
    base = page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"])
    got = extract(base + BLOCK.format(auth="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name="Đỉnh Hồng Thảo"))
    assert got.signer_name.value == "Đinh Hồng Thảo" and LOW <= got.signer_name.confidence < 0.9
    odd = extract(base + BLOCK.format(auth="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", name="Ê Hồng Thành"))
    assert odd.signer_name.confidence < LOW and "họ" in odd.signer_name.note


def test_seal_dust_after_the_recipients_is_dropped_and_a_list_without_its_end_is_flagged():
    base = page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"])
    dusty = base + (
        "\nNơi nhận:   KT. GIÁM ĐỐC\n- Các Sở, ban, ngành;   PHÓ GIÁM ĐỐC\n- UBND tỉnh, Ắh NA;\n"
        "- Lưu: VT,TH. X À\n- óN\n\nTrần Văn Nam\n"
    )
    got = extract(dusty)
    assert got.recipients.value == ["Các Sở, ban, ngành", "UBND tỉnh", "Lưu: VT, TH"]
    caps = extract(base + "\nNơi nhận:   GIÁM ĐỐC\n- Như Điều 3, FAN;\n- Lưu: VT; KH.\n\nTrần Văn Nam\n")
    assert caps.recipients.value == ["Như Điều 3", "Lưu: VT, KH"]
    cut = extract(base + "\nNơi nhận:   GIÁM ĐỐC\n- Các Sở, ban, ngành;\n- UBND các huyện, thị xã;\n\nTrần Văn Nam\n")
    assert cut.recipients.value == ["Các Sở, ban, ngành", "UBND các huyện, thị xã"]
    assert cut.recipients.confidence < LOW and "Lưu: VT" in cut.recipients.note


def test_letters_the_ocr_hesitated_on_flag_their_field():
    text = page(["UBND TỈNH NGHỆ AN", "SỞ XÂY DỰNG"]).replace("Tổ công tác", "Tổ công tắc")
    doubts = [
        {"word": "tắc", "alt": "tác", "before": "công", "after": "chuyển"},
        {"word": "Số:", "alt": "số:", "before": "", "after": "125/QĐ-STC"},  # case only: not a doubt
        {"word": "12", "alt": "17", "before": "ngày", "after": "tháng"},
    ]
    clean = extract(text, agencies=NGHE_AN, doc_types=DOC_TYPES)
    got = extract(text, agencies=NGHE_AN, doc_types=DOC_TYPES, doubts=doubts)
    assert clean.subject.confidence >= LOW and got.subject.confidence < LOW
    assert "“tắc”" in got.subject.note and "“tác”" in got.subject.note
    assert got.issued_date.value == datetime.date(2026, 3, 12) and got.issued_date.confidence < LOW
    assert got.code_number.confidence == clean.code_number.confidence
    assert extract(text, doubts=[{"word": 3}, "rác", None]).subject.value == clean.subject.value  # bad input


def test_a_symbol_naming_a_unit_of_the_directory_flags_the_parent_taken_from_the_header():
    """The unit's header line was lost: the header gives the ministry, the symbol names its Vụ, which the directory
    holds as an agency of its own. Either may be right: flagged, both named."""
    got = extract(page(["BỘ TÀI CHÍNH"], number="Số: 12/BTC-KHTC"), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert got.issuer_name.value == "Bộ Tài chính" and got.issuer_name.confidence < LOW
    assert got.issuer_code.confidence < LOW and "Vụ Kế hoạch - Tài chính Bộ Tài chính" in got.issuer_name.note
    unit = extract(page(["BỘ TÀI CHÍNH"], number="Số: 12/BTC-VP"), agencies=NGHE_AN, doc_types=DOC_TYPES)
    assert unit.issuer_name.value == "Bộ Tài chính" and unit.issuer_name.confidence >= LOW  # no such agency
    whole = extract(page(["BỘ TÀI CHÍNH", "VỤ KẾ HOẠCH -", "TÀI CHÍNH"], number="Số: 12/BTC-KHTC"), agencies=NGHE_AN)
    assert whole.issuer_name.value == "Vụ Kế hoạch - Tài chính Bộ Tài chính" and whole.issuer_name.confidence >= LOW
