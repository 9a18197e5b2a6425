"""The client's address, as told by a configured number of trusted reverse proxies.

One function answers "who is asking" for the login limits (allauth's adapter), the API throttles
and the IP recorded with every signature, so all three agree behind a proxy (issue 17).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP address as text, or None when the request carries none.

    ``settings.TRUSTED_PROXY_COUNT`` (default 0) is how many reverse proxies in front of the
    application each append the address they received from to ``X-Forwarded-For``. With 0 the
    header is ignored and ``REMOTE_ADDR`` (the TCP peer) is the client. With N > 0 the client is
    the N-th entry counted from the right: entries further left were written by the client
    itself and can be forged, so they are never read. A header with fewer than N entries, or an
    entry that is not an IP address, means the request did not come through the proxies as
    configured; the TCP peer is used then.
    """
    remote = _valid(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid(forwarded[-count]) or remote
