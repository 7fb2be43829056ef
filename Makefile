# The course in two commands: `make lab` opens it, `make test` tests it.
# Both create .venv (all dependencies) the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The CPU build of PyTorch, pinned: an unpinned torch would pull a multi-GB CUDA build.
TORCH  := torch==2.13.0
START  ?= notebooks/en/00_start_here.ipynb
ARGS   ?=
SETUP  ?=
# The course's models are small: one BLAS thread is fastest and keeps results reproducible.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: lab lab-zh present test test-colab lint unit notebooks check-bilingual bench slides book links clean help

help:
	@echo "make lab       open the course in JupyterLab (ARGS='--no-browser --port 8899' passes options)"
	@echo "make lab-zh    the same, on the Chinese start page, with JupyterLab's menus in Chinese"
	@echo "make present   for instructors: make lab with autosave off (presenting changes no file)"
	@echo "make test      ruff + unit tests + nbval over every notebook, both languages"
	@echo "make test-colab  every lesson in a Colab-like environment (installs the course itself)"
	@echo "make notebooks re-execute every notebook in place (stores fresh outputs)"
	@echo "make check-bilingual   compare notebooks/en with notebooks/zh"
	@echo "make slides    export every notebook as an offline reveal.js deck into build/slides/"
	@echo "make book      the course website, both languages, offline, from the stored notebooks"
	@echo "               (nothing re-executed) into build/book/ (open build/book/index.html)"
	@echo "make links     regenerate the Binder/Colab links and the lessons' install cell (from"
	@echo "               pyproject.toml); HUB=https://... prints nbgitpuller links for a JupyterHub"
	@echo "make bench     benchmarks (notebook time and memory, sliders, MLP, ridge path) with"
	@echo "               PASS/MISS per target, also written to build/bench.json;"
	@echo "               SETUP=1 adds a first-time setup in a fresh clone (see docs/benchmarks.md);"
	@echo "               BASELINE=REF times each notebook against its version at git REF (ratio);"
	@echo "               ONLY='04_ 05_' only the notebooks whose path contains one of the texts"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[lab,test,book]"
	@touch $(STAMP)

# The course's defaults, in build/lab*/ (git-ignored), never in the user's own settings, where
# a choice made in Settings still wins: no news popup. `make present` also turns autosave off,
# so that presenting (RISE, Alt+R, a front end of its own, given the same defaults) or trying a
# cell in front of a class never rewrites a lesson in the checkout; Ctrl+S saves. `make lab`
# keeps JupyterLab's autosave, so that a student's work is saved as usual.
LAB_NEWS := "@jupyterlab/apputils-extension:notification": {"checkForUpdates": false, "fetchNews": "false"}
LAB_SAVE := "@jupyterlab/docmanager-extension:plugin": {"autosave": false}
LAB_EN := $(CURDIR)/build/lab/settings
lab: $(STAMP)
	@mkdir -p "$(LAB_EN)"
	@echo '{$(LAB_NEWS)}' > "$(LAB_EN)/overrides.json"
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.app_settings_dir="$(LAB_EN)" \
		--RiseApp.app_settings_dir="$(LAB_EN)" $(START) $(ARGS)

# For instructors: the same, with autosave off (START=notebooks/zh/00_start_here.ipynb for Chinese).
LAB_PRESENT := $(CURDIR)/build/lab-present/settings
present: $(STAMP)
	@mkdir -p "$(LAB_PRESENT)"
	@echo '{$(LAB_NEWS), $(LAB_SAVE)}' > "$(LAB_PRESENT)/overrides.json"
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.app_settings_dir="$(LAB_PRESENT)" \
		--RiseApp.app_settings_dir="$(LAB_PRESENT)" $(START) $(ARGS)

# The Chinese start page, and JupyterLab's menus in Chinese (same defaults as lab).
LAB_ZH := $(CURDIR)/build/lab-zh/settings
lab-zh: $(STAMP)
	@mkdir -p "$(LAB_ZH)"
	@echo '{"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}, $(LAB_NEWS)}' > "$(LAB_ZH)/overrides.json"
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.app_settings_dir="$(LAB_ZH)" \
		--RiseApp.app_settings_dir="$(LAB_ZH)" notebooks/zh/00_start_here.ipynb $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check l2lessons tests tools notebooks bench
	$(BIN)/ruff format --check l2lessons tests tools notebooks bench

check-bilingual: $(STAMP)
	$(BIN)/python tools/check_bilingual.py notebooks

notebooks: $(STAMP)
	$(ONE_THREAD) $(BIN)/python tools/execute_notebooks.py notebooks

# Decks for presenting without a kernel or a network (npm fetches reveal.js and MathJax once).
slides: $(STAMP)
	$(BIN)/python tools/build_slides.py --out build/slides

# The website: Sphinx + MyST-NB from the committed notebooks and their outputs (tools/build_book.py).
book: $(STAMP)
	$(BIN)/python tools/build_book.py --out build/book

HUB ?=
links: $(STAMP)
	$(BIN)/python tools/links.py $(if $(HUB),--hub "$(HUB)")

BASELINE ?=
ONLY ?=
bench: $(STAMP)
	$(ONE_THREAD) $(BIN)/python bench/bench.py $(if $(filter-out 0,$(SETUP)),--setup) \
		$(if $(BASELINE),--baseline "$(BASELINE)") $(if $(ONLY),--only $(ONLY))

test: lint
	$(ONE_THREAD) $(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider -m "not colab"

# Every lesson, both languages, in a fresh environment holding only what Colab preinstalls.
test-colab: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest tests/test_colab.py -m colab -p no:cacheprovider -s

clean:
	rm -rf build .pytest_cache .ruff_cache
