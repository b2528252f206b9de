# syntax=docker/dockerfile:1
# The hub as compiled JavaScript on Node 22, run as the unprivileged `node` user.
#   docker build -t learning-circle-hub .
#   docker compose up          (with PostgreSQL; see compose.yaml)

# -- build: all dependencies, tsc into dist/, the explorer bundled into dist/explorer-ui/
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY src ./src
COPY scripts ./scripts
COPY explorer ./explorer
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# -- runtime: production dependencies, compiled code, migrations; no compiler, no sources
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Found from dist/db/migrate.js by looking upwards: /app/drizzle.
COPY drizzle ./drizzle
# PGlite's folder when no DATABASE_URL is given; mount a volume here to keep it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM reaches node directly (exec form): WebSockets close, requests drain, the pool closes.
CMD ["node", "--enable-source-maps", "dist/main.js"]
