"""Disputes: marked on the payment, finance alerted, shown to staff, customers and the dashboard."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from payments.models import Dispute, Payment
from payments.selectors import money_figures
from tests.factories import StaffFactory

from .conftest import make_event, post_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance_person():
    user = StaffFactory(is_superuser=False, email="finance@utility.test")
    user.groups.add(Group.objects.get(name=roles.FINANCE))
    return user


def test_dispute_marks_the_payment_and_alerts_finance_once(
    client, fake_stripe, paid, finance_person, django_capture_on_commit_callbacks
):
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        post_event(client, make_event("charge.dispute.created", dispute))
        post_event(client, make_event("charge.dispute.updated", dispute))

    paid.refresh_from_db()
    assert paid.status == Payment.Status.DISPUTED
    assert paid.attention == Payment.Attention.DISPUTE
    assert Dispute.objects.get().provider_dispute_id == dispute["id"]
    [alert] = [m for m in mail.outbox if "Dispute opened" in m.subject]
    assert alert.to == ["finance@utility.test"]
    assert money_figures(today=timezone.localdate()).open_disputes == 1

    client.force_login(finance_person)
    home = client.get("/admin/").content.decode()
    assert "1 open dispute" in home
    assert "1 payment needs attention" in home
    client.force_login(paid.msa_request.applicant)
    page = client.get(paid.msa_request.get_absolute_url()).content.decode()
    assert "disputed with the card issuer" in page


@pytest.mark.parametrize(("won", "status"), [(True, "succeeded"), (False, "dispute_lost")])
def test_closed_dispute_is_won_or_lost(client, fake_stripe, paid, won, status):
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)
    post_event(client, make_event("charge.dispute.created", dispute))

    closed = fake_stripe.close_dispute(dispute["id"], won=won)
    post_event(client, make_event("charge.dispute.closed", closed))

    paid.refresh_from_db()
    assert paid.status == status
    assert Dispute.objects.get().status == ("won" if won else "lost")
    assert money_figures(today=timezone.localdate()).open_disputes == 0


def test_dashboard_shows_open_disputes(admin_client, client, fake_stripe, paid):
    post_event(
        client,
        make_event("charge.dispute.created", fake_stripe.open_dispute(paid.payment_intent_id)),
    )

    html = admin_client.get("/admin/dashboard/").content.decode()

    assert "Open disputes" in html
    assert "1 ($279.22)" in html


def test_a_late_update_after_a_dispute_closed_does_not_reopen_it(client, fake_stripe, paid):
    """Stripe's events can arrive out of order: "closed" is final, a late "updated" is not news."""
    dispute = fake_stripe.open_dispute(paid.payment_intent_id)
    post_event(client, make_event("charge.dispute.created", dispute))
    closed = fake_stripe.close_dispute(dispute["id"], won=False)
    post_event(client, make_event("charge.dispute.closed", closed))

    post_event(client, make_event("charge.dispute.updated", {**dispute, "status": "under_review"}))

    paid.refresh_from_db()
    assert Dispute.objects.get().status == Dispute.Status.LOST
    assert paid.status == Payment.Status.DISPUTE_LOST


def test_staff_request_page_shows_the_disputed_fee(admin_client, client, fake_stripe, paid):
    post_event(
        client,
        make_event("charge.dispute.created", fake_stripe.open_dispute(paid.payment_intent_id)),
    )

    html = admin_client.get(
        reverse("admin:enrollment_request_change", args=[paid.msa_request_id])
    ).content.decode()

    assert "Disputed by the cardholder" in html
