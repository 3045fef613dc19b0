# syntax=docker/dockerfile:1
# Mutu Madrasah: one image, run as web (gunicorn), worker and beat (celery) by docker-compose.yml.
# Build: docker build -t mutu-madrasah .   Settings come from the environment (see .env.example).

# --- Stage 1: front-end assets from the lockfile, with Debian's Node.js and npm. ------------------
# Only the files the pages load leave this stage, so Node.js and node_modules stay out of the image.
FROM python:3.11-slim-bookworm AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The same files as `make assets`; the .map files must come too, because collectstatic's manifest
# storage follows the sourceMappingURL comments and fails on a missing map.
RUN mkdir vendor \
    && cp node_modules/bootstrap/dist/css/bootstrap.min.css \
          node_modules/bootstrap/dist/css/bootstrap.min.css.map \
          node_modules/bootstrap/dist/js/bootstrap.bundle.min.js \
          node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
          node_modules/htmx.org/dist/htmx.min.js \
          vendor/ \
    && mkdir vendor/regions && cp node_modules/idn-area-data/data/regencies.csv vendor/regions/

# --- Stage 2: the application. -------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (PDF reports) needs Pango, its FreeType backend and HarfBuzz's subsetter; fonts cover
# Latin (DejaVu, Liberation: metric-compatible with Arial/Times) and Arabic script (Noto).
# gettext provides msgfmt for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
        fonts-liberation2 \
        fonts-noto-core \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 mutu \
    && useradd --system --uid 1000 --gid mutu --home-dir /app --no-create-home --shell /usr/sbin/nologin mutu

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .
COPY --from=assets /src/vendor ./vendor

# Build-time Django runs on the embedded profile (DJANGO_ENV unset) with a throw-away DATA_DIR, so
# no generated secret key, database or broker folder ends up in the image.
RUN DATA_DIR=/tmp/build-data python manage.py compilemessages -v 0 \
    && DATA_DIR=/tmp/build-data python manage.py collectstatic --noinput -v 0 \
    && rm -rf /tmp/build-data

# Runtime data (uploads, generated reports) lives in /data: mount a volume there.
RUN mkdir -p /data/media && chown -R mutu:mutu /data
ENV DATA_DIR=/data \
    MEDIA_ROOT=/data/media

USER mutu
EXPOSE 8000
# No HEALTHCHECK here: the worker and beat run this image too and serve no HTTP. docker-compose.yml
# gives the web service its /healthz check.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
