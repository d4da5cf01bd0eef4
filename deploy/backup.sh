#!/bin/sh
# Logical backup of Craftwork: the PostgreSQL database (pg_dump, custom format) and the local
# media files (public and private), with checksums, into BACKUP_DIR/<UTC timestamp>/.
#
#   DATABASE_URL=postgres://... BACKUP_DIR=/backups deploy/backup.sh
#
# Media on S3/GCS (STORAGE_BACKEND=s3|gcs) are kept by the bucket's own versioning and are not
# copied. Backups older than BACKUP_KEEP_DAYS (default 14) are deleted after a good one.
# Prints the directory it wrote; exits non-zero on any failure (a half backup is removed).
set -eu

: "${DATABASE_URL:?DATABASE_URL is required}"
BACKUP_DIR="${BACKUP_DIR:-/backups}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
VAR_DIR="${CRAFTWORK_VAR_DIR:-var}"
MEDIA_ROOT="${MEDIA_ROOT:-$VAR_DIR/media}"
PRIVATE_MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-$VAR_DIR/private}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/$stamp"
partial="$BACKUP_DIR/.partial-$stamp"
mkdir -p "$partial"
trap 'rm -rf "$partial"' EXIT

# The URL's own password is passed to libpq as it is; --no-owner/--no-privileges on restore
# let it load into a database with other roles.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$partial/database.dump"
# A dump pg_restore cannot list is not a backup.
pg_restore --list "$partial/database.dump" >/dev/null

if [ "${STORAGE_BACKEND:-local}" = "local" ]; then
  for pair in "media:$MEDIA_ROOT" "private:$PRIVATE_MEDIA_ROOT"; do
    name="${pair%%:*}"
    dir="${pair#*:}"
    if [ -d "$dir" ]; then
      tar -C "$dir" -czf "$partial/$name.tar.gz" .
    fi
  done
fi

(cd "$partial" && sha256sum -- * > SHA256SUMS)
cat > "$partial/MANIFEST" <<MANIFEST
created_at=$stamp
release=${RELEASE:-unknown}
pg_dump=$(pg_dump --version)
MANIFEST
mv "$partial" "$target"
trap - EXIT

# Retention: only after this backup is complete.
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$KEEP_DAYS" \
  -exec rm -rf {} +
echo "$target"
