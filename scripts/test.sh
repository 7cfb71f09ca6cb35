#!/usr/bin/env bash
# Installs what the tests need, then runs them all: cargo tests on SQLite and PostgreSQL,
# then Playwright in Chromium (projects "js" and "no-js") against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_build_tools
ensure_test_tools
ensure_postgres

log "cargo tests (SQLite and PostgreSQL)"
cargo test --features ssr

log "building for the browser tests (release)"
cargo leptos build --release

log "Playwright (Chromium; js and no-js)"
cd end2end
npx playwright test
