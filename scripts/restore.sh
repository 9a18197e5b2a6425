#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database, and the private files into the
# bucket named by PRIVATE_STORAGE_BUCKET or else the PRIVATE_STORAGE_ROOT folder.
# Usage: DATABASE_URL=postgres://.../new_db scripts/restore.sh FILE.dump [FILE-private.tar.gz]
set -euo pipefail
dump=${1:?usage: restore.sh FILE.dump [PRIVATE.tar.gz]}
: "${DATABASE_URL:?set DATABASE_URL}"
here=$(cd "$(dirname "$0")" && pwd)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname "$DATABASE_URL" "$dump"
if [ -n "${2:-}" ]; then
  if [ -n "${PRIVATE_STORAGE_BUCKET:-}" ]; then
    staging=$(mktemp -d)
    trap 'rm -rf "$staging"' EXIT
    tar -C "$staging" -xzf "$2"
    "${PYTHON:-python3}" "$here/private_bucket.py" upload "$staging"
  else
    : "${PRIVATE_STORAGE_ROOT:?set PRIVATE_STORAGE_ROOT (or PRIVATE_STORAGE_BUCKET) to restore files}"
    mkdir -p "$PRIVATE_STORAGE_ROOT"
    tar -C "$PRIVATE_STORAGE_ROOT" -xzf "$2"
  fi
fi
echo "restored $dump"
