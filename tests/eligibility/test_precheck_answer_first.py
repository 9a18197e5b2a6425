"""The public pre-check's answer is the first thing a phone shows (issue 19)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_eligibility_answer_comes_before_the_questions_and_is_announced(client):
    html = client.get(reverse("eligibility:check"), {"request_type": "removal"}).content.decode()

    answer = html.index('id="answer"')
    assert answer < html.index('name="request_type"')
    assert 'role="status"' in html[answer - 200 : answer + 200]
    assert "js/focus-answer.js" in html


def test_a_refused_eligibility_form_says_so_first_as_an_alert(client):
    html = client.get(
        reverse("eligibility:check"), {"request_type": "install", "panel_rating_amps": "-4"}
    ).content.decode()

    answer = html.index('id="answer"')
    assert answer < html.index('name="request_type"')
    assert 'role="alert"' in html[answer - 200 : answer + 200]
