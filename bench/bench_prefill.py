"""Registration from a scan: prefill accuracy on the HELD-OUT scan corpus, and the speed of the prefill path next to
bare Tesseract on the same pages.

Run through `make bench`, or alone: `.venv/bin/python bench/bench_prefill.py --pages 40`.

1. Accuracy. Each held-out page — the COLOUR set (``vpdt.digitize.corpus_colour``: RGB JPEG at 200 dpi, red seal
   over a blue signature, QPPL numbers, two-line agency names, office degradation) and the older GREY set
   (``vpdt.digitize.corpus``) — goes through the production prefill path: ``reading.read`` (Tesseract ``vie`` on
   the page, coloured ink dropped, the letters it hesitated on noted, the subject read a second time alone and
   the words the two readings disagree on noted too), then ``prefill.extract`` against a
   directory made of the corpus's agencies and their look-alikes, with the ND30 document types. The held-out
   pages are never used by tests nor while tuning ``prefill.py``. Reported per set: accuracy per field and
   overall, the share of fields flagged low-confidence (< 0.6) and the share of WRONG fields that were NOT flagged
   (those the clerk would not be told to check) and the share of RIGHT fields that were flagged (those the clerk
   checks for nothing), per field too. A field is right when it equals the truth after Unicode NFC and
   whitespace squashing (``corpus.is_right``: exact diacritics and case, the exact date, recipients item by item).

2. Speed, side by side in one run: on the same five colour pages (A4, 200 dpi), bare ``tesseract <page> stdout
   -l vie`` against the prefill path (``reading.read`` then ``prefill.extract``: what the clerk waits for before
   the prefilled form), alternating which goes first, ``--rounds`` times. Reported: p50/p95 per page of each, the
   total per round, the ratio bare ÷ prefill path (1.0 = as fast as bare Tesseract; the median round) and the
   same ratio in CPU seconds (steadier when other work shares the machine). For reference, once: the former
   pipeline (ocrmypdf into a PDF/A, what the clerk used to wait for) and the archive copy built now in the
   background from the layouts already read. Then the same side by side on five grey held-out pages, whose dust
   makes the prefill path despeckle them first (a cost bare Tesseract does not pay, nor its accuracy).
   The prefill path runs Tesseract with one OpenMP thread (``VPDT_OCR_THREADS``); bare Tesseract runs as
   installed (all cores). So that the path's own extra work is seen apart from that choice, bare Tesseract is also
   timed with the path's thread limit, and that ratio is printed too ("cùng số luồng").

Results go to bench/results/prefill.json.
"""

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")
django.setup()

from django.conf import settings

from vpdt.digitize import corpus, corpus_colour, engine, prefill, reading

SPEED_PAGES = 5


def _quantiles(samples):
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 100
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": q[94], "max": ordered[-1]}


def accuracy(label, module, pages, show):
    directory, doc_types = corpus.directory(), corpus.doc_types()
    scores, times = [], []
    start = time.perf_counter()
    for seed in range(pages):
        data, truth = module.render(seed, held_out=True)
        t0 = time.perf_counter()
        read = reading.read(data, "image")
        got = prefill.extract(read.text, agencies=directory, doc_types=doc_types, doubts=read.doubts)
        times.append((time.perf_counter() - t0) * 1000)
        scores.append(corpus.score(got, truth))
        if show:
            for name, (right, flagged) in scores[-1].items():
                if not right:
                    mark = " (đã gắn cờ)" if flagged else " (KHÔNG gắn cờ)"
                    print(f"  {label} {seed} {name}: {getattr(got, name).value!r} ≠ {truth[name]!r}{mark}")
    wall = time.perf_counter() - start
    summary = corpus.summary(scores)
    print(f"\nBộ {label}, giữ riêng: {pages} trang, {pages / wall * 60:.1f} trang/phút (đọc + điền sẵn)")
    print(f"{'trường':<20} {'đúng':>7} {'đúng mà bị gắn cờ':>18}")
    for name in corpus.FIELDS:
        print(f"{name:<20} {summary[name]:>7.1%} {summary['flagged_right_' + name]:>18.1%}")
    print(f"{'TỔNG (mọi trường)':<20} {summary['overall']:>7.1%} {summary['right_flagged']:>18.1%}")
    print(
        f"Trường bị gắn cờ độ tin cậy thấp (< {corpus.LOW_CONFIDENCE}): {summary['flagged']:.1%}; "
        f"trường sai mà KHÔNG bị gắn cờ: {summary['wrong_unflagged']:.1%} số trường sai "
        f"({summary['wrong_unflagged_count']}/{summary['wrong_count']}); "
        f"trường đúng bị gắn cờ: {summary['right_flagged']:.1%} số trường đúng"
    )
    return {"pages": pages, "wall_seconds": wall, "ms_per_page": _quantiles(times), "accuracy": summary}


def _cpu():
    """CPU seconds of this process and of its finished children (Tesseract)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _bare(path, env=None):
    command = ["tesseract", str(path), "stdout", "-l", "vie"]
    done = subprocess.run(command, capture_output=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode("utf-8", "replace"))
    return done.stdout


def speed(rounds, module=corpus_colour, label="màu", reference=True):
    directory, doc_types = corpus.directory(), corpus.doc_types()
    pages = [module.render(seed, held_out=True)[0] for seed in range(SPEED_PAGES)]
    bare, path_ms, ratios, totals, cpu = [], [], [], [], [0.0, 0.0]
    same, same_ratios, same_cpu = [], [], 0.0  # bare Tesseract with the path's own thread limit
    threads = reading._environment(int(settings.VPDT_OCR_JOBS), int(settings.VPDT_OCR_THREADS))["OMP_THREAD_LIMIT"]
    same_env = {**os.environ, "OMP_THREAD_LIMIT": threads}
    with tempfile.TemporaryDirectory(prefix="vpdt-bench-") as tmp:
        files = []
        for k, data in enumerate(pages):
            files.append(Path(tmp) / f"trang-{k + 1}.jpg")
            files[-1].write_bytes(data)
        reading.read(pages[0], "image")  # warm up: Tesseract's model and the Django imports, for both
        _bare(files[0])
        for r in range(rounds):
            round_bare = round_path = round_same = 0.0
            for k, data in enumerate(pages):

                def one_bare(path=files[k]):
                    t0, c0 = time.perf_counter(), _cpu()
                    _bare(path)
                    return (time.perf_counter() - t0) * 1000, _cpu() - c0

                def one_same(path=files[k]):
                    t0, c0 = time.perf_counter(), _cpu()
                    _bare(path, same_env)
                    return (time.perf_counter() - t0) * 1000, _cpu() - c0

                def one_path(data=data):
                    t0, c0 = time.perf_counter(), _cpu()
                    read = reading.read(data, "image")
                    prefill.extract(read.text, agencies=directory, doc_types=doc_types, doubts=read.doubts)
                    return (time.perf_counter() - t0) * 1000, _cpu() - c0

                order = [one_bare, one_path, one_same]
                order = order[(r + k) % 3 :] + order[: (r + k) % 3]
                got = {fn: fn() for fn in order}
                (ms_bare, cpu_b), (ms_path, cpu_p), (ms_same, cpu_s) = got[one_bare], got[one_path], got[one_same]
                same.append(ms_same)
                round_same += ms_same
                same_cpu += cpu_s
                bare.append(ms_bare)
                path_ms.append(ms_path)
                round_bare += ms_bare
                round_path += ms_path
                cpu[0] += cpu_b
                cpu[1] += cpu_p
            ratios.append(round_bare / round_path)
            same_ratios.append(round_same / round_path)
            totals.append((round_bare, round_path))
            print(
                f"  vòng {r + 1}: tesseract {round_bare / 1000:.1f} s, đường điền sẵn {round_path / 1000:.1f} s, "
                f"tesseract {threads} luồng {round_same / 1000:.1f} s"
            )
        t0 = t1 = t2 = t3 = time.perf_counter()
        if reference:
            layers = [reading.read(data, "image").layers for data in pages]
            t1 = time.perf_counter()
            for data, layer in zip(pages, layers):
                engine.ocr(data, "image", layers=layer)
            t2 = time.perf_counter()
            for data in pages:
                engine.ocr(data, "image")
            t3 = time.perf_counter()
    ratio = statistics.median(ratios)
    result = {
        "pages": SPEED_PAGES,
        "rounds": rounds,
        "tesseract_ms_per_page": _quantiles(bare),
        "prefill_path_ms_per_page": _quantiles(path_ms),
        "rounds_seconds": [{"tesseract": b / 1000, "prefill_path": p / 1000} for b, p in totals],
        "ratio_median": ratio,
        "ratios": ratios,
        "cpu_seconds": {"tesseract": cpu[0], "prefill_path": cpu[1], "ratio": cpu[0] / cpu[1] if cpu[1] else 0.0},
        "same_threads": {
            "omp_thread_limit": threads,
            "tesseract_ms_per_page": _quantiles(same),
            "ratio_median": statistics.median(same_ratios),
            "ratios": same_ratios,
            "cpu_seconds": same_cpu,
            "cpu_ratio": same_cpu / cpu[1] if cpu[1] else 0.0,
        },
    }
    if reference:
        result["reference_seconds"] = {
            "prefill_path_once": t1 - t0,
            "archive_from_layouts_background": t2 - t1,
            "former_pipeline_ocrmypdf": t3 - t2,
        }
    print(f"\nTốc độ trên cùng {SPEED_PAGES} trang A4 {label} 200 dpi, {rounds} vòng xen kẽ, {os.cpu_count()} lõi CPU")
    print(f"{'phép đo':<48} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, q in (
        ("tesseract -l vie (trần), một trang", result["tesseract_ms_per_page"]),
        ("đường điền sẵn (đọc + điền), một trang", result["prefill_path_ms_per_page"]),
        (f"tesseract -l vie, OMP_THREAD_LIMIT={threads}, một trang", result["same_threads"]["tesseract_ms_per_page"]),
    ):
        print(f"{name:<48} {q['n']:>5} {q['p50']:>9.1f} {q['p95']:>9.1f} {q['max']:>9.1f}")
    print(
        f"Tỉ lệ tesseract ÷ đường điền sẵn: {ratio:.2f}× (trung vị các vòng; "
        f"các vòng: {', '.join(f'{x:.2f}' for x in ratios)}); mục tiêu ≥ 0.9×"
    )
    print(
        f"Thời gian CPU (ít nhiễu hơn khi máy bận): tesseract {cpu[0]:.1f} s, đường điền sẵn {cpu[1]:.1f} s, "
        f"tỉ lệ {result['cpu_seconds']['ratio']:.2f}×"
    )
    st = result["same_threads"]
    print(
        f"Cùng số luồng (tesseract trần cũng OMP_THREAD_LIMIT={threads}, như đường điền sẵn): tỉ lệ {st['ratio_median']:.2f}× "
        f"(các vòng: {', '.join(f'{x:.2f}' for x in st['ratios'])}); CPU tesseract {st['cpu_seconds']:.1f} s, "
        f"tỉ lệ CPU {st['cpu_ratio']:.2f}×"
    )
    if not reference:
        return result
    ref = result["reference_seconds"]
    print(
        f"Tham khảo, {SPEED_PAGES} trang một lần: đường điền sẵn {ref['prefill_path_once']:.1f} s; "
        f"bản PDF/A dựng sau ở nền từ bố cục đã đọc {ref['archive_from_layouts_background']:.1f} s; "
        f"quy trình cũ (ocrmypdf, người dùng phải chờ) {ref['former_pipeline_ocrmypdf']:.1f} s "
        f"(tesseract ÷ quy trình cũ ≈ {sum(b for b, _ in totals) / len(totals) / 1000 / ref['former_pipeline_ocrmypdf']:.2f}×)"
    )
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40, help="held-out pages of each set to render and read")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the side-by-side speed measurement")
    parser.add_argument("--show-errors", action="store_true", help="print the wrong fields (no tuning on them!)")
    parser.add_argument("--part", choices=("all", "accuracy", "speed"), default="all")
    args, _unknown = parser.parse_known_args()
    for noisy in ("ocrmypdf", "pikepdf", "fontTools", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    cores, jobs = os.cpu_count(), int(settings.VPDT_OCR_JOBS)
    print(
        f"Điền sẵn từ bản quét: {args.pages} trang giữ riêng mỗi bộ, {cores} lõi CPU, VPDT_OCR_JOBS={jobs}, "
        f"Tesseract {reading.tesseract_version()}, danh bạ {len(corpus.directory())} cơ quan"
    )
    results = {"cores": cores, "ocr_jobs": jobs}
    if args.part in ("all", "accuracy"):
        results["colour_held_out"] = accuracy("màu", corpus_colour, args.pages, args.show_errors)
        results["grey_held_out"] = accuracy("xám", corpus, args.pages, args.show_errors)
        colour = results["colour_held_out"]["accuracy"]
        print(
            f"\nMục tiêu trên bộ màu giữ riêng: đúng ≥ 95% (đạt {colour['overall']:.1%}), "
            f"sai không gắn cờ ≤ 5% (đạt {colour['wrong_unflagged']:.1%})"
        )
    if args.part in ("all", "speed"):
        results["speed"] = speed(args.rounds)
        results["speed_grey"] = speed(args.rounds, corpus, "xám (nhiễu, được lọc chấm)", reference=False)
        print(
            f"\nMục tiêu tốc độ: ≥ 0.9× tesseract trần — trang màu: {results['speed']['ratio_median']:.2f}×, "
            f"trang xám nhiễu: {results['speed_grey']['ratio_median']:.2f}×; cùng số luồng: trang màu "
            f"{results['speed']['same_threads']['ratio_median']:.2f}×, "
            f"trang xám {results['speed_grey']['same_threads']['ratio_median']:.2f}×"
        )
    out = Path(os.environ.get("VPDT_BENCH_RESULTS", "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "prefill.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
