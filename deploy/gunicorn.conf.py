"""gunicorn's settings for the portal: the image, docker compose, `make load` and `make bench`.

Run with ``gunicorn -c deploy/gunicorn.conf.py msa_portal.wsgi``. Every figure can be changed
from the environment without editing this file (the names are gunicorn's own where it has one).

Why these values (issue 27, BENCHMARKS.md "Load"):
- Worker class ``gthread``: a page spends much of its time waiting on PostgreSQL, Redis and
  Stripe, and a login holds a CPU for ~0.25 s hashing the password. With sync workers one slow
  request blocks every request queued behind it on that process; threads let the other requests
  of the same process go on while one waits. Django is thread-safe for requests; each thread
  keeps its own database connection (``CONN_MAX_AGE``), so PostgreSQL sees up to
  workers x threads connections per replica.
- Workers ``2 x CPUs + 1`` (gunicorn's own advice): one process per core for CPU work (template
  rendering, password hashing are CPU-bound and the GIL lets one thread of a process run Python
  at a time), plus spares for the time processes wait. ``WEB_CONCURRENCY`` overrides it (the
  name Heroku and gunicorn both read); on a container limited to fewer CPUs than the host has,
  set it, since ``os.cpu_count()`` reports the host's.
- Threads 4: with the workers above, 4 x (2 x CPUs + 1) requests in flight per replica.
- ``keepalive`` 75 s, above nginx's ``keepalive_timeout`` towards upstreams and above the
  idle timeout of common load balancers (60 s): the side that closes an idle connection must be
  the client, never gunicorn, or a request the client sends at the instant gunicorn closes is
  answered with a reset (the ~1 % of resets seen under the busy-day mix with gunicorn's 2 s
  default).
- ``timeout`` 30 s: a worker silent for longer is killed and replaced (a stuck request must not
  hold a process for ever). Every page answers well inside it; the slowest, the 100,000-row
  staff export, streams, and a streaming response counts as activity.
- ``graceful_timeout`` 30 s: on a deploy, requests in flight get this long to finish.
- ``max_requests`` 2,000 ± 200: each process is replaced after about that many requests, so a
  slow leak in a library cannot grow for ever; the jitter keeps the processes from restarting
  together.
- ``preload_app``: the application is imported once, in the master, and each worker is forked
  from it (its memory shared copy-on-write) instead of importing it again: importing Django,
  the admin, Celery, Stripe and WeasyPrint takes ~3.5 s of CPU a process on this machine
  (~7 s when Python cannot use cached bytecode), so five workers booting together held both
  CPUs for the first 15 to 35 s of a load test, and each ``max_requests`` restart did it again.
  Nothing connects at import (Django opens database and cache connections on first use, in
  the worker), so no connection is shared across the fork. A code change then needs a
  restart of the master (a deploy does that), not a HUP.
- ``forwarded_allow_ips``: the addresses whose ``X-Forwarded-*`` headers gunicorn believes (the
  proxy's). Django reads the client's address itself (``common.client_ip`` with
  ``TRUSTED_PROXY_COUNT``); this only decides what gunicorn logs and passes as the scheme.
  Default 127.0.0.1 (a proxy on the same host); compose sets the proxy's network.
- The access log: one line per request with the client's address as the proxy forwarded it,
  the request id (``X-Request-ID``, set or passed on by ``common.request_id``, the same id as on
  the application's log lines), the status, the size and the time in milliseconds; no query
  string (it may hold an email address or a token).
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 4)
keepalive = _int("GUNICORN_KEEPALIVE", 75)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# client (X-Forwarded-For as received), request id, method and path, status, bytes, milliseconds
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s rid=%({x-request-id}o)s "%(m)s %(U)s %(H)s" %(s)s %(B)s '
    '%(M)sms "%(a)s"'
)
