# Mutu Madrasah — the two commands: `make run` and `make test`.
# Everything else here is a step they call; each step is safe to repeat.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
BIND ?= 127.0.0.1:8000
SEED_ARGS ?= --teachers 40 --semesters 4 --seed 1
# Python keeps the bytecode it compiles, even where the environment turns that off: otherwise each
# test process compiles (and pytest rewrites) every test module again, some seven seconds each.
unexport PYTHONDONTWRITEBYTECODE

# Debian packages the product needs: Pango for WeasyPrint, gettext for translations, fonts for
# PDFs, Node/npm for the front-end assets. Chromium (the browser tests) and poppler-utils (the
# text of the PDFs the tests read) only for the tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-dejavu-core fonts-liberation2
TEST_SYSTEM_PACKAGES := chromium poppler-utils

.PHONY: run update test test-random test-alone coverage bench bench-district setup venv system-packages test-system-packages assets messages migrate lint clean backup restore loadtest audit

# `make run` is the demo (seeded on first start, data in .data/). `make run DEMO=0` is for real use: a
# data folder of its own that is never seeded (DATA_DIR from the environment or .env, else
# .data-real/), migrated, and while it has no madrasah the setup address and code are printed.
# On a LAN: make run DEMO=0 BIND=0.0.0.0:8000 (and ALLOWED_HOSTS, SITE_URL in .env).
DEMO ?= 1
REAL_DATA_DIR = $(or $(DATA_DIR),$(shell sed -n 's/^[[:space:]]*DATA_DIR=//p' .env 2>/dev/null | tail -n 1 | tr -d "\"'"),$(CURDIR)/.data-real)
RUN_URL = $(if $(filter 0.0.0.0:%,$(BIND)),,--url "http://$(BIND)/")

run: setup
ifeq ($(DEMO),0)
	@export DATA_DIR="$(REAL_DATA_DIR)"; \
	  $(MANAGE) migrate --noinput -v 0 && \
	  $(MANAGE) collectstatic --noinput -v 0 && \
	  $(MANAGE) setup_code --real-use $(RUN_URL) && \
	  echo "Data: $$DATA_DIR (back it up). Ctrl-C stops web, workers and beat." && \
	  PATH="$(CURDIR)/$(BIN):$$PATH" BIND="$(BIND)" exec $(BIN)/python -m madrasah.launcher -f Procfile
else
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo $(SEED_ARGS) --if-empty
	@$(MANAGE) collectstatic --noinput -v 0
	@$(MANAGE) demo_logins --url "http://$(BIND)/"
	@PATH="$(CURDIR)/$(BIN):$$PATH" BIND="$(BIND)" $(BIN)/python -m madrasah.launcher -f Procfile
endif

# A later version, after `git pull`: an encrypted backup first (if it fails nothing changes), then the
# migrations and the static files, then a restart. Installed as services (as root: every step runs as
# the service user): the services stop for the migrations and start again. Otherwise it works on
# `make run DEMO=0`'s data folder, and you start `make run DEMO=0` again.
SERVICES_INSTALLED = $(wildcard /etc/systemd/system/mutu-web.service)

update: setup
ifneq ($(SERVICES_INSTALLED),)
	@[ "$$(id -u)" = "0" ] || { echo "Installed as a service: run it as root: sudo make update"; exit 1; }
	@echo "1/3 Backup"; archive=$$(runuser -u $(SERVICE_USER) -- $(MANAGE) backup) || { \
	  echo "No backup, so nothing was changed (BACKUP_KEY or BACKUP_KEY_FILE in .env: docs/deployment.md)."; exit 1; }; \
	  echo "    $$archive"; \
	  echo "2/3 Migrations"; extra=$$(systemctl list-units --plain --no-legend --state=active 'mutu-reports@*.service' | cut -d" " -f1); \
	  systemctl stop mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service $$extra 2>/dev/null; \
	  runuser -u $(SERVICE_USER) -- $(MANAGE) migrate --noinput -v 1 && \
	  runuser -u $(SERVICE_USER) -- $(MANAGE) collectstatic --noinput -v 0 || { \
	  echo "The migrations failed: the services stay stopped. Put the data back with: sudo -u $(SERVICE_USER) make restore FILE=$$archive"; exit 1; }; \
	  echo "3/3 Restart"; $(MAKE) --no-print-directory service-units UNIT_DIR=/etc/systemd/system \
	    SERVICE_UNITS="mutu-worker.service mutu-reports.service mutu-reports@.service" \
	    SERVICE_USER="$$(sed -n 's/^User=//p' /etc/systemd/system/mutu-web.service)" && systemctl daemon-reload && \
	  systemctl enable mutu-reports.service && \
	  systemctl start mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service $$extra && \
	  systemctl --no-pager --lines=0 status mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service $$extra | grep -E "^●|Active:"
else
	@export DATA_DIR="$(REAL_DATA_DIR)"; \
	  echo "1/3 Backup of $$DATA_DIR"; archive=$$($(MANAGE) backup) || { \
	  echo "No backup, so nothing was changed (BACKUP_KEY or BACKUP_KEY_FILE: docs/deployment.md)."; exit 1; }; \
	  echo "    $$archive"; \
	  echo "2/3 Migrations"; $(MANAGE) migrate --noinput -v 1 && $(MANAGE) collectstatic --noinput -v 0 || { \
	  echo "The migrations failed. Put the data back with: make restore FILE=$$archive"; exit 1; }; \
	  echo "3/3 Not installed as a service: stop make run DEMO=0 (Ctrl-C) and start it again to use this version."
endif

test: venv-dev test-system-packages assets messages
	@$(MANAGE) makemigrations --check --dry-run -v 0 || { echo "A model change has no migration: run makemigrations."; exit 1; }
	@started=$$(date +%s); status=0; $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS) || status=$$?; \
	elapsed=$$(( $$(date +%s) - started )); \
	echo "make test: the suite took $$((elapsed / 60)) min $$((elapsed % 60)) s (budget 15 min)"; exit $$status

# The suite in a random order (pytest-randomly; it prints its seed, and SEED=<n> replays that order),
# and the suite measuring which lines of the product it runs (pytest-cov; the total is the last line).
test-random: venv-dev test-system-packages assets messages
	@$(BIN)/pytest -n 2 --dist loadgroup -p randomly $(if $(SEED),--randomly-seed=$(SEED)) $(PYTEST_ARGS)

# Every test alone, each in a process of its own (tests/run_alone.py; JOBS at a time, default 2).
test-alone: venv-dev test-system-packages assets messages
	@$(BIN)/python -m tests.run_alone $(PYTEST_ARGS)

coverage: venv-dev test-system-packages assets messages
	@$(BIN)/pytest -n 2 --dist loadgroup --cov=config --cov=madrasah --cov=kompetensi --cov=mutu --cov=laporan \
	  --cov-report=term:skip-covered $(PYTEST_ARGS)

# Performance figures against their budgets, then the load test (gunicorn on PostgreSQL); with
# DISTRICT=1 the district's figures too (`make bench-district`).
bench: venv-dev test-system-packages assets messages
	@status=0; $(BIN)/python -m tests.bench || status=1; $(BIN)/python -m tests.loadtest || status=1; \
	  if [ "$(DISTRICT)" = "1" ]; then $(BIN)/python -m tests.bench_district || status=1; fi; exit $$status

# One installation serving a district (tests/bench_district.py): 100 madrasah on PostgreSQL, a Redis of
# its own, real Celery workers and Locust; the dashboard and the pengawas comparison against 1 and 3
# madrasah, the end-of-semester dispatch with 1 and 2 report workers and across a Redis restart.
bench-district: venv-dev test-system-packages assets messages
	@$(BIN)/python -m tests.bench_district

# 20 logged-in users (12 guru, 4 waka, 4 kepala) for 30 s on gunicorn + PostgreSQL (DATABASE_URL's server,
# else the local one), in a database of its own that it creates and drops, driven by Locust
# (tests/loadtest/locustfile.py): p50/p95, fails on any error.
loadtest: venv-dev test-system-packages assets messages
	@$(BIN)/python -m tests.loadtest

setup: system-packages venv assets messages

# Encrypted backup of the database and every uploaded file and built document (key: BACKUP_KEY or
# BACKUP_KEY_FILE, made once with `manage.py backup_key`); restore one with `make restore FILE=…`.
backup: venv
	@$(MANAGE) backup

restore: venv
	@if [ -z "$(FILE)" ]; then echo "Name the backup to restore: make restore FILE=path/to/mutu-madrasah-….mmbak"; exit 1; fi
	@$(MANAGE) restore "$(FILE)" $(RESTORE_ARGS)

# The mini-PC as a service (docs/deployment.md): as root, `make install-service` creates the system
# user, gives it DATA_DIR (added to .env when unset), renders deploy/systemd/ with this checkout's
# path and enables web, worker, beat and the nightly backup timer; they start at boot and restart
# after a crash. More document workers: `systemctl enable --now mutu-reports@2.service` (the template
# is installed, not enabled). `make service-units UNIT_DIR=folder` only renders the units.
SERVICE_USER ?= mutu
SERVICE_BIND ?= 0.0.0.0:8000
SERVICE_DATA_DIR ?= /var/lib/mutu-madrasah
UNIT_DIR ?= /etc/systemd/system
SERVICE_UNITS := mutu-web.service mutu-worker.service mutu-reports.service mutu-reports@.service mutu-beat.service mutu-backup.service mutu-backup.timer

.PHONY: service-units install-service uninstall-service

service-units:
	@case "$(CURDIR)" in *[[:space:]]*) echo "Move the checkout to a path without spaces (e.g. /opt/mutu-madrasah)."; exit 1;; esac
	@mkdir -p "$(UNIT_DIR)"
	@for unit in $(SERVICE_UNITS); do \
	  sed -e 's|@APP_DIR@|$(CURDIR)|g' -e 's|@USER@|$(SERVICE_USER)|g' -e 's|@BIND@|$(SERVICE_BIND)|g' \
	    deploy/systemd/$$unit > "$(UNIT_DIR)/$$unit"; \
	done

install-service: setup
	@[ "$$(id -u)" = "0" ] || { echo "Run it as root: sudo make install-service"; exit 1; }
	@[ -f .env ] || { echo "No .env yet: cp .env.example .env, set ALLOWED_HOSTS (docs/deployment.md), then run this again."; exit 1; }
	@id -u $(SERVICE_USER) >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
	  --home-dir "$(SERVICE_DATA_DIR)" --shell /usr/sbin/nologin $(SERVICE_USER)
	@runuser -u $(SERVICE_USER) -- test -r manage.py || { echo "User $(SERVICE_USER) cannot read $(CURDIR): put the checkout in /opt/mutu-madrasah."; exit 1; }
	@grep -Eq '^[[:space:]]*DATA_DIR=' .env || printf '\n# Added by make install-service: the services keep their data here.\nDATA_DIR=%s\n' "$(SERVICE_DATA_DIR)" >> .env
	@data_dir=$$(sed -n 's/^[[:space:]]*DATA_DIR=//p' .env | tail -n 1 | tr -d "\"'"); \
	  mkdir -p "$$data_dir" && chown -R $(SERVICE_USER):$(SERVICE_USER) "$$data_dir" && chmod 700 "$$data_dir"
	@chown root:$(SERVICE_USER) .env && chmod 640 .env
	@mkdir -p staticfiles && chown -R $(SERVICE_USER):$(SERVICE_USER) staticfiles
	@runuser -u $(SERVICE_USER) -- $(MANAGE) collectstatic --noinput -v 0
	@$(MAKE) --no-print-directory service-units UNIT_DIR=/etc/systemd/system
	systemctl daemon-reload
	systemctl enable --now mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service mutu-backup.timer
	@echo "Running. Open SITE_URL/siapkan/ with the setup code printed by: sudo journalctl -u mutu-web | grep -A3 siapkan"

uninstall-service:
	@[ "$$(id -u)" = "0" ] || { echo "Run it as root: sudo make uninstall-service"; exit 1; }
	-systemctl disable --now mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service mutu-backup.timer
	-systemctl disable --now 'mutu-reports@*.service'
	cd /etc/systemd/system && rm -f $(SERVICE_UNITS)
	systemctl daemon-reload
	@echo "Services removed; the data, .env and the user $(SERVICE_USER) are kept."

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
	mkdir -p vendor/regions && cp node_modules/idn-area-data/data/regencies.csv vendor/regions/
	@touch $@

assets: vendor/.stamp

messages: $(VENV)/.runtime
	@$(MANAGE) compilemessages -v 0 --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) vendor node_modules staticfiles
