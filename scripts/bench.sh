#!/usr/bin/env bash
# `make bench` (not part of `make test`): every page at 100,000 requests, in queries, time and
# throughput relative to the trivial view measured in the same run.
#
# 1. recreates the PostgreSQL database msa_bench (BENCH_DB), migrates, loads the demo data and
#    BENCH_REQUESTS sample requests (100,000; scripts/bench/seed.py), ANALYZE;
# 2. renders each page in-process: queries and the median time of 5 renders
#    (scripts/bench/measure.py);
# 3. starts gunicorn (2 sync workers) on 127.0.0.1:BENCH_PORT and runs
#    `wrk -t1 -c10 -d BENCH_WRK_TIME` against each page, signed in where the page needs it,
#    printing requests/s and the ratio to the trivial view /loadtest/ping/.
# The load average is printed before and after: the machine may be shared. Only 127.0.0.1.
# BENCH_REUSE=1 keeps the loaded database (migrates it) and measures again.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${BENCH_PORT:-8766}
PGHOST=${BENCH_PGHOST:-127.0.0.1}
PGUSER=${BENCH_PGUSER:-postgres}
DB=${BENCH_DB:-msa_bench}
WRK_TIME=${BENCH_WRK_TIME:-8s}
OUT=var/bench
HOST="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"
command -v wrk > /dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
case "$DB" in msa_bench*) ;; *) echo "refusing to recreate $DB (msa_bench* only)" >&2; exit 2;; esac

export DJANGO_SETTINGS_MODULE=msa_portal.settings.local
export DEBUG=false
export LOADTEST_ENABLED=true
export DATABASE_URL="postgres://${PGUSER}@${PGHOST}:5432/${DB}"
export CONN_MAX_AGE=60
export MSA_ELIGIBILITY_API_RATE=100000000/m
export LOG_LEVEL=WARNING
export PAYMENT_PROVIDER=demo
export BENCH_OUT="$OUT"
unset REDIS_URL CELERY_BROKER_URL STRIPE_SECRET_KEY

echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "== database $DB"
if [ "${BENCH_REUSE:-0}" = 1 ]; then
    "$PY" manage.py migrate --noinput -v 0
else
    dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$DB"
    createdb -h "$PGHOST" -U "$PGUSER" "$DB"
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py seed_demo > /dev/null
    "$PY" manage.py shell -c "exec(open('scripts/bench/seed.py').read())"
fi
"$PY" manage.py collectstatic --noinput -v 0
psql -q -h "$PGHOST" -U "$PGUSER" -d "$DB" -c "VACUUM ANALYZE"

echo "== in-process: queries and median time of each page"
"$PY" manage.py shell -c "exec(open('scripts/bench/measure.py').read())"

echo "== gunicorn on $HOST (2 sync workers), wrk -t1 -c10 -d$WRK_TIME"
"$PY" -m gunicorn msa_portal.wsgi --workers 2 --bind "127.0.0.1:${PORT}" \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$HOST/loadtest/ping/" > /dev/null && break; sleep 0.2; done

ping_rps=""
printf "| %-30s | %7s | %9s | %9s | %9s | %7s |\n" page queries "ms (1 req)" "req/s" "vs trivial" errors
printf "| %-30s | %7s | %9s | %9s | %9s | %7s |\n" --- ---: ---: ---: ---: ---:
while IFS=$'\t' read -r name method path cookie body queries ms; do
    args=(-t1 -c10 "-d$WRK_TIME" --latency)
    [ "$cookie" != "-" ] && args+=(-H "Cookie: $cookie")
    if [ "$method" = POST ]; then
        lua="$OUT/post.lua"
        printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' \
            "$(cat "$body")" > "$lua"
        args+=(-s "$lua")
    fi
    warm=(-sf -o /dev/null)
    [ "$cookie" != "-" ] && warm+=(-H "Cookie: $cookie")
    [ "$method" = POST ] && warm+=(-H "Content-Type: application/json" --data-binary "@$body")
    curl "${warm[@]}" "$HOST$path" || true
    result=$(wrk "${args[@]}" "$HOST$path")
    echo "$result" > "$OUT/wrk-$(echo "$name" | tr -c 'a-zA-Z0-9' '_').txt"
    rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
    errors=$(echo "$result" | awk '/Non-2xx/ {print $5}')
    [ -z "$ping_rps" ] && ping_rps=$rps
    ratio=$(awk -v a="$rps" -v b="$ping_rps" 'BEGIN {printf "%.3f", a / b}')
    printf "| %-30s | %7s | %9s | %9s | %9s | %7s |\n" "$name" "$queries" "$ms" "$rps" "$ratio" "${errors:-0}"
done < "$OUT/pages.tsv"
echo "== $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
