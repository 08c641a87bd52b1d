"""OCR prefill on generated scans: the corpus generator itself, and the accuracy of the
production reading (``reading.read``: Tesseract vie, despeckled when dusty) followed by ``prefill.extract`` on 30
DEV pages.

Only the DEV set is used here; the held-out set (``corpus.render(seed, held_out=True)``) belongs to
``bench/bench_prefill.py``. The reading of each page (text and the words Tesseract hesitated on) is cached by the
SHA-256 of the PNG plus the Tesseract and reading versions in ``.cache/ocr-corpus/`` (gitignored;
``VPDT_OCR_CACHE`` overrides it), so the second pass of the suite (PostgreSQL after SQLite) and later runs do not
read again.
"""

import functools
import hashlib
import io
import json
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from PIL import Image

from vpdt.digitize import corpus, engine, prefill, reading

PAGES = range(30)  # DEV seeds
CACHE = Path(os.environ.get("VPDT_OCR_CACHE", Path(__file__).resolve().parent.parent / ".cache" / "ocr-corpus"))
# Floors a little below what was measured on these 30 pages (Tesseract 5.3.0, reading 4): overall 0.992, number
# 1.00, symbol 1.00, date 1.00, subject 0.93, recipients 0.97. The test fails when reading or extraction regresses.
OVERALL_FLOOR = 0.95
FIELD_FLOORS = {"code_number": 0.93, "code_notation": 0.9, "issued_date": 0.93, "subject": 0.8, "recipients": 0.85}


# ---------------------------------------------------------------- the generator


def test_render_is_deterministic_a4_at_200_dpi():
    png, truth = corpus.render(7)
    again, truth_again = corpus.render(7)
    assert png == again and truth == truth_again
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == corpus.A4 and img.mode == "L"
        assert [round(v) for v in img.info["dpi"]] == [200, 200]
    assert set(truth) == set(corpus.FIELDS) == set(prefill.Prefill().values())


def test_dev_and_held_out_sets_are_disjoint():
    dev = {hashlib.sha256(corpus.render(s)[0]).hexdigest() for s in range(2)}
    held = {hashlib.sha256(corpus.render(s, held_out=True)[0]).hexdigest() for s in range(2)}
    assert len(dev) == len(held) == 2 and not dev & held


def test_corpus_varies_what_prefill_must_read():
    truths = [corpus.truth(s) for s in range(12)]
    assert truths[3] == corpus.render(3)[1]
    assert len({t["doc_type"] for t in truths}) >= 4
    assert len({t["issuer_code"] for t in truths}) >= 10
    assert any("/" in t["code_notation"] for t in truths) or any(t["doc_type"] == "Công văn" for t in truths)
    directory = corpus.directory()
    names, codes = [n for n, _, _ in directory], [c for _, c, _ in directory]
    assert len(set(names)) == len(set(codes)) == len(directory)  # no homonyms
    assert all((t["issuer_name"], t["issuer_code"]) in {(n, c) for n, c, _ in directory} for t in truths)


def test_accuracy_definition():
    assert corpus.is_right("Nguyễn  Văn An ", "Nguyễn Văn An")
    assert corpus.is_right("Nguye\u0302\u0303n Văn An", "Nguyễn Văn An")  # NFD is NFC
    assert not corpus.is_right("Nguyen Van An", "Nguyễn Văn An")  # diacritics count
    assert not corpus.is_right(["Như trên", "Lưu: VT"], ["Như trên"])


# ---------------------------------------------------------------- OCR + prefill on the DEV set


@functools.lru_cache(maxsize=1)
def _versions():
    out = subprocess.run(["tesseract", "--version"], check=False, capture_output=True, text=True, timeout=30)
    return f"{(out.stdout or out.stderr).splitlines()[0]}|reading {reading.VERSION}"


def _ocr_page(seed):
    png, truth = corpus.render(seed)
    key = hashlib.sha256(png + _versions().encode()).hexdigest()
    path = CACHE / f"{key}.json"
    if not path.exists():
        read = reading.read(png, "image")
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"text": read.text, "doubts": read.doubts}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    got = json.loads(path.read_text(encoding="utf-8"))
    return seed, got["text"], got["doubts"], truth


@pytest.fixture(scope="module")
def ocred():
    try:
        engine.require_vietnamese()
    except engine.Unavailable as exc:  # make test installs Tesseract with Vietnamese: its absence is a failure
        pytest.fail(exc.message)
    _versions()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        return sorted(pool.map(_ocr_page, PAGES))


def test_prefill_accuracy_on_thirty_ocred_dev_scans(ocred):
    directory, doc_types = corpus.directory(), corpus.doc_types()
    scores, wrong = [], []
    for seed, text, doubts, truth in ocred:
        got = prefill.extract(text, agencies=directory, doc_types=doc_types, doubts=doubts)
        scores.append(corpus.score(got, truth))
        wrong += [(seed, name, getattr(got, name).value, truth[name]) for name, (ok, _) in scores[-1].items() if not ok]
    summary = corpus.summary(scores)
    detail = json.dumps({k: round(v, 3) for k, v in summary.items()}) + "\n" + "\n".join(map(repr, wrong[:40]))
    assert len(scores) >= 30
    assert summary["overall"] >= OVERALL_FLOOR, detail
    for name, floor in FIELD_FLOORS.items():
        assert summary[name] >= floor, (name, detail)
