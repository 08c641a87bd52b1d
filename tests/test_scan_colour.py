"""Colour scans (ND30: colour at 200 dpi, the red seal over the left third of the blue signature): the corpus's
colour set, dropping the coloured ink before reading, the letters Tesseract hesitated on, and the accuracy of the
prefill on a few colour DEV pages read by the production path (``reading.read``).

Only DEV pages here; the held-out colour pages belong to ``bench/bench_prefill.py``. Each page's reading is cached
by the SHA-256 of the image, the Tesseract and reading versions in ``.cache/ocr-corpus/`` (as the grey corpus
test does), so the PostgreSQL pass and later runs do not read again."""

import functools
import hashlib
import io
import json
import subprocess
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from tests.test_prefill_corpus import CACHE
from vpdt.digitize import corpus, corpus_colour, engine, prefill, reading

PAGES = range(6)  # colour DEV seeds
# Floors below what these six pages give (reading 4: 0.972 overall, signer names 5 of 6, nothing wrong left
# unflagged).
OVERALL_FLOOR = 0.9


def _red_blue(img):
    """Pixels of red and of blue ink."""
    small = img.convert("RGB").resize((img.width // 4, img.height // 4))
    pixels = [small.getpixel((x, y)) for y in range(small.height) for x in range(small.width)]
    red = sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 120)
    blue = sum(1 for r, g, b in pixels if b > 120 and r < 100 and b - r > 60)
    return red, blue


def test_colour_pages_are_deterministic_rgb_at_200_dpi_with_seal_and_signature():
    data, truth = corpus_colour.render(3)
    assert corpus_colour.render(3) == (data, truth) and corpus_colour.truth(3) == truth
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG" and img.mode == "RGB" and img.size == corpus.A4
        assert [round(v) for v in img.info["dpi"]] == [200, 200]
        red, blue = _red_blue(img.crop((img.width // 2, img.height // 2, img.width, img.height)))
        assert red > 300 and blue > 100  # the seal and the signature, in the lower right quarter
    held = {hashlib.sha256(corpus_colour.render(s, held_out=True)[0]).hexdigest() for s in range(2)}
    dev = {hashlib.sha256(corpus_colour.render(s)[0]).hexdigest() for s in range(2)}
    assert len(held) == len(dev) == 2 and not held & dev


def test_colour_set_has_the_harder_layouts():
    truths = [corpus_colour.truth(s) for s in range(40)]
    directory = {(n, c) for n, c, _ in corpus.directory()}
    assert all((t["issuer_name"], t["issuer_code"]) in directory for t in truths)
    assert any(t["code_notation"].endswith("/NQ-HĐND") for t in truths)  # 12/2026/NQ-HĐND
    assert any(t["code_notation"].endswith("/QĐ-UBND") for t in truths)  # 05/2026/QĐ-UBND
    assert any(t["doc_type"] == "Công văn" for t in truths)
    two_line = {a.name for a in corpus.agencies() if a.header in corpus_colour.TWO_LINE}
    assert any(t["issuer_name"] in two_line for t in truths)


def test_dropping_ink_keeps_the_print_under_the_seal():
    page = Image.new("RGB", (200, 100), (246, 238, 214))  # yellowed paper
    draw = ImageDraw.Draw(page)
    draw.rectangle([10, 40, 190, 60], fill=(20, 20, 20))  # a line of print
    ink = Image.new("RGB", page.size, (255, 255, 255))
    ImageDraw.Draw(ink).ellipse([60, 5, 140, 95], outline=(215, 40, 50), width=8)  # the seal's ring
    ImageDraw.Draw(ink).line([(0, 80), (200, 20)], fill=(35, 60, 170), width=4)  # the signature
    from PIL import ImageChops

    scanned = ImageChops.multiply(page, ink)
    grey = reading.drop_ink(scanned)
    assert grey.mode == "L"
    assert reading._drop(scanned)[1] and not reading._drop(page)[1]  # ink, then only yellowed paper and print
    assert grey.getpixel((5, 5)) >= 250  # paper
    assert grey.getpixel((64, 20)) >= 245  # seal only
    assert grey.getpixel((20, 77)) >= 245  # signature only
    assert grey.getpixel((64, 50)) <= 60 and grey.getpixel((100, 50)) <= 40  # print, also under the ring


def test_hesitations_are_read_from_the_letters_runner_ups():
    hocr = (
        "<span class='ocr_line'><span class='ocrx_word' id='w1' title='x_wconf 96'>mức"
        "<span class='ocrx_cinfo' id='lstm_choices_1_1'><span class='ocrx_cinfo' id='choice_1' "
        "title='x_confs 96.1'>m</span></span></span>\n"
        "<span class='ocrx_word' id='w2' title='x_wconf 95'>chỉ"
        "<span class='ocrx_cinfo' id='lstm_choices_2_1'><span class='ocrx_cinfo' id='choice_2' "
        "title='x_confs 95'>c</span></span>"
        "<span class='ocrx_cinfo' id='lstm_choices_2_2'><span class='ocrx_cinfo' id='choice_3' "
        "title='x_confs 95'>h</span></span>"
        "<span class='ocrx_cinfo' id='lstm_choices_2_3'><span class='ocrx_cinfo' id='choice_4' "
        "title='x_confs 72.4'>ỉ</span>\n<span class='ocrx_cinfo' id='choice_5' title='x_confs 27.7'>i</span>"
        "<span class='ocrx_cinfo' id='choice_6' title='x_confs 0'>ị</span></span></span>\n"
        "<span class='ocrx_word' id='w3' title='x_wconf 97'>hỗ</span></span>"
    )
    layout, doubts = reading.hesitations(hocr)
    assert doubts == [{"word": "chỉ", "alt": "chi", "p": 27.7, "before": "mức", "after": "hỗ"}]
    assert "ocrx_cinfo" not in layout and ">chỉ" in layout and ">hỗ</span>" in layout


def test_generate_scans_writes_colour_pages(tmp_path):
    call_command("generate_scans", "--count", "1", "--mau", "--out", str(tmp_path), verbosity=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev-mau-00000.jpg", "dev-mau-00000.json"]
    assert json.loads((tmp_path / "dev-mau-00000.json").read_text())["issued_date"] == (
        corpus_colour.truth(0)["issued_date"].isoformat()
    )


# ---------------------------------------------------------------- read by the production path (cached)


@functools.lru_cache(maxsize=1)
def _versions():
    out = subprocess.run(["tesseract", "--version"], check=False, capture_output=True, text=True, timeout=30)
    return f"{(out.stdout or out.stderr).splitlines()[0]}|reading {reading.VERSION}"


def _read_page(seed):
    data, truth = corpus_colour.render(seed)
    path = CACHE / f"{hashlib.sha256(data + _versions().encode()).hexdigest()}.json"
    if not path.exists():
        read = reading.read(data, "image")
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{seed}.tmp")
        tmp.write_text(json.dumps({"text": read.text, "doubts": read.doubts}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    got = json.loads(path.read_text(encoding="utf-8"))
    return seed, got["text"], got["doubts"], truth


@pytest.fixture(scope="module")
def read_pages():
    try:
        engine.require_vietnamese()
    except engine.Unavailable as exc:
        pytest.fail(exc.message)
    _versions()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        return sorted(pool.map(_read_page, PAGES))


def test_prefill_on_colour_dev_scans_reads_the_signature_block_and_flags_what_is_wrong(read_pages):
    directory, doc_types = corpus.directory(), corpus.doc_types()
    scores, wrong = [], []
    for seed, text, doubts, truth in read_pages:
        got = prefill.extract(text, agencies=directory, doc_types=doc_types, doubts=doubts)
        scores.append(corpus.score(got, truth))
        wrong += [(seed, n, getattr(got, n).value, truth[n]) for n, (ok, _) in scores[-1].items() if not ok]
        # the seal and the signature are gone before reading: the block reads as printed
        assert got.signer_position.value == truth["signer_position"], (seed, text[-300:])
        assert got.authority.value == truth["authority"]
        assert fold_all(got.signer_name.value) != fold_all(f"{truth['authority']} {truth['signer_position']}")
    summary = corpus.summary(scores)
    detail = json.dumps({k: round(v, 3) for k, v in summary.items()}) + "\n" + "\n".join(map(repr, wrong))
    assert summary["overall"] >= OVERALL_FLOOR, detail
    assert summary["signer_name"] >= 0.8 and summary["issuer_code"] == 1.0, detail
    assert summary["wrong_unflagged"] <= 0.2, detail


def fold_all(text):
    return " ".join(prefill.fold(text or "").replace(".", " ").split())
