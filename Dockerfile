# syntax=docker/dockerfile:1.7
# Staybase image: one image for the web server (default CMD) and the worker (compose overrides CMD).
# The base is pinned by exact tag; bump it deliberately (and with it the Node line in package.json).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- all dependencies, for the build ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: Next/Payload app + bundled express server -------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The build needs no database, Redis or secrets (src/lib/env.ts uses placeholders during `next build`).
RUN npm run build && rm -rf .next/cache

# --- production dependencies only -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000
RUN groupadd --system --gid 10001 staybase \
 && useradd --system --uid 10001 --gid staybase --home-dir /app --shell /usr/sbin/nologin staybase
# pg_dump/pg_restore for `npm run backup`/`npm run restore` (dist/backup.js, dist/restore.js): their major
# must be the server's, and bookworm's client is 15, the PostgreSQL of docker-compose.yml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build --chown=staybase:staybase /app/.next ./.next
COPY --from=build /app/dist ./dist
# dist/ holds the server, the worker and the migrations as bundled JavaScript; no TypeScript at run time.
COPY package.json package-lock.json next.config.mjs ./
RUN mkdir -p media && chown staybase:staybase media
# Where `npm run backup` writes by default (BACKUP_DIR); mount a volume here to keep backups off the container.
RUN mkdir -p backups && chown staybase:staybase backups
USER staybase
EXPOSE 3000
VOLUME ["/app/media"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Pending migrations first (unless MIGRATE_ON_START=false: a deployment's release step applies them once,
# scripts/deploy.sh), then the server (exec: it receives SIGTERM directly for a graceful stop).
# --conditions=production: see scripts/migrate.ts.
CMD ["sh", "-c", "node --conditions=production dist/migrate.js --on-start && exec node \"--max-old-space-size=${SERVER_HEAP_MB:-256}\" dist/server.js"]
