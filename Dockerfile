# The Jianbao image: one image for the web process (gunicorn) and the worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JIANBAO_VAR_DIR=/app/var \
    JIANBAO_FONT_DIR=/app/fonts

# Pango and HarfBuzz for WeasyPrint, the CJK faces of the print layout (Noto Serif/Sans
# CJK SC with the Black weight for 小标宋, AR PL UKai for 楷体), gettext for the Chinese
# catalogue, the PostgreSQL client for `manage.py backup` / `restore`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
      fonts-noto-cjk fonts-noto-cjk-extra fonts-arphic-ukai \
      gettext postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
# Build output baked into the image: compiled messages, GB2312 font subsets, hashed
# and compressed static files. DEBUG=1 only lets these commands run without a secret.
RUN DEBUG=1 python manage.py compilemessages -v0 \
 && DEBUG=1 python manage.py build_fonts \
 && DEBUG=1 STATIC_MANIFEST=1 python manage.py collectstatic --noinput -v0 \
 && useradd --system --home-dir /app jianbao \
 && mkdir -p /app/var/media \
 && chown -R jianbao /app/var

USER jianbao
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
