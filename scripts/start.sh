#!/bin/sh
# The README's start command: installs what is missing, then runs the gateway
# with every part in one process (--role=all) and an embedded Redis.
# Extra arguments are passed on, e.g. `npm start -- --port=9000`.
set -eu
. "$(dirname -- "$0")/bootstrap.sh"
cd "$WAG_ROOT"
exec bun src/main.ts --role=all "$@"
