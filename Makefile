# The README's commands. Each target installs what it needs into .venv first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8050

.PHONY: run test install install-test init demo national bench clean

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

# test: the whole suite (PostgreSQL tests skip with a message when no server answers)
test: install-test
	$(BIN)/python -m pytest -q

# national: load the national-scale demo dataset (≥1,000,000 grants) into DATABASE_URL
national: install
	$(BIN)/civmon init
	$(BIN)/civmon demo --scale national

# bench: build the national dataset once and print the query timings (see bench/README.md)
bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) *.egg-info
