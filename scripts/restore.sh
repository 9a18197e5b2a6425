#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database (and uploads folder).
# Usage: DATABASE_URL=postgres://.../new_db scripts/restore.sh FILE.dump [FILE-private.tar.gz]
set -euo pipefail
dump=${1:?usage: restore.sh FILE.dump [PRIVATE.tar.gz]}
: "${DATABASE_URL:?set DATABASE_URL}"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$dump"
if [ -n "${2:-}" ]; then
  : "${PRIVATE_STORAGE_ROOT:?set PRIVATE_STORAGE_ROOT to restore uploads}"
  mkdir -p "$PRIVATE_STORAGE_ROOT"
  tar -C "$PRIVATE_STORAGE_ROOT" -xzf "$2"
fi
echo "restored $dump"
