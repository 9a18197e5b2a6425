"""After submission: messages between a request's applicant side and staff, and files added.

Issue 19: a customer whose status page lists what staff will look at must be able to act on it
without waiting for staff's question, and to ask staff something and read the answer. Both go
through here; the views and the staff admin only call these functions.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import roles
from accounts.selectors import staff_role_emails
from common import emails
from common.i18n import Message, MessageList, label_message

from .authorizations import authorizations_void_changed
from .eligibility import eligibility_results_refresh
from .models import Document, Request, RequestEvent, RequestMessage, Status
from .notifications import request_recipients, send_request_email
from .permissions import acts_for_request
from .services import DRAFT_FIELDS, TransitionError, document_upload

logger = logging.getLogger(__name__)

# The wizard's steps whose answers the applicant may correct after submission, until staff
# decide: the site's facts, which no signature quotes (DESIGN §4; the signed texts quote names,
# premises, accounts, meter and device).
CORRECTABLE_STEPS = ("meter", "wiring", "socket")
CORRECTION_STATUSES = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFO_REQUESTED})

MESSAGE_MAX_CHARACTERS = 4000
# Where the applicant may still add a file for the review or the visit (not a draft: the
# wizard takes files then; not once the request is closed).
ADD_DOCUMENT_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.INFO_REQUESTED,
        Status.APPROVED,
        Status.SCHEDULED,
        Status.VISIT_FAILED,
    }
)


def request_message_post(*, msa_request_id: int, actor, body: str) -> RequestMessage:
    """Add ``body`` to the request's messages and email the other side after the commit.

    ``actor`` is staff (``is_staff``: the message is from staff, emailed to the request's
    recipients, ``notifications.request_recipients`` with the customer included) or someone on
    the applicant's side (``permissions.acts_for_request``: emailed to the Reviewer role).
    ``body`` is plain text, 1 to ``MESSAGE_MAX_CHARACTERS`` characters after trimming.
    Raises ``ValidationError`` (empty, too long), ``PermissionDenied`` (anyone else) and
    ``TransitionError`` (a draft: nothing has reached staff yet).
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message."), code="empty")
    if len(body) > MESSAGE_MAX_CHARACTERS:
        raise ValidationError(
            _("A message can be at most %(count)s characters.") % {"count": MESSAGE_MAX_CHARACTERS},
            code="too_long",
        )
    with transaction.atomic():
        msa_request = (
            Request.objects.select_for_update(of=("self",))
            .select_related("filed_by", "applicant")
            .get(pk=msa_request_id)
        )
        from_staff = bool(getattr(actor, "is_staff", False))
        if not from_staff and not acts_for_request(actor, msa_request):
            raise PermissionDenied
        if msa_request.status == Status.DRAFT:
            raise TransitionError(_("Messages open once the request is submitted."))
        message = RequestMessage.objects.create(
            msa_request=msa_request, author=actor, from_staff=from_staff, body=body
        )
        transaction.on_commit(lambda: _email_message(message.pk))
    logger.info("request %s: message %s from %s", msa_request_id, message.pk, _side(message))
    return message


def _side(message: RequestMessage) -> str:
    return "staff" if message.from_staff else "applicant"


def _email_message(message_id: int) -> None:
    """Email a new message to the other side; a mail failure is logged, never raised."""
    try:
        message = RequestMessage.objects.select_related(
            "msa_request__filed_by", "msa_request__applicant"
        ).get(pk=message_id)
        msa_request = message.msa_request
        context = {
            "msa_request": msa_request,
            "message": message,
            "path": msa_request.get_absolute_url() + "#messages",
        }
        if message.from_staff:
            send_request_email(
                msa_request=msa_request,
                to=request_recipients(msa_request, key=True),
                template="enrollment/emails/message_from_staff",
                context=context,
            )
        else:
            emails.send_templated_email(
                to=staff_role_emails(roles.REVIEWER),
                template="enrollment/emails/message_to_staff",
                context=context,
                language=settings.LANGUAGE_CODE,
            )
    except Exception:
        logger.exception("email for request message %s failed", message_id)


def request_add_document(*, msa_request_id: int, actor, upload) -> Document:
    """Add a file (a photo of the meter, a document staff will want) after submission.

    Only the applicant's side, only while the request is open (``ADD_DOCUMENT_STATUSES``); the
    file is checked by its content like every upload (``services.document_upload``, HEIC and
    WebP photos converted to JPEG) and a note in the timeline tells staff it arrived.
    Raises ``ValidationError`` (the upload's reason), ``PermissionDenied``, ``TransitionError``.
    """
    with transaction.atomic():
        msa_request = Request.objects.select_for_update(of=("self",)).get(pk=msa_request_id)
        if not acts_for_request(actor, msa_request):
            raise PermissionDenied
        if msa_request.status not in ADD_DOCUMENT_STATUSES:
            raise TransitionError(_("Files can no longer be added to this request."))
        document = document_upload(
            msa_request_id=msa_request.pk, actor=actor, kind=Document.Kind.OTHER, upload=upload
        )
        RequestEvent.objects.create(
            msa_request=msa_request,
            from_status=msa_request.status,
            to_status=msa_request.status,
            actor=actor,
            **RequestEvent.note_values(
                Message(gettext_noop("File added: %(name)s.")) % {"name": document.original_name}
            ),
        )
    return document


def request_correct_answers(*, msa_request_id: int, actor, step: str, data: dict) -> list[str]:
    """Correct one site step's answers after submission; return the names of the changed fields.

    ``step`` is one of ``CORRECTABLE_STEPS``; ``data`` the step form's cleaned answers as model
    field values (``StepForm.changes``). Only the applicant's side, only before staff decide
    (``CORRECTION_STATUSES``). The timeline notes which answers changed, and a request already
    checked is judged again at once (``eligibility.eligibility_results_refresh``) so staff and
    the applicant see the rules' new answers. Raises ``PermissionDenied``, ``TransitionError``,
    ``ValueError`` (a step or field that cannot be corrected) and ``ValidationError`` (the model's
    own checks).
    """
    if step not in CORRECTABLE_STEPS or set(data) - DRAFT_FIELDS:
        raise ValueError(f"cannot correct {step}: {sorted(set(data) - DRAFT_FIELDS)}")
    with transaction.atomic():
        msa_request = Request.objects.select_for_update(of=("self",)).get(pk=msa_request_id)
        if not acts_for_request(actor, msa_request):
            raise PermissionDenied
        if msa_request.status not in CORRECTION_STATUSES:
            raise TransitionError(_("Answers can be corrected only until our staff decide."))
        changed = [name for name, value in data.items() if getattr(msa_request, name) != value]
        if not changed:
            return []
        for name in changed:
            setattr(msa_request, name, data[name])
        msa_request.full_clean(validate_constraints=False)
        msa_request.save(update_fields=[*changed, "updated_at"])
        # The fields' names as messages, read later in the reader's language.
        labels = tuple(
            label_message(Request._meta.get_field(name).verbose_name) for name in changed
        )
        RequestEvent.objects.create(
            msa_request=msa_request,
            from_status=msa_request.status,
            to_status=msa_request.status,
            actor=actor,
            **RequestEvent.note_values(
                Message(gettext_noop("Answers corrected by the applicant: %(fields)s."))
                % {"fields": MessageList(labels, Message(gettext_noop(", ")))}
            ),
        )
        if msa_request.contractor_company_id:
            authorizations_void_changed(msa_request=msa_request, actor=actor)
        if msa_request.eligibility_checked_at is not None:
            eligibility_results_refresh(msa_request)
    logger.info("request %s: answers corrected (%s)", msa_request_id, ", ".join(changed))
    return changed
