# Carer Voices — the front door.  `make help` lists the targets.
#
# On a fresh machine `make run` alone installs everything and serves the app on
# http://127.0.0.1:5000, and `make test` alone installs everything and runs the
# whole test suite.  Installs are stamped, so repeat runs are quick.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

VENDOR_DIR := app/static/vendor/nhsuk
PY_STAMP := $(VENV)/.installed-deps
NODE_STAMP := node_modules/.installed-deps
VENDOR_STAMP := $(VENDOR_DIR)/.vendored
# VADER's lexicon copied from the vadersentiment package: NLTK never downloads at run time.
NLTK_STAMP := nltk_data/sentiment/vader_lexicon/vader_lexicon.txt
CHROMIUM := /usr/bin/chromium
# Fonts for Urdu, Arabic, Bengali, Gurmukhi, Gujarati (and Chinese) served from our own host.
FONTS_DIR := app/static/fonts
FONTS_STAMP := $(FONTS_DIR)/.vendored

.PHONY: help install db run browsers fonts translations test lint format typecheck bench clean distclean

help: ## List the targets
	@echo "Carer Voices — make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

install: $(PY_STAMP) $(VENDOR_STAMP) $(NLTK_STAMP) $(FONTS_STAMP) report-system-deps ## Create .venv, install Python + npm deps, copy NHS.UK assets and fonts to app/static

# PDF reports: WeasyPrint needs pango; fonts for every script a quote may be written in (Latin,
# Arabic/Urdu, Gurmukhi, Bengali...); pdftotext for the tests that read the PDFs back.
.PHONY: report-system-deps
report-system-deps:
	@scripts/ensure-apt.sh /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
	@scripts/ensure-apt.sh /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
	@scripts/ensure-apt.sh /usr/share/fonts/truetype/noto/NotoSansGurmukhi-Regular.ttf fonts-noto-core
	@scripts/ensure-apt.sh /usr/bin/pdftotext poppler-utils

$(PY):
	python3 -m venv $(VENV)

# Editable install of the project's (empty) package pulls in every runtime and
# dev dependency listed in pyproject.toml.
$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --progress-bar off -e '.[dev]'
	@touch $@

$(NLTK_STAMP): $(PY_STAMP) scripts/prepare_nltk_data.py
	$(PY) scripts/prepare_nltk_data.py

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || scripts/ensure-apt.sh /usr/bin/npm npm
	npm ci --no-audit --no-fund
	@touch $@

$(VENDOR_STAMP): $(NODE_STAMP) scripts/vendor_nhsuk.py
	python3 scripts/vendor_nhsuk.py node_modules/nhsuk-frontend/dist/nhsuk $(VENDOR_DIR)
	@touch $@

$(FONTS_STAMP): $(PY_STAMP) scripts/vendor_fonts.py
	scripts/ensure-apt.sh /usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf fonts-noto-core
	scripts/ensure-apt.sh /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
	$(PY) scripts/vendor_fonts.py $(FONTS_DIR)
	@touch $@

fonts: $(FONTS_STAMP) ## Copy the Noto fonts for non-Latin scripts into app/static/fonts

translations: $(PY_STAMP) ## Extract texts and update every language's catalogue (outdated kept as fuzzy)
	$(FLASK) translate update

db: install ## Apply database migrations and seed the demo area (idempotent)
	$(FLASK) db upgrade
	$(FLASK) demo seed

run: install db ## Install, migrate, seed, then serve on http://127.0.0.1:5000 (HOST/PORT override)
	$(FLASK) run --host $(HOST) --port $(PORT)

browsers: ## Install Debian's Chromium (for the browser tests) if /usr/bin/chromium is missing
	scripts/ensure-apt.sh $(CHROMIUM) chromium fonts-liberation

# pytest exits non-zero (5) when it collects no tests, so that fails `make test`.
# (Add the questionnaire-catalogue and lint checks here as further recipe lines.)
test: install browsers ## Install everything, lint, type-check, then run the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(PY_STAMP) ## ruff check + ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(PY_STAMP) ## Apply ruff's formatter and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(PY_STAMP) ## mypy (strict; files configured in pyproject.toml)
	$(VENV)/bin/mypy

bench: install ## Run every benchmark (QUICK=1 for short CI-sized runs); results in docs/performance.md
	$(PY) -m bench $(if $(QUICK),--quick,)

clean: ## Remove generated files: vendored assets, caches, build output
	rm -rf app/static/vendor $(FONTS_DIR) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf

distclean: clean ## clean, and also remove .venv and node_modules
	rm -rf $(VENV) node_modules
