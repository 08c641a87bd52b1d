"""OCR throughput and prefill accuracy on the HELD-OUT scan corpus.

Run through `make bench`, or alone: `.venv/bin/python bench/bench_prefill.py --pages 40`.

Each held-out page of ``vpdt.digitize.corpus`` (an A4 scan at 200 dpi, never used by tests nor while tuning
``prefill.py``) goes through the production OCR, ``engine.ocr`` (ocrmypdf + Tesseract ``vie`` into a PDF/A, with
``VPDT_OCR_JOBS`` pages in parallel inside one document), then through ``prefill.extract`` against a directory
made of the corpus's agencies and their look-alikes (the same departments in other provinces, the other
districts...) and the ND30 document types. Pages are OCRed one after another, as the worker does.

Reported: OCR pages per minute (wall clock, rendering excluded) with the number of cores and VPDT_OCR_JOBS, the
time per page (p50/p95), the field-level accuracy per field and overall, the share of fields flagged
low-confidence (confidence < 0.6) and the share of WRONG fields that were NOT flagged (those the clerk would
not be told to check).

Accuracy (``corpus.is_right``, the test uses the same): a field is right when its value equals the truth after
Unicode NFC and whitespace squashing — exact diacritics, case-sensitive names and subjects, the exact date, the
recipients list equal item by item. Results go to bench/results/prefill.json.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from common import report
from django.conf import settings

from vpdt.digitize import corpus, engine, prefill


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40, help="held-out pages to render and OCR")
    parser.add_argument("--show-errors", action="store_true", help="print the wrong fields (no tuning on them!)")
    args, _unknown = parser.parse_known_args()
    for noisy in ("ocrmypdf", "pikepdf", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    pages = [corpus.render(seed, held_out=True) for seed in range(args.pages)]
    directory, doc_types = corpus.directory(), corpus.doc_types()
    cores, jobs = os.cpu_count(), int(settings.VPDT_OCR_JOBS)
    print(f"OCR {len(pages)} trang giữ riêng, {cores} lõi CPU, VPDT_OCR_JOBS={jobs}, danh bạ {len(directory)} cơ quan")

    times, scores = [], []
    start = time.perf_counter()
    for seed, (png, truth) in enumerate(pages):
        t0 = time.perf_counter()
        result = engine.ocr(png, "image")
        times.append((time.perf_counter() - t0) * 1000)
        got = prefill.extract(result.text, agencies=directory, doc_types=doc_types)
        scores.append(corpus.score(got, truth))
        if args.show_errors:
            for name, (right, flagged) in scores[-1].items():
                if not right:
                    print(
                        f"  {seed} {name}: {getattr(got, name).value!r} ≠ {truth[name]!r}"
                        f"{' (đã gắn cờ)' if flagged else ''}"
                    )
    wall = time.perf_counter() - start
    per_minute = len(pages) / wall * 60

    times.sort()
    timing = {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=100, method="inclusive")[94] if len(times) > 1 else times[0],
        "max": times[-1],
    }
    report(
        "Prefill — OCR và điền sẵn trên bộ ảnh quét giữ riêng", [("OCR một trang A4 200 dpi (ocrmypdf, vie)", timing)]
    )
    summary = corpus.summary(scores)
    print(
        f"\nThông lượng OCR: {per_minute:.1f} trang/phút ({cores} lõi, VPDT_OCR_JOBS={jobs}, "
        f"{len(pages)} trang trong {wall:.1f} s)"
    )
    print(f"{'trường':<20} {'đúng':>7}")
    for name in corpus.FIELDS:
        print(f"{name:<20} {summary[name]:>7.1%}")
    print(f"{'TỔNG (mọi trường)':<20} {summary['overall']:>7.1%}")
    print(
        f"Trường bị gắn cờ độ tin cậy thấp (< {corpus.LOW_CONFIDENCE}): {summary['flagged']:.1%}; "
        f"trường sai mà KHÔNG bị gắn cờ: {summary['wrong_unflagged']:.1%} số trường sai"
    )

    out = Path(os.environ.get("VPDT_BENCH_RESULTS", "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "prefill.json").write_text(
        json.dumps(
            {
                "set": "held-out",
                "pages": len(pages),
                "cores": cores,
                "ocr_jobs": jobs,
                "wall_seconds": wall,
                "pages_per_minute": per_minute,
                "ocr_ms_per_page": timing,
                "accuracy": summary,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
