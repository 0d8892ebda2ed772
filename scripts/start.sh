#!/bin/sh
# The README's start command: installs what is missing, then runs the gateway
# with every part in one process (--role=all) and an embedded Redis.
# Extra arguments are passed on, e.g. `npm start -- --port=9000`.
set -eu
WAG_ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
sh "$WAG_ROOT/scripts/bootstrap.sh"
PATH="$WAG_ROOT/.tools/node_modules/.bin:$PATH"
export PATH
cd "$WAG_ROOT"
# Bun's ceiling on a request head, raised so the gateway's own limits answer (BUN_HEAD_FLAG in src/http/request-guard.ts).
exec bun --max-http-header-size=131072 src/main.ts --role=all "$@"
