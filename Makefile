# Mutu Madrasah — the two commands: `make run` and `make test`.
# Everything else here is a step they call; each step is safe to repeat.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
BIND ?= 127.0.0.1:8000
SEED_ARGS ?= --teachers 40 --semesters 4 --seed 1

# Debian packages the product needs: Pango for WeasyPrint, gettext for translations, fonts for
# PDFs, Node/npm for the front-end assets. Chromium only for the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core fonts-liberation2
TEST_SYSTEM_PACKAGES := chromium

.PHONY: run test bench setup venv system-packages test-system-packages assets messages migrate lint clean backup restore loadtest audit

run: setup
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo $(SEED_ARGS) --if-empty
	@$(MANAGE) collectstatic --noinput -v 0
	@$(MANAGE) demo_logins --url "http://$(BIND)/"
	@PATH="$(CURDIR)/$(BIN):$$PATH" BIND="$(BIND)" $(BIN)/python -m madrasah.launcher -f Procfile

test: venv-dev test-system-packages assets messages
	@$(MANAGE) makemigrations --check --dry-run -v 0 || { echo "A model change has no migration: run makemigrations."; exit 1; }
	@started=$$(date +%s); status=0; $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS) || status=$$?; \
	elapsed=$$(( $$(date +%s) - started )); \
	echo "make test: the suite took $$((elapsed / 60)) min $$((elapsed % 60)) s (budget 15 min)"; exit $$status

# Performance figures against their budgets, then the load test (gunicorn on PostgreSQL).
bench: venv-dev assets messages
	@status=0; $(BIN)/python -m tests.bench || status=1; $(BIN)/python -m tests.loadtest || status=1; exit $$status

# 20 logged-in users (12 guru, 4 waka, 4 kepala) for 30 s on gunicorn + PostgreSQL (DATABASE_URL's server,
# else the local one), in a database of its own that it creates and drops: p50/p95, fails on any error.
loadtest: venv-dev assets messages
	@$(BIN)/python -m tests.loadtest

setup: system-packages venv assets messages

# Encrypted backup of the database and every uploaded file and built document (key: BACKUP_KEY or
# BACKUP_KEY_FILE, made once with `manage.py backup_key`); restore one with `make restore FILE=…`.
backup: venv
	@$(MANAGE) backup

restore: venv
	@if [ -z "$(FILE)" ]; then echo "Name the backup to restore: make restore FILE=path/to/mutu-madrasah-….mmbak"; exit 1; fi
	@$(MANAGE) restore "$(FILE)" $(RESTORE_ARGS)

# Known vulnerabilities in the pinned dependencies: needs PyPI's vulnerability data (internet), so it
# is not part of `make test` (docs/security.md).
audit: venv-dev
	$(BIN)/pip-audit -r requirements.txt

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# --- steps -----------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

venv: $(VENV)/.runtime
venv-dev: system-packages $(VENV)/.dev

# Installs what is missing when run as root (Debian), otherwise prints the command to run.
define ensure_debian_inline
if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null; else echo "Install with: sudo apt-get install $(1)"; exit 1; fi
endef

define ensure_debian
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

system-packages:
	$(call ensure_debian,$(SYSTEM_PACKAGES))
	@# Node may come from elsewhere (with npm bundled): only install Debian's when npm is missing.
	@command -v npm >/dev/null || { $(call ensure_debian_inline,nodejs npm); }

test-system-packages:
	$(call ensure_debian,$(TEST_SYSTEM_PACKAGES))

# Bootstrap and htmx come from the npm registry (package-lock.json) and are served locally by
# whitenoise: never a CDN, never copied into git.
vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p vendor
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   node_modules/htmx.org/dist/htmx.min.js vendor/
	@touch $@

assets: vendor/.stamp

messages: $(VENV)/.runtime
	@$(MANAGE) compilemessages -v 0 --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) vendor node_modules staticfiles
