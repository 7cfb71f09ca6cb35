#!/usr/bin/env bash
# Installs what is missing, builds in release and serves on http://127.0.0.1:3000 with SQLite
# under ./data (created on first start, with the key file). Settings: see README.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_build_tools
log "building (release)"
cargo leptos build --release
log "starting embassy-desk"
exec target/release/embassy-desk serve
