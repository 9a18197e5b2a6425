#!/usr/bin/env bash
# The load test (make load): gunicorn (2 workers) on 127.0.0.1 with PostgreSQL, Locust headless.
#
# 1. recreates the PostgreSQL database msa_load, migrates, loads the demo data and
#    LOAD_REQUESTS sample requests (3,000 by default);
# 2. starts gunicorn on 127.0.0.1:8765 with LOADTEST_ENABLED (the trivial /loadtest/ping/ view,
#    login rate limits off) and a raised pre-check API rate;
# 3. runs the realistic mix (visitors, customers, staff) with LOAD_USERS users (50) for
#    LOAD_TIME (60s), then the trivial view alone with the same users for LOAD_PING_TIME (30s);
# 4. prints the table (throughput, p50/p95/p99, the ratio to the trivial view), stops gunicorn,
#    and exits non-zero if any request failed.
# Locust lives in its own venv (var/loadenv, from requirements-load.txt), not in the app's lock.
# Only 127.0.0.1 is ever a target. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${LOAD_PORT:-8765}
USERS=${LOAD_USERS:-50}
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
export MSA_ELIGIBILITY_API_RATE=1000000/m
export LOG_LEVEL=WARNING
export PAYMENT_PROVIDER=demo
export LOAD_IDS_FILE="$OUT/customer_requests.txt"
unset REDIS_URL CELERY_BROKER_URL STRIPE_SECRET_KEY

echo "== database $DB"
dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
createdb -h "$PGHOST" -U "$PGUSER" "$DB"
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py collectstatic --noinput -v 0
"$PY" manage.py seed_demo > /dev/null
"$PY" manage.py shell -c "exec(open('scripts/load/seed.py').read())"

echo "== gunicorn on $HOST (2 workers)"
"$PY" -m gunicorn msa_portal.wsgi --workers 2 --bind "127.0.0.1:${PORT}" \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    curl -fsS "$HOST/loadtest/ping/" > /dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$HOST/loadtest/ping/" > /dev/null

locust() {
    "$LOADENV/bin/locust" -f scripts/load/locustfile.py --headless --host "$HOST" \
        --users "$USERS" --spawn-rate 25 --only-summary --loglevel WARNING "$@"
}
echo "== the mix: $USERS users for $TIME"
locust --run-time "$TIME" --csv "$OUT/mix" --csv-full-history Visitor Customer Staff > "$OUT/mix.log" 2>&1 || true
echo "== the trivial view: $USERS users for $PING_TIME"
locust --run-time "$PING_TIME" --csv "$OUT/ping" Ping > "$OUT/ping.log" 2>&1 || true

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
"$PY" scripts/load/report.py "$OUT/mix" "$OUT/ping"
