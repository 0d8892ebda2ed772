#!/bin/sh
# Installs what is missing to run (or, with --test, to test) wa-gateway on a
# Debian machine that has Node.js/npm: Bun (pinned, from npm, into .tools/),
# redis-server (and Chromium for the docs test) from apt when root, and the
# dependencies from the frozen lockfile. Safe to run again: it only installs
# what is missing. Sourced by start.sh and test.sh, so PATH carries over.
set -eu

WAG_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
BUN_VERSION=1.4.5
BUN="$WAG_ROOT/.tools/node_modules/.bin/bun"

say() { echo "wa-gateway setup: $*" >&2; }

if [ ! -x "$BUN" ] || [ "$("$BUN" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || { say "npm is needed to install Bun $BUN_VERSION; install Node.js and npm first"; exit 1; }
  say "installing Bun $BUN_VERSION from npm into .tools/"
  npm install --prefix "$WAG_ROOT/.tools" --no-save --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >&2
fi
PATH="$WAG_ROOT/.tools/node_modules/.bin:$PATH"
export PATH

# Debian packages: redis-server always; chromium for the test suite's offline-docs check.
packages=""
command -v redis-server >/dev/null 2>&1 || packages="redis-server"
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || packages="$packages chromium"
fi
if [ -n "$packages" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing$packages with apt-get"
    # shellcheck disable=SC2086
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages) >&2
  else
    say "missing:$packages. Install it as root: apt-get install$packages"
    exit 1
  fi
fi

(cd "$WAG_ROOT" && bun install --frozen-lockfile >&2)
