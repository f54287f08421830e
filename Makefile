# Profiler: `make run` starts the app with demo data; `make test` installs what tests need and runs them.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps translations messages lint check bench clean screenshots

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d profiler/translations --statistics

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _p -o profiler/translations/messages.pot .
	$(BIN)/pybabel update -i profiler/translations/messages.pot -d profiler/translations

run: install translations
	PROFILER_EMBEDDED_SCHEDULER=1 $(FLASK) db upgrade
	PROFILER_EMBEDDED_SCHEDULER=0 $(FLASK) seed-demo
	@echo "Profiler runs on http://127.0.0.1:5000 (mail goes to instance/mail/*.eml)"
	PROFILER_EMBEDDED_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port 5000

system-deps:
	bash scripts/install-system-deps.sh

test: system-deps install translations
	bash scripts/node-deps.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# The browser tests' screenshots into docs/screenshots (a plain test run keeps them in a
# temporary folder and leaves the repository as it was).
screenshots: system-deps install translations
	PROFILER_SHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q \
		tests/a11y/test_layout.py tests/client/test_browser_client.py \
		tests/coach/test_browser_coach.py tests/authoring/test_browser.py \
		tests/documents/test_documents_browser.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance node_modules
