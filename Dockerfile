# Production image of the sales-office app: web (gunicorn), Celery worker and beat all run it.
#   docker build -t salesoffice .
#   docker compose up -d          (see docker-compose.yml; SECRET_KEY and POSTGRES_PASSWORD required)
# Runtime configuration comes only from the environment (salesoffice/settings/base.py): no secret
# is baked into the image.
FROM python:3.13-slim

# PYTHONPATH: run from the copied source tree, so BASE_DIR (locale/, static/, templates/) is /app.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=salesoffice.settings.production

WORKDIR /app

# A TrueType CJK font that the PDFs (quotes, contracts, registers) embed (quotes/pdf.py).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, in their own layer: a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-cache-dir --no-deps .

# Build-time only: the production settings need these to import, and neither command below
# connects to the database or Redis. They live in this RUN line's shell, never in an ENV, so
# they do not persist into the runtime image. They are obviously not secrets.
RUN export SECRET_KEY=build-only-not-a-secret \
           DATABASE_URL=postgres://build@localhost/build \
           REDIS_URL=redis://localhost:6379/0 \
 && python manage.py compiletranslations \
 && python manage.py collectstatic --noinput

# Code, compiled catalogues and static files stay root-owned: the app user can read, not modify.
RUN useradd --create-home --uid 10001 --user-group app \
 && mkdir -p /var/lib/salesoffice/media && chown app:app /var/lib/salesoffice/media
USER app

EXPOSE 8000

# /health/ is exempt from the SSL redirect; the Host header is the first concrete ALLOWED_HOSTS
# entry, so the check passes whatever host name the deployment allows.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = next((x.strip().lstrip('.') for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip() not in ('', '*')), 'localhost'); u.urlopen(u.Request('http://127.0.0.1:8000/health/', headers={'Host': h}), timeout=5)"]

# Sync workers: the settings keep persistent database connections (CONN_MAX_AGE) per worker.
CMD ["gunicorn", "salesoffice.wsgi:application", "--worker-class", "sync", "--workers", "3", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
