"""The status page's tracker: every step of a request, done or ahead, with its date (issue 19).

Customers of program portals expect to see what comes next and when, not only what happened.
Each milestone is done (with the day it happened), the current one, or ahead (with the day it is
expected by). Expected days come from the stored 30-business-day visit target (the program
text: "typically 30 business days"), the utility's own review goal
(``MSA_REVIEW_BUSINESS_DAYS``, not a program rule) and the booked visit's day. Pure apart from
one optional lookup of the booked visit (``MSA_BOOKED_VISIT_DAY``, a function of the scheduling
app named in settings, so enrollment imports nothing above it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from common.business_days import BusinessCalendar
from eligibility.rules import rule_title

from .models import Request, RequestEvent, Status

DONE, NOW, AHEAD, STOPPED = "done", "now", "ahead", "stopped"

# Statuses a request reaches only after staff approved it.
_APPROVED_OR_LATER = {Status.APPROVED, Status.SCHEDULED, Status.COMPLETED, Status.VISIT_FAILED}
_VISITED = {Status.COMPLETED, Status.VISIT_FAILED}
_DONE_WORDS = {
    "install": _("MSA installed"),
    "removal": _("Adapter removed"),
    "replacement": _("GMA replaced by an MSA"),
}


@dataclass(frozen=True)
class Milestone:
    """One step on the tracker.

    ``state``: ``done`` (``day`` is when it happened), ``now`` (the step the request is at),
    ``ahead`` (``day`` is the day it is expected by, or None when no date can be promised),
    ``stopped`` (the request ended here: not approved, cancelled, or the visit not finished).
    """

    key: str
    label: str
    state: str
    day: date | None = None
    note: str = ""


def _event_day(events: list[RequestEvent], status: str) -> date | None:
    """The local day of the latest move into ``status`` (notes that keep the status excluded)."""
    days = [
        timezone.localdate(e.created_at)
        for e in events
        if e.to_status == status and e.from_status != status
    ]
    return days[-1] if days else None


def booked_visit_day(msa_request: Request) -> date | None:
    """The day of the request's booked visit, from the function ``MSA_BOOKED_VISIT_DAY`` names."""
    path = getattr(settings, "MSA_BOOKED_VISIT_DAY", "")
    return import_string(path)(msa_request_id=msa_request.pk) if path else None


def request_milestones(
    msa_request: Request,
    *,
    events: list[RequestEvent],
    calendar: BusinessCalendar,
    visit_day: date | None = None,
) -> list[Milestone]:
    """Return the tracker's milestones for ``msa_request``, in order.

    ``events`` are the request's audit rows, oldest first (the status page has them already);
    ``visit_day`` the booked visit's day when it is scheduled. Days are local dates
    (``TIME_ZONE``); expected days are business days counted on ``calendar``.
    """
    status = msa_request.status
    submitted = timezone.localdate(msa_request.submitted_at) if msa_request.submitted_at else None
    review_by = (
        calendar.nth_business_day_after(submitted, settings.MSA_REVIEW_BUSINESS_DAYS)
        if submitted
        else None
    )
    approved_on = _event_day(events, Status.APPROVED)
    steps: list[tuple[str, str, bool, date | None, str]] = []  # key, label, done, day, note

    signed_on = _event_day(events, Status.AWAITING_PAYMENT)
    steps.append(
        (
            "signed",
            _("Questions answered and agreement signed"),
            status != Status.DRAFT,
            signed_on,
            "",
        )
    )
    steps.append(
        ("paid", _("Site-visit fee paid: request sent"), submitted is not None, submitted, "")
    )
    checked = msa_request.eligibility_checked_at
    past_check = status not in {Status.DRAFT, Status.AWAITING_PAYMENT, Status.SUBMITTED}
    steps.append(
        (
            "checked",
            _("Program requirements checked"),
            checked is not None or past_check,
            timezone.localdate(checked) if checked else submitted,
            "" if checked or past_check else str(_("Usually within minutes of sending.")),
        )
    )
    reviewed = status in _APPROVED_OR_LATER or status == Status.REJECTED
    review_note = ""
    if status == Status.INFO_REQUESTED:
        review_note = str(_("Waiting for your answer to our question."))
    steps.append(
        (
            "reviewed",
            _("Reviewed by our staff"),
            reviewed,
            _event_day(events, Status.REJECTED) or approved_on if reviewed else review_by,
            review_note,
        )
    )
    booked_expected = (
        calendar.nth_business_day_after(approved_on or review_by, 1)
        if (approved_on or review_by)
        else None
    )
    booked = status in {Status.SCHEDULED, *_VISITED}
    steps.append(
        (
            "booked",
            _("Technician's visit booked"),
            booked,
            _event_day(events, Status.SCHEDULED) if booked else booked_expected,
            "",
        )
    )
    if status in _VISITED:
        visit_on = _event_day(events, status)
    elif status == Status.SCHEDULED and visit_day:
        visit_on = visit_day
    else:
        visit_on = msa_request.target_date
    steps.append(("visit", _("Technician's visit"), status in _VISITED, visit_on, ""))
    steps.append(
        (
            "done",
            _DONE_WORDS.get(msa_request.request_type, _("Done")),
            status == Status.COMPLETED,
            _event_day(events, Status.COMPLETED) if status == Status.COMPLETED else visit_on,
            "",
        )
    )
    return _states(steps, msa_request=msa_request, events=events)


def _states(steps, *, msa_request: Request, events: list[RequestEvent]) -> list[Milestone]:
    """Turn (key, label, done, day, note) rows into milestones, stopping where the request ended."""
    status = msa_request.status
    stop_key, stop_note = {
        Status.REJECTED: ("reviewed", _("Not approved: the reasons are in the timeline.")),
        Status.VISIT_FAILED: ("visit", _("The visit could not be finished.")),
        Status.CANCELLED: (None, _("Cancelled.")),
    }.get(status, (None, ""))
    milestones: list[Milestone] = []
    current_found = False
    for key, label, done, day, note in steps:
        if key == stop_key:
            milestones.append(Milestone(key, str(label), STOPPED, day, str(stop_note)))
            return milestones
        if done:
            milestones.append(Milestone(key, str(label), DONE, day, note))
            continue
        if status == Status.CANCELLED:
            milestones.append(
                Milestone("cancelled", str(_("Cancelled")), STOPPED, _event_day(events, status))
            )
            return milestones
        state = AHEAD if current_found else NOW
        current_found = True
        milestones.append(Milestone(key, str(label), state, day, note))
    return milestones


@dataclass(frozen=True)
class ToDo:
    """Something the applicant can do now, and the place on the status page (``#anchor``)."""

    text: str
    anchor: str


# Open requests on which what the check left for staff can still be shown by the applicant.
_SHOWABLE = {Status.SUBMITTED, Status.UNDER_REVIEW, Status.INFO_REQUESTED}


def request_todo(msa_request: Request, *, results, applicant_side: bool) -> list[ToDo]:
    """What the applicant's side can do now without waiting for staff (issue 19).

    ``results`` are the request's stored eligibility results (code, result). Staff's open
    question comes first; then, for each rule the check left to staff (``review``), a photo or a
    document that shows it, or a message. Nobody else gets a to-do list.
    """
    if not applicant_side:
        return []
    items = []
    if msa_request.status == Status.INFO_REQUESTED:
        items.append(ToDo(str(_("Answer our question.")), "answer"))
    if msa_request.status in _SHOWABLE:
        for rule in results:
            if rule.result == "review":
                items.append(
                    ToDo(
                        str(
                            _(
                                "%(rule)s: our staff will check this. A photo or a document "
                                "that shows it helps: add it below, or write to us."
                            )
                        )
                        % {"rule": rule_title(rule.code)},
                        "add-document",
                    )
                )
    return items
