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
        and CookieStorage.cookie_name not in request.COOKIES
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
            path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
            facts = "|".join(str(value) for value in program(request).values())
            key = f"visitor-page:{name}:{translation.get_language()}:{facts}:{part}:{path}"
            cached = cache.get(key)
            if cached is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if response.status_code != 200 or response.streaming:
                    return response
                html = response.content.decode(response.charset)
                content = _CSRF_INPUT.sub(lambda m: m.group(1) + _TOKEN + m.group(2), html)
                cached = (content, response["Content-Type"])
                cache.set(key, cached, PUBLIC_PAGE_SECONDS)
                return response
            content, content_type = cached
            if _TOKEN in content:
                content = content.replace(_TOKEN, get_token(request))
            response = HttpResponse(content, content_type=content_type)
            # As the rendered page (which reads the session): never shared with a signed-in user.
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapper

    return decorate
