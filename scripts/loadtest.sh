#!/usr/bin/env bash
# The load test (make load): a busy day's mix against gunicorn (deploy/gunicorn.conf.py) and
# PostgreSQL on 127.0.0.1, Locust headless, with the rate limits on.
#
# 1. recreates the PostgreSQL database msa_load, migrates, loads the demo data, LOAD_REQUESTS
#    sample requests (3,000) and LOAD_ACCOUNTS customer accounts that can sign in (200);
# 2. starts a private Redis (LOAD_REDIS_PORT, 6390: the cache and Celery's broker, never the
#    machine's own), a Celery worker (as in production: the eligibility check after payment and
#    the signed agreement's PDF run there, not in the request; at nice LOAD_WORKER_NICE, 10, as
#    docker-compose.yml gives it a quarter of web's CPU weight) and gunicorn with the checked-in
#    configuration on 127.0.0.1:8765, DEBUG off, paying through the tests' fake Stripe
#    (scripts/load/fake_stripe_server.py on LOAD_STRIPE_PORT, 12111: the real SDK against it,
#    as in the payment tests), LOADTEST_ENABLED (only the trivial /loadtest/ping/ view) and
#    TRUSTED_PROXY_COUNT=1: each simulated user sends its own X-Forwarded-For, as the proxy
#    would, so the per-address login and API limits apply to each user as to real people;
# 3. runs the mix (70 % visitors, 20 % customers filing, signing and paying, 10 % staff; see
#    scripts/load/locustfile.py) with LOAD_USERS users (150) for LOAD_TIME (60s), then the
#    trivial view alone with the same users for LOAD_PING_TIME (30s);
# 4. prints per page requests, failures, req/s, p50/p95/p99, the ratio to the trivial view and
#    the failures by kind, and how long each fee paid during the run waited for the worker's
#    eligibility check (scripts/load/paid_to_checked.py); stops gunicorn, the worker and Redis,
#    and exits non-zero if any request failed.
# Locust lives in its own venv (var/loadenv, from requirements-load.txt), not in the app's lock.
# Only 127.0.0.1 is ever a target. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-150}
SPAWN=${LOAD_SPAWN_RATE:-10}
TIME=${LOAD_TIME:-60s}
PING_TIME=${LOAD_PING_TIME:-30s}
PGHOST=${LOAD_PGHOST:-127.0.0.1}
PGUSER=${LOAD_PGUSER:-postgres}
DB=${LOAD_DB:-msa_load}
OUT=var/load
HOST="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"

LOADENV=var/loadenv
STAMP="$LOADENV/.installed-$(sha1sum requirements-load.txt | cut -c1-12)"
if [ ! -f "$STAMP" ]; then
    python3 -m venv "$LOADENV"
    "$LOADENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-load.txt
    rm -f "$LOADENV"/.installed-* && touch "$STAMP"
fi

export DJANGO_SETTINGS_MODULE=msa_portal.settings.local
export DEBUG=false
export LOADTEST_ENABLED=true
export DATABASE_URL="postgres://${PGUSER}@${PGHOST}:5432/${DB}"
export CONN_MAX_AGE=60
export TRUSTED_PROXY_COUNT=1
export LOG_LEVEL=WARNING
export LOAD_ACCOUNTS=${LOAD_ACCOUNTS:-200}
STRIPE_PORT=${LOAD_STRIPE_PORT:-12111}
export PAYMENT_PROVIDER=stripe
export STRIPE_API_BASE="http://127.0.0.1:${STRIPE_PORT}"
export STRIPE_SECRET_KEY=sk_test_fake_load
export STRIPE_WEBHOOK_SECRET=whsec_fake_load
export LOAD_STRIPE="$STRIPE_API_BASE"
export SITE_URL="$HOST"            # Stripe's success and cancel links come back to this server
export EMAIL_URL=dummymail://      # receipts and notices are built, not printed
export LOAD_METERS=${LOAD_METERS:-20000}
export LOAD_IDS_FILE="$OUT/customer_requests.txt"
REDIS_PORT=${LOAD_REDIS_PORT:-6390}
export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
unset CELERY_BROKER_URL CELERY_TASK_ALWAYS_EAGER

echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
PIDS=()
# Stopped last started first: gunicorn and the worker before the Redis they talk to.
stop_all() {
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[i]}" 2>/dev/null && wait "${PIDS[i]}" 2>/dev/null || true
    done
}
trap stop_all EXIT
echo "== Redis on 127.0.0.1:$REDIS_PORT (private)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --logfile "$PWD/$OUT/redis.log" &
PIDS+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
echo "== fake Stripe on $STRIPE_API_BASE"
"$PY" scripts/load/fake_stripe_server.py "$STRIPE_PORT" &
PIDS+=($!)
echo "== database $DB"
dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
createdb -h "$PGHOST" -U "$PGUSER" "$DB"
"$PY" manage.py migrate --noinput -v 0
# Collecting compresses every file (one to two minutes): only when static/ changed since.
manifest=var/staticfiles/staticfiles.json
if [ ! -f "$manifest" ] || [ -n "$(find static -newer "$manifest" -print -quit)" ]; then
    "$PY" manage.py collectstatic --noinput -v 0
fi
# seed_demo refuses to run with DEBUG off and a real provider (it creates known passwords):
# the load database is a throwaway, so it is told the demo provider for this one command.
PAYMENT_PROVIDER=demo "$PY" manage.py seed_demo > /dev/null
"$PY" manage.py shell -c "exec(open('scripts/load/seed.py').read())"
# Fresh statistics now, so PostgreSQL's autovacuum does not analyze the new tables during the mix.
psql -h "$PGHOST" -U "$PGUSER" -d "$DB" -qc "VACUUM ANALYZE"

echo "== a Celery worker"
nice -n "${LOAD_WORKER_NICE:-10}" "$PY" -m celery -A msa_portal worker --concurrency 1 \
    --loglevel WARNING --without-gossip --without-mingle --logfile "$OUT/worker.log" &
PIDS+=($!)

echo "== gunicorn on $HOST (deploy/gunicorn.conf.py)"
GUNICORN_BIND="127.0.0.1:${PORT}" GUNICORN_ACCESS_LOG="$OUT/access.log" \
    GUNICORN_ERROR_LOG="$OUT/gunicorn.log" "$PY" -m gunicorn -c deploy/gunicorn.conf.py \
    msa_portal.wsgi &
PIDS+=($!)
for _ in $(seq 1 60); do
    curl -fsS "$HOST/loadtest/ping/" > /dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$HOST/loadtest/ping/" > /dev/null

locust() {
    "$LOADENV/bin/locust" -f scripts/load/locustfile.py --headless --host "$HOST" \
        --users "$USERS" --spawn-rate "$SPAWN" --only-summary --loglevel WARNING "$@"
}
echo "== the mix: $USERS users for $TIME"
LOAD_STARTED=$(date -u +%FT%T+00:00)
export LOAD_STARTED
locust --run-time "$TIME" --csv "$OUT/mix" --csv-full-history Visitor Customer Staff > "$OUT/mix.log" 2>&1 || true
echo "== the trivial view: $USERS users for $PING_TIME"
locust --run-time "$PING_TIME" --csv "$OUT/ping" Ping > "$OUT/ping.log" 2>&1 || true

echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
"$PY" manage.py shell -c "exec(open('scripts/load/paid_to_checked.py').read())"
"$PY" scripts/load/report.py "$OUT/mix" "$OUT/ping"
