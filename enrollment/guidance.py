"""Plain-language words for a request's states: the timeline, what happens next, what to do."""

from django.utils.translation import gettext_lazy as _

from .models import Status

# What a move into each state means to the customer, for the timeline.
TIMELINE = {
    Status.DRAFT: _("You started the request"),
    Status.AWAITING_PAYMENT: _("You signed the Customer Agreement"),
    Status.SUBMITTED: _("Fee paid: your request was submitted"),
    Status.UNDER_REVIEW: _("Our staff are reviewing your request"),
    Status.INFO_REQUESTED: _("We asked you for more information"),
    Status.APPROVED: _("Your request was approved"),
    Status.REJECTED: _("Your request was not approved"),
    Status.SCHEDULED: _("A technician's visit was booked"),
    Status.COMPLETED: _("The technician finished the work"),
    Status.VISIT_FAILED: _("The technician could not finish the visit"),
    Status.CANCELLED: _("The request was cancelled"),
}

# status -> (what happens next, what you must do or "")
NEXT_STEPS = {
    Status.DRAFT: (
        _("Nothing is sent to the utility until you finish the questions and sign."),
        _("Finish the questions, check the pre-check, then sign the Customer Agreement."),
    ),
    Status.AWAITING_PAYMENT: (
        _("Once the fee is paid, your request is submitted and checked."),
        _("Pay the site-visit fee to submit your request."),
    ),
    Status.SUBMITTED: (
        _("We check your request against the program requirements; this usually takes moments."),
        "",
    ),
    Status.UNDER_REVIEW: (
        _("Our staff review your request and may ask you a question. We email you either way."),
        "",
    ),
    Status.INFO_REQUESTED: (
        _(
            "The review continues as soon as you answer. Until then the clock towards your "
            "visit is paused."
        ),
        _("Answer our question below (you can attach a photo or a PDF)."),
    ),
    Status.APPROVED: (
        _("We are booking a technician's visit and will email you the date."),
        _(
            "Before the visit, place the MSA in a clearly visible waterproof bag next to the "
            "meter panel. Do not use the MSA before it is installed."
        ),
    ),
    Status.SCHEDULED: (
        _("A technician will come on the booked day. The power goes off for a few minutes."),
        _(
            "Leave the MSA in a clearly visible waterproof bag next to the meter panel, and keep "
            "the way to the meter clear."
        ),
    ),
    Status.COMPLETED: (_("Your request is complete."), ""),
    Status.VISIT_FAILED: (
        _("The visit could not be finished; the reason is in the timeline."),
        _(
            "Fix what the technician found, then pay the fee for a new visit; or, if it cannot "
            "be fixed, cancel the request."
        ),
    ),
    Status.REJECTED: (
        _("This request is closed. The reasons are in the timeline."),
        _("Once the site meets the requirements you may file a new request."),
    ),
    Status.CANCELLED: (_("This request is closed."), ""),
}
