# syntax=docker/dockerfile:1
# The production image. web (gunicorn), worker and beat (Celery) all run from it: see
# docker-compose.yml and docs/deploy.md.

# --- 1. Front-end assets: the compiled NHS.UK design system, copied by scripts/build-assets.mjs ---
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
# axe-core is a dev dependency (accessibility tests only).
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY scripts/build-assets.mjs scripts/
# nhsuk-frontend.min.css names its source map, and the manifest storage used in production refuses
# a stylesheet that points at a missing file, so copy the map too.
RUN npm run build \
 && cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css.map static/vendor/nhsuk/

# --- 2. The application ----------------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production

# The same uv as the Makefile; it installs exactly what uv.lock says.
RUN pip install --no-cache-dir --disable-pip-version-check "uv==0.9.30"
WORKDIR /app
COPY pyproject.toml uv.lock ./
# --no-dev leaves out the test tools, honcho (make run only) and pyotp (tests and the demo_totp
# command). The demo app is installed only by config.settings.local, so production needs neither.
RUN uv sync --frozen --no-dev --no-cache

COPY . .
COPY --from=assets /app/static/vendor/ static/vendor/

# Production settings refuse to load without these. The values below exist only for this one
# command, which touches neither the database nor Redis; real values come from the environment
# at run time.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    EMAIL_HOST=localhost \
    MFA_ENCRYPTION_KEYS=YnVpbGQtdGltZS1vbmx5LWtleS1ub3QtYS1zZWNyZXQ= \
    SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER app

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
