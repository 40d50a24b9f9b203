# Panah: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/panah

.PHONY: demo test lint typecheck messages messages-check test-sqlite test-postgres system-deps bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## Set up, migrate, load demo data and serve on http://127.0.0.1:8000
demo: $(VENV)/.installed
	$(BIN)/panah demo

## Set up, lint, type-check and run the whole suite (SQLite, then PostgreSQL when reachable)
test: $(VENV)/.installed-dev system-deps lint typecheck messages-check test-sqlite test-postgres

## Debian packages the tests need: chromium (browser tests), gettext (catalogue check),
## poppler-utils (reading the PDFs back), Pango (WeasyPrint's text layout)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/sbin/ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=panah.settings.test $(BIN)/panah makemigrations --check --dry-run

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy panah

messages-check: $(VENV)/.installed-dev
	$(BIN)/python scripts/check_messages.py

messages: $(VENV)/.installed-dev
	$(BIN)/python scripts/check_messages.py --update

test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
	  DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q; \
	elif [ -n "$$PANAH_REQUIRE_POSTGRES" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) is not reachable" >&2; exit 1; \
	else echo "PostgreSQL not reachable: skipping the PostgreSQL run"; fi

## Benchmarks (not part of the test suite)
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_lookup_queue.py

clean:
	rm -rf $(VENV) var/static
