# Relais: `make demo` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_ENV := RELAIS_PROFILE=development
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages translations demo serve test test-fast chromium pango lint format bench bench-audit load clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Relais needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# Compiled catalogues (.mo) are build products, made from the .po files.
messages: install
	$(BIN)/pybabel -q compile -d relais/locale -D django

# After changing user-facing strings: update the seven catalogues (needs GNU
# gettext), then translate the new entries of the six non-English ones.
EN_PO := relais/locale/en/LC_MESSAGES/django.po
FR_PO := relais/locale/fr/LC_MESSAGES/django.po
translations: install
	$(DEMO_ENV) $(BIN)/relais makemessages -l en -l fr -l nl -l ro -l bg -l es -l sv \
	  --ignore=.venv --ignore=var --ignore=bench --no-obsolete
	msgattrib --clear-fuzzy --no-obsolete $(EN_PO) | msgfilter --keep-header -o $(EN_PO).tmp sed -e d
	msgen $(EN_PO).tmp -o $(EN_PO) && rm $(EN_PO).tmp
	$(BIN)/python -m relais.core.typography $(FR_PO) $(wildcard relais/knowledge/data/i18n/fr/*.json)
	msgcat $(FR_PO) -o $(FR_PO)

demo: messages pango
	$(DEMO_ENV) $(BIN)/relais migrate --no-input
	$(DEMO_ENV) $(BIN)/relais load-gazetteer
	$(DEMO_ENV) $(BIN)/relais load-reference
	$(DEMO_ENV) $(BIN)/relais load-knowledge
	$(DEMO_ENV) $(BIN)/relais generate-demo --n 300
	$(DEMO_ENV) $(BIN)/relais create-demo-accounts
	$(DEMO_ENV) $(BIN)/relais create-demo-referrals
	$(DEMO_ENV) $(BIN)/relais load-events --demo
	@echo "Relais is served on http://$(HOST):$(PORT)/ (Ctrl+C to stop)."
	$(DEMO_ENV) $(BIN)/relais runserver $(HOST):$(PORT)

serve: messages
	$(DEMO_ENV) $(BIN)/relais runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The handbook's PDF edition (WeasyPrint) needs Debian's pango; install it when missing.
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  echo "Installing Debian's pango for the handbook's PDF edition"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

test: messages chromium pango
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test-fast: messages
	$(BIN)/pytest -n 2 -m 'not browser' $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEMO_ENV) $(BIN)/mypy relais
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: messages bench-audit
	$(BIN)/python bench/run.py
	$(BIN)/python bench/hsds_export.py
	$(BIN)/python bench/hsds_import.py

bench-audit: install
	$(BIN)/python bench/audit_verify.py

# The load test (bench/load_run.py): locust against two gunicorn servers, on
# SQLite and on PostgreSQL (LOAD_PG_URL), with Redis (LOAD_CACHE_URL). See
# docs/development.md.
load: messages
	$(BIN)/python -c 'import locust' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[dev,load]'
	$(BIN)/python bench/load_run.py

clean:
	rm -rf $(VENV) var build *.egg-info
