#!/usr/bin/env bash
# Rolls a Staybase image out on a host that runs docker-compose.yml, in the order that keeps the running
# version working throughout (README, "Deploying"):
#   1. pull the new image;
#   2. apply its migrations once, as a one-off container (migrations are expand/contract: the old app
#      and workers keep working on the migrated schema);
#   3. replace the workers and wait until they are healthy;
#   4. replace the app and wait until it is healthy.
# A step that fails stops the rollout with the old processes of the later steps still running.
#
# Run from the folder that holds docker-compose.yml and the host's .env (PAYLOAD_SECRET, METRICS_TOKEN,
# Stripe keys, …):  STAYBASE_IMAGE=ghcr.io/owner/staybase:<commit> bash deploy.sh
# Rollback is the same command with the previous image's tag. The CI deploy job copies this file and the
# compose file to DEPLOY_PATH and runs it over SSH; with REGISTRY_USER set, the registry token is read
# from the first line of stdin and used for this pull only.
set -euo pipefail

: "${STAYBASE_IMAGE:?set STAYBASE_IMAGE to the image to deploy, e.g. ghcr.io/owner/staybase:<commit>}"
export STAYBASE_IMAGE
# Migrations run once, below, instead of in every app process that starts.
export MIGRATE_ON_START=false
# How long a new container may take to report healthy (the image's start period is 40 s).
wait_seconds=${DEPLOY_WAIT_SECONDS:-180}

say() { printf '\n=== %s\n' "$*"; }

registry=${STAYBASE_IMAGE%%/*}
if [ -n "${REGISTRY_USER:-}" ]; then
  IFS= read -r registry_token
  say "log in to $registry"
  printf '%s\n' "$registry_token" | docker login "$registry" --username "$REGISTRY_USER" --password-stdin
  trap 'docker logout "$registry" >/dev/null' EXIT
fi

say "pull $STAYBASE_IMAGE"
docker compose pull app worker

say "databases and the rest running (no change if they are)"
docker compose up -d --wait --wait-timeout "$wait_seconds" postgres redis mailpit

say "migrations (release step)"
docker compose run --rm --no-deps app node --conditions=production dist/migrate.js

say "workers"
docker compose up -d --no-deps --wait --wait-timeout "$wait_seconds" worker

say "app"
docker compose up -d --no-deps --wait --wait-timeout "$wait_seconds" app

say "Prometheus (picks up a changed scrape or alert configuration)"
docker compose up -d --wait --wait-timeout "$wait_seconds" prometheus

say "deployed $STAYBASE_IMAGE"
docker compose ps
