"""One-shot forms: a form that creates something does it once, however often it is posted.

Why a one-time token rather than reusing an identical empty draft made seconds before: the token
tells a repeated post of the same page (a double click, the browser resending the form, a retry
after a slow answer) from a deliberate second "New request" opened from a fresh page, and it
works the same for forms whose results are not "empty" (an invitation, an API token). A time
window would guess: too short and a slow double post makes two drafts, too long and a customer
who really wants two requests gets one. The token is random per page shown (``once_token``),
posted back in the hidden field ``once``, and claimed in the database (``FormSubmission``), so
two posts racing each other are ordered by the unique constraint, not by the session.
"""

import re
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .models import FormSubmission

FIELD = "once"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def once_token() -> str:
    """A new random token for a form about to be shown (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


def once_token_posted(post) -> str:
    """The token a form posted, or "" when absent or malformed (the guard then does not apply)."""
    token = post.get(FIELD, "")
    return token if _TOKEN.match(token) else ""


def once_submit(*, user, form: str, token: str, create: Callable[[], int]) -> tuple[int, bool]:
    """Run ``create`` (which returns the new thing's id) once per ``user``, ``form`` and token.

    Returns ``(id, True)`` the first time, and ``(id of the first result, False)`` for any later
    submission of the same token, without calling ``create``. ``create`` runs inside this
    function's transaction: when it raises (a refused answer), nothing is recorded and the
    corrected form may be sent again with the same token. Without a token (a client that does
    not use the site's forms) ``create`` simply runs.
    """
    if not token:
        return create(), True
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = FormSubmission.objects.create(user=user, form=form, token=token)
        except IntegrityError:
            # Posted before: the first submission has committed (the constraint waited for it).
            first = FormSubmission.objects.get(user=user, form=form, token=token)
            return first.result_id, False
        result_id = create()
        submission.result_id = result_id
        submission.save(update_fields=["result_id"])
    return result_id, True
