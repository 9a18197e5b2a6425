"""Whole public pages for visitors, from the cache (issue 27, BENCHMARKS.md "Pages at 100,000").

A visitor who carries no session (never signed in, no message waiting) sees the same home page,
program page or Approved Product List as every other visitor in the same language: the page's
body was already cached as a fragment, but rendering the layout around it (navigation, footer,
the language form) was still ~1 ms of CPU a page, four times Django's own request cycle. Here
the whole page is kept, keyed by the view, the language, the path and what the view says the
page depends on (``variant``), for as long as the fragments (``PUBLIC_PAGE_SECONDS``).

The one per-visitor part of such a page is the CSRF token of its forms (the language switch):
it is stored as a placeholder and filled with the visitor's own token on every answer, so each
visitor gets a valid token and the ``csrftoken`` cookie exactly as on a rendered page
(Django's CSRF documentation, "Caching": a cached page must not carry another visitor's token).
"""

import hashlib
import re
import uuid
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .context_processors import program

# Five minutes, as the pages' own fragments: a deploy's new texts show within that.
PUBLIC_PAGE_SECONDS = 300
# What ``{% csrf_token %}`` renders, and what stands for the token in the cache. A NUL byte
# never occurs in a page we render, so the placeholder cannot collide with content.
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_TOKEN = "\x00csrf-token\x00"


def no_query_string(request: HttpRequest) -> str | None:
    """The ``variant`` of a page that takes no parameters: cached only when none are sent."""
    return None if request.GET else ""


def serves_from_cache(request: HttpRequest) -> bool:
    """Whether ``request`` is a visitor's plain GET: no session, no message waiting for them.

    A session cookie means someone signed in (or was, and may have messages in the session);
    the messages cookie means a message waits to be shown. Both get the page rendered for them.
    """
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def cache_for_visitors(
    name: str, variant: Callable[[HttpRequest], str | None] = no_query_string
) -> Callable:
    """Decorate a public view so that visitors get its whole page from the cache.

    ``name``: the page's part of the cache key. ``variant(request)``: a string naming what else
    the page depends on (the list's version, a filter), or None for a request whose page must be
    rendered and not kept (parameters the page does not know, which would fill the cache).
    The key also holds the active language, the program's facts every page may show (the fee,
    the target, the demo banner: a deploy that changes one shows it at once) and the full path
    (the language form sends it back).
    Only 200 answers are kept. Signed-in users and visitors with a message waiting always get a
    rendered page (``serves_from_cache``).
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            part = variant(request) if serves_from_cache(request) else None
            if part is None:
                return view(request, *args, **kwargs)
            key = _page_key(request, f"visitor-page:{name}", part)
            return _from_cache(
                request, key, PUBLIC_PAGE_SECONDS, lambda: view(request, *args, **kwargs)
            )

        return wrapper

    return decorate


def _page_key(request: HttpRequest, prefix: str, part: str) -> str:
    """``prefix`` and ``part``, the active language, the program's facts and the full path."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    facts = "|".join(str(value) for value in program(request).values())
    return f"{prefix}:{translation.get_language()}:{facts}:{part}:{path}"


def _from_cache(request: HttpRequest, key: str, seconds: int, render: Callable[[], HttpResponse]):
    """The page under ``key``, or ``render()``'s, kept for ``seconds`` when it is a plain 200.

    The page's CSRF inputs are kept as a placeholder and filled with this reader's token.
    """
    cached = cache.get(key)
    if cached is None:
        response = render()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code != 200 or response.streaming:
            return response
        html = response.content.decode(response.charset)
        content = _CSRF_INPUT.sub(lambda m: m.group(1) + _TOKEN + m.group(2), html)
        cache.set(key, (content, response["Content-Type"]), seconds)
        return response
    content, content_type = cached
    if _TOKEN in content:
        content = content.replace(_TOKEN, get_token(request))
    response = HttpResponse(content, content_type=content_type)
    # As the rendered page (which reads the session): never shared between readers.
    patch_vary_headers(response, ("Cookie",))
    return response


# Signed-in readers' pages (the status page, the contractors' dashboard; issue 27). Kept a few
# seconds (``READER_PAGE_SECONDS``): what the reader does shows at once, what others do to the
# request row at once, anything else within those seconds.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Long past any kept page: an expired mark reads as "" again, and no page of that mark is left.
READER_WRITES_SECONDS = 24 * 3600


def _writes_key(user_pk: int) -> str:
    return f"reader-writes:{user_pk}"


def reader_reads_from_cache(request: HttpRequest) -> bool:
    """Whether a signed-in reader's GET may be answered from their own cached pages.

    Not when the pages are switched off (``READER_PAGE_SECONDS`` 0) or a message waits for the
    reader (in the messages cookie or, when it was too long for it, in the session).
    """
    return (
        settings.READER_PAGE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_authenticated
        and not request.COOKIES.get(CookieStorage.cookie_name)
        and "_messages" not in request.session
    )


class ReaderWritesMiddleware:
    """After a signed-in user's POST (or any unsafe method), their cached pages are stale.

    The mark is changed once the view has returned, so after its transaction committed: a page
    rendered before the change cannot be kept under the new mark. Placed after
    ``AuthenticationMiddleware`` (it reads ``request.user``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in _SAFE_METHODS and user is not None and user.is_authenticated:
            cache.set(_writes_key(user.pk), uuid.uuid4().hex, READER_WRITES_SECONDS)
        return response


def cache_for_reader(name: str, version: Callable[..., str | None]) -> Callable:
    """Decorate a signed-in view so that its reader gets their own page again for a few seconds.

    ``version(request, *args, **kwargs)`` runs on every request, cached or not: it checks that
    the reader may see the page (raising ``Http404`` or ``PermissionDenied`` as the view would)
    and returns a string that changes with what the page mainly shows (a request's ``updated_at``),
    or None to have the page rendered and not kept. The key holds the reader's id, the mark of
    their last write (``ReaderWritesMiddleware``), the language, the program's facts and the
    path; the page is kept ``settings.READER_PAGE_SECONDS``. Put it inside ``login_required``.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not reader_reads_from_cache(request):
                return view(request, *args, **kwargs)
            part = version(request, *args, **kwargs)
            if part is None:
                return view(request, *args, **kwargs)
            user_pk = request.user.pk
            writes = cache.get(_writes_key(user_pk), "")
            key = _page_key(request, f"reader-page:{name}:{user_pk}:{writes}", part)
            return _from_cache(
                request,
                key,
                settings.READER_PAGE_SECONDS,
                lambda: view(request, *args, **kwargs),
            )

        return wrapper

    return decorate
