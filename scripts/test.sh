#!/bin/sh
# The README's test command: installs what is missing, builds the binary (the
# suite also tests the compiled executable), then runs every test.
set -eu
. "$(dirname -- "$0")/bootstrap.sh" --test
cd "$WAG_ROOT"
bun run build
exec bun test --parallel=2 "$@"
