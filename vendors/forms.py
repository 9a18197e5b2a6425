from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DeviceEvaluation, EvaluationFile, ServiceType, Standard


class EvaluationForm(forms.ModelForm):
    service_types = forms.MultipleChoiceField(
        label=_("Service types"), choices=ServiceType.choices, widget=forms.CheckboxSelectMultiple
    )
    socket_forms = forms.CharField(
        label=_("Compatible meter socket forms"),
        max_length=80,
        help_text=_("Separated by commas, e.g. 2S."),
    )

    class Meta:
        model = DeviceEvaluation
        fields = [
            "manufacturer",
            "model_name",
            "model_number",
            "variants",
            "adapter_type",
            "continuous_rating_amps",
            "interrupting_rating_ka",
            "service_types",
            "socket_forms",
            "ring_requirement",
            "communication_interface",
            "max_backfeed_amps",
        ]

    def clean_socket_forms(self):
        raw = self.cleaned_data["socket_forms"]
        return [part.strip().upper() for part in raw.split(",") if part.strip()]


class FileForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file is"),
        choices=[c for c in EvaluationFile.Kind.choices if c[0] != EvaluationFile.Kind.ANSWER],
    )
    standard = forms.ChoiceField(
        label=_("Standard (certificates)"),
        choices=[("", "—"), *Standard.choices],
        required=False,
    )
    file = forms.FileField(label=_("File"))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
