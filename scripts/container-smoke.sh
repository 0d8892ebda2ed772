#!/bin/sh
# Mirrors the Dockerfile without a Docker engine (none runs here):
#   build stage:   a clean copy of exactly what the Dockerfile COPYs, frozen install, `bun run build`;
#   runtime stage: the binary alone in an empty directory, run as an unprivileged user with DATA_DIR
#                  pointing at its own volume, checked with the HEALTHCHECK command, stopped with SIGTERM.
# Prints "container smoke: ok" on success. Needs bun on PATH (scripts/bootstrap.sh), curl and redis-server.
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/wag-ctr-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# --- build stage -------------------------------------------------------------
mkdir -p "$WORK/src/scripts"
cp "$ROOT/package.json" "$ROOT/bun.lock" "$ROOT/bunfig.toml" "$ROOT/tsconfig.json" "$WORK/src/"
cp -R "$ROOT/patches" "$WORK/src/"
(cd "$WORK/src" && bun install --frozen-lockfile >/dev/null 2>&1)
cp "$ROOT/scripts/build.ts" "$WORK/src/scripts/build.ts"
cp -R "$ROOT/src" "$ROOT/drizzle" "$WORK/src/"
(cd "$WORK/src" && WAG_BUILD_OUTFILE="$WORK/src/dist/wa-gateway" bun run build >/dev/null)
# The image must carry the patched Baileys (patches/): a build that lost the patch set links nobody today.
grep -aq "does not certify the server static key" "$WORK/src/dist/wa-gateway" || { echo "container smoke: the binary lacks the Baileys patch set"; exit 1; }

# --- runtime stage -----------------------------------------------------------
mkdir -p "$WORK/image/usr/local/bin" "$WORK/data"
cp "$WORK/src/dist/wa-gateway" "$WORK/image/usr/local/bin/wa-gateway"
rm -rf "$WORK/src"
PORT=${SMOKE_PORT:-18917}
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$WORK/data" "$WORK"
  chmod 700 "$WORK/data"
  RUN_AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
else
  RUN_AS=""
fi
cd "$WORK/data"
# shellcheck disable=SC2086
$RUN_AS env -i PATH=/usr/local/bin:/usr/bin:/bin DATA_DIR="$WORK/data" PORT="$PORT" \
  "$WORK/image/usr/local/bin/wa-gateway" --role=all >"$WORK/gateway.log" 2>&1 &
PID=$!

healthy=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:${PORT}/health" >/dev/null 2>&1; then healthy=yes; break; fi
  sleep 0.1
done
# On failure, stop the gateway and wait for it before the trap deletes its data dir.
fail() { echo "container smoke: $1"; cat "$WORK/gateway.log"; kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; exit 1; }
[ -n "$healthy" ] || fail "not healthy"
# /health is liveness and answers while the app still loads; /ready says when it serves.
ready=""
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:${PORT}/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
[ -n "$ready" ] || fail "never ready"
owner=$(stat -c %U "$WORK/data/secrets.env")
kill -TERM "$PID"
status=0; wait "$PID" || status=$?
[ "$status" -eq 0 ] || { echo "container smoke: exit status $status after SIGTERM"; cat "$WORK/gateway.log"; exit 1; }
if pgrep -f "redis-server unixsocket:$WORK/data" >/dev/null; then echo "container smoke: redis-server left running"; exit 1; fi
echo "container smoke: ok (healthy and ready, data owned by $owner, clean exit)"
