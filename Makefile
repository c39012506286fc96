# Luoshi: `make run` serves the demo city; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run serve test test-dates lint bench bench-http bench-soak bench-scale install lock messages messages-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Exactly what was tested: every package pinned with its hashes in requirements/ (`make lock` rewrites
# them from pyproject.toml), then Luoshi itself without resolving anything again.
$(RUN_STAMP): requirements/run.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/run.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(DEV_STAMP): requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(RUN_STAMP)

LOCK := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11
lock: $(DEV_STAMP)
	$(LOCK) -o requirements/run.txt
	$(LOCK) --extra dev -o requirements/dev.txt

install: $(RUN_STAMP)

messages: $(RUN_STAMP)
	$(BIN)/python -m luoshi.i18n

messages-update: $(DEV_STAMP)
	$(BIN)/python scripts/messages.py

run: install messages
	$(BIN)/luoshi serve --demo

# Production, on one machine or several (README, "Several machines"): PostgreSQL (LUOSHI_DATABASE_URL),
# Redis (LUOSHI_REDIS_URL) and the same LUOSHI_SECRET_KEY and LUOSHI_AUDIT_KEY on every machine, or it
# refuses to start and says what is missing.
serve: install messages
	$(BIN)/luoshi serve --production

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Nothing may read the system clock: where Debian's faketime is installed (apt-get install faketime), the
# SQLite pass runs with the system at TEST_SYSTEM_DATE, New Year's Day, a holiday Friday, and the PostgreSQL
# pass at the real date, so every test meets both without a third pass. LUOSHI_REQUIRE_FAKETIME=1 (CI)
# makes a missing faketime a failure. `make test-dates` runs the whole suite at five awkward dates.
TEST_SYSTEM_DATE ?= 2027-01-01 10:00:00
test: $(DEV_STAMP) messages lint
	$(BIN)/luoshi makemigrations --check --dry-run
	@# The suite starts `luoshi` in a hundred processes; where PYTHONDONTWRITEBYTECODE is set (CI's machine)
	@# each would compile every module it imports again, a tenth of a second or more apiece.
	@$(BIN)/python -m compileall -q luoshi >/dev/null
	@# With a second database, both passes run side by side (each waits on its own database much of the
	@# time); the second one's output follows the first's. The second leaves out what no database changes:
	@# the text core (it imports no Django, import-linter's contract) and what is marked sqlite_pass_only.
	@# What is marked `postgresql_pass` runs in the second pass only: the browser scenarios at a phone's
	@# size (tests/conftest.py; at a desktop's in the first pass, so each meets both sizes and both
	@# databases), and some loads of the demo city (luoshi/demo/tests). Without a second database, the
	@# first pass runs everything.
	@fake=""; if command -v faketime >/dev/null 2>&1; then fake="faketime"; \
	elif [ -n "$$LUOSHI_REQUIRE_FAKETIME" ]; then echo "make test: faketime is required (apt-get install faketime)"; exit 1; fi; \
	[ -n "$$fake" ] && echo "== the SQLite pass with the system clock at $(TEST_SYSTEM_DATE) (faketime) =="; \
	sqlite() { if [ -n "$$fake" ]; then faketime "$(TEST_SYSTEM_DATE)" $(BIN)/pytest "$$@"; else $(BIN)/pytest "$$@"; fi; }; \
	if [ -z "$$LUOSHI_TEST_DATABASE_URL" ]; then sqlite; exit $$?; fi; \
	mkdir -p var/test-second; \
	LUOSHI_VAR_DIR="$(CURDIR)/var/test-second" LUOSHI_DATABASE_URL="$$LUOSHI_TEST_DATABASE_URL" \
		$(BIN)/pytest -p no:cacheprovider -m "not browser or postgresql_pass" --ignore=luoshi/text > var/test-second.log 2>&1 & second=$$!; \
	sqlite -m "not postgresql_pass"; first=$$?; \
	wait $$second; again=$$?; \
	echo "== again on $$LUOSHI_TEST_DATABASE_URL, at the real date =="; cat var/test-second.log; \
	[ $$first -eq 0 ] && [ $$again -eq 0 ]

# The whole suite under Debian's faketime at more system dates: nothing may read the system clock, so it
# passes on a weekday or a weekend, at New Year, Spring Festival and National Day.
TEST_DATES ?= 2026-12-31T23:30:00 2027-01-01T10:00:00 2027-02-06T10:00:00 2027-02-10T10:00:00 2026-10-03T10:00:00
test-dates: $(DEV_STAMP) messages
	@for d in $(TEST_DATES); do \
		echo "== the suite at $$d (system clock) =="; \
		LUOSHI_VAR_DIR="$(CURDIR)/var/dates" faketime "$$(echo $$d | tr T ' ')" $(BIN)/pytest -q -p no:cacheprovider $(TEST_DATES_ARGS) || exit 1; \
	done

bench: $(DEV_STAMP) messages
	$(BIN)/python -m bench

# Over real HTTP only (bench/README.md): BENCH_HTTP_CLIENTS, BENCH_HTTP_SECONDS, BENCH_HTTP_TASKS lengthen it;
# LUOSHI_DATABASE_URL=postgres://…/postgres runs it in a fresh database on that server.
bench-http: $(DEV_STAMP) messages
	$(BIN)/python -m bench http

# The surge for SOAK_SECONDS (10 minutes): no errors, each worker's memory growth under 10%. Not in CI.
SOAK_SECONDS ?= 600
bench-soak: $(DEV_STAMP) messages
	$(BIN)/python -m bench http --soak $(SOAK_SECONDS)

# The leaders' pages at province scale over real HTTP, with 1 and 10 million reports (bench/http/scale.py):
# BENCH_SCALE, BENCH_SCALE_REPORTS, BENCH_SCALE_CLIENTS. Not in CI, nor in `make bench`: it generates 11
# million reports.
bench-scale: $(DEV_STAMP) messages
	$(BIN)/python -m bench scale

clean:
	rm -rf $(VENV) artifacts .pytest_cache
