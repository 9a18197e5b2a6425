"""Cases from the program text, one per request type and situation, shared by the rule, API and
wizard tests: the site facts, what the customer should be told overall, and the rules that must
(or must not) stop them.

The program's eligibility list describes an install; a removal (of an MSA or a GMA) needs the meter
pulled and set back; a replacement (GMA → MSA) needs what is there now and the install rules.
"""

from dataclasses import dataclass, field

CLEAN_SITE = {
    "residential": True,
    "meter_self_contained": True,
    "service_phase": 1,
    "service_wires": 3,
    "service_voltage": "120/240",
    "panel_rating_amps": 200,
    "backfeed_amps": 0,
    "meter_socket_form": "2S",
    "socket_ring_type": "ring",
    "comm_cable_present": False,
    "comm_cable_in_liquidtight": None,
    "energized_present": False,
    "energized_conductors": [],
    "energized_in_liquidtight": None,
    "esr_violation": "none",
    "service_account_number": "8000000001",
    "meter_number": "M1000001",
}
NEW_MSA = {"waterproof_bag_commitment": True}  # plus the chosen device
GMA_THERE = {
    "existing_device_kind": "gma",
    "existing_device_manufacturer": "Sample Maker",
    "existing_device_model": "GMA-100",
}
MSA_THERE = {
    "existing_device_kind": "msa",
    "existing_device_manufacturer": "Sample Maker",
    "existing_device_model": "Isolator",
    "existing_device_isolating": True,
}
# A site the program's eligibility list rules out for an install: a 225 A panel, back-feed above
# it, and a solar load-side tap outside liquid-tight conduit.
UNFIT_FOR_INSTALL = {
    "panel_rating_amps": 225,
    "backfeed_amps": 240,
    "energized_conductors": ["solar_load_side_tap"],
    "energized_in_liquidtight": False,
}
INSTALL_ONLY_RULES = {
    "SERVICE_1PH_3W_240",
    "PANEL_MAX_200A",
    "BACKFEED_WITHIN_RATING",
    "COMM_CABLE_NOT_IN_LIQUIDTIGHT",
    "ENERGIZED_IN_LIQUIDTIGHT",
    "DEVICE_APPROVED",
    "DEVICE_REQUIREMENTS",
    "WATERPROOF_BAG",
}


@dataclass(frozen=True)
class Case:
    id: str
    request_type: str
    facts: dict
    outcome: str
    failing: set[str] = field(default_factory=set)
    reviewing: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)
    with_device: bool = False


CASES = [
    Case(
        "install_on_a_clean_site_passes",
        "install",
        {**CLEAN_SITE, **NEW_MSA},
        "pass",
        absent={"EXISTING_DEVICE_DESCRIBED"},
        with_device=True,
    ),
    Case(
        "install_on_a_225A_panel_with_back_feed_over_it_and_a_bare_solar_tap_fails",
        "install",
        {**CLEAN_SITE, **NEW_MSA, **UNFIT_FOR_INSTALL},
        "fail",
        # The chosen device is rated 200 A, below the panel: its own requirements fail too.
        failing={
            "PANEL_MAX_200A",
            "BACKFEED_WITHIN_RATING",
            "ENERGIZED_IN_LIQUIDTIGHT",
            "DEVICE_REQUIREMENTS",
        },
        with_device=True,
    ),
    Case(
        "install_on_three_phase_208V_service_fails",
        "install",
        {
            **CLEAN_SITE,
            **NEW_MSA,
            "service_phase": 3,
            "service_wires": 4,
            "service_voltage": "120/208",
        },
        "fail",
        failing={"SERVICE_1PH_3W_240"},
        with_device=True,
    ),
    Case(
        "removal_of_an_MSA_on_a_site_unfit_for_an_install_passes",
        "removal",
        {**CLEAN_SITE, **UNFIT_FOR_INSTALL, **MSA_THERE},
        "pass",
        absent=INSTALL_ONLY_RULES,
    ),
    Case(
        "removal_of_a_GMA_on_a_site_unfit_for_an_install_passes",
        "removal",
        {**CLEAN_SITE, **UNFIT_FOR_INSTALL, **GMA_THERE},
        "pass",
        absent=INSTALL_ONLY_RULES,
    ),
    Case(
        "removal_of_a_GMA_on_three_phase_service_passes",
        "removal",
        {**CLEAN_SITE, **GMA_THERE, "service_phase": 3, "service_wires": 4},
        "pass",
        absent=INSTALL_ONLY_RULES,
    ),
    Case(
        "removal_without_saying_what_is_there_is_asked_not_failed",
        "removal",
        {**CLEAN_SITE},
        "review",
        reviewing={"EXISTING_DEVICE_DESCRIBED"},
        absent=INSTALL_ONLY_RULES,
    ),
    Case(
        "removal_of_an_MSA_whose_panel_has_an_ESR_violation_fails",
        "removal",
        {**CLEAN_SITE, **MSA_THERE, "esr_violation": "yes"},
        "fail",
        failing={"NO_ESR_VIOLATION"},
    ),
    Case(
        "removal_of_a_GMA_on_a_CT_rated_meter_fails",
        "removal",
        {**CLEAN_SITE, **GMA_THERE, "meter_self_contained": False},
        "fail",
        failing={"METER_SELF_CONTAINED"},
    ),
    Case(
        "replacement_of_a_GMA_on_a_clean_site_passes",
        "replacement",
        {**CLEAN_SITE, **NEW_MSA, **GMA_THERE},
        "pass",
        with_device=True,
    ),
    Case(
        "replacement_on_a_225A_panel_fails_on_the_install_rules",
        "replacement",
        {**CLEAN_SITE, **NEW_MSA, **GMA_THERE, **UNFIT_FOR_INSTALL},
        "fail",
        # The chosen device is rated 200 A, below the panel: its own requirements fail too.
        failing={
            "PANEL_MAX_200A",
            "BACKFEED_WITHIN_RATING",
            "ENERGIZED_IN_LIQUIDTIGHT",
            "DEVICE_REQUIREMENTS",
        },
        with_device=True,
    ),
    Case(
        "replacement_without_saying_what_is_there_is_asked",
        "replacement",
        {**CLEAN_SITE, **NEW_MSA},
        "review",
        reviewing={"EXISTING_DEVICE_DESCRIBED"},
        with_device=True,
    ),
    Case(
        "replacement_of_what_is_said_to_be_an_MSA_goes_to_a_person",
        "replacement",
        {**CLEAN_SITE, **NEW_MSA, **MSA_THERE},
        "review",
        reviewing={"EXISTING_DEVICE_DESCRIBED"},
        with_device=True,
    ),
]
