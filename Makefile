# kdocgen — documentation generator for Linux kernel sources.
#
#   make html      build the site of a subsystem into _build/html
#                  (SUBSYSTEM="MAINTAINERS entry" or FILES="a.c b.h"; default Hyper-V)
#   make test      set up .venv and run the test suite (what CI runs)
#   make man       section-9 manual pages into _build/man
#   make lint      doc-lint of the same files (kdocgen lint; LINT_ARGS="--format sarif")
#   make parity    compare kdocgen with the kernel's own scripts/kernel-doc
#   make bench     CPU-time ratio kdocgen / kernel-doc over the whole tree
#   make bench-site  make html's cold / no-change / touch / edit cost, Hyper-V and a 400-file site
#   make abi       refresh data/abi/hyperv-debian.json.gz: scan the Debian builds of data/abi/debian-builds.txt
#
# KSRC=/path/to/linux uses that kernel tree; by default Debian's
# linux-source-6.12 package is downloaded once into ~/.cache/kdocgen.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
KSRC   ?=
SITE_URL ?=
export KSRC SITE_URL

STAMP := $(VENV)/.installed

.PHONY: all test venv parity bench bench-site clean html lint man abi

all: test

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

# The type check (mypy, settings in pyproject.toml), then the suite.
test: $(STAMP)
	$(PY) -m mypy
	$(PY) -m pytest -q

# Section-9 manual pages of the site's file set: _build/man/<symbol>.9.gz
# (read one with: man -l _build/man/vmbus_sendpacket.9.gz).
man: $(STAMP)
	$(PY) -m kdocgen site --out source $(SITE_ARGS) >/dev/null
	@mkdir -p _build
	$(PY) -c "import json; print('\n'.join(json.load(open('source/_site.json'))['files']))" > _build/man-files.txt
	$(PY) -m kdocgen man --srctree "$$($(PY) -c "import json; print(json.load(open('source/_site.json'))['tree'])")" \
		--files-from _build/man-files.txt --out _build/man --version "Linux 6.12"

# doc-lint of the site's file set (SUBSYSTEM= / FILES= as for html).
LINT_ARGS ?=
lint: $(STAMP)
	$(PY) -m kdocgen lint $(if $(FILES),$(FILES),--subsystem "$(or $(SUBSYSTEM),Hyper-V/Azure CORE AND DRIVERS)") $(LINT_ARGS)

parity: $(STAMP)
	$(PY) bench/parity.py --json bench/results/parity.json $(if $(KSRC),--srctree $(KSRC)) $(PARITY_ARGS)

bench: $(STAMP)
	$(PY) bench/speed.py --json bench/results/speed.json $(if $(KSRC),--srctree $(KSRC)) $(BENCH_ARGS)

bench-site: $(STAMP)
	$(PY) bench/site_speed.py --json bench/results/site_speed.json $(if $(KSRC),--srctree $(KSRC)) $(BENCH_ARGS)

# The default ABI dataset: the Hyper-V functions over real Debian kernel builds
# (packages fetched with apt through a private configuration; per-build results
# cached in ~/.cache/kdocgen/abi, so a refresh only scans new builds).
abi: $(STAMP)
	$(PY) -m kdocgen abi scan --builds-from data/abi/debian-builds.txt -o data/abi/hyperv-debian.json.gz $(ABI_SCAN_ARGS)

# The site: kdocgen writes the pages into source/, Sphinx builds them in
# _build/sphinx/, and _build/html is replaced by exactly that build's files
# when it succeeded (kdocgen html; one build of a checkout at a time).
SITE_ARGS = $(if $(SUBSYSTEM),--subsystem "$(SUBSYSTEM)") $(if $(FILES),--files "$(FILES)")
SPHINXOPTS ?= -j auto
# ABI status: ABI_DATA="a.json depsurf-folder ..." (kdocgen ABI JSON files or
# DepSurf pages); the default dataset of the Hyper-V site is used when present.
ABI_DATA ?=
ABI_DEFAULT ?= $(if $(SUBSYSTEM)$(FILES),,$(wildcard data/abi/hyperv-debian.json.gz))
ABI_ARGS = $(foreach p,$(ABI_DEFAULT) $(ABI_DATA),--abi "$(p)")

html: $(STAMP)
	$(PY) -m kdocgen html $(SITE_ARGS) $(ABI_ARGS) --sphinx-options="$(SPHINXOPTS)"
	@echo "site: _build/html/index.html"

clean:
	rm -rf _build build .pytest_cache .mypy_cache
	$(if $(wildcard $(PY)),$(PY) -c "from pathlib import Path; from kdocgen.site.build import clean_generated; clean_generated(Path('source'))")
