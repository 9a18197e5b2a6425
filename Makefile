# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# Two locks: requirements.lock is what production runs (the image installs only it);
# requirements-dev.lock adds the tools and test libraries, and is what a clone installs.
STAMP := $(VENV)/.installed-$(shell sha1sum requirements-dev.lock | cut -c1-12)

.PHONY: run test install lint format migrate seed worker beat vendor-bootstrap lock clean load bench messages mutate

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip sync --quiet --compile-bytecode --python $(PY) requirements-dev.lock
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## Bring the portal up at http://127.0.0.1:8000 with demo data (SQLite, eager Celery, demo payments).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## Run the whole test suite (integration tests need PostgreSQL and Redis: see .ci/run).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## Load test (not part of `make test`): 50 users, 60 s, gunicorn + PostgreSQL on 127.0.0.1; see BENCHMARKS.md.
load: install
	PY=$(PY) scripts/loadtest.sh

## Page benchmark (not part of `make test`): 100,000 requests in PostgreSQL msa_bench, queries and
## time per page, wrk against each page and the trivial view under gunicorn; see BENCHMARKS.md.
bench: install
	PY=$(PY) scripts/bench.sh

## Mutation testing (not part of `make test`): mutmut 3 over the six core modules, each against its
## own tests on SQLite, in its own venv var/mutvenv; survivors in var/mutation/report.md. See
## docs/testing.md. MODULES="rules payments" runs some of them.
MUTVENV := var/mutvenv
mutate:
	test -x $(MUTVENV)/bin/python || $(PYTHON) -m venv $(MUTVENV)
	$(MUTVENV)/bin/python -m pip install --quiet --disable-pip-version-check uv
	$(MUTVENV)/bin/uv pip install --quiet --compile-bytecode --python $(MUTVENV)/bin/python -r requirements-dev.lock "mutmut==3.8.1"
	$(MUTVENV)/bin/python scripts/mutate.py --mutmut $(MUTVENV)/bin/mutmut $(MODULES)

## Collect the strings to translate into locale/es and compile them (needs Debian's gettext).
messages: install
	$(PY) manage.py makemessages -l es --add-location=file --ignore=.venv --ignore=tests --ignore=scripts --ignore=static
	msgattrib --no-obsolete -o locale/es/LC_MESSAGES/django.po locale/es/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv

## ruff, and the import layering of DESIGN.md §2 (the contract in pyproject.toml).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: install
	$(PY) manage.py migrate --noinput

seed: install
	$(PY) manage.py seed_demo

worker: install
	$(PY) -m celery -A msa_portal worker --loglevel=INFO

beat: install
	$(PY) -m celery -A msa_portal beat --loglevel=INFO

## Re-pin after editing pyproject.toml: the runtime lock, then the dev lock (runtime + dev extra).
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q \
		-o requirements-dev.lock

## Refresh the vendored Bootstrap from the npm registry (the portal never loads it from a CDN).
vendor-bootstrap:
	cd /tmp && rm -rf package && npm pack bootstrap@5.3 && tar xzf bootstrap-5.3.*.tgz
	cp /tmp/package/dist/css/bootstrap.min.css* static/vendor/bootstrap/css/
	cp /tmp/package/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/js/

clean:
	rm -rf $(VENV) var
