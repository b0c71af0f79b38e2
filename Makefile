# Autograded PyTorch homework. Every variable below can be overridden: make grade ASSIGNMENT=02-tensors
PYTHON      ?= python3
VENV        ?= .venv
KERNEL      ?= nn-course
ASSIGNMENTS ?= 01-gradient-descent 02-tensors 03-trainer 04-bce-classifier 05-fashion-mnist
ASSIGNMENT  ?= 01-gradient-descent
SUBMISSIONS ?= examples/$(ASSIGNMENT)
GRADES      ?= grades
JOBS        ?= $(shell nproc)
TIMEOUT     ?=
DEMO_TIMEOUT ?= 30
SANDBOX     ?= bwrap
SHOW_HIDDEN ?=
FRESH       ?=
PYTEST_ARGS ?=

BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-packages student grade demo test test-slow clean

## install: bubblewrap and FashionMNIST (apt), .venv with pinned dependencies, the Jupyter kernel (idempotent)
install: system-packages $(STAMP)

system-packages:
	@bash scripts/install-system-packages.sh

$(STAMP): requirements.txt requirements-grading.txt requirements-student.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --user --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $@

## student: regenerate assignments/, autograder/ and examples/ from solutions/ with otter assign
student: install
	$(BIN)/python -m grading.generate $(ASSIGNMENTS)

## grade: grade every submission in SUBMISSIONS for ASSIGNMENT into $(GRADES)/ASSIGNMENT.csv
grade: install
	$(BIN)/python -m grading.grade $(ASSIGNMENT) $(SUBMISSIONS) --out $(GRADES)/$(ASSIGNMENT).csv \
		--jobs $(JOBS) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(SHOW_HIDDEN),--show-hidden) \
		$(if $(FRESH),--no-cache) --sandbox $(SANDBOX)

## demo: regenerate, then grade the demo class of every assignment (a short time limit: one student loops)
demo: student
	@for a in $(ASSIGNMENTS); do \
		$(MAKE) --no-print-directory grade ASSIGNMENT=$$a SUBMISSIONS=examples/$$a \
			TIMEOUT=$(if $(TIMEOUT),$(TIMEOUT),$(DEMO_TIMEOUT)) || exit 1; \
	done

## test: run the test suite (the many-seed studies are in test-slow)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-slow: the many-seed flakiness studies
test-slow: install
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

clean:
	rm -rf $(GRADES) build .pytest_cache
