#!/usr/bin/env bash
# Benchmarks on PostgreSQL with a province-sized dataset (250 agencies, 10,000 people, 1,000,000 incoming and
# 1,000,000 outgoing documents by default), generated once into its own database (vpdt_bench) and reused.
# Lists and search are timed for a sample of viewers across the province (bench/viewers.py): p50/p95 over the sample.
# Tasks (100,000 generated once) and the chat's live delay to a 200-member group (Redis layer and embedded relay).
set -euo pipefail
cd "$(dirname "$0")/.."
export VPDT_DATA_DIR="${VPDT_BENCH_DATA_DIR:-/tmp/vpdt-bench}"
export DATABASE_URL="${VPDT_BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/vpdt_bench}"
export VPDT_TESTING=1
INCOMING="${VPDT_BENCH_INCOMING:-1000000}"
OUTGOING="${VPDT_BENCH_OUTGOING:-1000000}"
.venv/bin/python bench/ensure_db.py
.venv/bin/vpdt migrate --noinput -v0
.venv/bin/python bench/prepare.py --incoming "$INCOMING" --outgoing "$OUTGOING"
.venv/bin/python bench/bench_directory.py "$@"
.venv/bin/python bench/bench_lists.py "$@"
.venv/bin/python bench/bench_tasks.py "$@"
.venv/bin/python bench/bench_chat.py "$@"
.venv/bin/python bench/bench_calendar.py "$@"
.venv/bin/python bench/bench_search.py "$@"
.venv/bin/python bench/bench_incoming.py --documents "$INCOMING" "$@"
.venv/bin/python bench/bench_outgoing.py --outgoing "$OUTGOING" "$@"
.venv/bin/python bench/bench_signing.py "$@"
.venv/bin/python bench/bench_exchange.py "$@"
.venv/bin/python bench/bench_exchange_delay.py "$@"
.venv/bin/python bench/bench_prefill.py "$@"
