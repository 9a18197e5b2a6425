FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -r requirements.lock
COPY . .
ENV DJANGO_SETTINGS_MODULE=msa_portal.settings.production PYTHONUNBUFFERED=1
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://unused \
    ALLOWED_HOSTS=build STRIPE_SECRET_KEY=build STRIPE_WEBHOOK_SECRET=build \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "msa_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
