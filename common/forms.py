"""Form fields shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The third answer of a yes/no question ("I don't know", "there is none"), which cleans to None.
UNKNOWN = "none"

# What each answer posts. "True" and "False" are how a saved boolean renders, so a stored answer
# shows as chosen.
_ANSWERS = {"True": True, "False": False, UNKNOWN: None}

# The public eligibility check's spellings before it shared this field, still arriving from
# bookmarked and shared links.
_OLD_SPELLINGS = {"yes": "True", "no": "False"}


def _answer(value) -> bool | None:
    if isinstance(value, bool):
        return value
    return _ANSWERS.get(value)


class YesNoField(forms.TypedChoiceField):
    """A yes/no question, asked with radio buttons; it cleans to True, False or None.

    ``unknown`` labels an optional third answer that cleans to None ("I don't know", "there is
    no such cable"); ``unknown_first`` lists it before Yes and No. A question that is not
    ``required`` takes no answer as that third one, and shows it chosen.
    """

    def __init__(
        self,
        *,
        unknown=None,
        unknown_first: bool = False,
        widget=forms.RadioSelect,
        **kwargs,
    ):
        answers = [("True", _("Yes")), ("False", _("No"))]
        if unknown:
            third = (UNKNOWN, unknown)
            answers = [third, *answers] if unknown_first else [*answers, third]
        self.has_unknown = bool(unknown)
        super().__init__(choices=answers, coerce=_answer, empty_value=None, widget=widget, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return _OLD_SPELLINGS.get(value, value)

    def prepare_value(self, value):
        if isinstance(value, bool):
            return str(value)
        if value in self.empty_values and self.has_unknown and not self.required:
            return UNKNOWN
        return _OLD_SPELLINGS.get(value, value)
