# syntax=docker/dockerfile:1
# Two stages: build the single executable with Bun, then run it alone on a slim
# Debian with redis-server (the embedded Redis) and curl (the health check).
# scripts/container-smoke.sh mirrors these steps without Docker; CI runs it.

FROM node:20-bookworm-slim AS build
WORKDIR /src
# Bun is pinned and comes from npm, like everywhere else in this project.
RUN npm install --global --no-audit --no-fund bun@1.4.5
COPY package.json bun.lock bunfig.toml tsconfig.json ./
# The Baileys patch set: bun install applies it (package.json's patchedDependencies).
COPY patches patches
RUN bun install --frozen-lockfile
COPY scripts/build.ts scripts/build.ts
COPY src src
COPY drizzle drizzle
RUN bun run build

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin wagw \
 && mkdir -p /data && chown wagw:wagw /data && chmod 700 /data
COPY --from=build /src/dist/wa-gateway /usr/local/bin/wa-gateway
USER wagw
WORKDIR /data
ENV DATA_DIR=/data PORT=8000
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/wa-gateway"]
CMD ["--role=all"]
