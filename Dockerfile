# The production image: runtime dependencies only (requirements.lock), run as a non-root user.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 msa \
    && useradd --system --uid 10001 --gid msa --home-dir /app --no-create-home msa
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache --compile-bytecode -r requirements.lock
# The code stays owned by root (read-only to the app); only var/ (collected static files, the
# beat schedule) and /data/private (uploads without a bucket) are the app's to write.
COPY . .
# The app's own bytecode too: the code is read-only to the app, so without it every process
# would compile every module again at start (gunicorn's master and each Celery process).
RUN python -m compileall -q -j 0 .
ENV DJANGO_SETTINGS_MODULE=msa_portal.settings.production PYTHONUNBUFFERED=1
# Compressing and hashing every static file takes one to two minutes: done once here, at build
# time, never when a container starts.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://unused \
    ALLOWED_HOSTS=build STRIPE_SECRET_KEY=build STRIPE_WEBHOOK_SECRET=build \
    EMAIL_URL=consolemail:// TWILIO_ACCOUNT_SID=build TWILIO_AUTH_TOKEN=build \
    TWILIO_FROM_NUMBER=+10000000000 python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /data/private && chown -R msa:msa var /data/private
USER msa
EXPOSE 8000
# deploy/gunicorn.conf.py: worker class, count (WEB_CONCURRENCY; os.cpu_count() sees the host's
# CPUs, so set it when the container is limited), threads, keep-alive, timeouts, the access log.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "msa_portal.wsgi"]
