# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DB     ?= demo.db

.PHONY: install demo test bench clean

$(BIN)/xuncha: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# bytecode now, as a wheel install would: a process may not write it (PYTHONDONTWRITEBYTECODE)
	$(BIN)/python -m compileall -q xuncha
	touch $@

install: $(BIN)/xuncha

demo: install
	rm -f $(DB)
	# samples/documents holds one deliberately broken file, so ingest exits 1: '-' lets the demo go on.
	-$(BIN)/xuncha ingest samples/documents --db $(DB)
	$(BIN)/xuncha stats --db $(DB)
	$(BIN)/xuncha search 约谈 --db $(DB) --limit 5
	$(BIN)/xuncha checklist --db $(DB) --out demo-checklist.docx
	$(BIN)/xuncha checklist --db $(DB) --out demo-checklist.md

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) $(DB) demo-checklist.* build *.egg-info
