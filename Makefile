# appstack: `make demo` runs the main job, `make test` runs the tests.
# Each target creates .venv and installs what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench scan-env clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

SCAN_STAMP := .venv-scan/.installed
# appstack with its `scan` extra (checkov), as a user installs it: its own virtualenv,
# because checkov pins an older boto3 and packaging than the dev tools need.
$(SCAN_STAMP): pyproject.toml
	$(PYTHON) -m venv .venv-scan
	.venv-scan/bin/pip install --quiet --upgrade pip
	.venv-scan/bin/pip install --quiet -e '.[scan]' 
	touch $(SCAN_STAMP)

scan-env: $(SCAN_STAMP)

demo: $(STAMP)
	$(BIN)/python -m appstack.demo

test: $(STAMP) $(SCAN_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n auto --dist loadfile

BENCH_STAMP := .venv-bench/.installed
$(BENCH_STAMP): benchmarks/requirements-cdk.txt benchmarks/requirements-deploy.txt
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r benchmarks/requirements-cdk.txt \
		-r benchmarks/requirements-deploy.txt
	touch $(BENCH_STAMP)

# Every benchmark, printing its tables (about 15 minutes; the AWS CLI waits 30 s a poll):
# synth against the AWS CDK and synth/validate at scale; deploy overhead and notice latency
# on the emulator against the AWS CLI and plain boto3; the forecast on large templates.
bench: $(STAMP) $(BENCH_STAMP) $(SCAN_STAMP)
	$(BIN)/python benchmarks/synth.py
	$(BIN)/python benchmarks/deploy.py
	$(BIN)/python benchmarks/forecast_scale.py
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/cost.py
	$(BIN)/python benchmarks/end_to_end.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .venv-bench .venv-scan build .pytest_cache .mypy_cache .ruff_cache
