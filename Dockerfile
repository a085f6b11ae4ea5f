# syntax=docker/dockerfile:1
# The waiaas daemon in a container: build with dev dependencies, run with production dependencies only, as
# UID 1001, with the data (keystore, database, socket, recovery.key) on the /data volume.
#
# BASE:BASE_TAG is a Node 20 LTS image on Debian bookworm; the test suite substitutes a local one built from the
# host's Node (localhost/waiaas-node-base), as the registry cannot be reached there.
ARG BASE=node
ARG BASE_TAG=20-bookworm-slim

FROM ${BASE}:${BASE_TAG} AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched; node-gyp uses the base's own headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The build sorts the oclif manifest's commands so it is the same on every machine.
COPY scripts/sort-manifest.mjs ./scripts/
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund \
    && npm cache clean --force

FROM ${BASE}:${BASE_TAG} AS runtime
# tini is PID 1: it forwards SIGTERM/SIGINT to the daemon and reaps children.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1001 waiaas \
    && useradd --uid 1001 --gid 1001 --create-home --home-dir /home/waiaas --shell /usr/sbin/nologin waiaas \
    && mkdir -p /data \
    && chown 1001:1001 /data \
    && chmod 0700 /data
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
# The REST plugin's port, when it is enabled (see docker-compose.yml).
EXPOSE 3100
# Healthy only while the daemon answers on its socket (exit 0); works with or without the REST plugin.
# (No --start-period: dockerfilelint 1.8 rejects it; 3 retries 30 s apart cover the start.)
HEALTHCHECK --interval=30s --timeout=10s --retries=3 \
    CMD ["node", "/app/bin/run.js", "daemon", "status", "--json"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/run.js", "daemon", "start", "--foreground"]
