"""The one yes/no question field: what it posts, what it cleans to, what it shows as chosen."""

import re

import pytest
from django import forms

from common.forms import YesNoField


class Question(forms.Form):
    asked = YesNoField(label="Asked?", unknown="There is none")
    optional = YesNoField(label="Optional?", unknown="I don't know", required=False)


def chosen(bound_field) -> list[str]:
    """The values of the radio buttons shown as chosen."""
    return re.findall(r'value="([^"]*)"[^>]*\bchecked', str(bound_field))


@pytest.mark.parametrize(
    ("posted", "answer"),
    [
        ("True", True),
        ("False", False),
        ("none", None),
        # The eligibility check's links from before the questions shared this field.
        ("yes", True),
        ("no", False),
    ],
)
def test_every_spelling_of_an_answer_cleans_to_the_same_value(posted, answer):
    form = Question({"asked": posted, "optional": posted})

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"asked": answer, "optional": answer}


def test_a_required_question_left_blank_is_refused_and_an_optional_one_is_unknown():
    form = Question({"asked": "", "optional": ""})

    assert not form.is_valid()
    assert list(form.errors) == ["asked"]
    answered = Question({"asked": "True"})
    assert answered.is_valid()
    assert answered.cleaned_data["optional"] is None


@pytest.mark.parametrize("posted", ["maybe", "true", "1"])
def test_an_answer_that_is_not_offered_is_refused(posted):
    assert "asked" in Question({"asked": posted}).errors


def test_a_saved_answer_shows_as_chosen():
    assert chosen(Question(initial={"asked": False})["asked"]) == ["False"]
    assert chosen(Question(initial={"asked": True})["asked"]) == ["True"]


def test_an_unanswered_optional_question_shows_its_unknown_answer_chosen():
    assert chosen(Question()["optional"]) == ["none"]
    assert chosen(Question()["asked"]) == []


def test_an_old_spelling_in_a_link_shows_its_answer_chosen():
    assert chosen(Question({"asked": "yes"})["asked"]) == ["True"]
