"""Writes: verifying a mobile number, choices, inbound keywords, and queuing each text once."""

import hashlib
import hmac
import logging
import secrets
import unicodedata
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.queue import task_send
from enrollment.models import Request, RequestEvent, Status
from scheduling.calendar import get_calendar
from scheduling.models import Visit

from . import selectors, sms, texts
from .models import InboundMessage, MobileNumber, NotificationChoices, TextMessage, Topic

logger = logging.getLogger(__name__)

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 5
REMINDER_KINDS = {TextMessage.Kind.DAY_BEFORE, TextMessage.Kind.MORNING_OF}
VISIT_KINDS = {"booked": "booked", "rescheduled": "rescheduled", "cancelled": "cancelled"}

# Carriers' and Twilio's opt-out words, and their Spanish counterparts (accents removed).
KEYWORDS = {
    InboundMessage.Action.STOP: {
        "en": {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"},
        "es": {"PARAR", "PARA", "ALTO", "DETENER", "CANCELAR", "BAJA", "FIN"},
    },
    InboundMessage.Action.START: {
        "en": {"START", "UNSTOP", "YES", "SUBSCRIBE"},
        "es": {"COMENZAR", "INICIAR", "SI", "ALTA", "REANUDAR"},
    },
    InboundMessage.Action.HELP: {"en": {"HELP", "INFO"}, "es": {"AYUDA"}},
}


class TextingError(ValidationError):
    """A step the person must correct (wrong code, expired code, a stopped number)."""


def _code_hash(user_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _language(user: User) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE[:2]


# --- the number ---------------------------------------------------------------------------
def mobile_number_start(*, user: User, number) -> MobileNumber:
    """Store an unverified number and text it a one-time code."""
    since = timezone.now() - timedelta(hours=1)
    if (
        TextMessage.objects.filter(
            recipient=user, kind=TextMessage.Kind.CODE, created_at__gte=since
        ).count()
        >= CODES_PER_HOUR
    ):
        raise TextingError(_("Too many codes were sent. Try again in an hour."))
    if MobileNumber.objects.filter(number=number, stopped_at__isnull=False).exists():
        raise TextingError(
            _("This number replied STOP. Text START to our number first, then try again.")
        )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        mobile, _created = MobileNumber.objects.select_for_update().get_or_create(
            user=user, defaults={"number": number}
        )
        mobile.number = number
        mobile.verified_at = None
        mobile.consent_at = None
        mobile.consent_version = ""
        mobile.consent_language = ""
        mobile.code_hash = _code_hash(user.pk, code)
        mobile.code_expires_at = timezone.now() + timedelta(minutes=CODE_MINUTES)
        mobile.code_attempts = 0
        mobile.full_clean()
        mobile.save()
        message = TextMessage.objects.create(
            recipient=user,
            number=number,
            kind=TextMessage.Kind.CODE,
            # The code itself is never stored: the task gets it as an argument.
            body=texts.render(kind="code", language=_language(user), code="······"),
        )
        body = texts.render(kind="code", language=_language(user), code=code)
        transaction.on_commit(lambda: _deliver(message.pk, body=body))
    logger.info("mobile number code sent for user %s", user.pk)
    return mobile


def mobile_number_verify(*, user: User, code: str, consent: bool, language: str) -> MobileNumber:
    """Check the one-time code and record the consent (time, wording version, language)."""
    if not consent:
        raise TextingError(_("Tick the box to agree to receive texts."))
    with transaction.atomic():
        mobile = MobileNumber.objects.select_for_update().filter(user=user).first()
        if mobile is None or not mobile.code_hash:
            raise TextingError(_("Ask for a code first."))
        if mobile.code_attempts >= CODE_ATTEMPTS or timezone.now() > mobile.code_expires_at:
            raise TextingError(_("That code has expired. Ask for a new one."))
        wrong = not hmac.compare_digest(mobile.code_hash, _code_hash(user.pk, code.strip()))
        if wrong:
            mobile.code_attempts += 1
            mobile.save(update_fields=["code_attempts", "updated_at"])
        else:
            now = timezone.now()
            mobile.verified_at = now
            mobile.consent_at = now
            mobile.consent_version = texts.CONSENT_VERSION
            mobile.consent_language = language
            mobile.code_hash = ""
            mobile.code_expires_at = None
            mobile.save()
    if wrong:
        # Raised after the commit: raising inside the block would undo the counted attempt.
        raise TextingError(_("That code is not right."))
    logger.info("mobile number verified for user %s", user.pk)
    return mobile


def mobile_number_remove(*, user: User) -> None:
    """Forget the person's mobile number: no more texts."""
    MobileNumber.objects.filter(user=user).delete()


def choices_update(*, user: User, **choices: bool) -> NotificationChoices:
    """Save what the person wants by email and by text."""
    found = selectors.choices_for(user)
    for channel in ("email", "text"):
        for topic in Topic.values:
            name = f"{channel}_{topic}"
            if name in choices:
                setattr(found, name, bool(choices[name]))
    found.save()
    return found


# --- inbound ------------------------------------------------------------------------------
def _keyword(body: str) -> tuple[str, str]:
    words = body.strip().split()
    first = words[0] if words else ""
    plain = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().upper()
    plain = "".join(ch for ch in plain if ch.isalpha())
    for action, languages in KEYWORDS.items():
        for language, keywords in languages.items():
            if plain in keywords:
                return action, language
    return InboundMessage.Action.OTHER, ""


def inbound_receive(*, message_sid: str, number: str, body: str) -> str:
    """Record an inbound text once and honour STOP/START/HELP; return the reply (maybe empty)."""
    action, language = _keyword(body)
    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            message_sid=message_sid,
            defaults={
                "number": number,
                "body": body[:1600],
                "action": action,
                "language": language,
            },
        )
        if not created:
            return ""
        now = timezone.now()
        if action == InboundMessage.Action.STOP:
            MobileNumber.objects.filter(number=number, stopped_at__isnull=True).update(
                stopped_at=now, updated_at=now
            )
            # Whatever was queued for this number is never sent.
            TextMessage.objects.filter(number=number, state=TextMessage.State.QUEUED).update(
                state=TextMessage.State.SKIPPED
            )
        elif action == InboundMessage.Action.START:
            MobileNumber.objects.filter(number=number, stopped_at__isnull=False).update(
                stopped_at=None, updated_at=now
            )
    logger.info("inbound text %s: %s", inbound.pk, action)
    if action == InboundMessage.Action.HELP:
        return texts.render(kind="help", language=language)
    return ""


# --- outgoing -----------------------------------------------------------------------------
def _deliver(message_id: int, *, body: str | None = None) -> None:
    from . import tasks  # local: tasks.py imports these services (the one circle)

    task_send(tasks.deliver_text.s(message_id, body), what="text message not sent")


def text_queue(
    *,
    user: User,
    kind: str,
    topic: str,
    event_key: str,
    msa_request: Request,
    visit: Visit | None = None,
    status: str = "",
) -> TextMessage | None:
    """Queue one text to ``user`` about an event, once; None when not wanted or already queued."""
    mobile = selectors.textable_number(user)
    if mobile is None or not selectors.choices_for(user).wants("text", topic):
        return None
    body = texts.render(
        kind=kind,
        language=_language(user),
        reference=msa_request.reference,
        visit=visit,
        status=status,
    )
    try:
        with transaction.atomic():
            message = TextMessage.objects.create(
                recipient=user,
                number=mobile.number,
                kind=kind,
                event_key=event_key,
                msa_request=msa_request,
                visit=visit,
                body=body,
            )
    except IntegrityError:
        return None  # this person already has this event's text
    transaction.on_commit(lambda: _deliver(message.pk))
    return message


def _text_contacts(**kwargs) -> int:
    msa_request = kwargs["msa_request"]
    queued = 0
    for person in selectors.request_contacts(msa_request):
        if text_queue(user=person, **kwargs) is not None:
            queued += 1
    return queued


def visit_text_send(*, visit_id: int, kind: str) -> int:
    """Text the request's contacts that a visit was booked, moved or cancelled (once each)."""
    if kind not in VISIT_KINDS:
        return 0
    visit = Visit.objects.select_related(
        "window", "msa_request__applicant", "msa_request__filed_by"
    ).get(pk=visit_id)
    return _text_contacts(
        kind=kind,
        topic=Topic.VISIT,
        event_key=f"visit:{visit.pk}:{kind}",
        msa_request=visit.msa_request,
        visit=visit,
    )


def status_text_send(*, event_id: int) -> int:
    """Text the request's contacts about a status change (payment due is its own topic)."""
    event = RequestEvent.objects.select_related(
        "msa_request__applicant", "msa_request__filed_by"
    ).get(pk=event_id)
    if event.from_status == event.to_status or event.to_status in (
        Status.DRAFT,
        Status.SCHEDULED,  # the visit's own text says it
    ):
        return 0
    payment = event.to_status == Status.AWAITING_PAYMENT
    label = Status(event.to_status).label
    return _text_contacts(
        kind=TextMessage.Kind.PAYMENT_DUE if payment else TextMessage.Kind.STATUS,
        topic=Topic.PAYMENT if payment else Topic.STATUS,
        event_key=f"event:{event.pk}",
        msa_request=event.msa_request,
        status=label,
    )


def reminders_send(*, now: datetime | None = None) -> int:
    """Queue the due day-before and morning-of reminders, each once per visit and person.

    Only booked visits count: a cancelled visit has none, and a moved one is a new visit with
    its own reminders for its own day.
    """
    now = timezone.localtime(now)
    today = now.date()
    queued = 0
    booked = Visit.objects.filter(state=Visit.State.BOOKED).select_related(
        "window", "msa_request__applicant", "msa_request__filed_by"
    )
    if now.hour >= settings.SMS_DAY_BEFORE_HOUR:
        next_day = get_calendar().nth_business_day_after(today, 1)
        for visit in booked.filter(date__gt=today, date__lte=next_day):
            queued += _text_contacts(
                kind=TextMessage.Kind.DAY_BEFORE,
                topic=Topic.REMINDER,
                event_key=f"visit:{visit.pk}:day_before",
                msa_request=visit.msa_request,
                visit=visit,
            )
    if now.hour >= settings.SMS_MORNING_HOUR:
        for visit in booked.filter(date=today, window__starts_at__gt=now.time()):
            queued += _text_contacts(
                kind=TextMessage.Kind.MORNING_OF,
                topic=Topic.REMINDER,
                event_key=f"visit:{visit.pk}:morning_of",
                msa_request=visit.msa_request,
                visit=visit,
            )
    return queued


def text_deliver(*, message_id: int, body: str | None = None) -> bool:
    """Send one queued text, once; skip it if the person stopped or the visit no longer stands.

    Raises ``sms.SendFailed`` (the task retries); returns False when nothing was sent.
    """
    with transaction.atomic():
        message = (
            # Lock the text's row only: the visit is a nullable join PostgreSQL cannot lock.
            TextMessage.objects.select_for_update(of=("self",))
            .select_related("visit")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.state != TextMessage.State.QUEUED:
            return False
        mobile = MobileNumber.objects.filter(user_id=message.recipient_id).first()
        stopped = MobileNumber.objects.filter(
            number=message.number, stopped_at__isnull=False
        ).exists()
        usable = mobile is not None and mobile.number == message.number and not stopped
        if message.kind != TextMessage.Kind.CODE:
            usable = usable and mobile.textable
        if message.kind in REMINDER_KINDS and message.visit.state != Visit.State.BOOKED:
            usable = False
        if not usable:
            message.state = TextMessage.State.SKIPPED
            message.save(update_fields=["state"])
            return False
        message.provider_sid = sms.send(to=str(message.number), body=body or message.body)
        message.provider = sms.provider_name()
        message.state = TextMessage.State.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["provider_sid", "provider", "state", "sent_at"])
    return True
