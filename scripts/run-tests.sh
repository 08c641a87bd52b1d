#!/usr/bin/env bash
# Runs the whole suite twice: on SQLite (embedded default) and on PostgreSQL, each spread over the machine's
# cores (pytest-xdist; one test database per worker, each test module kept on one worker so that its shared
# test data is built once). VPDT_TEST_WORKERS=0 runs in one process.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export VPDT_TESTING=1
export VPDT_DATA_DIR="${VPDT_TEST_DATA_DIR:-$(mktemp -d /tmp/vpdt-test.XXXXXX)}"
export VPDT_TEST_REDIS_URL="${VPDT_TEST_REDIS_URL:-redis://127.0.0.1:6379/14}"
WORKERS="${VPDT_TEST_WORKERS:-auto}"
PARALLEL=()
[ "$WORKERS" != "0" ] && PARALLEL=(-n "$WORKERS" --dist loadfile)
PG_URL="${VPDT_TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/vpdt}"
# Each worker of each pass imports and collects the whole suite: compiled modules are written (next to the sources,
# git-ignored) and reused by the next pass and the next run, even where the environment says not to write them.
unset PYTHONDONTWRITEBYTECODE
# The tests marked deployments run whole deployments of vpdt on their own SQLite databases, whatever the pass: they
# run once, in their own process beside the two passes (they mostly wait for the deployments, which would leave a
# worker of a pass idle), and the passes leave them out.
ONCE=(-m "not deployments")
# Each pass ends with its slowest tests, to keep the suite within its time.
SLOWEST=(--durations=15)

echo "================ Kiểm tra mã: ruff ================"
$BIN/ruff check src tests bench && $BIN/ruff format --check src tests bench && $BIN/lint-imports
lint=$?

DEPLOYMENTS_LOG="$VPDT_DATA_DIR/deployments-tests.log"
env -u DATABASE_URL $BIN/python -m pytest -p no:cacheprovider -m deployments "$@" >"$DEPLOYMENTS_LOG" 2>&1 &
deployments_pid=$!

echo "================ Bộ kiểm thử trên SQLite ================"
env -u DATABASE_URL $BIN/python -m pytest -p no:cacheprovider "${PARALLEL[@]}" "${ONCE[@]}" "${SLOWEST[@]}" "$@"
sqlite=$?

echo "================ Bộ kiểm thử trên PostgreSQL ================"
DATABASE_URL="$PG_URL" $BIN/python -m pytest -p no:cacheprovider "${PARALLEL[@]}" "${ONCE[@]}" "${SLOWEST[@]}" "$@"
pg=$?

echo "================ Hai hệ thống liên thông (chạy song song với hai lượt trên) ================"
wait "$deployments_pid"
deployments=$?
[ $deployments -eq 5 ] && deployments=0  # none among the tests asked for
cat "$DEPLOYMENTS_LOG"

verdict() { [ "$1" -eq 0 ] && echo 'ĐẠT' || echo "LỖI ($1)"; }
echo "Kiểm tra mã: $(verdict $lint)   SQLite: $(verdict $sqlite)   PostgreSQL: $(verdict $pg)   Hai hệ thống: $(verdict $deployments)"
[ $lint -eq 0 ] && [ $sqlite -eq 0 ] && [ $pg -eq 0 ] && [ $deployments -eq 0 ]
