#!/bin/sh
# Restore a backup made by deploy/backup.sh into a FRESH database (never over a live one).
#
#   TARGET_DATABASE_URL=postgres://.../craftwork_restore deploy/restore.sh /backups/20261208T031700Z
#
# Checks the checksums, creates the target database when it does not exist (refuses one that
# already holds tables), restores the dump, and unpacks the media into RESTORE_MEDIA_ROOT /
# RESTORE_PRIVATE_MEDIA_ROOT when given. Then run `manage.py reconcile` against the copy
# (docs/operations.md) before pointing anything at it.
set -eu

backup="${1:?usage: restore.sh <backup directory>}"
: "${TARGET_DATABASE_URL:?TARGET_DATABASE_URL is required}"

(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

# The database name is the URL's path; the maintenance database is "postgres" on the same server.
dbname="$(printf '%s' "$TARGET_DATABASE_URL" | sed -E 's#^[a-z]+://[^/]*/([^?]+).*#\1#')"
server_url="$(printf '%s' "$TARGET_DATABASE_URL" | sed -E 's#^([a-z]+://[^/]*)/.*#\1#')/postgres"
exists="$(psql "$server_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")"
if [ "$exists" != "1" ]; then
  psql "$server_url" -qc "CREATE DATABASE \"$dbname\""
fi
tables="$(psql "$TARGET_DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
  echo "refusing to restore into $dbname: it already has $tables tables" >&2
  exit 1
fi

pg_restore --dbname="$TARGET_DATABASE_URL" --no-owner --no-privileges --exit-on-error \
  --jobs="${RESTORE_JOBS:-2}" "$backup/database.dump"

for pair in "media:${RESTORE_MEDIA_ROOT:-}" "private:${RESTORE_PRIVATE_MEDIA_ROOT:-}"; do
  name="${pair%%:*}"
  dir="${pair#*:}"
  if [ -n "$dir" ] && [ -f "$backup/$name.tar.gz" ]; then
    mkdir -p "$dir"
    tar -C "$dir" -xzf "$backup/$name.tar.gz"
  fi
done
echo "restored $backup into $dbname"
