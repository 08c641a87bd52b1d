"""Timing helpers: run a callable many times and report p50/p95 in milliseconds."""

import json
import os
import statistics
import time
from pathlib import Path


def measure(fn, repeat: int, warmup: int = 3) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return {"n": repeat, "p50": statistics.median(samples), "p95": q[94], "max": samples[-1]}


def pooled(calls: list[tuple[str, object]], repeat: int, warmup: int = 1) -> dict:
    """One measurement pooled over many viewers: each ``(label, fn)`` runs ``repeat`` times; p50/p95 are taken over
    all the samples, and ``worst`` names the viewer with the highest median."""
    samples, medians = [], {}
    for label, fn in calls:
        for _ in range(warmup):
            fn()
        mine = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            mine.append((time.perf_counter() - start) * 1000)
        samples += mine
        medians[label] = statistics.median(mine)
    samples.sort()
    q = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 100
    worst = max(medians, key=medians.get)
    return {"n": len(samples), "p50": statistics.median(samples), "p95": q[94], "max": samples[-1], "worst": worst}


def report(title: str, rows: list[tuple[str, dict]]) -> None:
    print(f"\n{title}")
    print(f"{'phép đo':<48} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, r in rows:
        print(f"{name:<48} {r['n']:>5} {r['p50']:>9.1f} {r['p95']:>9.1f} {r['max']:>9.1f}")
        if r.get("worst"):
            print(f"{'':<6}chậm nhất (trung vị): {r['worst']}")
    out = Path(os.environ.get("VPDT_BENCH_RESULTS", "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / (title.split()[0].lower() + ".json")).write_text(
        json.dumps({name: r for name, r in rows}, indent=2, ensure_ascii=False)
    )
