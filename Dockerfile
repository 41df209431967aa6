# syntax=docker/dockerfile:1
#
# agent-gate GitHub App image. Two stages: the build stage has the dev dependencies (TypeScript)
# and compiles src/ to lib/; the runtime stage has only the production dependencies and the
# compiled output, runs as the unprivileged `node` user and holds no secret: APP_ID, PRIVATE_KEY
# (or PRIVATE_KEY_PATH to a mounted file) and WEBHOOK_SECRET are given at run time
# (docs/deploy.md). .dockerignore keeps .env and *.pem out of the build context altogether.

# Node.js 24 (Active LTS) on Debian slim, pinned by digest so a rebuild cannot silently take a
# different base. The digest is the multi-arch index of `node:24-slim` as pinned in public
# repositories in August 2026; no Docker engine or registry was reachable where this was written,
# so refresh and verify it with `docker buildx imagetools inspect node:24-slim` (docs/deploy.md).
ARG NODE_IMAGE=node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schema ./schema
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
# HOST: Probot listens on localhost by default, which is unreachable from outside a container.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY schema ./schema
COPY bin ./bin
COPY app.yml ./
# The image's files stay owned by root and read-only to the app: a compromised process cannot
# rewrite its own code. The node images ship the unprivileged `node` user (uid 1000).
USER node
EXPOSE 3000
# /healthz answers without calling GitHub, so a GitHub outage does not restart healthy replicas.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Not `npm start`: its prestart step compiles with TypeScript, a dev dependency absent here.
CMD ["node", "lib/app/main.js"]
