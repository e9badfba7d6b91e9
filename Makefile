# The two commands the README promises: `make demo` and `make test`. Each creates .venv when missing.
# `make install` also links .venv/bin/collector into ~/.local/bin, so `collector` alone runs it.
#
# Python: the newest CPython 3.12/3.13 that runs (on PATH or under pyenv), else 3.11. CPython 3.11 has a
# use-after-free in its inline attribute values (docs/architecture.md, "Known issues") that can crash the
# process as it exits after reading ORM objects from SQLite; 3.12 rewrote that code and is not affected.
CANDIDATES := python3.12 python3.13 $(sort $(wildcard $(HOME)/.pyenv/versions/3.1[23].*/bin/python3)) python3.11 python3
PYTHON ?= $(shell for p in $(CANDIDATES); do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# A console script's first line names its venv's python, so a link to it runs in .venv from anywhere.
install: $(STAMP)
	@mkdir -p $(HOME)/.local/bin
	ln -sf $(CURDIR)/$(BIN)/collector $(HOME)/.local/bin/collector
	@case ":$$PATH:" in *":$(HOME)/.local/bin:"*) ;; *) echo "add $(HOME)/.local/bin to your PATH";; esac

demo: $(STAMP)
	$(BIN)/collector demo

# pytest runs in parallel (pytest-xdist): many tests wait on sockets, subprocesses and real servers, so more
# workers than cores pays. --dist loadfile keeps each file's module fixtures in one worker.
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -lt 3 ] && n=3; echo $$n)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest -n $(WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) var out .pytest_cache .ruff_cache *.egg-info
