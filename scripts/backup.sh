#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (custom format) and the private uploads.
# Usage: DATABASE_URL=postgres://... PRIVATE_STORAGE_ROOT=/srv/msa/private scripts/backup.sh DIR
set -euo pipefail
dest=${1:?usage: backup.sh DIR}
: "${DATABASE_URL:?set DATABASE_URL}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/msa-$stamp.dump" "$DATABASE_URL"
if [ -n "${PRIVATE_STORAGE_ROOT:-}" ] && [ -d "$PRIVATE_STORAGE_ROOT" ]; then
  tar -C "$PRIVATE_STORAGE_ROOT" -czf "$dest/msa-private-$stamp.tar.gz" .
fi
echo "$dest/msa-$stamp.dump"
