"""The words of each text: short, in the reader's language, the request number only."""

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

CONSENT_VERSION = "2025-06-sms-1"


def consent_wording() -> str:
    """What a person agrees to when they verify a number (its version is ``CONSENT_VERSION``)."""
    return _(
        "I agree to receive text messages from the MSA Program about my requests and visits at "
        "this number. Message frequency varies; message and data rates may apply. Reply STOP to "
        "stop, HELP for help. Consent is not a condition of service."
    )


def _visit_facts(visit) -> dict:
    return {
        "day": date_format(visit.date, "D N j"),
        "window": str(visit.window),
    }


def render(
    *, kind: str, language: str, reference: str = "", visit=None, status: str = "", code: str = ""
) -> str:
    """The text of one message of ``kind`` in ``language``."""
    with translation.override(language or "en"):
        facts = {"ref": reference, "code": code, "status": status}
        if visit is not None:
            facts.update(_visit_facts(visit))
        words = {
            "code": _("MSA Program: your code is %(code)s. It expires in 10 minutes."),
            "day_before": _(
                "%(ref)s: meter visit %(day)s, %(window)s. Before then leave the MSA in a "
                "clearly visible waterproof bag by the meter panel, keep the meter reachable, "
                "expect a short power interruption. STOP to opt out"
            ),
            "morning_of": _(
                "%(ref)s: the technician comes today, %(window)s. The bagged MSA should be by "
                "the meter panel. STOP to opt out"
            ),
            "booked": _("%(ref)s: meter visit booked for %(day)s, %(window)s. STOP to opt out"),
            "rescheduled": _("%(ref)s: meter visit moved to %(day)s, %(window)s. STOP to opt out"),
            "cancelled": _("%(ref)s: the meter visit on %(day)s is cancelled. STOP to opt out"),
            "status": _("%(ref)s: request status is now %(status)s. STOP to opt out"),
            "payment_due": _(
                "%(ref)s: the site-visit fee is due; pay in the portal. STOP to opt out"
            ),
            "help": _(
                "MSA Program texts about your requests and visits. Reply STOP to stop, START to "
                "start again. Help: the portal's contact page."
            ),
        }[kind]
        return words % facts
