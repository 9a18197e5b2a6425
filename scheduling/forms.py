from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enrollment.models import Request, Status

from .models import AppointmentWindow, FailureCode


class PickWindowForm(forms.Form):
    """The customer's choice among the windows offered to them."""

    offer = forms.ChoiceField(label=_("Visit window"), widget=forms.RadioSelect)

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.value: offer for offer in offers}
        self.fields["offer"].choices = [
            (
                offer.value,
                _("%(day)s, between %(start)s and %(end)s")
                % {
                    "day": date_format(offer.day, gettext("l, F j")),
                    "start": time_format(offer.starts_at, gettext("g:i A")),
                    "end": time_format(offer.ends_at, gettext("g:i A")),
                },
            )
            for offer in offers
        ]

    def chosen(self) -> tuple[int, date]:
        offer = self.offers[self.cleaned_data["offer"]]
        return offer.window_id, offer.day


class OutcomeForm(forms.Form):
    """What the technician found: done, or not done and why.

    Nothing is pre-chosen and nothing may contradict itself: a reason means the visit was not
    completed, "Other" needs a note the customer can read, and nothing is recorded before the
    visit's day (in the utility's time zone). ``visit`` (when given) is the visit recorded.
    """

    completed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("", "---------"), ("1", _("Completed")), ("0", _("Not completed"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        error_messages={"required": _("Choose whether the visit was completed.")},
    )
    failure_code = forms.ChoiceField(
        label=_("Reason (when not completed)"),
        choices=[("", "---------"), *FailureCode.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    utility_fault = forms.BooleanField(label=_("The utility's fault (no new fee)"), required=False)

    def __init__(self, *args, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit

    def clean(self):
        data = super().clean()
        completed, code = data.get("completed"), data.get("failure_code")
        if completed is False and not code:
            self.add_error("failure_code", _("Choose why the visit could not be completed."))
        if completed and code:
            self.add_error(
                "completed",
                _(
                    'You chose a reason the visit failed: choose "Not completed", or clear the '
                    "reason if the work was done."
                ),
            )
        if completed and data.get("utility_fault"):
            self.add_error(
                "utility_fault",
                _("Only a visit that was not completed can be the utility's fault."),
            )
        if code == FailureCode.OTHER and not (data.get("note") or "").strip():
            self.add_error(
                "note",
                _('Say what happened: with "Other" the note is what the customer reads.'),
            )
        if self.visit is not None and self.visit.date > timezone.localdate():
            self.add_error(
                None,
                _("This visit is on %(day)s: its outcome can be recorded from that day on.")
                % {"day": date_format(self.visit.date, "DATE_FORMAT")},
            )
        return data


class AssignVisitForm(forms.Form):
    """Staff: book or move a request's visit to a window on a day."""

    # Typed in by number: a drop-down of every approved request would not scale.
    msa_request = forms.ModelChoiceField(
        label=_("Request number"),
        queryset=Request.objects.filter(status__in=[Status.APPROVED, Status.SCHEDULED]),
        widget=forms.TextInput,
        help_text=_("The number in MSA-000123 (without the leading zeros)."),
    )
    window = forms.ModelChoiceField(
        label=_("Technician and window"),
        queryset=AppointmentWindow.objects.select_related("technician").filter(
            technician__is_active=True
        ),
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].label_from_instance = lambda w: f"{w.technician} · {w}"
