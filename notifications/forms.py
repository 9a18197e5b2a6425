from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.widgets import RegionalPhoneNumberWidget

from .models import NotificationChoices, Topic


class TypedPhoneNumberWidget(RegionalPhoneNumberWidget):
    """Shows a refused number as it was typed, not stripped to its digits."""

    def format_value(self, value):
        if isinstance(value, str):
            return value
        return super().format_value(value)


class MobileNumberForm(forms.Form):
    number = PhoneNumberField(
        label=_("Mobile number"),
        region="US",
        widget=TypedPhoneNumberWidget(region="US"),
        help_text=_("A US mobile number. We text it a code to check it is yours."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Code from the text"), max_length=6, min_length=6)
    consent = forms.BooleanField(label=_("I agree"), required=True)


class ChoicesForm(forms.ModelForm):
    class Meta:
        model = NotificationChoices
        fields = [f"{channel}_{topic}" for topic in Topic.values for channel in ("email", "text")]
