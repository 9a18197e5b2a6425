"""A signed-in user's language follows them from device to device."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation

from .services import user_set_preferred_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class PreferredLanguageMiddleware:
    """Keep the language cookie and the user's stored preference in step.

    The cookie is the latest choice made on this device (the footer's switcher sets it), so it
    becomes the preference emails use. A device without the cookie (a new phone, a cleared
    browser) gets the preference once the user signs in. Runs after LocaleMiddleware and
    AuthenticationMiddleware; it writes only when the two differ.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            restore = self._sync(request)
        except (OperationalError, InterfaceError):
            # The database is down: the view meets the same error and answers 503 (see
            # DatabaseUnavailableMiddleware); a middleware's own error would be a bare 500.
            restore = None
        response = self.get_response(request)
        if restore:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                restore,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    @staticmethod
    def _sync(request) -> str | None:
        """Store a new choice, or return the stored one to restore on a device without it."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in SUPPORTED:
            if chosen != user.preferred_language:
                user_set_preferred_language(user=user, language=chosen)
            return None
        if user.preferred_language in SUPPORTED:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            return user.preferred_language
        return None
