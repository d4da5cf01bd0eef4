#!/bin/sh
# One image, several roles: the first argument says which.
set -eu
role="${1:-web}"
# Per-process metric files (prometheus_client multiprocess mode) live in a writable tmpfs that
# starts empty; gunicorn clears it again at start (deploy/gunicorn.conf.py).
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  [ "$role" = "worker" ] && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
fi
[ "$#" -gt 0 ] && shift
case "$role" in
  web)
    exec gunicorn -c deploy/gunicorn.conf.py craftwork.asgi:application ;;
  worker)
    # Both queues by default; a deployment may run a mail-only worker (CELERY_QUEUES=mail).
    exec celery -A craftwork worker -Q "${CELERY_QUEUES:-celery,mail}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" --loglevel "${CELERY_LOG_LEVEL:-INFO}" "$@" ;;
  beat)
    # Exactly one beat per site; its schedule file lives in writable /tmp.
    exec celery -A craftwork beat --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
      --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@" ;;
  migrate)
    # One-shot, before a rollout: refuse unsafe settings, then apply migrations.
    python manage.py check --deploy --fail-level ERROR
    exec python manage.py migrate --noinput "$@" ;;
  backup)
    exec /app/deploy/backup.sh "$@" ;;
  restore)
    exec /app/deploy/restore.sh "$@" ;;
  manage)
    exec python manage.py "$@" ;;
  *)
    exec "$role" "$@" ;;
esac
