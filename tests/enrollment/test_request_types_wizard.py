"""The wizard's review judges each request type by its own rules (cases from the program text),
and a removal on a site unfit for an install can still be signed."""

import pytest
from django.urls import reverse

from tests.eligibility.program_cases import CASES, Case
from tests.factories import ApprovedProductFactory, MeterRecordFactory, MsaRequestFactory

pytestmark = pytest.mark.django_db

RECORD_FACTS = (
    "meter_self_contained",
    "service_phase",
    "service_wires",
    "service_voltage",
    "panel_rating_amps",
)


def draft_for(case: Case, customer):
    facts = {
        k: v for k, v in case.facts.items() if k not in ("service_account_number", "meter_number")
    }
    msa_request = MsaRequestFactory(
        applicant=customer,
        request_type=case.request_type,
        device=ApprovedProductFactory() if case.with_device else None,
        waterproof_bag_commitment=bool(facts.pop("waterproof_bag_commitment", False)),
        **facts,
    )
    MeterRecordFactory(
        service_account_number=msa_request.service_account_number,
        meter_number=msa_request.meter_number,
        **{name: getattr(msa_request, name) for name in RECORD_FACTS},
    )
    return msa_request


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_wizard_review_judges_each_request_type_by_its_own_rules(client, customer, case):
    msa_request = draft_for(case, customer)
    client.force_login(customer)

    response = client.get(
        reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "review"})
    )

    report = response.context["report"]
    results = {r.code: str(r.result) for r in report.rules}
    assert str(report.outcome) == case.outcome, results
    assert {code for code, result in results.items() if result == "fail"} == case.failing
    assert case.reviewing <= {code for code, result in results.items() if result == "review"}
    assert not case.absent & set(results)
    # Only a failing rule stops the customer from signing: a removal is never held up by what
    # a new device would need.
    assert response.context["can_sign"] is (case.outcome != "fail")


def test_a_removal_on_a_225A_panel_is_not_told_to_upgrade_the_panel(client, customer):
    case = next(c for c in CASES if c.id.startswith("removal_of_an_MSA_on_a_site_unfit"))
    msa_request = draft_for(case, customer)
    client.force_login(customer)

    html = client.get(
        reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "review"})
    ).content.decode()

    assert "upgrade the panel" not in html
    assert "Sample Maker Isolator" in html  # the device there now, as the customer described it


def test_the_existing_device_step_is_asked_only_when_something_is_at_the_meter(client, customer):
    install = MsaRequestFactory(applicant=customer, request_type="install")
    replacement = MsaRequestFactory(applicant=customer, request_type="replacement")
    client.force_login(customer)

    def existing_step(msa_request):
        return client.get(
            reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "existing"})
        )

    assert existing_step(install).status_code == 404
    html = existing_step(replacement).content.decode()
    assert "Generation meter adapter (GMA)" in html
    assert 'name="existing_device_model"' in html


def test_an_install_draft_forgets_a_device_described_while_it_was_a_removal(client, customer):
    msa_request = MsaRequestFactory(
        applicant=customer,
        request_type="removal",
        device=None,
        existing_device_kind="gma",
        existing_device_manufacturer="Sample Maker",
        existing_device_model="GMA-100",
    )
    client.force_login(customer)

    client.post(
        reverse("enrollment:wizard_step", kwargs={"pk": msa_request.pk, "step": "type"}),
        {"request_type": "install"},
    )

    msa_request.refresh_from_db()
    assert (msa_request.existing_device_kind, msa_request.existing_device_model) == ("", "")
