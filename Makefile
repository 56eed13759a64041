# TokenDesk — the two commands of the README are `make run` and `make test`.
# Works from a fresh clone on Debian 12 as root: `deps` installs what is missing (idempotent).
# See docs/harness.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# rustup's cargo lives in ~/.cargo/bin, which a non-login shell (CI, sudo, cron) may lack.
ifeq ($(shell command -v cargo 2>/dev/null),)
export PATH := $(HOME)/.cargo/bin:$(PATH)
endif

CARGO ?= cargo
# Extra arguments for the Rust test run, e.g. make test-rust CARGO_TEST_ARGS='-p tokendesk-core secrets'
CARGO_TEST_ARGS ?= --workspace
SIM_PORT ?= 8790
# CARGO_TARGET_DIR is honoured when set in the environment; it is never forced here.

WITH_SECRETS := scripts/with-secret-service.sh

# `make test` runs these steps in order, each as the target test-<step>. All steps run even
# when one fails (KEEP_GOING=0 stops at the first failure); a summary follows.
# To add a step (UI tests, e2e, ...): append its name here and write a test-<name> target.
TEST_STEPS ?= fmt ui clippy rust e2e bindings workflows fuzz-smoke
KEEP_GOING ?= 1

.PHONY: help deps deps-app test $(addprefix test-,$(TEST_STEPS)) run run-sim bench bench-app bench-bulk screenshots dev package test-package test-package-clean cross-check fmt lint fuzz fuzz-smoke test-fuzz-smoke

help:
	@echo 'make test     install missing deps, then: $(TEST_STEPS) (Rust tests inside a private Secret Service)'
	@echo 'make run      install missing deps, build and open the desktop app in practice mode'
	@echo 'make run-sim  install missing deps, build and start the practice server on 127.0.0.1:$(SIM_PORT)'
	@echo 'make deps     install missing Debian packages (scripts/install-deps.sh); deps-app: the desktop app'"'"'s'
	@echo 'make bench    cargo bench --workspace'
	@echo 'make bench-app  the app against a blank Tauri window: start-up, idle memory, sizes (scripts/perf-app.sh)'
	@echo 'make screenshots  the README'"'"'s pictures of every main screen, light and dark, taken by the real app'
	@echo 'make dev      tauri dev: the Vite dev server and the app (debug), reloading on changes'
	@echo 'make package  release build of the app + CLI, and the .deb and .rpm (tauri build; slow)'
	@echo 'make test-package  install the .deb from make package, check the CLI and the window, remove it'
	@echo 'make test-package-clean  the .deb on a minimal Debian 12 (debootstrap): installs from Depends alone, runs'
	@echo 'make cross-check   clippy of core/CLI/sim for x86_64-apple-darwin and x86_64-pc-windows-msvc'
	@echo 'make fmt      cargo fmt --all'
	@echo 'make fuzz     every fuzz target to 10 million runs or FUZZ_SECS (fuzz/run.sh; FUZZ_TARGETS= picks some)'
	@echo 'make fuzz-smoke  every fuzz target for a few seconds (installs nightly + cargo-fuzz; the last make test step)'
	@echo 'make lint     rustfmt check + clippy -D warnings'
	@echo 'one test:     $(WITH_SECRETS) cargo test -p tokendesk-core NAME   (or make test-rust CARGO_TEST_ARGS=...)'

# The desktop app (the workspace root package) builds against WebKitGTK, so the app group
# is part of every build now.
deps:
	@scripts/install-deps.sh base app

deps-app:
	@scripts/install-deps.sh base app

test: deps
	@failed=(); passed=(); start=$$(date +%s); \
	for step in $(TEST_STEPS); do \
	  echo; echo "=== make test: step '$$step' ==="; \
	  if $(MAKE) --no-print-directory "test-$$step"; then passed+=("$$step"); \
	  else failed+=("$$step"); echo "=== step '$$step' FAILED ==="; \
	    if [ "$(KEEP_GOING)" = 0 ]; then break; fi; fi; \
	done; \
	secs=$$(( $$(date +%s) - start )); echo; \
	if [ $${#failed[@]} -eq 0 ]; then \
	  echo "make test: OK -- all steps succeeded ($${passed[*]}) in $${secs}s"; \
	else \
	  echo "make test: FAILED -- failing steps: $${failed[*]}; succeeded: $${passed[*]:-none} ($${secs}s)"; \
	  exit 1; \
	fi

# The web frontend: npm ci, type check, prettier, Vitest, build (ui/dist, which the app embeds),
# and Playwright with Debian's chromium against the built UI (mock IPC), with an axe scan.
test-ui:
	ui/scripts/ci.sh

# The real app in a real window: tauri-driver + WebKitWebDriver + WebdriverIO under Xvfb with a
# throwaway Secret Service, against the app's embedded practice server (screenshots saved).
test-e2e:
	scripts/e2e-app.sh

# The README's pictures of every main screen, light and dark, taken by the real app
# (e2e-app/screens.test.mjs, also part of test-e2e) straight into docs/screenshots.
screenshots:
	SCREENSHOT_DIR=$(CURDIR)/docs/screenshots E2E_FILES=e2e-app/screens.test.mjs scripts/e2e-app.sh

test-fmt:
	$(CARGO) fmt --all -- --check

test-clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# The whole Rust suite runs inside a private D-Bus session with an unlocked throwaway
# gnome-keyring, so credential-store tests use the real Secret Service.
test-rust:
	$(WITH_SECRETS) $(CARGO) test $(CARGO_TEST_ARGS)

# The TypeScript bindings of IPC types (ts-rs) are committed in ui/src/bindings. Regenerate
# them into a scratch folder and compare, so a changed, added or removed type fails the run.
test-bindings:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	TS_RS_EXPORT_DIR="$$tmp" $(CARGO) test -q -p tokendesk-core -p tokendesk-app --lib export_bindings >/dev/null; \
	if diff -r "$$tmp" ui/src/bindings; then echo "ui/src/bindings is up to date"; \
	else echo "ui/src/bindings is stale: run 'cargo test -p tokendesk-core -p tokendesk-app --lib export_bindings' and commit the result"; exit 1; fi

# The GitHub Actions workflows: check-jsonschema's workflow schema and zizmor --offline (both
# from PyPI, pinned, in a venv under ~/.cache made once: scripts/check-workflows.sh).
test-workflows:
	scripts/check-workflows.sh

# Coverage-guided fuzzing (fuzz/, its own cargo workspace, nightly + cargo-fuzz, both installed
# when missing; the smoke run is skipped with a message when no nightly can be had).
# The smoke run gives each target FUZZ_SMOKE_SECS (2) seconds: under 60 s in all, after the build.
FUZZ_SECS ?= 900
FUZZ_TARGETS ?=
fuzz-smoke:
	fuzz/run.sh smoke

test-fuzz-smoke: fuzz-smoke

fuzz:
	fuzz/run.sh long $(FUZZ_SECS) $(FUZZ_TARGETS)

# The desktop app in practice mode (its embedded practice server with demo users). Without a
# display (a server, a container) it starts the practice server for the CLI instead.
run: deps
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display found (DISPLAY/WAYLAND_DISPLAY unset): starting the practice server for the CLI instead."; \
	  exec $(MAKE) --no-print-directory run-sim; \
	fi
	npm --prefix ui ci --no-audit --no-fund
	npm --prefix ui run build
	@echo "Building the app (release; the first build takes several minutes)..."
	$(CARGO) build --release -p tokendesk-app --features custom-protocol
	TOKENDESK_PRACTICE=1 "$${CARGO_TARGET_DIR:-target}/release/tokendesk-app"

run-sim: deps
	@echo "Practice server: http://127.0.0.1:$(SIM_PORT)  (Ctrl-C stops it; data is in memory only)"
	@echo "Its first output line gives TOKENDESK_AUTH_TOKEN=... TOKENDESK_SECRET_CODE=...; in another terminal:"
	@echo "  export TOKENDESK_AUTH_TOKEN=<from that line> TOKENDESK_SECRET_CODE=<from that line>"
	@echo "  cargo run -p tokendesk-cli -- profile add practice --url http://127.0.0.1:$(SIM_PORT) --admin practice-admin"
	@echo "  (no desktop keyring? run the CLI inside '$(WITH_SECRETS) bash': a throwaway store for that shell)"
	@echo "Building (release; the first build takes a few minutes)..."
	$(CARGO) run -p tokendesk-sim --release -- --demo --practice --memory --port $(SIM_PORT)

bench:
	$(CARGO) bench --workspace

# Bulk jobs against the practice server on disk with a 50 ms round trip: the ratio to one CLI
# run per row, the share of the latency ceiling, and a dry run's peak memory at 10k/100k rows.
bench-bulk: deps
	scripts/perf-bulk.sh

# The desktop app's start-to-interactive time, idle memory and sizes against a blank Tauri
# window built the same way (bench/blank-window), in one run; see README "Performance".
bench-app: deps
	scripts/perf-app.sh

# The stock Tauri CLI (ui/node_modules/.bin/tauri, @tauri-apps/cli 2.x) from the root, with
# tauri.conf.json as it is: the root package.json makes the CLI run its hooks from here.
TAURI := ui/node_modules/.bin/tauri

# npm ci in ui/ when its lock file changed since the last install.
ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	npm --prefix ui ci --no-audit --no-fund

dev: deps ui/node_modules/.package-lock.json
	$(TAURI) dev

# Installers for this machine: the .deb and the .rpm, with the CLI `tokendesk` beside the app
# (scripts/build-cli-sidecar.sh + packaging/tauri.package.json's externalBin). Release build
# under `nice` (NICE= to drop it). Windows/macOS installers: .github/workflows/release.yml.
NICE ?= nice -n 10
PACKAGE_BUNDLES ?= deb,rpm
package: deps ui/node_modules/.package-lock.json
	@scripts/install-deps.sh package
	NICE="$(NICE)" scripts/build-cli-sidecar.sh
	$(NICE) $(TAURI) build --ci --bundles $(PACKAGE_BUNDLES) --config packaging/tauri.package.json
	@find "$${CARGO_TARGET_DIR:-target}"/release/bundle -maxdepth 2 -type f -name 'TokenDesk*' -exec ls -l {} +

# Type-checks core, CLI and practice server for macOS and Windows (clippy, stand-in C compiler).
cross-check:
	scripts/cross-check.sh

# Installs the .deb made by `make package` (run that first), checks `tokendesk --version` from
# PATH and the app's window under Xvfb, then removes it and checks nothing is left. Not a
# `make test` step: the release build takes too long on 2 cores. See docs/harness.md.
test-package:
	scripts/package-test.sh

# The same .deb installed into a minimal Debian 12 (debootstrap, no -dev package): its Depends
# alone must bring every library, and the app must start there (scripts/package-test-clean.sh).
test-package-clean:
	scripts/package-test-clean.sh

fmt:
	$(CARGO) fmt --all

lint: test-fmt test-clippy
