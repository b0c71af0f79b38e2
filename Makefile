# Autograded PyTorch homework. Every variable below can be overridden: make grade ASSIGNMENT=02-tensors
# An assignment is its notebook: the ids are solutions/*.ipynb, and each notebook's COURSE CONFIG cell holds
# its time limits, data sets and memory (grading/course.py reads them). `make help` lists targets and variables.
#= PYTHON: the Python that makes the venv
PYTHON      ?= python3
#= VENV: the venv's folder
VENV        ?= .venv
COURSE      := $(PYTHON) -m grading.course
#= ASSIGNMENTS: what make student and make demo build (default: every solutions/*.ipynb)
ASSIGNMENTS ?= $(shell $(COURSE) ids)
KERNEL      ?= $(shell $(COURSE) kernel)
#= ASSIGNMENT: the assignment make grade grades
ASSIGNMENT  ?= 01-gradient-descent
#= SUBMISSIONS: a folder of .ipynb/.zip files, or an LMS download (default: the demo class)
SUBMISSIONS ?= examples/$(ASSIGNMENT)
#= GRADES: where the gradebook, report, feedback and LMS files go
GRADES      ?= grades
#= JOBS: notebooks graded at once (default: the CPU count)
JOBS        ?= $(shell nproc)
#= TIMEOUT: seconds per notebook (default: the notebook's COURSE CONFIG)
TIMEOUT     ?=
#= SANDBOX: bwrap (default), uid (root, no namespaces) or off (unsafe: your own notebooks only)
SANDBOX     ?= bwrap
#= SHOW_HIDDEN=1: feedback names the hidden tests' failures too
SHOW_HIDDEN ?=
#= ROSTER: a Canvas gradebook export or Gradescope roster: writes the LMS import file
ROSTER      ?=
#= BOM=1: CSV files start with a byte-order mark (Excel)
BOM         ?=
#= ERROR_AS_ZERO=1: an unreadable upload gets 0 in the LMS file, not an empty cell
ERROR_AS_ZERO ?=
#= FRESH=1: regrade every notebook, ignoring the cache
FRESH       ?=
#= PYTEST_ARGS: extra pytest arguments for the test targets
PYTEST_ARGS ?=

BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install system-packages student grade demo test test-fast lint test-slow test-browser test-gradescope test-redteam test-author clean

## help: these targets and the variables they take
help:
	@echo "Targets (make <target> [VARIABLE=value ...]):"
	@sed -n 's/^## \([a-z-]*\): /  \1\t/p' Makefile | expand -t 20
	@echo "Variables:"
	@sed -n 's/^#= \([A-Z_]*\)\(=1\)*: /  \1\2\t/p' Makefile | expand -t 20
	@echo "Assignments: $(ASSIGNMENTS)"

## install: bubblewrap and FashionMNIST (apt), .venv with pinned dependencies, the venv's own Jupyter kernel (idempotent)
install: system-packages $(STAMP)

system-packages:
	@bash scripts/install-system-packages.sh

# The kernel goes into the venv (--sys-prefix), not the user's home: two checkouts (two terms, two
# courses) on one machine never run each other's packages. Start Jupyter from the venv to see it.
$(STAMP): requirements.txt requirements-grading.txt requirements-student.txt requirements-otter.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	touch $@

## student: regenerate assignments/, autograder/ and examples/ from solutions/ with otter assign
student: install
	$(BIN)/python -m grading.author $(ASSIGNMENTS) --sandbox $(SANDBOX)

## grade: grade every submission in SUBMISSIONS for ASSIGNMENT into $(GRADES)/ASSIGNMENT.csv
grade: install
	$(BIN)/python -m grading.grade "$(ASSIGNMENT)" "$(SUBMISSIONS)" --out "$(GRADES)/$(ASSIGNMENT).csv" \
		--jobs $(JOBS) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(SHOW_HIDDEN),--show-hidden) \
		$(if $(FRESH),--no-cache) --sandbox $(SANDBOX) $(if $(ROSTER),--roster "$(ROSTER)") $(if $(BOM),--bom) \
		$(if $(ERROR_AS_ZERO),--error-as-zero)

## demo: regenerate, then grade the demo class of every assignment (a short time limit: one student loops)
demo: student
	@for a in $(ASSIGNMENTS); do \
		$(MAKE) --no-print-directory grade ASSIGNMENT=$$a SUBMISSIONS=examples/$$a \
			TIMEOUT=$(if $(TIMEOUT),$(TIMEOUT),$$($(COURSE) demo-timeout $$a)) || exit 1; \
	done

## test: lint, then every test (the many-seed studies are in test-slow); prints its wall time
test: install lint
	@start=$$(date +%s); $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
		echo "make test: pytest took $$(( $$(date +%s) - start )) s"; exit $$status

## test-fast: the unit tier, no real grading (under a minute); its -m replaces pyproject's, so it names every tier it leaves out
test-fast: install lint
	$(BIN)/python -m pytest -m "not sandbox and not slow and not browser and not redteam and not author and not gradescope" $(PYTEST_ARGS)

## lint: ruff's lint and format check (configured in pyproject.toml)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test-slow: the many-seed flakiness studies
test-slow: install
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

## test-redteam: the red team's attacks and tricks, each graded beside its honest control (about 5 minutes)
test-redteam: install
	$(BIN)/python -m pytest -m redteam $(PYTEST_ARGS)

## test-author: make student's pipeline run again from scratch: generated files current, refusals write nothing, a sixth assignment
test-author: install
	$(BIN)/python -m pytest -m author $(PYTEST_ARGS)

## test-browser: the student's loop in JupyterLab, driven by Debian's chromium through Playwright (about 2 minutes)
test-browser: install
	@$(BIN)/python -m pytest -m browser $(PYTEST_ARGS); status=$$?; \
		if [ $$status -eq 5 ]; then echo "make test-browser: nothing ran (no chromium)"; exit 0; fi; exit $$status

## test-gradescope: every zip built as Gradescope builds it and graded there, then in real containers (Docker engine from Debian, started and stopped here; root)
test-gradescope: install
	@start=$$(date +%s); NN_DOCKER_TESTS=1 $(BIN)/python -m pytest tests/test_gradescope.py tests/docker -m "" -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
		echo "make test-gradescope: took $$(( $$(date +%s) - start )) s"; exit $$status

clean:
	rm -rf $(GRADES) build .pytest_cache
