#!/bin/sh
# Installs what is missing to run (or, with --test, to test) wa-gateway on a
# Debian machine that has Node.js/npm: Bun (pinned, from npm, into .tools/),
# redis-server (and, for the test suite, Chromium and the few tools its tests
# call) from apt when root, and the dependencies from the frozen lockfile.
# Safe to run again: it only installs what is missing.
#
# start.sh and test.sh *run* this script rather than source it: POSIX `sh`
# (dash) passes no arguments to a sourced file, which once hid `--test` and
# left Chromium uninstalled on fresh machines. Callers put .tools/ on PATH.
set -eu

WAG_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
BUN_VERSION=1.4.5
BUN="$WAG_ROOT/.tools/node_modules/.bin/bun"

say() { echo "wa-gateway setup: $*" >&2; }

case "${1:-}" in
  "") mode=run ;;
  --test) mode=test ;;
  *) say "unknown argument '$1' (use --test to also install what the tests need)"; exit 2 ;;
esac

if [ ! -x "$BUN" ] || [ "$("$BUN" --version 2>/dev/null)" != "$BUN_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || { say "npm is needed to install Bun $BUN_VERSION; install Node.js and npm first"; exit 1; }
  say "installing Bun $BUN_VERSION from npm into .tools/"
  npm install --prefix "$WAG_ROOT/.tools" --no-save --no-audit --no-fund --loglevel=error "bun@$BUN_VERSION" >&2
fi

# Debian packages, as "command:package" pairs: what the gateway needs to run,
# then what the test suite calls (the docs and dashboard tests drive Chromium;
# the container smoke test uses curl, setpriv and pgrep).
needs="redis-server:redis-server"
[ "$mode" = test ] && needs="$needs chromium:chromium curl:curl setpriv:util-linux pgrep:procps"
packages=""
for need in $needs; do
  command -v "${need%%:*}" >/dev/null 2>&1 || packages="$packages ${need#*:}"
done
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

(cd "$WAG_ROOT" && "$BUN" install --frozen-lockfile >&2)
