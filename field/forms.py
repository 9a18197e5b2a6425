from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling.models import FailureCode

# Photos one report may carry (before and after, or what stopped the work).
MAX_PHOTOS = 6


class FieldReportForm(forms.Form):
    """What the phone sends: an arrival, or an outcome, each under an id the phone made."""

    KIND_ARRIVAL = "arrival"
    KIND_OUTCOME = "outcome"

    client_id = forms.UUIDField()
    visit = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=[(KIND_ARRIVAL, KIND_ARRIVAL), (KIND_OUTCOME, KIND_OUTCOME)])
    at = forms.DateTimeField(required=False)
    completed = forms.TypedChoiceField(
        choices=[("1", _("Completed")), ("0", _("Not completed"))],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
    )
    failure_code = forms.ChoiceField(choices=[("", ""), *FailureCode.choices], required=False)
    note = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.KIND_OUTCOME and data.get("completed") is None:
            self.add_error("completed", _("Choose whether the visit was completed."))
        return data
