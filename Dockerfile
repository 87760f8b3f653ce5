# syntax=docker/dockerfile:1
#
# The shop (targets/server.ts) as a container: the same replica statebench forks on 127.0.0.1,
# configured by environment instead of --config (targets/replica-config.ts), so the replica an
# experiment measured on one machine is the one that runs in a pod.
#
#   docker build -t statebench .                      the shop (default target)
#   docker build -t statebench-generator --target generator .   statebench itself, with kubectl
#   docker run -e STATEBENCH_STORE=memory -p 8080:8080 statebench
#
# Environment (docs/beyond-one-machine.md): STATEBENCH_STORE (store module: memory, redis,
# redis-atomic, cookie, memcached, …), STATEBENCH_STORE_URL and STATEBENCH_STORE_SECRET (by
# environment only: they may carry a password), STATEBENCH_REPLICA_NAME (default: the host name,
# a pod's name), STATEBENCH_PORT (8080), STATEBENCH_HOST (0.0.0.0), STATEBENCH_SESSION_TTL_S (1800).

ARG NODE_VERSION=20
# kubectl for the generator's fault commands (`kubectl delete pod {replica}`), copied from the
# Kubernetes project's own image rather than downloaded by hand.
ARG KUBECTL_IMAGE=registry.k8s.io/kubectl:v1.31.0

FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
# better-sqlite3 compiles from source when no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Compile: every dependency (TypeScript included); `prepare` runs tsc into dist/.
FROM toolchain AS build
COPY package.json package-lock.json tsconfig.json ./
COPY src src
COPY targets targets
COPY bench bench
RUN npm ci --no-audit --no-fund

# Run-time dependencies only. Scripts are skipped (`prepare` would need TypeScript), then the one
# native addon is built.
FROM toolchain AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

# What both images hold: the compiled program, its run-time dependencies, the shipped scenarios.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY scenarios scenarios
COPY schema schema
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

FROM ${KUBECTL_IMAGE} AS kubectl

# statebench itself, for generator pods (`statebench k8s`): kubectl for the fault commands, and
# the CLI as entry point with the heap flags of the bin and npm scripts.
FROM runtime AS generator
COPY --from=kubectl /bin/kubectl /usr/local/bin/kubectl
ENTRYPOINT ["node", "--max-semi-space-size=4", "--max-old-space-size=512", "dist/src/main.js"]
CMD ["--help"]

# The shop: last, so it is what a plain `docker build .` makes.
FROM runtime AS shop
ENV STATEBENCH_STORE=memory \
    STATEBENCH_PORT=8080 \
    STATEBENCH_HOST=0.0.0.0
USER 1000:1000
EXPOSE 8080
# SIGTERM drains in-flight requests (targets/server.ts), as a rolling update expects.
STOPSIGNAL SIGTERM
CMD ["node", "dist/targets/server.js"]
