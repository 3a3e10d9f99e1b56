# Quality gates of the iis.aspnet collection.
#
#   make test         every gate, in order, from a bootstrapped .venv (ansible-core 2.19, Python 3.11)
#   make test-matrix  unit tests, sanity and molecule under ansible-core 2.16 (Python 3.11, .venv-2.16)
#                     and 2.21 (Python 3.12, .venv-2.21)
#   make demo         the end-to-end demo (tools/demo.py), from its own small .venv-demo
#
# Needs only python3 (3.11) and make (and Python 3.11 and 3.12 for test-matrix). Everything the gates write
# stays under the repository (.venv*/, build/, .ansible/, tests/output/): nothing goes to ~.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= python3
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.requirements.stamp
# Python version of the venv (expanded only in recipes, after the venv exists).
PYVER = $(shell $(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
REQUIREMENTS := requirements/constraints.txt requirements/runtime.txt requirements/test.txt

BUILD := $(ROOT)/build
# ansible-test only runs inside a directory whose real path ends in ansible_collections/NS/NAME.
# One copy per make run: two runs at once (a developer and CI, or parallel sessions) must not
# delete each other's copy. A passing run removes its copy; a failing one keeps it to look at.
SANITY_ROOT := $(BUILD)/sanity/run-$(shell date +%s%N)
SANITY_COPY := $(SANITY_ROOT)/ansible_collections/iis/aspnet
# Private HOME for ansible-test (its venvs and the get-pip stand-in live there) and antsibull.
SANITY_HOME := $(BUILD)/home
# Symlink farm (also made by tests/unit/conftest.py): the repository as ansible_collections.iis.aspnet.
FARM := $(BUILD)/collections
# The Windows integration targets (ansible-test integration needs a Windows host: make integration
# syntax-checks them and runs ansible-test sanity on them).
INTEGRATION := tests/integration/
INSTALL_PATH := $(BUILD)/installed
# Windows fixture trees: CRLF and BOM on purpose (see tools/sanity_fixture_ignores.py).
SANITY_FIXTURES := examples/sample-server
# Docsite rendered by antsibull-docs and Sphinx (make docs); execution environment context (make ee).
DOCSITE := $(BUILD)/docsite
EE_CONTEXT := $(BUILD)/ee
GATES := units playbooks integration lint sanity docs changelog build molecule
GATE_TIMES := $(BUILD)/gate-times.txt

# The venv whose ansible-core names the sanity copy's ignore file: .venv, or in `make matrix-entry`
# (one version of test-matrix) that version's venv.
ifdef MATRIX_ENTRY
ENTRY_VENV := $(ROOT)/.venv-$(MATRIX_ENTRY)
ENTRY_BIN := $(ENTRY_VENV)/bin
SANITY_PY := $(ENTRY_BIN)/python
SANITY_STAMP := $(ENTRY_VENV)/.requirements.stamp
else
SANITY_PY := $(PY)
SANITY_STAMP := $(STAMP)
endif

# Keep Ansible's and the tools' state out of ~.
export ANSIBLE_HOME := $(BUILD)/ansible-home
export ANSIBLE_LOCAL_TEMP := $(BUILD)/ansible-home/tmp
export ANSIBLE_NOCOLOR := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Plain logs in CI.
ifdef CI
export NO_COLOR := 1
export PY_COLORS := 0
endif
TOOL_ENV := PATH=$(BIN):$$PATH XDG_CACHE_HOME=$(BUILD)/cache XDG_CONFIG_HOME=$(BUILD)/config

.PHONY: help venv test $(GATES) ee changelog-release test-matrix matrix-entry demo bench clean farm sanity-copy sanity-home ansible-test-units

help:
	@echo "make test        all gates in order: $(GATES)"
	@echo "make demo        run tools/demo.py (its own venv: ansible-core and lxml only)"
	@echo "make bench       run benchmarks/run.py (BENCH_ARGS=--quick: the quick plans, under 10 minutes)"
	@echo "make <gate>      one gate: $(GATES)"
	@echo "                 (units: the fast pure-unit suite; playbooks: the tests that run ansible-playbook;"
	@echo "                 integration: syntax check and sanity of the Windows integration targets)"
	@echo "make ee          ansible-builder create + checks of the context (part of build)"
	@echo "make changelog-release   antsibull-changelog release for galaxy.yml's version (not a gate)"
	@echo "make test-matrix unit tests, sanity, molecule under ansible-core 2.16 (Python 3.11) and 2.21 (3.12); not a gate"
	@echo "make ansible-test-units   the unit tests under ansible-test units (not a gate)"
	@echo "make venv        (re)bootstrap .venv from requirements/"
	@echo "make clean       remove .venv, build/ and tool output"

# ---------------------------------------------------------------- bootstrap
$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c requirements/constraints.txt \
		-r requirements/runtime.txt -r requirements/test.txt 2>&1 | \
		{ grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

venv: $(STAMP)

$(FARM)/ansible_collections/iis/aspnet:
	@mkdir -p $(FARM)/ansible_collections/iis
	@ln -sfn $(ROOT) $@

farm: $(FARM)/ansible_collections/iis/aspnet

# ---------------------------------------------------------------- all gates
test:
	@$(PYTHON) tools/run_gates.py $(GATE_TIMES) "$(MAKE)" venv $(GATES)

# ---------------------------------------------------------------- gates
# The fast suite: every test but those that run ansible-playbook (marked playbook); a test that runs
# it unmarked fails here (tests/unit/playbook_runs.py). No test collected is a failure (pytest exit 5).
units: $(STAMP)
	IIS_ASPNET_UNITS_ONLY=1 $(PY) -m pytest tests/unit -m "not playbook"

# The tests that run the real ansible-playbook on image hosts (pytest -m playbook).
playbooks: $(STAMP) farm
	$(PY) -m pytest tests/unit -m playbook

# The Windows integration targets cannot run here (no Windows host): each is syntax-checked as the
# play ansible-test would run, and ansible-test sanity checks their files (on its own sanity copy).
integration: $(STAMP) farm sanity-copy sanity-home
	$(PY) tools/check_integration_targets.py $(BIN)/ansible-playbook $(FARM) $(BUILD)/integration
	cd $(SANITY_COPY) && HOME=$(SANITY_HOME) $(TOOL_ENV) \
		$(BIN)/ansible-test sanity --venv --color no --python $(PYVER) $(INTEGRATION)
	@rm -rf $(SANITY_ROOT)

lint: $(STAMP) farm
	@# Playbooks in the repo call iis.aspnet.*: resolve them from this checkout.
	ANSIBLE_COLLECTIONS_PATH=$(FARM) $(TOOL_ENV) $(BIN)/ansible-lint --profile production --offline
	$(BIN)/yamllint --strict .

sanity-copy: $(SANITY_STAMP)
	@rm -rf $(SANITY_ROOT)
	@mkdir -p $(SANITY_COPY)
	@git ls-files -z --cached --others --exclude-standard | \
		while IFS= read -r -d '' f; do \
			if [ -e "$$f" ] || [ -L "$$f" ]; then printf '%s\0' "$$f"; fi; \
		done | tar --null -T - -cf - | tar -xf - -C $(SANITY_COPY)
	@# ansible-test lists files with git when it finds a .git: give the copy its own.
	@git -C $(SANITY_COPY) init -q
	@$(SANITY_PY) tools/sanity_fixture_ignores.py $(SANITY_COPY) $(SANITY_FIXTURES)

# ansible-test's HOME: ansible-core 2.16 looks for get_pip_23_1_2.py, 2.19 for get_pip_24_2.py,
# 2.21 for get_pip_25_2.py.
sanity-home:
	@mkdir -p $(SANITY_HOME)/.ansible/test/cache
	@for v in 23_1_2 24_2 25_2; do cp tools/get_pip_standin.py $(SANITY_HOME)/.ansible/test/cache/get_pip_$$v.py; done

sanity: $(STAMP) sanity-copy sanity-home
	cd $(SANITY_COPY) && HOME=$(SANITY_HOME) $(TOOL_ENV) \
		$(BIN)/ansible-test sanity --venv --color no \
		--python $(PYVER)
	@rm -rf $(SANITY_ROOT)

# Not a gate: the same unit tests under ansible-test (its pytest plugins, xdist, collection loader).
ansible-test-units: $(STAMP) sanity-copy sanity-home
	cd $(SANITY_COPY) && HOME=$(SANITY_HOME) $(TOOL_ENV) \
		$(BIN)/ansible-test units --venv --color no \
		--python $(PYVER)

# The docsite: sphinx-init writes conf.py, `antsibull-docs collection` the rst pages of this
# checkout (through the farm), sphinx-build the HTML. Offline, so no intersphinx (and no -W: the
# references to docs.ansible.com stay unresolved); tools/check_docsite.py fails on any other
# Sphinx warning and on a plugin or role without a page.
DOCS_ENV := HOME=$(SANITY_HOME) ANSIBLE_COLLECTIONS_PATH=$(FARM) $(TOOL_ENV)

docs: $(STAMP) farm
	@# antsibull writes ~/antsibull.log: give it the private HOME.
	@mkdir -p $(SANITY_HOME)
	HOME=$(SANITY_HOME) $(TOOL_ENV) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs .
	@# Option docs are generated from the engine's spec: fail when they drift from it.
	$(PY) tools/gen_docs.py --check
	@# antsibull-docs wants its directories writable by their owner only.
	@rm -rf $(DOCSITE); mkdir -p $(DOCSITE)/rst; chmod 755 $(DOCSITE) $(DOCSITE)/rst
	$(DOCS_ENV) $(BIN)/antsibull-docs sphinx-init --use-current --fail-on-error \
		--project iis.aspnet --title "iis.aspnet collection" --html-short-title iis.aspnet \
		--dest-dir $(DOCSITE) iis.aspnet > /dev/null
	@printf '%s\n' '# make docs: offline, no inventories to fetch.' \
		"extensions.remove('sphinx.ext.intersphinx')" 'intersphinx_mapping = {}' >> $(DOCSITE)/conf.py
	cd $(DOCSITE) && $(DOCS_ENV) $(BIN)/antsibull-docs --config-file antsibull-docs.cfg collection \
		--use-current --fail-on-error --dest-dir rst iis.aspnet
	cd $(DOCSITE) && $(DOCS_ENV) $(BIN)/sphinx-build -M html rst build -c . -q --keep-going \
		-w warnings.txt 2> sphinx.log || { cat sphinx.log; exit 1; }
	$(PY) tools/check_docsite.py $(DOCSITE)

changelog: $(STAMP)
	HOME=$(SANITY_HOME) $(BIN)/antsibull-changelog lint

# Not a gate: cut a release (CHANGELOG.rst/.md, changelogs/changelog.yaml; consumes the fragments).
# ansible-doc must be on PATH: it lists the new modules and plugins. Works offline.
RELEASE_VERSION ?= $(shell sed -n 's/^version: *//p' galaxy.yml)
changelog-release: $(STAMP)
	HOME=$(SANITY_HOME) $(TOOL_ENV) $(BIN)/antsibull-changelog release --version $(RELEASE_VERSION)

build: $(STAMP)
	@rm -rf $(INSTALL_PATH) $(BUILD)/dist
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/dist .
	@# No development files in the artifact: this tree's, then a copy with junk planted.
	$(PY) tools/check_tarball.py $(BUILD)/dist/iis-aspnet-*.tar.gz
	$(PY) tools/check_tarball.py --planted $(BUILD)/tarball-check
	ANSIBLE_COLLECTIONS_PATH=$(INSTALL_PATH) $(BIN)/ansible-galaxy collection install --no-deps --force -p $(INSTALL_PATH) $(BUILD)/dist/iis-aspnet-*.tar.gz
	$(PY) tools/check_ansible_doc.py $(BIN)/ansible-doc $(INSTALL_PATH)
	@$(MAKE) ee

# The execution environment: ansible-builder writes the build context (Containerfile, _build/)
# from meta/execution-environment.yml and the tarball of `make build`, with no container engine;
# tools/check_ee.py checks it. It runs in a network namespace without network when unshare
# allows it, which proves that nothing is fetched.
ee: $(STAMP)
	@ls $(BUILD)/dist/iis-aspnet-*.tar.gz > /dev/null 2>&1 || { echo "ee: no tarball in build/dist: run make build"; exit 1; }
	@rm -rf $(EE_CONTEXT)
	@if unshare --net --map-root-user true 2> /dev/null; then offline="unshare --net --map-root-user"; \
	else offline=""; echo "ee: unshare unavailable, running with the network"; fi; \
	echo "$$offline ansible-builder create -f meta/execution-environment.yml --context $(EE_CONTEXT)"; \
	$$offline $(BIN)/ansible-builder create -f meta/execution-environment.yml --context $(EE_CONTEXT) \
		--output-filename Containerfile > /dev/null
	$(PY) tools/check_ee.py $(EE_CONTEXT) $(INSTALL_PATH)

# Every scenario under extensions/molecule/ (none found is a failure).
molecule: $(STAMP) farm
	@scenarios=$$(for f in extensions/molecule/*/molecule.yml; do if [ -f "$$f" ]; then basename $$(dirname "$$f"); fi; done); \
	if [ -z "$$scenarios" ]; then echo "molecule: no scenario (extensions/molecule/*/molecule.yml)"; exit 1; fi; \
	for s in $$scenarios; do \
		echo "=== molecule scenario: $$s"; \
		$(TOOL_ENV) ANSIBLE_COLLECTIONS_PATH=$(FARM) $(BIN)/molecule test -s $$s; \
	done

# ---------------------------------------------------------------- ansible-core matrix
# The oldest and the newest ansible-core that meta/runtime.yml admits, each on the Python it
# needs (2.20+ does not run on 3.11), each in its own venv (.venv-<version>) installed from
# requirements/constraints-<version>.txt. The interpreters: the newest pyenv 3.11 / 3.12 if any,
# else python3.11 / python3.12 on PATH; override with PYTHON311=... or PYTHON312=...
MATRIX := 2.16 2.21
# Every scenario runs under both versions (default and drift at least: the issue's floor).
MATRIX_SCENARIOS ?= default drift sites stig fleet hostile
find_python = $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/$(1).*/bin/python$(1)))),$(shell command -v python$(1) 2> /dev/null))
PYTHON311 ?= $(call find_python,3.11)
PYTHON312 ?= $(call find_python,3.12)
MATRIX_PYVER_2.16 := 3.11
MATRIX_PYVER_2.21 := 3.12
MATRIX_PYTHON_2.16 = $(PYTHON311)
MATRIX_PYTHON_2.21 = $(PYTHON312)
MATRIX_TIMES := $(BUILD)/test-matrix-times.txt

$(ROOT)/.venv-%/.requirements.stamp: requirements/constraints-%.txt
	@python="$(MATRIX_PYTHON_$*)"; want="$(MATRIX_PYVER_$*)"; \
	if [ -z "$$python" ] || [ "$$("$$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2> /dev/null)" != "$$want" ]; then \
		echo "test-matrix: ansible-core $* runs here on Python $$want, and '$$python' is not one."; \
		echo "Install it (for example: pyenv install $$want) or pass PYTHON$${want/./}=/path/to/python$$want."; exit 1; fi; \
	test -x $(ROOT)/.venv-$*/bin/python || "$$python" -m venv $(ROOT)/.venv-$*
	$(ROOT)/.venv-$*/bin/python -m pip install --quiet -r requirements/constraints-$*.txt 2>&1 | \
		{ grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

venv-%: $(ROOT)/.venv-%/.requirements.stamp
	@:

# Not a gate (see docs/development.md for its cost): under each version of MATRIX, the unit
# tests, ansible-test sanity (on its own sanity copy) and the molecule scenarios. Both versions
# run even when the first fails; the run fails when either did.
test-matrix:
	@mkdir -p $(BUILD); : > $(MATRIX_TIMES); failed=""; \
	for version in $(MATRIX); do \
		$(MAKE) matrix-entry MATRIX_ENTRY=$$version || failed="$$failed $$version"; \
	done; \
	echo "=== test-matrix wall time:"; cat $(MATRIX_TIMES); \
	if [ -n "$$failed" ]; then echo "=== test-matrix FAILED under ansible-core$$failed"; exit 1; fi; \
	echo "=== test-matrix passed under ansible-core $(MATRIX)"

# One version of the matrix (make matrix-entry MATRIX_ENTRY=2.16): each step's wall time is kept.
matrix-entry: $(SANITY_STAMP) sanity-copy sanity-home farm
	@$(ENTRY_BIN)/python -c 'import platform, ansible.release as r; print(f"=== test-matrix: ansible-core {r.__version__}, Python {platform.python_version()}")'
	@start=$$(date +%s); $(ENTRY_BIN)/python -m pytest tests/unit -q -p no:cacheprovider; \
	printf '%-24s %4d s\n' "units-$(MATRIX_ENTRY)" $$(( $$(date +%s) - start )) >> $(MATRIX_TIMES)
	@start=$$(date +%s); \
	cd $(SANITY_COPY) && HOME=$(SANITY_HOME) PATH=$(ENTRY_BIN):$$PATH XDG_CACHE_HOME=$(BUILD)/cache \
		$(ENTRY_BIN)/ansible-test sanity --venv --color no --python $(MATRIX_PYVER_$(MATRIX_ENTRY)); \
	printf '%-24s %4d s\n' "sanity-$(MATRIX_ENTRY)" $$(( $$(date +%s) - start )) >> $(MATRIX_TIMES)
	@rm -rf $(SANITY_ROOT)
	@for s in $(MATRIX_SCENARIOS); do \
		echo "=== molecule scenario: $$s (ansible-core $(MATRIX_ENTRY))"; start=$$(date +%s); \
		PATH=$(ENTRY_BIN):$$PATH XDG_CACHE_HOME=$(BUILD)/cache XDG_CONFIG_HOME=$(BUILD)/config \
			ANSIBLE_COLLECTIONS_PATH=$(FARM) $(ENTRY_BIN)/molecule test -s $$s; \
		printf '%-24s %4d s\n' "molecule-$$s-$(MATRIX_ENTRY)" $$(( $$(date +%s) - start )) >> $(MATRIX_TIMES); \
	done

# ---------------------------------------------------------------- demo, benchmarks
# The demo needs only what a user's controller needs (requirements/runtime.txt: ansible-core and
# lxml, pinned by constraints.txt), in a venv of its own: it starts without the full .venv.
# DEMO_STARTED lets tools/demo.py say how long after `make demo` its first result came.
DEMO_VENV := $(ROOT)/.venv-demo
DEMO_STAMP := $(DEMO_VENV)/.requirements.stamp

$(DEMO_STAMP): requirements/runtime.txt requirements/constraints.txt
	@test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet -c requirements/constraints.txt -r requirements/runtime.txt 2>&1 | \
		{ grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

demo:
	@export DEMO_STARTED=$$(date +%s.%N); $(MAKE) $(DEMO_STAMP) && $(DEMO_VENV)/bin/python tools/demo.py

# Benchmarks only: their extra packages (requirements/bench.txt) stay out of the gates' venv stamp.
# BENCH_ARGS=--quick: the quick plan of each benchmark (under 10 minutes on 2 cores).
BENCH_ARGS ?=
bench: $(STAMP) farm
	@if [ -f requirements/bench.txt ]; then $(PY) -m pip install --quiet -c requirements/constraints.txt -r requirements/bench.txt; fi
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_VENV) $(foreach version,$(MATRIX),$(ROOT)/.venv-$(version)) $(BUILD) tests/output .ansible .pytest_cache .hypothesis benchmarks/output
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
