# Two commands do all the set-up on a fresh machine with python3:
#   make lab    create .venv, install the project, open workbook.ipynb in JupyterLab
#   make test   create/update .venv and run every test (ruff, kernel-free, notebook, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; containers often are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test app bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,app,dev]"
	touch $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) workbook.ipynb

test: $(VENV)/.installed
	$(BIN)/ruff check widgets tests benchmarks
	$(BIN)/python -m pytest

app: $(VENV)/.installed
	$(BIN)/voila --Voila.ip=$(HOST) --port=$(PORT) --strip_sources=True workbook.ipynb

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache build dist tests/browser/screenshots
