"""What the reading of a scan does beyond one Tesseract pass, and what it costs: the dust is removed without
touching the letters, Tesseract runs with one thread unless told otherwise, the subject is read a second time on
its own and the words the two readings disagree on flag it, a "V/v" line set apart by a blank line still belongs
to the subject, and the bench's measure of what a clerk checks for nothing."""

import pytest
from PIL import Image, ImageDraw

from vpdt.digitize import corpus, prefill, reading

LOW = 0.6


def test_despeckle_removes_dust_and_keeps_the_letters_as_scanned():
    page = Image.new("L", (200, 120), 235)
    draw = ImageDraw.Draw(page)
    draw.rectangle([20, 30, 120, 33], fill=20)  # a stroke four pixels high
    draw.rectangle([20, 60, 22, 62], fill=30)  # a mark of 3 × 3, as beside a letter
    draw.rectangle([20, 34, 22, 35], fill=40)  # a blot along the stroke: part of it
    for x, y in ((150, 10), (170, 90), (60, 100)):
        page.putpixel((x, y), 10)  # dust: single pixels
    draw.line([(100, 70), (100, 90)], fill=50)  # a hair on the glass, one pixel wide
    for x in range(0, 200, 2):
        page.putpixel((x, 5), 190)  # the grain of the paper
    clean = reading.despeckle(page)
    assert clean.size == page.size and clean.mode == "L"
    for x, y in ((150, 10), (170, 90), (60, 100), (100, 70), (100, 80)):
        assert clean.getpixel((x, y)) == 235, (x, y)
    for x, y in ((21, 31), (119, 32), (70, 31), (21, 61), (21, 35)):
        assert clean.getpixel((x, y)) == page.getpixel((x, y)), (x, y)  # strokes and marks as scanned
    assert clean.getpixel((40, 5)) == 235 and clean.getpixel((5, 50)) == 235


def test_a_dusty_page_is_despeckled_before_reading():
    page = Image.new("L", (400, 300), 240)
    for k in range(40):
        page.putpixel((5 + k % 10, 10 + 7 * k), 0)  # dust in the margin
    ready, dpi, colour = reading._ready(page, 200)
    assert reading.speckled(page) and not colour and dpi == 200
    assert ready.getpixel((5, 10)) == 240 and ready.getpixel((5, 100)) == 240
    tidy = Image.new("L", (400, 300), 240)
    assert not reading.speckled(tidy) and reading._ready(tidy, 200)[0] is tidy


def test_tesseract_reads_with_one_thread_unless_told(monkeypatch):
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    assert reading._environment(1)["OMP_THREAD_LIMIT"] == "1"
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 8)
    assert reading._environment(1, threads=4)["OMP_THREAD_LIMIT"] == "4"
    assert reading._environment(4, threads=4)["OMP_THREAD_LIMIT"] == "2"  # four pages at once share the cores
    monkeypatch.setenv("OMP_THREAD_LIMIT", "3")
    assert reading._environment(1)["OMP_THREAD_LIMIT"] == "3"


HOCR = (
    "<span class='ocr_line' id='line_1_5' title=\"bbox 443 560 1363 608\">"
    "<span class='ocrx_word' id='word_1_38' title='bbox 443 562 520 600; x_wconf 96'>Quy</span>\n"
    "<span class='ocrx_word' id='word_1_39' title='bbox 530 560 640 600; x_wconf 95'>định</span>\n"
    "<span class='ocrx_word' id='word_1_40' title='bbox 650 566 700 600; x_wconf 91'>›</span>\n"
    "<span class='ocrx_word' id='word_1_41' title='bbox 710 566 790 597; x_wconf 96'>mức</span>\n"
    "<span class='ocrx_word' id='word_1_42' title='bbox 800 566 860 597; x_wconf 96'>chỉ</span></span>\n"
    "<span class='ocr_line' id='line_1_6' title=\"bbox 646 614 1157 661\">"
    "<span class='ocrx_word' id='word_1_43' title='bbox 646 614 700 661; x_wconf 96'>hỗ</span>\n"
    "<span class='ocrx_word' id='word_1_44' title='bbox 710 614 1157 655; x_wconf 96'>trợ&amp;</span></span>"
)


def test_the_subject_is_found_on_the_page_by_its_words():
    words = reading.layout_words(HOCR)
    assert words[0] == ("Quy", (443, 562, 520, 600)) and words[-1][0] == "trợ&"
    assert reading.locate(["Quy", "định", "mức", "chỉ", "hỗ"], words) == (443, 560, 860, 661)  # dust skipped
    assert reading.locate(["mức", "chỉ"], words) == (710, 566, 860, 597)
    assert reading.locate(["mức", "chi"], words) is None
    assert reading.locate([], words) is None


def test_the_words_two_readings_disagree_on_become_doubts():
    first = "Quy định nội dung, mức chỉ hỗ trợ chuyển đổi số".split()
    assert reading.disagreements(first, list(first)) == []
    again = "Quy định nội dung. mức chi hỗ trợ chuyển đối số".split()  # punctuation alone is no difference
    assert reading.disagreements(first, again) == [
        {"word": "chỉ", "alt": "chi", "p": 100.0, "before": "mức", "after": "hỗ", "again": True},
        {"word": "đổi", "alt": "đối", "p": 100.0, "before": "chuyển", "after": "số", "again": True},
    ]
    assert reading.disagreements(first, "Kính gửi Các sở ban ngành".split()) == []  # another region: nothing
    assert reading.disagreements(first, []) == []


TEXT = (
    "UBND TỈNH NGHỆ AN   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "SỞ XÂY DỰNG   Độc lập - Tự do - Hạnh phúc\n\n"
    "Số: 125/QĐ-SXD   Nghệ An, ngày 12 tháng 3 năm 2026\n\n"
    "QUYẾT ĐỊNH\nQuy định nội dung, mức chỉ hỗ trợ chuyển đổi số\n\n"
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015, được sửa đổi bổ sung năm 2019;\n"
)


def test_a_disagreement_of_the_second_reading_flags_the_subject_and_says_both():
    clean = prefill.extract(TEXT)
    assert clean.subject.value == "Quy định nội dung, mức chỉ hỗ trợ chuyển đổi số"
    assert clean.subject.confidence >= LOW
    doubts = reading.disagreements(clean.subject.raw.split(), "Quy định nội dung, mức chi hỗ trợ chuyển đổi số".split())
    got = prefill.extract(TEXT, doubts=doubts)
    assert got.subject.value == clean.subject.value and got.subject.confidence < LOW
    assert "Đọc lại" in got.subject.note and "“chỉ”" in got.subject.note and "“chi”" in got.subject.note
    assert got.issued_date.confidence == clean.issued_date.confidence  # only the field of that word


def test_the_second_reading_cuts_out_the_subject_and_reads_it_alone(monkeypatch, tmp_path):
    page = Image.new("L", (1600, 800), 250)
    seen = {}

    def tesseract(command, **kwargs):
        with Image.open(command[1]) as crop:
            seen["size"] = crop.size
        seen["command"] = command

        class Done:
            returncode = 0
            stdout = "Quy định nội dung, mức chi hỗ trợ chuyển đổi số\n".encode()

        return Done()

    monkeypatch.setattr(reading.subprocess, "run", tesseract)
    layer = "".join(
        f"<span class='ocrx_word' id='w{k}' title='bbox {100 + 60 * k} 500 {150 + 60 * k} 540; x_wconf 95'>{w}</span>"
        for k, w in enumerate("Quy định nội dung, mức chỉ hỗ trợ chuyển đổi số".split())
    )
    doubts = reading.second_reading(page, 200, TEXT, layer, [], tmp_path / "again", {})
    assert [(d["word"], d["alt"]) for d in doubts] == [("chỉ", "chi")]
    assert "--psm" in seen["command"] and seen["size"][0] < 800 and seen["size"][1] < 80  # a few lines, not the page
    # a subject already flagged is not read again
    seen.clear()
    hesitant = [{"word": "hỗ", "alt": "hõ", "p": 40.0, "before": "chỉ", "after": "trợ"}]
    assert reading.second_reading(page, 200, TEXT, layer, hesitant, tmp_path / "again", {}) == []
    assert not seen

    def missing(command, **kwargs):
        raise FileNotFoundError("tesseract")

    monkeypatch.setattr(reading.subprocess, "run", missing)  # no second look: the first reading stands
    assert reading.second_reading(page, 200, TEXT, layer, [], tmp_path / "again", {}) == []


@pytest.mark.parametrize(
    "after,subject",
    [
        ("\nsố\nKính gửi: Các sở, ban, ngành\n", "V/v đăng ký tham dự tập huấn chữ ký số"),
        ("\nKính gửi: Các sở, ban, ngành\n", "V/v đăng ký tham dự tập huấn chữ ký"),
        ("\nCác cơ quan, đơn vị chủ động rà soát\n", "V/v đăng ký tham dự tập huấn chữ ký"),
    ],
)
def test_a_v_v_line_set_apart_by_a_blank_line_goes_on_in_small_letters(after, subject):
    text = (
        "ỦY BAN NHÂN DÂN   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH NGHỆ AN   Độc lập - Tự do - Hạnh phúc\n\n"
        "Số: 387/UBND-VP   Nghệ An, ngày 23 tháng 7 năm 2025\nV/v đăng ký tham dự tập huấn chữ ký\n" + after
    )
    assert prefill.extract(text).subject.value == subject


def test_the_summary_counts_right_fields_flagged_for_nothing():
    right_flagged = dict.fromkeys(corpus.FIELDS, (True, False)) | {"subject": (True, True), "place": (False, True)}
    wrong_unflagged = dict.fromkeys(corpus.FIELDS, (True, False)) | {"subject": (False, False)}
    got = corpus.summary([right_flagged, wrong_unflagged])
    assert got["wrong_count"] == 2 and got["wrong_unflagged_count"] == 1 and got["wrong_unflagged"] == 0.5
    assert got["right_flagged"] == pytest.approx(1 / 22)
    assert got["flagged_right_subject"] == 1.0 and got["flagged_right_issuer_name"] == 0.0
