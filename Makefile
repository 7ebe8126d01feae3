# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The archive `make run` fills: KUAIZHAO_HOME when set (as for every kuaizhao command).
HOME_DIR ?= $(if $(KUAIZHAO_HOME),$(KUAIZHAO_HOME),kuaizhao-data)
PORT   ?= 8000
DEMO_PORTS ?= 8101,8102,8103
DATA   ?= ../shared/data

.PHONY: install run test lint eval bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Start the bundled demo news web on loopback, crawl it, serve the archive on :$(PORT).
# Other ports: make run PORT=8080 DEMO_PORTS=9101,9102,9103
run: install
	$(BIN)/kuaizhao --home $(HOME_DIR) demo --port $(PORT) --demo-ports $(DEMO_PORTS)

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Article extraction quality, side by side with trafilatura, readability-lxml and GNE, and the
# disagreement report (bench/results/disagreements.html: pages where kuaizhao is far from
# two agreeing peers; add unlabelled pages with EVAL_ARGS="--html-dir DIR").
# DATA is a directory of evaluation sets (DATA/<set>/pages.tsv, ground_truth.json, html/);
# the pages shipped with the tests are one: make eval DATA=tests/data/extract/quality
eval: install
	@test -d "$(DATA)" || { echo "make eval: no evaluation data at $(DATA); pass DATA=DIR," \
	  "e.g. make eval DATA=tests/data/extract/quality (the pages shipped with the tests)"; \
	  exit 2; }
	$(BIN)/python bench/eval_extract.py --data $(DATA) $(EVAL_ARGS)

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
