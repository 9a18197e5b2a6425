#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (custom format) and the private files, from the
# bucket when PRIVATE_STORAGE_BUCKET is set, else from the PRIVATE_STORAGE_ROOT folder.
# Usage: DATABASE_URL=postgres://... [PRIVATE_STORAGE_BUCKET=... | PRIVATE_STORAGE_ROOT=...] \
#        scripts/backup.sh DIR
set -euo pipefail
dest=${1:?usage: backup.sh DIR}
: "${DATABASE_URL:?set DATABASE_URL}"
here=$(cd "$(dirname "$0")" && pwd)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/msa-$stamp.dump" "$DATABASE_URL"
if [ -n "${PRIVATE_STORAGE_BUCKET:-}" ]; then
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  "${PYTHON:-python3}" "$here/private_bucket.py" download "$staging"
  tar -C "$staging" -czf "$dest/msa-private-$stamp.tar.gz" .
elif [ -n "${PRIVATE_STORAGE_ROOT:-}" ] && [ -d "$PRIVATE_STORAGE_ROOT" ]; then
  tar -C "$PRIVATE_STORAGE_ROOT" -czf "$dest/msa-private-$stamp.tar.gz" .
fi
echo "$dest/msa-$stamp.dump"
