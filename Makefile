# Rampart: the two commands that matter are `make run` and `make test` (see README.md).
# Both install what is missing on Debian 12 first. Nothing here needs to run twice.

SHELL := /bin/bash
.DEFAULT_GOAL := run

CACHE            ?= $(HOME)/.cache/rampart
export CARGO_TARGET_DIR ?= $(CACHE)/target
TOOLS            := $(CACHE)/tools
TAURI_DRIVER     := $(TOOLS)/bin/tauri-driver
BIN              := $(CARGO_TARGET_DIR)/debug/rampart
VENV             := .venv
SUDO             := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO            := cargo
# Every cargo command of `make test` builds with the test hooks (src-tauri/src/hooks.rs), so
# each crate compiles once; `make run` and `hooks-absent` build the app without them.
TEST_FEATURES    := --features rampart/test-hooks
# What building, running and testing the app needs from Debian.
APT_PACKAGES     := build-essential pkg-config libwebkit2gtk-4.1-dev \
                    xvfb webkit2gtk-driver imagemagick poppler-utils python3-venv

.PHONY: run test build ui deps apt toolchain e2e screenshots clean-ui fmt lint bench bench-smoke bench-sync moto hooks-absent

## make run: install what is missing, build, open the window (the demo workspace on first start).
run: build
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: run this from a desktop session (or under Xvfb: DISPLAY=:99 make run)."; exit 1; fi
	$(BIN) $(ARGS)

## make test: everything CI runs (.ci/run calls this).
test: deps
	$(CARGO) fmt --all --check
	cd ui && npm run check && npm test && npm run build
	$(CARGO) clippy --workspace --all-targets --locked $(TEST_FEATURES) -- -D warnings
	$(CARGO) test --workspace --locked $(TEST_FEATURES) --no-run
	$(CARGO) test --workspace --locked $(TEST_FEATURES)
	$(CARGO) build -p rampart --locked $(TEST_FEATURES)
	$(MAKE) bench-smoke
	$(MAKE) moto
	$(MAKE) e2e
	$(MAKE) hooks-absent

## The app users run has no test hooks: built without the feature, its binary must not
## even name the hooks' variables. (Leaves that build in place for `make run`.)
hooks-absent:
	$(CARGO) build -p rampart --locked
	@for v in RAMPART_OPEN_FILE RAMPART_EXPORT_DIR; do \
	  if grep -aq "$$v" $(BIN); then echo "$(BIN) still reads $$v: test hooks in a user build"; exit 1; fi; \
	done; echo "hooks-absent: $(BIN) names no test hook"

## The scale benchmark (import vs a serde_json baseline; queries at 100k findings and 1M
## history events). `make bench` runs the full size and fails when a bar is missed; CI runs
## the small size only to prove it works (timings on a shared CI machine are not judged).
bench:
	$(CARGO) bench --workspace --bench scale --locked -- --size full
	$(MAKE) bench-sync

## The sync benchmark: 20,000 findings from the project's endpoint enforcing Security Hub's
## GetFindings quota (3/s, burst 6); prints the achieved rate against it and what an
## incremental re-sync fetches. Paced by the quota, not the CPU: built unoptimised.
bench-sync:
	$(CARGO) bench --workspace --bench sync --profile dev --locked -- --size full

## `--workspace` (not `-p`) so that shared dependencies get the features the tests built
## them with: `-p` would compile the AWS SDK crates a second time in the dev profile.
bench-smoke:
	$(CARGO) bench --workspace --bench scale --locked -- --size small --no-fail
	$(CARGO) bench --workspace --bench sync --profile dev --locked -- --size small --no-fail

## The real window under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver).
e2e: $(VENV)/.stamp $(TAURI_DRIVER)
	$(CARGO) build -p rampart --locked $(TEST_FEATURES)
	$(CARGO) build --workspace --bin aws-endpoint --locked
	TAURI_DRIVER=$(TAURI_DRIVER) RAMPART_BIN=$(BIN) AWS_ENDPOINT_BIN=$(CARGO_TARGET_DIR)/debug/aws-endpoint $(VENV)/bin/python -m pytest tests/e2e -q -p no:cacheprovider

## `rampart sync --source securityhub` against moto (a local AWS emulator, from the venv):
## 250 findings over 3 pages, compared with `rampart import` of the same findings; and an
## organisation's account names and OUs (AWS Organizations) through to the CLI and the PDFs.
moto: $(VENV)/.stamp
	RAMPART_BIN=$(BIN) $(VENV)/bin/python -m pytest tests/moto -q -p no:cacheprovider

build: deps ui
	$(CARGO) build -p rampart --locked

ui: ui/node_modules/.stamp
	cd ui && npm run build

## Screenshots of the main views for the README (docs/*.png).
screenshots: build $(VENV)/.stamp
	$(VENV)/bin/python tests/e2e/screenshots.py docs

deps: apt toolchain ui/node_modules/.stamp $(VENV)/.stamp $(TAURI_DRIVER)

apt:
	@missing=$$(for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

toolchain:
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then re-run."; exit 1; }
	@command -v node >/dev/null || { echo "Node.js 20.19+ is missing: install it, then re-run."; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
	  { echo "Node.js $$(node --version) is too old: the UI build needs 20.19 or newer."; exit 1; }
	@rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt 2>/dev/null || true

ui/node_modules/.stamp: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	touch $@

$(VENV)/.stamp: tests/e2e/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/e2e/requirements.txt
	touch $@

$(TAURI_DRIVER):
	$(CARGO) install tauri-driver --version 2.1.0 --locked --root $(TOOLS) --target-dir $(CACHE)/tools-target

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) clippy --workspace --all-targets --locked $(TEST_FEATURES) -- -D warnings
