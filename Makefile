# The lab's entry points. `make up` and `make test` set up what they need first,
# so a fresh clone needs nothing else (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.inferlab-setup
# The Procfile drives the local lab; Tilt's --local mode reads the same file.
PROCFILE ?= Procfile

.PHONY: help setup up test test-unit test-images lint bench load canary checkov export-model clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup: $(STAMP)  ## create .venv with the lab and the test tools (idempotent)

# Re-run pip only when the dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $@

up: setup  ## run the local lab (the processes of the Procfile)
	$(BIN)/honcho --procfile $(PROCFILE) start

test: setup  ## run the whole test suite
	$(BIN)/python -m pytest

test-unit: setup  ## run the fast tests only
	$(BIN)/python -m pytest -m 'not integration'

# Root only: dockerd, debootstrap (.ci/run installs Debian's docker.io and debootstrap). Layers and the
# stand-in's root file system are cached in build/docker (INFERLAB_DOCKER_CACHE); `make test` runs this too.
test-images: setup  ## build the images as Tilt does and run the cluster's topology as containers
	$(BIN)/python -m pytest -m docker tests/docker

lint: setup  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Load tests (locustfiles/): only the variables given reach the run; the rest keep the defaults of
# locustfiles/settings.py. `:=` so that a shell's own HOST (zsh sets it) is not taken for the target.
HOST :=
USERS :=
SPAWN_RATE :=
RUN_TIME :=
SHAPE :=
TAGS :=
WORKERS :=
LOAD_VARIABLES := HOST USERS SPAWN_RATE RUN_TIME SHAPE TAGS WORKERS

load: setup  ## headless Locust run: HOST USERS SPAWN_RATE RUN_TIME SHAPE TAGS WORKERS; reports in runs/<UTC time>/
	$(foreach v,$(LOAD_VARIABLES),$(if $($(v)),INFERLAB_LOAD_$(v)='$($(v))')) $(BIN)/python -m locustfiles.run

canary: setup  ## post-deploy check: the labelled photos through the running service, into MLflow and the Pushgateway
	$(BIN)/python -m services.registry canary

bench: setup  ## service vs in-process throughput and latency, telemetry's and the prediction log's cost, goodput under overload (docs/performance.md)
	$(BIN)/python -m benchmarks.service
	$(BIN)/python -m benchmarks.telemetry
	$(BIN)/python -m benchmarks.predictions
	$(BIN)/python -m benchmarks.overload

# checkov in a venv of its own (it pins much of what the lab uses); skipped checks say why in the
# manifests' checkov.io/skip* annotations and the Dockerfiles' checkov:skip comments.
CHECKOV := .venv-checkov/bin/checkov
$(CHECKOV):
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet checkov==3.3.30

checkov: setup $(CHECKOV)  ## checkov on the built manifests (base and overlays/minikube) and the Dockerfiles
	mkdir -p build/manifests
	$(BIN)/kubectl kustomize manifests/base > build/manifests/base.yaml
	$(BIN)/kubectl kustomize manifests/overlays/minikube > build/manifests/minikube.yaml
	$(CHECKOV) --quiet --compact --skip-download --framework kubernetes -d build/manifests
	$(CHECKOV) --quiet --compact --skip-download --framework dockerfile -d docker

# Torch is only needed here, in a venv of its own; the exported files are committed.
export-model:  ## re-export the ONNX models under models/ (needs torch)
	test -x .venv-export/bin/python || $(PYTHON) -m venv .venv-export
	.venv-export/bin/python -m pip install --quiet -e '.[export]'
	# torchvision only as the source of the class names, read from its files: never imported,
	# and without its dependencies, which would replace this CPU torch.
	.venv-export/bin/python -m pip install --quiet --no-deps torchvision==0.28.0
	.venv-export/bin/python -m services.export --out models

clean:  ## remove the virtual environments and caches
	rm -rf $(VENV) .venv-export .venv-checkov .pytest_cache .ruff_cache
