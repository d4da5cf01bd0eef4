# syntax=docker/dockerfile:1.7
# Craftwork: one image for web, worker and beat, chosen by the command.
#
#   docker build -t craftwork:$(git rev-parse --short HEAD) --build-arg RELEASE=$(git rev-parse HEAD) .
#   docker run craftwork web | worker | beat | migrate | manage <command>
#
# Stage 1 builds wheels for every pinned dependency (requirements.lock, `make lock`) with the
# compilers; stage 2 installs only those wheels into a slim base, as a non-root user.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.lock ./
RUN pip wheel --wheel-dir /wheels -r requirements.lock
COPY craftwork ./craftwork
# Compiled translations are part of the build, whatever the checkout holds.
RUN msgfmt -o craftwork/locale/es/LC_MESSAGES/django.mo craftwork/locale/es/LC_MESSAGES/django.po

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ARG RELEASE=unknown
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    RELEASE=${RELEASE} \
    CRAFTWORK_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    GUNICORN_BIND=0.0.0.0:8000
# Runtime libraries only: the PostgreSQL client for backups, no compilers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 craftwork \
 && useradd --system --uid 10001 --gid craftwork --home-dir /app --shell /usr/sbin/nologin craftwork
WORKDIR /app
COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links /wheels /wheels/*.whl && rm -rf /wheels
# The code is read-only to the user that runs it (root owns it).
COPY manage.py ./
COPY deploy/gunicorn.conf.py deploy/entrypoint.sh deploy/backup.sh deploy/restore.sh ./deploy/
COPY --from=builder /src/craftwork ./craftwork
# Static files with WhiteNoise's manifest, collected at build time with a throwaway key (the
# production settings refuse to start without a strong one; nothing is signed here).
RUN SECRET_KEY="build-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0 \
 && rm -f /tmp/build.sqlite3 \
 && mkdir -p /app/var/media /tmp/prometheus \
 && chown -R craftwork:craftwork /app/var /tmp/prometheus
USER craftwork:craftwork
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/', timeout=4).status == 200 else 1)"
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["web"]
