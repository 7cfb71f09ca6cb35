#!/usr/bin/env bash
# Started by Playwright: the release binary on a fresh data dir.
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(mktemp -d -t embassy-desk-e2e.XXXXXX)"
trap 'rm -rf "$data"' EXIT
export EMBASSY_DESK_DATA_DIR="$data"
export EMBASSY_DESK_LISTEN="127.0.0.1:${E2E_PORT:-3100}"
export EMBASSY_DESK_SITE_ROOT=target/site
export EMBASSY_DESK_LOG=warn
target/release/embassy-desk serve
