#!/bin/sh
# Backs up a database with deploy/backup.sh, restores it with deploy/restore.sh into a fresh
# database, checks that every table holds the same number of rows, and runs `reconcile` (and
# `migrate --check`) on the copy. Used by CI on the seeded demo database.
#
#   deploy/backup-restore-check.sh postgres://.../source postgres://.../fresh_copy
set -eu
source_url="${1:?usage: backup-restore-check.sh SOURCE_URL TARGET_URL}"
target_url="${2:?usage: backup-restore-check.sh SOURCE_URL TARGET_URL}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

backup="$(DATABASE_URL="$source_url" BACKUP_DIR="$work/backups" "$here/backup.sh")"
echo "backup: $backup ($(du -sh "$backup" | cut -f1))"
ls -l "$backup"

TARGET_DATABASE_URL="$target_url" RESTORE_MEDIA_ROOT="$work/media" "$here/restore.sh" "$backup"

counts='SELECT table_name, (xpath($$/row/c/text()$$, query_to_xml(format($$SELECT count(*) AS c FROM public.%I$$, table_name), false, true, $$$$)))[1]::text FROM information_schema.tables WHERE table_schema = $$public$$ AND table_type = $$BASE TABLE$$ ORDER BY 1'
psql "$source_url" -tAc "$counts" > "$work/source.counts"
psql "$target_url" -tAc "$counts" > "$work/target.counts"
if ! diff -u "$work/source.counts" "$work/target.counts"; then
  echo "the restored database differs from the source"; exit 1
fi
echo "rows: $(awk -F'|' '{s+=$2} END {print s}' "$work/source.counts") in $(wc -l < "$work/source.counts") tables, identical"

DATABASE_URL="$target_url" "$python" manage.py migrate --check
DATABASE_URL="$target_url" "$python" manage.py reconcile
