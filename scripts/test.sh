#!/bin/sh
# The README's test command: installs what is missing, builds the binary (the
# suite also tests the compiled executable), then runs every test.
set -eu
WAG_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
sh "$WAG_ROOT/scripts/bootstrap.sh" --test
PATH="$WAG_ROOT/.tools/node_modules/.bin:$PATH"
export PATH
cd "$WAG_ROOT"
bun run build
exec bun test --parallel=2 "$@"
