# syntax=docker/dockerfile:1
# The waiaas daemon in a container: build with dev dependencies, run with production dependencies only, as
# UID 1001, with the data (keystore, database, socket, recovery.key) on the /data volume.
#
# BASE:BASE_TAG is a Node 22 LTS image on Debian bookworm (Node 20 reached end of life on 2026-04-30); the test suite
# substitutes a local one built with the same Node 22 (localhost/waiaas-node-base), as the registry cannot be reached
# there.
ARG BASE=node
ARG BASE_TAG=22-bookworm-slim

FROM ${BASE}:${BASE_TAG} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched; node-gyp uses the base's own headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
# package-lock.json is npm 11's: the npm 10 that Node 22 images ship refuses it in `npm ci` (it expects optional peer
# dependencies that npm 11 leaves out), so the build stage uses npm 11.
RUN npm install --global --no-audit --no-fund npm@11.19.1
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The admin web UI's sources (Preact + Vite); `npm run build` bundles them into dist/admin.
COPY admin ./admin
# The build bundles the CLI and the daemon into dist/bundle/ and sorts the oclif manifest's commands so it is the
# same on every machine.
COPY scripts/bundle.mjs scripts/sort-manifest.mjs ./scripts/
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && npm cache clean --force

FROM ${BASE}:${BASE_TAG} AS runtime
# tini is PID 1: it forwards SIGTERM/SIGINT to the daemon and reaps children. curl is there for health probes such as
# compose's `curl -f http://localhost:3100/health` (with the REST plugin on, see docker-compose.yml).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1001 waiaas \
    && useradd --uid 1001 --gid 1001 --create-home --home-dir /home/waiaas --shell /usr/sbin/nologin waiaas \
    && mkdir -p /data \
    && chown 1001:1001 /data \
    && chmod 0700 /data \
    && ln -s /app/bin/run.js /usr/local/bin/waiaas
WORKDIR /app
# Owned by root: the daemon's user can read the code, not change it.
COPY --from=build /app/package.json /app/package-lock.json /app/oclif.manifest.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production \
    WAIAAS_DATA_DIR=/data
USER 1001:1001
VOLUME ["/data"]
# The REST plugin's port, when it is on (WAIAAS_DAEMON_HOSTNAME=0.0.0.0, see docker-compose.yml).
EXPOSE 3100
# Healthy while the daemon answers on its socket (exit 0), with or without the REST plugin. Failures in the start
# period (the first start derives keys when auto-provisioning) do not count. (No --start-interval: buildah and the
# classic builder before Docker 25 refuse it.)
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["waiaas", "daemon", "status", "--json"]
# `waiaas` is the entrypoint and the daemon its default command: a compose `command:` or `docker run IMAGE ARGS`
# names another waiaas command (`command: ["push-relay"]` runs `waiaas push-relay`).
ENTRYPOINT ["/usr/bin/tini", "--", "waiaas"]
CMD ["daemon", "start", "--foreground"]
