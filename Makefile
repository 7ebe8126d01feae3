# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOME_DIR ?= kuaizhao-data
DATA   ?= ../shared/data

.PHONY: install run test lint eval bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Start the bundled demo news web on loopback, crawl it, serve the archive on :8000.
run: install
	$(BIN)/kuaizhao --home $(HOME_DIR) demo

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Article extraction quality, side by side with trafilatura, readability-lxml and GNE.
eval: install
	$(BIN)/python bench/eval_extract.py --data $(DATA)

# The quicker benchmarks; docs/benchmarks.md gives every command (1 M-article search and
# the 2 GB import take tens of minutes and are run by hand).
bench: install
	$(BIN)/python bench/bench_crawl.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_load.py --crawl
	$(BIN)/python bench/bench_search.py --articles 100000
	$(BIN)/python bench/bench_dedupe.py
	$(BIN)/python bench/bench_subscriptions.py
	$(BIN)/python bench/bench_freshness.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
