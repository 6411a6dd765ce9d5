# The README's commands. Each target installs what it needs into .venv first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050
LOCALES := dashboard/locales
# The browser tests drive the system's Chromium (CIVMON_CHROMIUM, default /usr/bin/chromium): Playwright's
# package must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test install install-test init demo national bench messages plotly-bundle clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# install: the app and its command `civmon` into .venv
install: $(BIN)/python
	$(BIN)/pip install -q -e .

# install-test: also the test dependencies
install-test: $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"

# run: create the SQLite database with demo data if there is none, serve on :8050
run: install
	$(BIN)/civmon init
	$(BIN)/civmon demo --if-empty
	$(BIN)/civmon serve --port $(PORT)

# test: the whole suite, real-browser tests included (PostgreSQL and browser tests skip with a message when no
# server answers or no Chromium is found; .ci/run sets CIVMON_REQUIRE_PG=1 CIVMON_REQUIRE_BROWSER=1 to fail instead)
test: install-test
	$(BIN)/python -m pytest -q

# national: load the national-scale demo dataset (≥1,000,000 grants) into DATABASE_URL
national: install
	$(BIN)/civmon init
	$(BIN)/civmon demo --scale national

# bench: build the national dataset once and run every benchmark: queries, callbacks, pages, load, Datasette, images, scale-out (~30 min; bench/README.md)
bench: install-test
	$(BIN)/python bench/run.py

# messages: extract the interface's texts into dashboard/locales/messages.pot and update the ro, ru, bg, sr catalogues
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k tr --add-comments=Translators: --add-location=file \
		--project=civmon --version=0.1.0 --copyright-holder=civmon -o $(LOCALES)/messages.pot.new .
	$(BIN)/python scripts/extract_registry_messages.py $(LOCALES)/messages.pot.new $(LOCALES)/messages.pot
	for lang in ro ru bg sr; do \
		$(BIN)/pybabel -q update --init-missing --no-fuzzy-matching -l $$lang -i $(LOCALES)/messages.pot -d $(LOCALES) || exit 1; \
	done

# plotly-bundle: rebuild assets/vendor/plotly-civmon.min.js, plotly.js with only the trace types the charts draw
# (needs Node.js and the npm registry; the built file is committed, so neither is needed to run or test civmon)
plotly-bundle:
	cd scripts/plotly_bundle && npm ci --no-audit --no-fund && node build.js

clean:
	rm -rf $(VENV) *.egg-info
