# The Jianbao image: one image for the web process (gunicorn) and the worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JIANBAO_VAR_DIR=/app/var

# Pango and HarfBuzz for WeasyPrint, gettext for the Chinese catalogue, the PostgreSQL
# client for `manage.py backup` / `restore`. The print faces ship with the project
# (static/fonts/); Noto CJK is only the fallback for characters outside GB2312 (names
# such as 喆 or 堃), so they print instead of showing as boxes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-cjk \
      gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The runtime lock only: no test, lint or browser tooling in the image.
COPY requirements/runtime.lock requirements/
RUN pip install --no-cache-dir -r requirements/runtime.lock

COPY . .
# Build output baked into the image: compiled messages, hashed and compressed static
# files. DEBUG=1 only lets these commands run without a secret.
RUN DEBUG=1 python manage.py compilemessages -v0 \
 && DEBUG=1 STATIC_MANIFEST=1 python manage.py collectstatic --noinput -v0 \
 && useradd --system --home-dir /app jianbao \
 && mkdir -p /app/var/media \
 && chown -R jianbao /app/var

USER jianbao
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
