#!/usr/bin/env bash
# Benchmarks on PostgreSQL with a province-sized dataset (250 agencies, 10,000 people).
set -euo pipefail
cd "$(dirname "$0")/.."
export VPDT_DATA_DIR="${VPDT_BENCH_DATA_DIR:-/tmp/vpdt-bench}"
export DATABASE_URL="${VPDT_BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/vpdt_bench}"
export VPDT_TESTING=1
.venv/bin/python bench/ensure_db.py
.venv/bin/vpdt migrate --noinput -v0
.venv/bin/python bench/bench_directory.py "$@"
.venv/bin/python bench/bench_incoming.py "$@"
.venv/bin/python bench/bench_outgoing.py "$@"
.venv/bin/python bench/bench_signing.py "$@"
.venv/bin/python bench/bench_search.py "$@"
.venv/bin/python bench/bench_prefill.py "$@"
