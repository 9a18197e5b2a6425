"""Each request type judged by the rules that apply to it (DESIGN.md §4): the rules themselves
and the public pre-check API, on cases from the program text (``program_cases``)."""

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from eligibility.rules import CheckContext, SiteFacts, evaluate, registered_codes
from eligibility.rules.engine import APPLIES_TO, applies
from tests.eligibility.program_cases import CASES, INSTALL_ONLY_RULES, Case
from tests.factories import ApprovedProductFactory

DEVICE = {
    "id": 1,
    "manufacturer": "Sample Maker",
    "model_name": "Isolator",
    "model_number": "SM-1",
    "adapter_type": "isolating",
    "request_types": ["install", "replacement"],
    "rated_current_amps": 200,
    "compatible_socket_forms": ["2S"],
    "ring_requirement": "any",
    "max_panel_rating_amps": None,
    "max_backfeed_amps": None,
    "status": "active",
}
FILED = CheckContext(meter_lookup_done=True, meter_record=None, open_duplicate=False)
URL = "/api/v1/eligibility/check"


def _facts(case: Case, device_id: int | None) -> dict:
    return {
        "request_type": case.request_type,
        **case.facts,
        "device": device_id if case.with_device else None,
    }


def _by_code(rules) -> dict[str, str]:
    return {r["code"]: r["result"] for r in rules}


def _assert_case(case: Case, outcome: str, results: dict[str, str]) -> None:
    assert outcome == case.outcome, results
    assert {code for code, result in results.items() if result == "fail"} == case.failing
    assert case.reviewing <= {code for code, result in results.items() if result == "review"}
    assert not case.absent & set(results)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rules_judge_each_request_type_by_the_rules_that_apply_to_it(case):
    facts = SiteFacts.from_dict(_facts(case, DEVICE["id"]))
    record = {k: facts.as_dict()[k] for k in ("meter_self_contained", "panel_rating_amps")}
    context = replace(FILED, device=DEVICE if case.with_device else None, meter_record=record)

    report = evaluate(facts, context)

    _assert_case(case, str(report.outcome), {r.code: str(r.result) for r in report.rules})


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_public_pre_check_answers_each_request_type_by_its_own_rules(client, case):
    cache.clear()
    device = ApprovedProductFactory()

    response = client.post(
        URL, data=json.dumps(_facts(case, device.pk)), content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    _assert_case(case, body["outcome"], _by_code(body["rules"]))
    # The record rules wait for the filing; they never turn a clean site into "review".
    assert [r["code"] for r in body["pending"]] == ["METER_RECORD_MATCH", "NO_OPEN_DUPLICATE"]


def test_a_removal_is_never_asked_the_install_only_rules():
    for code in INSTALL_ONLY_RULES:
        assert not applies(code, "removal"), code
        assert applies(code, "install") and applies(code, "replacement"), code


def test_every_rule_has_its_row_in_the_request_type_table():
    assert set(APPLIES_TO) == set(registered_codes())


def test_the_documented_table_is_the_table_in_code():
    text = (Path(settings.BASE_DIR) / "docs" / "eligibility-rules.md").read_text()
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| (✓|—) \| (✓|—) \| (✓|—) \|", text, re.MULTILINE)
    documented = {
        code: {
            t
            for t, mark in zip(("install", "removal", "replacement"), marks, strict=True)
            if mark == "✓"
        }
        for code, *marks in rows
    }
    assert documented == {code: set(types) for code, types in APPLIES_TO.items()}
