# syntax=docker/dockerfile:1
# The server image: `npm run serve` on MySQL/MariaDB, plus the release commands
# (`npm run migrate`, `npm run create-operator`, `npm run reconcile`) and the
# operator console at /admin. Build: docker build -t huiyuan .

# ---- build: every dependency, then the TypeScript build and the console bundle ----
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 (the embedded database, optional) compiles from source when no prebuilt binary downloads.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY miniapp/package.json miniapp/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY shared shared
COPY server server
COPY scripts scripts
RUN npm run build && npm run build:console

# ---- runtime: production dependencies of shared and server only, as a non-root user ----
FROM node:20-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 CONSOLE_DIR=/app/server/console/dist IMAGE_DIR=/data/images
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY miniapp/package.json miniapp/
# Production runs on MySQL: the optional embedded engine is not compiled (no install scripts run). Optional
# packages stay: sharp's prebuilt libvips for this platform is one.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w shared -w server --include-workspace-root \
  && npm cache clean --force
# Uploaded images: mount a volume shared by every instance here.
RUN mkdir -p /data/images && chown node /data/images
VOLUME /data/images
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/server/console/dist server/console/dist
COPY --from=build /app/scripts/dist scripts/dist
USER node
EXPOSE 3000
# Liveness only (no database): a database blip must not restart every container. Node, as slim has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# What `npm run serve` runs, without npm in between: SIGTERM from the orchestrator reaches the server
# itself, which drains (SHUTDOWN_DRAIN_MS) and finishes in-flight requests before it exits.
CMD ["node", "server/dist/main.js"]
