# Shared by .ci/serve and .ci/test: install what is missing, skip what is there.
# Sourced, not run.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root for: $*"; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# The wasm-bindgen version pinned in Cargo.lock; the CLI must match it exactly.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_build_tools() {
  export PATH="$HOME/.cargo/bin:$PATH"
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      log "adding the $component component"
      rustup component add "$component"
    fi
  done
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-opt 123 from npm: Debian 12's binaryen (108) corrupts the reference-typed
  # function table of today's wasm-bindgen output.
  if ! [ -x .ci/tools/node_modules/.bin/wasm-opt ] || [ .ci/tools/package-lock.json -nt .ci/tools/node_modules/.package-lock.json ]; then
    log "installing wasm-opt (binaryen 123) from package-lock.json"
    (cd .ci/tools && npm ci --no-audit --no-fund)
  fi
  export PATH="$PWD/.ci/tools/node_modules/.bin:$PATH"
  local want; want="$(locked_wasm_bindgen)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "installing wasm-bindgen-cli $want (matches Cargo.lock; a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  if ! cargo leptos --version >/dev/null 2>&1; then
    log "installing cargo-leptos 0.3.6 (15–25 minutes on two cores, once)"
    cargo install cargo-leptos --locked --version 0.3.6
  fi
}

ensure_test_tools() {
  if ! [ -x /usr/bin/chromium ]; then
    log "installing Chromium from Debian"
    apt_install chromium
  fi
  if ! [ -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    log "installing end2end packages from package-lock.json"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# A real SMTP server for the notification tests: aiosmtpd from PyPI, in a virtual
# environment of its own; the tests find its Python through EMBASSY_DESK_TEST_PYTHON.
ensure_smtp_server() {
  local venv=.ci/tools/python
  if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    log "installing aiosmtpd (an SMTP server for the tests) from PyPI"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r .ci/tools/requirements-test.txt
  fi
  export EMBASSY_DESK_TEST_PYTHON="$PWD/$venv/bin/python"
}

ensure_postgres() {
  if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      log "starting the local PostgreSQL cluster"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
  fi
}
