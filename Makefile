# kdocgen — documentation generator for Linux kernel sources.
#
#   make html      build the site of a subsystem into _build/html
#                  (SUBSYSTEM="MAINTAINERS entry" or FILES="a.c b.h"; default Hyper-V)
#   make test      set up .venv and run the test suite (what CI runs)
#   make man       section-9 manual pages into _build/man
#   make lint      doc-lint of the same files (kdocgen lint; LINT_ARGS="--format sarif")
#   make parity    compare kdocgen with the tree's own kernel-doc (Perl in 6.x, Python in 7.x)
#   make bench     CPU-time ratio kdocgen / kernel-doc over the whole tree
#   make bench-site  make html's cold / no-change / touch / edit cost, Hyper-V and a 400-file site
#   make bench-dropin  kdocgen-kernel-doc against the tree's kernel-doc, byte for byte
#                  (DROPIN_ARGS="--candidate ref --sample 50 --jobs 2")
#   make abi       refresh data/abi/hyperv-debian.json.gz: scan the Debian builds of data/abi/debian-builds.txt
#
# KSRC=/path/to/linux uses that kernel tree; by default Debian's
# linux-source-6.12 package is downloaded once into ~/.cache/kdocgen
# (KVER=7.2: linux-source-7.2, from Debian sid through kdocgen's own apt
# configuration).  Comments are read with the kernel-doc rules of the tree's
# version (6.x: the Perl kernel-doc's, 7.x: the Python one's).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
KSRC   ?=
KVER   ?=
SITE_URL ?=
export KSRC SITE_URL
VERSION_ARGS = $(if $(KVER),--kernel-version $(KVER))

STAMP := $(VENV)/.installed

.PHONY: all test venv parity bench bench-site bench-dropin clean html lint man abi

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
		--files-from _build/man-files.txt --out _build/man \
		--version "Linux $$($(PY) -c "import json; print(json.load(open('source/_site.json'))['kernel_version'])")"

# doc-lint of the site's file set (SUBSYSTEM= / FILES= as for html).
LINT_ARGS ?=
lint: $(STAMP)
	$(PY) -m kdocgen lint $(if $(FILES),$(FILES),--subsystem "$(or $(SUBSYSTEM),Hyper-V/Azure CORE AND DRIVERS)") $(VERSION_ARGS) $(LINT_ARGS)

parity: $(STAMP)
	$(PY) bench/parity.py --json bench/results/parity.json $(if $(KSRC),--srctree $(KSRC)) $(VERSION_ARGS) $(PARITY_ARGS)

bench: $(STAMP)
	$(PY) bench/speed.py --json bench/results/speed.json $(if $(KSRC),--srctree $(KSRC)) $(BENCH_ARGS)

bench-site: $(STAMP)
	$(PY) bench/site_speed.py --json bench/results/site_speed.json $(if $(KSRC),--srctree $(KSRC)) $(BENCH_ARGS)

# The kernel-doc drop-in: stdout, stderr and exit status of kdocgen-kernel-doc
# against the tree's kernel-doc over the directives' files (bench/kdcompat.py).
DROPIN_ARGS ?=
bench-dropin: $(STAMP)
	$(PY) bench/kdcompat.py --json bench/results/kdcompat.json $(if $(KSRC),--srctree $(KSRC)) $(if $(KVER),--kernel-version $(KVER)) $(DROPIN_ARGS)

# The default ABI dataset: the Hyper-V functions over real Debian kernel builds
# (packages fetched with apt through a private configuration; per-build results
# cached in ~/.cache/kdocgen/abi, so a refresh only scans new builds).
abi: $(STAMP)
	$(PY) -m kdocgen abi scan --builds-from data/abi/debian-builds.txt -o data/abi/hyperv-debian.json.gz $(ABI_SCAN_ARGS)

# The site: kdocgen writes the pages into source/, Sphinx builds them in
# _build/sphinx/, and _build/html is replaced by exactly that build's files
# when it succeeded (kdocgen html; one build of a checkout at a time).
SITE_ARGS = $(if $(SUBSYSTEM),--subsystem "$(SUBSYSTEM)") $(if $(FILES),--files "$(FILES)") $(VERSION_ARGS)
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
