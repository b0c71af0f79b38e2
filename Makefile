# Autograded PyTorch homework. Every variable below can be overridden: make grade ASSIGNMENT=02-tensors
# The course's facts (ids, kernel, demo time limits) come from grading/course.py, their one home.
PYTHON      ?= python3
VENV        ?= .venv
COURSE      := $(PYTHON) -m grading.course
ASSIGNMENTS ?= $(shell $(COURSE) ids)
KERNEL      ?= $(shell $(COURSE) kernel)
ASSIGNMENT  ?= 01-gradient-descent
SUBMISSIONS ?= examples/$(ASSIGNMENT)
GRADES      ?= grades
JOBS        ?= $(shell nproc)
TIMEOUT     ?=
SANDBOX     ?= bwrap
SHOW_HIDDEN ?=
ROSTER      ?=
BOM         ?=
ERROR_AS_ZERO ?=
FRESH       ?=
PYTEST_ARGS ?=

BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-packages student grade demo test test-fast lint test-slow test-browser test-gradescope clean

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

## test-fast: the unit tier, no real grading (under two minutes)
test-fast: install lint
	$(BIN)/python -m pytest -m "not sandbox and not slow" $(PYTEST_ARGS)

## lint: ruff's lint and format check (configured in pyproject.toml)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test-slow: the many-seed flakiness studies
test-slow: install
	$(BIN)/python -m pytest -m slow $(PYTEST_ARGS)

## test-browser: the student's loop in JupyterLab, driven by Debian's chromium through Playwright (about 2 minutes)
test-browser: install
	@$(BIN)/python -m pytest -m browser $(PYTEST_ARGS); status=$$?; \
		if [ $$status -eq 5 ]; then echo "make test-browser: nothing ran (no chromium)"; exit 0; fi; exit $$status

## test-gradescope: every zip built and graded in real containers (Docker engine from Debian, started and stopped here; root)
test-gradescope: install
	@start=$$(date +%s); NN_DOCKER_TESTS=1 $(BIN)/python -m pytest tests/docker -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
		echo "make test-gradescope: took $$(( $$(date +%s) - start )) s"; exit $$status

clean:
	rm -rf $(GRADES) build .pytest_cache
