# vpdt — văn phòng điện tử. `make run` to start, `make test` to run the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export VPDT_DATA_DIR ?= $(CURDIR)/data

.PHONY: run install install-test test bench clean-data help

help:
	@echo "make run    — cài đặt, di trú CSDL, nạp tổ chức mẫu (lần đầu) và chạy http://127.0.0.1:8000"
	@echo "make test   — cài gói cần cho kiểm thử và chạy toàn bộ bộ kiểm thử trên SQLite và PostgreSQL"
	@echo "make bench  — đo hiệu năng (p50, p95) trên PostgreSQL với dữ liệu cỡ một tỉnh"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/lock.txt
	$(BIN)/pip install -q -r requirements/lock.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test-lock.txt
	$(BIN)/pip install -q -r requirements/test-lock.txt
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/vpdt migrate --noinput
	$(BIN)/vpdt collectstatic --noinput -v0
	$(BIN)/vpdt load-demo --if-empty
	$(BIN)/vpdt serve

test: install-test
	bash scripts/system-deps.sh
	bash scripts/run-tests.sh

bench: install-test
	bash scripts/system-deps.sh
	bash bench/run.sh

clean-data:
	rm -rf data
