#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine and runs the whole suite:
# lint, migrations check, every test on SQLite, every database test again on PostgreSQL,
# and the browser tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

install_system_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v msgfmt >/dev/null || missing+=(gettext)
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing system packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_postgresql() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    step "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
}

install_python_packages() {
  step "installing Qadam and its test dependencies"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
}

install_system_packages
install_python_packages
ensure_postgresql
PY=.venv/bin/python
export QADAM_DATA_DIR="$(mktemp -d)"

# pytest exits 5 when a selection holds no test (e.g. no browser test on a checkout without them)
run_pytest() { "$@" || { rc=$?; [ "$rc" = 5 ] || exit "$rc"; }; }

step "lint"
.venv/bin/ruff check src tests bench

step "migrations are complete"
$PY -m qadam makemigrations --check --dry-run

step "tests on SQLite (embedded default), browser tests included"
run_pytest $PY -m pytest -q -p xdist -n 2 -m "not browser"
run_pytest $PY -m pytest -q -m browser

step "database tests on PostgreSQL"
QADAM_DATABASE_URL="postgres://postgres@127.0.0.1:5432/test" run_pytest $PY -m pytest -q -p xdist -n 2 -m "not browser" tests --ignore=tests/scales
