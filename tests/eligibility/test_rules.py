"""Each program rule at its boundaries, as a pure function of site facts (DESIGN.md §4)."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.i18n import Message
from eligibility.rules import CheckContext, Outcome, SiteFacts, evaluate, registered_codes, rule
from eligibility.rules.engine import (
    applies,
    normalise_account_number,
    normalise_socket_form,
    normalise_text,
    normalise_voltage,
    rule_title,
    unregister,
)

PASS, FAIL, REVIEW = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW

ISOLATING = {
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
NON_ISOLATING = {
    **ISOLATING,
    "id": 2,
    "model_name": "Pass-through",
    "adapter_type": "non_isolating",
}

GOOD = SiteFacts(
    request_type="install",
    residential=True,
    meter_self_contained=True,
    service_phase=1,
    service_wires=3,
    service_voltage="120/240",
    panel_rating_amps=200,
    backfeed_amps=0,
    device=1,
    meter_socket_form="2S",
    socket_ring_type="ring",
    comm_cable_present=False,
    comm_cable_in_liquidtight=None,
    energized_present=False,
    energized_conductors=(),
    energized_in_liquidtight=None,
    esr_violation="none",
    waterproof_bag_commitment=True,
    service_account_number="8000000001",
    meter_number="M1000001",
)
CONTEXT = CheckContext(
    device=ISOLATING,
    meter_lookup_done=True,
    meter_record={
        "meter_self_contained": True,
        "service_phase": 1,
        "service_wires": 3,
        "service_voltage": "120/240",
        "panel_rating_amps": 200,
    },
    open_duplicate=False,
)


def result_of(code: str, facts: SiteFacts = GOOD, context: CheckContext = CONTEXT):
    report = evaluate(facts, context)
    return next(r for r in report.rules if r.code == code)


def test_a_complete_eligible_site_passes_every_rule():
    report = evaluate(GOOD, CONTEXT)

    assert report.outcome == PASS
    # Every rule but EXISTING_DEVICE_DESCRIBED: an install has nothing at the meter to describe.
    assert [r.code for r in report.rules] == [
        c for c in registered_codes() if c != "EXISTING_DEVICE_DESCRIBED"
    ]
    assert len(report.rules) == 13
    assert all(r.text for r in report.rules)


# METER_SELF_CONTAINED
@pytest.mark.parametrize(
    ("residential", "self_contained", "expected"),
    [
        (True, True, PASS),
        (False, True, FAIL),
        (True, False, FAIL),
        (None, True, REVIEW),
        # A customer who answers "I don't know" goes to review, never passes (issue 28).
        (True, None, REVIEW),
        (None, None, REVIEW),
    ],
)
def test_meter_self_contained(residential, self_contained, expected):
    facts = replace(GOOD, residential=residential, meter_self_contained=self_contained)
    assert result_of("METER_SELF_CONTAINED", facts).result == expected


# SERVICE_1PH_3W_240
@pytest.mark.parametrize(
    ("phase", "wires", "voltage", "expected"),
    [
        (1, 3, "120/240", PASS),
        (1, 3, " 120/240V ", PASS),
        (3, 4, "120/208", FAIL),
        (1, 2, "120/240", FAIL),
        (1, 3, "277/480", FAIL),
        (1, 3, None, REVIEW),
    ],
)
def test_service_must_be_single_phase_three_wire_240(phase, wires, voltage, expected):
    facts = replace(GOOD, service_phase=phase, service_wires=wires, service_voltage=voltage)
    assert result_of("SERVICE_1PH_3W_240", facts).result == expected


def test_wrong_service_message_names_what_was_found():
    facts = replace(GOOD, service_phase=3, service_voltage="120/208")
    assert "3-phase" in result_of("SERVICE_1PH_3W_240", facts).text


# PANEL_MAX_200A
@pytest.mark.parametrize(("amps", "expected"), [(100, PASS), (200, PASS), (201, FAIL)])
def test_panel_rated_200a_passes_and_201a_fails(amps, expected):
    facts = replace(GOOD, panel_rating_amps=amps, backfeed_amps=0)
    assert result_of("PANEL_MAX_200A", facts).result == expected


def test_unknown_panel_rating_needs_review_and_says_what_is_needed():
    result = result_of("PANEL_MAX_200A", replace(GOOD, panel_rating_amps=None))
    assert result.result == REVIEW
    assert "rating" in result.text


# BACKFEED_WITHIN_RATING
@pytest.mark.parametrize(
    ("backfeed", "expected"), [(0, PASS), (199, PASS), (200, PASS), (201, FAIL), (None, REVIEW)]
)
def test_backfeed_equal_to_the_rating_passes_above_fails(backfeed, expected):
    facts = replace(GOOD, panel_rating_amps=200, backfeed_amps=backfeed)
    assert result_of("BACKFEED_WITHIN_RATING", facts).result == expected


# COMM_CABLE_NOT_IN_LIQUIDTIGHT
@pytest.mark.parametrize(
    ("device", "in_liquidtight", "expected"),
    [
        (ISOLATING, True, FAIL),
        (ISOLATING, False, PASS),
        (ISOLATING, None, PASS),  # GOOD says there is no communication cable
        (NON_ISOLATING, True, PASS),
        (NON_ISOLATING, False, PASS),
    ],
)
def test_comm_cable_in_liquidtight_fails_only_for_isolating_devices(
    device, in_liquidtight, expected
):
    facts = replace(GOOD, comm_cable_in_liquidtight=in_liquidtight)
    context = replace(CONTEXT, device=device)
    assert result_of("COMM_CABLE_NOT_IN_LIQUIDTIGHT", facts, context).result == expected


@pytest.mark.parametrize(
    ("present", "in_liquidtight", "expected"),
    [
        (False, None, PASS),  # "there is no communication cable"
        (True, False, PASS),
        (True, True, FAIL),
        (None, None, REVIEW),  # "I don't know": staff check at review
        (True, None, REVIEW),  # a cable, its conduit not known
    ],
)
def test_an_unknown_communication_cable_is_a_review_not_a_pass(present, in_liquidtight, expected):
    facts = replace(GOOD, comm_cable_present=present, comm_cable_in_liquidtight=in_liquidtight)
    result = result_of("COMM_CABLE_NOT_IN_LIQUIDTIGHT", facts)
    assert result.result == expected
    if expected == REVIEW:
        assert "staff will check at review" in result.text
        assert "No communication cable" not in result.text


def test_comm_cable_rule_waits_for_a_device_to_be_chosen():
    facts = replace(GOOD, device=None, comm_cable_in_liquidtight=True)
    context = replace(CONTEXT, device=None)
    assert result_of("COMM_CABLE_NOT_IN_LIQUIDTIGHT", facts, context).result == REVIEW


# ENERGIZED_IN_LIQUIDTIGHT
@pytest.mark.parametrize(
    ("conductors", "in_liquidtight", "expected"),
    [
        ((), None, PASS),
        (("solar_load_side_tap",), True, PASS),
        (("ev_charging_cable",), False, FAIL),
        (("solar_load_side_tap", "ev_charging_cable"), None, REVIEW),
    ],
)
def test_energized_conductors_must_be_in_liquidtight(conductors, in_liquidtight, expected):
    facts = replace(GOOD, energized_conductors=conductors, energized_in_liquidtight=in_liquidtight)
    assert result_of("ENERGIZED_IN_LIQUIDTIGHT", facts).result == expected


def test_not_knowing_whether_energized_wiring_is_there_is_a_review_not_none():
    unknown = result_of("ENERGIZED_IN_LIQUIDTIGHT", replace(GOOD, energized_present=None))
    none = result_of("ENERGIZED_IN_LIQUIDTIGHT", replace(GOOD, energized_present=False))

    assert unknown.result == REVIEW
    assert "staff will check at review" in unknown.text
    assert none.result == PASS


# DEVICE_APPROVED
@pytest.mark.parametrize(
    ("device", "expected"),
    [
        (ISOLATING, PASS),
        ({**ISOLATING, "status": "suspended"}, FAIL),
        ({**ISOLATING, "status": "retired"}, FAIL),
        ({**ISOLATING, "request_types": ["replacement"]}, FAIL),
        (None, FAIL),  # the id is not on the list
    ],
)
def test_device_must_be_active_on_the_list_and_serve_the_request_type(device, expected):
    assert result_of("DEVICE_APPROVED", GOOD, replace(CONTEXT, device=device)).result == expected


def test_install_without_a_device_yet_is_asked_which_msa_not_failed():
    facts = replace(GOOD, device=None)
    result = result_of("DEVICE_APPROVED", facts, replace(CONTEXT, device=None))
    assert result.result == REVIEW
    assert "We need to know which MSA" in result.text


# DEVICE_REQUIREMENTS
@pytest.mark.parametrize(
    ("device_changes", "fact_changes", "expected"),
    [
        ({}, {}, PASS),
        ({"compatible_socket_forms": ["2S"]}, {"meter_socket_form": "2s"}, PASS),
        ({"compatible_socket_forms": ["2S"]}, {"meter_socket_form": "12S"}, FAIL),
        ({"compatible_socket_forms": ["2S"]}, {"meter_socket_form": None}, REVIEW),
        ({"ring_requirement": "ring"}, {"socket_ring_type": "ring"}, PASS),
        ({"ring_requirement": "ring"}, {"socket_ring_type": "ringless"}, FAIL),
        ({"ring_requirement": "ring"}, {"socket_ring_type": "unknown"}, REVIEW),
        ({"rated_current_amps": 150}, {"panel_rating_amps": 150}, PASS),
        ({"rated_current_amps": 150}, {"panel_rating_amps": 151}, FAIL),
        ({"max_panel_rating_amps": 125}, {"panel_rating_amps": 125}, PASS),
        ({"max_panel_rating_amps": 125}, {"panel_rating_amps": 150}, FAIL),
        ({"max_backfeed_amps": 60}, {"backfeed_amps": 60}, PASS),
        ({"max_backfeed_amps": 60}, {"backfeed_amps": 61}, FAIL),
    ],
)
def test_device_requirements_at_their_boundaries(device_changes, fact_changes, expected):
    facts = replace(GOOD, **fact_changes)
    context = replace(CONTEXT, device={**ISOLATING, **device_changes})
    assert result_of("DEVICE_REQUIREMENTS", facts, context).result == expected


def test_ring_requirement_message_says_ring_type():
    facts = replace(GOOD, socket_ring_type="ringless")
    context = replace(CONTEXT, device={**ISOLATING, "ring_requirement": "ring"})
    assert "ring-type" in result_of("DEVICE_REQUIREMENTS", facts, context).text


# Removal: no device is installed, so the device rules are not asked at all.
@pytest.mark.parametrize(
    "code",
    ["DEVICE_APPROVED", "DEVICE_REQUIREMENTS", "COMM_CABLE_NOT_IN_LIQUIDTIGHT", "WATERPROOF_BAG"],
)
def test_removal_skips_device_rules(code):
    facts = replace(
        GOOD,
        request_type="removal",
        device=None,
        comm_cable_in_liquidtight=True,
        waterproof_bag_commitment=False,
    )
    report = evaluate(facts, replace(CONTEXT, device=ISOLATING))
    assert code not in [r.code for r in report.rules]


def test_a_removal_with_good_site_facts_passes_without_a_device():
    facts = replace(
        GOOD,
        request_type="removal",
        device=None,
        waterproof_bag_commitment=False,
        existing_device_kind="gma",
        existing_device_manufacturer="Sample Maker",
        existing_device_model="GMA-1",
    )
    assert evaluate(facts, replace(CONTEXT, device=None)).outcome == PASS


# NO_ESR_VIOLATION
@pytest.mark.parametrize(
    ("esr", "expected"), [("none", PASS), ("yes", FAIL), ("unknown", REVIEW), (None, REVIEW)]
)
def test_esr_violation(esr, expected):
    assert result_of("NO_ESR_VIOLATION", replace(GOOD, esr_violation=esr)).result == expected


# WATERPROOF_BAG
@pytest.mark.parametrize(("commitment", "expected"), [(True, PASS), (False, FAIL), (None, REVIEW)])
def test_waterproof_bag_commitment(commitment, expected):
    facts = replace(GOOD, waterproof_bag_commitment=commitment)
    assert result_of("WATERPROOF_BAG", facts).result == expected


# AUTHORIZATION_ON_FILE
@pytest.mark.parametrize(
    ("by_contractor", "on_file", "expected"),
    [(False, False, PASS), (True, False, FAIL), (True, True, PASS)],
)
def test_contractor_filed_requests_need_the_customers_authorization(
    by_contractor, on_file, expected
):
    context = replace(CONTEXT, filed_by_contractor=by_contractor, authorization_on_file=on_file)
    assert result_of("AUTHORIZATION_ON_FILE", GOOD, context).result == expected


# METER_RECORD_MATCH
def test_meter_record_found_and_matching_passes():
    assert result_of("METER_RECORD_MATCH").result == PASS


def test_meter_not_in_records_fails():
    assert result_of("METER_RECORD_MATCH", GOOD, replace(CONTEXT, meter_record=None)).result == FAIL


def test_meter_record_disagreeing_with_entered_facts_needs_review():
    record = {**CONTEXT.meter_record, "panel_rating_amps": 100}
    result = result_of("METER_RECORD_MATCH", GOOD, replace(CONTEXT, meter_record=record))
    assert result.result == REVIEW
    assert "panel rating" in result.text


def test_meter_record_is_not_revealed_by_the_public_pre_check():
    context = replace(CONTEXT, meter_lookup_done=False, meter_record=None)
    report = evaluate(GOOD, context)
    pending = next(r for r in report.pending if r.code == "METER_RECORD_MATCH")
    assert pending.result == Outcome.PENDING
    assert "METER_RECORD_MATCH" not in [r.code for r in report.rules]


def test_missing_account_or_meter_number_needs_review():
    assert result_of("METER_RECORD_MATCH", replace(GOOD, meter_number=None)).result == REVIEW


# NO_OPEN_DUPLICATE
@pytest.mark.parametrize(("duplicate", "expected"), [(False, PASS), (True, FAIL), (None, REVIEW)])
# None: a filed request without either number cannot be looked up, so a person must.
def test_open_duplicate(duplicate, expected):
    context = replace(CONTEXT, open_duplicate=duplicate)
    assert result_of("NO_OPEN_DUPLICATE", GOOD, context).result == expected


# The engine
def test_no_facts_at_all_give_review_or_a_clear_fail_never_a_crash():
    report = evaluate(SiteFacts(), CheckContext())
    # Judged as an install; the two record rules wait for the request to be filed.
    assert len(report.rules) == 11
    assert [r.code for r in report.pending] == ["METER_RECORD_MATCH", "NO_OPEN_DUPLICATE"]
    assert {r.result for r in report.rules} <= {PASS, FAIL, REVIEW}
    assert report.outcome == REVIEW


def test_a_rule_tripping_over_a_wrong_type_answers_review():
    facts = replace(GOOD, panel_rating_amps="lots")  # type: ignore[arg-type]
    report = evaluate(facts, CONTEXT)
    assert result_of("PANEL_MAX_200A", facts).result == REVIEW
    assert report.outcome in (FAIL, REVIEW)


def test_outcome_is_fail_when_any_rule_fails_else_review():
    assert evaluate(replace(GOOD, panel_rating_amps=201), CONTEXT).outcome == FAIL
    assert evaluate(replace(GOOD, esr_violation="unknown"), CONTEXT).outcome == REVIEW


def test_a_new_rule_registers_without_touching_the_others():
    before = evaluate(GOOD, CONTEXT)

    @rule("TEST_ONLY_NO_POOL", title="No pool at the meter")
    def no_pool(facts, context):
        return FAIL, "A test rule."

    try:
        after = evaluate(GOOD, CONTEXT)
        assert [r.code for r in after.rules][:-1] == [r.code for r in before.rules]
        assert after.rules[:-1] == before.rules
        assert after.rules[-1].code == "TEST_ONLY_NO_POOL"
        assert after.outcome == FAIL
        with pytest.raises(ValueError, match="registered twice"):
            rule("TEST_ONLY_NO_POOL")(no_pool)
    finally:
        unregister("TEST_ONLY_NO_POOL")
    assert evaluate(GOOD, CONTEXT) == before


optional_bool = st.none() | st.booleans()


@settings(max_examples=200, deadline=None)
@given(
    request_type=st.sampled_from([None, "install", "removal", "replacement"]),
    residential=optional_bool,
    self_contained=optional_bool,
    phase=st.none() | st.sampled_from([1, 3]),
    wires=st.none() | st.sampled_from([2, 3, 4]),
    voltage=st.none() | st.sampled_from(["120/240", "120/208", "277/480"]),
    panel=st.none() | st.integers(0, 1000),
    backfeed=st.none() | st.integers(0, 1000),
    device=st.sampled_from([None, ISOLATING, NON_ISOLATING]),
    comm=optional_bool,
    energized=st.lists(st.sampled_from(["solar_load_side_tap", "ev_charging_cable"]), max_size=2),
    energized_lt=optional_bool,
    esr=st.sampled_from([None, "none", "yes", "unknown"]),
    bag=optional_bool,
)
def test_any_combination_of_facts_gives_a_result_for_every_rule(
    request_type,
    residential,
    self_contained,
    phase,
    wires,
    voltage,
    panel,
    backfeed,
    device,
    comm,
    energized,
    energized_lt,
    esr,
    bag,
):
    facts = SiteFacts(
        request_type=request_type,
        residential=residential,
        meter_self_contained=self_contained,
        service_phase=phase,
        service_wires=wires,
        service_voltage=voltage,
        panel_rating_amps=panel,
        backfeed_amps=backfeed,
        device=device["id"] if device else None,
        comm_cable_in_liquidtight=comm,
        energized_conductors=tuple(energized),
        energized_in_liquidtight=energized_lt,
        esr_violation=esr,
        waterproof_bag_commitment=bag,
    )
    report = evaluate(facts, CheckContext(device=device))
    applying = [c for c in registered_codes() if applies(c, request_type)]
    assert [r.code for r in report.rules + report.pending] == applying
    assert all(r.text and r.text != "" for r in report.rules)
    # The "never a crash" safety net must not be what answers: no rule raises on valid facts.
    assert not any("could not check this automatically" in r.text for r in report.rules)


# Found alive by mutation testing (docs/testing.md): each is something a customer would suffer.
def test_a_panel_rated_0_a_is_asked_again_not_passed():
    assert result_of("PANEL_MAX_200A", replace(GOOD, panel_rating_amps=0)).result == REVIEW


@pytest.mark.parametrize(("backfeed", "panel"), [(-5, 200), (0, 0), (10, 0)])
def test_a_negative_back_feed_or_a_0_a_panel_is_asked_again_not_judged(backfeed, panel):
    facts = replace(GOOD, backfeed_amps=backfeed, panel_rating_amps=panel)
    assert result_of("BACKFEED_WITHIN_RATING", facts).result == REVIEW


def test_a_device_kept_from_a_list_without_request_types_is_not_approved_and_does_not_crash():
    # A request keeps the list entry as it was (``ApprovedProduct.snapshot``); an entry kept
    # before the list said which requests a device serves approves none.
    device = {k: v for k, v in ISOLATING.items() if k != "request_types"}
    result = result_of("DEVICE_APPROVED", GOOD, replace(CONTEXT, device=device))
    assert result.result == FAIL
    assert "not approved for this kind of request" in result.text


def test_a_device_kept_without_a_ring_requirement_fits_either_socket():
    device = {k: v for k, v in ISOLATING.items() if k != "ring_requirement"}
    facts = replace(GOOD, socket_ring_type="unknown")
    assert result_of("DEVICE_REQUIREMENTS", facts, replace(CONTEXT, device=device)).result == PASS


REMOVAL = replace(
    GOOD,
    request_type="removal",
    device=None,
    existing_device_kind="msa",
    existing_device_manufacturer="Sample Maker",
    existing_device_model="Isolator",
    existing_device_isolating=True,
)


def test_a_removal_names_what_is_missing_about_the_device_at_the_meter():
    facts = replace(REMOVAL, existing_device_manufacturer=None, existing_device_isolating=None)
    result = result_of("EXISTING_DEVICE_DESCRIBED", facts)
    assert result.result == REVIEW
    assert "its maker" in result.text
    assert "whether it is an isolating adapter" in result.text
    assert "its model" not in result.text


def test_whether_an_msa_at_the_meter_isolates_is_asked_and_not_for_a_gma():
    unknown = replace(REMOVAL, existing_device_isolating=None)
    assert result_of("EXISTING_DEVICE_DESCRIBED", unknown).result == REVIEW
    gma = replace(unknown, existing_device_kind="gma")
    assert result_of("EXISTING_DEVICE_DESCRIBED", gma).result == PASS


def test_an_esr_violation_explains_what_it_stops_for_a_removal_and_for_an_install():
    removal = result_of("NO_ESR_VIOLATION", replace(REMOVAL, esr_violation="yes"))
    install = result_of("NO_ESR_VIOLATION", replace(GOOD, esr_violation="yes"))
    assert removal.result == install.result == FAIL
    assert "pull the meter to remove the adapter" in removal.text
    assert "before an MSA can be installed" in install.text


def test_a_record_whose_voltage_was_typed_another_way_still_matches():
    context = replace(CONTEXT, meter_record={**CONTEXT.meter_record, "service_voltage": "240/120V"})
    assert result_of("METER_RECORD_MATCH", GOOD, context).result == PASS


# The engine's own parts, found alive by mutation testing (docs/testing.md).
def test_account_and_meter_numbers_lose_the_spaces_and_dashes_people_type_and_nothing_else():
    assert normalise_account_number("8123-456 789") == "8123456789"
    assert normalise_account_number("AX-12\t3") == "AX123"
    assert SiteFacts.from_dict({"meter_number": " mx100 "}).meter_number == "MX100"


def test_a_maker_typed_with_extra_spaces_is_read_as_one_name():
    assert normalise_text("  Sample   Maker\tInc ") == "Sample Maker Inc"
    facts = SiteFacts.from_dict({"existing_device_manufacturer": "Sample   Maker"})
    assert facts.existing_device_manufacturer == "Sample Maker"


def test_site_facts_stored_with_a_request_come_back_the_same():
    facts = replace(GOOD, energized_present=True, energized_conductors=("line", "load"))
    stored = facts.as_dict()
    assert stored["energized_conductors"] == ["line", "load"]
    assert SiteFacts.from_dict(stored) == facts


def test_a_rule_is_shown_by_its_title_and_by_its_code_when_it_has_none():
    assert rule_title("PANEL_MAX_200A") == "Service panel rated 200 A or less"
    assert rule_title("NO_SUCH_RULE") == "NO_SUCH_RULE"

    @rule("TEST_UNTITLED")
    def untitled(facts, context):
        return PASS, "fine"

    try:
        assert rule_title("TEST_UNTITLED") == "TEST_UNTITLED"
    finally:
        unregister("TEST_UNTITLED")
    assert "TEST_UNTITLED" not in registered_codes()


def test_unregistering_forgets_the_title_and_a_rule_never_registered_is_no_error():
    @rule("TEST_TITLED", title="A test rule")
    def titled(facts, context):
        return PASS, "fine"

    assert rule_title("TEST_TITLED") == "A test rule"
    unregister("TEST_TITLED")
    assert rule_title("TEST_TITLED") == "TEST_TITLED"
    unregister("TEST_NEVER_REGISTERED")


def test_a_report_lists_exactly_the_rules_that_failed():
    report = evaluate(replace(GOOD, esr_violation="yes", comm_cable_present=None), CONTEXT)
    assert report.outcome == FAIL
    assert [r.code for r in report.failed] == ["NO_ESR_VIOLATION"]
    assert evaluate(GOOD, CONTEXT).failed == []


@pytest.mark.parametrize("typed", ["form 2S", "FORM2S", " fm 2s ", "2 s"])
def test_a_socket_form_written_with_form_or_fm_in_front_reads_as_the_form(typed):
    assert normalise_socket_form(typed) == "2S"


def test_a_rule_answering_in_plain_words_is_stored_and_read_back_like_any_other():
    @rule("TEST_PLAIN_WORDS")
    def plain(facts, context):
        return PASS, "Checked by hand."

    try:
        result = result_of("TEST_PLAIN_WORDS")
    finally:
        unregister("TEST_PLAIN_WORDS")
    assert result.text == "Checked by hand."
    # What enrollment stores with the request (RuleCheck.message_data) renders the same words.
    assert str(Message.from_data(result.message.as_data())) == "Checked by hand."


def test_a_rule_that_raises_asks_for_a_person_with_a_message_that_says_so():
    @rule("TEST_RAISES")
    def raises(facts, context):
        raise TypeError("unexpected facts")

    try:
        result = result_of("TEST_RAISES")
    finally:
        unregister("TEST_RAISES")
    assert result.result == REVIEW
    assert "could not check this automatically" in result.text
    assert result.message.as_data()


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("120/240 volts", "120/240"),
        ("240\\120", "120/240"),
        ("240-120V", "120/240"),
        ("unknown", "UNKNOWN"),  # not a voltage: kept as typed, for the rule to refuse
        ("240/120/208", "240/120/208"),  # three numbers are not a split-phase voltage
    ],
)
def test_a_voltage_is_read_the_way_people_type_it(typed, read):
    assert normalise_voltage(typed) == read
