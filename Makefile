# newsreport — two commands do everything on a fresh machine:
#   make report   build the example report on seeds/ (creates .venv and installs pinned packages first)
#   make test     run the test suite (same environment)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EXTRAS ?= embeddings,dask,dev
CORPUS ?= seeds
OUT    ?= reports/$(notdir $(CORPUS))

.PHONY: report test lab system-deps env benchmarks bench-scale params clean-reports

# the stamp is remade whenever the pins change
$(VENV)/.installed-$(EXTRAS): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[$(EXTRAS)]'
	touch $@

env: $(VENV)/.installed-$(EXTRAS)

# Debian's chromium prints the PDF and runs the browser test; installed once, from apt
system-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium; }

report: env system-deps
	$(BIN)/newsreport run $(CORPUS) --out $(OUT) --format both
	@echo "Report: $(abspath $(OUT))/report.html"

test: env system-deps
	$(BIN)/python -m pytest -q

# JupyterLab for reviewers who want to open the notebooks interactively
lab:
	$(MAKE) env EXTRAS=embeddings,dask,dev,lab
	$(BIN)/jupyter lab notebooks/

benchmarks: env
	$(BIN)/python benchmarks/run_all.py

bench-scale: env
	$(BIN)/python benchmarks/bench_scale.py --sizes 50 200 1000 5000 --no-embeddings
	$(BIN)/python benchmarks/bench_scale.py --sizes 200 1000

params: env
	$(BIN)/newsreport params > params.example.yaml

clean-reports:
	rm -rf reports/*/
