# The two commands: `make demo` (set up and serve the portal) and `make test`.
# Everything else here is what they are made of.
CKAN_VERSION ?= 2.12.0
PORT ?= 5000
# The replayed remote portals of the federation demo.
REPLAY_PORT ?= $(shell echo $$(($(PORT) + 1)))
PYTHON ?= python3
ifeq ($(CKAN_VERSION),2.12.0)
VENV ?= .venv
CHECKS := lint typecheck
LINT_TOOLS := 1
else
VENV ?= .venv-$(CKAN_VERSION)
CHECKS :=
LINT_TOOLS := 0
endif
CKAN_TAG := $(subst .,,$(CKAN_VERSION))
TEST_DB := ckan_test_$(CKAN_TAG)
DEMO_DB := ckan_demo
DEMO_INI ?= demo.ini
PG_PORT ?= 54329
REDIS_PORT ?= 56379
BIN := $(VENV)/bin
export OPENGOV_PG_PORT := $(PG_PORT)
export OPENGOV_REDIS_PORT := $(REDIS_PORT)

.PHONY: demo serve test lint typecheck pytest bench i18n bootstrap-demo bootstrap-test demo-config

## make demo: set up everything and serve the demo portal on http://127.0.0.1:$(PORT)
## (the replayed portals of the federation demo on $(REPLAY_PORT), stopped with it)
demo: bootstrap-demo demo-config
	$(BIN)/ckan -c $(DEMO_INI) db upgrade
	$(BIN)/ckan -c $(DEMO_INI) opengov demo load
	@scripts/serve-demo.sh $(BIN) $(DEMO_INI) $(PORT) $(REPLAY_PORT)

bootstrap-demo:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh $(VENV) $(CKAN_VERSION) $(DEMO_DB)

demo-config:
	@PG_PORT=$(PG_PORT) REDIS_PORT=$(REDIS_PORT) PORT=$(PORT) scripts/demo-config.sh $(BIN) $(DEMO_INI) $(DEMO_DB)

## make test: the same bootstrap, then lint, type check and the whole test suite
test: bootstrap-test $(CHECKS) pytest

bootstrap-test:
	@OPENGOV_WITH_BROWSER=1 OPENGOV_LINT_TOOLS=$(LINT_TOOLS) PYTHON=$(PYTHON) scripts/bootstrap.sh $(VENV) $(CKAN_VERSION) $(TEST_DB)

lint:
	$(BIN)/ruff check ckanext tests bench

typecheck:
	$(BIN)/mypy

pytest:
	CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:$(PG_PORT)/$(TEST_DB) \
	CKAN_REDIS_URL=redis://127.0.0.1:$(REDIS_PORT)/1 \
	$(BIN)/pytest $(PYTEST_ARGS)

## make bench: every benchmark; figures in bench/results/<name>.json
bench:
	@PYTHON=$(PYTHON) scripts/bootstrap.sh $(VENV) $(CKAN_VERSION) ckan_bench
	CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:$(PG_PORT)/ckan_bench \
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make i18n: extract messages, update the catalogues and compile them
i18n:
	$(BIN)/python setup.py -q extract_messages
	$(BIN)/python setup.py -q update_catalog --no-fuzzy-matching
	$(BIN)/python setup.py -q compile_catalog
