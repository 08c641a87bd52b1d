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


def report(title: str, rows: list[tuple[str, dict]]) -> None:
    print(f"\n{title}")
    print(f"{'phép đo':<48} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for name, r in rows:
        print(f"{name:<48} {r['n']:>5} {r['p50']:>9.1f} {r['p95']:>9.1f} {r['max']:>9.1f}")
    out = Path(os.environ.get("VPDT_BENCH_RESULTS", "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / (title.split()[0].lower() + ".json")).write_text(
        json.dumps({name: r for name, r in rows}, indent=2, ensure_ascii=False)
    )
